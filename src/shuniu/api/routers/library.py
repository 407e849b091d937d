"""Library search through the shared Chinese search (results filtered by what the caller may see)."""

from ninja import Query, Router, Schema

from shuniu.search.query import search

from ..base import responses
from ..helpers import require

router = Router(tags=["library"])


class HitOut(Schema):
    kind: str
    object_id: int
    title: str
    url: str
    snippet: str
    score: float


class SearchOut(Schema):
    query: str
    hits: list[HitOut]
    next_start: int | None = None


@router.get("/library/search", response=responses(SearchOut), summary="Search the resource library")
def search_library(
    request,
    q: str = Query(..., min_length=1, max_length=200),
    start: int = Query(0, ge=0, le=10000),
    limit: int = Query(20, ge=1, le=50),
):
    require(request, "library:view")
    page = search(request.user, q, models=["library.resource"], limit=limit, start=start)
    return {
        "query": page.query,
        "hits": [
            {
                "kind": hit.key,
                "object_id": hit.object_id,
                "title": hit.title,
                "url": hit.url,
                "snippet": str(hit.snippet),
                "score": float(hit.score),
            }
            for hit in page.hits
        ],
        "next_start": page.next_start,
    }
