from shuniu.core import accounts
from shuniu.core.models import AuditEntry, Membership, User
from shuniu.core.permissions import Role
from shuniu.core.services import DomainError
from tests.world import make_user


def test_org_admin_creates_a_caseworker_in_own_organisation(world, client_for):
    client = client_for(world.org_admin)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "new_worker",
            "display_name": "新同事",
            "email": "",
            "organization": world.org_a_branch.pk,
            "role": Role.CASEWORKER,
        },
    )
    user = User.objects.get(username="new_worker")
    assert response["Location"] == f"/accounts/users/{user.pk}/"
    assert list(user.memberships.values_list("organization__code", "role")) == [("womens-federation-s01", "caseworker")]
    entry = AuditEntry.objects.get(action="core.account.created")
    assert entry.actor_label == "org_admin"
    assert entry.data == {"role": "caseworker", "organization": "womens-federation-s01"}


def test_org_admin_cannot_grant_privileged_roles_or_other_organisations(world):
    try:
        accounts.create_user(
            world.org_admin,
            username="x1",
            display_name="x",
            email="",
            organization=world.org_a,
            role=Role.DISTRICT_COORDINATOR,
        )
        raise AssertionError("granted a district role")
    except DomainError as error:
        assert "区联席办协调员" in error.message or "District coordinator" in error.message
    try:
        accounts.create_user(
            world.org_admin, username="x2", display_name="x", email="", organization=world.org_b, role=Role.CASEWORKER
        )
        raise AssertionError("managed another organisation")
    except DomainError:
        pass
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_nobody_changes_their_own_roles(world):
    try:
        accounts.grant_membership(world.org_admin, world.org_admin, world.org_a, Role.SUPERVISOR)
        raise AssertionError("changed own roles")
    except DomainError:
        pass
    assert Membership.objects.filter(user=world.org_admin).count() == 1


def test_deactivation_ends_the_users_sessions_at_once(world, client_for):
    sysadmin = make_user("sysadmin", world.joint_office, Role.SYSTEM_ADMIN)
    victim_client = client_for(world.caseworker)
    assert victim_client.get("/home/").status_code == 200
    admin_client = client_for(sysadmin)
    response = admin_client.post(f"/accounts/users/{world.caseworker.pk}/deactivate/")
    assert response.status_code == 302
    assert victim_client.get("/home/").status_code == 302  # sent back to sign-in
    assert AuditEntry.objects.filter(action="core.account.deactivated", object_id=str(world.caseworker.pk)).exists()


def test_only_security_admin_resets_two_factor(world, client_for):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    secadmin = make_user("secadmin", world.joint_office, Role.SECURITY_ADMIN)
    TOTPDevice.objects.create(user=world.coordinator, name="phone", confirmed=True)
    sysadmin = make_user("sysadmin", world.joint_office, Role.SYSTEM_ADMIN)
    try:
        accounts.reset_two_factor(sysadmin, world.coordinator)
        raise AssertionError("system admin reset 2FA")
    except DomainError:
        pass
    assert accounts.reset_two_factor(secadmin, world.coordinator) == 1
    assert not TOTPDevice.objects.filter(user=world.coordinator).exists()


def test_outsider_cannot_see_accounts_of_another_organisation(world, client_for):
    assert client_for(world.outsider).get("/accounts/users/").status_code == 403
    admin = make_user("union_admin", world.org_b, Role.ORG_ADMIN)
    assert client_for(admin).get(f"/accounts/users/{world.caseworker.pk}/").status_code == 404
