"""Excel (.xlsx) exports of a disbursement batch and of the reconciliation report."""

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from shuniu.core.crypto import mask_id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"


def _sheet(workbook, title, header, *, first=True):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return sheet


def _response(workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def batch_workbook(batch) -> Workbook:
    workbook = Workbook()
    sheet = _sheet(
        workbook,
        _("Batch"),
        [_("Tracking code"), _("Name"), _("ID number"), _("Community"), _("Amount (yuan)"), _("Status")],
    )
    lines = batch.lines.select_related("application__person", "application__community").order_by("id")
    for line in lines:
        application = line.application
        sheet.append(
            [
                application.code,
                application.person.name,
                mask_id_number(application.person.id_number),
                str(application.community or ""),
                line.amount,
                application.get_status_display(),
            ]
        )
        sheet.cell(row=sheet.max_row, column=5).number_format = MONEY_FORMAT
    sheet.append([])
    sheet.append([_("Total"), "", "", "", batch.total, batch.get_status_display()])
    sheet.cell(row=sheet.max_row, column=5).number_format = MONEY_FORMAT
    for column, width in zip("ABCDEF", (14, 12, 22, 16, 14, 22), strict=True):
        sheet.column_dimensions[column].width = width
    return workbook


def batch_response(batch) -> HttpResponse:
    return _response(batch_workbook(batch), f"relief-batch-{batch.code}.xlsx")


def reconciliation_workbook(rows, entries, year: int) -> Workbook:
    workbook = Workbook()
    sheet = _sheet(
        workbook,
        _("Reconciliation %(year)s") % {"year": year},
        [
            _("Programme"),
            _("Organisation"),
            _("Funding channel"),
            _("Budget (yuan)"),
            _("Disbursed"),
            _("Reversed"),
            _("Adjusted"),
            _("Used"),
            _("Remaining"),
            _("Entries"),
        ],
    )
    for row in rows:
        budget = row.budget
        sheet.append(
            [
                budget.programme.name,
                budget.programme.organization.display_name,
                budget.get_funding_source_display(),
                budget.amount,
                row.disbursed,
                row.reversed,
                row.adjusted,
                row.used,
                row.remaining,
                row.entries,
            ]
        )
        for column in range(4, 10):
            sheet.cell(row=sheet.max_row, column=column).number_format = MONEY_FORMAT
    ledger = _sheet(
        workbook,
        _("Ledger"),
        [
            _("Entry"),
            _("Time"),
            _("Kind"),
            _("Programme"),
            _("Tracking code"),
            _("Batch"),
            _("Amount (yuan)"),
            _("Operator"),
        ],
        first=False,
    )
    for entry in entries:
        ledger.append(
            [
                entry.pk,
                timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                entry.get_kind_display(),
                entry.programme.name,
                entry.application.code if entry.application_id else "",
                entry.batch.code if entry.batch_id else "",
                entry.amount,
                str(entry.operator),
            ]
        )
        ledger.cell(row=ledger.max_row, column=7).number_format = MONEY_FORMAT
    return workbook


def reconciliation_response(rows, entries, year: int) -> HttpResponse:
    return _response(reconciliation_workbook(rows, entries, year), f"relief-reconciliation-{year}.xlsx")
