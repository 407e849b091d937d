"""The Excel import end to end in a browser: a messy list as organisations keep it goes through
upload, column mapping, the preview of every row's problems, the import and the report file."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from shuniu.people.models import ImportJob, ImportStatus, Person, Serving
from tests.people.helpers import make_person
from tests.people.spreadsheets import messy_workbook


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


@pytest.mark.django_db(transaction=True)
def test_messy_xlsx_is_imported_end_to_end(page, world, sign_in, axe, media, tmp_path):
    registered = make_person(world.org_b, "刘敏", birth=date(1966, 8, 8), sequence="426")
    before = Person.objects.count()
    path = tmp_path / "东湖街道困难群众花名册.xlsx"
    messy_workbook(path)

    sign_in(page, world.caseworker)
    page.goto("/people/imports/")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("#main form[enctype] button[type=submit]")

    # the mapping step found the header under the title row and the merged 联系方式 cells
    assert page.locator("select[name=column_5]").input_value() == "phone"
    assert page.locator("select[name=column_6]").input_value() == "address"
    assert page.locator("select[name=column_0]").input_value() == "sequence"
    with page.expect_navigation():
        page.click("#main form:has(select[name=column_0]) button[type=submit]")

    # the preview shows every row's problems; nothing is imported yet
    preview = page.locator("#import-preview")
    expect(preview.locator("tbody tr.table-danger")).to_have_count(5)
    expect(preview.locator("tbody tr.table-warning")).to_have_count(1)
    assert "月亮社区" in preview.inner_text()
    assert "=A1&B1" in preview.inner_text()
    assert Person.objects.count() == before
    assert axe(page) == []

    with page.expect_navigation():
        page.click(f"form[action$='/people/imports/{ImportJob.objects.get().pk}/confirm/'] button")
    page.wait_for_selector(".alert-success")

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.linked_count, job.rejected_rows) == (2, 1, 5)
    assert Person.objects.count() == before + 2
    assert Serving.objects.filter(person=registered, organization=world.org_a).exists()

    with page.expect_download() as download_info:
        page.click(".alert-success a")
    assert download_info.value.suggested_filename.endswith(".xlsx")
    report = load_workbook(io.BytesIO(download_info.value.path().read_bytes()), read_only=True)
    rows = list(report.worksheets[0].iter_rows(values_only=True))
    report.close()
    assert [row[0] for row in rows[1:]] == [5, 6, 7, 8, 9]
    assert rows[0][-1] in ("问题", "Problems")
