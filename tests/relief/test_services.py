"""Relief services: eligibility, the approval chain, public notice with objections, payment and the ledger."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from shuniu.core.permissions import Role
from shuniu.core.services import DomainError
from shuniu.people.models import Person
from shuniu.relief import services
from shuniu.relief.models import (
    Application,
    ApprovalDecision,
    BatchStatus,
    Budget,
    DisbursementBatch,
    EntryKind,
    LedgerEntry,
    LedgerImmutable,
    Objection,
    Status,
)
from tests.relief.helpers import ID_NUMBERS, make_application, make_batch, make_person, make_programme, publish
from tests.world import make_user


@pytest.fixture
def branch_worker(world):
    return make_user("branch_worker", world.org_a_branch, Role.CASEWORKER, "东湖街道妇联 许丽")


def data(**overrides):
    values = {"household_size": 3, "monthly_income": Decimal("2400"), "reason": "父亲病故，母亲务农收入微薄"}
    values.update(overrides)
    return services.ApplicationInput(**values)


def approve_all(application, reviewers):
    for position, reviewer in enumerate(reviewers, start=1):
        services.decide(application, step_position=position, decision="approve", comment="", actor=reviewer)
    application.refresh_from_db()
    return application


def test_application_shows_which_rules_passed_and_why(world, colleague):
    programme = make_programme(world)
    programme.rules.create(position=2, field="student_enrolled", operator="is_true", explanation="在校就读的学生")
    person = make_person(world)

    with translation.override("zh-hans"):
        application = services.create_application(programme=programme, person=person, data=data(), actor=colleague)

    assert application.eligibility == [
        {
            "rule": programme.rules.get(position=1).pk,
            "explanation": "家庭人均月收入不高于1500元",
            "passed": True,
            "fact": "income",
            "params": {"value": "800.00"},
            "detail": "申报家庭人均月收入 800.00 元",
        },
        {
            "rule": programme.rules.get(position=2).pk,
            "explanation": "在校就读的学生",
            "passed": False,
            "fact": "not_enrolled",
            "params": {},
            "detail": "未在校就读",
        },
    ]
    with translation.override("en"):
        assert [r["detail"] for r in application.eligibility_results] == [
            "declared income per member: 800.00 yuan a month",
            "not enrolled as a student",
        ]
    assert application.is_eligible is False
    assert application.status == Status.IN_REVIEW
    assert application.branch == world.org_a_branch
    assert application.amount == Decimal("1000.00")


def test_second_application_for_same_programme_and_year_is_refused(world, colleague):
    programme = make_programme(world)
    person = make_person(world)
    services.create_application(programme=programme, person=person, data=data(), actor=colleague)

    with pytest.raises(DomainError, match="already has an application"):
        services.create_application(programme=programme, person=person, data=data(), actor=colleague)
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [(Decimal("-5"), "more than zero"), (Decimal("2500"), "annual cap per person"), (Decimal("10.001"), "two decimal")],
)
def test_bad_amounts_are_refused_and_nothing_is_created(world, colleague, amount, message):
    programme = make_programme(world, amount_mode="assessed")

    with pytest.raises(DomainError, match=message):
        services.create_application(
            programme=programme, person=make_person(world), data=data(amount=amount), actor=colleague
        )
    assert Application.objects.count() == 0


def test_household_cap_counts_other_members_applications(world, colleague):
    from shuniu.people.models import Household

    programme = make_programme(world, amount_mode="assessed", household_cap=Decimal("2500"))
    household = Household.objects.create(name="李家户", community=world.community)
    first = make_person(world)
    second = make_person(world, name="李小草", id_number=ID_NUMBERS[3], phone="13912345678")
    Person.objects.filter(pk__in=[first.pk, second.pk]).update(household=household)
    first.refresh_from_db()
    second.refresh_from_db()
    services.create_application(programme=programme, person=first, data=data(amount=Decimal("2000")), actor=colleague)

    with pytest.raises(DomainError, match="cap per household"):
        services.create_application(
            programme=programme, person=second, data=data(amount=Decimal("600")), actor=colleague
        )
    assert Application.objects.count() == 1


def test_chain_community_street_organisation_approves_in_order(world, colleague, caseworker, supervisor, branch_worker):
    application = services.create_application(
        programme=make_programme(world), person=make_person(world), data=data(), actor=colleague
    )

    services.decide(application, step_position=1, decision="approve", comment="", actor=branch_worker)
    application.refresh_from_db()
    assert (application.status, application.current_step) == (Status.IN_REVIEW, 2)
    services.decide(application, step_position=2, decision="approve", comment="", actor=caseworker)
    services.decide(application, step_position=3, decision="approve", comment="同意", actor=supervisor)

    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert list(application.decisions.values_list("step__position", "decision", "actor__username")) == [
        (1, "approve", "branch_worker"),
        (2, "approve", "caseworker"),
        (3, "approve", "supervisor"),
    ]


def test_nobody_approves_their_own_application(world, colleague):
    application = services.create_application(
        programme=make_programme(world), person=make_person(world), data=data(), actor=colleague
    )

    with pytest.raises(DomainError, match="someone else must review"):
        services.decide(application, step_position=1, decision="approve", comment="", actor=colleague)
    application.refresh_from_db()
    assert (application.status, application.current_step) == (Status.IN_REVIEW, 1)
    assert ApprovalDecision.objects.count() == 0


def test_each_step_needs_a_different_reviewer(world, colleague, caseworker):
    application = services.create_application(
        programme=make_programme(world), person=make_person(world), data=data(), actor=colleague
    )
    services.decide(application, step_position=1, decision="approve", comment="", actor=caseworker)
    application.refresh_from_db()

    with pytest.raises(DomainError, match="different reviewer"):
        services.decide(application, step_position=2, decision="approve", comment="", actor=caseworker)
    application.refresh_from_db()
    assert application.current_step == 2


def test_decision_out_of_order_or_stale_is_refused(world, caseworker):
    application = make_application(world)

    with pytest.raises(DomainError, match="no longer at that step"):
        services.decide(application, step_position=3, decision="approve", comment="", actor=caseworker)
    application.refresh_from_db()
    assert (application.status, application.current_step) == (Status.IN_REVIEW, 1)


def test_outsider_cannot_decide(world, outsider):
    application = make_application(world)

    with pytest.raises(DomainError, match="decided by"):
        services.decide(application, step_position=1, decision="approve", comment="", actor=outsider)
    assert ApprovalDecision.objects.count() == 0


def test_organisation_step_is_not_decided_by_the_street_branch(world, caseworker, branch_worker):
    application = make_application(world, current_step=3)

    with pytest.raises(DomainError, match="decided by"):
        services.decide(application, step_position=3, decision="approve", comment="", actor=branch_worker)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_approving_an_ineligible_application_needs_a_comment(world, caseworker):
    application = make_application(world, is_eligible=False)

    with pytest.raises(DomainError, match="needs a comment"):
        services.decide(application, step_position=1, decision="approve", comment="", actor=caseworker)
    services.decide(application, step_position=1, decision="approve", comment="入户核实属实", actor=caseworker)
    application.refresh_from_db()
    assert application.current_step == 2


def test_return_needs_a_comment_and_resubmission_restarts_the_chain(world, colleague, caseworker, supervisor):
    application = services.create_application(
        programme=make_programme(world), person=make_person(world), data=data(), actor=colleague
    )
    services.decide(application, step_position=1, decision="approve", comment="", actor=caseworker)
    application.refresh_from_db()
    with pytest.raises(DomainError, match="say why"):
        services.decide(application, step_position=2, decision="return", comment="", actor=supervisor)
    services.decide(application, step_position=2, decision="return", comment="请补充收入证明", actor=supervisor)
    application.refresh_from_db()
    assert application.status == Status.RETURNED

    services.resubmit(application, data=data(monthly_income=Decimal("1800")), actor=colleague)

    application.refresh_from_db()
    assert (application.status, application.current_step, application.monthly_income) == (
        Status.IN_REVIEW,
        1,
        Decimal("1800.00"),
    )
    # The reviewer of the first round may review the new round.
    services.decide(application, step_position=1, decision="approve", comment="", actor=caseworker)


def test_reject_closes_the_application_and_allows_a_new_one(world, colleague, caseworker):
    programme = make_programme(world)
    person = make_person(world)
    application = services.create_application(programme=programme, person=person, data=data(), actor=colleague)
    services.decide(application, step_position=1, decision="reject", comment="收入超标", actor=caseworker)
    application.refresh_from_db()
    assert application.status == Status.REJECTED

    again = services.create_application(programme=programme, person=person, data=data(), actor=colleague)
    assert again.status == Status.IN_REVIEW


def test_bulk_approval_reports_refusals_and_approves_the_rest(world, caseworker):
    programme = make_programme(world)
    mine = make_application(world, programme=programme, submitted_by=caseworker)
    other = make_application(
        world, programme=programme, person=make_person(world, name="张三", id_number=ID_NUMBERS[1], phone="13712345678")
    )

    result = services.bulk_approve([mine, other], comment="", actor=caseworker)

    assert [a.pk for a in result.decided] == [other.pk]
    assert [(a.pk, "someone else" in reason) for a, reason in result.refused] == [(mine.pk, True)]
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.current_step, other.current_step) == (1, 2)


def test_notice_objection_pauses_and_dismissal_resumes(world, caseworker):
    application = make_application(world, status=Status.APPROVED)
    notice = services.publish_notice(application.programme, [application], actor=caseworker)
    application.refresh_from_db()
    assert application.status == Status.IN_NOTICE
    assert notice.ends_at - notice.starts_at == timedelta(days=7)

    objection = services.file_objection(application, text="该户家中有两套住房，收入不实")
    application.refresh_from_db()
    assert application.status == Status.PAUSED

    services.resolve_objection(objection, upheld=False, resolution="入户核实，住房为租住", actor=caseworker)
    application.refresh_from_db()
    objection.refresh_from_db()
    assert (application.status, objection.status) == (Status.IN_NOTICE, "dismissed")


def test_upheld_objection_rejects_the_application(world, caseworker):
    application = make_application(world)
    publish(application)
    objection = services.file_objection(application, text="申请人已在外地就业，收入较高")

    services.resolve_objection(objection, upheld=True, resolution="核实属实", actor=caseworker)

    application.refresh_from_db()
    assert application.status == Status.REJECTED
    with pytest.raises(DomainError, match="already resolved"):
        services.resolve_objection(objection, upheld=False, resolution="再议", actor=caseworker)


def test_objection_after_the_notice_period_is_refused(world):
    application = make_application(world)
    notice = publish(application)

    with time_machine.travel(notice.ends_at + timedelta(minutes=1)):
        with pytest.raises(DomainError, match="no longer accepted"):
            services.file_objection(application, text="该户家中有两套住房，收入不实")
    application.refresh_from_db()
    assert application.status == Status.IN_NOTICE
    assert Objection.objects.count() == 0


def test_payment_before_the_notice_ends_is_refused(world, caseworker):
    application = make_application(world)
    publish(application)

    with pytest.raises(DomainError, match="cannot be paid before"):
        services.create_batch(application.programme, [application], actor=caseworker)
    assert DisbursementBatch.objects.count() == 0


def test_paused_application_cannot_be_paid_even_in_a_prepared_batch(world, caseworker, colleague):
    application = make_application(world)
    notice = publish(application)
    with time_machine.travel(notice.ends_at + timedelta(minutes=1)):
        batch = services.create_batch(application.programme, [application], actor=caseworker)
    Application.objects.filter(pk=application.pk).update(status=Status.PAUSED)

    with time_machine.travel(notice.ends_at + timedelta(minutes=2)):
        with pytest.raises(DomainError, match="open objection"):
            services.pay_batch(batch, actor=colleague)
    assert LedgerEntry.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREPARED


def test_paying_a_batch_writes_the_ledger_and_budget_use_is_their_sum(world, caseworker, colleague):
    programme = make_programme(world)
    first = make_application(world, programme=programme)
    second = make_application(
        world,
        programme=programme,
        person=make_person(world, name="张三", id_number=ID_NUMBERS[1], phone="13712345678"),
        amount=Decimal("1500.50"),
    )
    publish(first, ended=True)
    publish(second, ended=True)
    batch = services.create_batch(programme, [first, second], actor=caseworker, idempotency_key="abc")

    services.pay_batch(batch, actor=colleague)

    budget = Budget.objects.get(programme=programme)
    assert list(LedgerEntry.objects.order_by("id").values_list("kind", "amount", "application_id", "operator_id")) == [
        ("disbursement", Decimal("1000.00"), first.pk, colleague.pk),
        ("disbursement", Decimal("1500.50"), second.pk, colleague.pk),
    ]
    assert budget.used() == Decimal("2500.50")
    assert budget.remaining() == Decimal("2499.50")
    assert set(Application.objects.values_list("status", flat=True)) == {Status.PAID}


def test_retrying_a_batch_never_pays_twice(world, caseworker, colleague):
    application = make_application(world)
    publish(application, ended=True)
    batch = services.create_batch(application.programme, [application], actor=caseworker, idempotency_key="same")
    again = services.create_batch(application.programme, [application], actor=caseworker, idempotency_key="same")
    assert again.pk == batch.pk

    services.pay_batch(batch, actor=colleague)
    services.pay_batch(batch, actor=colleague)

    assert LedgerEntry.objects.count() == 1
    assert DisbursementBatch.objects.count() == 1


def test_the_preparer_cannot_confirm_the_payment(world, caseworker):
    application = make_application(world)
    publish(application, ended=True)
    batch = services.create_batch(application.programme, [application], actor=caseworker)

    with pytest.raises(DomainError, match="someone else must confirm"):
        services.pay_batch(batch, actor=caseworker)
    assert LedgerEntry.objects.count() == 0


def test_a_batch_that_would_overspend_the_budget_is_refused_and_nothing_changes(world, caseworker, colleague):
    programme = make_programme(world)
    Budget.objects.filter(programme=programme).update(amount=Decimal("1500.00"))
    first = make_application(world, programme=programme)
    second = make_application(
        world, programme=programme, person=make_person(world, name="张三", id_number=ID_NUMBERS[1], phone="13712345678")
    )
    publish(first, ended=True)
    publish(second, ended=True)
    # Both prepared while the money was still there; only one can be paid.
    batch_one = services.create_batch(programme, [first], actor=caseworker, idempotency_key="one")
    batch_two = services.create_batch(programme, [second], actor=caseworker, idempotency_key="two")
    services.pay_batch(batch_one, actor=colleague)

    with pytest.raises(DomainError, match="overspend"):
        services.pay_batch(batch_two, actor=colleague)

    assert LedgerEntry.objects.count() == 1
    assert Budget.objects.get(programme=programme).used() == Decimal("1000.00")
    second.refresh_from_db()
    batch_two.refresh_from_db()
    assert (second.status, batch_two.status) == (Status.IN_NOTICE, BatchStatus.PREPARED)


def test_payment_to_a_merged_away_person_is_refused(world, caseworker, colleague):
    application = make_application(world)
    publish(application, ended=True)
    batch = services.create_batch(application.programme, [application], actor=caseworker)
    survivor = make_person(world, name="李小花", id_number=ID_NUMBERS[1], phone="13712345678")
    Person.objects.filter(pk=application.person_id).update(merged_into=survivor)

    with pytest.raises(DomainError, match="merged into another"):
        services.pay_batch(batch, actor=colleague)
    assert LedgerEntry.objects.count() == 0


def test_ledger_rows_cannot_be_changed_or_deleted(world, caseworker, colleague):
    application = make_application(world)
    publish(application, ended=True)
    services.pay_batch(make_batch(world, application, created_by=caseworker), actor=colleague)
    entry = LedgerEntry.objects.get()

    entry.amount = Decimal("1.00")
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.get().amount == Decimal("1000.00")


def test_a_reversal_is_a_new_opposite_entry_and_happens_once(world, caseworker, colleague, supervisor):
    application = make_application(world)
    publish(application, ended=True)
    services.pay_batch(make_batch(world, application, created_by=caseworker), actor=colleague)
    entry = LedgerEntry.objects.get()

    with pytest.raises(DomainError, match="Only the programme"):
        services.reverse_entry(entry, reason="重复发放", actor=caseworker)
    reversal = services.reverse_entry(entry, reason="银行退回", actor=supervisor)

    assert (reversal.kind, reversal.amount, reversal.reverses_id) == (EntryKind.REVERSAL, Decimal("-1000.00"), entry.pk)
    assert Budget.objects.get(programme=application.programme).used() == Decimal("0.00")
    with pytest.raises(DomainError, match="already reversed"):
        services.reverse_entry(entry, reason="再次冲正", actor=supervisor)
    assert LedgerEntry.objects.count() == 2


def test_aid_from_all_organisations_shows_programmes_and_amounts(world, caseworker, colleague):
    application = make_application(world)
    publish(application, ended=True)
    services.pay_batch(make_batch(world, application, created_by=caseworker), actor=colleague)

    assert services.aid_this_year(application.person) == [
        {"programme": "春蕾计划", "organization": "区妇联", "total": Decimal("1000.00"), "same_person": True}
    ]


def test_notice_is_published_all_or_nothing(world, caseworker):
    programme = make_programme(world)
    approved = make_application(world, programme=programme, status=Status.APPROVED)
    in_review = make_application(
        world, programme=programme, person=make_person(world, name="张三", id_number=ID_NUMBERS[1], phone="13712345678")
    )

    with pytest.raises(DomainError, match="not approved"):
        services.publish_notice(programme, [approved, in_review], actor=caseworker)
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert programme.notices.count() == 0


def test_closed_programme_refuses_applications(world, colleague):
    today = timezone.localdate()
    programme = make_programme(world, opens_on=today - timedelta(days=60), closes_on=today - timedelta(days=1))

    with pytest.raises(DomainError, match="does not take applications now"):
        services.create_application(programme=programme, person=make_person(world), data=data(), actor=colleague)
    assert Application.objects.count() == 0


def test_rule_on_another_programme_and_tag_are_judged(world, colleague, caseworker):
    from shuniu.people.models import PersonTag

    programme = make_programme(world)
    other = make_programme(world, code="hope-project", name="希望工程", organization=world.org_a)
    programme.rules.create(
        position=2, field="not_funded_by", operator="is_true", value="hope-project", explanation="未获希望工程资助"
    )
    programme.rules.create(
        position=3, field="has_tag", operator="is_true", value="left_behind_child", explanation="留守儿童"
    )
    person = make_person(world)
    PersonTag.objects.create(person=person, tag="left_behind_child")
    make_application(world, programme=other, person=person, status=Status.APPROVED)

    application = services.create_application(programme=programme, person=person, data=data(), actor=colleague)

    assert [(r["fact"], r["passed"]) for r in application.eligibility] == [
        ("income", True),
        ("funded", False),
        ("has_tag", True),
    ]
    with translation.override("zh-hans"):
        assert [r["detail"] for r in application.eligibility_results][1:] == [
            "本年度已获得 希望工程 资助",
            "已登记为：留守儿童",
        ]


def test_adjustment_is_a_new_entry_and_cannot_overspend(world, caseworker, colleague, supervisor):
    application = make_application(world)
    publish(application, ended=True)
    services.pay_batch(make_batch(world, application, created_by=caseworker), actor=colleague)
    budget = Budget.objects.get(programme=application.programme)

    with pytest.raises(DomainError, match="Only the programme"):
        services.record_adjustment(
            budget, person=application.person, amount=Decimal("10"), note="补发差额", actor=caseworker
        )
    with pytest.raises(DomainError, match="overspend"):
        services.record_adjustment(
            budget, person=application.person, amount=Decimal("4000.01"), note="补发差额部分", actor=supervisor
        )
    entry = services.record_adjustment(
        budget, person=application.person, amount=Decimal("-200.00"), note="多发部分收回", actor=supervisor
    )

    assert (entry.kind, entry.amount) == (EntryKind.ADJUSTMENT, Decimal("-200.00"))
    assert budget.used() == Decimal("800.00")
    assert LedgerEntry.objects.count() == 2


def test_withdrawn_sharing_consent_limits_cross_organisation_aid(world, caseworker, colleague, outsider):
    application = make_application(world)
    publish(application, ended=True)
    services.pay_batch(make_batch(world, application, created_by=caseworker), actor=colleague)
    person = application.person
    person.sharing_withdrawn_at = timezone.now()

    assert services.aid_this_year(person, viewer=outsider) == []
    assert [row["programme"] for row in services.aid_this_year(person, viewer=caseworker)] == ["春蕾计划"]
