"""Writing the index: `index_object(obj)` (re)indexes one record, `remove_object(obj)` drops it,
`reindex(model)` rebuilds one model. Call them after commit (or from a task): indexing is
idempotent, the old entries of a record are replaced in one transaction.

The `SearchEntry` rows are written in the database transaction whatever the backend. The
in-database backends write their tokens in the same transaction. tantivy cannot take part in it:
new entries are added to it at once (an entry whose transaction rolls back is never found, since
every hit is checked against the existing entries), old ones are deleted from it after commit.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from shuniu.search import registry
from shuniu.search.backends import IndexRow, get_backend
from shuniu.search.models import SearchEntry
from shuniu.search.registry import Audience, Chunk
from shuniu.search.tokenizer import index_text

CHUNK_CHARS = 3000  # keeps PostgreSQL tsvector positions (max 16383) well inside the limit
EXTRA_CHARS = 400  # summary/tags repeated on every chunk so a title/summary word AND a body word match
MAX_CHUNKS = 2000  # a 500-page document at ~4 chunks a page; text beyond is not searchable


def _chunks(body) -> list[Chunk]:
    pieces = [Chunk(body, 0)] if isinstance(body, str) else list(body)
    chunks: list[Chunk] = []
    for piece in pieces:
        text = (piece.text or "").strip()
        while text:
            if len(text) <= CHUNK_CHARS:
                chunks.append(Chunk(text, piece.page))
                break
            cut = max(text.rfind("\n", 0, CHUNK_CHARS), text.rfind("。", 0, CHUNK_CHARS))
            cut = cut + 1 if cut > CHUNK_CHARS // 2 else CHUNK_CHARS
            chunks.append(Chunk(text[:cut], piece.page))
            text = text[cut:].strip()
    return chunks[:MAX_CHUNKS] or [Chunk("", 0)]


def _object_key(obj):
    return ContentType.objects.get_for_model(type(obj)), obj.pk


def remove_entries(content_type, pk) -> int:
    """Drop the index entries of the record (`content_type`, `pk`), which may no longer exist."""
    return _remove_many(content_type, [pk])


def remove_object(obj) -> int:
    content_type, pk = _object_key(obj)
    return remove_entries(content_type, pk)


def index_object(obj) -> int:
    """Replace the index entries of `obj`; returns how many chunks were written (0: not indexed)."""
    return index_objects([obj])


def index_objects(objects) -> int:
    """Replace the index entries of several records of one registered model at once: one delete,
    one insert of the entries and one write of their tokens for the whole batch (reindexing and
    bulk loading). Returns how many chunks were written."""
    objects = list(objects)
    if not objects:
        return 0
    model = type(objects[0])
    searchable = registry.get(model)
    if searchable is None:
        raise LookupError(f"{model.__name__} is not registered with shuniu.search")
    content_type = ContentType.objects.get_for_model(model)
    with transaction.atomic():
        _remove_many(content_type, [obj.pk for obj in objects])
        entries, extras = [], []
        for obj in objects:
            if not searchable.should_index(obj):
                continue
            audience = searchable.audience(obj)
            if audience not in Audience.ALL:
                raise ValueError(f"unknown audience {audience!r}")
            title = str(searchable.title(obj) or "")[:300]
            extra = str(searchable.extra(obj) or "")[:EXTRA_CHARS]  # noqa: S610 - our callback, not QuerySet.extra  # nosec B610
            common = {
                "content_type": content_type,
                "object_id": obj.pk,
                "organization_id": searchable.organization_id(obj),
                "audience": audience,
                "category": str(searchable.category(obj) or "")[:64],
                "kind": str(searchable.kind(obj) or "")[:32],
                "date": searchable.date(obj),
                "title": title,
                "url": str(searchable.url(obj))[:300],
            }
            for number, chunk in enumerate(_chunks(searchable.body(obj))):
                entries.append(SearchEntry(chunk=number, page=chunk.page, text=chunk.text, **common))
                extras.append(extra)
        entries = SearchEntry.objects.bulk_create(entries)
        tokens: dict[str, str] = {}

        def tokenized(text: str) -> str:
            if text not in tokens:
                tokens[text] = index_text(text)
            return tokens[text]

        get_backend().add(
            [
                IndexRow(
                    entry_id=entry.pk,
                    title=tokenized(entry.title),
                    extra=tokenized(extra),
                    body=index_text(entry.text),
                    content_type_id=content_type.pk,
                    object_id=entry.object_id,
                    page=entry.page,
                    organization_id=entry.organization_id,
                    audience=entry.audience,
                    category=entry.category,
                    kind=entry.kind,
                    date=entry.date,
                )
                for entry, extra in zip(entries, extras, strict=True)
            ]
        )
    return len(entries)


def _remove_many(content_type, pks: list[int]) -> int:
    entries = SearchEntry.objects.filter(content_type=content_type, object_id__in=pks)
    backend = get_backend()
    if not backend.outside_database:
        deleted, _ = entries.delete()
        return deleted
    entry_ids = list(entries.values_list("pk", flat=True))
    if not entry_ids:
        return 0
    deleted, _ = SearchEntry.objects.filter(pk__in=entry_ids).delete()
    transaction.on_commit(lambda: backend.remove(entry_ids), robust=True)
    return deleted


def reindex(model, batch_size: int = 200) -> int:
    """Rebuild the index of every record of a registered model; returns the number of records."""
    count = 0
    last = 0
    while True:
        batch = list(model._default_manager.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return count
        index_objects(batch)
        count += len(batch)
        last = batch[-1].pk
