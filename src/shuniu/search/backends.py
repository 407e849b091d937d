"""The index backends behind `shuniu.search`: the in-database index (SQLite FTS5 or PostgreSQL
tsvector/GIN, chosen by the connection's vendor) or tantivy (`SHUNIU_SEARCH_BACKEND=tantivy`,
`shuniu.search.tantivy_backend`).

All receive pre-segmented, space-separated tokens (`tokenizer.index_text`) and answer a list of
`tokenizer.Term`s that must all match, with the `Filters` of what the user may see applied inside
the index, grouped so that each record appears once with its best chunk. The rows of
`SearchEntry` are the truth for every backend: text for snippets, and which entries exist.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection

from shuniu.search.tokenizer import Term

ENTRY_TABLE = "search_searchentry"


@dataclass
class Row:
    content_type_id: int
    object_id: int
    entry_id: int
    page: int
    score: float


@dataclass
class IndexRow:
    """One entry to index: its id, what the filters need, and its tokens."""

    entry_id: int
    title: str  # tokens
    extra: str  # tokens
    body: str  # tokens
    content_type_id: int = 0
    object_id: int = 0
    page: int = 0
    organization_id: int | None = None
    audience: str = ""
    category: str = ""
    kind: str = ""
    date: datetime | None = None


@dataclass
class Filters:
    """What the index may return: the reader's permission (see `query.permission_filters`) and the
    filters of the search form. Each backend translates it (SQL on the entry table aliased `e`,
    or a tantivy query)."""

    everything: bool = False  # district roles: every audience of every organisation
    open_audiences: tuple[str, ...] = ()  # audiences seen whatever the organisation
    own_organization_ids: tuple[int, ...] = ()  # ... and the ORGANIZATION entries of these
    content_type_ids: tuple[int, ...] = ()
    organization_ids: tuple[int, ...] = ()
    category: str = ""
    kind: str = ""
    date_from: datetime | None = None
    date_to: datetime | None = None

    def clauses(self) -> tuple[list[str], list]:
        from shuniu.search.registry import Audience

        def placeholders(values):
            return ", ".join(["%s"] * len(values))

        clauses, params = [], []
        if not self.everything:
            alternatives = []
            if self.open_audiences:
                alternatives.append(f"e.audience IN ({placeholders(self.open_audiences)})")
                params.extend(self.open_audiences)
            if self.own_organization_ids:
                ids = self.own_organization_ids
                alternatives.append(f"(e.audience = %s AND e.organization_id IN ({placeholders(ids)}))")
                params.extend([Audience.ORGANIZATION, *ids])
            clauses.append(f"({' OR '.join(alternatives)})" if alternatives else "1=0")
        for column, values in (("content_type_id", self.content_type_ids), ("organization_id", self.organization_ids)):
            if values:
                clauses.append(f"e.{column} IN ({placeholders(values)})")
                params.extend(values)
        for column, value in (("category", self.category), ("kind", self.kind)):
            if value:
                clauses.append(f"e.{column} = %s")
                params.append(value)
        # Adapted as the column stores them (SQLite: naive UTC text, compared as text).
        if self.date_from:
            clauses.append("e.date >= %s")
            params.append(connection.ops.adapt_datetimefield_value(self.date_from))
        if self.date_to:
            clauses.append("e.date < %s")
            params.append(connection.ops.adapt_datetimefield_value(self.date_to))
        return clauses, params


class SqliteBackend:
    vendor = "sqlite"
    outside_database = False

    def add(self, rows: list[IndexRow]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts(rowid, title, extra, body) VALUES (%s, %s, %s, %s)",
                [(row.entry_id, row.title, row.extra, row.body) for row in rows],
            )

    def remove(self, entry_ids: list[int]) -> None:
        """Nothing to do: a trigger drops the FTS rows with their entries, in the same transaction."""

    def match_expression(self, terms: list[Term]) -> str:
        parts = []
        for term in terms:
            if term.kind == "prefix":
                parts.append(f'"{term.parts[0]}"*')
            elif term.kind == "token":
                parts.append(f'"{term.parts[0]}"')
            else:
                parts.append(f'("{" ".join(term.parts)}" OR "{term.word}")')
        return " AND ".join(parts)

    # Candidates for the fast path: the best-ranked chunks, before the permission filter.
    FAST_CANDIDATES = 400
    FAST_FACTOR = 8
    # A match in at least this many chunks (a single frequent character, a common word) is listed
    # newest first: ranking it would compute bm25 for every match (most of the index), and a
    # term found nearly everywhere says little about relevance anyway.
    FREQUENT = 5000

    def query(self, terms: list[Term], filters: Filters, limit: int, offset: int) -> list[Row]:
        """Ranked records. Fast path first: rank inside FTS5 only (C code, no join per match) and
        keep the best chunks; when they hold enough visible records, the answer is exact (a record
        whose best chunk is outside the top candidates ranks below all of them). Otherwise, e.g.
        for rare terms or records the user mostly may not see, rank every match. Frequent
        matches: newest first (`FREQUENT`)."""
        match = self.match_expression(terms)
        if self._is_frequent(match):
            return self._newest(match, filters, limit, offset)
        needed = offset + limit
        candidates = max(self.FAST_CANDIDATES, needed * self.FAST_FACTOR)
        rows, complete = self._ranked(match, filters, limit, offset, candidates)
        if len(rows) == limit or complete:
            return rows
        return self._ranked(match, filters, limit, offset, None)[0]

    def _is_frequent(self, match: str) -> bool:
        """Counting stops at FREQUENT: a walk over the term's doclist, no ranking."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                [match, self.FREQUENT],
            )
            return cursor.fetchone()[0] >= self.FREQUENT

    def _newest(self, match: str, filters: Filters, limit: int, offset: int) -> list[Row]:
        """Records by their newest matching chunk, newest first: FTS5 walks the doclist backwards
        and stops once enough visible chunks are found (no sort, no bm25)."""
        clauses, filter_params = filters.clauses()
        sql = (
            "SELECT e.content_type_id, e.object_id, e.id, e.page FROM search_fts"  # noqa: S608  # nosec B608
            f" JOIN {ENTRY_TABLE} e ON e.id = search_fts.rowid"
            f" WHERE search_fts MATCH %s AND {' AND '.join(clauses) or '1=1'}"
            " ORDER BY search_fts.rowid DESC LIMIT %s"
        )
        needed = offset + limit
        fetch = max(self.FAST_CANDIDATES, needed * self.FAST_FACTOR)
        while True:
            with connection.cursor() as cursor:
                cursor.execute(sql, [match, *filter_params, fetch])
                fetched = cursor.fetchall()
            rows, position = [], {}
            for type_id, object_id, entry_id, page in fetched:
                key = (type_id, object_id)
                if key in position:  # an earlier chunk of the record: its first page is shown
                    rows[position[key]] = Row(type_id, object_id, entry_id, page, 0.0)
                else:
                    position[key] = len(rows)
                    rows.append(Row(type_id, object_id, entry_id, page, 0.0))
            if len(rows) >= needed or len(fetched) < fetch:
                return rows[offset:needed]
            fetch *= 4

    def _ranked(self, match: str, filters: Filters, limit: int, offset: int, candidates: int | None):
        # MATERIALIZED: bm25() only works in the FTS query itself, not once SQLite flattens it.
        cap = " ORDER BY score LIMIT %s" if candidates else ""
        clauses, filter_params = filters.clauses()
        sql = (
            "WITH m AS MATERIALIZED ("  # noqa: S608 - table name and placeholders only  # nosec B608
            "  SELECT rowid AS rid, bm25(search_fts, 10.0, 4.0, 1.0) AS score FROM search_fts"
            f"  WHERE search_fts MATCH %s{cap}"
            ") SELECT e.content_type_id, e.object_id, e.id, e.page, MIN(m.score) AS best,"
            " (SELECT count(*) FROM m) AS seen"
            f" FROM m JOIN {ENTRY_TABLE} e ON e.id = m.rid WHERE {' AND '.join(clauses) or '1=1'}"
            " GROUP BY e.content_type_id, e.object_id ORDER BY best, e.object_id DESC LIMIT %s OFFSET %s"
        )
        params = [match, *([candidates] if candidates else []), *filter_params, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        seen = fetched[0][5] if fetched else 0
        complete = candidates is None or seen < candidates
        if not fetched and candidates is not None:
            complete = False  # nothing visible among the candidates: the full ranking decides
        return [Row(*row[:5]) for row in fetched], complete


class PostgresBackend:
    vendor = "postgresql"
    outside_database = False

    def add(self, rows: list[IndexRow]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {ENTRY_TABLE} SET document = setweight(to_tsvector('simple', %s), 'A')"  # noqa: S608  # nosec B608
                " || setweight(to_tsvector('simple', %s), 'B') || setweight(to_tsvector('simple', %s), 'D')"
                " WHERE id = %s",
                [(row.title, row.extra, row.body, row.entry_id) for row in rows],
            )

    def remove(self, entry_ids: list[int]) -> None:
        """Nothing to do: the tsvector lives in the entry row."""

    def tsquery(self, terms: list[Term]) -> str:
        parts = []
        for term in terms:
            if term.kind == "prefix":
                parts.append(f"'{term.parts[0]}':*")
            elif term.kind == "token":
                parts.append(f"'{term.parts[0]}'")
            else:
                phrase = " <-> ".join(f"'{part}'" for part in term.parts)
                parts.append(f"(({phrase}) | '{term.word}')")
        return " & ".join(parts)

    def query(self, terms: list[Term], filters: Filters, limit: int, offset: int) -> list[Row]:
        clauses, filter_params = filters.clauses()
        sql = (
            "SELECT content_type_id, object_id, id, page, score FROM ("  # noqa: S608 - placeholders only  # nosec B608
            "  SELECT DISTINCT ON (e.content_type_id, e.object_id) e.content_type_id, e.object_id, e.id, e.page,"
            "  ts_rank(e.document, q) AS score"
            f"  FROM {ENTRY_TABLE} e, to_tsquery('simple', %s) q"
            f"  WHERE e.document @@ q AND {' AND '.join(clauses) or '1=1'}"
            "  ORDER BY e.content_type_id, e.object_id, score DESC"
            ") t ORDER BY score DESC, object_id DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.tsquery(terms), *filter_params, limit, offset])
            return [Row(*row) for row in cursor.fetchall()]


def database_backend():
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")


def get_backend():
    """The backend of `SHUNIU_SEARCH_BACKEND`: `database` (default) or `tantivy`."""
    if settings.SHUNIU_SEARCH_BACKEND == "tantivy":
        from shuniu.search.tantivy_backend import TantivyBackend

        return TantivyBackend.at(settings.SHUNIU_SEARCH_INDEX_DIR)
    return database_backend()


# Schema, created by migration 0001 for the vendor in use.
SQLITE_SCHEMA = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, extra, body, tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER search_entry_deleted AFTER DELETE ON {ENTRY_TABLE} BEGIN"  # noqa: S608  # nosec B608
    " DELETE FROM search_fts WHERE rowid = old.id; END",
]
SQLITE_SCHEMA_DROP = ["DROP TRIGGER IF EXISTS search_entry_deleted", "DROP TABLE IF EXISTS search_fts"]
POSTGRES_SCHEMA = [
    f"ALTER TABLE {ENTRY_TABLE} ADD COLUMN document tsvector",
    f"CREATE INDEX search_entry_document ON {ENTRY_TABLE} USING GIN (document)",
]
POSTGRES_SCHEMA_DROP = [
    "DROP INDEX IF EXISTS search_entry_document",
    f"ALTER TABLE {ENTRY_TABLE} DROP COLUMN IF EXISTS document",
]


def create_schema(schema_editor) -> None:
    statements = {"sqlite": SQLITE_SCHEMA, "postgresql": POSTGRES_SCHEMA}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop_schema(schema_editor) -> None:
    statements = {"sqlite": SQLITE_SCHEMA_DROP, "postgresql": POSTGRES_SCHEMA_DROP}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement)
