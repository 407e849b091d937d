"""tantivy as the index behind `shuniu.search` (`SHUNIU_SEARCH_BACKEND=tantivy`).

The same tokens as the in-database index (rjieba words, bigrams, single characters; tantivy's
whitespace tokenizer only splits them) in a tantivy index in `var/search-index/v<N>/`, one
document per `SearchEntry` with the filter columns, so the permission, type, organisation,
category and date filters run inside the index, before ranking. The rows of `SearchEntry` stay
the truth: every hit is checked against the existing entries (an entry whose transaction rolled
back, or that was deleted while the index was not told, is never returned), and they hold the
text for snippets.

Processes: any number of web workers and task workers may write. Writes are serialised by an
exclusive file lock beside the index (tantivy itself allows one writer per index) and each is one
commit; readers look at `meta.json` before each search and reload when another process committed.
"""

import fcntl
import os
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import tantivy
from django.db import connection
from tantivy import Occur, Query

from shuniu.search.backends import ENTRY_TABLE, Filters, IndexRow, Row
from shuniu.search.registry import Audience
from shuniu.search.tokenizer import Term

SCHEMA_VERSION = 1  # a new version is a new directory: `shuniu search_reindex` fills it
FIELD_BOOSTS = {"title": 10.0, "extra": 4.0, "body": 1.0}  # as the SQLite bm25 weights
WRITER_HEAP_BYTES = 50_000_000
FIRST_FETCH = 100  # chunks fetched for a page of records; grows when chunks repeat records


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ("entry_id", "content_type_id", "object_id"):
        builder.add_integer_field(name, indexed=True, fast=True)
    builder.add_integer_field("page", fast=True)
    builder.add_integer_field("organization_id", indexed=True)
    builder.add_integer_field("date", indexed=True, fast=True)  # microseconds since the epoch
    for name in ("audience", "category", "kind"):
        builder.add_text_field(name, tokenizer_name="raw")
    for name in FIELD_BOOSTS:
        builder.add_text_field(name, tokenizer_name="whitespace")
    return builder.build()


def _existing_entries(entry_ids: list[int]) -> set[int]:
    """Which of these entries exist in the database (the truth; see the module docstring)."""
    existing = set()
    with connection.cursor() as cursor:
        for start in range(0, len(entry_ids), 5000):
            batch = entry_ids[start : start + 5000]
            cursor.execute(
                f"SELECT id FROM {ENTRY_TABLE} WHERE id IN ({', '.join(['%s'] * len(batch))})",  # noqa: S608  # nosec B608
                batch,
            )
            existing.update(row[0] for row in cursor.fetchall())
    return existing


def _microseconds(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


class TantivyBackend:
    """One per index directory and process (`TantivyBackend.at(path)`), shared by its threads."""

    vendor = "tantivy"
    outside_database = True  # not part of the database transaction: see shuniu.search.indexing

    _instances: dict[Path, "TantivyBackend"] = {}
    _instances_lock = threading.Lock()

    @classmethod
    def at(cls, directory) -> "TantivyBackend":
        path = Path(directory) / f"v{SCHEMA_VERSION}"
        with cls._instances_lock:
            if path not in cls._instances:
                cls._instances[path] = cls(path)
            return cls._instances[path]

    def __init__(self, path: Path):
        self.path = path
        self.schema = _schema()
        self._index: tantivy.Index | None = None
        self._seen_commit = None
        self._lock = threading.Lock()  # opening and reloading
        self._local = threading.local()  # the writer of bulk(), per thread

    # --- the index and its lock ---------------------------------------------------------------

    @contextmanager
    def _file_lock(self):
        """Exclusive across processes and threads (flock is per open file description)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.parent / f"{self.path.name}.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _open(self) -> tantivy.Index:
        with self._lock:
            if self._index is None:
                with self._file_lock():  # two processes creating the index at once
                    self.path.mkdir(parents=True, exist_ok=True)
                    self._index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
            return self._index

    def _commit_stamp(self):
        try:
            meta = os.stat(self.path / "meta.json")
        except FileNotFoundError:
            return None
        return (meta.st_ino, meta.st_mtime_ns, meta.st_size)

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the last commit of any process (reloads when meta.json changed)."""
        index = self._open()
        stamp = self._commit_stamp()
        if stamp != self._seen_commit:
            with self._lock:
                index.reload()
                self._seen_commit = stamp
        return index.searcher()

    @contextmanager
    def _writer(self):
        bulk = getattr(self._local, "writer", None)
        if bulk is not None:
            yield bulk
            return
        index = self._open()
        with self._file_lock():
            writer = index.writer(WRITER_HEAP_BYTES, 1)
            try:
                yield writer
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # releases tantivy's own writer lock

    @contextmanager
    def bulk(self, clear: bool = False):
        """One writer and one commit for many writes (the reindex command): readers keep seeing the
        previous commit until the end. `clear` starts from an empty index."""
        if getattr(self._local, "writer", None) is not None:
            yield
            return
        with self._writer() as writer:
            if clear:
                writer.delete_all_documents()
            self._local.writer = writer
            try:
                yield
            finally:
                self._local.writer = None

    # --- writing ------------------------------------------------------------------------------

    def _document(self, row: IndexRow) -> tantivy.Document:
        values = {
            "entry_id": row.entry_id,
            "content_type_id": row.content_type_id,
            "object_id": row.object_id,
            "page": row.page,
            "audience": row.audience,
            "title": row.title,
            "extra": row.extra,
            "body": row.body,
        }
        if row.organization_id is not None:
            values["organization_id"] = row.organization_id
        if row.date is not None:
            values["date"] = _microseconds(row.date)
        if row.category:
            values["category"] = row.category
        if row.kind:
            values["kind"] = row.kind
        return tantivy.Document(**values)

    def add(self, rows: list[IndexRow]) -> None:
        if not rows:
            return
        with self._writer() as writer:
            for row in rows:
                writer.add_document(self._document(row))

    def remove(self, entry_ids: list[int]) -> None:
        if not entry_ids:
            return
        with self._writer() as writer:
            writer.delete_documents_by_query(Query.term_set_query(self.schema, "entry_id", list(entry_ids)))

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()

    def count(self) -> int:
        return self.searcher().num_docs

    # --- asking -------------------------------------------------------------------------------

    def _term(self, term: Term) -> Query:
        options = []
        for name, boost in FIELD_BOOSTS.items():
            if term.kind == "prefix":  # Latin letters and digits only: nothing to escape
                clause = Query.regex_query(self.schema, name, f"{term.text}.*")
            elif term.kind == "token":
                clause = Query.term_query(self.schema, name, term.parts[0])
            else:
                clause = Query.boolean_query(
                    [
                        (Occur.Should, Query.phrase_query(self.schema, name, list(term.parts))),
                        (Occur.Should, Query.term_query(self.schema, name, term.word)),
                    ]
                )
            options.append((Occur.Should, Query.boost_query(clause, boost)))
        return Query.boolean_query(options)

    def _filters(self, filters: Filters) -> list[Query] | None:
        """The filters as queries that must all match; None when nothing can match."""
        schema = self.schema
        queries = []
        if not filters.everything:
            options = []
            if filters.open_audiences:
                options.append((Occur.Should, Query.term_set_query(schema, "audience", list(filters.open_audiences))))
            if filters.own_organization_ids:
                own = Query.boolean_query(
                    [
                        (Occur.Must, Query.term_query(schema, "audience", Audience.ORGANIZATION)),
                        (
                            Occur.Must,
                            Query.term_set_query(schema, "organization_id", list(filters.own_organization_ids)),
                        ),
                    ]
                )
                options.append((Occur.Should, own))
            if not options:
                return None
            queries.append(Query.boolean_query(options))
        for name, values in (
            ("content_type_id", filters.content_type_ids),
            ("organization_id", filters.organization_ids),
        ):
            if values:
                queries.append(Query.term_set_query(schema, name, list(values)))
        for name, value in (("category", filters.category), ("kind", filters.kind)):
            if value:
                queries.append(Query.term_query(schema, name, value))
        if filters.date_from or filters.date_to:
            queries.append(
                Query.range_query(
                    schema,
                    "date",
                    tantivy.FieldType.Integer,
                    _microseconds(filters.date_from) if filters.date_from else None,
                    _microseconds(filters.date_to) if filters.date_to else None,
                    include_lower=True,
                    include_upper=filters.date_to is None,
                )
            )
        return queries

    def build(self, terms: list[Term], filters: Filters) -> Query | None:
        filter_queries = self._filters(filters)
        if filter_queries is None or not terms:
            return None
        clauses = [(Occur.Must, self._term(term)) for term in terms]
        if filter_queries:
            allowed = Query.boolean_query([(Occur.Must, query) for query in filter_queries])
            clauses.append((Occur.Must, Query.const_score_query(allowed, 0.0)))
        return Query.boolean_query(clauses)

    def query(self, terms: list[Term], filters: Filters, limit: int, offset: int) -> list[Row]:
        """Ranked records, each once with its best chunk (tantivy ranks chunks: fetch more chunks
        until enough distinct records, or all chunks, are in hand)."""
        built = self.build(terms, filters)
        if built is None:
            return []
        searcher = self.searcher()
        needed = offset + limit
        fetch = max(FIRST_FETCH, needed * 4)
        while True:
            fetch = min(fetch, max(searcher.num_docs, 1))
            hits = searcher.search(built, fetch, count=False).hits
            addresses = [address for _score, address in hits]
            entry_ids = searcher.fast_field_values("entry_id", addresses)
            type_ids = searcher.fast_field_values("content_type_id", addresses)
            object_ids = searcher.fast_field_values("object_id", addresses)
            pages = searcher.fast_field_values("page", addresses)
            existing = _existing_entries(entry_ids)
            rows, seen = [], set()
            for (score, _address), entry_id, type_id, object_id, page in zip(
                hits, entry_ids, type_ids, object_ids, pages, strict=True
            ):
                if entry_id not in existing or (type_id, object_id) in seen:
                    continue
                seen.add((type_id, object_id))
                rows.append(Row(type_id, object_id, entry_id, page, float(score)))
            if len(rows) >= needed or len(hits) < fetch or fetch >= searcher.num_docs:
                break
            fetch *= 4
        rows.sort(key=lambda row: (-row.score, -row.object_id))
        return rows[offset:needed]
