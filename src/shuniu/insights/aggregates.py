"""Refreshing the pre-aggregated tables the cockpit reads (see the models' section "Pre-aggregated
figures").

`refresh()` is incremental: for the large tables (cases, referrals, the ledger) it finds the months
(or budget years) touched since the last run from the ids of new case events, follow-up visits,
referrals and ledger rows, and recomputes only those months. The small tables (training, volunteers,
counts as they stand now) are recomputed whole each time; coverage and duplicate aid, which read the
whole registry, at most once an hour. `refresh(full=True)` (the `insights_rebuild` command) rebuilds
everything. Each part is replaced in its own transaction, so a reader sees the old numbers or the new
ones, never half; the state row is locked first, so two refreshes of one part never interleave.
"""

import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import (
    AidMonth,
    BudgetYear,
    CaseMonth,
    CoverageArea,
    DuplicateAidFinding,
    OrganizationCount,
    ReferralMonth,
    RefreshState,
    TrainingMonth,
    VolunteerMonth,
)

logger = logging.getLogger(__name__)
SLOW_PARTS_EVERY = timedelta(hours=1)
# Beyond this many touched cases (a bulk import), one full rebuild of the part is cheaper.
MAX_TOUCHED_CASES = 20_000


def _month_start(value) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return date(value.year, value.month, 1)


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _local(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_current_timezone())


def _in_months(field: str, months: set[date] | None) -> Q:
    """Records whose `field` falls in one of `months` (None: all records)."""
    if months is None:
        return Q()
    condition = Q(pk__in=[])
    for month in months:
        condition |= Q(**{f"{field}__gte": _local(month), f"{field}__lt": _local(_next_month(month))})
    return condition


def _by_month(field: str):
    from django.db.models import DateField

    return TruncMonth(field, output_field=DateField())


def _max_id(model) -> int:
    return model.objects.aggregate(top=Max("id"))["top"] or 0


def _locked_state(name: str) -> RefreshState:
    RefreshState.objects.get_or_create(name=name)
    return RefreshState.objects.select_for_update().get(name=name)


def _finish(state: RefreshState, marks: dict, full: bool, now) -> None:
    state.marks = marks
    state.refreshed_at = now
    if full:
        state.full_rebuild_at = now
    state.save(update_fields=["marks", "refreshed_at", "full_rebuild_at"])


# Cases -------------------------------------------------------------------------------------------


def _touched_case_months(marks: dict) -> tuple[set[date] | None, dict]:
    """Months to recompute since `marks`, and the new marks. None: rebuild everything."""
    from shuniu.rights.models import CaseEvent, FollowUp, RightsCase, Status

    event_mark, followup_mark = marks.get("case_event"), marks.get("followup")
    new_marks = {"case_event": _max_id(CaseEvent), "followup": _max_id(FollowUp)}
    if event_mark is None or followup_mark is None:
        return None, new_marks
    case_ids = set(
        CaseEvent.objects.filter(id__gt=event_mark, id__lte=new_marks["case_event"]).values_list("case_id", flat=True)
    )
    if len(case_ids) > MAX_TOUCHED_CASES:
        return None, new_marks
    months: set[date] = set()
    new_visits = FollowUp.objects.filter(id__gt=followup_mark, id__lte=new_marks["followup"])
    case_ids |= set(new_visits.values_list("case_id", flat=True))
    for start, end in RightsCase.objects.filter(pk__in=case_ids).values_list("received_at", "closed_at"):
        months.add(_month_start(start))
        if end:
            months.add(_month_start(end))
    # A reopened case has lost its closing date: the month it was closed in is that of its close event.
    for created in CaseEvent.objects.filter(case_id__in=case_ids, to_status=Status.CLOSED).values_list(
        "created_at", flat=True
    ):
        months.add(_month_start(created))
    for visited in FollowUp.objects.filter(case_id__in=case_ids).values_list("visited_at", flat=True):
        months.add(_month_start(visited))
    return months, new_marks


def _case_rows(months: set[date] | None) -> list[CaseMonth]:
    from shuniu.rights.models import FollowUp, RightsCase

    rows: dict[tuple, CaseMonth] = {}

    def row(org, street, category, month) -> CaseMonth:
        key = (org, street, category, month)
        if key not in rows:
            rows[key] = CaseMonth(organization_id=org, street_id=street, category_id=category, month=month)
        return rows[key]

    keys = ("lead_org_id", "street_id", "category_id", "month")
    received = (
        RightsCase.objects.filter(_in_months("received_at", months))
        .annotate(month=_by_month("received_at"))
        .values(*keys)
        .annotate(n=Count("id"))
    )
    for item in received:
        row(*(item[key] for key in keys)).received = item["n"]
    closed = (
        RightsCase.objects.filter(closed_at__isnull=False)
        .filter(_in_months("closed_at", months))
        .annotate(month=_by_month("closed_at"))
        .values(*keys)
        .annotate(
            n=Count("id"),
            on_time=Count("id", filter=Q(closed_at__lte=F("resolution_due"))),
            money=Sum("money_recovered"),
        )
    )
    for item in closed:
        target = row(*(item[key] for key in keys))
        target.closed, target.closed_on_time = item["n"], item["on_time"]
        target.money_recovered = item["money"] or Decimal(0)
    visit_keys = ("case__lead_org_id", "case__street_id", "case__category_id", "month")
    visits = (
        FollowUp.objects.filter(_in_months("visited_at", months))
        .annotate(month=_by_month("visited_at"))
        .values(*visit_keys)
        .annotate(total=Sum("satisfaction"), n=Count("id"))
    )
    for item in visits:
        target = row(*(item[key] for key in visit_keys))
        target.satisfaction_sum, target.satisfaction_count = item["total"] or 0, item["n"]
    return list(rows.values())


def refresh_cases(full: bool, now) -> int:
    with transaction.atomic():
        state = _locked_state("cases")
        months, marks = _touched_case_months({} if full else state.marks)
        rows = _case_rows(months)
        stale = CaseMonth.objects.all() if months is None else CaseMonth.objects.filter(month__in=months)
        stale.delete()
        CaseMonth.objects.bulk_create(rows, batch_size=2000)
        _finish(state, marks, months is None, now)
    return len(rows)


def refresh_referrals(full: bool, now) -> int:
    from shuniu.rights.models import Referral

    with transaction.atomic():
        state = _locked_state("referrals")
        mark, top = (None if full else state.marks.get("referral")), _max_id(Referral)
        months = None
        if mark is not None:
            months = {
                _month_start(created)
                for created in Referral.objects.filter(id__gt=mark, id__lte=top).values_list("created_at", flat=True)
            }
        flows = (
            Referral.objects.filter(_in_months("created_at", months))
            .annotate(month=_by_month("created_at"))
            .values("from_org_id", "to_org_id", "month")
            .annotate(n=Count("id"))
        )
        rows = [
            ReferralMonth(from_org_id=f["from_org_id"], to_org_id=f["to_org_id"], month=f["month"], referrals=f["n"])
            for f in flows
        ]
        (ReferralMonth.objects.all() if months is None else ReferralMonth.objects.filter(month__in=months)).delete()
        ReferralMonth.objects.bulk_create(rows, batch_size=2000)
        _finish(state, {"referral": top}, months is None, now)
    return len(rows)


# Relief ------------------------------------------------------------------------------------------


def _duplicate_findings(year: int) -> list[DuplicateAidFinding]:
    """The rules of `relief.reports.duplicate_aid`: a person paid by two programmes of the same
    purpose or beyond a programme's cap per person; a household beyond a cap per household."""
    from shuniu.relief.models import LedgerEntry, Programme

    programmes = {p.pk: p for p in Programme.objects.all()}
    findings = []

    def flag(subject, subject_id, funded: dict[int, Decimal], cap_attr: str, overlaps: bool):
        purposes = defaultdict(int)
        for programme_id in funded:
            purposes[programmes[programme_id].purpose] += 1
        flagged = overlaps and any(count > 1 for count in purposes.values())
        flagged = flagged or any(
            getattr(programmes[pid], cap_attr) and total > getattr(programmes[pid], cap_attr)
            for pid, total in funded.items()
        )
        if flagged:
            for organization_id in {programmes[pid].organization_id for pid in funded}:
                findings.append(
                    DuplicateAidFinding(
                        year=year, subject=subject, subject_id=subject_id, organization_id=organization_id
                    )
                )

    for field, subject, cap_attr, overlaps in (
        ("person_id", "person", "person_cap", True),
        ("household_id", "household", "household_cap", False),
    ):
        funded: dict[int, dict[int, Decimal]] = defaultdict(dict)
        totals = (
            LedgerEntry.objects.filter(year=year, **{f"{field}__isnull": False})
            .values(field, "programme_id")
            .annotate(total=Sum("amount"))
            .filter(total__gt=0)
        )
        for item in totals:
            funded[item[field]][item["programme_id"]] = item["total"]
        for subject_id, programmes_paid in funded.items():
            flag(subject, subject_id, programmes_paid, cap_attr, overlaps)
    return findings


def refresh_aid(full: bool, now) -> int:
    from shuniu.relief.models import Budget, LedgerEntry

    with transaction.atomic():
        state = _locked_state("aid")
        mark, top = (None if full else state.marks.get("ledger")), _max_id(LedgerEntry)
        years = None
        if mark is not None:
            years = set(LedgerEntry.objects.filter(id__gt=mark, id__lte=top).values_list("year", flat=True).distinct())
        entries = LedgerEntry.objects.all() if years is None else LedgerEntry.objects.filter(year__in=years)
        sums = (
            entries.annotate(month=_by_month("created_at"))
            .values("programme_id", "organization_id", "funding_source", "year", "month")
            .annotate(total=Sum("amount"))
        )
        rows = [
            AidMonth(
                programme_id=s["programme_id"],
                organization_id=s["organization_id"],
                funding_source=s["funding_source"],
                year=s["year"],
                month=s["month"],
                amount=s["total"] or 0,
            )
            for s in sums
        ]
        (AidMonth.objects.all() if years is None else AidMonth.objects.filter(year__in=years)).delete()
        AidMonth.objects.bulk_create(rows, batch_size=2000)
        # Budgets are a few rows a year and change without a ledger row: copied whole each time.
        BudgetYear.objects.all().delete()
        BudgetYear.objects.bulk_create(
            BudgetYear(
                programme_id=budget.programme_id,
                organization_id=budget.programme.organization_id,
                funding_source=budget.funding_source,
                year=budget.year,
                amount=budget.amount,
            )
            for budget in Budget.objects.select_related("programme")
        )
        if years is None:
            years = set(LedgerEntry.objects.values_list("year", flat=True).distinct())
            DuplicateAidFinding.objects.all().delete()
        for year in years:
            DuplicateAidFinding.objects.filter(year=year).delete()
            DuplicateAidFinding.objects.bulk_create(_duplicate_findings(year), batch_size=2000)
        _finish(state, {"ledger": top}, mark is None, now)
    return len(rows)


def refresh_coverage(full: bool, now) -> int:
    """People in difficulty reached by any aid in the last 12 months, per community, for the
    district and per serving organisation."""
    from shuniu.people.models import Person, Serving
    from shuniu.relief.models import EntryKind, LedgerEntry
    from shuniu.relief.reports import DIFFICULTY_TAGS

    with transaction.atomic():
        state = _locked_state("coverage")
        if not full and state.refreshed_at and state.refreshed_at > now - SLOW_PARTS_EVERY:
            return 0
        helped = LedgerEntry.objects.filter(created_at__gte=now - timedelta(days=365), kind=EntryKind.DISBURSEMENT)
        tagged = Person.objects.filter(tags__tag__in=DIFFICULTY_TAGS)
        uncovered = tagged.exclude(pk__in=helped.values("person_id"))
        counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        for index, people in enumerate((tagged, uncovered)):
            for item in people.values("community_id").annotate(n=Count("id", distinct=True)):
                counts[(None, item["community_id"])][index] = item["n"]
            served = Serving.objects.filter(person__in=people.values("pk"))
            for item in served.values("organization_id", "person__community_id").annotate(
                n=Count("person_id", distinct=True)
            ):
                counts[(item["organization_id"], item["person__community_id"])][index] = item["n"]
        CoverageArea.objects.all().delete()
        CoverageArea.objects.bulk_create(
            [
                CoverageArea(organization_id=org, community_id=community, tagged=values[0], uncovered=values[1])
                for (org, community), values in counts.items()
            ],
            batch_size=2000,
        )
        _finish(state, {}, True, now)
    return len(counts)


# Small tables, recomputed whole ------------------------------------------------------------------


def refresh_training(now) -> int:
    from shuniu.training.models import Enrollment, Session

    with transaction.atomic():
        state = _locked_state("training")
        sessions = Session.objects.exclude(status="cancelled")
        rows: dict[tuple, TrainingMonth] = {}
        for item in (
            sessions.annotate(month=_by_month("starts_at"))
            .values("organization_id", "course__category", "month")
            .annotate(n=Count("id"), hours=Sum("course__hours"))
        ):
            key = (item["organization_id"], item["course__category"], item["month"])
            rows[key] = TrainingMonth(
                organization_id=key[0], category=key[1], month=key[2], sessions=item["n"], hours=item["hours"] or 0
            )
        for item in (
            Enrollment.objects.filter(session__in=sessions.values("pk"), status="confirmed")
            .annotate(month=_by_month("session__starts_at"))
            .values("session__organization_id", "session__course__category", "month")
            .annotate(n=Count("id"))
        ):
            key = (item["session__organization_id"], item["session__course__category"], item["month"])
            if key in rows:
                rows[key].participants = item["n"]
        TrainingMonth.objects.all().delete()
        TrainingMonth.objects.bulk_create(rows.values(), batch_size=2000)
        _finish(state, {}, True, now)
    return len(rows)


def refresh_volunteers(now) -> int:
    from shuniu.outreach.models import VolunteerHours

    with transaction.atomic():
        state = _locked_state("volunteers")
        rows = [
            VolunteerMonth(
                organization_id=item["assignment__shift__activity__organization_id"],
                volunteer_id=item["volunteer_id"],
                month=item["month"],
                minutes=item["minutes"] or 0,
            )
            for item in VolunteerHours.objects.filter(
                status="confirmed", assignment__shift__activity__organization__isnull=False
            )
            .annotate(month=_by_month("created_at"))
            .values("assignment__shift__activity__organization_id", "volunteer_id", "month")
            .annotate(minutes=Sum("confirmed_minutes"))
        ]
        VolunteerMonth.objects.all().delete()
        VolunteerMonth.objects.bulk_create(rows, batch_size=2000)
        _finish(state, {}, True, now)
    return len(rows)


def refresh_counts(now) -> int:
    """Counts as they stand now: overdue open cases, registered volunteers, action items by status."""
    from shuniu.meetings.models import ActionItem
    from shuniu.outreach.models import Volunteer
    from shuniu.rights.models import OPEN_STATUSES, RightsCase

    rows = []
    overdue = RightsCase.objects.filter(status__in=OPEN_STATUSES, resolution_due__lt=now)
    for org, n in overdue.values("lead_org_id").annotate(n=Count("id")).values_list("lead_org_id", "n"):
        rows.append(OrganizationCount(organization_id=org, key="overdue_cases", value=n))
    for org, n in (
        # Volunteers registered without an organisation: a row without one, seen by the district only.
        Volunteer.objects.values("organization_id").annotate(n=Count("id")).values_list("organization_id", "n")
    ):
        rows.append(OrganizationCount(organization_id=org, key="volunteers", value=n))
    items = (
        ActionItem.objects.filter(lead_organization__isnull=False)
        .values("lead_organization_id", "status")
        .annotate(n=Count("id"))
    )
    for item in items:
        rows.append(
            OrganizationCount(
                organization_id=item["lead_organization_id"], key=f"action_items:{item['status']}", value=item["n"]
            )
        )
    with transaction.atomic():
        state = _locked_state("counts")
        OrganizationCount.objects.all().delete()
        OrganizationCount.objects.bulk_create(rows, batch_size=2000)
        _finish(state, {}, True, now)
    return len(rows)


PARTS = ("cases", "referrals", "aid", "coverage", "training", "volunteers", "counts")
# Coverage reads the whole registry and is refreshed hourly: the "as of" time is that of the rest.
AS_OF_PARTS = ("cases", "referrals", "aid", "training", "volunteers", "counts")


def refresh(full: bool = False, now=None) -> dict[str, int]:
    """Bring every aggregate table up to date; returns the rows written per part."""
    now = now or timezone.now()
    return {
        "cases": refresh_cases(full, now),
        "referrals": refresh_referrals(full, now),
        "aid": refresh_aid(full, now),
        "coverage": refresh_coverage(full, now),
        "training": refresh_training(now),
        "volunteers": refresh_volunteers(now),
        "counts": refresh_counts(now),
    }


def figures_as_of():
    """When the figures were last brought up to date (the oldest part), or None if never."""
    states = dict(RefreshState.objects.filter(name__in=AS_OF_PARTS).values_list("name", "refreshed_at"))
    if len(states) < len(AS_OF_PARTS) or None in states.values():
        return None
    return min(states.values())


def rebuild() -> dict[str, int]:
    """Rebuild every aggregate table from the records (the nightly job and `shuniu insights_rebuild`)."""
    return refresh(full=True)
