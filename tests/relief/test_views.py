"""Relief pages: the portal (apply, notices, objections, tracking), staff review and payment, exports, reports."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from shuniu.people.models import Person, PersonTag
from shuniu.relief import services
from shuniu.relief.models import Application, EligibilityRule, LedgerEntry, Objection, Status
from tests.relief.helpers import ID_NUMBERS, make_application, make_batch, make_person, make_programme, publish


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def apply_form(world, **overrides):
    values = {
        "name": "陈晓明",
        "id_number": "110105200501015139",
        "phone": "13812345678",
        "community": world.community.pk,
        "household_size": "3",
        "monthly_income": "3600",
        "student_enrolled": "on",
        "school": "浙江工业大学",
        "reason": "父亲因工伤致残，母亲无固定工作。",
    }
    values.update(overrides)
    return values


def test_citizen_applies_on_the_portal_and_sees_eligibility(client, world):
    programme = make_programme(world)

    response = client.post(reverse("relief_public:apply", args=[programme.code]), apply_form(world))

    assert response.status_code == 200
    application = Application.objects.get()
    assert (application.channel, application.status, application.person.name) == ("portal", "in_review", "陈晓明")
    assert application.contact_phone == "13812345678"
    assert application.branch == world.org_a_branch
    html = response.content.decode()
    assert application.code in html
    assert "家庭人均月收入不高于1500元" in html
    assert "申报家庭人均月收入 1200.00 元" in html


def test_portal_form_errors_keep_the_input_and_create_nothing(client, world):
    programme = make_programme(world)

    response = client.post(
        reverse("relief_public:apply", args=[programme.code]),
        apply_form(world, id_number="110105200501015138", school=""),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "身份证号校验位不正确（最后一位应为 9）" in html
    assert "请填写就读学校" in html
    assert 'value="陈晓明"' in html
    assert Application.objects.count() == 0
    assert Person.objects.count() == 0


def test_double_submitted_portal_form_creates_one_application(client, world):
    programme = make_programme(world)
    url = reverse("relief_public:apply", args=[programme.code])

    client.post(url, apply_form(world))
    response = client.post(url, apply_form(world))

    assert Application.objects.count() == 1
    assert "本年度已申请过" in response.content.decode()


def test_closed_programme_is_not_offered_on_the_portal(client, world):
    programme = make_programme(world, accepts_public_applications=False)

    assert client.get(reverse("relief_public:apply", args=[programme.code])).status_code == 404
    assert programme.name not in client.get(reverse("relief_public:programmes")).content.decode()


def test_notice_shows_masked_names_and_id_numbers(client, world):
    application = make_application(world)
    publish(application)

    html = client.get(reverse("relief_public:notices")).content.decode()

    assert "李**" in html
    assert "330102********732X" in html
    assert "李小花" not in html
    assert "33010220120315732X" not in html


def test_anyone_can_object_and_it_pauses_the_application(client, world):
    application = make_application(world)
    publish(application)

    response = client.post(
        reverse("relief_public:objection", args=[application.code]), {"text": "该户家中有两套住房，收入不实。"}
    )

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.PAUSED
    assert Objection.objects.get().text == "该户家中有两套住房，收入不实。"


def test_objections_are_rate_limited(client, world):
    application = make_application(world)
    publish(application)
    url = reverse("relief_public:objection", args=[application.code])
    for _attempt in range(5):
        client.post(url, {"text": "该户家中有两套住房，收入不实。"})

    response = client.post(url, {"text": "该户家中有两套住房，收入不实。"})

    assert "请一小时后再试" in response.content.decode()
    assert Objection.objects.count() == 5


def test_objection_page_is_404_for_applications_not_in_notice(client, world):
    application = make_application(world)

    assert client.get(reverse("relief_public:objection", args=[application.code])).status_code == 404


def test_tracking_needs_the_code_and_the_phone_digits(client, world):
    application = make_application(world)
    url = reverse("relief_public:track")

    wrong = client.post(url, {"code": application.code, "phone_last4": "0000"}).content.decode()
    right = client.post(url, {"code": application.code.lower(), "phone_last4": "5678"}).content.decode()

    assert "没有与该查询码和手机号相符的申请" in wrong
    assert "审核中" not in wrong
    assert "审核中" in right
    assert "审核第 1 步，共 3 步" in right


def test_staff_register_an_application_for_a_person(world, client_for, caseworker):
    programme = make_programme(world)
    client = client_for(caseworker)

    response = client.post(reverse("relief:application_create"), {**apply_form(world), "programme": programme.pk})

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("relief:application_detail", args=[application.pk])
    assert (application.channel, application.submitted_by) == ("staff", caseworker)


def test_decision_through_the_page_and_refusal_message(world, client_for, caseworker, colleague):
    application = make_application(world, submitted_by=colleague)

    refused = client_for(colleague).post(
        reverse("relief:application_decide", args=[application.pk]), {"step": 1, "decision": "approve"}, follow=True
    )
    assert "须由其他人审核" in refused.content.decode()
    application.refresh_from_db()
    assert application.current_step == 1

    client_for(caseworker).post(
        reverse("relief:application_decide", args=[application.pk]), {"step": 1, "decision": "approve"}
    )
    application.refresh_from_db()
    assert application.current_step == 2


def test_bulk_review_shows_a_review_screen_before_approving(world, client_for, caseworker):
    programme = make_programme(world)
    first = make_application(world, programme=programme)
    second = make_application(
        world, programme=programme, person=make_person(world, name="张三", id_number=ID_NUMBERS[1], phone="13712345678")
    )
    client = client_for(caseworker)

    review = client.post(reverse("relief:review"), {"application": [first.pk, second.pk]})
    assert review.status_code == 200
    assert first.code in review.content.decode() and second.code in review.content.decode()
    first.refresh_from_db()
    assert first.current_step == 1  # nothing decided by the review screen

    client.post(reverse("relief:review"), {"application": [first.pk, second.pk], "confirm": "1"})

    assert list(Application.objects.order_by("id").values_list("current_step", flat=True)) == [2, 2]


def test_programme_admin_edits_rules_and_bad_values_are_explained(world, client_for):
    programme = make_programme(world)
    client = client_for(world.org_admin)
    url = reverse("relief:rule_create", args=[programme.pk])

    bad = client.post(url, {"position": 2, "field": "age", "operator": "between", "value": "18-6", "explanation": "x"})
    assert "区间的第一个数不能大于第二个数" in bad.content.decode()
    client.post(url, {"position": 2, "field": "age", "operator": "between", "value": "6-18", "explanation": "6至18岁"})

    assert list(programme.rules.values_list("field", "value")) == [("income_per_member", "1500"), ("age", "6-18")]


def test_budget_cannot_be_lowered_below_what_is_paid(world, client_for, caseworker, colleague):
    application = make_application(world)
    publish(application, ended=True)
    services.pay_batch(make_batch(world, application, created_by=caseworker), actor=colleague)

    client_for(world.org_admin).post(
        reverse("relief:budget_save", args=[application.programme.pk]),
        {"year": application.year, "amount": "500", "funding_source": "donation"},
    )

    assert application.programme.budgets.get().amount == Decimal("5000.00")


def test_batch_export_is_a_workbook_with_masked_ids(world, client_for, caseworker):
    application = make_application(world)
    publish(application, ended=True)
    batch = make_batch(world, application, created_by=caseworker)

    response = client_for(caseworker).get(reverse("relief:batch_export", args=[batch.pk]))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == (application.code, "李小花", "330102********732X", "和平社区", 1000)
    assert rows[-1][0] == "合计"


def test_reconciliation_matches_the_ledger(world, client_for, caseworker, colleague, coordinator):
    application = make_application(world)
    publish(application, ended=True)
    services.pay_batch(make_batch(world, application, created_by=caseworker), actor=colleague)
    services.reverse_entry(LedgerEntry.objects.get(), reason="银行退回", actor=world.supervisor)

    response = client_for(coordinator).get(reverse("relief:reconciliation") + "?format=xlsx")

    workbook = load_workbook(BytesIO(response.content))
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert summary[1][3:10] == (5000, 1000, -1000, 0, 0, 5000, 2)
    assert len(list(workbook.worksheets[1].iter_rows(values_only=True))) == 3


def test_duplicate_aid_report_lists_a_child_funded_by_two_education_programmes(world, client_for, coordinator):
    spring = make_programme(world)
    hope = make_programme(world, code="hope-project", name="希望工程", organization=world.org_b)
    person = make_person(world)
    for programme in (spring, hope):
        branch = world.org_a_branch if programme == spring else None
        application = make_application(world, programme=programme, person=person, branch=branch)
        publish(application, ended=True)
        batch = services.create_batch(programme, [application], actor=world.org_admin, idempotency_key=programme.code)
        services.pay_batch(batch, actor=world.supervisor if programme == spring else coordinator_payer(world))

    html = client_for(coordinator).get(reverse("relief:duplicate_aid")).content.decode()

    assert "同类项目重复资助：希望工程、春蕾计划" in html
    assert "李*" in html and "李小花" not in html


def coordinator_payer(world):
    from shuniu.core.permissions import Role
    from tests.world import make_user

    return make_user("union_head", world.org_b, Role.SUPERVISOR)


def test_coverage_gap_counts_people_in_difficulty_without_aid(world, client_for, coordinator, caseworker, colleague):
    helped = make_person(world)
    forgotten = make_person(world, name="赵大爷", id_number=ID_NUMBERS[0], phone="13612345678")
    for person in (helped, forgotten):
        PersonTag.objects.create(person=person, tag="in_difficulty")
    application = make_application(world, person=helped)
    publish(application, ended=True)
    services.pay_batch(make_batch(world, application, created_by=caseworker), actor=colleague)

    response = client_for(coordinator).get(reverse("relief:coverage_gap"))

    areas = response.context["areas"]
    assert [(a.street, a.community, a.tagged, a.uncovered) for a in areas] == [("东湖街道", "和平社区", 2, 1)]
    assert [p.pk for p in response.context["people"]] == [forgotten.pk]


def test_outsider_never_sees_another_organisations_application(world, client_for, outsider):
    application = make_application(world)

    client = client_for(outsider)

    assert client.get(reverse("relief:application_detail", args=[application.pk])).status_code == 404
    assert application.code not in client.get(reverse("relief:applications")).content.decode()


def test_rules_are_data_the_programme_page_lists(world, client_for, caseworker):
    programme = make_programme(world)
    EligibilityRule.objects.create(
        programme=programme, position=2, field="age", operator="between", value="6-18", explanation="6至18岁"
    )

    html = client_for(caseworker).get(reverse("relief:programme_detail", args=[programme.pk])).content.decode()

    assert "家庭人均月收入不高于1500元" in html and "6至18岁" in html


def test_home_shows_aid_applications_in_review(world, client_for, caseworker):
    application = make_application(world)

    response = client_for(caseworker).get(reverse("core:home"))

    titles = {card.title: card for card in response.context["cards"]}
    card = titles["Aid applications in review"] if "Aid applications in review" in titles else titles["待审核救助申请"]
    assert card.count == 1
    assert card.items[0][1] == reverse("relief:application_detail", args=[application.pk])
