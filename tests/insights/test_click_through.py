"""Every chart bar and table row of the cockpit links to the list behind that number, already
filtered: the link opens and shows exactly the matching records."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from shuniu.insights import aggregates
from shuniu.insights.figures import compute_sections, parse_period
from shuniu.rights import services as rights_services
from tests.insights.test_cockpit import _figure, _union_case
from tests.rights.helpers import category, make_case

NOW = "2026-11-20 10:00 +0800"


def _row_links(sections, key) -> dict:
    figure = _figure(sections, key)
    return {
        str(row[0]) if len(row) < 3 or key != "referral_flows" else f"{row[0]}→{row[1]}": link
        for row, link in figure.table_rows
    }


def _codes_on(client, url) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    from shuniu.rights.models import RightsCase

    return {code for code in RightsCase.objects.values_list("tracking_code", flat=True) if code in html}


@time_machine.travel(NOW, tick=False)
def test_case_figures_link_to_the_queue_filtered_to_their_cases(world, client_for):
    wage = make_case(world)
    contract = make_case(world, code="social_insurance", phone="13812345679", community=world.other_community)
    union = _union_case(world)
    rights_services.refer_case(wage, world.caseworker, to_org=world.org_b, reason="转工会", consent=True)
    with time_machine.travel(timezone.now() - timedelta(days=400)):
        old = make_case(world, phone="13812345670")  # received in 2025: outside the period
    aggregates.refresh()
    sections = compute_sections(world.coordinator, parse_period("2026"), use_cache=False)
    client = client_for(world.coordinator)

    by_category = _row_links(sections, "cases_by_category")
    assert by_category["欠薪讨薪"] == (
        f"/rights/?tab=all&category={category('wage_arrears').pk}&date_from=2026-01-01&date_to=2026-12-31"
    )
    assert _codes_on(client, by_category["欠薪讨薪"]) == {wage.tracking_code}
    by_org = _row_links(sections, "cases_by_organization")
    assert _codes_on(client, by_org["区妇联"]) == {wage.tracking_code, contract.tracking_code}
    assert _codes_on(client, by_org["区总工会"]) == {union.tracking_code}
    by_street = _row_links(sections, "cases_by_street")
    assert _codes_on(client, by_street["西城街道"]) == {contract.tracking_code}
    flows = _row_links(sections, "referral_flows")
    assert _codes_on(client, flows["区妇联→区总工会"]) == {wage.tracking_code}
    by_month = dict(
        zip(
            [row[0] for row in _figure(sections, "cases_by_month").rows],
            _figure(sections, "cases_by_month").row_links,
            strict=True,
        )
    )
    assert by_month["2026-11"] == "/rights/?tab=all&date_from=2026-11-01&date_to=2026-11-30"
    assert _codes_on(client, by_month["2026-11"]) == {wage.tracking_code, contract.tracking_code, union.tracking_code}
    assert old.tracking_code in _codes_on(client, "/rights/?tab=all")  # visible, but received in 2025


@time_machine.travel(NOW, tick=False)
def test_the_links_stay_within_what_the_viewer_may_see(world, client_for):
    make_case(world)
    union = _union_case(world)
    aggregates.refresh()

    by_org = _row_links(
        compute_sections(world.outsider, parse_period("2026"), use_cache=False), "cases_by_organization"
    )
    women = compute_sections(world.coordinator, parse_period("2026"), use_cache=False)
    women_link = _row_links(women, "cases_by_organization")["区妇联"]

    assert list(by_org) == ["区总工会"]
    assert _codes_on(client_for(world.outsider), by_org["区总工会"]) == {union.tracking_code}
    # Following the Women's Federation's link as the union shows none of its cases.
    assert _codes_on(client_for(world.outsider), women_link) == set()


@time_machine.travel(NOW, tick=False)
def test_programme_rows_link_to_the_applications_of_that_programme(world, client_for):
    from tests.relief.helpers import make_application, make_person, make_programme

    spring = make_programme(world)
    hope = make_programme(world, code="hope-project", name="希望工程")
    first = make_application(world, programme=spring)
    second = make_application(world, programme=hope, person=make_person(world, name="陈小明", phone="13912345678"))
    aggregates.refresh()
    links = _row_links(compute_sections(world.coordinator, parse_period("2026"), use_cache=False), "aid_vs_budget")

    html = client_for(world.coordinator).get(links["春蕾计划"]).content.decode()

    assert first.code in html
    assert second.code not in html


@time_machine.travel(NOW, tick=False)
def test_training_rows_link_to_the_courses_of_that_category(world, client_for):
    from tests.training.helpers import make_course

    make_course(world, title="家政服务技能培训", category="employment")
    make_course(world, title="新修订妇女权益保障法解读", category="current_affairs")
    aggregates.refresh()
    figure = _figure(compute_sections(world.coordinator, parse_period("2026"), use_cache=False), "training_by_category")
    from shuniu.training.models import CourseCategory

    link = dict(zip(CourseCategory.values, figure.row_links, strict=True))

    html = client_for(world.coordinator).get(link["employment"]).content.decode()

    assert link["employment"] == "/training/?category=employment"
    assert "家政服务技能培训" in html
    assert "新修订妇女权益保障法解读" not in html


@time_machine.travel(NOW, tick=False)
def test_action_item_rows_link_to_the_items_of_that_organisation(world, client_for):
    from tests.meetings.factories import make_action_item

    ours = make_action_item(world, lead=world.org_a)
    theirs = make_action_item(world, lead=world.org_b, meeting=ours.meeting)
    theirs.title = "职工互助保障联合宣传"
    theirs.save(update_fields=["title"])
    aggregates.refresh()
    links = _row_links(compute_sections(world.coordinator, parse_period("2026"), use_cache=False), "action_items")

    html = client_for(world.coordinator).get(links["区妇联"]).content.decode()

    assert links["区妇联"] == f"/meetings/board/?organization={world.org_a.pk}&show=all"
    assert ours.title in html
    assert theirs.title not in html
