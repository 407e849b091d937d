"""A small, fixed world for tests: two organisations with branches, a joint office, a street
and a community, and one user per persona. Apps build their records on it."""

from dataclasses import dataclass

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuniu.core.models import Membership, Organization, OrganizationKind, Region, RegionLevel, User
from shuniu.core.permissions import Role

PASSWORD = "correct-horse-battery-9"


@dataclass
class World:
    district: Region
    street: Region
    community: Region
    other_community: Region
    org_a: Organization  # Women's Federation (district level)
    org_a_branch: Organization  # its street branch
    org_b: Organization  # trade union
    joint_office: Organization
    gov_department: Organization
    caseworker: User
    colleague: User
    supervisor: User
    outsider: User
    coordinator: User
    auditor: User
    org_admin: User

    @property
    def personas(self) -> dict[str, User | None]:
        return {
            "caseworker": self.caseworker,
            "colleague": self.colleague,
            "outsider": self.outsider,
            "coordinator": self.coordinator,
            "anonymous": None,
        }

    def sign_in(self, client: Client, user: User) -> None:
        """Sign in and mark the session as verified for two-factor, as after entering a code."""
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()


def make_user(username: str, organization: Organization, role: str, display_name: str = "") -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=display_name or username)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def build_world() -> World:
    district = Region.objects.create(code="330999", name="临江区", level=RegionLevel.DISTRICT)
    street = Region.objects.create(code="330999001", name="东湖街道", level=RegionLevel.STREET, parent=district)
    community = Region.objects.create(code="330999001001", name="和平社区", level=RegionLevel.COMMUNITY, parent=street)
    other_street = Region.objects.create(code="330999002", name="西城街道", level=RegionLevel.STREET, parent=district)
    other_community = Region.objects.create(
        code="330999002001", name="幸福社区", level=RegionLevel.COMMUNITY, parent=other_street
    )
    org_a = Organization.objects.create(
        code="womens-federation",
        name="临江区妇女联合会",
        short_name="区妇联",
        kind=OrganizationKind.WOMENS_FEDERATION,
        region=district,
    )
    org_a_branch = Organization.objects.create(
        code="womens-federation-s01",
        name="东湖街道妇联",
        kind=OrganizationKind.WOMENS_FEDERATION,
        region=street,
        parent=org_a,
    )
    org_b = Organization.objects.create(
        code="union", name="临江区总工会", short_name="区总工会", kind=OrganizationKind.UNION, region=district
    )
    joint_office = Organization.objects.create(
        code="joint-office",
        name="临江区群团工作联席会议办公室",
        short_name="联席办",
        kind=OrganizationKind.JOINT_OFFICE,
        region=district,
    )
    gov_department = Organization.objects.create(
        code="gov-hrss",
        name="临江区人力资源和社会保障局",
        short_name="区人社局",
        kind=OrganizationKind.GOV_DEPARTMENT,
        region=district,
    )
    return World(
        district=district,
        street=street,
        community=community,
        other_community=other_community,
        org_a=org_a,
        org_a_branch=org_a_branch,
        org_b=org_b,
        joint_office=joint_office,
        gov_department=gov_department,
        caseworker=make_user("caseworker", org_a, Role.CASEWORKER, "经办人 宋佳"),
        colleague=make_user("colleague", org_a, Role.CASEWORKER, "同事 许丽"),
        supervisor=make_user("supervisor", org_a, Role.SUPERVISOR, "部长 唐红"),
        outsider=make_user("outsider", org_b, Role.CASEWORKER, "工会 吴刚"),
        coordinator=make_user("coordinator", joint_office, Role.DISTRICT_COORDINATOR, "周协调"),
        auditor=make_user("auditor", joint_office, Role.AUDITOR, "李审"),
        org_admin=make_user("org_admin", org_a, Role.ORG_ADMIN, "罗慧"),
    )
