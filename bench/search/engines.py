"""The engines under test. The in-database ones use Shuniu's own tokenizer and backend classes
(shuniu.search.tokenizer / shuniu.search.backends) over a bench database; whoosh uses jieba's
ChineseAnalyzer, as its documentation shows for Chinese."""

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
    """Create the bench schema and index every document; returns timings."""
    from django.db import connection, transaction

    from shuniu.search.backends import ENTRY_TABLE, get_backend
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
            rows = [(d.id, index_text(d.title), "", index_text(d.body)) for d in batch]
            tokenize_seconds += time.perf_counter() - t
            backend.add(rows)
        batch.clear()

    for document in documents(count, seed):
        batch.append(document)
        if len(batch) == BATCH:
            flush()
    if batch:
        flush()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {ENTRY_TABLE}")
        else:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    return {"index_seconds": round(seconds, 2), "tokenize_seconds": round(tokenize_seconds, 2)}


def database_filters():
    from shuniu.search.backends import Filters

    ids = list(VIEWER_ORGS)
    return Filters(
        [
            "(e.audience IN (%s, %s, %s) OR (e.audience = %s AND e.organization_id IN (%s, %s)))",
            "e.content_type_id IN (%s)",
        ],
        ["public", "staff", "restricted", "organization", *ids, 1],
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


class TantivyEngine:
    """Candidate faster backend: tantivy over the same rjieba words + bigram tokens as the
    in-database index (whitespace tokenizer), with the permission filter as a boolean query."""

    def __init__(self, directory):
        self.directory = directory

    def index(self, count: int, seed: int) -> dict:
        import tantivy

        from shuniu.search.tokenizer import gram_tokens, index_text, segmenter

        segmenter()
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("object_id", stored=True, indexed=True, fast=True)
        builder.add_integer_field("organization", indexed=True, fast=True)
        builder.add_text_field("audience", tokenizer_name="raw")
        builder.add_text_field("title", tokenizer_name="whitespace")
        builder.add_text_field("body", tokenizer_name="whitespace")
        builder.add_text_field("chars", tokenizer_name="whitespace", index_option="basic")
        self.schema = builder.build()
        started = time.perf_counter()
        self.ix = tantivy.Index(self.schema, path=str(self.directory))
        writer = self.ix.writer(heap_size=256_000_000)
        for document in documents(count, seed):
            text = document.title + " " + document.body
            writer.add_document(
                tantivy.Document(
                    object_id=document.id,
                    organization=document.organization,
                    audience=document.audience,
                    title=index_text(document.title),
                    body=index_text(document.body),
                    # single characters as their own tokens: one-character queries need no prefix scan
                    chars=" ".join(
                        sorted({token[0] for token in gram_tokens(text)} | {t[-1] for t in gram_tokens(text)})
                    ),
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        self.ix.reload()
        return {"index_seconds": round(time.perf_counter() - started, 2)}

    def open(self):
        self.ix.reload()
        self.searcher = self.ix.searcher()

    def _query(self, query: str):
        import tantivy
        from tantivy import Occur, Query

        from shuniu.search.tokenizer import parse_query

        must = []
        for term in parse_query(query):
            if term.kind == "prefix" and len(term.text) == 1:
                clause = Query.term_query(self.schema, "chars", term.text)
            elif term.kind == "prefix":
                clause = Query.boolean_query(
                    [(Occur.Should, Query.term_query(self.schema, field, term.text)) for field in ("title", "body")]
                )
            elif term.kind == "token":
                clause = Query.boolean_query(
                    [(Occur.Should, Query.term_query(self.schema, field, term.text)) for field in ("title", "body")]
                )
            else:
                options = []
                for field in ("title", "body"):
                    options.append((Occur.Should, Query.phrase_query(self.schema, field, list(term.parts))))
                    options.append((Occur.Should, Query.term_query(self.schema, field, term.word)))
                clause = Query.boolean_query(options)
            must.append((Occur.Must, clause))
        open_audiences = Query.term_set_query(self.schema, "audience", ["public", "staff", "restricted"])
        own = Query.boolean_query(
            [
                (Occur.Must, Query.term_query(self.schema, "audience", "organization")),
                (Occur.Must, Query.term_set_query(self.schema, "organization", list(VIEWER_ORGS))),
            ]
        )
        allowed = Query.boolean_query([(Occur.Should, open_audiences), (Occur.Should, own)])
        return Query.boolean_query([*must, (Occur.Must, Query.const_score_query(allowed, 0.0))]), tantivy

    def search(self, query: str, limit: int | None) -> list[int]:
        built, _tantivy = self._query(query)
        if limit is None:
            limit = max(self.searcher.search(built, 1, count=True).count, 1)
        result = self.searcher.search(built, limit)
        return [self.searcher.doc(address)["object_id"][0] for _score, address in result.hits]
