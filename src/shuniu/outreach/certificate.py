"""The volunteer-hours certificate (志愿服务时长证明) as a PDF, in Chinese.

Uses reportlab's built-in CID font STSong-Light: no font file is embedded or needed on the
server (every PDF reader in China has it)."""

import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from shuniu.outreach.models import HoursStatus

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def certificate_pdf(volunteer) -> bytes:
    """Confirmed hours only, one line per shift, with a total."""
    rows = list(
        volunteer.hours.filter(status=HoursStatus.CONFIRMED)
        .select_related("assignment__shift__activity__organization")
        .order_by("assignment__shift__starts_at", "id")
    )
    total_minutes = sum(row.confirmed_minutes or 0 for row in rows)
    buffer = io.BytesIO()
    font = _font()
    with translation.override(settings.LANGUAGE_CODE):
        pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
        pdf.setTitle(_("Volunteer hours certificate"))
        width, height = A4
        pdf.setFont(font, 24)
        pdf.drawCentredString(width / 2, height - 40 * mm, _("Volunteer hours certificate"))
        pdf.setFont(font, 13)
        line = height - 60 * mm
        intro = _("This certifies that volunteer %(name)s (volunteer code %(code)s) served %(hours)s hours.") % {
            "name": volunteer.name,
            "code": volunteer.code,
            "hours": f"{total_minutes / 60:.1f}",
        }
        pdf.drawString(20 * mm, line, intro)
        line -= 14 * mm
        pdf.setFont(font, 11)
        pdf.drawString(20 * mm, line, _("Date"))
        pdf.drawString(50 * mm, line, _("Activity"))
        pdf.drawString(130 * mm, line, _("Organiser"))
        pdf.drawRightString(width - 20 * mm, line, _("Hours served"))
        line -= 3 * mm
        pdf.line(20 * mm, line, width - 20 * mm, line)
        line -= 7 * mm
        for row in rows:
            if line < 40 * mm:
                pdf.showPage()
                pdf.setFont(font, 11)
                line = height - 30 * mm
            shift = row.assignment.shift
            pdf.drawString(20 * mm, line, timezone.localtime(shift.starts_at).strftime("%Y-%m-%d"))
            pdf.drawString(50 * mm, line, f"{shift.activity.title[:22]} · {shift.title[:10]}")
            pdf.drawString(130 * mm, line, shift.activity.organization.display_name[:14])
            pdf.drawRightString(width - 20 * mm, line, f"{(row.confirmed_minutes or 0) / 60:.1f}")
            line -= 8 * mm
        if not rows:
            pdf.drawString(20 * mm, line, _("No confirmed hours yet."))
            line -= 8 * mm
        pdf.setFont(font, 10)
        pdf.drawString(
            20 * mm,
            25 * mm,
            _("Issued %(date)s by the Shuniu joint work platform. Only hours confirmed by the organisers are counted.")
            % {"date": timezone.localdate().isoformat()},
        )
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()
