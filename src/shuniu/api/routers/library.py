"""Library search through the shared Chinese search, with the staff library's filters (category,
organisation, file type, upload dates); results are what the caller may see, each with the page
the hit is on and a snippet (matches in `<mark>`)."""

from datetime import date, datetime, time, timedelta
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from shuniu.core.models import Organization
from shuniu.library.models import Category, FileKind
from shuniu.search.query import search

from ..base import ApiError, responses
from ..helpers import require

router = Router(tags=["library"])

CategoryName = Literal[tuple(Category.values)]  # type: ignore[valid-type]
KindName = Literal[tuple(FileKind.values)]  # type: ignore[valid-type]


class HitOut(Schema):
    kind: str
    object_id: int
    title: str
    url: str
    page: int
    snippet: str
    score: float
    category: str
    file_type: str
    date: datetime | None
    organization_id: int | None


class SearchOut(Schema):
    query: str
    hits: list[HitOut]
    next_start: int | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_current_timezone())


@router.get("/library/search", response=responses(SearchOut), summary="Search the resource library")
def search_library(
    request,
    q: str = Query(..., min_length=1, max_length=100),
    category: CategoryName | None = None,  # type: ignore[valid-type]
    organization: str | None = Query(None, max_length=64, description="Code of the publishing organisation"),
    file_type: KindName | None = None,  # type: ignore[valid-type]
    date_from: date | None = None,
    date_to: date | None = None,
    start: int = Query(0, ge=0, le=10000, description="`next_start` of the previous page"),
    limit: int = Query(20, ge=1, le=50),
):
    """Filters as in the staff library: `category`, `organization` (code), `file_type`, and the upload
    days `date_from`/`date_to` (inclusive). Page on with `start` = the previous `next_start`."""
    require(request, "library:view")
    organization_ids = None
    if organization:
        found = Organization.objects.filter(code=organization).values_list("pk", flat=True).first()
        if found is None:
            raise ApiError(422, "invalid", _("Unknown organisation: %(code)s") % {"code": organization})
        organization_ids = [found]
    if date_from and date_to and date_from > date_to:
        raise ApiError(422, "invalid", _("The start date is after the end date."))
    page = search(
        request.user,
        q,
        models=["library.resource"],
        organization_ids=organization_ids,
        category=category or "",
        kind=file_type or "",
        date_from=_day_start(date_from) if date_from else None,
        date_to=_day_start(date_to + timedelta(days=1)) if date_to else None,
        limit=limit,
        start=start,
    )
    return {
        "query": page.query,
        "hits": [
            {
                "kind": hit.key,
                "object_id": hit.object_id,
                "title": hit.title,
                "url": hit.url,
                "page": hit.page,
                "snippet": str(hit.snippet),
                "score": float(hit.score),
                "category": hit.category,
                "file_type": hit.kind,
                "date": hit.date,
                "organization_id": hit.organization_id,
            }
            for hit in page.hits
        ],
        "next_start": page.next_start,
    }
