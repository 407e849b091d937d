"""The search interface: tokenizer, both index backends (whichever database runs the tests),
permission filtering, snippets and page numbers. A registered stand-in model (Organization)
keeps these tests independent of the apps that register real models."""

import io

import pytest
from django.db import connection

from shuniu.core.models import Organization
from shuniu.search import registry
from shuniu.search.backends import get_backend
from shuniu.search.indexing import index_object, index_objects, remove_object
from shuniu.search.models import SearchEntry
from shuniu.search.query import search
from shuniu.search.registry import Audience, Chunk, Searchable
from shuniu.search.tokenizer import char_tokens, gram_tokens, index_text, parse_query, word_tokens

BODY = {}
AUDIENCE = {}
CATEGORY = {}
DATE = {}


@pytest.fixture
def searchable_orgs():
    """Register Organization with its body text and audience taken from the dicts above."""
    previous = registry.get(Organization)
    registry.register(
        Searchable(
            model=Organization,
            title=lambda org: org.name,
            url=lambda org: f"/org/{org.pk}/",
            body=lambda org: BODY.get(org.pk, ""),
            extra=lambda org: org.short_name,
            organization_id=lambda org: org.pk,
            audience=lambda org: AUDIENCE.get(org.pk, Audience.ORGANIZATION),
            category=lambda org: CATEGORY.get(org.pk, ""),
            kind=lambda org: org.kind,
            date=lambda org: DATE.get(org.pk),
            visible=lambda user: Organization.objects.all(),
        )
    )
    yield
    for values in (BODY, AUDIENCE, CATEGORY, DATE):
        values.clear()
    registry._registry.pop("core.organization", None)
    if previous:
        registry.register(previous)


def test_domain_words_are_single_tokens():
    words = word_tokens("区妇联与团区委建立联席会议制度，开展春蕾计划和金秋助学")
    for word in ["妇联", "团区委", "联席会议制度", "春蕾计划", "金秋助学"]:
        assert word in words
    assert "联席会议" in word_tokens("召开联席会议")


def test_grams_cover_every_pair_and_chars_every_character_once():
    assert gram_tokens("联席会议") == ["联席", "席会", "会议"]
    assert gram_tokens("妇") == []
    assert char_tokens("会议，会议。妇") == ["会", "议", "妇"]
    assert index_text("妇联 ab") == "妇联 ab 妇联 妇 联"


def test_parse_query_kinds():
    terms = parse_query("联 妇联 联席会议制度 12338")
    assert [(t.text, t.kind) for t in terms] == [
        ("联", "token"),
        ("妇联", "token"),
        ("联席会议制度", "phrase"),
        ("12338", "prefix"),
    ]
    assert terms[2].parts == ("联席", "席会", "会议", "议制", "制度")


def test_search_finds_phrase_with_snippet_and_page(world, caseworker, searchable_orgs):
    BODY[world.org_a.pk] = [
        Chunk("第一页讲妇女儿童权益。", 1),
        Chunk("各群团组织要建立联席会议制度，定期召开会议。", 2),
    ]
    index_object(world.org_a)

    page = search(caseworker, "联席会议制度")

    assert [(hit.object_id, hit.page) for hit in page.hits] == [(world.org_a.pk, 2)]
    assert "<mark>联席会议制度</mark>" in page.hits[0].snippet


@pytest.mark.parametrize("query", ["席", "群团", "定期召开", "召开 群团"])
def test_one_and_two_character_and_multi_term_queries_match(world, caseworker, searchable_orgs, query):
    BODY[world.org_a.pk] = "各群团组织要建立联席会议制度，定期召开会议。"
    index_object(world.org_a)
    assert [hit.object_id for hit in search(caseworker, query).hits] == [world.org_a.pk]


def test_query_not_in_text_finds_nothing(world, caseworker, searchable_orgs):
    BODY[world.org_a.pk] = "各群团组织要建立联席会议制度。"
    index_object(world.org_a)
    assert search(caseworker, "制度联席").hits == []
    assert search(caseworker, "联席 工资").hits == []


def test_title_and_body_terms_combine(world, caseworker, searchable_orgs):
    BODY[world.org_a.pk] = "定期召开会议。"
    index_object(world.org_a)
    assert [hit.object_id for hit in search(caseworker, "妇女联合会 召开").hits] == [world.org_a.pk]


def test_organization_audience_hides_entries_from_other_organisations(
    world, caseworker, outsider, coordinator, searchable_orgs
):
    BODY[world.org_a.pk] = "内部材料：联席会议纪要"
    index_object(world.org_a)
    assert search(outsider, "联席会议").hits == []
    assert search(None, "联席会议").hits == []
    assert len(search(caseworker, "联席会议").hits) == 1
    assert len(search(coordinator, "联席会议").hits) == 1


def test_public_audience_reaches_anonymous_visitors(world, outsider, searchable_orgs):
    BODY[world.org_a.pk] = "公开材料：联席会议纪要"
    AUDIENCE[world.org_a.pk] = Audience.PUBLIC
    index_object(world.org_a)
    assert [hit.object_id for hit in search(None, "纪要").hits] == [world.org_a.pk]
    assert [hit.object_id for hit in search(outsider, "纪要").hits] == [world.org_a.pk]


def test_visible_callback_is_a_second_gate(world, outsider, searchable_orgs):
    BODY[world.org_a.pk] = "公开材料：联席会议纪要"
    AUDIENCE[world.org_a.pk] = Audience.STAFF
    index_object(world.org_a)
    registry.get(Organization).visible = lambda user: Organization.objects.none()
    assert search(outsider, "纪要").hits == []


def test_reindex_replaces_and_remove_drops(world, caseworker, searchable_orgs):
    BODY[world.org_a.pk] = "旧的内容：希望工程"
    index_object(world.org_a)
    BODY[world.org_a.pk] = "新的内容：春蕾计划"
    index_object(world.org_a)
    assert search(caseworker, "希望工程").hits == []
    assert len(search(caseworker, "春蕾计划").hits) == 1
    remove_object(world.org_a)
    assert SearchEntry.objects.count() == 0
    assert search(caseworker, "春蕾计划").hits == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_fts")
            assert cursor.fetchone()[0] == 0


def test_batch_indexing_replaces_every_record_at_once(world, caseworker, searchable_orgs):
    orgs = [world.org_a, world.org_a_branch]
    BODY[world.org_a.pk] = "旧的内容：希望工程"
    BODY[world.org_a_branch.pk] = "第一页：金秋助学" * 2000  # long: several chunks
    AUDIENCE[world.org_a_branch.pk] = Audience.STAFF
    first = index_objects(orgs)
    assert first == SearchEntry.objects.count() > 2
    BODY[world.org_a.pk] = "新的内容：春蕾计划"
    assert index_objects(orgs) == first  # replaced, not added
    assert SearchEntry.objects.count() == first
    assert search(caseworker, "希望工程").hits == []
    assert [hit.object_id for hit in search(caseworker, "春蕾计划").hits] == [world.org_a.pk]
    assert [hit.object_id for hit in search(caseworker, "金秋助学").hits] == [world.org_a_branch.pk]
    assert set(SearchEntry.objects.values_list("audience", flat=True)) == {Audience.ORGANIZATION, Audience.STAFF}
    if connection.vendor == "sqlite" and not get_backend().outside_database:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_fts")
            assert cursor.fetchone()[0] == first


def test_long_text_is_chunked_and_page_kept(world, caseworker, searchable_orgs):
    filler = "会议精神需要认真学习贯彻落实。" * 400
    BODY[world.org_a.pk] = [Chunk(filler, 1), Chunk(filler + "关键词在这里：特殊教育工程。", 7)]
    assert index_object(world.org_a) > 2
    hits = search(caseworker, "特殊教育工程").hits
    assert [(hit.object_id, hit.page) for hit in hits] == [(world.org_a.pk, 7)]


def test_paging_with_start(world, caseworker, searchable_orgs):
    AUDIENCE[world.org_a.pk] = AUDIENCE[world.org_b.pk] = AUDIENCE[world.joint_office.pk] = Audience.STAFF
    for org in (world.org_a, world.org_b, world.joint_office):
        BODY[org.pk] = "志愿服务"
        index_object(org)
    first = search(caseworker, "志愿服务", limit=2)
    assert len(first.hits) == 2 and first.next_start == 2
    second = search(caseworker, "志愿服务", limit=2, start=first.next_start)
    assert len(second.hits) == 1 and second.next_start is None
    ids = {hit.object_id for hit in first.hits + second.hits}
    assert ids == {world.org_a.pk, world.org_b.pk, world.joint_office.pk}


def test_snippet_escapes_html(world, caseworker, searchable_orgs):
    BODY[world.org_a.pk] = "<script>alert(1)</script> 维权热线"
    index_object(world.org_a)
    snippet = search(caseworker, "维权").hits[0].snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet


def test_snippet_and_page_come_from_the_body_when_only_the_summary_ranks_best(world, caseworker, searchable_orgs):
    world.org_a.short_name = "联席会议"  # the extra text, repeated on every chunk
    world.org_a.save()
    BODY[world.org_a.pk] = [
        Chunk("短页。", 1),
        Chunk("很长的一页。" * 50 + "这里才讲到联席会议的安排。", 2),
        Chunk("尾页。", 3),
    ]
    index_object(world.org_a)
    hit = search(caseworker, "联席会议").hits[0]
    assert hit.page == 2
    assert "<mark>联席会议</mark>" in hit.snippet


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's fast path")
def test_sqlite_fast_path_gives_the_same_ranking_as_the_full_one(
    world, caseworker, searchable_orgs, monkeypatch, search_backend
):
    if search_backend != "database":
        pytest.skip("SQLite's fast path")
    from shuniu.search.backends import SqliteBackend

    orgs = [world.org_a, world.org_a_branch, world.org_b, world.joint_office, world.gov_department]
    for number, org in enumerate(orgs, start=1):
        AUDIENCE[org.pk] = Audience.STAFF if org != world.org_b else Audience.ORGANIZATION
        BODY[org.pk] = [Chunk("志愿服务。" * number, 1), Chunk("其他内容。", 2)]
        index_object(org)
    monkeypatch.setattr(SqliteBackend, "FAST_CANDIDATES", 10**6)
    full = [(hit.object_id, hit.page) for hit in search(caseworker, "志愿服务", limit=2).hits]
    full_second = [hit.object_id for hit in search(caseworker, "志愿服务", limit=2, start=2).hits]
    monkeypatch.setattr(SqliteBackend, "FAST_CANDIDATES", 1)
    monkeypatch.setattr(SqliteBackend, "FAST_FACTOR", 1)
    assert [(hit.object_id, hit.page) for hit in search(caseworker, "志愿服务", limit=2).hits] == full
    assert [hit.object_id for hit in search(caseworker, "志愿服务", limit=2, start=2).hits] == full_second
    assert world.org_b.pk not in [hit.object_id for hit in search(caseworker, "志愿服务", limit=10).hits]
    assert len(full) == 2 and len(full_second) == 2


def test_filters_by_category_kind_organisation_and_date(world, coordinator, searchable_orgs):
    from datetime import UTC, datetime

    for org, category, day in [
        (world.org_a, "policy", 1),
        (world.org_a_branch, "policy", 10),
        (world.org_b, "template", 20),
    ]:
        BODY[org.pk] = "志愿服务"
        CATEGORY[org.pk] = category
        DATE[org.pk] = datetime(2026, 3, day, 12, 0, tzinfo=UTC)
        index_object(org)

    def found(**filters):
        return sorted(hit.object_id for hit in search(coordinator, "志愿服务", **filters).hits)

    assert found() == sorted([world.org_a.pk, world.org_a_branch.pk, world.org_b.pk])
    assert found(category="policy") == sorted([world.org_a.pk, world.org_a_branch.pk])
    assert found(kind="union") == [world.org_b.pk]
    assert found(organization_ids=[world.org_b.pk, world.org_a_branch.pk]) == sorted(
        [world.org_a_branch.pk, world.org_b.pk]
    )
    assert found(date_from=datetime(2026, 3, 10, 12, 0, tzinfo=UTC)) == sorted([world.org_a_branch.pk, world.org_b.pk])
    assert found(date_to=datetime(2026, 3, 10, 12, 0, tzinfo=UTC)) == [world.org_a.pk]
    assert found(category="policy", date_from=datetime(2026, 3, 5, tzinfo=UTC)) == [world.org_a_branch.pk]
    assert found(models=["library.resource"]) == []


def test_latin_and_number_terms_match_as_prefixes(world, caseworker, searchable_orgs):
    BODY[world.org_a.pk] = "妇女维权热线12338，材料见附件PDF。"
    index_object(world.org_a)
    for query in ["12338", "1233", "pdf", "PDF 热线"]:
        assert [hit.object_id for hit in search(caseworker, query).hits] == [world.org_a.pk], query
    assert search(caseworker, "12339").hits == []


def test_entries_of_a_rolled_back_transaction_are_never_found(world, caseworker, searchable_orgs):
    from django.db import transaction

    BODY[world.org_a.pk] = "旧的内容：希望工程"
    index_object(world.org_a)
    BODY[world.org_a.pk] = "新的内容：春蕾计划"
    with pytest.raises(RuntimeError), transaction.atomic():
        index_object(world.org_a)
        raise RuntimeError("the caller's transaction fails after indexing")
    assert search(caseworker, "春蕾计划").hits == []
    assert [hit.object_id for hit in search(caseworker, "希望工程").hits] == [world.org_a.pk]


def test_tantivy_index_follows_commits_and_deletes(
    world, caseworker, searchable_orgs, search_backend, django_capture_on_commit_callbacks
):
    if search_backend != "tantivy":
        pytest.skip("tantivy's own index")
    from shuniu.search.backends import get_backend

    BODY[world.org_a.pk] = [Chunk("第一页：希望工程。", 1), Chunk("第二页：春蕾计划。", 2)]
    with django_capture_on_commit_callbacks(execute=True):
        index_object(world.org_a)
    assert get_backend().count() == 2
    BODY[world.org_a.pk] = "只有一页：金秋助学。"
    with django_capture_on_commit_callbacks(execute=True):
        index_object(world.org_a)
    assert get_backend().count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        remove_object(world.org_a)
    assert get_backend().count() == 0
    assert search(caseworker, "金秋助学").hits == []


def test_tantivy_writers_in_parallel_are_serialised_and_readers_see_other_writers(tmp_path):
    """Two processes are two backend objects on one directory (each its own tantivy Index)."""
    import threading

    from shuniu.search.backends import Filters, IndexRow
    from shuniu.search.tantivy_backend import TantivyBackend

    reader = TantivyBackend(tmp_path / "index")
    assert reader.count() == 0
    writers = [TantivyBackend(tmp_path / "index") for _ in range(3)]

    def write(number, backend):
        for item in range(10):
            entry_id = number * 100 + item
            backend.add([IndexRow(entry_id, "", "", "志愿 服务", object_id=entry_id, audience=Audience.STAFF)])

    threads = [threading.Thread(target=write, args=(number, backend)) for number, backend in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reader.count() == 30
    filters = Filters(open_audiences=(Audience.STAFF,))
    assert (
        len(
            reader.build(parse_query("志愿"), filters)
            and reader.searcher().search(reader.build(parse_query("志愿"), filters), 100).hits
        )
        == 30
    )
    writers[0].remove([0, 1, 2])
    assert reader.count() == 27


def test_reindex_command_rebuilds_the_index(world, caseworker, searchable_orgs, search_backend):
    from django.core.management import call_command

    BODY[world.org_a.pk] = "联席会议纪要"
    index_object(world.org_a)
    SearchEntry.objects.all().delete()  # the index lost (e.g. after switching the backend)
    assert search(caseworker, "纪要").hits == []
    output = io.StringIO()
    call_command("search_reindex", "core.organization", stdout=output)
    assert output.getvalue() == "core.organization: 5 records indexed\n"
    assert [hit.object_id for hit in search(caseworker, "纪要").hits] == [world.org_a.pk]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's path for frequent matches")
def test_sqlite_frequent_matches_are_listed_newest_first_with_paging_and_filters(
    world, caseworker, outsider, searchable_orgs, monkeypatch, search_backend
):
    if search_backend != "database":
        pytest.skip("SQLite's path for frequent matches")
    from shuniu.search.backends import SqliteBackend

    orgs = [world.org_a, world.org_a_branch, world.org_b, world.joint_office, world.gov_department]
    for org in orgs:
        AUDIENCE[org.pk] = Audience.ORGANIZATION if org == world.org_b else Audience.STAFF
        BODY[org.pk] = [Chunk("会议通知。", 1), Chunk("会议纪要。", 2)]
        index_object(org)
    index_object(world.org_a)  # indexed again: now the newest
    monkeypatch.setattr(SqliteBackend, "FREQUENT", 3)
    monkeypatch.setattr(SqliteBackend, "FAST_CANDIDATES", 1)
    monkeypatch.setattr(SqliteBackend, "FAST_FACTOR", 1)

    first = search(caseworker, "会", limit=2)
    second = search(caseworker, "会", limit=2, start=first.next_start)

    visible = [world.org_a, world.gov_department, world.joint_office, world.org_a_branch]
    assert [hit.object_id for hit in first.hits + second.hits] == [org.pk for org in visible]
    assert second.next_start is None
    assert [hit.page for hit in first.hits] == [1, 1]
    assert world.org_b.pk in [hit.object_id for hit in search(outsider, "会", limit=10).hits]
    assert [hit.object_id for hit in search(caseworker, "会 纪要", kind="union").hits] == []
