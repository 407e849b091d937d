"""Synthetic data at city scale for benchmarks: `shuniu seed-scale --people N --cases N`.

Realistic and consistent (people with valid ID numbers in the district's communities, cases whose
events follow the lifecycle, referrals between organisations, deadlines in working days), fast
(rows go in with COPY on PostgreSQL, see `core.bulk`), reproducible from `--seed`. Runs on top of
the demo district (organisations, categories, routing), which it loads first when missing.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shuniu.core import bulk
from shuniu.core.models import Organization, OrganizationKind, Region, RegionLevel, User
from shuniu.core.validators import id_check_character
from shuniu.core.workdays import WorkingDayCalendar

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健"
    "俊帆鹏辉海波婷雪梅琳晨阳欣怡佳琪子涵梓轩一诺思远志强建国建华淑珍桂兰玉兰春梅晓东"
    "晓燕"
)
SUBJECTS = {
    "wage_arrears": ["工地拖欠工资三个月", "餐馆未结清工资", "快递站克扣工资", "装修公司欠薪"],
    "labour_contract": ["未签订劳动合同", "单方解除劳动合同", "试用期被辞退"],
    "work_injury": ["工伤认定咨询", "工伤赔偿纠纷", "工作中受伤无人负责"],
    "social_insurance": ["单位未缴社保", "社保断缴", "医保报销问题"],
    "discrimination": ["招聘性别歧视", "孕期被调岗降薪", "残疾人就业歧视"],
    "domestic_violence": ["遭受家庭暴力求助", "申请人身安全保护令", "家暴后住所问题"],
    "marriage_family": ["离婚财产分割咨询", "抚养费纠纷", "赡养老人纠纷"],
    "minors": ["未成年人被欺凌", "留守儿童监护问题", "未成年人网络沉迷"],
    "disability": ["无障碍设施缺失", "残疾人补贴未发放", "残疾人教育权益"],
    "other": ["邻里纠纷求助", "政策咨询", "其他诉求"],
}


@dataclass
class ScaleReport:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, rows: int, seconds: float) -> None:
        self.rows[name] = self.rows.get(name, 0) + rows
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def lines(self) -> list[str]:
        return [
            f"  {name:<20} {rows:>10,} rows {self.seconds[name]:8.1f} s "
            f"{rows / max(self.seconds[name], 1e-6):>10,.0f} rows/s"
            for name, rows in self.rows.items()
        ]


class ScaleGenerator:
    def __init__(self, seed: int, stdout=None):
        self.random = random.Random(seed)
        self.stdout = stdout
        self.report = ScaleReport()
        self.communities = list(Region.objects.filter(level=RegionLevel.COMMUNITY).select_related("parent"))
        self.now = timezone.now()
        self._deadline_cache: dict[tuple[date, int], date] = {}
        self.calendar = WorkingDayCalendar(self.now.date() - timedelta(days=800), self.now.date() + timedelta(days=120))

    def say(self, text: str) -> None:
        if self.stdout:
            self.stdout.write(text)

    # ---- people ---------------------------------------------------------------------------
    def id_number(self, community: Region, birth: date, sequence: int) -> str:
        first17 = f"{community.code[:6]}{birth:%Y%m%d}{sequence % 1000:03d}"
        return first17 + id_check_character(first17)

    def person_name(self) -> str:
        return self.random.choice(SURNAMES) + "".join(
            self.random.choice(GIVEN) for _ in range(self.random.choice([1, 2]))
        )

    def people(self, count: int, chunk: int = 20000) -> tuple[int, int]:
        from shuniu.people.models import Gender, Person, Serving

        serving_orgs = list(
            Organization.objects.exclude(
                kind__in=[OrganizationKind.GOV_DEPARTMENT, OrganizationKind.SOCIAL_ORG, OrganizationKind.JOINT_OFFICE]
            ).values_list("id", flat=True)
        )
        first_id = bulk.reserve_ids(Person, count)
        first_serving = bulk.reserve_ids(Serving, count)
        made = 0
        while made < count:
            size = min(chunk, count - made)
            started = time.perf_counter()
            persons, servings = [], []
            for offset in range(size):
                pk = first_id + made + offset
                community = self.random.choice(self.communities)
                birth = date(1940, 1, 1) + timedelta(days=self.random.randrange(0, 365 * 80))
                gender = Gender.MALE if pk % 2 else Gender.FEMALE
                persons.append(
                    Person(
                        id=pk,
                        name=self.person_name(),
                        gender=gender,
                        birth_date=birth,
                        id_number=self.id_number(community, birth, pk * 2 + (1 if gender == Gender.MALE else 0)),
                        phone=f"1{self.random.choice('3578')}{pk % 1_000_000_000:09d}",
                        community_id=community.id,
                    )
                )
                servings.append(
                    Serving(
                        id=first_serving + made + offset, person_id=pk, organization_id=self.random.choice(serving_orgs)
                    )
                )
            with transaction.atomic():
                bulk.insert(Person, persons)
                bulk.insert(Serving, servings)
            made += size
            self.report.add("people+servings", size * 2, time.perf_counter() - started)
            self.report.tables["people_person"] = self.report.tables.get("people_person", 0) + size
            self.say(f"    people {made:,}/{count:,}")
        return first_id, count

    # ---- rights cases -------------------------------------------------------------------------
    def _due(self, moment: datetime, days: int) -> datetime:
        key = (moment.date(), days)
        if key not in self._deadline_cache:
            self._deadline_cache[key] = self.calendar.add(moment.date(), days)
        day = self._deadline_cache[key]
        return timezone.make_aware(datetime.combine(day, datetime.max.time().replace(microsecond=0)))

    def existing(self, model, count: int) -> tuple[int, int]:
        """(first id, count) of the last `count` rows of `model` (an earlier run's people or cases)."""
        if not count:
            return 0, 0
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        first = last - count + 1
        if model.objects.filter(pk__gte=first, pk__lte=last).count() != count:
            raise RuntimeError(
                f"the last {count:,} rows of {model._meta.label} are not one block of ids: "
                "give the size of an earlier run"
            )
        return first, count

    def cases(self, count: int, people: tuple[int, int], chunk: int = 10000) -> int:
        from shuniu.rights.models import (
            CaseCategory,
            CaseEvent,
            CaseParticipant,
            Channel,
            Complexity,
            Outcome,
            ParticipantRole,
            Referral,
            ReferralStatus,
            RightsCase,
            Status,
        )

        categories = list(CaseCategory.objects.all())
        if not categories:
            raise RuntimeError("no case categories: load the demo district first")
        handling = list(
            Organization.objects.filter(
                kind__in=[
                    OrganizationKind.UNION,
                    OrganizationKind.YOUTH_LEAGUE,
                    OrganizationKind.WOMENS_FEDERATION,
                    OrganizationKind.DISABLED_FEDERATION,
                ]
            ).values_list("id", flat=True)
        )
        users = list(User.objects.filter(memberships__role="caseworker").values_list("id", flat=True)) or [None]
        first_person, people_count = people
        first_case = bulk.reserve_ids(RightsCase, count)
        # events and referrals: reserve generously, ids need only be unique and increasing
        first_event = bulk.reserve_ids(CaseEvent, count * 10)
        first_referral = bulk.reserve_ids(Referral, count)
        first_participant = bulk.reserve_ids(CaseParticipant, count * 2)
        event_id, referral_id, participant_id = first_event, first_referral, first_participant
        path = [
            Status.RECEIVED,
            Status.ACCEPTED,
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.RESOLVED,
            Status.FOLLOWED_UP,
            Status.CLOSED,
        ]
        made = 0
        while made < count:
            size = min(chunk, count - made)
            started = time.perf_counter()
            cases, events, referrals, participants = [], [], [], []
            for offset in range(size):
                pk = first_case + made + offset
                category = self.random.choice(categories)
                community = self.random.choice(self.communities)
                received = self.now - timedelta(minutes=self.random.randrange(0, 60 * 24 * 730))
                complexity = self.random.choice(
                    [Complexity.ORDINARY] * 6 + [Complexity.DIFFICULT] * 3 + [Complexity.VERY_COMPLEX]
                )
                # older cases are further along their path
                age_days = (self.now - received).days
                reach = min(len(path) - 1, int(self.random.random() * 3 + age_days / 60))
                status = path[reach]
                lead = self.random.choice(handling)
                resolved = received + timedelta(days=self.random.randint(1, 25)) if reach >= 4 else None
                money = Decimal(self.random.randrange(0, 5_000_000)) / 100 if reach >= 4 else Decimal("0")
                subject = self.random.choice(SUBJECTS.get(category.code, SUBJECTS["other"]))
                cases.append(
                    RightsCase(
                        id=pk,
                        tracking_code=f"S{pk:010d}",
                        channel=self.random.choice(Channel.values),
                        category=category,
                        complexity=complexity,
                        is_sensitive=category.is_sensitive,
                        status=status,
                        person_id=first_person + self.random.randrange(people_count),
                        requester_name=self.person_name(),
                        community_id=community.id,
                        street_id=community.parent_id,
                        subject=subject,
                        description=f"{subject}。来电人反映情况，请求帮助（合成数据 {pk}）。",
                        lead_org_id=lead,
                        assignee_id=self.random.choice(users) if reach >= 2 else None,
                        consent_processing=True,
                        consent_referral=self.random.random() < 0.7,
                        received_at=received,
                        accepted_at=received + timedelta(hours=3) if reach >= 1 else None,
                        resolved_at=resolved,
                        closed_at=resolved + timedelta(days=8) if reach >= 6 else None,
                        first_response_due=self._due(received, 1),
                        resolution_due=self._due(received, 15),
                        outcome=self.random.choice(Outcome.values) if reach >= 4 else "",
                        money_recovered=money,
                    )
                )
                moment = received
                for step in range(reach + 1):
                    events.append(
                        CaseEvent(
                            id=event_id,
                            case_id=pk,
                            organization_id=lead,
                            action="transition",
                            from_status=path[step - 1] if step else "",
                            to_status=path[step],
                            created_at=moment,
                        )
                    )
                    event_id += 1
                    moment += timedelta(hours=self.random.randint(1, 72))
                for _note in range(self.random.randint(0, 3)):
                    events.append(
                        CaseEvent(
                            id=event_id,
                            case_id=pk,
                            organization_id=lead,
                            action="note",
                            note="已电话联系当事人",
                            created_at=moment,
                        )
                    )
                    event_id += 1
                if self.random.random() < 0.2:
                    target = self.random.choice(handling)
                    answered = reach >= 2
                    referrals.append(
                        Referral(
                            id=referral_id,
                            case_id=pk,
                            from_org_id=lead,
                            to_org_id=target,
                            reason="需要法律援助",
                            consent_recorded=True,
                            due_at=self._due(received, 2),
                            status=ReferralStatus.ACCEPTED if answered else ReferralStatus.PENDING,
                            responded_at=received + timedelta(days=1) if answered else None,
                        )
                    )
                    referral_id += 1
                    role = ParticipantRole.CO_HANDLER if answered else ParticipantRole.REFERRAL_RECEIVER
                    participants.append(
                        CaseParticipant(
                            id=participant_id, case_id=pk, organization_id=target, role=role, sees_details=True
                        )
                    )
                    participant_id += 1
            with transaction.atomic():
                bulk.insert(RightsCase, cases)
                bulk.insert(CaseEvent, events)
                bulk.insert(Referral, referrals)
                bulk.insert(CaseParticipant, participants)
            made += size
            elapsed = time.perf_counter() - started
            rows = len(cases) + len(events) + len(referrals) + len(participants)
            self.report.add("cases+events+refs", rows, elapsed)
            self.report.tables["rights_case"] = self.report.tables.get("rights_case", 0) + len(cases)
            self.report.tables["rights_caseevent"] = self.report.tables.get("rights_caseevent", 0) + len(events)
            self.report.tables["rights_referral"] = self.report.tables.get("rights_referral", 0) + len(referrals)
            self.say(f"    cases {made:,}/{count:,}")
        return first_case
