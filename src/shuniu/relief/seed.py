"""Demo data for relief: the real programmes of the six organisations with budgets, rules and
approval chains; applications in every state, made through the services; a paid batch; and a
child funded by both Spring Bud and the Hope Project, which the duplicate-aid report finds."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone, translation

from shuniu.core.models import Membership, User
from shuniu.core.permissions import Role
from shuniu.core.seeding import DEMO_PASSWORD, SeedContext
from shuniu.core.services import DomainError
from shuniu.people.models import Household, Person, PersonTag, Tag
from shuniu.relief import services
from shuniu.relief.models import Application, ApprovalStep, Budget, Decision, EligibilityRule, Programme

COMMUNITY, STREET, ORG = "community", "street", "organization"

PROGRAMMES = [
    {
        "code": "hope-project",
        "name": "希望工程",
        "org": "youth-league",
        "description": "资助家庭经济困难的中小学生完成学业，圆梦助学。",
        "purpose": "education",
        "funding_source": "donation",
        "benefit_type": "cash",
        "amount_mode": "fixed",
        "base_amount": "1500",
        "person_cap": "3000",
        "household_cap": "4500",
        "target_tags": ["student", "low_income"],
        "required_documents": "学籍证明\n家庭收入证明",
        "budget": "120000",
        "steps": [("社区初审", COMMUNITY), ("街道团工委审核", STREET), ("团区委审批", ORG)],
        "rules": [
            ("income_per_member", "lte", "1500", "家庭人均月收入不高于1500元"),
            ("student_enrolled", "is_true", "", "在校就读的学生"),
            ("age", "between", "6-18", "年龄在6至18周岁之间"),
        ],
    },
    {
        "code": "spring-bud",
        "name": "春蕾计划",
        "org": "womens-federation",
        "description": "帮助家庭困难的女童完成学业，关爱女童成长。",
        "purpose": "education",
        "funding_source": "donation",
        "benefit_type": "cash",
        "amount_mode": "fixed",
        "base_amount": "1200",
        "person_cap": "2400",
        "household_cap": "3600",
        "target_tags": ["student", "left_behind_child"],
        "required_documents": "学籍证明\n家庭收入证明",
        "budget": "96000",
        "steps": [("社区妇联初审", COMMUNITY), ("街道妇联审核", STREET), ("区妇联审批", ORG)],
        "rules": [
            ("income_per_member", "lte", "1500", "家庭人均月收入不高于1500元"),
            ("student_enrolled", "is_true", "", "在校就读的女童"),
            ("age", "between", "6-18", "年龄在6至18周岁之间"),
        ],
    },
    {
        "code": "golden-autumn",
        "name": "金秋助学",
        "org": "union",
        "description": "资助困难职工家庭的子女上大学（含高职），每年秋季开学前发放。",
        "purpose": "education",
        "funding_source": "membership_dues",
        "benefit_type": "cash",
        "amount_mode": "fixed",
        "base_amount": "3000",
        "person_cap": "5000",
        "household_cap": "6000",
        "target_tags": ["worker_in_hardship", "student"],
        "required_documents": "大学录取通知书或学籍证明\n困难职工证明",
        "budget": "150000",
        "steps": [("社区初审", COMMUNITY), ("街道工会审核", STREET), ("区总工会审批", ORG)],
        "rules": [
            ("income_per_member", "lte", "1500", "家庭人均月收入不高于1500元"),
            ("student_enrolled", "is_true", "", "已被大学（含高职）录取或在读"),
        ],
    },
    {
        "code": "special-education",
        "name": "特殊教育工程",
        "org": "disabled-federation",
        "description": "资助残疾儿童少年接受康复训练和特殊教育。",
        "purpose": "disability",
        "funding_source": "fiscal",
        "benefit_type": "service",
        "amount_mode": "fixed",
        "base_amount": "2000",
        "person_cap": "4000",
        "household_cap": None,
        "target_tags": ["disability"],
        "required_documents": "残疾人证\n学籍或康复机构证明",
        "budget": "80000",
        "steps": [("街道残联审核", STREET), ("区残联审批", ORG)],
        "rules": [
            ("disability_level", "lte", "4", "持有残疾人证（一至四级）"),
            ("age", "between", "3-18", "年龄在3至18周岁之间"),
        ],
    },
    {
        "code": "union-hardship",
        "name": "工会困难职工帮扶",
        "org": "union",
        "description": "对建档困难职工家庭给予生活救助，送温暖。",
        "purpose": "living",
        "funding_source": "membership_dues",
        "benefit_type": "cash",
        "amount_mode": "per_member",
        "base_amount": "800",
        "person_cap": "5000",
        "household_cap": "8000",
        "target_tags": ["worker_in_hardship"],
        "required_documents": "困难职工档案卡\n家庭收入证明",
        "budget": "200000",
        "steps": [("街道工会审核", STREET), ("区总工会审批", ORG)],
        "rules": [
            ("income_per_member", "lte", "1200", "家庭人均月收入不高于1200元"),
            ("has_tag", "is_true", "worker_in_hardship", "已建档的困难职工"),
        ],
    },
    {
        "code": "red-cross-relief",
        "name": "红十字人道救助",
        "org": "red-cross",
        "description": "对遭遇重大疾病、意外灾害的困难群众给予人道救助。",
        "purpose": "emergency",
        "funding_source": "donation",
        "benefit_type": "cash",
        "amount_mode": "assessed",
        "base_amount": "3000",
        "person_cap": "10000",
        "household_cap": "10000",
        "target_tags": ["in_difficulty"],
        "required_documents": "医疗费用票据或受灾证明",
        "budget": "100000",
        "steps": [("红十字会审核", ORG), ("红十字会会长审批", ORG)],
        "rules": [("income_per_member", "lte", "2000", "家庭人均月收入不高于2000元")],
    },
]

# Reviewers who decide the approval steps (an application's registering clerk never reviews it).
EXTRA_USERS = [
    ("youth_reviewer", "团区委 审核员 田禾", "youth-league"),
    ("youth_leader", "团区委 副书记 方正", "youth-league"),
    ("women_reviewer", "妇联 审核员 钟玲", "womens-federation"),
    ("union_reviewer", "工会 审核员 石磊", "union"),
    ("disabled_reviewer", "残联 审核员 季远", "disabled-federation"),
    ("redcross_reviewer", "红十字会 审核员 温和", "red-cross"),
]
REVIEWERS = {
    "youth-league": ["youth_reviewer", "youth_leader", "youth_admin"],
    "womens-federation": ["women_s01", "women_reviewer", "women_supervisor", "women_admin"],
    "union": ["union_s01", "union_reviewer", "union_supervisor", "union_admin"],
    "disabled-federation": ["disabled_reviewer", "disabled_admin"],
    "red-cross": ["redcross_reviewer", "redcross_admin"],
}
CLERKS = {
    "youth-league": "youth_caseworker",
    "womens-federation": "women_caseworker",
    "union": "union_caseworker",
    "disabled-federation": "disabled_caseworker",
    "red-cross": "redcross_caseworker",
}
PAYERS = {
    "youth-league": "youth_admin",
    "womens-federation": "women_supervisor",
    "union": "union_supervisor",
    "disabled-federation": "disabled_admin",
    "red-cross": "redcross_admin",
}


def _create_programmes(context: SeedContext) -> dict[str, Programme]:
    today = timezone.localdate()
    created = {}
    for spec in PROGRAMMES:
        programme = Programme.objects.create(
            code=spec["code"],
            name=spec["name"],
            organization=context.org(spec["org"]),
            description=spec["description"],
            purpose=spec["purpose"],
            funding_source=spec["funding_source"],
            benefit_type=spec["benefit_type"],
            amount_mode=spec["amount_mode"],
            base_amount=Decimal(spec["base_amount"]),
            person_cap=Decimal(spec["person_cap"]),
            household_cap=Decimal(spec["household_cap"]) if spec["household_cap"] else None,
            opens_on=date(today.year, 1, 1),
            closes_on=date(today.year, 12, 31),
            target_tags=spec["target_tags"],
            required_documents=spec["required_documents"],
            notice_days=7,
        )
        for position, (name, level) in enumerate(spec["steps"], start=1):
            ApprovalStep.objects.create(programme=programme, position=position, name=name, level=level)
        for position, (field, operator, value, explanation) in enumerate(spec["rules"], start=1):
            EligibilityRule.objects.create(
                programme=programme,
                position=position,
                field=field,
                operator=operator,
                value=value,
                explanation=explanation,
            )
        Budget.objects.create(
            programme=programme,
            year=today.year,
            amount=Decimal(spec["budget"]),
            funding_source=spec["funding_source"],
        )
        created[spec["code"]] = programme
    return created


def _people(context: SeedContext, low: int, high: int, count: int, gender: str | None = None) -> list[Person]:
    today = timezone.localdate()
    queryset = Person.objects.filter(
        birth_date__gt=today - timedelta(days=365 * high), birth_date__lte=today - timedelta(days=365 * low)
    ).select_related("community")
    if gender:
        queryset = queryset.filter(gender=gender)
    return list(queryset.order_by("id")[:count])


def _apply(context, programme, person, clerk, *, income="2400", size=3, school="", level=None, amount=None):
    data = services.ApplicationInput(
        household_size=size,
        monthly_income=Decimal(income),
        reason=context.random.choice(
            [
                "父亲因病长期卧床，家庭主要靠母亲打零工维持。",
                "单亲家庭，母亲下岗，收入微薄。",
                "家中遭遇意外，医疗费用负担沉重。",
                "父母务工收入不稳定，家中还有老人需要赡养。",
            ]
        ),
        student_enrolled=bool(school),
        school=school,
        disability_level=level,
        amount=Decimal(amount) if amount else None,
        contact_phone=person.phone,
    )
    return services.create_application(
        programme=programme, person=person, data=data, actor=clerk, community=person.community
    )


def _approve_through(context, application, organization_code: str, last_step: int | None = None):
    """Approve step by step with reviewers who may decide each step (maker-checker respected)."""
    users = [context.user(name) for name in REVIEWERS[organization_code]]
    steps = list(application.programme.steps.all())
    for step in steps:
        if last_step is not None and step.position > last_step:
            break
        application.refresh_from_db()
        reviewer = next(user for user in users if services.refusal_to_decide(application, user) is None)
        services.decide(
            application,
            step_position=step.position,
            decision=Decision.APPROVE,
            comment="" if application.is_eligible else "经入户核实，情况属实，特殊情况予以通过",
            actor=reviewer,
        )
    application.refresh_from_db()
    return application


def _tag(person, tag, organization):
    PersonTag.objects.get_or_create(person=person, tag=tag, defaults={"organization": organization})


def _create_reviewers(context: SeedContext) -> None:
    for username, display_name, organization in EXTRA_USERS:
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, display_name=display_name, email=f"{username}@shuniu.example"
        )
        Membership.objects.create(user=user, organization=context.org(organization), role=Role.SUPERVISOR)
        context.logins.append((username, display_name, Role.SUPERVISOR.label))


def seed(context: SeedContext) -> None:
    # Notice titles and notifications written now are read by Chinese users.
    with translation.override("zh-hans"):
        _seed(context)


def _seed(context: SeedContext) -> None:
    _create_reviewers(context)
    programmes = _create_programmes(context)
    now = timezone.now()
    long_ago = now - timedelta(days=10)
    children = _people(context, 7, 17, 60)
    girls = [p for p in children if p.gender == "female"]
    boys = [p for p in children if p.gender != "female"]
    young_adults = _people(context, 18, 22, 20)
    adults = _people(context, 30, 55, 40)
    clerk = {code: context.user(name) for code, name in CLERKS.items()}
    payer = {code: context.user(name) for code, name in PAYERS.items()}

    # The child funded by both Spring Bud and the Hope Project (the duplicate-aid report's example),
    # living in a registered household with a sibling.
    child = girls[0]
    household = Household.objects.create(
        name=f"{child.name[0]}家户", community=child.community, members_count=4, monthly_income=Decimal("2600")
    )
    Person.objects.filter(pk__in=[child.pk, girls[1].pk]).update(household=household)
    child.refresh_from_db()
    for tag in (Tag.STUDENT, Tag.LEFT_BEHIND_CHILD, Tag.IN_DIFFICULTY):
        _tag(child, tag, context.org("womens-federation"))

    paid = {"spring-bud": [], "hope-project": []}
    spring = _apply(
        context,
        programmes["spring-bud"],
        child,
        clerk["womens-federation"],
        income="2600",
        size=4,
        school="临江区实验小学",
    )
    paid["spring-bud"].append(_approve_through(context, spring, "womens-federation"))
    hope = _apply(
        context,
        programmes["hope-project"],
        child,
        clerk["youth-league"],
        income="2600",
        size=4,
        school="临江区实验小学",
    )
    paid["hope-project"].append(_approve_through(context, hope, "youth-league"))
    for index, girl in enumerate(girls[2:6]):
        application = _apply(
            context,
            programmes["spring-bud"],
            girl,
            clerk["womens-federation"],
            income="3000",
            size=3,
            school=f"临江区第{index + 1}小学",
        )
        paid["spring-bud"].append(_approve_through(context, application, "womens-federation"))
    for index, boy in enumerate(boys[:4]):
        application = _apply(
            context,
            programmes["hope-project"],
            boy,
            clerk["youth-league"],
            income="2800",
            size=4,
            school=f"临江区第{index + 2}中学",
        )
        paid["hope-project"].append(_approve_through(context, application, "youth-league"))
    for code, applications in paid.items():
        organization = programmes[code].organization.code
        services.publish_notice(programmes[code], applications, actor=clerk[organization], now=long_ago)
        batch = services.create_batch(
            programmes[code], applications, actor=clerk[organization], idempotency_key=f"demo-{code}", now=now
        )
        services.pay_batch(batch, actor=payer[organization], now=now)

    # Golden Autumn: one application at each stage of the chain, one in notice, one returned.
    golden = programmes["golden-autumn"]
    stages = [None, 1, 2, 3, "notice", "returned", "rejected"]
    for person, stage in zip(young_adults, stages, strict=False):
        _tag(person, Tag.STUDENT, context.org("union"))
        application = _apply(context, golden, person, clerk["union"], income="3600", size=3, school="浙江工业大学")
        if stage is None:
            continue
        if stage in (1, 2):
            _approve_through(context, application, "union", last_step=stage)
        elif stage in (3, "notice"):
            _approve_through(context, application, "union")
            if stage == "notice":
                services.publish_notice(golden, [application], actor=clerk["union"])
        else:
            reviewer = next(
                user
                for user in (context.user(name) for name in REVIEWERS["union"])
                if services.refusal_to_decide(application, user) is None
            )
            services.decide(
                application,
                step_position=1,
                decision=Decision.RETURN if stage == "returned" else Decision.REJECT,
                comment="请补充大学录取通知书" if stage == "returned" else "家庭收入超过标准",
                actor=reviewer,
            )

    # Union hardship aid, special education and Red Cross relief: a few in review, one with an objection.
    hardship = programmes["union-hardship"]
    for person in adults[:5]:
        _tag(person, Tag.WORKER_IN_HARDSHIP, context.org("union"))
        _apply(context, hardship, person, clerk["union"], income="2000", size=3)
    special = programmes["special-education"]
    for person in children[30:33]:
        _tag(person, Tag.DISABILITY, context.org("disabled-federation"))
        _apply(context, special, person, clerk["disabled-federation"], income="3000", size=3, level=2)
    relief = programmes["red-cross-relief"]
    objected = None
    for index, person in enumerate(adults[10:13]):
        _tag(person, Tag.IN_DIFFICULTY, context.org("red-cross"))
        application = _apply(
            context, relief, person, clerk["red-cross"], income="3000", size=2, amount=str(5000 + index * 1000)
        )
        if index == 0:
            objected = _approve_through(context, application, "red-cross")
    if objected is not None:
        services.publish_notice(relief, [objected], actor=clerk["red-cross"])
        try:
            services.file_objection(objected, text="据了解该户在城区另有商铺出租，收入情况与申报不符，请核实。")
        except DomainError:
            pass

    # People in difficulty nobody has helped yet: the coverage-gap report lists them.
    for person in adults[20:40]:
        _tag(person, Tag.IN_DIFFICULTY, None)
    context.say(
        f"    {len(programmes)} programmes, {Application.objects.count()} applications in every state, "
        f"{sum(len(v) for v in paid.values())} paid"
    )
