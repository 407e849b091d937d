"""Fuzzing the parsers that take outside files (security issue, item 5): uploads to the library and
spreadsheets to the people import. Whatever the bytes, the answer is a result or the parser's own
clear refusal — never another exception (which would be a server error)."""

import io
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuniu.library.detection import UnsafeFile, detect
from shuniu.people.importing import ImportFileError, find_layout, iter_rows

PREFIXES = [
    b"",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\x89PNG\r\n\x1a\n",
    "序号,姓名,身份证号\n".encode("gb18030"),
    b"\xef\xbb\xbf",
]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=2048),
    name=st.sampled_from(["a.pdf", "a.docx", "a.xlsx", "a.pptx", "a.doc", "a.txt", "a.png", "a.jpg", "a.exe", "a"]),
)
def test_library_upload_detection_never_crashes(prefix, body, name):
    try:
        detect(io.BytesIO(prefix + body), name)
    except UnsafeFile:
        pass


@FUZZ
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=2048),
    name=st.sampled_from(["list.csv", "list.xlsx", "list.xls", "list.txt"]),
)
def test_spreadsheet_import_never_crashes(prefix, body, name):
    with tempfile.NamedTemporaryFile(suffix="." + name.rsplit(".", 1)[1]) as handle:
        handle.write(prefix + body)
        handle.flush()
        try:
            rows = []
            for row in iter_rows(handle.name, name):
                rows.append(row)
                if len(rows) > 50:
                    break
            if rows:
                find_layout(rows)
        except ImportFileError:
            pass


@FUZZ
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_csv_text_in_any_shape_never_crashes(text):
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(text.encode("utf-8"))
        handle.flush()
        try:
            rows = list(iter_rows(handle.name, "list.csv"))[:50]
            if rows:
                find_layout(rows)
        except ImportFileError:
            pass
