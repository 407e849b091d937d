"""Chinese full-text search for every app (one interface, index inside the database).

How to make a model searchable
------------------------------
1. Register it in your AppConfig.ready()::

       from shuniu.search.registry import Audience, Chunk, Searchable, register

       register(Searchable(
           model=Course,
           title=lambda c: c.title,
           url=lambda c: reverse("training:course_detail", args=[c.pk]),
           body=lambda c: c.description,            # a str, or [Chunk(text, page), ...] for paged text
           extra=lambda c: c.summary,               # short text repeated on every chunk (summary, tags)
           organization_id=lambda c: c.organization_id,
           audience=lambda c: Audience.PUBLIC if c.is_public else Audience.ORGANIZATION,
           category=lambda c: c.category, kind=lambda c: "course",
           date=lambda c: c.created_at,
           should_index=lambda c: c.status == "published",
           visible=lambda user: Course.objects.visible_to(user),   # the default
       ))

   Audience (what the index filters before ranking): PUBLIC (everyone), STAFF (all signed-in
   staff), ORGANIZATION (staff of the organisation, its parents and district roles) or RESTRICTED
   (any staff; your `visible(user)` decides per record — use it for co-handlers, sensitive cases).
   Every hit is also checked against `visible(user)`, so the index can never show more than your
   own queryset allows.

2. Keep the index current from your services, after commit (idempotent)::

       from shuniu.search.tasks import index_later, remove_later
       transaction.on_commit(lambda: index_later(course))     # or remove_later(course) on delete

   (`shuniu.search.indexing.index_object(obj)` does it inline; `shuniu search_reindex` rebuilds.)

3. Query::

       from shuniu.search.query import search
       page = search(request.user, "联席会议制度", models=["training.course"], limit=20, start=0)
       for hit in page.hits: hit.title, hit.url, hit.snippet (safe HTML with <mark>), hit.page

   The staff page /search/?q=… searches every registered model.

Tokenizing: `shuniu.search.tokenizer` (rjieba + domain dictionary for words; bigrams for
any substring, so one- and two-character queries work). Backends: SQLite FTS5 (`unicode61` over
the pre-segmented tokens) and PostgreSQL (`simple` tsvector + GIN), `shuniu.search.backends`.
"""
