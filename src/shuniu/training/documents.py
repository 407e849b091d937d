"""Generated documents: the certificate PDF, the check-in QR code and the iCalendar feeds."""

import io
from datetime import timedelta

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from shuniu.core import crypto
from shuniu.training.models import Certificate, Lesson

# The Adobe CID font needs no font file on the server and every PDF reader in China renders it.
# (Debian's Noto CJK fonts are CFF-based .ttc files, which reportlab cannot embed.)
CHINESE_FONT = "STSong-Light"


def _font() -> str:
    if CHINESE_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CHINESE_FONT))
    return CHINESE_FONT


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URI (the CSP allows data: images; nothing is fetched)."""
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    enrollment = certificate.enrollment
    session = enrollment.session
    course = session.course
    font = _font()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(_("Certificate of completion") + " " + certificate.code)
    pdf.setAuthor(course.organization.name)
    pdf.setStrokeColorRGB(0.71, 0.14, 0.16)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    pdf.setFillColorRGB(0.71, 0.14, 0.16)
    pdf.setFont(font, 34)
    pdf.drawCentredString(width / 2, height - 50 * mm, _("Certificate of completion"))
    pdf.setFillColorRGB(0.1, 0.1, 0.1)
    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, height - 78 * mm, enrollment.person.name)
    pdf.setFont(font, 15)
    start = timezone.localtime(session.starts_at).strftime("%Y-%m-%d")
    end = timezone.localtime(session.ends_at).strftime("%Y-%m-%d")
    line = _("took part in “%(course)s” (%(hours)s hours) from %(start)s to %(end)s and completed it.") % {
        "course": course.title,
        "hours": format(course.hours.normalize(), "f"),
        "start": start,
        "end": end,
    }
    pdf.drawCentredString(width / 2, height - 95 * mm, line)
    pdf.setFont(font, 14)
    pdf.drawCentredString(width / 2, height - 112 * mm, course.organization.name)
    issued = timezone.localtime(certificate.issued_at).strftime("%Y-%m-%d")
    pdf.drawCentredString(width / 2, height - 122 * mm, _("Issued on %(date)s") % {"date": issued})
    pdf.setFont(font, 11)
    pdf.drawString(24 * mm, 30 * mm, _("Verification code: %(code)s") % {"code": certificate.code})
    pdf.drawString(24 * mm, 24 * mm, _("Verify at: %(url)s") % {"url": verify_url})
    qr = segno.make(verify_url, error="m")
    size = 30 * mm
    modules = qr.symbol_size(scale=1, border=0)[0]
    cell = size / modules
    left, top = width - 24 * mm - size, 22 * mm + size
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(qr.matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(left + col_index * cell, top - (row_index + 1) * cell, cell, cell, stroke=0, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def calendar_feed(name: str, lessons, *, include_people: bool = False) -> bytes:
    """An iCalendar feed of lessons. Venue and instructor feeds carry no personal data."""
    calendar = Calendar()
    calendar.add("prodid", "-//Shuniu//training//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for lesson in lessons:
        event = Event()
        event.add("uid", f"lesson-{lesson.pk}@shuniu")
        event.add("summary", lesson.session.course.title)
        event.add("dtstart", lesson.starts_at)
        event.add("dtend", lesson.ends_at)
        event.add("dtstamp", timezone.now())
        event.add("location", f"{lesson.venue.name} {lesson.venue.address}".strip())
        if lesson.instructor:
            event.add("description", _("Instructor: %(name)s") % {"name": lesson.instructor.name})
        if lesson.is_cancelled or lesson.session.status == "cancelled":
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()


def upcoming_lessons(**filters):
    since = timezone.now() - timedelta(days=30)
    return (
        Lesson.objects.filter(starts_at__gte=since, **filters)
        .select_related("session__course", "venue", "instructor")
        .order_by("starts_at")[:500]
    )


def masked_name(name: str) -> str:
    return crypto.mask_name(name)
