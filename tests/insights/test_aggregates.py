"""The cockpit's aggregate tables: the same numbers as counting the records, brought up to date
incrementally, and filtered to what each organisation may see."""

from decimal import Decimal

import time_machine
from django.db.models import Count

from shuniu.insights import aggregates
from shuniu.insights.figures import compute_sections, parse_period
from shuniu.insights.models import CaseMonth, RefreshState
from shuniu.people.models import PersonTag
from shuniu.relief import reports as relief_reports
from shuniu.relief import services as relief_services
from shuniu.rights import services as rights_services
from shuniu.rights.models import FollowUp, Referral, RightsCase
from tests.insights.test_cockpit import _figure, _union_case
from tests.relief.helpers import ID_NUMBERS, make_application, make_person, make_programme, publish
from tests.rights.helpers import make_case

NOW = "2026-11-20 10:00 +0800"


def _closed_case(world, money="12000.50", satisfaction=5):
    case = make_case(world)
    rights_services.accept_case(case, world.caseworker)
    rights_services.start_work(case, world.caseworker)
    rights_services.resolve_case(case, world.caseworker, outcome="mediated", money_recovered=money, summary="调解成功")
    rights_services.record_follow_up(case, world.caseworker, satisfaction=satisfaction, method="phone")
    return rights_services.close_case(case, world.caseworker)


def _small_world(world):
    """Two Women's Federation cases (one closed with money recovered, one referred to the union) and
    one union case, all received in November 2026."""
    closed = _closed_case(world)
    referred = make_case(world, phone="13812345679")
    rights_services.refer_case(referred, world.caseworker, to_org=world.org_b, reason="转工会", consent=True)
    _union_case(world)
    return closed


def _kpis(user, period="2026"):
    return dict(_figure(compute_sections(user, parse_period(period), use_cache=False), "hotline_kpis").rows)


@time_machine.travel(NOW, tick=False)
def test_figures_from_the_aggregates_equal_the_figures_counted_from_the_records(world):
    _small_world(world)
    aggregates.refresh()
    sections = compute_sections(world.coordinator, parse_period("2026"), use_cache=False)

    cases = RightsCase.objects.all()
    closed = cases.filter(closed_at__isnull=False)
    assert dict(_figure(sections, "hotline_kpis").rows) == {
        "受理案件": str(cases.count()),
        "办结案件": str(closed.count()),
        "按期办结率": "100.0%",
        "满意度（回访）": f"{FollowUp.objects.get().satisfaction:.2f} / 5 ({FollowUp.objects.count()})",
        "挽回金额（元）": f"{sum(case.money_recovered for case in closed):,.2f}",
        "超期未办结案件": "0",
    }
    assert dict(_figure(sections, "hotline_kpis").rows)["受理案件"] == "3"
    assert dict(_figure(sections, "hotline_kpis").rows)["挽回金额（元）"] == "12,000.50"
    by_org = {
        row["lead_org__short_name"]: row["n"]
        for row in cases.values("lead_org__short_name").annotate(n=Count("id")).order_by()
    }
    assert _figure(sections, "cases_by_organization").rows == [
        ["区妇联", by_org["区妇联"]],
        ["区总工会", by_org["区总工会"]],
    ]
    assert by_org == {"区妇联": 2, "区总工会": 1}
    by_category = {
        row["category__name"]: row["n"] for row in cases.values("category__name").annotate(n=Count("id")).order_by()
    }
    assert dict(_figure(sections, "cases_by_category").rows) == by_category
    assert _figure(sections, "referral_flows").rows == [["区妇联", "区总工会", Referral.objects.count()]]
    assert _figure(sections, "cases_by_month").rows[10] == ["2026-11", 3, 1]


@time_machine.travel(NOW, tick=False)
def test_duplicate_aid_and_coverage_from_the_aggregates_equal_the_relief_reports(world):
    spring = make_programme(world)
    hope = make_programme(world, code="hope-project", name="希望工程", organization=world.org_b)
    person = make_person(world)
    forgotten = make_person(world, name="赵大爷", id_number=ID_NUMBERS[0], phone="13612345678")
    for someone in (person, forgotten):
        PersonTag.objects.create(person=someone, tag="in_difficulty")
    from tests.relief.test_views import coordinator_payer

    for programme in (spring, hope):
        branch = world.org_a_branch if programme == spring else None
        application = make_application(world, programme=programme, person=person, branch=branch)
        publish(application, ended=True)
        batch = relief_services.create_batch(
            programme, [application], actor=world.org_admin, idempotency_key=programme.code
        )
        relief_services.pay_batch(batch, actor=world.supervisor if programme == spring else coordinator_payer(world))
    aggregates.refresh()
    sections = compute_sections(world.coordinator, parse_period("2026"), use_cache=False)

    duplicates = relief_reports.duplicate_aid(world.coordinator, 2026)
    assert _figure(sections, "duplicate_aid").rows == [["超过上限或重复受助的人员或家庭", len(duplicates)]]
    assert len(duplicates) == 1
    areas, _listed, uncovered = relief_reports.coverage_gap(world.coordinator)
    assert _figure(sections, "coverage").rows == [
        [f"{area.street} · {area.community}", area.tagged - area.uncovered, area.uncovered] for area in areas
    ]
    assert (uncovered, _figure(sections, "coverage").rows[0][1:]) == (1, [1, 1])
    aid = _figure(sections, "aid_vs_budget")
    assert aid.rows == [["希望工程", "5,000.00", "1,000.00"], ["春蕾计划", "5,000.00", "1,000.00"]]
    assert aid.row_links == [
        f"/relief/applications/?programme={hope.pk}",
        f"/relief/applications/?programme={spring.pk}",
    ]


def test_incremental_refresh_recomputes_only_the_months_touched(world):
    with time_machine.travel("2026-10-15 10:00 +0800", tick=False):
        make_case(world, phone="13812345670")
    with time_machine.travel(NOW, tick=False):
        case = _closed_case(world)
        aggregates.refresh(full=True)
        october = list(CaseMonth.objects.filter(month="2026-10-01").values_list("id", flat=True))
        november = list(CaseMonth.objects.filter(month="2026-11-01").values_list("id", flat=True))
        assert (_kpis(world.coordinator)["受理案件"], _kpis(world.coordinator)["办结案件"]) == ("2", "1")

        make_case(world, phone="13812345671")
        assert _kpis(world.coordinator)["受理案件"] == "2"  # not yet refreshed
        rights_services.reopen_case(case, world.supervisor, reason="当事人反映未执行")
        aggregates.refresh()

        assert (_kpis(world.coordinator)["受理案件"], _kpis(world.coordinator)["办结案件"]) == ("3", "0")
        assert list(CaseMonth.objects.filter(month="2026-10-01").values_list("id", flat=True)) == october
        assert set(CaseMonth.objects.filter(month="2026-11-01").values_list("id", flat=True)).isdisjoint(november)
        assert RefreshState.objects.get(name="cases").full_rebuild_at.isoformat() == "2026-11-20T02:00:00+00:00"


@time_machine.travel(NOW, tick=False)
def test_a_refresh_with_nothing_new_changes_nothing(world):
    _small_world(world)
    aggregates.refresh()
    before = list(CaseMonth.objects.order_by("id").values_list("id", "received", "closed"))

    aggregates.refresh()

    assert list(CaseMonth.objects.order_by("id").values_list("id", "received", "closed")) == before


@time_machine.travel(NOW, tick=False)
def test_an_organisation_dashboard_never_shows_another_organisations_numbers(world):
    _small_world(world)
    aggregates.refresh()
    period = parse_period("2026")

    union = compute_sections(world.outsider, period, use_cache=False)
    women = compute_sections(world.caseworker, period, use_cache=False)

    assert _figure(union, "cases_by_organization").rows == [["区总工会", 1]]
    assert dict(_figure(union, "hotline_kpis").rows)["受理案件"] == "1"
    assert dict(_figure(union, "hotline_kpis").rows)["挽回金额（元）"] == "0.00"
    assert _figure(women, "cases_by_organization").rows == [["区妇联", 2]]
    assert dict(_figure(women, "hotline_kpis").rows)["挽回金额（元）"] == "12,000.50"
    # The referral involves both: each sees it; a third organisation would not.
    assert _figure(union, "referral_flows").rows == [["区妇联", "区总工会", 1]]
    assert _figure(women, "referral_flows").rows == [["区妇联", "区总工会", 1]]


@time_machine.travel(NOW, tick=False)
def test_the_first_visit_asks_the_worker_for_the_tables_then_the_page_says_as_of_when(
    world, client_for, django_capture_on_commit_callbacks
):
    make_case(world)
    client = client_for(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = client.get("/insights/?period=2026").content.decode()
    second = client.get("/insights/?period=2026").content.decode()

    assert "正在首次准备数据，请一分钟后刷新本页。" in first
    assert len(callbacks) == 1
    assert CaseMonth.objects.get().received == 1
    assert RefreshState.objects.filter(refreshed_at__isnull=False).count() == len(aggregates.PARTS)
    assert "数据截至 10:00（2026-11-20）" in second
    assert "正在首次准备数据" not in second


def test_money_is_summed_exactly(world):
    with time_machine.travel(NOW, tick=False):
        _closed_case(world, money="0.10")
        _closed_case(world, money="0.20")
        aggregates.refresh()
        assert sum(CaseMonth.objects.values_list("money_recovered", flat=True)) == Decimal("0.30")
