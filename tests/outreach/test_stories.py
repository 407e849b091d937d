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
