import mimetypes

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header


def file_download(field_file, filename: str) -> HttpResponse:
    """Send a stored file as a download. Read whole (uploads are capped by SHUNIU_MAX_UPLOAD_MB) and
    closed at once, so no file handle outlives the request."""
    try:
        with field_file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
