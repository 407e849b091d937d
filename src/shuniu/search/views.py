from django.shortcuts import render

from shuniu.core.decorators import permission_required
from shuniu.search import registry
from shuniu.search.query import search


@permission_required("core:home")
def index(request):
    """One search box over every registered model (cases, courses, library…), ranked, only what the user may see."""
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("in", "")
    searchables = registry.registered()
    keys = [s.key for s in searchables]
    start = request.GET.get("start", "0")
    page = None
    next_query = None
    if query:
        page = search(
            request.user,
            query,
            models=[kind] if kind in keys else None,
            limit=20,
            start=int(start) if start.isdigit() else 0,
        )
        if page.next_start is not None:
            params = request.GET.copy()
            params["start"] = page.next_start
            next_query = params.urlencode()
    return render(
        request,
        "search/index.html",
        {"query": query, "page": page, "searchables": searchables, "kind": kind, "next_query": next_query},
    )
