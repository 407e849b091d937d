"""What an uploaded file really is, by its content (not its name), and whether it is safe to open.

- OOXML (.docx/.xlsx/.pptx) are zip files: the members tell which; member sizes and compression
  ratios are checked *before* anything is extracted (decompression bombs).
- .doc is an OLE2 compound file; PDF, images via magic numbers (filetype); text must decode as
  UTF-8, GB18030 or GBK (charset-normalizer decides).
"""

import zipfile
from dataclasses import dataclass

import filetype
from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

from shuniu.library.models import FileKind

EXTENSIONS = {
    "pdf": FileKind.PDF,
    "docx": FileKind.DOCX,
    "doc": FileKind.DOC,
    "xlsx": FileKind.XLSX,
    "pptx": FileKind.PPTX,
    "txt": FileKind.TXT,
    "png": FileKind.IMAGE,
    "jpg": FileKind.IMAGE,
    "jpeg": FileKind.IMAGE,
    "gif": FileKind.IMAGE,
    "webp": FileKind.IMAGE,
}
ACCEPT = ",".join(f".{ext}" for ext in EXTENSIONS)
IMAGE_MIMES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
OOXML_MAIN = {
    "word/document.xml": FileKind.DOCX,
    "xl/workbook.xml": FileKind.XLSX,
    "ppt/presentation.xml": FileKind.PPTX,
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OOXML_MARKER = "EncryptedPackage".encode("utf-16-le")
CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.DOC: "application/msword",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileKind.TXT: "text/plain; charset=utf-8",
}

MAX_ZIP_MEMBERS = 5000
MAX_ZIP_UNCOMPRESSED = 300 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_IMAGE_PIXELS = 40_000_000
TEXT_ENCODINGS = {"utf_8", "utf-8", "gb18030", "gbk", "gb2312", "ascii", "hz", "big5"}


class UnsafeFile(ValueError):
    """The file cannot be accepted; the message is translated and says why."""


@dataclass
class Detected:
    kind: str
    content_type: str
    encoding: str = ""


def check_zip(path_or_file) -> zipfile.ZipFile:
    """Open a zip and refuse it when its members would expand too far (zip bomb)."""
    try:
        archive = zipfile.ZipFile(path_or_file)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise UnsafeFile(_("The file is damaged: it is not a readable Office document.")) from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnsafeFile(_("The document has too many parts to be opened safely."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO:
            raise UnsafeFile(_("The document expands to far more than its size (a compression bomb) and was refused."))
    if total > MAX_ZIP_UNCOMPRESSED:
        raise UnsafeFile(_("The document expands to far more than its size (a compression bomb) and was refused."))
    return archive


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 / GB18030 / GBK text; returns (text, encoding) or raises UnsafeFile."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000], cp_isolation=["gb18030", "gbk", "big5", "utf_8"]).best()
    encoding = (best.encoding if best else "").lower()
    if encoding not in TEXT_ENCODINGS:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise UnsafeFile(_("The text file is not in a known Chinese encoding (UTF-8, GB18030 or GBK).")) from None
    if encoding in {"gbk", "gb2312"}:
        encoding = "gb18030"  # a superset: decodes every GBK file
    return data.decode(encoding, errors="replace"), encoding


def detect(upload, name: str) -> Detected:
    """Decide the kind of `upload` (a file object) by content and check it matches the name."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        raise UnsafeFile(
            _("Files of this type cannot be uploaded. Allowed: PDF, Word, Excel, PowerPoint, text and images.")
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if not head:
        raise UnsafeFile(_("The file is empty."))
    found = None
    if head.startswith(b"%PDF-"):
        found = Detected(FileKind.PDF, CONTENT_TYPES[FileKind.PDF])
    elif head.startswith(b"PK\x03\x04"):
        archive = check_zip(upload)
        names = set(archive.namelist())
        upload.seek(0)
        for main, kind in OOXML_MAIN.items():
            if main in names:
                found = Detected(kind, CONTENT_TYPES[kind])
                break
        if found is None:
            raise UnsafeFile(_("This zip file is not a Word, Excel or PowerPoint document."))
    elif head.startswith(OLE2_MAGIC):
        data = upload.read()
        upload.seek(0)
        if ENCRYPTED_OOXML_MARKER in data:
            raise UnsafeFile(_("The document is protected by a password. Remove the password and upload it again."))
        if "Workbook".encode("utf-16-le") in data:
            raise UnsafeFile(_("Old Excel (.xls) files are not accepted; save the file as .xlsx."))
        found = Detected(FileKind.DOC, CONTENT_TYPES[FileKind.DOC])
    else:
        guess = filetype.guess(head)
        if guess is not None and guess.mime in IMAGE_MIMES:
            found = Detected(FileKind.IMAGE, guess.mime)
        elif guess is None and claimed == FileKind.TXT:
            data = upload.read()
            upload.seek(0)
            if b"\x00" in data[:8192]:
                raise UnsafeFile(_("The file is not a text file."))
            _text, encoding = decode_text(data)
            found = Detected(FileKind.TXT, CONTENT_TYPES[FileKind.TXT], encoding)
    if found is None:
        raise UnsafeFile(_("The content of the file does not match any allowed type."))
    if found.kind != claimed:
        raise UnsafeFile(
            _("The file name ends with .%(extension)s but the content is %(kind)s. Rename it or save it again.")
            % {"extension": extension, "kind": FileKind(found.kind).label}
        )
    if found.kind == FileKind.IMAGE:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload) as image:
                width, height = image.size
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
            raise UnsafeFile(_("The image is damaged and cannot be opened.")) from error
        finally:
            upload.seek(0)
        if width * height > MAX_IMAGE_PIXELS:
            raise UnsafeFile(_("The image is too large (more than 40 million pixels)."))
    return found
