"""Writing the figures as .xlsx (one sheet per section, tables as on the page) and .docx."""

import io

from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Font

from .figures import Figure


def _safe_sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    candidate, number = cleaned, 2
    while candidate in used:
        candidate, number = f"{cleaned[:25]} {number}", number + 1
    used.add(candidate)
    return candidate


def _cell(value):
    # Text that starts like a formula is written as text (CSV/Excel injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not value[1:2].isdigit():
        return "'" + value
    return value


def build_xlsx(title: str, sections: list[dict]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for section in sections:
        sheet = workbook.create_sheet(_safe_sheet_title(section["title"], used))
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=13)
        if section["note"]:
            sheet.append([section["note"]])
        figure: Figure
        for figure in section["figures"]:
            sheet.append([])
            sheet.append([str(figure.title)])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append([str(header) for header in figure.headers])
            for row in figure.rows:
                sheet.append([_cell(value) for value in row])
            if figure.note:
                sheet.append([figure.note])
        sheet.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_docx(title: str, sections: list[dict]) -> bytes:
    document = Document()
    document.add_heading(title, level=0)
    for section in sections:
        document.add_heading(section["title"], level=1)
        if section["note"]:
            document.add_paragraph(section["note"])
        for figure in section["figures"]:
            document.add_heading(str(figure.title), level=2)
            if figure.note:
                document.add_paragraph(figure.note)
            if not figure.rows:
                continue
            table = document.add_table(rows=1, cols=len(figure.headers))
            table.style = "Table Grid"
            for cell, header in zip(table.rows[0].cells, figure.headers, strict=True):
                cell.text = str(header)
            for row in figure.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
