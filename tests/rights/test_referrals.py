import pytest
from django.db import connection

from shuniu.core.models import Notification
from shuniu.core.permissions import Role
from shuniu.core.services import DomainError
from shuniu.rights import services
from shuniu.rights.models import CaseParticipant, Referral, RightsCase, Status
from tests.concurrency import race
from tests.rights.helpers import legal_aid_org, make_case
from tests.world import make_user


def test_transfer_referral_makes_receiver_the_lead_and_keeps_deadlines(world, django_capture_on_commit_callbacks):
    aid = legal_aid_org(world)
    lawyer = make_user("lawyer", aid, Role.CASEWORKER)
    case = make_case(world)
    services.accept_case(case, world.caseworker)
    due = case.resolution_due

    with django_capture_on_commit_callbacks(execute=True):
        referral = services.refer_case(case, world.caseworker, to_org=aid, reason="需要法律援助", consent=True)
    assert Notification.objects.filter(recipient=lawyer).count() == 1
    assert RightsCase.objects.visible_to(lawyer).filter(pk=case.pk).exists()

    services.accept_referral(referral, lawyer, "同意承办")
    case.refresh_from_db()
    assert case.lead_org == aid
    assert case.status == Status.ACCEPTED
    assert case.resolution_due == due
    assert CaseParticipant.objects.get(case=case, organization=world.org_a).role == "former_handler"
    # The sender still sees the case and its status.
    assert RightsCase.objects.visible_to(world.caseworker).filter(pk=case.pk).exists()


def test_referral_without_consent_is_refused(world):
    case = make_case(world)
    with pytest.raises(DomainError):
        services.refer_case(case, world.caseworker, to_org=world.org_b, reason="转工会", consent=False)
    assert Referral.objects.count() == 0
    assert not CaseParticipant.objects.filter(case=case, organization=world.org_b).exists()


def test_declined_referral_stays_with_sender_and_hides_sensitive_details(world):
    case = make_case(world, "domestic_violence")
    referral = services.refer_case(case, world.caseworker, to_org=world.org_b, reason="协助", consent=True)
    case.refresh_from_db()
    assert case.details_visible_to(world.outsider) is True
    services.decline_referral(referral, world.outsider, "不属于工会职责")
    case.refresh_from_db()
    assert case.lead_org == world.org_a
    assert case.details_visible_to(world.outsider) is False
    assert case.details_visible_to(world.coordinator) is False
    assert case.details_visible_to(world.caseworker) is True


def test_second_answer_to_a_referral_loses_and_changes_nothing(world):
    """The deterministic half of the race: the compare-and-set lets only the first answer through."""
    case = make_case(world)
    referral = services.refer_case(case, world.caseworker, to_org=world.org_b, reason="转工会", consent=True)
    colleague_b = make_user("union2", world.org_b, Role.CASEWORKER)
    stale = Referral.objects.get(pk=referral.pk)

    services.accept_referral(referral, world.outsider, "我们接")
    with pytest.raises(DomainError) as error:
        services.decline_referral(stale, colleague_b, "不接")
    assert error.value.code == "conflict"
    stale.refresh_from_db()
    assert stale.status == "accepted"
    assert stale.responded_by == world.outsider
    case.refresh_from_db()
    assert case.lead_org == world.org_b


def test_joint_referral_adds_a_co_handler(world):
    case = make_case(world)
    referral = services.refer_case(
        case, world.caseworker, to_org=world.org_b, reason="联合办理", consent=True, mode="joint"
    )
    services.accept_referral(referral, world.outsider)
    case.refresh_from_db()
    assert case.lead_org == world.org_a
    assert CaseParticipant.objects.get(case=case, organization=world.org_b).role == "co_handler"
    assert case.handled_by(world.outsider) is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_exactly_one_wins():
    from tests.world import build_world

    world = build_world()
    case = make_case(world)
    referral = services.refer_case(case, world.caseworker, to_org=world.org_b, reason="转工会", consent=True)
    users = [world.outsider, make_user("union2", world.org_b, Role.CASEWORKER)]

    outcomes = race(
        [lambda user=user: services.accept_referral(Referral.objects.get(pk=referral.pk), user) for user in users]
    )

    results = ["lost" if isinstance(outcome, DomainError) else "won" for outcome in outcomes]
    assert sorted(results) == ["lost", "won"]
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
