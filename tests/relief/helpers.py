"""Builders for relief tests: a Women's Federation programme with a three-step chain, a budget and
rules, and applications in any state (built directly, for tests that start mid-flow)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from shuniu.people.models import Person, Serving
from shuniu.relief.models import (
    Application,
    ApprovalStep,
    Budget,
    DisbursementBatch,
    EligibilityRule,
    Programme,
    PublicNotice,
    Status,
)

ID_NUMBERS = ["11010519491231002X", "110105200501015139", "33010220120315732X", "330106201008243519"]


def make_programme(world, code="spring-bud", **overrides) -> Programme:
    today = timezone.localdate()
    values = {
        "name": "春蕾计划",
        "organization": world.org_a,
        "purpose": "education",
        "funding_source": "donation",
        "benefit_type": "cash",
        "amount_mode": "fixed",
        "base_amount": Decimal("1000.00"),
        "person_cap": Decimal("2000.00"),
        "household_cap": Decimal("3000.00"),
        "opens_on": today - timedelta(days=30),
        "closes_on": today + timedelta(days=60),
        "notice_days": 7,
    }
    values.update(overrides)
    programme = Programme.objects.create(code=code, **values)
    for position, (name, level) in enumerate(
        [("社区初审", "community"), ("街道审核", "street"), ("妇联审批", "organization")], start=1
    ):
        ApprovalStep.objects.create(programme=programme, position=position, name=name, level=level)
    Budget.objects.create(programme=programme, year=today.year, amount=Decimal("5000.00"), funding_source="donation")
    EligibilityRule.objects.create(
        programme=programme,
        position=1,
        field="income_per_member",
        operator="lte",
        value="1500",
        explanation="家庭人均月收入不高于1500元",
    )
    return programme


def make_person(world, name="李小花", id_number=ID_NUMBERS[2], phone="13812345678") -> Person:
    person = Person.objects.create(
        name=name, id_number=id_number, phone=phone, community=world.community, birth_date=date(2012, 3, 15)
    )
    Serving.objects.create(person=person, organization=world.org_a)
    return person


def make_application(world, programme=None, person=None, status=Status.IN_REVIEW, **overrides) -> Application:
    programme = programme or make_programme(world)
    person = person or make_person(world)
    values = {
        "programme": programme,
        "organization": programme.organization,
        "branch": world.org_a_branch,
        "person": person,
        "community": world.community,
        "year": timezone.localdate().year,
        "status": status,
        "household_size": 3,
        "monthly_income": Decimal("2400.00"),
        "reason": "父亲因病去世，母亲务农收入微薄",
        "amount": programme.base_amount,
        "eligibility": [{"rule": 1, "explanation": "家庭人均月收入不高于1500元", "passed": True, "detail": "800"}],
        "is_eligible": True,
        "contact_phone": "13812345678",
    }
    values.update(overrides)
    return Application.objects.create(**values)


def publish(application, *, ended=False, actor=None) -> PublicNotice:
    now = timezone.now()
    starts = now - timedelta(days=8) if ended else now
    notice = PublicNotice.objects.create(
        programme=application.programme,
        organization=application.organization,
        title="公示",
        starts_at=starts,
        ends_at=starts + timedelta(days=7),
        created_by=actor,
    )
    Application.objects.filter(pk=application.pk).update(status=Status.IN_NOTICE, notice=notice)
    application.refresh_from_db()
    return notice


def make_batch(world, application, created_by=None) -> DisbursementBatch:
    from shuniu.relief import services

    return services.create_batch(
        application.programme, [application], actor=created_by or world.colleague, idempotency_key=f"k{application.pk}"
    )
