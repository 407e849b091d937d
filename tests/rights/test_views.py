from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from shuniu.core.models import Notification
from shuniu.rights import services
from shuniu.rights.models import CollectiveContract, DeadlinePolicy, Enterprise, RightsCase, Status
from tests.rights.helpers import category, make_case, route


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_portal_intake_creates_a_case_and_shows_the_tracking_code(client, world):
    route(world, "marriage_family")
    response = client.post(
        reverse("rights_public:intake"),
        {
            "name": "陈晓梅",
            "phone": "139 8765 4321",
            "community": world.community.pk,
            "category": category("marriage_family").pk,
            "description": "前夫拖欠孩子抚养费一年。",
            "consent": "on",
        },
        follow=True,
    )
    case = RightsCase.objects.get()
    assert case.channel == "web"
    assert case.lead_org == world.org_a
    assert case.contact_phone == "13987654321"
    assert case.tracking_code in response.content.decode()


def test_portal_intake_without_consent_keeps_the_input_and_saves_nothing(client, world):
    response = client.post(
        reverse("rights_public:intake"),
        {
            "name": "陈晓梅",
            "phone": "13987654321",
            "community": world.community.pk,
            "category": category("other").pk,
            "description": "前夫拖欠孩子抚养费一年。",
        },
    )
    assert response.status_code == 200
    assert "需经您同意后我们才能受理诉求" in response.content.decode()
    assert "前夫拖欠孩子抚养费一年" in response.content.decode()
    assert RightsCase.objects.count() == 0


def test_tracking_gives_the_same_message_for_unknown_code_and_wrong_digits(client, world):
    case = make_case(world)
    url = reverse("rights_public:track")
    wrong_digits = client.post(url, {"code": case.tracking_code, "last_four": "0000"}).content.decode()
    unknown = client.post(url, {"code": "WQ22222222", "last_four": "5678"}).content.decode()
    message = "未找到与该查询码和手机号后四位对应的诉求"
    assert message in wrong_digits and message in unknown
    assert case.get_status_display() not in wrong_digits
    right = client.post(url, {"code": case.tracking_code, "last_four": "5678"}).content.decode()
    assert case.tracking_code in right
    assert case.requester_name not in right
    assert case.description not in right


def test_tracking_is_rate_limited_per_address(client, world):
    case = make_case(world)
    url = reverse("rights_public:track")
    for _ in range(10):
        assert client.post(url, {"code": "WQ22222222", "last_four": "1111"}).status_code == 200
    response = client.post(url, {"code": case.tracking_code, "last_four": "5678"})
    assert response.status_code == 429
    assert case.requester_name not in response.content.decode()


def test_hotline_form_takes_in_a_case(client_for, world):
    route(world)
    client = client_for(world.caseworker)
    response = client.post(
        reverse("rights:case_create"),
        {
            "channel": "hotline_12338",
            "name": "李梅",
            "phone": "13700001111",
            "category": category().pk,
            "complexity": "difficult",
            "community": world.community.pk,
            "description": "超市拖欠工资两个月。",
            "consent_processing": "on",
        },
    )
    case = RightsCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rights:case_detail", args=[case.pk])
    assert case.complexity == "difficult"
    assert case.created_by == world.caseworker


def test_sensitive_case_details_are_hidden_from_coordinator_and_notified_department(client_for, world):
    route(world, "domestic_violence", department=world.gov_department)
    case = make_case(world, "domestic_violence", description="长期遭受丈夫殴打，需要庇护。")
    own = client_for(world.caseworker).get(reverse("rights:case_detail", args=[case.pk])).content.decode()
    assert "长期遭受丈夫殴打" in own
    coordinator = client_for(world.coordinator).get(reverse("rights:case_detail", args=[case.pk])).content.decode()
    assert "长期遭受丈夫殴打" not in coordinator
    assert "王芳" not in coordinator
    assert "这是敏感案件" in coordinator


def test_search_by_phone_does_not_reveal_sensitive_cases_to_coordinator(client_for, world):
    make_case(world, "domestic_violence", phone="13911112222")
    ordinary = make_case(world, phone="13911112222")
    url = reverse("rights:queue") + "?tab=all&q=13911112222"
    own = client_for(world.caseworker).get(url).content.decode()
    assert own.count("/rights/") >= 2
    coordinator_page = client_for(world.coordinator).get(url)
    assert [case.pk for case in coordinator_page.context["cases"]] == [ordinary.pk]


def test_queue_pages_with_a_keyset_cursor(client_for, world, monkeypatch):
    monkeypatch.setattr("shuniu.rights.views.queue.PAGE_SIZE", 2)
    cases = [make_case(world, phone=f"1390000000{i}") for i in range(3)]
    client = client_for(world.caseworker)
    first = client.get(reverse("rights:queue") + "?tab=all")
    assert [case.pk for case in first.context["cases"]] == [cases[2].pk, cases[1].pk]
    assert first.context["next_before"] == cases[1].pk
    second = client.get(reverse("rights:queue") + f"?tab=all&before={cases[1].pk}")
    assert [case.pk for case in second.context["cases"]] == [cases[0].pk]
    assert second.context["next_before"] is None


def test_outsider_cannot_accept_by_posting(client_for, world):
    case = make_case(world)
    response = client_for(world.outsider).post(reverse("rights:case_action", args=[case.pk, "accept"]))
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_second_accept_of_a_referral_gets_a_clear_message(client_for, world):
    from tests.world import make_user

    case = make_case(world)
    referral = services.refer_case(case, world.caseworker, to_org=world.org_b, reason="转工会", consent=True)
    other = make_user("union2", world.org_b, "caseworker")
    services.accept_referral(referral, world.outsider)
    response = client_for(other).post(
        reverse("rights:referral_answer", args=[referral.pk]), {"decision": "decline", "note": "不接"}, follow=True
    )
    assert "该转介已由 工会 吴刚 答复（已受理），本次操作未作任何更改" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_coordinator_cannot_add_a_duplicate_deadline(client_for, world):
    existing = DeadlinePolicy.objects.get(category__isnull=True, complexity="ordinary")
    response = client_for(world.coordinator).post(
        reverse("rights:deadline_create"),
        {"complexity": "ordinary", "first_response_days": 1, "resolution_days": 10, "referral_response_days": 2},
    )
    assert response.status_code == 200
    assert "该类别和复杂程度已有时限设置" in response.content.decode()
    existing.refresh_from_db()
    assert existing.resolution_days == 15


def test_enterprise_with_bad_credit_code_is_refused(client_for, world):
    response = client_for(world.caseworker).post(
        reverse("rights:enterprise_create"),
        {"name": "测试公司", "credit_code": "91330100MA27XL0B8C", "employees": 10, "women_employees": 2},
    )
    assert response.status_code == 200
    assert Enterprise.objects.count() == 0


def test_contract_expiry_reminder_once_90_days_ahead(world, django_capture_on_commit_callbacks):
    enterprise = Enterprise.objects.create(name="临江纺织", credit_code="91330100MA27XL0B80", registered_by=world.org_a)
    today = date(2026, 3, 2)
    soon = CollectiveContract.objects.create(
        enterprise=enterprise,
        kind="wage",
        signed_on=date(2023, 5, 1),
        starts_on=date(2023, 5, 1),
        ends_on=today + timedelta(days=89),
        employees_covered=10,
        organization=world.org_a,
    )
    CollectiveContract.objects.create(
        enterprise=enterprise,
        kind="general",
        signed_on=date(2025, 5, 1),
        starts_on=date(2025, 5, 1),
        ends_on=today + timedelta(days=200),
        employees_covered=10,
        organization=world.org_a,
    )
    assert services.remind_expiring_contracts(today) == 1
    assert services.remind_expiring_contracts(today) == 0
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None
    assert Notification.objects.filter(recipient=world.caseworker, title__contains="临江纺织").count() == 1


def test_home_shows_rights_cards(client_for, world):
    make_case(world)
    response = client_for(world.caseworker).get(reverse("core:home"))
    assert "本单位新维权案件" in response.content.decode()


def test_queue_finds_cases_by_words_through_the_search_index(client_for, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wanted = make_case(world, description="建筑工地包工头卷款跑路，拖欠二十名农民工工资。")
        make_case(world, phone="13900002222", description="餐馆老板拒绝支付加班费。")
        make_case(world, "domestic_violence", phone="13900003333", description="包工头丈夫长期殴打。")
    response = client_for(world.caseworker).get(reverse("rights:queue") + "?tab=all&q=包工头")
    assert [case.pk for case in response.context["cases"]] == [wanted.pk]


def test_queue_and_case_page_use_a_fixed_number_of_queries(client_for, world, django_assert_max_num_queries):
    """Query budget: more rows must not mean more queries (no N+1)."""
    client = client_for(world.caseworker)
    for index in range(3):
        make_case(world, phone=f"139000010{index:02d}")
    client.get(reverse("rights:queue") + "?tab=all")  # warm the session and caches
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("rights:queue") + "?tab=all")
    for index in range(3, 12):
        make_case(world, phone=f"139000010{index:02d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("rights:queue") + "?tab=all")
    case = make_case(world, phone="13900000999")
    services.accept_case(case, world.caseworker)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("rights:case_detail", args=[case.pk])).status_code == 200


def test_hotline_form_links_the_employer_by_credit_code_and_refuses_an_unknown_one(client_for, world):
    route(world)
    enterprise = Enterprise.objects.create(name="临江纺织", credit_code="91330100MA27XL0B80", registered_by=world.org_b)
    data = {
        "channel": "hotline_12351",
        "name": "李梅",
        "phone": "13700001111",
        "category": category().pk,
        "complexity": "ordinary",
        "description": "纺织厂拖欠工资两个月。",
        "consent_processing": "on",
        "enterprise": "91330100MA27XL0B8C",
    }
    client = client_for(world.caseworker)
    response = client.post(reverse("rights:case_create"), data)
    assert response.status_code == 200
    assert "未登记该信用代码的企业" in response.content.decode()
    assert RightsCase.objects.count() == 0
    response = client.post(reverse("rights:case_create"), {**data, "enterprise": "91330100 MA27XL0B80"})
    assert RightsCase.objects.get().enterprise == enterprise
    detail = client.get(response["Location"]).content.decode()
    assert "临江纺织" in detail and "未登记集体合同" in detail
