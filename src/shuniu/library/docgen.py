"""Generating real documents (.docx, .pdf, .xlsx, .pptx, .txt) for demo data and tests."""

import io

PDF_FONT = "STSong-Light"  # reportlab's built-in Adobe CID font: no font file needed


def docx_bytes(title: str, paragraphs: list[str], page_break_every: int = 0) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for index, text in enumerate(paragraphs, start=1):
        document.add_paragraph(text)
        if page_break_every and index % page_break_every == 0 and index < len(paragraphs):
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(title: str, paragraphs: list[str], page_break_every: int = 0) -> bytes:
    """A PDF with Chinese text (wrapped, several pages for long texts)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24)
    heading = ParagraphStyle("heading", fontName=PDF_FONT, fontSize=18, leading=28, alignment=1, spaceAfter=12)
    story = [Paragraph(_escape(title), heading), Spacer(1, 8)]
    for index, text in enumerate(paragraphs, start=1):
        story.append(Paragraph(_escape(text), body))
        story.append(Spacer(1, 6))
        if page_break_every and index % page_break_every == 0 and index < len(paragraphs):
            story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=60, rightMargin=60).build(story)
    return buffer.getvalue()


def xlsx_bytes(title: str, header: list[str], rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pptx_bytes(title: str, slides: list[tuple[str, str]]) -> bytes:
    from pptx import Presentation

    presentation = Presentation()
    cover = presentation.slides.add_slide(presentation.slide_layouts[0])
    cover.shapes.title.text = title
    for heading, text in slides:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = heading
        slide.placeholders[1].text = text
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
