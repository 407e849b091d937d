"""The engines under test. Shuniu's own backends — the in-database index (SQLite FTS5, PostgreSQL
GIN) and tantivy — are used through `shuniu.search` itself: the app's tokenizer, `IndexRow`s
written by the backend's `add`, and `get_backend().query(terms, filters)` with the `Filters` that
`shuniu.search.query.permission_filters` gives a staff member of organisation 5, over an entry table
of the app's schema in a bench database. whoosh uses jieba's ChineseAnalyzer, as its documentation
shows for Chinese."""

import time

from bench.search.corpus import VIEWER_ORGS, documents

BATCH = 1000


def _table_sql(vendor: str) -> list[str]:
    from shuniu.search.backends import ENTRY_TABLE, POSTGRES_SCHEMA, SQLITE_SCHEMA

    key = "integer PRIMARY KEY" if vendor == "sqlite" else "bigserial PRIMARY KEY"
    stamp = "datetime" if vendor == "sqlite" else "timestamptz"
    create = (
        f"CREATE TABLE {ENTRY_TABLE} (id {key}, content_type_id integer NOT NULL, object_id bigint NOT NULL,"
        " chunk integer NOT NULL DEFAULT 0, page integer NOT NULL DEFAULT 0, organization_id integer,"
        " audience varchar(16) NOT NULL, category varchar(64) NOT NULL DEFAULT '',"
        f" kind varchar(32) NOT NULL DEFAULT '', date {stamp}, title varchar(300) NOT NULL,"
        " url varchar(300) NOT NULL DEFAULT '', text text NOT NULL DEFAULT '')"
    )
    index = f"CREATE INDEX search_entry_object ON {ENTRY_TABLE} (content_type_id, object_id)"
    return [create, index, *(SQLITE_SCHEMA if vendor == "sqlite" else POSTGRES_SCHEMA)]


def database_index(count: int, seed: int) -> dict:
    """Create the bench schema and index every document with the configured backend
    (SHUNIU_SEARCH_BACKEND: the database's own index, or tantivy); returns timings."""
    from contextlib import nullcontext

    from django.db import connection, transaction

    from shuniu.search.backends import ENTRY_TABLE, IndexRow, get_backend
    from shuniu.search.tokenizer import index_text, segmenter

    segmenter()
    backend = get_backend()
    with connection.cursor() as cursor:
        for statement in _table_sql(connection.vendor):
            cursor.execute(statement)
    tokenize_seconds = 0.0
    started = time.perf_counter()
    batch = []

    def flush():
        nonlocal tokenize_seconds
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {ENTRY_TABLE} (id, content_type_id, object_id, chunk, page, organization_id, audience,"
                " category, kind, title, url, text) VALUES (%s, 1, %s, 0, 1, %s, %s, '', '', %s, '', %s)",
                [(d.id, d.id, d.organization, d.audience, d.title, d.body) for d in batch],
            )
            t = time.perf_counter()
            rows = [
                IndexRow(
                    entry_id=d.id,
                    title=index_text(d.title),
                    extra="",
                    body=index_text(d.body),
                    content_type_id=1,
                    object_id=d.id,
                    page=1,
                    organization_id=d.organization,
                    audience=d.audience,
                )
                for d in batch
            ]
            tokenize_seconds += time.perf_counter() - t
            backend.add(rows)
        batch.clear()

    bulk = getattr(backend, "bulk", None)
    with bulk(clear=True) if bulk else nullcontext():  # tantivy: one writer, one commit
        for document in documents(count, seed):
            batch.append(document)
            if len(batch) == BATCH:
                flush()
        if batch:
            flush()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {ENTRY_TABLE}")
        elif backend.vendor == "sqlite":
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    return {"index_seconds": round(seconds, 2), "tokenize_seconds": round(tokenize_seconds, 2)}


def database_filters():
    """What `permission_filters` gives a staff member of organisation 5 (reaching its branch 6)."""
    from shuniu.search.backends import Filters

    return Filters(
        open_audiences=("public", "staff", "restricted"), own_organization_ids=tuple(VIEWER_ORGS), content_type_ids=(1,)
    )


def database_search(query: str, limit: int | None) -> list[int]:
    from shuniu.search.backends import get_backend
    from shuniu.search.tokenizer import parse_query

    terms = parse_query(query)
    rows = get_backend().query(terms, database_filters(), limit if limit else 10**8, 0)
    return [row.object_id for row in rows]


class WhooshEngine:
    def __init__(self, directory):
        self.directory = directory

    def index(self, count: int, seed: int) -> dict:
        from jieba.analyse import ChineseAnalyzer
        from whoosh import fields, index

        schema = fields.Schema(
            id=fields.NUMERIC(stored=True, unique=True),
            organization=fields.ID,
            audience=fields.ID,
            title=fields.TEXT(analyzer=ChineseAnalyzer(), field_boost=3.0),
            body=fields.TEXT(analyzer=ChineseAnalyzer()),
        )
        started = time.perf_counter()
        self.ix = index.create_in(str(self.directory), schema)
        writer = self.ix.writer(limitmb=256)
        for document in documents(count, seed):
            writer.add_document(
                id=document.id,
                organization=str(document.organization),
                audience=document.audience,
                title=document.title,
                body=document.body,
            )
        writer.commit()
        return {"index_seconds": round(time.perf_counter() - started, 2)}

    def open(self):
        from whoosh import index

        self.ix = index.open_dir(str(self.directory))

    def search(self, query: str, limit: int | None) -> list[int]:
        from whoosh import query as q
        from whoosh.qparser import AndGroup, MultifieldParser

        parser = MultifieldParser(["title", "body"], self.ix.schema, group=AndGroup)
        allowed = q.Or(
            [
                q.Term("audience", "public"),
                q.Term("audience", "staff"),
                q.And(
                    [q.Term("audience", "organization"), q.Or([q.Term("organization", str(o)) for o in VIEWER_ORGS])]
                ),
            ]
        )
        with self.ix.searcher() as searcher:
            results = searcher.search(parser.parse(query), limit=limit, filter=allowed)
            return [hit["id"] for hit in results]
