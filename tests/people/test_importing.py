import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from shuniu.core.models import AuditEntry
from shuniu.core.services import DomainError
from shuniu.people import importing
from shuniu.people.models import (
    ImportJob,
    ImportMapping,
    ImportRow,
    ImportStatus,
    Person,
    PersonTag,
    Serving,
)
from tests.people.helpers import make_person
from tests.people.spreadsheets import REGISTERED_ID, VALID_ID, messy_workbook


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def upload(world, caseworker, name, content: bytes) -> ImportJob:
    job = ImportJob.objects.create(
        organization=world.org_a,
        created_by=caseworker,
        original_name=name,
        file=SimpleUploadedFile(name, content),
    )
    importing.open_upload(job)
    return job


def messy_bytes(tmp_path) -> bytes:
    path = tmp_path / "messy.xlsx"
    messy_workbook(path)
    return path.read_bytes()


def test_header_is_found_under_title_and_merged_cells(world, caseworker, tmp_path):
    job = upload(world, caseworker, "花名册.xlsx", messy_bytes(tmp_path))
    assert job.header_row == 3
    assert job.headers == ["序号", "姓名", "性别", "身份证号", "出生日期", "手机", "住址", "所属社区", "类别"]
    assert job.mapping == {
        "0": "sequence",
        "1": "name",
        "2": "gender",
        "3": "id_number",
        "4": "birth_date",
        "5": "phone",
        "6": "address",
        "7": "community",
        "8": "tags",
    }


def test_messy_file_is_checked_row_by_row_and_valid_rows_imported_once(
    world, caseworker, tmp_path, django_capture_on_commit_callbacks
):
    registered = make_person(world.org_b, "刘敏", birth=date(1966, 8, 8), sequence="426")
    assert registered.id_number == REGISTERED_ID
    people_before = Person.objects.count()
    job = upload(world, caseworker, "花名册.xlsx", messy_bytes(tmp_path))
    with django_capture_on_commit_callbacks(execute=True):
        importing.save_mapping(actor=caseworker, job=job, mapping=job.mapping)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    assert (job.total_rows, job.valid_rows, job.warning_rows, job.rejected_rows) == (8, 2, 1, 5)
    problems = {row.row_number: [p["code"] for p in row.problems] for row in ImportRow.objects.filter(job=job)}
    assert problems == {
        4: [],
        5: ["id_number"],
        6: ["duplicate_in_file"],
        7: ["birth_date"],
        8: ["community"],
        9: ["formula"],
        10: [],
        11: ["registry_exact"],
    }
    assert Person.objects.count() == people_before  # checking imports nothing

    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_import(actor=caseworker, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.linked_count) == (2, 1)
    wang = Person.objects.get(id_number_index=Person._meta.get_field("id_number_index").compute(VALID_ID))
    assert (wang.name, wang.birth_date, wang.gender, wang.phone) == ("王芳", date(1980, 5, 17), "female", "13812345678")
    assert wang.community == world.community
    assert sorted(PersonTag.objects.filter(person=wang).values_list("tag", flat=True)) == [
        "low_income",
        "single_parent",
    ]
    assert set(Serving.objects.filter(person=registered).values_list("organization_id", flat=True)) == {
        world.org_a.pk,
        world.org_b.pk,
    }
    assert Person.objects.count() == people_before + 2
    assert AuditEntry.objects.filter(action="people.import.completed").count() == 1
    # the report of rejected rows keeps the file's headers and says why
    report = load_workbook(io.BytesIO(importing.rejected_report(job)), read_only=True)
    rows = list(report.worksheets[0].iter_rows(values_only=True))
    report.close()
    assert rows[0][1:10] == ("序号", "姓名", "性别", "身份证号", "出生日期", "手机", "住址", "所属社区", "类别")
    assert [row[0] for row in rows[1:]] == [5, 6, 7, 8, 9]
    with pytest.raises(DomainError):
        importing.confirm_import(actor=caseworker, job=job)


def test_mapping_is_remembered_per_organisation(world, caseworker, tmp_path, django_capture_on_commit_callbacks):
    content = "姓名,电话号码,备用\n王芳,13812345678,x\n".encode()
    job = upload(world, caseworker, "list.csv", content)
    assert job.mapping == {"0": "name", "1": "phone"}
    with django_capture_on_commit_callbacks(execute=True):
        importing.save_mapping(actor=caseworker, job=job, mapping={"0": "name", "1": "phone", "2": "address"})
    assert ImportMapping.objects.get(organization=world.org_a).columns["备用"] == "address"
    again = upload(world, caseworker, "list2.csv", content)
    assert again.mapping == {"0": "name", "1": "phone", "2": "address"}


def test_gb18030_csv_is_read(world, caseworker):
    job = upload(world, caseworker, "名单.csv", "序号,姓名,手机\n1,张伟,13812345678\n".encode("gb18030"))
    assert job.headers == ["序号", "姓名", "手机"]


def test_failure_mid_import_leaves_nothing(
    world, caseworker, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    job = upload(world, caseworker, "花名册.xlsx", messy_bytes(tmp_path))
    with django_capture_on_commit_callbacks(execute=True):
        importing.save_mapping(actor=caseworker, job=job, mapping=job.mapping)
    before = (Person.objects.count(), Serving.objects.count(), PersonTag.objects.count())

    def broken(*args, **kwargs):
        raise DomainError("disk full")

    monkeypatch.setattr(importing.PersonTag.objects, "bulk_create", broken)
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        importing.confirm_import(actor=caseworker, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.error_message == "disk full"
    assert (Person.objects.count(), Serving.objects.count(), PersonTag.objects.count()) == before
    assert ImportRow.objects.filter(job=job, person__isnull=False).count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.xlsx", b""),
        ("fake.xlsx", b"this is not a workbook"),
        ("empty.csv", b""),
        ("list.pdf", b"%PDF-1.4"),
        ("noheader.csv", b"a,b\n1,2\n"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(world, caseworker, name, content):
    with pytest.raises(DomainError) as error:
        upload(world, caseworker, name, content)
    assert error.value.message


def test_mapping_without_name_is_refused_and_nothing_changes(world, caseworker, tmp_path):
    job = upload(world, caseworker, "花名册.xlsx", messy_bytes(tmp_path))
    with pytest.raises(DomainError):
        importing.save_mapping(actor=caseworker, job=job, mapping={"3": "id_number"})
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED
    assert not ImportMapping.objects.exists()


def test_export_has_the_import_headers_and_round_trips(world, caseworker):
    make_person(world.org_a, "王芳", phone="13812345678", community=world.community)
    content = importing.export_people(Person.objects.all(), actor=caseworker, organization=world.org_a)
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert rows[0] == tuple(label for _field, label in importing.EXPORT_COLUMNS)
    assert rows[1][1:6] == (
        "王芳",
        "女",
        json.loads(json.dumps(Person.objects.get().id_number)),
        "1980-05-17",
        "13812345678",
    )
    assert {importing.guess_field(header) for header in rows[0]} == {
        field for field, _label in importing.EXPORT_COLUMNS
    }
