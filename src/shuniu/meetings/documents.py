"""Documents: the minutes and the action-item list as .docx in the layout of official documents
(党政机关公文格式 GB/T 9704: red issuing-body header, title in 小标宋 二号, body in 仿宋 三号, issuing
body and date at the end), and the .ics calendar feed of meetings.

Fonts are set on every run including the east-asian attribute (w:eastAsia); without it Word and
LibreOffice render Chinese in the default Latin font's fallback.
"""

import io
from html.parser import HTMLParser

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
RED = RGBColor(0xC0, 0x00, 0x00)


def _font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _paragraph(document, text: str, *, font=BODY_FONT, size=16, bold=False, align=None, indent=True, color=None):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.line_spacing = Pt(28)
    paragraph.paragraph_format.space_after = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold, color)
    return paragraph


def _new_document(landscape: bool = False):
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return document


def _header(document, issuer: str, title: str) -> None:
    _paragraph(document, issuer, font=TITLE_FONT, size=26, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, color=RED)
    rule = _paragraph(document, "", indent=False)
    border = rule._p.get_or_add_pPr()
    from docx.oxml import OxmlElement

    bottom = OxmlElement("w:pBdr")
    line = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "18", "w:space": "1", "w:color": "C00000"}.items():
        line.set(qn(key), value)
    bottom.append(line)
    border.append(bottom)
    _paragraph(document, "", indent=False)
    _paragraph(document, title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, "", indent=False)


def _signature(document, issuer: str, day) -> None:
    _paragraph(document, "", indent=False)
    _paragraph(document, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, f"{day.year}年{day.month}月{day.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)


class _Blocks(HTMLParser):
    """Sanitised minutes HTML → (kind, text) blocks: headings, list items, paragraphs."""

    BLOCKS = {"p", "li", "h3", "h4", "blockquote"}

    def __init__(self):
        super().__init__()
        self.blocks: list[tuple[str, str]] = []
        self.kind = "p"
        self.buffer: list[str] = []

    def _flush(self):
        text = "".join(self.buffer).strip()
        if text:
            self.blocks.append((self.kind, text))
        self.buffer = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()
            self.kind = tag
        elif tag == "br":
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()
            self.kind = "p"

    def handle_data(self, data):
        self.buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def minutes_blocks(html: str) -> list[tuple[str, str]]:
    parser = _Blocks()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_docx(meeting) -> bytes:
    series = meeting.series
    issuer = series.convenor.name
    document = _new_document()
    _header(document, issuer, _("Minutes of %(title)s") % {"title": meeting.title})
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") if meeting.starts_at else "—"
    _paragraph(document, _("Time: %(when)s") % {"when": when})
    _paragraph(document, _("Venue: %(venue)s") % {"venue": meeting.venue or "—"})
    _paragraph(document, _("Host: %(host)s") % {"host": meeting.host.name})
    present = [a for a in meeting.attendance.select_related("organization") if a.presence == "present"]
    others = [a for a in meeting.attendance.select_related("organization") if a.presence != "present"]
    _paragraph(
        document,
        _("Attending: %(list)s")
        % {
            "list": "、".join(
                f"{a.organization.name}（{a.representatives}）" if a.representatives else a.organization.name
                for a in present
            )
            or "—"
        },
    )
    if others:
        _paragraph(
            document,
            _("Not attending: %(list)s")
            % {"list": "、".join(f"{a.organization.name}（{a.get_presence_display()}）" for a in others)},
        )
    _paragraph(document, _("I. Proceedings"), font=HEADING_FONT, indent=True)
    for kind, text in minutes_blocks(meeting.minutes):
        if kind in ("h3", "h4"):
            _paragraph(document, text, font=HEADING_FONT)
        elif kind == "li":
            _paragraph(document, f"· {text}")
        else:
            _paragraph(document, text)
    resolutions = list(meeting.resolutions.prefetch_related("action_items__lead_organization"))
    if resolutions:
        _paragraph(document, _("II. Resolutions"), font=HEADING_FONT)
        for resolution in resolutions:
            _paragraph(document, f"（{resolution.number}）{resolution.text}")
            for item in resolution.action_items.all():
                _paragraph(
                    document,
                    _("Action: %(title)s; lead: %(lead)s; deadline: %(deadline)s.")
                    % {"title": item.title, "lead": item.lead_organization.name, "deadline": item.deadline.isoformat()},
                )
    day = timezone.localtime(meeting.starts_at).date() if meeting.starts_at else timezone.localdate()
    _signature(document, issuer, day)
    return _save(document)


def action_items_docx(meeting) -> bytes:
    issuer = meeting.series.convenor.name
    document = _new_document(landscape=True)
    _header(document, issuer, _("Supervised action items of %(title)s") % {"title": meeting.title})
    items = list(
        meeting.action_items.select_related("lead_organization", "resolution").prefetch_related("co_organizations")
    )
    headers = [
        _("No."),
        _("Task"),
        _("Lead organisation"),
        _("Co-organisations"),
        _("Deadline"),
        _("Expected result"),
        _("Status"),
    ]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 12, bold=True)
    for number, item in enumerate(items, start=1):
        values = [
            str(number),
            item.title,
            item.lead_organization.name,
            "、".join(o.display_name for o in item.co_organizations.all()) or "—",
            item.deadline.isoformat(),
            item.expected_result,
            item.get_status_display(),
        ]
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), TABLE_FONT, 12)
    if not items:
        _paragraph(document, _("This meeting has no action items."))
    _signature(document, issuer, timezone.localdate())
    return _save(document)


def calendar_ics(meetings) -> bytes:
    from datetime import timedelta

    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Shuniu//meetings//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Joint meetings"))
    for meeting in meetings:
        if meeting.starts_at is None:
            continue
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@shuniu")
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + timedelta(hours=2))
        event.add("dtstamp", timezone.now())
        if meeting.venue:
            event.add("location", meeting.venue)
        event.add("description", _("Host: %(host)s") % {"host": meeting.host.name} + "\n" + (meeting.agenda or ""))
        calendar.add_component(event)
    return calendar.to_ical()
