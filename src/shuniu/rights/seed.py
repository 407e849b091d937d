"""Demo data for the rights network: routing rules, a legal-aid pool, enterprises with collective
contracts, and a few hundred cases across every state (some overdue, some referred). Built with
bulk inserts so that it stays fast."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from shuniu.core.models import Organization
from shuniu.core.seeding import SeedContext
from shuniu.core.validators import USCC_ALPHABET, credit_code_check_character
from shuniu.core.workdays import deadline_after
from shuniu.people.models import Person, Serving
from shuniu.rights.models import (
    CaseCategory,
    CaseEvent,
    CaseParticipant,
    CollectiveContract,
    Enterprise,
    FollowUp,
    LegalAidProvider,
    Referral,
    RightsCase,
    RoutingRule,
    Status,
)
from shuniu.rights.services.intake import new_tracking_code

CASES = 320
RULES = [
    ("wage_arrears", "union", "gov-hrss-inspection"),
    ("labour_contract", "union", None),
    ("work_injury", "union", "gov-hrss"),
    ("social_insurance", "union", "gov-hrss"),
    ("workplace_discrimination", "womens-federation", None),
    ("domestic_violence", "womens-federation", "gov-police"),
    ("marriage_family", "womens-federation", None),
    ("minors_protection", "youth-league", "gov-education"),
    ("disability_rights", "disabled-federation", "gov-civil-affairs"),
]
SUBJECTS = {
    "wage_arrears": ["工地拖欠农民工工资", "餐馆拖欠三个月工资", "公司倒闭未结清工资"],
    "labour_contract": ["未签订书面劳动合同", "被违法解除劳动合同", "试用期被无故辞退"],
    "work_injury": ["工伤认定申请受阻", "工伤赔偿未落实"],
    "social_insurance": ["单位未缴纳社会保险", "社保断缴影响医保报销"],
    "workplace_discrimination": ["孕期被调岗降薪", "招聘中遭遇性别歧视"],
    "domestic_violence": ["遭受配偶殴打求助", "家庭暴力申请人身安全保护令"],
    "marriage_family": ["离婚财产分割咨询", "抚养费长期未支付"],
    "minors_protection": ["未成年人遭校园欺凌", "留守儿童监护缺失"],
    "disability_rights": ["残疾人就业岗位被拒", "无障碍设施缺失投诉"],
    "other": ["邻里纠纷调解求助", "物业服务纠纷"],
}
STATUS_MIX = [
    (Status.RECEIVED, 40),
    (Status.ACCEPTED, 30),
    (Status.ASSIGNED, 30),
    (Status.IN_PROGRESS, 70),
    (Status.RESOLVED, 30),
    (Status.FOLLOWED_UP, 20),
    (Status.CLOSED, 70),
    (Status.DECLINED, 8),
    (Status.WITHDRAWN, 12),
    (Status.REOPENED, 10),
]


def _credit_code(rng) -> str:
    body = "91330100" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + credit_code_check_character(body)


def seed(context: SeedContext) -> None:
    rng = context.random
    orgs = {org.code: org for org in Organization.objects.all()}
    categories = {category.code: category for category in CaseCategory.objects.all()}
    rules = [
        RoutingRule(
            category=categories[code], organization=orgs[org], notify_department=orgs.get(dept) if dept else None
        )
        for code, org, dept in RULES
    ]
    streets = context.streets()
    # Street branches take domestic-violence cases of their own street first.
    for index, street in enumerate(streets[:4], start=1):
        rules.append(
            RoutingRule(
                category=categories["domestic_violence"],
                region=street,
                organization=orgs[f"womens-federation-s{index:02d}"],
                notify_department=orgs["gov-police"],
            )
        )
    RoutingRule.objects.bulk_create(rules)

    providers = LegalAidProvider.objects.bulk_create(
        [
            LegalAidProvider(organization=orgs["union-legal-aid"], name=name, kind=kind, firm=firm, specialties=spec)
            for name, kind, firm, spec in [
                ("冯律", "lawyer", "浙江临江律师事务所", "劳动争议、工伤"),
                ("蒋明", "lawyer", "浙江正和律师事务所", "欠薪、集体劳动争议"),
                ("顾清", "volunteer", "临江区职工法律服务社", "劳动合同"),
                ("韩宁", "mediator", "区劳动争议调解中心", "调解"),
            ]
        ]
        + [
            LegalAidProvider(organization=orgs["womens-federation"], name=name, kind=kind, firm=firm, specialties=spec)
            for name, kind, firm, spec in [
                ("沈慧", "lawyer", "浙江巾帼律师事务所", "婚姻家庭、反家暴"),
                ("杨柳", "volunteer", "临江区阳光家庭服务中心", "心理疏导"),
            ]
        ]
    )

    today = timezone.localdate()
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"临江{word}{suffix}",
                credit_code=_credit_code(rng),
                street=rng.choice(streets),
                employees=(employees := rng.randint(20, 800)),
                women_employees=rng.randint(0, employees // 2),
                has_union=rng.random() < 0.7,
                registered_by=orgs["union"],
            )
            for word, suffix in zip(
                ["精密", "纺织", "食品", "物流", "电子", "建工", "服饰", "餐饮", "汽配", "印务"] * 3,
                ["机械有限公司", "有限公司", "科技有限公司", "股份有限公司", "集团有限公司", "实业有限公司"] * 5,
                strict=False,
            )
        ]
    )
    contracts = []
    for index, enterprise in enumerate(enterprises[:22]):
        # A spread of terms: in force, expiring within 90 days, expired.
        ends = today + timedelta(days=[400, 60, 30, -20, 700, 85][index % 6])
        starts = ends - timedelta(days=3 * 365)
        for kind in ["general", "wage", "women_workers"][: 1 + index % 3]:
            contracts.append(
                CollectiveContract(
                    enterprise=enterprise,
                    kind=kind,
                    signed_on=starts - timedelta(days=10),
                    starts_on=starts,
                    ends_on=ends,
                    employees_covered=max(1, enterprise.employees - rng.randint(0, 10)),
                    organization=orgs["union"],
                )
            )
    CollectiveContract.objects.bulk_create(contracts)

    people = list(Person.objects.order_by("id")[: CASES * 2])
    if not people:
        return
    caseworkers = {
        "union": context.user("union_caseworker"),
        "womens-federation": context.user("women_caseworker"),
        "youth-league": context.user("youth_caseworker"),
        "disabled-federation": context.user("disabled_caseworker"),
        "union-legal-aid": context.user("union_legal_aid"),
    }
    statuses = [status for status, weight in STATUS_MIX for _ in range(weight)]
    category_codes = [code for code, _org, _dept in RULES] + ["other"]
    rule_for = {code: (orgs[org], orgs.get(dept) if dept else None) for code, org, dept in RULES}
    now = timezone.now()
    due_cache: dict[tuple[date, int], object] = {}

    def due(moment, days):
        key = (timezone.localtime(moment).date(), days)
        if key not in due_cache:
            due_cache[key] = deadline_after(moment, days)
        return due_cache[key]

    cases = []
    for index in range(int(CASES * context.scale)):
        code = category_codes[index % len(category_codes)]
        category = categories[code]
        status = statuses[index % len(statuses)]
        lead, department = rule_for.get(code, (orgs["joint-office"], None))
        if status == Status.DECLINED or code == "other":
            lead = orgs["joint-office"]
        person = people[index % len(people)]
        received = now - timedelta(days=rng.randint(0, 110), hours=rng.randint(0, 9))
        if status == Status.RECEIVED and index % 3:
            received = now - timedelta(hours=rng.randint(1, 20))
        resolution_days = rng.choice([15, 15, 15, 30, 60])
        complexity = {15: "ordinary", 30: "difficult", 60: "very_complex"}[resolution_days]
        finished = status in (Status.RESOLVED, Status.FOLLOWED_UP, Status.CLOSED)
        resolved_at = received + timedelta(days=rng.randint(3, 20)) if finished else None
        if resolved_at and resolved_at > now:
            resolved_at = now - timedelta(hours=1)
        outcome = rng.choice(["mediated", "legal_aid", "arbitration", "litigation_support"]) if finished else ""
        money = (
            Decimal(rng.randint(0, 60000)) + Decimal(rng.choice(["0.00", "0.50"]))
            if finished and code in ("wage_arrears", "labour_contract", "work_injury", "social_insurance")
            else Decimal("0")
        )
        phone = f"13{rng.randint(100000000, 999999999)}"
        cases.append(
            RightsCase(
                tracking_code=new_tracking_code(),
                channel=rng.choice(
                    ["hotline_12351", "hotline_12338", "hotline_12355", "walk_in", "rights_post", "web", "letter"]
                ),
                category=category,
                complexity=complexity,
                is_sensitive=category.is_sensitive,
                status=status,
                person=person,
                requester_name=person.name,
                contact_phone=phone,
                community=person.community,
                street=person.community.parent if person.community else None,
                subject=rng.choice(SUBJECTS[code]),
                description=rng.choice(SUBJECTS[code]) + "。" + context.faker.sentence(nb_words=20),
                enterprise=rng.choice(enterprises)
                if code in ("wage_arrears", "labour_contract", "work_injury")
                else None,
                amount_claimed=Decimal(rng.randint(2000, 80000)) if code == "wage_arrears" else None,
                lead_org=lead,
                assignee=caseworkers.get(lead.code)
                if status not in (Status.RECEIVED, Status.ACCEPTED, Status.DECLINED)
                else None,
                notify_department=department,
                legal_aid_provider=providers[0] if outcome == "legal_aid" and lead.code == "union" else None,
                consent_processing=True,
                consent_referral=True,
                received_at=received,
                accepted_at=received + timedelta(hours=5) if status != Status.RECEIVED else None,
                resolved_at=resolved_at,
                closed_at=resolved_at + timedelta(days=5) if status == Status.CLOSED and resolved_at else None,
                first_response_due=due(received, 1),
                resolution_due=due(received, resolution_days),
                follow_up_due=due(resolved_at, 7) if resolved_at else None,
                outcome=outcome or ("withdrawn" if status == Status.WITHDRAWN else ""),
                money_recovered=money,
                outcome_summary="经调解双方达成一致，已履行完毕。" if finished else "",
                created_by=context.user("women_hotline") if index % 2 else context.user("union_hotline"),
            )
        )
    cases = RightsCase.objects.bulk_create(cases)

    events, participants, referrals, follow_ups, servings = [], [], [], [], set()
    for index, case in enumerate(cases):
        servings.add((case.person_id, case.lead_org_id))
        events.append(CaseEvent(case=case, action="created", to_status=Status.RECEIVED, created_at=case.received_at))
        if case.status != Status.RECEIVED:
            events.append(
                CaseEvent(
                    case=case,
                    action="demo",
                    from_status=Status.RECEIVED,
                    to_status=case.status,
                    created_at=case.accepted_at or case.received_at,
                    actor=case.assignee,
                    organization=case.lead_org,
                )
            )
        if case.notify_department_id:
            participants.append(CaseParticipant(case=case, organization=case.notify_department, role="notified"))
        if case.status in (Status.FOLLOWED_UP, Status.CLOSED) and case.resolved_at:
            follow_ups.append(
                FollowUp(
                    case=case,
                    satisfaction=rng.choice([5, 5, 4, 4, 3, 2]),
                    visited_at=case.resolved_at + timedelta(days=2),
                )
            )
        # Referrals from the Women's Federation and unions' street work to the legal-aid centre.
        if (
            case.lead_org.code in ("womens-federation", "union")
            and case.status in (Status.ACCEPTED, Status.IN_PROGRESS)
            and index % 4 == 0
        ):
            pending = index % 8 == 0
            referrals.append(
                Referral(
                    case=case,
                    from_org=case.lead_org,
                    to_org=orgs["union-legal-aid"],
                    mode="joint",
                    reason="当事人需要法律援助，申请劳动仲裁代理",
                    consent_recorded=True,
                    status="pending" if pending else "accepted",
                    due_at=due(case.accepted_at or case.received_at, 2),
                    created_by=case.assignee,
                    responded_by=None if pending else caseworkers["union-legal-aid"],
                    responded_at=None if pending else (case.accepted_at or case.received_at) + timedelta(days=1),
                )
            )
            participants.append(
                CaseParticipant(
                    case=case,
                    organization=orgs["union-legal-aid"],
                    role="referral_receiver" if pending else "co_handler",
                    sees_details=True,
                )
            )
        if case.status == Status.DECLINED:
            participants.append(
                CaseParticipant(case=case, organization=orgs["womens-federation"], role="former_handler")
            )
    CaseEvent.objects.bulk_create(events)
    CaseParticipant.objects.bulk_create(participants, ignore_conflicts=True)
    Referral.objects.bulk_create(referrals)
    FollowUp.objects.bulk_create(follow_ups)
    Serving.objects.bulk_create(
        [Serving(person_id=person, organization_id=org) for person, org in servings], ignore_conflicts=True
    )
    # The demo cases were bulk-inserted, so no per-case deadline checks are scheduled: one sweep
    # after the seed commits escalates the overdue ones (idempotent; the worker picks it up).
    from django.db import transaction

    from shuniu.rights.tasks import sweep_overdue_cases

    transaction.on_commit(sweep_overdue_cases.enqueue)
    overdue = sum(1 for case in cases if case.is_overdue(now))
    context.say(
        f"    {len(cases)} rights cases ({overdue} overdue), {len(referrals)} referrals, {len(contracts)} contracts"
    )
