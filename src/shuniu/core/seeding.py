"""Demo data: a fictional district (临江区) with its streets, communities, the six mass
organisations and their branches, government departments, the joint office and staff users.

Every app may add a `seed.py` with `seed(context: SeedContext)`; `shuniu seed-demo` calls them in
INSTALLED_APPS order inside one transaction, so a failure leaves the database as it was.
"""

import random as random_module
from dataclasses import dataclass, field

from django.db import transaction
from faker import Faker

from shuniu.core.models import Membership, Organization, OrganizationKind, Region, RegionLevel, User
from shuniu.core.permissions import Role

DEMO_PASSWORD = "Shuniu#2026demo"  # noqa: S105 - printed on purpose for the demo logins
DISTRICT_CODE = "330999"

STREETS = ["东湖街道", "西城街道", "南山街道", "北苑街道", "江滨街道", "新桥街道", "柳湾街道", "金沙街道"]
COMMUNITY_WORDS = [
    ["和平", "幸福", "阳光", "翠园", "锦绣", "春晖", "朝阳", "康乐"],
    ["东苑", "西苑", "花园", "新村", "里", "湾", "坊", "家园"],
]

MASS_ORGS = [
    ("union", OrganizationKind.UNION, "临江区总工会", "区总工会", "工会"),
    ("youth-league", OrganizationKind.YOUTH_LEAGUE, "共青团临江区委员会", "团区委", "团工委"),
    ("womens-federation", OrganizationKind.WOMENS_FEDERATION, "临江区妇女联合会", "区妇联", "妇联"),
    ("science-association", OrganizationKind.SCIENCE_ASSOCIATION, "临江区科学技术协会", "区科协", "科协"),
    ("disabled-federation", OrganizationKind.DISABLED_FEDERATION, "临江区残疾人联合会", "区残联", "残联"),
    ("red-cross", OrganizationKind.RED_CROSS, "临江区红十字会", "区红十字会", "红十字会"),
]
# Which mass organisations have a branch in every street.
STREET_BRANCHES = {"union", "youth-league", "womens-federation", "disabled-federation"}

GOV_DEPARTMENTS = [
    ("gov-hrss", "临江区人力资源和社会保障局", "区人社局"),
    ("gov-hrss-inspection", "临江区劳动保障监察大队", "劳动监察大队"),
    ("gov-civil-affairs", "临江区民政局", "区民政局"),
    ("gov-justice", "临江区司法局", "区司法局"),
    ("gov-education", "临江区教育局", "区教育局"),
    ("gov-health", "临江区卫生健康委员会", "区卫健委"),
    ("gov-police", "临江区公安分局", "区公安分局"),
]

SOCIAL_ORGS = [
    ("social-lawyers", "临江区职工法律服务社", "union"),
    ("social-youth-volunteers", "临江区青年志愿者协会", "youth-league"),
    ("social-family-service", "临江区阳光家庭服务中心", "womens-federation"),
    ("social-science-popular", "临江区科普志愿服务队", "science-association"),
    ("social-sign-language", "临江区手语服务协会", "disabled-federation"),
    ("social-first-aid", "临江区应急救护志愿者协会", "red-cross"),
]


@dataclass
class DemoUser:
    username: str
    display_name: str
    organization: str
    role: str


DEMO_USERS = [
    DemoUser("coordinator", "周协调", "joint-office", Role.DISTRICT_COORDINATOR),
    DemoUser("auditor", "审计员 李审", "joint-office", Role.AUDITOR),
    DemoUser("sysadmin", "系统管理员 王维", "joint-office", Role.SYSTEM_ADMIN),
    DemoUser("secadmin", "安全管理员 赵安", "joint-office", Role.SECURITY_ADMIN),
    DemoUser("office_caseworker", "联席办 陈办", "joint-office", Role.CASEWORKER),
    DemoUser("union_admin", "工会 管理员 孙强", "union", Role.ORG_ADMIN),
    DemoUser("union_hotline", "12351 接线员 刘芳", "union", Role.HOTLINE_OPERATOR),
    DemoUser("union_caseworker", "工会 经办人 吴刚", "union", Role.CASEWORKER),
    DemoUser("union_supervisor", "工会 科长 郑伟", "union", Role.SUPERVISOR),
    DemoUser("union_legal_aid", "工会法援 律师 冯律", "union-legal-aid", Role.CASEWORKER),
    DemoUser("union_s01", "东湖街道工会 何敏", "union-s01", Role.CASEWORKER),
    DemoUser("youth_admin", "团区委 管理员 马骏", "youth-league", Role.ORG_ADMIN),
    DemoUser("youth_hotline", "12355 接线员 林青", "youth-league", Role.HOTLINE_OPERATOR),
    DemoUser("youth_caseworker", "团区委 经办人 高远", "youth-league", Role.CASEWORKER),
    DemoUser("women_admin", "妇联 管理员 罗慧", "womens-federation", Role.ORG_ADMIN),
    DemoUser("women_hotline", "12338 接线员 梁静", "womens-federation", Role.HOTLINE_OPERATOR),
    DemoUser("women_caseworker", "妇联 经办人 宋佳", "womens-federation", Role.CASEWORKER),
    DemoUser("women_supervisor", "妇联 部长 唐红", "womens-federation", Role.SUPERVISOR),
    DemoUser("women_s01", "东湖街道妇联 许丽", "womens-federation-s01", Role.CASEWORKER),
    DemoUser("science_caseworker", "科协 经办人 韩哲", "science-association", Role.CASEWORKER),
    DemoUser("science_admin", "科协 管理员 曹博", "science-association", Role.ORG_ADMIN),
    DemoUser("disabled_caseworker", "残联 经办人 邓宁", "disabled-federation", Role.CASEWORKER),
    DemoUser("disabled_admin", "残联 管理员 彭安", "disabled-federation", Role.ORG_ADMIN),
    DemoUser("redcross_caseworker", "红十字会 经办人 曾善", "red-cross", Role.CASEWORKER),
    DemoUser("redcross_admin", "红十字会 管理员 蒋仁", "red-cross", Role.ORG_ADMIN),
    DemoUser("hrss_officer", "人社局 监察员 蔡正", "gov-hrss-inspection", Role.CASEWORKER),
    DemoUser("civil_officer", "民政局 科员 袁民", "gov-civil-affairs", Role.CASEWORKER),
    DemoUser("justice_officer", "司法局 科员 潘法", "gov-justice", Role.CASEWORKER),
]


@dataclass
class SeedContext:
    """What the seed functions share: a fixed random source, Faker, and lookups of what exists."""

    stdout: object
    seed: int = 20261127
    scale: float = 1.0
    random: random_module.Random = field(init=False)
    faker: Faker = field(init=False)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def __post_init__(self):
        self.random = random_module.Random(self.seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(self.seed)

    def org(self, code: str) -> Organization:
        return Organization.objects.get(code=code)

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def streets(self) -> list[Region]:
        return list(Region.objects.filter(level=RegionLevel.STREET).order_by("code"))

    def communities(self) -> list[Region]:
        return list(Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("code"))

    def say(self, text: str) -> None:
        self.stdout.write(text)


def seed_core(context: SeedContext) -> None:
    district = Region.objects.create(code=DISTRICT_CODE, name="临江区", level=RegionLevel.DISTRICT)
    streets = []
    for index, name in enumerate(STREETS, start=1):
        street = Region.objects.create(
            code=f"{DISTRICT_CODE}{index:03d}", name=name, level=RegionLevel.STREET, parent=district
        )
        streets.append(street)
        for number in range(1, 9):
            word = COMMUNITY_WORDS[0][(index + number) % 8] + COMMUNITY_WORDS[1][number - 1]
            Region.objects.create(
                code=f"{street.code}{number:03d}", name=f"{word}社区", level=RegionLevel.COMMUNITY, parent=street
            )
    Organization.objects.create(
        code="joint-office",
        name="临江区群团工作联席会议办公室",
        short_name="联席办",
        kind=OrganizationKind.JOINT_OFFICE,
        region=district,
        phone="0571-86000000",
    )
    for code, kind, name, short, branch_word in MASS_ORGS:
        head = Organization.objects.create(code=code, name=name, short_name=short, kind=kind, region=district)
        if code in STREET_BRANCHES:
            for index, street in enumerate(streets, start=1):
                Organization.objects.create(
                    code=f"{code}-s{index:02d}",
                    name=f"{street.name}{branch_word}",
                    short_name=f"{street.name[:2]}{branch_word}",
                    kind=kind,
                    region=street,
                    parent=head,
                )
    union = Organization.objects.get(code="union")
    Organization.objects.create(
        code="union-legal-aid",
        name="临江区总工会职工法律援助中心",
        short_name="工会法援中心",
        kind=OrganizationKind.UNION,
        region=district,
        parent=union,
    )
    for code, name, short in GOV_DEPARTMENTS:
        parent = Organization.objects.get(code="gov-hrss") if code == "gov-hrss-inspection" else None
        Organization.objects.create(
            code=code, name=name, short_name=short, kind=OrganizationKind.GOV_DEPARTMENT, region=district, parent=parent
        )
    for code, name, hub in SOCIAL_ORGS:
        Organization.objects.create(
            code=code,
            name=name,
            kind=OrganizationKind.SOCIAL_ORG,
            region=district,
            hub=Organization.objects.get(code=hub),
        )
    for demo in DEMO_USERS:
        user = User.objects.create_user(
            username=demo.username,
            password=DEMO_PASSWORD,
            display_name=demo.display_name,
            email=f"{demo.username}@shuniu.example",
        )
        Membership.objects.create(
            user=user, organization=Organization.objects.get(code=demo.organization), role=demo.role
        )
        context.logins.append((demo.username, demo.display_name, Role(demo.role).label))


@transaction.atomic
def seed_all(context: SeedContext) -> None:
    from django.contrib.auth import base_user

    from shuniu.core.hooks import app_modules

    # Demo accounts share one password; argon2 is slow on purpose, so hash it once for all of them.
    original = base_user.make_password
    demo_hash = original(DEMO_PASSWORD)

    def make_password(password, *args, **kwargs):
        return (
            demo_hash if password == DEMO_PASSWORD and not args and not kwargs else original(password, *args, **kwargs)
        )

    base_user.make_password = make_password
    try:
        seed_core(context)
        for module in app_modules("seed"):
            context.say(f"  seeding {module.__name__.rsplit('.', 2)[-2]}…")
            module.seed(context)
    finally:
        base_user.make_password = original


def is_seeded() -> bool:
    return Organization.objects.filter(code="joint-office").exists()
