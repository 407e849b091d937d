"""Stories: a closed case becomes a published story only after the personal-data check."""

import pytest
from django.db import connection
from django.urls import reverse

from shuniu.core.services import DomainError
from shuniu.outreach import sources
from shuniu.outreach.models import Story, StoryKind, StoryStatus
from shuniu.outreach.services import stories as services
from tests.outreach import factories as f

PERSONAL_BODY = "王芳（身份证11010519491231002X，手机13812345678）住和平社区3幢2单元501室，经调解追回工资。"


def closed_case(world):
    from shuniu.rights.models import RightsCase
    from tests.rights.helpers import make_case

    case = make_case(world, description="王芳在工厂工作，被拖欠三个月工资，电话13812345678。")
    RightsCase.objects.filter(pk=case.pk).update(
        status="closed", outcome_summary="经区妇联与劳动监察联合调解，为王芳追回工资一万二千元。"
    )
    return case


def test_closed_rights_case_becomes_a_published_story_without_personal_data(world, caseworker, supervisor, client_for):
    case = closed_case(world)
    assert case in sources.closed_rights_cases(caseworker)

    source = sources.rights_case_source(caseworker, case.pk)
    story = services.create_story_from_source(caseworker, source, StoryKind.EXEMPLARY_CASE)

    assert "王芳" not in story.body and "13812345678" not in story.body
    assert "王某" in story.body
    assert {item["kind"] for item in story.removals} == {"name", "phone"}
    assert services.check_story(story) == []
    services.confirm_privacy_check(caseworker, story)
    services.submit_for_review(caseworker, story)
    services.publish_story(supervisor, story)

    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED
    response = client_for(None).get(reverse("outreach_public:story", args=[story.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "王某" in page and "王芳" not in page and "13812345678" not in page
    story.refresh_from_db()
    assert story.view_count == 1


def test_outsider_cannot_use_another_organisations_case(world, outsider):
    case = closed_case(world)

    assert sources.rights_case_source(outsider, case.pk) is None
    assert sources.closed_rights_cases(outsider) == []


def test_open_case_is_not_a_story_source(world, caseworker):
    from tests.rights.helpers import make_case

    case = make_case(world)

    assert sources.rights_case_source(caseworker, case.pk) is None


def test_check_cannot_be_confirmed_while_personal_data_is_in_the_text(world, caseworker):
    story = f.make_story(world, body=PERSONAL_BODY)

    with pytest.raises(DomainError) as refused:
        services.confirm_privacy_check(caseworker, story)

    assert refused.value.code == "personal_data"
    story.refresh_from_db()
    assert story.privacy_confirmed_hash == ""
    assert {item.kind for item in services.check_story(story)} == {"id_number", "phone", "address"}


def test_remove_then_confirm_then_publish(world, caseworker, supervisor):
    story = f.make_story(world, body=PERSONAL_BODY)

    services.remove_personal_data(caseworker, story)
    services.confirm_privacy_check(caseworker, story)
    services.submit_for_review(caseworker, story)
    services.publish_story(supervisor, story)

    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED
    assert "11010519491231002X" not in story.body
    assert "13812345678" not in story.body
    assert "3幢2单元501室" not in story.body


def test_publishing_is_refused_before_the_check_is_confirmed(world, supervisor):
    story = f.make_story(world, status=StoryStatus.REVIEW)

    with pytest.raises(DomainError) as refused:
        services.publish_story(supervisor, story)

    assert refused.value.code == "unchecked"
    story.refresh_from_db()
    assert (story.status, story.published_at) == (StoryStatus.REVIEW, None)


def test_editing_after_the_check_voids_the_confirmation(world, caseworker, supervisor):
    story = f.make_story(world)
    services.confirm_privacy_check(caseworker, story)
    services.submit_for_review(caseworker, story)

    story.body += "联系电话13812345678。"
    services.update_story(caseworker, story, ["body"])

    assert not Story.objects.get(pk=story.pk).privacy_confirmed
    with pytest.raises(DomainError):
        services.publish_story(supervisor, story)
    assert Story.objects.get(pk=story.pk).status == StoryStatus.REVIEW


def test_caseworker_cannot_publish_through_the_page(world, caseworker, client_for):
    story = f.make_story(world)
    services.confirm_privacy_check(caseworker, story)
    services.submit_for_review(caseworker, story)

    response = client_for(caseworker).post(reverse("outreach:story_publish", args=[story.pk]))

    assert response.status_code == 403
    assert Story.objects.get(pk=story.pk).status == StoryStatus.REVIEW


def test_story_page_shows_what_is_still_personal(world, caseworker, client_for):
    story = f.make_story(world, body=PERSONAL_BODY)

    page = client_for(caseworker).get(reverse("outreach:story_detail", args=[story.pk])).content.decode()

    assert 'data-found-kind="id_number"' in page
    assert "110105********002X" in page
    assert "11010519491231002X" not in page.split('id="privacy-check"')[1]


def test_editor_adds_names_for_a_hand_written_story_and_the_check_finds_them(world, caseworker, client_for):
    story = f.make_story(world, body="李秀英在某公司工作，产假期间被停发工资，经妇联协调，公司补发工资。")
    assert services.check_story(story) == []

    response = client_for(caseworker).post(
        reverse("outreach:story_add_known", args=[story.pk]), {"kind": "name", "values": "李秀英\n \n某"}
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert services.known_personal_data(story) == [("name", "李秀英")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT known_personal_data FROM outreach_story WHERE id = %s", [story.pk])
        assert "李秀英" not in cursor.fetchone()[0]  # stored encrypted
    with pytest.raises(DomainError):
        services.confirm_privacy_check(caseworker, story)
    services.remove_personal_data(caseworker, story)
    assert story.body.startswith("李某在某公司工作")


def approved_application(world, status="paid"):
    from shuniu.people.models import Household, Person
    from tests.relief.helpers import make_application, make_person

    household = Household.objects.create(name="李建国户", community=world.community, address="和平路18号")
    child = make_person(world)
    Person.objects.filter(pk=child.pk).update(household=household, address="和平路18号")
    child.refresh_from_db()
    Person.objects.create(
        name="李建国",
        id_number="110105198001011234",
        phone="13900001111",
        household=household,
        community=world.community,
    )
    return make_application(
        world,
        person=child,
        household=household,
        status=status,
        student_enrolled=True,
        school="和平路小学",
        reason=(
            "李小花（身份证33010220120315732X）在和平路小学读四年级，父亲李建国失业，"
            "家住和平路18号，联系电话13812345678，补助请打入6222 0212 3456 7890 123。"
        ),
    )


RELIEF_PERSONAL = ["李小花", "李建国", "33010220120315732X", "13812345678", "和平路18号", "和平路小学", "6222"]


def test_paid_relief_application_becomes_a_published_story_without_personal_data(
    world, caseworker, supervisor, client_for
):
    application = approved_application(world)
    assert application in sources.relief_applications(caseworker)

    source = sources.relief_application_source(caseworker, application.pk)
    story = services.create_story_from_source(caseworker, source, StoryKind.EXEMPLARY_CASE)

    assert [value for value in RELIEF_PERSONAL if value in story.body] == []
    assert "李某" in story.body
    assert {item["kind"] for item in story.removals} == {
        "name",
        "id_number",
        "phone",
        "address",
        "school",
        "bank_account",
    }
    assert (story.source_type, story.source_id) == ("relief_application", str(application.pk))
    assert services.check_story(story) == []
    services.confirm_privacy_check(caseworker, story)
    services.submit_for_review(caseworker, story)
    services.publish_story(supervisor, story)

    page = client_for(None).get(reverse("outreach_public:story", args=[story.pk])).content.decode()
    assert [value for value in RELIEF_PERSONAL if value in page] == []


def test_relief_application_in_review_is_not_a_story_source(world, caseworker):
    application = approved_application(world, status="in_review")

    assert sources.relief_application_source(caseworker, application.pk) is None
    assert sources.relief_applications(caseworker) == []


def test_user_who_cannot_see_the_application_cannot_make_a_story_from_it(world, outsider, client_for):
    application = approved_application(world)

    assert sources.relief_application_source(outsider, application.pk) is None
    assert sources.relief_applications(outsider) == []
    response = client_for(outsider).post(
        reverse("outreach:story_from_case"), {"source": f"relief_application:{application.pk}", "kind": "case"}
    )

    assert response.status_code == 200
    assert Story.objects.count() == 0


def test_story_from_an_aid_record_through_the_page_shows_what_was_removed(world, caseworker, client_for):
    application = approved_application(world)
    client = client_for(caseworker)

    form = client.get(reverse("outreach:story_from_case")).content.decode()
    assert f'value="relief_application:{application.pk}"' in form
    response = client.post(
        reverse("outreach:story_from_case"), {"source": f"relief_application:{application.pk}", "kind": "case"}
    )

    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:story_detail", args=[story.pk])
    assert story.status == StoryStatus.DRAFT and not story.privacy_confirmed
    page = client.get(response["Location"]).content.decode()
    assert 'data-removed-kind="bank_account"' in page and 'data-removed-kind="school"' in page
    assert "33010220120315732X" not in page and "6222 0212 3456 7890 123" not in page
    assert reverse("outreach:story_confirm_check", args=[story.pk]) in page


def test_story_from_a_closed_case_through_the_page(world, caseworker, client_for):
    case = closed_case(world)

    response = client_for(caseworker).post(
        reverse("outreach:story_from_case"), {"source": f"rights_case:{case.pk}", "kind": "case"}
    )

    story = Story.objects.get()
    assert response.status_code == 302
    assert (story.source_type, story.source_id) == ("rights_case", str(case.pk))
    assert "王芳" not in story.body


def test_bank_account_numbers_are_found_in_any_story():
    from shuniu.outreach.anonymise import anonymise

    text, removals = anonymise("请汇入账户6222021234567890123或6222-0212-3456-7890。")
    grouped, _removals = anonymise("账户6222 0212 3456 7890 123，谢谢")

    assert text == "请汇入账户[银行账户已隐去]或[银行账户已隐去]。"
    assert grouped == "账户[银行账户已隐去]，谢谢"
    assert [(removal.kind, removal.masked) for removal in removals] == [
        ("bank_account", "***************0123"),
        ("bank_account", "************7890"),
    ]
