"""Sharing with affiliated social organisations: shared activities and referrals answered through a
signed, expiring, single-purpose link."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from shuniu.core.models import AuditEntry, Notification
from shuniu.core.services import DomainError
from shuniu.outreach.models import ActivityShare, SocialOrganizationMessage, SocialReferral, SocialReferralStatus
from shuniu.outreach.services import referrals as services
from tests.outreach import factories as f


def link_path(message: SocialOrganizationMessage) -> str:
    return re.search(r"(/portal/outreach/referrals/[^/\s]+/)", message.body).group(1)


def sent_referral(world, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        referral = f.make_referral(world, **extra)
    return referral


def test_referral_with_consent_sends_the_contact_a_link_and_only_the_minimum(
    world, caseworker, django_capture_on_commit_callbacks, mailoutbox
):
    referral = sent_referral(world, django_capture_on_commit_callbacks)

    assert referral.status == SocialReferralStatus.SENT
    assert (referral.shared_name, referral.shared_phone) == ("赵敏", "13700001234")
    message = SocialOrganizationMessage.objects.get(referral=referral)
    assert message.to_email == "contact@sunshine.example" and message.sent_at is not None
    assert [mail.to for mail in mailoutbox] == [["contact@sunshine.example"]]
    assert link_path(message) in mailoutbox[0].body
    assert "110105198502023217" not in message.body and "和平路9号" not in message.body
    entry = AuditEntry.objects.get(action="outreach.social_referral.sent")
    assert (entry.actor, entry.object_id, entry.data["contact_shared"]) == (caseworker, str(referral.pk), True)


def test_referral_is_refused_without_consent_to_sharing(world, caseworker):
    person = f.make_consenting_person(world, sharing=False)

    with pytest.raises(DomainError) as refused:
        f.make_referral(world, person=person)

    assert refused.value.code == "no_consent"
    assert SocialReferral.objects.count() == 0
    assert SocialOrganizationMessage.objects.count() == 0
    assert not AuditEntry.objects.filter(action="outreach.social_referral.sent").exists()


def test_referral_is_refused_to_an_organisation_that_does_not_accept_referrals(world):
    profile = f.make_social_org(world)
    profile.accepts_referrals = False
    profile.save()

    with pytest.raises(DomainError) as refused:
        f.make_referral(world, social_org=profile)

    assert refused.value.code == "not_affiliated"
    assert SocialReferral.objects.count() == 0


def test_referral_is_refused_to_another_hubs_social_organisation(world):
    profile = f.make_social_org(world, hub=world.org_b)

    with pytest.raises(DomainError) as refused:
        f.make_referral(world, social_org=profile)

    assert refused.value.code == "not_affiliated"
    assert SocialReferral.objects.count() == 0


def test_need_with_an_id_number_is_refused(world):
    with pytest.raises(DomainError) as refused:
        f.make_referral(world, need="身份证110105198502023217，需要法律援助")

    assert refused.value.code == "personal_data"
    assert SocialReferral.objects.count() == 0


def test_contact_accepts_then_reports_the_outcome_and_the_hub_is_told(
    world, caseworker, client, django_capture_on_commit_callbacks
):
    referral = sent_referral(world, django_capture_on_commit_callbacks)
    answer_link = link_path(SocialOrganizationMessage.objects.get(referral=referral))

    page = client.get(answer_link)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert "需要每周两次上门陪伴老人" in page.content.decode() and "110105198502023217" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_link, {"decision": "accept", "note": "本周内联系"})

    assert response.status_code == 200
    referral.refresh_from_db()
    assert (referral.status, referral.answer_note) == (SocialReferralStatus.ACCEPTED, "本周内联系")
    assert list(Notification.objects.filter(recipient=caseworker).values_list("title", flat=True)) == [
        f"临江区阳光家庭服务中心已接收转介 #{referral.pk}"
    ]
    assert client.post(answer_link, {"decision": "decline", "note": "x"}).status_code == 404
    outcome_link = link_path(SocialOrganizationMessage.objects.filter(referral=referral).order_by("-id").first())
    assert outcome_link != answer_link

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(outcome_link, {"note": "已安排志愿者每周二、周五上门"})

    assert response.status_code == 200
    referral.refresh_from_db()
    assert (referral.status, referral.outcome_note) == (SocialReferralStatus.DONE, "已安排志愿者每周二、周五上门")
    assert Notification.objects.filter(recipient=caseworker).count() == 2
    assert [entry.action for entry in AuditEntry.objects.filter(object_id=str(referral.pk)).order_by("id")] == [
        "outreach.social_referral.sent",
        "outreach.social_referral.accepted",
        "outreach.social_referral.done",
    ]
    assert client.get(outcome_link).status_code == 404


def test_decline_needs_a_reason(world, client, django_capture_on_commit_callbacks):
    referral = sent_referral(world, django_capture_on_commit_callbacks)
    answer_link = link_path(SocialOrganizationMessage.objects.get(referral=referral))

    refused = client.post(answer_link, {"decision": "decline", "note": ""})
    referral.refresh_from_db()
    assert (refused.status_code, referral.status) == (200, SocialReferralStatus.SENT)

    client.post(answer_link, {"decision": "decline", "note": "本月人手不足"})
    referral.refresh_from_db()
    assert (referral.status, referral.answer_note) == (SocialReferralStatus.DECLINED, "本月人手不足")


def test_forged_link_is_refused_and_nothing_changes(world, client, django_capture_on_commit_callbacks):
    referral = sent_referral(world, django_capture_on_commit_callbacks)
    forged = signing.dumps({"r": referral.pk, "n": referral.link_nonce, "p": "answer"}, salt="another.salt")
    guessed_nonce = signing.dumps({"r": referral.pk, "n": "0" * 32, "p": "answer"}, salt=services.LINK_SALT)
    wrong_purpose = services.make_link_token(referral, services.PURPOSE_OUTCOME)

    for token in (forged, guessed_nonce, wrong_purpose, services.make_link_token(referral, "answer") + "x"):
        url = reverse("outreach_public:referral_answer", args=[token])
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "accept", "note": "伪造"}).status_code == 404

    referral.refresh_from_db()
    assert (referral.status, referral.answer_note, referral.answered_at) == (SocialReferralStatus.SENT, "", None)


def test_expired_link_is_refused_and_nothing_changes(world, client, django_capture_on_commit_callbacks):
    referral = sent_referral(world, django_capture_on_commit_callbacks)
    answer_link = link_path(SocialOrganizationMessage.objects.get(referral=referral))

    with time_machine.travel(timezone.now() + services.LINK_VALID_FOR + timedelta(minutes=1), tick=False):
        page = client.get(answer_link)
        response = client.post(answer_link, {"decision": "accept"})

    assert (page.status_code, response.status_code) == (410, 410)
    referral.refresh_from_db()
    assert (referral.status, referral.answered_at) == (SocialReferralStatus.SENT, None)


def test_referral_from_an_aid_application_without_sharing_the_contact(world, caseworker, client_for):
    from tests.relief.helpers import make_application

    person = f.make_consenting_person(world)
    application = make_application(world, person=person, community=world.community)
    profile = f.make_social_org(world)

    response = client_for(caseworker).post(
        reverse("outreach:referral_create"),
        {
            "source": f"relief_application:{application.pk}",
            "hub": world.org_a.pk,
            "social_organization": profile.organization.pk,
            "need": "孩子需要课后辅导",
            "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )

    referral = SocialReferral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:referral_detail", args=[referral.pk])
    assert (referral.source_type, referral.source_id, referral.person) == (
        "relief_application",
        str(application.pk),
        person,
    )
    assert (referral.shared_name, referral.shared_phone, referral.community_name) == ("", "", "和平社区")


def test_referral_from_a_case_the_user_cannot_see_is_refused(world, outsider, client_for):
    from tests.rights.helpers import make_case

    case = make_case(world)
    profile = f.make_social_org(world, hub=world.org_b)

    response = client_for(outsider).post(
        reverse("outreach:referral_create"),
        {
            "source": f"rights_case:{case.pk}",
            "hub": world.org_b.pk,
            "social_organization": profile.organization.pk,
            "need": "需要法律咨询",
            "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert SocialReferral.objects.count() == 0


def test_staff_see_the_status_of_their_referrals_only(
    world, caseworker, outsider, client_for, django_capture_on_commit_callbacks
):
    referral = sent_referral(world, django_capture_on_commit_callbacks)

    page = client_for(caseworker).get(reverse("outreach:referrals")).content.decode()
    assert f'data-referral="{referral.pk}"' in page
    detail = client_for(caseworker).get(reverse("outreach:referral_detail", args=[referral.pk])).content.decode()
    assert 'data-status="sent"' in detail and "13700001234" not in detail
    assert (
        f'data-referral="{referral.pk}"' not in client_for(outsider).get(reverse("outreach:referrals")).content.decode()
    )
    assert client_for(outsider).get(reverse("outreach:referral_detail", args=[referral.pk])).status_code == 404


def test_activity_shared_with_an_affiliated_social_organisation_lists_it_as_co_organiser(
    world, caseworker, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    activity = f.make_activity(world)
    profile = f.make_social_org(world)
    profile.contact_email = "contact@sunshine.example"
    profile.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(caseworker).post(
            reverse("outreach:activity_share", args=[activity.pk]), {"social_organizations": [profile.organization.pk]}
        )

    assert response.status_code == 302
    assert list(activity.partners.all()) == [profile.organization]
    assert ActivityShare.objects.get().social_organization == profile.organization
    message = SocialOrganizationMessage.objects.get(activity=activity)
    assert message.to_email == "contact@sunshine.example"
    assert [mail.to for mail in mailoutbox] == [["contact@sunshine.example"]]
    assert AuditEntry.objects.filter(action="outreach.activity.shared", object_id=str(activity.pk)).count() == 1
    public_page = client_for(None).get(reverse("outreach_public:activity", args=[activity.pk])).content.decode()
    assert "data-co-organisers>临江区阳光家庭服务中心<" in public_page


def test_activity_cannot_be_shared_with_another_hubs_social_organisation(world, caseworker):
    activity = f.make_activity(world)
    profile = f.make_social_org(world, hub=world.org_b)

    with pytest.raises(DomainError):
        services.share_activity(caseworker, activity, [profile.organization])

    assert list(activity.partners.all()) == []
    assert SocialOrganizationMessage.objects.count() == 0


def test_outsider_cannot_share_another_organisations_activity(world, outsider, client_for):
    activity = f.make_activity(world)
    profile = f.make_social_org(world)

    response = client_for(outsider).post(
        reverse("outreach:activity_share", args=[activity.pk]), {"social_organizations": [profile.organization.pk]}
    )

    assert response.status_code == 404
    assert ActivityShare.objects.count() == 0
