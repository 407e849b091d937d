"""The cockpit's figures, read only from the pre-aggregated tables (`insights.models`, refreshed by
`insights.aggregates`), filtered to the organisations whose records the viewer may see (district
roles: all), so a dashboard never counts another organisation's work and stays fast at a million
cases.

Every figure is a `Figure`: a chart description for ECharts, the same numbers as a table
(accessibility, export), a link to the scoped list behind it and, per row (and chart point), a link
to that list already filtered. A figure whose app is missing or fails to compute is returned hidden
with a note instead of breaking the page. Results are cached per viewer scope until the next refresh.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shuniu.core.scoping import get_scope

logger = logging.getLogger(__name__)
CACHE_SECONDS = 300


@dataclass
class Period:
    start: date
    end: date  # exclusive
    label: str

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, timezone.get_current_timezone())

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time.min, timezone.get_current_timezone())


def month_period(year: int, month: int) -> Period:
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return Period(start, end, f"{year}-{month:02d}")


def quarter_period(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return Period(start, end, f"{year}Q{quarter}")


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year + 1, 1, 1), str(year))


def last_twelve_months(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    first = today.year * 12 + today.month - 1 - 11
    start = date(first // 12, first % 12 + 1, 1)
    end = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return Period(start, end, _("last 12 months"))


def parse_period(value: str, today: date | None = None) -> Period:
    """`2026`, `2026-03`, `2026Q1`; anything else is the last 12 months."""
    value = (value or "").strip().upper()
    try:
        if len(value) == 4 and value.isdigit():
            return year_period(int(value))
        if len(value) == 7 and value[4] == "-":
            year, month = int(value[:4]), int(value[5:])
            if 1 <= month <= 12:
                return month_period(year, month)
        if len(value) == 6 and value[4] == "Q":
            year, quarter = int(value[:4]), int(value[5])
            if 1 <= quarter <= 4:
                return quarter_period(year, quarter)
    except ValueError:
        pass
    return last_twelve_months(today)


@dataclass
class Figure:
    key: str
    title: str
    kind: str  # bar, line, stacked, graph, kpi
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    chart: dict = field(default_factory=dict)
    link: str = ""
    link_label: str = ""
    note: str = ""
    hidden: bool = False
    kpis: list[tuple[str, str]] = field(default_factory=list)
    row_links: list[str] = field(default_factory=list)  # per row (and chart point): the list behind it
    width: str = "third"  # full, half or third of the row on wide screens

    @property
    def table_rows(self) -> list[tuple[list, str]]:
        """(row, link to the list behind it or "") for the template."""
        return [
            (row, self.row_links[index] if index < len(self.row_links) else "") for index, row in enumerate(self.rows)
        ]


def _url(name: str, query: str = "") -> str:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


def _money(value) -> str:
    return f"{Decimal(value or 0):,.2f}"


def _months(period: Period) -> list[date]:
    months, current = [], period.start
    while current < period.end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


# Scoping of aggregate rows ---------------------------------------------------------------------------


def _scoped(queryset, user, permission: str, *fields: str):
    """Aggregate rows of the organisations where the user holds `permission` (with branches), matched
    on any of `fields`; district roles see every row; without the permission, none."""
    scope = get_scope(user)
    if not scope.memberships:
        return queryset.none()
    org_ids = scope.org_ids_with(permission)
    if org_ids is None:
        return queryset
    if not org_ids:
        return queryset.none()
    condition = Q(pk__in=[])
    for name in fields or ("organization_id",):
        condition |= Q(**{f"{name}__in": org_ids})
    return queryset.filter(condition)


def _list_query(**params) -> str:
    return urlencode({key: value for key, value in params.items() if value not in (None, "")})


def _period_dates(period: Period) -> dict:
    return {"date_from": period.start.isoformat(), "date_to": (period.end - timedelta(days=1)).isoformat()}


def _org_name(row: dict, prefix: str = "organization") -> str:
    return row[f"{prefix}__short_name"] or row[f"{prefix}__name"] or "—"


# Rights --------------------------------------------------------------------------------------


def rights_figures(user, period: Period) -> list[Figure]:
    from .models import CaseMonth, OrganizationCount, ReferralMonth

    facts = _scoped(CaseMonth.objects.all(), user, "rights:case_view").filter(
        month__gte=period.start, month__lt=period.end
    )
    queue = _url("rights:queue")
    dates = _period_dates(period)

    def queue_link(**params) -> str:
        return f"{queue}?{_list_query(tab='all', **params)}" if queue else ""

    totals = facts.aggregate(
        received=Sum("received"),
        closed=Sum("closed"),
        on_time=Sum("closed_on_time"),
        money=Sum("money_recovered"),
        satisfaction=Sum("satisfaction_sum"),
        visits=Sum("satisfaction_count"),
    )
    overdue_open = (
        _scoped(OrganizationCount.objects.filter(key="overdue_cases"), user, "rights:case_view").aggregate(
            n=Sum("value")
        )["n"]
        or 0
    )
    total_closed, on_time = totals["closed"] or 0, totals["on_time"] or 0
    on_time_rate = f"{100 * on_time / total_closed:.1f}%" if total_closed else "—"
    visits = totals["visits"] or 0
    satisfaction_text = f"{totals['satisfaction'] / visits:.2f} / 5 ({visits})" if visits else "—"
    kpis = [
        (_("Cases received"), str(totals["received"] or 0)),
        (_("Cases closed"), str(total_closed)),
        (_("On-time closure rate"), on_time_rate),
        (_("Satisfaction (follow-up visits)"), satisfaction_text),
        (_("Money recovered (yuan)"), _money(totals["money"])),
        (_("Open cases past their deadline"), str(overdue_open)),
    ]
    figures = [
        Figure(
            key="hotline_kpis",
            title=_("How the hotlines are judged"),
            kind="kpi",
            kpis=kpis,
            headers=[_("Figure"), _("Value")],
            rows=[[label, value] for label, value in kpis],
            link=queue_link(**dates),
            link_label=_("Open the cases received in this period"),
            width="full",
        )
    ]

    by_month = {
        row["month"]: row for row in facts.values("month").annotate(received_n=Sum("received"), closed_n=Sum("closed"))
    }
    months = _months(period)
    labels = [f"{month:%Y-%m}" for month in months]
    received = [(by_month.get(month) or {}).get("received_n") or 0 for month in months]
    closed_counts = [(by_month.get(month) or {}).get("closed_n") or 0 for month in months]
    month_links = [
        queue_link(date_from=month.isoformat(), date_to=(_next_month(month) - timedelta(days=1)).isoformat())
        for month in months
    ]
    figures.append(
        Figure(
            key="cases_by_month",
            title=_("Cases received and closed by month"),
            width="half",
            kind="line",
            headers=[_("Month"), _("Received"), _("Closed")],
            rows=[[label, r, c] for label, r, c in zip(labels, received, closed_counts, strict=True)],
            row_links=month_links,
            chart={
                "categories": labels,
                "series": [{"name": _("Received"), "data": received}, {"name": _("Closed"), "data": closed_counts}],
            },
            link=queue_link(**dates),
            link_label=_("Open the cases received in this period"),
        )
    )

    english = (get_language() or "").startswith("en")
    by_category = list(
        facts.values("category_id", "category__name", "category__name_en")
        .annotate(n=Sum("received"))
        .filter(n__gt=0)
        .order_by("-n", "category_id")[:12]
    )
    figures.append(
        _bar(
            "cases_by_category",
            _("Cases by category"),
            _("Category"),
            [
                [(row["category__name_en"] if english else row["category__name"]) or "—", row["n"]]
                for row in by_category
            ],
            queue_link(**dates),
            row_links=[queue_link(category=row["category_id"], **dates) for row in by_category],
        )
    )
    by_org = list(
        facts.values("organization_id", "organization__short_name", "organization__name")
        .annotate(n=Sum("received"))
        .filter(n__gt=0)
        .order_by("-n", "organization_id")[:15]
    )
    figures.append(
        _bar(
            "cases_by_organization",
            _("Cases by organisation"),
            _("Organisation"),
            [[_org_name(row), row["n"]] for row in by_org],
            queue_link(**dates),
            row_links=[queue_link(organization=row["organization_id"], **dates) for row in by_org],
        )
    )
    by_street = list(
        facts.values("street_id", "street__name").annotate(n=Sum("received")).filter(n__gt=0).order_by("-n")[:15]
    )
    figures.append(
        _bar(
            "cases_by_street",
            _("Cases by street"),
            _("Street"),
            [[row["street__name"] or _("No street given"), row["n"]] for row in by_street],
            queue_link(**dates),
            row_links=[queue_link(street=row["street_id"], **dates) if row["street_id"] else "" for row in by_street],
        )
    )

    flows = list(
        _scoped(ReferralMonth.objects.all(), user, "rights:case_view", "from_org_id", "to_org_id")
        .filter(month__gte=period.start, month__lt=period.end)
        .values(
            "from_org_id", "from_org__short_name", "from_org__name", "to_org_id", "to_org__short_name", "to_org__name"
        )
        .annotate(n=Sum("referrals"))
        .order_by("-n", "from_org_id", "to_org_id")[:40]
    )
    flow_rows = [[_org_name(row, "from_org"), _org_name(row, "to_org"), row["n"]] for row in flows]
    flow_links = [
        queue_link(
            referred_from=row["from_org_id"],
            referred_to=row["to_org_id"],
            referred_since=dates["date_from"],
            referred_until=dates["date_to"],
        )
        for row in flows
    ]
    nodes = sorted({row[0] for row in flow_rows} | {row[1] for row in flow_rows})
    figures.append(
        Figure(
            key="referral_flows",
            title=_("Referrals between organisations"),
            kind="graph",
            headers=[_("From"), _("To"), _("Referrals")],
            rows=flow_rows,
            row_links=flow_links,
            chart={"nodes": nodes, "links": [{"source": a, "target": b, "value": n} for a, b, n in flow_rows]},
            link=queue_link(**dates),
            link_label=_("Open the cases received in this period"),
            note="" if flow_rows else _("No referrals in this period."),
            width="half",
        )
    )
    order = ["hotline_kpis", "cases_by_month", "referral_flows", "cases_by_category", "cases_by_organization"]
    return sorted(figures, key=lambda figure: order.index(figure.key) if figure.key in order else len(order))


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _bar(key, title, label_header, rows, link, value_header=None, row_links=None) -> Figure:
    return Figure(
        key=key,
        title=title,
        kind="bar",
        headers=[label_header, value_header or _("Cases")],
        rows=rows,
        row_links=row_links or [],
        chart={
            "categories": [row[0] for row in rows],
            "series": [{"name": value_header or _("Cases"), "data": [row[1] for row in rows]}],
        },
        link=link,
        link_label=_("Open the list behind it"),
        note="" if rows else _("Nothing in this period."),
    )


# Relief --------------------------------------------------------------------------------------


def relief_figures(user, period: Period) -> list[Figure]:
    from shuniu.relief.models import FundingSource
    from shuniu.relief.reports import report_org_ids

    from .models import AidMonth, BudgetYear, CoverageArea, DuplicateAidFinding

    scope = get_scope(user)
    figures = []
    if scope.has("relief:report"):
        allowed = report_org_ids(user)
        year = (period.end - timedelta(days=1)).year
        budgets = BudgetYear.objects.filter(year=year)
        aid = AidMonth.objects.filter(year=year)
        findings = DuplicateAidFinding.objects.filter(year=year)
        if allowed is not None:
            budgets = budgets.filter(programme__organization_id__in=allowed)
            aid = aid.filter(programme__organization_id__in=allowed)
            findings = findings.filter(organization_id__in=allowed)
        names: dict[int, str] = {}
        per_programme: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        per_channel: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for row in budgets.values("programme_id", "programme__name", "funding_source").annotate(total=Sum("amount")):
            names[row["programme_id"]] = row["programme__name"]
            per_programme[row["programme_id"]][0] += row["total"]
            per_channel[row["funding_source"]][0] += row["total"]
        for row in aid.values("programme_id", "programme__name", "funding_source").annotate(total=Sum("amount")):
            names[row["programme_id"]] = row["programme__name"]
            per_programme[row["programme_id"]][1] += row["total"]
            per_channel[row["funding_source"]][1] += row["total"]
        ordered = sorted(per_programme, key=lambda pk: (names[pk], pk))
        rows = [[names[pk], _money(per_programme[pk][0]), _money(per_programme[pk][1])] for pk in ordered]
        applications = _url("relief:applications")
        figures.append(
            Figure(
                key="aid_vs_budget",
                width="half",
                title=_("Aid disbursed against budget, by programme (%(year)s)") % {"year": year},
                kind="bar",
                headers=[_("Programme"), _("Budget (yuan)"), _("Disbursed (yuan)")],
                rows=rows,
                row_links=[f"{applications}?{_list_query(programme=pk)}" if applications else "" for pk in ordered],
                chart={
                    "categories": [row[0] for row in rows],
                    "series": [
                        {"name": _("Budget (yuan)"), "data": [float(per_programme[pk][0]) for pk in ordered]},
                        {"name": _("Disbursed (yuan)"), "data": [float(per_programme[pk][1]) for pk in ordered]},
                    ],
                },
                link=_url("relief:reconciliation", f"year={year}"),
                link_label=_("Open the reconciliation"),
                note="" if rows else _("No budgets for this year."),
            )
        )
        channel_labels = dict(FundingSource.choices)
        channels = sorted(per_channel, key=lambda value: str(channel_labels.get(value, value)))
        figures.append(
            Figure(
                key="aid_by_channel",
                width="half",
                title=_("Aid by funding channel (%(year)s)") % {"year": year},
                kind="table",
                headers=[_("Funding channel"), _("Budget (yuan)"), _("Disbursed (yuan)")],
                rows=[
                    [
                        str(channel_labels.get(value, value)),
                        _money(per_channel[value][0]),
                        _money(per_channel[value][1]),
                    ]
                    for value in channels
                ],
                link=_url("relief:reconciliation", f"year={year}"),
                link_label=_("Open the reconciliation"),
                note="" if channels else _("No budgets for this year."),
            )
        )
        duplicates = findings.values("subject", "subject_id").distinct().count()
        figures.append(
            Figure(
                key="duplicate_aid",
                width="full",
                title=_("Duplicate-aid findings (%(year)s)") % {"year": year},
                kind="kpi",
                kpis=[(_("People or households over a cap or aided twice"), str(duplicates))],
                headers=[_("Figure"), _("Value")],
                rows=[[_("People or households over a cap or aided twice"), duplicates]],
                link=_url("relief:duplicate_aid", f"year={year}"),
                link_label=_("Open the findings"),
            )
        )
    coverage = CoverageArea.objects.none()
    org_ids = scope.org_ids_with("people:view") if scope.memberships else set()
    if org_ids is None:
        coverage = CoverageArea.objects.filter(organization__isnull=True)
    elif org_ids:
        coverage = CoverageArea.objects.filter(organization_id__in=org_ids)
    areas = list(
        coverage.values("community_id", "community__name", "community__parent__name").annotate(
            tagged_n=Sum("tagged"), uncovered_n=Sum("uncovered")
        )
    )
    areas.sort(key=lambda area: (area["community__parent__name"] or "—", area["community__name"] or "—"))
    areas = sorted(areas, key=lambda area: -area["uncovered_n"])[:20]
    rows = [
        [
            f"{area['community__parent__name'] or '—'} · {area['community__name'] or '—'}",
            area["tagged_n"] - area["uncovered_n"],
            area["uncovered_n"],
        ]
        for area in areas
    ]
    figures.append(
        Figure(
            key="coverage",
            width="full",
            title=_("People in difficulty reached in the last 12 months, by community"),
            kind="stacked",
            headers=[_("Community"), _("Reached"), _("Not reached")],
            rows=rows,
            chart={
                "categories": [row[0] for row in rows],
                "series": [
                    {"name": _("Reached"), "data": [row[1] for row in rows]},
                    {"name": _("Not reached"), "data": [row[2] for row in rows]},
                ],
            },
            link=_url("relief:coverage_gap"),
            link_label=_("Open the coverage gaps"),
            note="" if rows else _("No people tagged as in difficulty yet."),
        )
    )
    return figures


# Training ------------------------------------------------------------------------------------


def training_figures(user, period: Period) -> list[Figure]:
    from shuniu.training.models import CourseCategory

    from .models import TrainingMonth

    facts = _scoped(TrainingMonth.objects.all(), user, "training:view").filter(
        month__gte=period.start, month__lt=period.end
    )
    sums = {
        row["category"]: row
        for row in facts.values("category").annotate(s=Sum("sessions"), p=Sum("participants"), h=Sum("hours"))
    }
    rows = [
        [
            str(label),
            (sums.get(value) or {}).get("s") or 0,
            (sums.get(value) or {}).get("p") or 0,
            float((sums.get(value) or {}).get("h") or 0),
        ]
        for value, label in CourseCategory.choices
    ]
    courses = _url("training:index")
    return [
        Figure(
            key="training_by_category",
            width="full",
            title=_("Training sessions, participants and hours by category"),
            kind="bar",
            headers=[_("Category"), _("Sessions"), _("Participants"), _("Course hours")],
            rows=rows,
            row_links=[
                f"{courses}?{_list_query(category=value)}" if courses else ""
                for value, _label in CourseCategory.choices
            ],
            chart={
                "categories": [row[0] for row in rows],
                "series": [
                    {"name": _("Sessions"), "data": [row[1] for row in rows]},
                    {"name": _("Participants"), "data": [row[2] for row in rows]},
                    {"name": _("Course hours"), "data": [row[3] for row in rows]},
                ],
            },
            link=courses,
            link_label=_("Open the courses"),
        )
    ]


# Meetings and volunteers ------------------------------------------------------------------------


def meetings_figures(user, period: Period) -> list[Figure]:
    from shuniu.meetings.models import ItemStatus

    from .models import OrganizationCount

    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[int, str] = {}
    items = _scoped(OrganizationCount.objects.filter(key__startswith="action_items:"), user, "meetings:view")
    for row in items.values("organization_id", "organization__short_name", "organization__name", "key", "value"):
        names[row["organization_id"]] = _org_name(row)
        counts[row["organization_id"]][row["key"].split(":", 1)[1]] += row["value"]
    statuses = list(ItemStatus.choices)
    ordered = sorted(names, key=lambda pk: (names[pk], pk))
    rows = [[names[pk], *[counts[pk][value] for value, _label in statuses]] for pk in ordered]
    board = _url("meetings:board")
    return [
        Figure(
            key="action_items",
            width="full",
            title=_("Action items by status and lead organisation"),
            kind="stacked",
            headers=[_("Organisation"), *[str(label) for _value, label in statuses]],
            rows=rows,
            row_links=[f"{board}?{_list_query(organization=pk, show='all')}" if board else "" for pk in ordered],
            chart={
                "categories": [names[pk] for pk in ordered],
                "series": [
                    {"name": str(label), "data": [counts[pk][value] for pk in ordered]} for value, label in statuses
                ],
            },
            link=board,
            link_label=_("Open the supervision board"),
            note="" if rows else _("No action items yet."),
        )
    ]


def volunteer_figures(user, period: Period) -> list[Figure]:
    from .models import OrganizationCount, VolunteerMonth

    registered = (
        _scoped(OrganizationCount.objects.filter(key="volunteers"), user, "outreach:view").aggregate(n=Sum("value"))[
            "n"
        ]
        or 0
    )
    hours = _scoped(VolunteerMonth.objects.all(), user, "outreach:view").filter(
        month__gte=period.start, month__lt=period.end
    )
    minutes = hours.aggregate(total=Sum("minutes"))["total"] or 0
    active = hours.values("volunteer_id").distinct().count()
    kpis = [
        (_("Registered volunteers"), str(registered)),
        (_("Volunteers with confirmed hours"), str(active)),
        (_("Confirmed volunteer hours"), f"{minutes / 60:.1f}"),
    ]
    return [
        Figure(
            key="volunteers",
            width="full",
            title=_("Volunteers and hours"),
            kind="kpi",
            kpis=kpis,
            headers=[_("Figure"), _("Value")],
            rows=[[label, value] for label, value in kpis],
            link=_url("outreach:volunteers"),
            link_label=_("Open the volunteers"),
        )
    ]


SECTIONS = [
    ("rights", gettext_lazy("Rights protection"), rights_figures),
    ("relief", gettext_lazy("Assistance and relief"), relief_figures),
    ("training", gettext_lazy("Education and training"), training_figures),
    ("meetings", gettext_lazy("Joint meetings and supervision"), meetings_figures),
    ("outreach", gettext_lazy("Volunteers"), volunteer_figures),
]


def _scope_key(user) -> str:
    scope = get_scope(user)
    orgs = sorted(membership.organization.pk for membership in scope.memberships)
    return f"{user.pk}:{'-'.join(map(str, orgs))}"


def current_as_of() -> datetime | None:
    """When the aggregate tables were last refreshed. Never (a new installation without the demo
    data, whose seeding builds them): ask the task worker for a first refresh, once, and return None;
    the page says the figures are being prepared. A request never computes them itself."""
    from .aggregates import figures_as_of

    as_of = figures_as_of()
    if as_of is None and cache.add("shuniu-insights:first-refresh", 1, CACHE_SECONDS):
        from .tasks import refresh_aggregates

        transaction.on_commit(refresh_aggregates.enqueue)
    return as_of


def compute_sections(user, period: Period, *, use_cache: bool = True, as_of: datetime | None = None) -> list[dict]:
    """[{key, title, figures: [Figure], note}] from the aggregate tables — a section that cannot be
    computed says so. Cached per viewer scope until the tables are next refreshed."""
    as_of = as_of or current_as_of()
    stamp = as_of.timestamp() if as_of else 0
    cache_key = f"shuniu-insights:{_scope_key(user)}:{period.start}:{period.end}:{get_language()}:{stamp}"
    if use_cache:
        cached = cache.get(cache_key)
        if cached is not None:
            return cached
    sections = []
    for key, title, compute in SECTIONS:
        try:
            figures = compute(user, period)
            note = ""
        except (ImportError, LookupError, AttributeError) as error:
            # The app is not installed here or not yet finished: hide its figures, say so.
            logger.info("insights section %s hidden: %s", key, error)
            figures, note = [], _("These figures are not available yet.")
        sections.append({"key": key, "title": str(title), "figures": figures, "note": note})
    cache.set(cache_key, sections, CACHE_SECONDS)
    return sections


def chart_payload(sections: list[dict]) -> dict:
    """What the page's script needs: per chart id, its kind and data."""
    payload = {}
    for section in sections:
        for figure in section["figures"]:
            if figure.kind in {"bar", "line", "stacked", "graph"} and figure.rows:
                payload[figure.key] = {
                    "kind": figure.kind,
                    "title": str(figure.title),
                    "targets": figure.row_links,
                    **figure.chart,
                }
    return payload
