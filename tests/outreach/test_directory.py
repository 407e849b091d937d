"""Social organisations with valid credit codes, versioned procedures and their hint."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from shuniu.core.models import Organization
from shuniu.core.services import DomainError
from shuniu.outreach.models import ProcedureVersion, SocialOrganizationProfile
from shuniu.outreach.services import directory as services
from tests.outreach import factories as f


def register(world, actor, credit_code):
    return services.save_social_organization(
        actor,
        hub=world.org_a,
        name="临江区阳光家庭服务中心",
        credit_code=credit_code,
        profile=SocialOrganizationProfile(field="family"),
    )


def test_social_organisation_is_registered_under_its_hub(world, caseworker):
    profile = register(world, caseworker, "91350100m000100y43")

    organization = profile.organization
    assert (organization.kind, organization.hub, organization.credit_code) == (
        "social_org",
        world.org_a,
        f.VALID_CREDIT_CODE,
    )
    assert list(SocialOrganizationProfile.objects.visible_to(caseworker)) == [profile]


def test_wrong_check_character_is_refused_and_nothing_is_created(world, caseworker):
    before = Organization.objects.count()

    with pytest.raises(DomainError) as refused:
        register(world, caseworker, "91350100M000100Y44")

    assert "3" in refused.value.message  # names the expected check character
    assert Organization.objects.count() == before


def test_same_credit_code_twice_is_refused(world, caseworker):
    register(world, caseworker, f.VALID_CREDIT_CODE)

    with pytest.raises(DomainError):
        register(world, caseworker, f.VALID_CREDIT_CODE)
    assert SocialOrganizationProfile.objects.count() == 1


def test_outsider_cannot_register_under_another_hub(world, outsider):
    with pytest.raises(DomainError):
        register(world, outsider, f.VALID_CREDIT_CODE)
    assert SocialOrganizationProfile.objects.count() == 0


def test_new_procedure_version_gets_the_next_number_and_the_hint_shows_the_one_in_force(world):
    procedure = f.make_procedure(world)
    next_month = timezone.localdate() + timedelta(days=30)
    future = ProcedureVersion(summary="明年起2个工作日内答复。", body="……", effective_from=next_month)
    services.add_procedure_version(world.org_admin, procedure, future, [{"actor": "接收单位", "action": "答复"}])

    assert future.number == 2
    html = Template('{% include "outreach/_procedure_hint.html" with procedure_code="rights.referral" %}').render(
        Context({})
    )
    assert "接收转介后3个工作日内答复是否接收。" in html  # version 1 is still the one in force
    assert "明年起" not in html
    assert (
        Template('{% include "outreach/_procedure_hint.html" with procedure_code="nothing.here" %}')
        .render(Context({}))
        .strip()
        == ""
    )


def test_procedure_needs_a_step(world, coordinator):
    procedure = f.make_procedure(world)

    with pytest.raises(DomainError):
        services.add_procedure_version(
            coordinator, procedure, ProcedureVersion(summary="x", body="x", effective_from=timezone.localdate()), []
        )
    assert procedure.versions.count() == 1
