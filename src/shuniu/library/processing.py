"""Turning an uploaded file into page texts and preview images, with bounded time and memory.

PDF pages are read and rendered with pypdfium2. Office files are converted to PDF by LibreOffice
(`soffice --headless`) when it is installed, under a hard timeout that kills the whole process
group; without LibreOffice, or when conversion fails, their text is extracted directly
(python-docx, openpyxl, python-pptx) and shown as a text preview. Text files are split into
pages of about PAGE_CHARS characters. Every limit below keeps a hostile file from taking the
worker down: at most MAX_TEXT_PAGES pages of text, MAX_TEXT_CHARS characters and
MAX_RENDER_PAGES rendered previews per version.
"""

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from shuniu.library.detection import UnsafeFile, check_zip, decode_text
from shuniu.library.models import FileKind, PreviewMode
from shuniu.search.tokenizer import HAN

MAX_TEXT_PAGES = 1000
MAX_TEXT_CHARS = 2_000_000
MAX_RENDER_PAGES = 20
PAGE_CHARS = 1800
PREVIEW_WIDTH = 900
CONVERT_TIMEOUT_SECONDS = 90
# PDF text breaks lines inside words (群\n团); joining Chinese characters across a line end keeps
# words whole for search and snippets.
WRAPPED_LINE = re.compile(f"(?<=[{HAN}])[ \t]*\n[ \t]*(?=[{HAN}])")


class ProcessingFailed(Exception):
    """Processing ended without a usable result; `message` is translated and shown to the uploader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Outcome:
    page_texts: list[str] = field(default_factory=list)
    page_count: int = 0
    images: dict[int, bytes] = field(default_factory=dict)  # page number → PNG
    preview_mode: str = PreviewMode.NONE
    encoding: str = ""
    notes: list[str] = field(default_factory=list)


def soffice_command() -> list[str] | None:
    """LibreOffice's binary, or None when it is not installed."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    return [binary] if binary else None


def convert_timeout() -> int:
    return int(getattr(settings, "SHUNIU_LIBRARY_CONVERT_TIMEOUT", CONVERT_TIMEOUT_SECONDS))


def _render_pdf(path: Path, outcome: Outcome, render_limit: int) -> None:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ProcessingFailed(
                _("The PDF is protected by a password. Remove the password and upload it again.")
            ) from error
        raise ProcessingFailed(_("The PDF file is damaged and cannot be read.")) from error
    try:
        outcome.page_count = len(document)
        if outcome.page_count == 0:
            raise ProcessingFailed(_("The PDF has no pages."))
        total = 0
        for index in range(min(outcome.page_count, MAX_TEXT_PAGES)):
            page = document[index]
            try:
                text = page.get_textpage().get_text_bounded() if total < MAX_TEXT_CHARS else ""
            except pdfium.PdfiumError:
                text = ""
            text = WRAPPED_LINE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
            total += len(text)
            outcome.page_texts.append(text)
            if index < render_limit:
                width = page.get_width() or PREVIEW_WIDTH
                bitmap = page.render(scale=min(PREVIEW_WIDTH / width, 3.0))
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PNG", optimize=True)
                outcome.images[index + 1] = buffer.getvalue()
            page.close()
        if outcome.page_count > MAX_TEXT_PAGES:
            outcome.notes.append(_("Only the first %(count)d pages were read for search.") % {"count": MAX_TEXT_PAGES})
        outcome.preview_mode = PreviewMode.IMAGES
    finally:
        document.close()


def convert_to_pdf(path: Path, workdir: Path) -> Path:
    """LibreOffice → PDF with a hard timeout; the process group is killed so no soffice child stays behind."""
    command = soffice_command()
    if command is None:
        raise ProcessingFailed(_("LibreOffice is not installed."))
    profile = Path(settings.VAR_DIR if hasattr(settings, "VAR_DIR") else tempfile.gettempdir()) / "libreoffice"
    profile = profile / f"profile-{os.getpid()}"
    process = subprocess.Popen(  # noqa: S603 - fixed command, our own file paths
        [
            *command,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=convert_timeout())
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise ProcessingFailed(
            _("Converting the document took longer than %(seconds)d seconds and was stopped.")
            % {"seconds": convert_timeout()}
        ) from None
    produced = workdir / (path.stem + ".pdf")
    if process.returncode != 0 or not produced.exists():
        raise ProcessingFailed(_("LibreOffice could not convert the document."))
    return produced


def _paginate(text: str) -> list[str]:
    pages, current, size = [], [], 0
    for line in text[:MAX_TEXT_CHARS].splitlines(keepends=True):
        if size + len(line) > PAGE_CHARS and current:
            pages.append("".join(current))
            current, size = [], 0
        while len(line) > PAGE_CHARS:
            pages.append(line[:PAGE_CHARS])
            line = line[PAGE_CHARS:]
        current.append(line)
        size += len(line)
        if len(pages) >= MAX_TEXT_PAGES:
            break
    if current and len(pages) < MAX_TEXT_PAGES:
        pages.append("".join(current))
    return pages or [""]


def _office_text(path: Path, kind: str) -> list[str]:
    """Text of an Office file page by page where the format has pages (slides, sheets)."""
    check_zip(path)
    try:
        if kind == FileKind.DOCX:
            import docx

            document = docx.Document(io.BytesIO(path.read_bytes()))
            lines = [paragraph.text for paragraph in document.paragraphs]
            for table in document.tables:
                for row in table.rows:
                    lines.append("\t".join(cell.text for cell in row.cells))
            return _paginate("\n".join(lines))
        if kind == FileKind.PPTX:
            from pptx import Presentation

            slides = []
            for slide in list(Presentation(io.BytesIO(path.read_bytes())).slides)[:MAX_TEXT_PAGES]:
                texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
                slides.append("\n".join(texts))
            return slides or [""]
        if kind == FileKind.XLSX:
            import openpyxl

            # A file object: openpyxl refuses paths without an .xlsx suffix (stored uploads have none).
            workbook = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
            sheets = []
            for sheet in workbook.worksheets[:MAX_TEXT_PAGES]:
                rows = []
                for count, row in enumerate(sheet.iter_rows(values_only=True)):
                    if count >= 5000:
                        break
                    rows.append("\t".join("" if value is None else str(value) for value in row))
                sheets.append(f"{sheet.title}\n" + "\n".join(rows))
            workbook.close()
            return sheets or [""]
    except (KeyError, ValueError, OSError) as error:
        raise ProcessingFailed(_("The document is damaged and its text cannot be read.")) from error
    raise ProcessingFailed(_("Old Word (.doc) files need LibreOffice to be read."))


def process_file(path: Path, kind: str, render_limit: int = MAX_RENDER_PAGES) -> Outcome:
    """Read `path` (of a kind decided by `detection.detect`) into an Outcome, or raise ProcessingFailed."""
    outcome = Outcome()
    render_limit = min(render_limit, MAX_RENDER_PAGES)
    if kind == FileKind.PDF:
        _render_pdf(path, outcome, render_limit)
    elif kind in (FileKind.DOCX, FileKind.DOC, FileKind.XLSX, FileKind.PPTX):
        if kind != FileKind.DOC:
            try:
                check_zip(path)
            except UnsafeFile as error:
                raise ProcessingFailed(str(error)) from error
        with tempfile.TemporaryDirectory(prefix="shuniu-convert-") as workdir:
            source = Path(workdir) / f"document.{kind}"
            shutil.copyfile(path, source)
            try:
                pdf = convert_to_pdf(source, Path(workdir))
                _render_pdf(pdf, outcome, render_limit)
            except ProcessingFailed as error:
                if kind == FileKind.DOC:
                    raise
                outcome = Outcome(page_texts=_office_text(path, kind), preview_mode=PreviewMode.TEXT)
                outcome.page_count = len(outcome.page_texts)
                outcome.notes.append(error.message + " " + _("The preview shows the text only."))
    elif kind == FileKind.TXT:
        text, encoding = decode_text(path.read_bytes()[: MAX_TEXT_CHARS * 4])
        outcome.page_texts = _paginate(text.replace("\r\n", "\n"))
        outcome.page_count = len(outcome.page_texts)
        outcome.encoding = encoding
        outcome.preview_mode = PreviewMode.TEXT
    elif kind == FileKind.IMAGE:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(path) as image:
                image.thumbnail((PREVIEW_WIDTH * 2, PREVIEW_WIDTH * 2))
                buffer = io.BytesIO()
                image.convert("RGB").save(buffer, format="PNG", optimize=True)
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
            raise ProcessingFailed(_("The image is damaged and cannot be opened.")) from error
        outcome.page_texts = [""]
        outcome.page_count = 1
        outcome.images[1] = buffer.getvalue()
        outcome.preview_mode = PreviewMode.IMAGES
    else:
        raise ProcessingFailed(_("This file type cannot be processed."))
    return outcome
