"""The cockpit counts only what its viewer may see, shows every chart's numbers, and links on."""

import time_machine

from shuniu.insights import aggregates
from shuniu.insights.figures import compute_sections, parse_period
from shuniu.rights import services as rights_services
from tests.rights.helpers import category, make_case, route


def _figure(sections, key):
    for section in sections:
        for figure in section["figures"]:
            if figure.key == key:
                return figure
    raise AssertionError(f"no figure {key}")


def _union_case(world):
    route(world, code="labour_contract", organization=world.org_b)
    return rights_services.submit_case(
        channel="hotline_12351",
        category=category("labour_contract"),
        name="张伟",
        description="公司未签劳动合同。",
        consent_processing=True,
        actor=world.outsider,
    )


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_dashboards_count_only_visible_cases(world):
    make_case(world)
    make_case(world, phone="13812345679")
    _union_case(world)
    aggregates.refresh()
    period = parse_period("2026")

    own = _figure(compute_sections(world.caseworker, period, use_cache=False), "cases_by_organization")
    other = _figure(compute_sections(world.outsider, period, use_cache=False), "cases_by_organization")
    district = _figure(compute_sections(world.coordinator, period, use_cache=False), "cases_by_organization")

    assert own.rows == [["区妇联", 2]]
    assert other.rows == [["区总工会", 1]]
    assert district.rows == [["区妇联", 2], ["区总工会", 1]]


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_referral_flows_and_monthly_counts(world):
    case = make_case(world)
    rights_services.refer_case(case, world.caseworker, to_org=world.org_b, reason="转工会", consent=True)
    aggregates.refresh()
    sections = compute_sections(world.coordinator, parse_period("2026"), use_cache=False)

    assert _figure(sections, "referral_flows").rows == [["区妇联", "区总工会", 1]]
    monthly = _figure(sections, "cases_by_month")
    assert monthly.rows[10] == ["2026-11", 1, 0]
    assert len(monthly.rows) == 12


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_cockpit_page_has_charts_tables_and_links(world, client_for):
    make_case(world)
    aggregates.refresh()

    response = client_for(world.coordinator).get("/insights/?period=2026")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-cases_by_category"' in html
    assert 'data-link="/rights/?tab=all&amp;date_from=2026-01-01&amp;date_to=2026-12-31"' in html
    wage = category("wage_arrears").pk
    assert (
        f'<th scope="row"><a href="/rights/?tab=all&amp;category={wage}&amp;date_from=2026-01-01'
        '&amp;date_to=2026-12-31">欠薪讨薪</a></th>' in html
    )
    assert 'id="insights-charts"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html


def test_section_of_a_missing_app_is_hidden_with_a_note(world, monkeypatch):
    from shuniu.insights import figures

    def broken(user, period):
        raise ImportError("not installed")

    monkeypatch.setattr(figures, "SECTIONS", [("training", "Training", broken)])

    sections = figures.compute_sections(world.caseworker, parse_period("2026"), use_cache=False)

    assert sections == [{"key": "training", "title": "Training", "figures": [], "note": "这些数据暂不可用。"}]


def test_period_parsing():
    assert (parse_period("2026-03").start.isoformat(), parse_period("2026-03").end.isoformat()) == (
        "2026-03-01",
        "2026-04-01",
    )
    assert parse_period("2026Q4").end.isoformat() == "2027-01-01"
    assert parse_period("2025").label == "2025"
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        period = parse_period("junk")
        assert (period.start.isoformat(), period.end.isoformat()) == ("2025-12-01", "2026-12-01")
