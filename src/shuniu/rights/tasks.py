"""Background work of the rights app: deadline checks at the due moment (run_after), a sweep, and
contract expiry reminders. Tasks take ids and are idempotent; with a backend that cannot defer
(the immediate backend of the tests) nothing is scheduled — tests call the services directly."""

from datetime import datetime, time, timedelta

from django.tasks import task
from django.utils import timezone

from shuniu.core.workdays import deadline_after


@task
def check_case_deadlines(case_id: int) -> int:
    from shuniu.rights.models import RightsCase
    from shuniu.rights.services.escalation import escalate_case

    case = RightsCase.objects.select_related("lead_org").filter(pk=case_id).first()
    if case is None:
        return 0
    return escalate_case(case, timezone.now())


@task
def sweep_overdue_cases() -> int:
    from shuniu.rights.services.escalation import escalate_overdue

    return escalate_overdue(timezone.now())


@task
def remind_expiring_contracts_task() -> int:
    from shuniu.rights.services.contracts import remind_expiring_contracts

    return remind_expiring_contracts(timezone.localdate())


def _can_defer(a_task) -> bool:
    return bool(getattr(a_task.get_backend(), "supports_defer", False))


def schedule_deadline_checks(case_id: int) -> None:
    """One check just after each moment the case can become (more) overdue."""
    from shuniu.rights.models import RightsCase
    from shuniu.rights.services.escalation import COORDINATOR_AFTER_WORKING_DAYS

    if not _can_defer(check_case_deadlines):
        return
    case = RightsCase.objects.filter(pk=case_id).first()
    if case is None:
        return
    moments = {case.first_response_due, case.resolution_due}
    moments.add(deadline_after(case.resolution_due, COORDINATOR_AFTER_WORKING_DAYS))
    moments.add(deadline_after(case.first_response_due, COORDINATOR_AFTER_WORKING_DAYS))
    for moment in sorted(moments):
        check_case_deadlines.using(run_after=moment + timedelta(seconds=1)).enqueue(case_id)


def schedule_contract_reminder(contract_id: int) -> None:
    from shuniu.rights.models import CollectiveContract
    from shuniu.rights.models.contracts import EXPIRY_WARNING_DAYS

    contract = CollectiveContract.objects.filter(pk=contract_id).first()
    if contract is None:
        return
    remind_on = contract.ends_on - timedelta(days=EXPIRY_WARNING_DAYS)
    if remind_on <= timezone.localdate() or not _can_defer(remind_expiring_contracts_task):
        remind_expiring_contracts_task.enqueue()
        return
    moment = timezone.make_aware(datetime.combine(remind_on, time(8, 0)), timezone.get_current_timezone())
    remind_expiring_contracts_task.enqueue() if moment <= timezone.now() else (
        remind_expiring_contracts_task.using(run_after=moment).enqueue()
    )
