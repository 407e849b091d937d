"""Period reports: generated in the background as .xlsx and .docx, downloadable, sent to subscribers."""

import io

import time_machine
from docx import Document
from openpyxl import load_workbook

from shuniu.core.models import Notification
from shuniu.insights.models import PeriodReport, ReportSubscription
from tests.insights.helpers import ready_report
from tests.rights.helpers import make_case


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_requesting_a_report_generates_both_files_and_tells_subscribers(
    world, client_for, django_capture_on_commit_callbacks
):
    make_case(world)
    ReportSubscription.objects.create(user=world.org_admin, organization=world.joint_office, kind="yearly")
    other = ReportSubscription.objects.create(user=world.supervisor, organization=world.org_a, kind="yearly")
    client = client_for(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/insights/reports/", {"kind": "yearly", "period": "2026"})

    assert response.status_code == 302
    report = PeriodReport.objects.get()
    assert report.status == "ready"
    workbook = load_workbook(io.BytesIO(client.get(f"/insights/reports/{report.pk}/xlsx/").getvalue()))
    assert "维权联动" in workbook.sheetnames
    sheet_text = [cell.value for row in workbook["维权联动"].iter_rows() for cell in row if cell.value]
    assert "欠薪讨薪" in sheet_text
    document = Document(io.BytesIO(client.get(f"/insights/reports/{report.pk}/docx/").getvalue()))
    assert any(paragraph.text == "维权联动" for paragraph in document.paragraphs)
    recipients = set(
        Notification.objects.filter(title__startswith="报告已生成").values_list("recipient__username", flat=True)
    )
    assert recipients == {"coordinator", "org_admin"}
    assert other.user.username not in recipients


def test_a_bad_period_is_refused_and_nothing_is_queued(world, client_for):
    response = client_for(world.coordinator).post("/insights/reports/", {"kind": "monthly", "period": "2026"})

    assert response.status_code == 422
    assert PeriodReport.objects.count() == 0


def test_report_of_another_organisation_cannot_be_downloaded(world, client_for):
    report = ready_report(world)

    response = client_for(world.org_admin).get(f"/insights/reports/{report.pk}/xlsx/")

    assert response.status_code == 404


def test_generating_twice_does_nothing_the_second_time(world):
    from shuniu.insights.tasks import generate_period_report

    report = ready_report(world)
    assert report.status == "ready"
    assert generate_period_report.call(report.pk) == "skipped"
