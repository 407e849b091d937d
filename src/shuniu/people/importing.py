"""Excel import of the lists organisations really keep, and export with the same headers.

Reading is streamed (openpyxl read_only, xlrd on demand, csv line by line), so 100k rows never sit
in memory at once. Steps: `open_upload` finds the header (after a title row, with merged header
cells over two rows, a 序号 column), `analyse` checks every row and stores its problems, `run_import`
imports the valid rows in ONE transaction — a failure leaves the registry as it was.
"""

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuniu.core.audit import log_action
from shuniu.core.fields import blind_index_for
from shuniu.core.models import Region, RegionLevel, User
from shuniu.core.services import DomainError
from shuniu.core.validators import normalize_id_number, normalize_phone, parse_id_number, validate_phone
from shuniu.people import matching
from shuniu.people.households import relation_from_text, relation_text
from shuniu.people.models import (
    Gender,
    ImportJob,
    ImportMapping,
    ImportRow,
    ImportStatus,
    Person,
    PersonTag,
    RowStatus,
    Serving,
    Tag,
)

BATCH = 500
HEADER_SCAN_ROWS = 15
FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".csv": "csv"}

# Target fields, their labels, and the header texts organisations use for them.
FIELDS = {
    "sequence": (gettext_lazy("Row number (ignored)"), ["序号", "编号", "no", "序"]),
    "name": (gettext_lazy("Full name"), ["姓名", "名字", "户主姓名", "服务对象姓名", "对象姓名", "name"]),
    "gender": (gettext_lazy("Gender"), ["性别", "gender"]),
    "id_number": (
        gettext_lazy("ID number"),
        ["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "身份证件号码", "id number"],
    ),
    "birth_date": (gettext_lazy("Birth date"), ["出生日期", "出生年月", "生日", "出生年月日", "birth date"]),
    "phone": (
        gettext_lazy("Phone"),
        ["联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "phone"],
    ),
    "street": (gettext_lazy("Street (sub-district)"), ["街道", "所属街道", "乡镇街道", "street"]),
    "community": (gettext_lazy("Community"), ["社区", "所属社区", "社区村", "村社区", "居委会", "community"]),
    "address": (gettext_lazy("Address"), ["住址", "家庭住址", "地址", "现住址", "居住地址", "家庭地址", "address"]),
    "relation_to_head": (gettext_lazy("Relation to household head"), ["与户主关系", "关系", "家庭关系"]),
    "tags": (
        gettext_lazy("Categories"),
        ["类别", "困难类型", "人员类别", "对象类别", "标签", "困难类别", "帮扶类型", "categories"],
    ),
    "disability_level": (gettext_lazy("Disability level"), ["残疾等级", "残疾级别", "残疾证等级"]),
}
EXPORT_COLUMNS = [
    ("sequence", "序号"),
    ("name", "姓名"),
    ("gender", "性别"),
    ("id_number", "身份证号"),
    ("birth_date", "出生日期"),
    ("phone", "联系电话"),
    ("street", "街道"),
    ("community", "社区"),
    ("address", "住址"),
    ("relation_to_head", "与户主关系"),
    ("tags", "类别"),
    ("disability_level", "残疾等级"),
]
TAG_WORDS = {
    "困难职工": Tag.WORKER_IN_HARDSHIP,
    "困难群众": Tag.IN_DIFFICULTY,
    "困难": Tag.IN_DIFFICULTY,
    "残疾人": Tag.DISABILITY,
    "残疾": Tag.DISABILITY,
    "留守儿童": Tag.LEFT_BEHIND_CHILD,
    "单亲": Tag.SINGLE_PARENT,
    "单亲家庭": Tag.SINGLE_PARENT,
    "单亲母亲": Tag.SINGLE_PARENT,
    "单亲父亲": Tag.SINGLE_PARENT,
    "独居老人": Tag.ELDERLY_ALONE,
    "空巢老人": Tag.ELDERLY_ALONE,
    "低保": Tag.LOW_INCOME,
    "低保户": Tag.LOW_INCOME,
    "低收入": Tag.LOW_INCOME,
    "低收入家庭": Tag.LOW_INCOME,
    "学生": Tag.STUDENT,
    "失业": Tag.UNEMPLOYED,
    "失业人员": Tag.UNEMPLOYED,
}
TAG_LABELS = {
    Tag.IN_DIFFICULTY: "困难群众",
    Tag.WORKER_IN_HARDSHIP: "困难职工",
    Tag.DISABILITY: "残疾人",
    Tag.LEFT_BEHIND_CHILD: "留守儿童",
    Tag.SINGLE_PARENT: "单亲家庭",
    Tag.ELDERLY_ALONE: "独居老人",
    Tag.LOW_INCOME: "低收入家庭",
    Tag.STUDENT: "学生",
    Tag.UNEMPLOYED: "失业人员",
}
_HEADER_NOISE = re.compile(r"[\s\u3000*＊:：()（）\[\]【】]|必填|选填")
_TAG_SPLIT = re.compile(r"[、,，/;；\s]+")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class ImportFileError(DomainError):
    """The file cannot be read as a list (wrong format, encoding, empty)."""


def header_key(text) -> str:
    return _HEADER_NOISE.sub("", str(text or "")).lower()


_SYNONYMS = {header_key(word): field for field, (_label, words) in FIELDS.items() for word in words}


def guess_field(header: str) -> str:
    return _SYNONYMS.get(header_key(header), "")


def field_choices() -> list[tuple[str, str]]:
    return [("", _("Do not import")), *[(key, str(label)) for key, (label, _words) in FIELDS.items()]]


# --- reading ----------------------------------------------------------------------------------------


@dataclass
class Formula:
    """A cell holding a formula: its value depends on other cells, so it is not imported."""

    text: str


def _cell(value):
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        return Formula(value)
    return value


def file_format(name: str) -> str:
    return FORMATS.get(Path(name).suffix.lower(), "")


def iter_rows(path: str, name: str) -> Iterator[list]:
    """Rows of the first sheet as lists of Python values (str, int, float, datetime, Formula, None)."""
    kind = file_format(name)
    if kind == "xlsx":
        yield from _iter_xlsx(path)
    elif kind == "xls":
        yield from _iter_xls(path)
    elif kind == "csv":
        yield from _iter_csv(path)
    else:
        raise ImportFileError(_("Please upload an Excel file (.xlsx or .xls) or a CSV file."))


def _iter_xlsx(path: str) -> Iterator[list]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            _("This file is not a readable .xlsx workbook (it may be damaged or another format renamed).")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def _iter_xls(path: str) -> Iterator[list]:
    import struct
    import zipfile

    import xlrd
    from xlrd.compdoc import CompDocError

    try:
        book = xlrd.open_workbook(path, on_demand=True)
    except (
        xlrd.XLRDError,
        CompDocError,
        OSError,
        ValueError,
        AssertionError,
        IndexError,
        KeyError,
        struct.error,
        UnicodeDecodeError,
        zipfile.BadZipFile,
    ) as error:
        raise ImportFileError(_("This file is not a readable .xls workbook.")) from error
    try:
        sheet = book.sheet_by_index(0)
        for index in range(sheet.nrows):
            values = []
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        values.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError):
                        values.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    values.append(None)
                else:
                    values.append(_cell(cell.value))
            yield values
    finally:
        book.release_resources()


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, the two encodings Chinese CSV files come in."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding, trim in (("utf-8", 4), ("gb18030", 4)):
        for cut in range(trim):  # the sample may end inside a multi-byte character
            try:
                (sample[: len(sample) - cut] if cut else sample).decode(encoding)
                return encoding
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise ImportFileError(_("The text encoding of this CSV file cannot be recognised; save it as UTF-8."))
    return best.encoding


def _iter_csv(path: str) -> Iterator[list]:
    with open(path, "rb") as handle:
        sample = handle.read(65536)
    encoding = detect_encoding(sample)
    try:
        with open(path, encoding=encoding, newline="") as handle:
            for row in csv.reader(handle):
                yield [_cell(value.strip()) if value.strip() else None for value in row]
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The CSV file mixes text encodings (line %(line)s cannot be read); save it again as UTF-8.")
            % {"line": "?"}
        ) from error
    except csv.Error as error:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": str(error)}) from error


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, Formula):
        return value.text
    return str(value).strip()


@dataclass
class Layout:
    header_row: int  # 1-based number of the last header row
    headers: list[str]


def find_layout(rows: list[list]) -> Layout:
    """The header is the first row naming at least two known fields; a title row above it is skipped,
    and a second header row under merged cells (联系方式 → 电话 | 住址) refines it."""
    for index, row in enumerate(rows):
        known = sum(1 for value in row if guess_field(_text(value)))
        if known < 2:
            continue
        headers = []
        last = ""
        for value in row:
            text = _text(value)
            last = text or last  # a merged cell spreads its text to the right
            headers.append(text or last)
        header_row = index + 1
        if index + 1 < len(rows):
            below = rows[index + 1]
            below_known = [guess_field(_text(value)) for value in below]
            if any(below_known) and not _looks_like_data(below):
                for column, value in enumerate(below):
                    text = _text(value)
                    if text:
                        while len(headers) <= column:
                            headers.append("")
                        headers[column] = text
                header_row = index + 2
        while headers and not headers[-1]:
            headers.pop()
        return Layout(header_row=header_row, headers=headers)
    raise ImportFileError(
        _("No header row found: the first rows should name the columns, e.g. 姓名, 身份证号, 联系电话.")
    )


def _looks_like_data(row: list) -> bool:
    return any(isinstance(value, int | float | datetime) for value in row if not isinstance(value, bool))


def open_upload(job: ImportJob) -> None:
    """Read the header of an uploaded file and propose a mapping (remembered per organisation)."""
    head = []
    for row in iter_rows(job.file.path, job.original_name):
        head.append(row)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    if not any(any(value not in (None, "") for value in row) for row in head):
        raise ImportFileError(_("The file is empty."))
    layout = find_layout(head)
    remembered = ImportMapping.objects.filter(organization=job.organization).first()
    mapping = {}
    for column, header in enumerate(layout.headers):
        key = header_key(header)
        field = (remembered.columns.get(key) if remembered else None) or guess_field(header)
        if field:
            mapping[str(column)] = field
    job.header_row = layout.header_row
    job.headers = layout.headers
    job.mapping = mapping
    job.save(update_fields=["header_row", "headers", "mapping"])


def save_mapping(*, actor, job: ImportJob, mapping: dict[str, str]) -> None:
    """Check the mapping, remember it for the organisation, and start checking the rows."""
    chosen = {column: field for column, field in mapping.items() if field and field in FIELDS}
    fields = [field for field in chosen.values() if field != "sequence"]
    duplicates = sorted({str(FIELDS[f][0]) for f in fields if fields.count(f) > 1})
    if duplicates:
        raise DomainError(
            _("Each field can come from one column only: %(fields)s.") % {"fields": "、".join(duplicates)}
        )
    if "name" not in fields:
        raise DomainError(_("Choose the column that holds the name."))
    if "id_number" not in fields and "phone" not in fields:
        raise DomainError(_("Choose the column of the ID number or of the phone, so that people can be recognised."))
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status__in=[ImportStatus.UPLOADED, ImportStatus.READY]).update(
            mapping=chosen, status=ImportStatus.ANALYSING
        )
        if updated != 1:
            raise DomainError(_("This import is already running or finished."))
        ImportRow.objects.filter(job=job).delete()
        remembered, _created = ImportMapping.objects.get_or_create(organization=job.organization)
        columns = dict(remembered.columns)
        for column, field in chosen.items():
            header = job.headers[int(column)] if int(column) < len(job.headers) else ""
            if header:
                columns[header_key(header)] = field
        remembered.columns = columns
        remembered.save(update_fields=["columns", "updated_at"])
        log_action(
            "people.import.mapped", actor=actor, organization=job.organization, obj=job, data={"mapping": chosen}
        )
        language = translation.get_language() or settings.LANGUAGE_CODE
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue_analyse(job_id, language))
    job.refresh_from_db()


def _enqueue_analyse(job_id: int, language: str) -> None:
    from shuniu.people.tasks import analyse_import_task

    analyse_import_task.enqueue(job_id, language)


# --- progress (a small file: the import transaction hides its own rows from other connections) ----


def progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "people" / "progress" / f"{job_id}.json"


def write_progress(job_id: int, phase: str, done: int, total: int) -> None:
    path = progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"phase": phase, "done": done, "total": total}))
    temporary.replace(path)


def read_progress(job_id: int) -> dict:
    try:
        return json.loads(progress_path(job_id).read_text())
    except (OSError, ValueError):
        return {"phase": "", "done": 0, "total": 0}


# --- checking rows --------------------------------------------------------------------------------------


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    if text.isdigit() and len(text) == 8:
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_TEXT.match(text)
    if not match:
        raise ValueError(text)
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _problem(code: str, message: str, column: str = "") -> dict:
    return {"code": code, "message": str(message), "column": column}


class RowChecker:
    """Checks one row at a time; remembers what it saw to find duplicates within the file."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.mapping = {int(column): field for column, field in job.mapping.items()}
        self.columns = {field: column for column, field in self.mapping.items()}
        self.seen_ids: dict[str, int] = {}
        self.seen_name_phone: dict[tuple[str, str], int] = {}
        self.communities = {}
        for region in Region.objects.filter(level=RegionLevel.COMMUNITY).select_related("parent"):
            for key in {region.name, region.name.removesuffix("社区"), region.name.removesuffix("村")}:
                self.communities.setdefault(key, []).append(region)

    def header(self, field: str) -> str:
        column = self.columns.get(field)
        return self.job.headers[column] if column is not None and column < len(self.job.headers) else field

    def check(self, number: int, cells: list) -> tuple[dict, list[dict]]:
        raw = {field: (cells[column] if column < len(cells) else None) for column, field in self.mapping.items()}
        problems = []
        for field, value in raw.items():
            if isinstance(value, Formula) and field != "sequence":
                problems.append(
                    _problem(
                        "formula",
                        _("The cell holds a formula (%(formula)s); paste the values instead.")
                        % {"formula": value.text},
                        self.header(field),
                    )
                )
        values = {field: _text(value) for field, value in raw.items() if field != "sequence"}
        name = values.get("name", "")
        if not name:
            problems.append(_problem("name_missing", _("The name is missing."), self.header("name")))
        birth_from_id = None
        id_value = raw.get("id_number")
        if isinstance(id_value, float | int) and not isinstance(id_value, bool) and len(str(int(id_value))) > 15:
            problems.append(
                _problem(
                    "id_number_as_number",
                    _("The ID number was stored as a number and lost its last digits; format the column as text."),
                    self.header("id_number"),
                )
            )
            values["id_number"] = ""
        elif values.get("id_number") and not isinstance(id_value, Formula):
            try:
                parsed, birth_from_id, gender = parse_id_number(values["id_number"])
                values["id_number"] = parsed
                values["gender_from_id"] = gender
            except ValidationError as error:
                problems.append(_problem("id_number", error.messages[0], self.header("id_number")))
        if values.get("birth_date") and not isinstance(raw.get("birth_date"), Formula):
            try:
                birth = parse_date(raw["birth_date"])
                values["birth_date"] = birth.isoformat() if birth else ""
                if birth_from_id and birth and birth != birth_from_id:
                    problems.append(
                        _problem(
                            "birth_date_mismatch",
                            _("The birth date does not match the one in the ID number."),
                            self.header("birth_date"),
                        )
                    )
            except ValueError:
                problems.append(
                    _problem(
                        "birth_date",
                        _("%(value)s is not a date; write it as 1980-05-17.") % {"value": values["birth_date"]},
                        self.header("birth_date"),
                    )
                )
        if birth_from_id:
            values["birth_date"] = birth_from_id.isoformat()
        if values.get("phone") and not isinstance(raw.get("phone"), Formula):
            try:
                validate_phone(values["phone"])
                values["phone"] = normalize_phone(values["phone"])
            except ValidationError as error:
                problems.append(_problem("phone", error.messages[0], self.header("phone")))
        if values.get("gender"):
            gender = {"男": Gender.MALE, "女": Gender.FEMALE, "male": Gender.MALE, "female": Gender.FEMALE}.get(
                values["gender"].lower()
            )
            if gender is None:
                problems.append(
                    _problem(
                        "gender",
                        _("Gender %(value)s is not 男 or 女; it was left out.") % {"value": values["gender"]},
                        self.header("gender"),
                    )
                )
                values["gender"] = ""
            else:
                values["gender"] = gender
        if values.get("gender_from_id"):
            values["gender"] = values.pop("gender_from_id")
        if values.get("community"):
            found = self.communities.get(values["community"]) or self.communities.get(
                values["community"].removesuffix("社区")
            )
            if found and len(found) > 1 and values.get("street"):
                found = [region for region in found if region.parent and region.parent.name == values["street"]]
            if not found:
                problems.append(
                    _problem(
                        "community",
                        _("Unknown community %(value)s; use the name of a community of the district.")
                        % {"value": values["community"]},
                        self.header("community"),
                    )
                )
            elif len(found) > 1:
                problems.append(
                    _problem(
                        "community_ambiguous",
                        _("Several streets have a community called %(value)s; add the street column.")
                        % {"value": values["community"]},
                        self.header("community"),
                    )
                )
            else:
                values["community_id"] = found[0].pk
        tags, unknown = [], []
        for word in _TAG_SPLIT.split(values.get("tags", "")):
            if not word:
                continue
            tag = TAG_WORDS.get(word)
            (tags if tag else unknown).append(tag or word)
        values["tag_list"] = sorted(set(tags))
        if unknown:
            problems.append(
                _problem(
                    "tag_unknown",
                    _("Category %(value)s is not known and was left out.") % {"value": "、".join(unknown)},
                    self.header("tags"),
                )
            )
        if values.get("id_number") and not any(p["code"].startswith("id_number") for p in problems):
            first = self.seen_ids.get(values["id_number"])
            if first:
                problems.append(
                    _problem(
                        "duplicate_in_file",
                        _("Same ID number as row %(row)d of this file.") % {"row": first},
                        self.header("id_number"),
                    )
                )
            else:
                self.seen_ids[values["id_number"]] = number
        elif name and values.get("phone"):
            key = (matching.normalize_name(name), values["phone"])
            first = self.seen_name_phone.get(key)
            if first:
                problems.append(
                    _problem(
                        "duplicate_in_file",
                        _("Same name and phone as row %(row)d of this file.") % {"row": first},
                        self.header("phone"),
                    )
                )
            else:
                self.seen_name_phone[key] = number
        return values, problems


WARNING_CODES = {"tag_unknown", "gender", "registry_exact", "registry_likely"}


def _row_status(problems: list[dict]) -> str:
    if any(problem["code"] not in WARNING_CODES for problem in problems):
        return RowStatus.REJECTED
    return RowStatus.WARNING if problems else RowStatus.VALID


def _registry_checks(batch: list[tuple[int, list, dict, list]]) -> None:
    """Look for each row of a batch in the registry at once (a few indexed queries per batch)."""
    query = Q()
    for _number, _cells, values, problems in batch:
        if _row_status(problems) == RowStatus.REJECTED:
            continue
        if values.get("id_number"):
            query |= Q(id_number_index=blind_index_for(Person, "id_number_index", values["id_number"]))
        if values.get("phone"):
            query |= Q(phone_index=blind_index_for(Person, "phone_index", values["phone"]))
        key = matching.name_key(values.get("name", ""))
        if key:
            query |= Q(name_key=key)
    if not query:
        return
    blocks: dict[str, list[Person]] = {}
    existing = Person.objects.current().filter(anonymized_at__isnull=True).filter(query)[: BATCH * 20]
    for person in existing:
        for key in matching.blocking_keys(person.to_record()):
            blocks.setdefault(key, []).append(person)
    for _number, _cells, values, problems in batch:
        if _row_status(problems) == RowStatus.REJECTED:
            continue
        record = row_record(values)
        candidates = {p.pk: p for key in matching.blocking_keys(record) for p in blocks.get(key, [])}
        exact = [p for p in candidates.values() if values.get("id_number") and p.id_number == values["id_number"]]
        if exact:
            values["existing_id"] = exact[0].pk
            problems.append(
                _problem(
                    "registry_exact",
                    _("Already in the registry (same ID number): the row will be linked to that record."),
                    "",
                )
            )
            continue
        best = max(
            (matching.score(record, p.to_record()) for p in candidates.values()),
            key=lambda result: result.total,
            default=None,
        )
        if best is not None and best.level == "likely":
            problems.append(
                _problem(
                    "registry_likely",
                    _("Likely already in the registry under a similar record; it will be proposed for review."),
                    "",
                )
            )


def row_record(values: dict) -> matching.Record:
    return matching.Record(
        key=None,
        name=values.get("name", ""),
        id_number=values.get("id_number", ""),
        birth_date=date.fromisoformat(values["birth_date"]) if values.get("birth_date") else None,
        gender=values.get("gender", ""),
        phone=values.get("phone", ""),
        address=values.get("address", ""),
    )


def analyse(job_id: int, language: str | None = None) -> None:
    """Check every row, store rows with their problems, write the report of rejected rows. Idempotent:
    a re-run starts the rows of the job again."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.ANALYSING).first()
    if job is None:
        return
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            _analyse(job)
        except ImportFileError as error:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error_message=error.message)


def _analyse(job: ImportJob) -> None:
    ImportRow.objects.filter(job=job).delete()
    checker = RowChecker(job)
    counts = {RowStatus.VALID: 0, RowStatus.WARNING: 0, RowStatus.REJECTED: 0}
    total = 0
    batch: list[tuple[int, list, dict, list]] = []

    def flush():
        _registry_checks(batch)
        rows = []
        for number, cells, values, problems in batch:
            status = _row_status(problems)
            counts[status] += 1
            rows.append(
                ImportRow(
                    job=job,
                    row_number=number,
                    values=json.dumps({"values": values, "cells": [_text(c) for c in cells]}, ensure_ascii=False),
                    problems=problems,
                    status=status,
                )
            )
        ImportRow.objects.bulk_create(rows, batch_size=BATCH)
        batch.clear()
        write_progress(job.pk, "analysing", total, 0)

    for index, cells in enumerate(iter_rows(job.file.path, job.original_name), start=1):
        if index <= job.header_row:
            continue
        if not any(value not in (None, "") for value in cells):
            continue
        filled = [value for value in cells if value not in (None, "")]
        name_column = checker.columns.get("name", -1)
        if len(filled) == 1 and (name_column >= len(cells) or cells[name_column] in (None, "")):
            continue  # a note under the table (制表人：…, 合计)
        total += 1
        values, problems = checker.check(index, cells)
        batch.append((index, cells, values, problems))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    if total == 0:
        raise ImportFileError(_("The file has a header but no rows of people."))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.READY,
        total_rows=total,
        valid_rows=counts[RowStatus.VALID],
        warning_rows=counts[RowStatus.WARNING],
        rejected_rows=counts[RowStatus.REJECTED],
    )


def rejected_report(job: ImportJob) -> bytes:
    """The rejected rows as .xlsx: the row number in the file, the file's own columns, and the problems."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rejected rows")[:31])
    sheet.append([_("Row in the file"), *job.headers, _("Problems")])
    last = 0
    while True:
        rows = list(
            ImportRow.objects.filter(job=job, status=RowStatus.REJECTED, row_number__gt=last).order_by("row_number")[
                :BATCH
            ]
        )
        if not rows:
            break
        last = rows[-1].row_number
        for row in rows:
            cells = json.loads(row.values)["cells"]
            sheet.append([row.row_number, *cells, "；".join(problem["message"] for problem in row.problems)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- importing --------------------------------------------------------------------------------------------


def confirm_import(*, actor, job: ImportJob) -> None:
    """Start importing a checked file (compare-and-set: a double click starts one import)."""
    if job.valid_rows + job.warning_rows == 0:
        raise DomainError(_("No row of this file can be imported; correct the file and upload it again."))
    with transaction.atomic():
        if ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(status=ImportStatus.IMPORTING) != 1:
            raise DomainError(_("This import is already running or finished."))
        log_action("people.import.confirmed", actor=actor, organization=job.organization, obj=job)
        job_id, actor_id = job.pk, actor.pk
        transaction.on_commit(lambda: _enqueue_import(job_id, actor_id))
    job.refresh_from_db()


def _enqueue_import(job_id: int, actor_id: int) -> None:
    from shuniu.people.tasks import run_import_task

    run_import_task.enqueue(job_id, actor_id)


def run_import(job_id: int, actor_id: int) -> None:
    """Import every valid row in one transaction; on any failure nothing is imported and the job
    says why. Rows whose ID number is already registered are linked (the organisation now serves
    the person) instead of creating a second record."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.IMPORTING).select_related("organization").first()
    if job is None:
        return
    actor = User.objects.filter(pk=actor_id).first()
    created_ids: list[int] = []
    try:
        with transaction.atomic():
            created, linked = _import_rows(job, actor, created_ids)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.DONE, created_count=created, linked_count=linked, finished_at=timezone.now()
            )
            log_action(
                "people.import.completed",
                actor=actor,
                organization=job.organization,
                obj=job,
                data={"created": created, "linked": linked, "rejected": job.rejected_rows},
            )
            transaction.on_commit(lambda: _scan_created(created_ids))
    except DomainError as error:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error_message=error.message)
    write_progress(job.pk, "done", 1, 1)


def _scan_created(person_ids: list[int]) -> None:
    from shuniu.people.tasks import scan_person_task, scan_registry_task

    if len(person_ids) > 2000:
        scan_registry_task.enqueue()
        return
    for person_id in person_ids:
        scan_person_task.enqueue(person_id)


def _import_rows(job: ImportJob, actor, created_ids: list[int]) -> tuple[int, int]:
    organization = job.organization
    total = job.valid_rows + job.warning_rows
    done = created = linked = 0
    last = 0
    while True:
        rows = list(
            ImportRow.objects.filter(
                job=job, status__in=[RowStatus.VALID, RowStatus.WARNING], row_number__gt=last
            ).order_by("row_number")[:BATCH]
        )
        if not rows:
            break
        last = rows[-1].row_number
        new_people, new_rows, tags = [], [], []
        for row in rows:
            values = json.loads(row.values)["values"]
            existing_id = values.get("existing_id")
            if existing_id:
                person = Person.objects.filter(pk=existing_id, merged_into__isnull=True).first()
                if person is not None and (
                    person.sharing_withdrawn_at is None
                    or Serving.objects.filter(person=person, organization=organization).exists()
                ):
                    Serving.objects.get_or_create(person=person, organization=organization)
                    row.person = person
                    linked += 1
                    continue
            person = Person(
                name=values["name"][:60],
                gender=values.get("gender") or Gender.UNKNOWN,
                birth_date=date.fromisoformat(values["birth_date"]) if values.get("birth_date") else None,
                id_number=normalize_id_number(values.get("id_number", "")),
                phone=values.get("phone", ""),
                community_id=values.get("community_id"),
                address=values.get("address", ""),
                relation_to_head=relation_from_text(values.get("relation_to_head", ""))[:20],
                created_by_org=organization,
            )
            new_people.append(person)
            new_rows.append(row)
            tags.append((values.get("tag_list", []), values.get("disability_level", "")))
        Person.objects.bulk_create(new_people, batch_size=BATCH)
        Serving.objects.bulk_create(
            [Serving(person=person, organization=organization) for person in new_people], batch_size=BATCH
        )
        PersonTag.objects.bulk_create(
            [
                PersonTag(
                    person=person,
                    tag=tag,
                    detail=(level[:60] if tag == Tag.DISABILITY else ""),
                    organization=organization,
                )
                for person, (tag_list, level) in zip(new_people, tags, strict=True)
                for tag in tag_list
            ],
            batch_size=BATCH,
        )
        for person, row in zip(new_people, new_rows, strict=True):
            row.person = person
            created_ids.append(person.pk)
        ImportRow.objects.bulk_update(rows, ["person"], batch_size=BATCH)
        created += len(new_people)
        done += len(rows)
        write_progress(job.pk, "importing", done, total)
    return created, linked


# --- export ------------------------------------------------------------------------------------------------


def export_people(people, *, actor, organization) -> bytes:
    """The registry as .xlsx with the same headers the import reads (streamed, write-only)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员名单")
    sheet.append([label for _field, label in EXPORT_COLUMNS])
    count = 0
    for person in people.select_related("community__parent").prefetch_related("tags").iterator(chunk_size=1000):
        count += 1
        tags = list(person.tags.all())
        disability = next((tag.detail for tag in tags if tag.tag == Tag.DISABILITY), "")
        sheet.append(
            [
                count,
                person.name,
                {"male": "男", "female": "女"}.get(person.gender, ""),
                person.id_number,
                person.birth_date.isoformat() if person.birth_date else "",
                person.phone,
                person.community.parent.name if person.community and person.community.parent else "",
                person.community.name if person.community else "",
                person.address,
                relation_text(person.relation_to_head),
                "、".join(TAG_LABELS.get(tag.tag, tag.tag) for tag in tags),
                disability,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    log_action("people.registry.exported", actor=actor, organization=organization, data={"rows": count})
    return buffer.getvalue()


def template_workbook() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员名单")
    sheet.append([label for _field, label in EXPORT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
