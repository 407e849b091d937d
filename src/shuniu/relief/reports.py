"""Cross-organisation reports: duplicate aid, coverage gaps, reconciliation. They read the ledger
of every organisation (amounts and programmes only) and show each user the rows that involve the
organisations they work for; district roles see the whole district."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from shuniu.core.crypto import mask_id_number, mask_name
from shuniu.core.models import Region
from shuniu.core.scoping import get_scope
from shuniu.people.models import Person, PersonTag, Tag
from shuniu.relief.models import ZERO, Budget, EntryKind, LedgerEntry, Programme, _ancestor_ids, money

DIFFICULTY_TAGS = [Tag.IN_DIFFICULTY, Tag.WORKER_IN_HARDSHIP, Tag.LOW_INCOME]


def report_org_ids(user) -> set[int] | None:
    scope = get_scope(user)
    org_ids = scope.org_ids_with("relief:report")
    if org_ids is None:
        return None
    return org_ids | _ancestor_ids(scope) if org_ids else set()


@dataclass
class DuplicateRow:
    subject: str  # "person" or "household"
    label: str
    community: str
    programmes: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (programme, organisation, amount)
    total: Decimal = ZERO
    reasons: list[str] = field(default_factory=list)
    person_id: int | None = None


def duplicate_aid(user, year: int) -> list[DuplicateRow]:
    """People (and households) funded this year by two or more programmes of the same purpose, or
    beyond a programme's cap per person or per household."""
    from django.utils.translation import gettext as _

    allowed = report_org_ids(user)
    programmes = {p.pk: p for p in Programme.objects.select_related("organization")}
    per_person = (
        LedgerEntry.objects.filter(year=year)
        .values("person_id", "programme_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
    )
    by_person: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in per_person:
        by_person[row["person_id"]][row["programme_id"]] = money(row["total"])
    per_household = (
        LedgerEntry.objects.filter(year=year, household__isnull=False)
        .values("household_id", "programme_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
    )
    by_household: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in per_household:
        by_household[row["household_id"]][row["programme_id"]] = money(row["total"])

    def reasons_for(funded: dict[int, Decimal], cap_attr: str, overlaps: bool) -> list[str]:
        reasons = []
        purposes: dict[str, list[str]] = defaultdict(list)
        for programme_id in funded:
            purposes[programmes[programme_id].purpose].append(programmes[programme_id].name)
        for names in purposes.values():
            if overlaps and len(names) > 1:
                reasons.append(_("overlapping programmes: %(names)s") % {"names": "、".join(sorted(names))})
        for programme_id, total in funded.items():
            cap = getattr(programmes[programme_id], cap_attr)
            if cap and total > cap:
                reasons.append(
                    _("%(programme)s paid %(total)s yuan, over its cap of %(cap)s yuan")
                    % {"programme": programmes[programme_id].name, "total": total, "cap": cap}
                )
        return reasons

    def visible(funded: dict[int, Decimal]) -> bool:
        return allowed is None or any(programmes[pid].organization_id in allowed for pid in funded)

    rows: list[DuplicateRow] = []
    flagged_people = {pid: funded for pid, funded in by_person.items() if visible(funded)}
    people = Person.objects.in_bulk(list(flagged_people))
    for person_id, funded in flagged_people.items():
        reasons = reasons_for(funded, "person_cap", overlaps=True)
        if not reasons:
            continue
        person = people[person_id]
        rows.append(
            DuplicateRow(
                subject="person",
                label=f"{mask_name(person.name)} {mask_id_number(person.id_number)}",
                community=str(person.community or ""),
                programmes=[
                    (programmes[pid].name, programmes[pid].organization.display_name, total)
                    for pid, total in funded.items()
                ],
                total=sum(funded.values(), ZERO),
                reasons=reasons,
                person_id=person_id,
            )
        )
    from shuniu.people.models import Household

    households = Household.objects.in_bulk(list(by_household))
    for household_id, funded in by_household.items():
        if not visible(funded):
            continue
        # Two children of one household in the same programme is not duplication; only the cap counts.
        reasons = reasons_for(funded, "household_cap", overlaps=False)
        if not reasons:
            continue
        household = households[household_id]
        rows.append(
            DuplicateRow(
                subject="household",
                label=mask_name(household.name),
                community=str(household.community or ""),
                programmes=[
                    (programmes[pid].name, programmes[pid].organization.display_name, total)
                    for pid, total in funded.items()
                ],
                total=sum(funded.values(), ZERO),
                reasons=reasons,
            )
        )
    rows.sort(key=lambda row: (-row.total, row.label))
    return rows


@dataclass
class GapArea:
    street: str
    community: str
    tagged: int
    uncovered: int


def coverage_gap(user, today=None, limit: int = 200):
    """People tagged in difficulty who received no aid from any organisation in the last 12 months,
    counted by street and community. Returns (areas, people listed, total uncovered)."""
    today = today or timezone.localdate()
    since = timezone.now() - timedelta(days=365)
    scope = get_scope(user)
    people = Person.objects.all() if scope.is_district else Person.objects.visible_to(user)
    tagged = people.filter(tags__tag__in=DIFFICULTY_TAGS).distinct()
    helped_ids = LedgerEntry.objects.filter(created_at__gte=since, kind=EntryKind.DISBURSEMENT).values("person_id")
    uncovered = tagged.exclude(pk__in=helped_ids)
    tagged_counts = dict(
        tagged.values("community_id").annotate(n=Count("id", distinct=True)).values_list("community_id", "n")
    )
    uncovered_counts = dict(
        uncovered.values("community_id").annotate(n=Count("id", distinct=True)).values_list("community_id", "n")
    )
    regions = Region.objects.select_related("parent").in_bulk([cid for cid in tagged_counts if cid])
    areas = []
    for community_id, count in tagged_counts.items():
        region = regions.get(community_id)
        areas.append(
            GapArea(
                street=str(region.parent) if region and region.parent else "—",
                community=str(region) if region else "—",
                tagged=count,
                uncovered=uncovered_counts.get(community_id, 0),
            )
        )
    areas.sort(key=lambda a: (a.street, a.community))
    listed = list(uncovered.select_related("community").order_by("community__code", "id")[:limit])
    tags = defaultdict(list)
    for tag in PersonTag.objects.filter(person__in=listed, tag__in=DIFFICULTY_TAGS):
        tags[tag.person_id].append(tag.get_tag_display())
    for person in listed:
        person.difficulty_tags = tags[person.pk]
    return areas, listed, sum(uncovered_counts.values())


@dataclass
class ReconciliationRow:
    budget: Budget
    disbursed: Decimal
    reversed: Decimal
    adjusted: Decimal
    used: Decimal
    remaining: Decimal
    entries: int


def reconciliation(user, year: int) -> list[ReconciliationRow]:
    """Per budget: money in, money out by kind, what is left; every figure a sum of ledger rows."""
    allowed = report_org_ids(user)
    budgets = Budget.objects.filter(year=year).select_related("programme__organization")
    if allowed is not None:
        budgets = budgets.filter(programme__organization_id__in=allowed)
    sums = (
        LedgerEntry.objects.filter(budget__in=budgets)
        .values("budget_id")
        .annotate(
            disbursed=Sum("amount", filter=Q(kind=EntryKind.DISBURSEMENT)),
            reversed=Sum("amount", filter=Q(kind=EntryKind.REVERSAL)),
            adjusted=Sum("amount", filter=Q(kind=EntryKind.ADJUSTMENT)),
            used=Sum("amount"),
            entries=Count("id"),
        )
    )
    by_budget = {row["budget_id"]: row for row in sums}
    rows = []
    for budget in budgets.order_by("programme__organization_id", "programme__code"):
        row = by_budget.get(budget.pk, {})
        used = money(row.get("used"))
        rows.append(
            ReconciliationRow(
                budget=budget,
                disbursed=money(row.get("disbursed")),
                reversed=money(row.get("reversed")),
                adjusted=money(row.get("adjusted")),
                used=used,
                remaining=budget.amount - used,
                entries=row.get("entries") or 0,
            )
        )
    return rows
