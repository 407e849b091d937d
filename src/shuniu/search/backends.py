"""The in-database index: SQLite FTS5 or PostgreSQL tsvector/GIN, chosen by the connection's vendor.

Both receive pre-segmented, space-separated tokens (`tokenizer.index_text`) and answer a list of
`tokenizer.Term`s that must all match, with SQL filters for what the user may see, grouped so that
each record appears once with its best chunk.
"""

from dataclasses import dataclass

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
class Filters:
    """SQL WHERE fragments on the entry table (alias `e`) and their parameters."""

    clauses: list[str]
    params: list

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1=1"


class SqliteBackend:
    vendor = "sqlite"

    def add(self, rows: list[tuple[int, str, str, str]]) -> None:
        """rows: (entry id, title tokens, extra tokens, body tokens)."""
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO search_fts(rowid, title, extra, body) VALUES (%s, %s, %s, %s)", rows)

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

    def query(self, terms: list[Term], filters: Filters, limit: int, offset: int) -> list[Row]:
        """Ranked records. Fast path first: rank inside FTS5 only (C code, no join per match) and
        keep the best chunks; when they hold enough visible records, the answer is exact (a record
        whose best chunk is outside the top candidates ranks below all of them). Otherwise, e.g.
        for rare terms or records the user mostly may not see, rank every match."""
        match = self.match_expression(terms)
        needed = offset + limit
        candidates = max(self.FAST_CANDIDATES, needed * self.FAST_FACTOR)
        rows, complete = self._ranked(match, filters, limit, offset, candidates)
        if len(rows) == limit or complete:
            return rows
        return self._ranked(match, filters, limit, offset, None)[0]

    def _ranked(self, match: str, filters: Filters, limit: int, offset: int, candidates: int | None):
        # MATERIALIZED: bm25() only works in the FTS query itself, not once SQLite flattens it.
        cap = " ORDER BY score LIMIT %s" if candidates else ""
        sql = (
            "WITH m AS MATERIALIZED ("  # noqa: S608 - table name and placeholders only  # nosec B608
            "  SELECT rowid AS rid, bm25(search_fts, 10.0, 4.0, 1.0) AS score FROM search_fts"
            f"  WHERE search_fts MATCH %s{cap}"
            ") SELECT e.content_type_id, e.object_id, e.id, e.page, MIN(m.score) AS best,"
            " (SELECT count(*) FROM m) AS seen"
            f" FROM m JOIN {ENTRY_TABLE} e ON e.id = m.rid WHERE {filters.sql()}"
            " GROUP BY e.content_type_id, e.object_id ORDER BY best, e.object_id DESC LIMIT %s OFFSET %s"
        )
        params = [match, *([candidates] if candidates else []), *filters.params, limit, offset]
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

    def add(self, rows: list[tuple[int, str, str, str]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {ENTRY_TABLE} SET document = setweight(to_tsvector('simple', %s), 'A')"  # noqa: S608  # nosec B608
                " || setweight(to_tsvector('simple', %s), 'B') || setweight(to_tsvector('simple', %s), 'D')"
                " WHERE id = %s",
                [(title, extra, body, entry_id) for entry_id, title, extra, body in rows],
            )

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
        sql = (
            "SELECT content_type_id, object_id, id, page, score FROM ("  # noqa: S608 - placeholders only  # nosec B608
            "  SELECT DISTINCT ON (e.content_type_id, e.object_id) e.content_type_id, e.object_id, e.id, e.page,"
            "  ts_rank(e.document, q) AS score"
            f"  FROM {ENTRY_TABLE} e, to_tsquery('simple', %s) q"
            f"  WHERE e.document @@ q AND {filters.sql()}"
            "  ORDER BY e.content_type_id, e.object_id, score DESC"
            ") t ORDER BY score DESC, object_id DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.tsquery(terms), *filters.params, limit, offset])
            return [Row(*row) for row in cursor.fetchall()]


def get_backend():
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")


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
