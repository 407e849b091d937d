"""Asking the index: `search(user, "联席会议制度", ...)` → a `ResultPage` of `Hit`s, best first, each
with a highlighted snippet and the page of the hit, only of records the user may see."""

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from shuniu.core.scoping import get_scope
from shuniu.search import registry
from shuniu.search.backends import Filters, get_backend
from shuniu.search.models import SearchEntry
from shuniu.search.registry import Audience
from shuniu.search.tokenizer import Term, normalize, parse_query

SNIPPET_CHARS = 160
MAX_ROUNDS = 5


@dataclass
class Hit:
    key: str  # "app_label.model"
    object_id: int
    title: str
    url: str
    page: int
    snippet: SafeString
    score: float
    category: str = ""
    kind: str = ""
    date: datetime | None = None
    organization_id: int | None = None
    label: str = ""


@dataclass
class ResultPage:
    query: str
    terms: list[Term]
    hits: list[Hit] = field(default_factory=list)
    next_start: int | None = None  # pass as `start` for the next page


def permission_filters(user) -> Filters:
    """What the index may return before the models' own `visible_to` check (fails closed)."""
    scope = get_scope(user)
    if not scope.memberships:
        return Filters(open_audiences=(Audience.PUBLIC,))
    org_ids = scope.reachable_org_ids
    if org_ids is None:
        return Filters(everything=True)
    return Filters(
        open_audiences=(Audience.PUBLIC, Audience.STAFF, Audience.RESTRICTED),
        own_organization_ids=tuple(sorted(org_ids)),
    )


def snippet(text: str, terms: list[Term], size: int = SNIPPET_CHARS) -> SafeString:
    """A window of `text` around the first hit with every term occurrence in <mark>."""
    if not text:
        return mark_safe("")  # nosec B308
    normalized = normalize(text)
    if len(normalized) != len(text):  # NFKC changed lengths (rare ligatures): highlight on the normalised text
        text = normalized
    words = sorted({term.text for term in terms}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(word) for word in words)) if words else None
    first = pattern.search(normalized) if pattern else None
    start = max(0, (first.start() if first else 0) - size // 3)
    end = min(len(text), start + size)
    window = text[start:end]
    window_normalized = normalized[start:end]
    parts = []
    position = 0
    if pattern:
        for match in pattern.finditer(window_normalized):
            parts.append(escape(window[position : match.start()]))
            parts.append(f"<mark>{escape(window[match.start() : match.end()])}</mark>")
            position = match.end()
    parts.append(escape(window[position:]))
    html = "".join(parts).replace("\n", " ")
    return mark_safe(("…" if start > 0 else "") + html + ("…" if end < len(text) else ""))  # nosec B308, B703


def _contains_terms(text: str, terms: list[Term]) -> bool:
    normalized = normalize(text)
    return any(term.text in normalized for term in terms)


def _body_match(entry: SearchEntry, terms: list[Term]) -> SearchEntry:
    """The best-ranked chunk may match only through the title or summary that every chunk
    repeats; for the snippet and page number, prefer the first chunk whose own text has a term."""
    if _contains_terms(entry.text, terms):
        return entry
    longest = max((term.text for term in terms), key=len)
    other = (
        SearchEntry.objects.filter(
            content_type_id=entry.content_type_id, object_id=entry.object_id, text__contains=longest
        )
        .order_by("chunk")
        .first()
    )
    return other or entry


def search(
    user,
    query: str,
    *,
    models: list[str] | None = None,
    organization_ids: list[int] | None = None,
    category: str = "",
    kind: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    limit: int = 20,
    start: int = 0,
) -> ResultPage:
    """Ranked records matching every term of `query` that `user` may see (anonymous: public only)."""
    terms = parse_query(query)
    page = ResultPage(query=query, terms=terms)
    if not terms:
        return page
    searchables = [s for s in registry.registered() if models is None or s.key in models]
    if not searchables:
        return page
    content_types = ContentType.objects.get_for_models(*[s.model for s in searchables])
    by_type_id = {content_types[s.model].pk: s for s in searchables}
    filters = replace(
        permission_filters(user),
        content_type_ids=tuple(by_type_id),
        organization_ids=tuple(organization_ids or ()),
        category=category,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
    )

    backend = get_backend()
    position = start
    batch = limit + 1
    for _round in range(MAX_ROUNDS):
        rows = backend.query(terms, filters, batch, position)
        # Second gate: each model's own visible_to decides for the candidates the index returned.
        ids_by_type = defaultdict(set)
        for row in rows:
            ids_by_type[row.content_type_id].add(row.object_id)
        allowed = set()
        for type_id, ids in ids_by_type.items():
            searchable = by_type_id[type_id]
            if user is not None and user.is_authenticated:
                visible = searchable.visible(user).filter(pk__in=ids).values_list("pk", flat=True)
            else:
                visible = ids  # anonymous: the index already limited to public entries
            allowed |= {(type_id, pk) for pk in visible}
        entries = SearchEntry.objects.in_bulk([row.entry_id for row in rows])
        for row in rows:
            position += 1
            if (row.content_type_id, row.object_id) not in allowed or row.entry_id not in entries:
                continue
            if len(page.hits) == limit:
                page.next_start = position - 1
                return page
            entry = _body_match(entries[row.entry_id], terms)
            searchable = by_type_id[row.content_type_id]
            page.hits.append(
                Hit(
                    key=searchable.key,
                    object_id=row.object_id,
                    title=entry.title,
                    url=entry.url,
                    page=entry.page,
                    snippet=snippet(entry.text or entry.title, terms),
                    score=float(row.score),
                    category=entry.category,
                    kind=entry.kind,
                    date=entry.date,
                    organization_id=entry.organization_id,
                    label=str(searchable.label),
                )
            )
        if len(rows) < batch:
            return page
        # Each round ranks every match again (the cost is in the ranking, not in the rows read),
        # so a round after one that the second gate thinned out reads four times as many rows.
        batch *= 4
    page.next_start = position
    return page
