"""Building library records for tests: real files through the real services."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from shuniu.library import services
from shuniu.library.models import Audience, Resource

SPEECH_LINES = [
    "在全区群团工作会议上的讲话",
    "一、充分认识群团组织联动的重要意义",
    "各群团组织要建立联席会议制度，定期召开会议，通报工作情况。",
    "二、工会、共青团、妇联要加强维权联动，做好转介工作。",
]


def txt_upload(text: str = "\n".join(SPEECH_LINES), name: str = "讲话.txt", encoding: str = "utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/plain")


def pdf_bytes(pages: list[str]) -> bytes:
    """A real PDF with Chinese text on each page (reportlab + the CID font it ships with)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for text in pages:
        pdf.setFont("STSong-Light", 12)
        y = 800
        for line in text.split("\n"):
            pdf.drawString(60, y, line)
            y -= 20
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_resource(
    world,
    *,
    audience=Audience.ORGANIZATION,
    organization=None,
    user=None,
    title="群团工作会议讲话",
    upload=None,
    process=True,
    **fields,
) -> Resource:
    resource = services.upload_resource(
        user or world.caseworker,
        organization=organization or world.org_a,
        title=title,
        file=upload or txt_upload(),
        audience=audience,
        **fields,
    )
    if process:
        services.process_version(resource.current_version_id)
        resource.refresh_from_db()
    return resource
