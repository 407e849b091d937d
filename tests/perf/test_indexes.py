"""Every filter and sort a queue offers is served by an index (PostgreSQL EXPLAIN).

With sequential scans disabled, the planner still chooses one when no index can serve the query,
so "Seq Scan on <table>" in the plan means a missing index. Runs on PostgreSQL only.
"""

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from shuniu.core.models import RegionLevel
from shuniu.rights.forms import QueueFilterForm
from shuniu.rights.models import CaseCategory, RightsCase
from shuniu.rights.views.queue import apply_filters, page_of, tab_queryset

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def queue_query(user, tab, **filters):
    form = QueueFilterForm(filters)
    cases = apply_filters(tab_queryset(tab, user, timezone.now()), form, user)
    return cases.select_related("category", "lead_org", "assignee", "street").order_by("-id")[:51]


@pytest.fixture
def pg(world):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN checks run on PostgreSQL")
    return world


FILTERS = [
    ("mine", {}),
    ("new", {}),
    ("referrals", {}),
    ("overdue", {}),
    ("all", {"status": "received"}),
    ("all", {"category": "__category__"}),
    ("all", {"street": "__street__"}),
    ("all", {"date_from": str(date(2025, 1, 1)), "date_to": str(date(2025, 12, 31))}),
    ("all", {"q": "S123456789"}),
    ("all", {"q": "13812345678"}),
]


@pytest.mark.parametrize(("tab", "filters"), FILTERS, ids=[f"{t}-{'-'.join(f)}" for t, f in FILTERS])
def test_queue_filters_use_indexes(pg, tab, filters):
    filters = dict(filters)
    if filters.get("category") == "__category__":
        filters["category"] = str(CaseCategory.objects.first().pk)
    if filters.get("street") == "__street__":
        filters["street"] = str(pg.street.pk) if pg.street.level == RegionLevel.STREET else ""
    for user in (pg.caseworker, pg.coordinator):
        text = plan(queue_query(user, tab, **filters))
        assert "Seq Scan on rights_rightscase" not in text, text


def test_keyset_page_uses_the_id_index(pg):
    rows_query = RightsCase.objects.visible_to(pg.coordinator).filter(id__lt=1000).order_by("-id")[:51]
    assert "Seq Scan on rights_rightscase" not in plan(rows_query)
    assert page_of(RightsCase.objects.none(), "5") == ([], None)


def test_visibility_probes_participants_row_by_row(pg):
    """The caseworker's queue ("led by us OR we take part") must not hash every participant row of
    the organisation for each page (RowExists): the plan probes the participants' case index."""
    sql = str(RightsCase.objects.visible_to(pg.caseworker).order_by("-id")[:51].query)
    assert "OFFSET 0)" in sql
    text = plan(queue_query(pg.caseworker, "all"))
    assert "hashed SubPlan" not in text, text
    assert "rights_caseparticipant" in text


def test_visibility_rule_gives_the_same_cases_as_the_plain_rule(pg):
    from django.db.models import Q

    from shuniu.rights.models import CaseParticipant
    from shuniu.rights.models.cases import own_org_ids
    from tests.rights.helpers import make_case

    for index in range(3):
        make_case(pg, phone=f"1391234560{index}")
    orgs = own_org_ids(pg.caseworker)
    plain = RightsCase.objects.filter(
        Q(lead_org_id__in=orgs) | Q(pk__in=CaseParticipant.objects.filter(organization_id__in=orgs).values("case_id"))
    )
    assert set(RightsCase.objects.visible_to(pg.caseworker).values_list("pk", flat=True)) == set(
        plain.values_list("pk", flat=True)
    )
