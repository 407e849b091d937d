"""The cockpit's figures, each computed from the owning app's `visible_to` querysets (or its own
scoped report functions), so a dashboard never counts what its viewer may not see.

Every figure is a `Figure`: a chart description for ECharts, the same numbers as a table
(accessibility, export), and a link to the scoped list behind it. A figure whose app is missing or
fails to compute is returned hidden with a note instead of breaking the page. Results are cached
for a few minutes per viewer scope; the underlying queries use the apps' indexes (received_at,
lead_org/status, status/deadline…), so a refresh stays cheap at a large table.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, F, Sum
from django.db.models.functions import TruncMonth
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
    width: str = "third"  # full, half or third of the row on wide screens


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


# Rights --------------------------------------------------------------------------------------


def rights_figures(user, period: Period) -> list[Figure]:
    from shuniu.rights.models import FollowUp, Referral, RightsCase

    cases = RightsCase.objects.visible_to(user)
    in_period = cases.filter(received_at__gte=period.start_at, received_at__lt=period.end_at)
    closed = cases.filter(closed_at__gte=period.start_at, closed_at__lt=period.end_at)
    queue = _url("rights:queue", "tab=all")
    figures = []

    received_by_month = dict(
        in_period.annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    closed_by_month = dict(
        closed.annotate(month=TruncMonth("closed_at")).values("month").annotate(n=Count("id")).values_list("month", "n")
    )

    def month_count(counts, month):
        for key, value in counts.items():
            key_date = key.date() if isinstance(key, datetime) else key
            if key_date and key_date.year == month.year and key_date.month == month.month:
                return value
        return 0

    months = _months(period)
    labels = [f"{month:%Y-%m}" for month in months]
    received = [month_count(received_by_month, month) for month in months]
    closed_counts = [month_count(closed_by_month, month) for month in months]
    total_closed = closed.count()
    on_time = closed.filter(closed_at__lte=F("resolution_due")).count()
    satisfaction = FollowUp.objects.filter(
        case__in=cases.values("pk"), visited_at__gte=period.start_at, visited_at__lt=period.end_at
    ).aggregate(average=Avg("satisfaction"), count=Count("id"))
    money = closed.aggregate(total=Sum("money_recovered"))["total"]
    overdue_open = cases.filter(
        status__in=["received", "accepted", "assigned", "in_progress", "declined", "reopened"],
        resolution_due__lt=timezone.now(),
    ).count()
    on_time_rate = f"{100 * on_time / total_closed:.1f}%" if total_closed else "—"
    average = satisfaction["average"]
    satisfaction_text = f"{average:.2f} / 5 ({satisfaction['count']})" if average is not None else "—"
    figures.append(
        Figure(
            key="hotline_kpis",
            title=_("How the hotlines are judged"),
            kind="kpi",
            kpis=[
                (_("Cases received"), str(in_period.count())),
                (_("Cases closed"), str(total_closed)),
                (_("On-time closure rate"), on_time_rate),
                (_("Satisfaction (follow-up visits)"), satisfaction_text),
                (_("Money recovered (yuan)"), _money(money)),
                (_("Open cases past their deadline"), str(overdue_open)),
            ],
            headers=[_("Figure"), _("Value")],
            link=queue,
            link_label=_("Open the case list"),
            width="full",
        )
    )
    figures[-1].rows = [[label, value] for label, value in figures[-1].kpis]

    figures.append(
        Figure(
            key="cases_by_month",
            title=_("Cases received and closed by month"),
            width="half",
            kind="line",
            headers=[_("Month"), _("Received"), _("Closed")],
            rows=[[label, r, c] for label, r, c in zip(labels, received, closed_counts, strict=True)],
            chart={
                "categories": labels,
                "series": [{"name": _("Received"), "data": received}, {"name": _("Closed"), "data": closed_counts}],
            },
            link=queue,
            link_label=_("Open the case list"),
        )
    )

    english = (get_language() or "").startswith("en")
    by_category = list(
        in_period.values("category__name", "category__name_en").annotate(n=Count("id")).order_by("-n")[:12]
    )
    cat_rows = [
        [(row["category__name_en"] if english else row["category__name"]) or "—", row["n"]] for row in by_category
    ]
    figures.append(_bar("cases_by_category", _("Cases by category"), _("Category"), cat_rows, queue))

    by_org = list(
        in_period.values("lead_org__short_name", "lead_org__name").annotate(n=Count("id")).order_by("-n")[:15]
    )
    org_rows = [[row["lead_org__short_name"] or row["lead_org__name"], row["n"]] for row in by_org]
    figures.append(_bar("cases_by_organization", _("Cases by organisation"), _("Organisation"), org_rows, queue))

    by_street = list(in_period.values("street__name").annotate(n=Count("id")).order_by("-n")[:15])
    street_rows = [[row["street__name"] or _("No street given"), row["n"]] for row in by_street]
    figures.append(_bar("cases_by_street", _("Cases by street"), _("Street"), street_rows, queue))

    flows = list(
        Referral.objects.filter(
            case__in=cases.values("pk"), created_at__gte=period.start_at, created_at__lt=period.end_at
        )
        .values("from_org__short_name", "from_org__name", "to_org__short_name", "to_org__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:40]
    )
    flow_rows = [
        [
            row["from_org__short_name"] or row["from_org__name"],
            row["to_org__short_name"] or row["to_org__name"],
            row["n"],
        ]
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
            chart={"nodes": nodes, "links": [{"source": a, "target": b, "value": n} for a, b, n in flow_rows]},
            link=queue,
            link_label=_("Open the case list"),
            note="" if flow_rows else _("No referrals in this period."),
            width="half",
        )
    )
    order = ["hotline_kpis", "cases_by_month", "referral_flows", "cases_by_category", "cases_by_organization"]
    return sorted(figures, key=lambda figure: order.index(figure.key) if figure.key in order else len(order))


def _bar(key, title, label_header, rows, link, value_header=None) -> Figure:
    return Figure(
        key=key,
        title=title,
        kind="bar",
        headers=[label_header, value_header or _("Cases")],
        rows=rows,
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
    from shuniu.relief.reports import coverage_gap, duplicate_aid, reconciliation

    scope = get_scope(user)
    figures = []
    if scope.has("relief:report"):
        year = (period.end - timedelta(days=1)).year
        per_programme: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        per_channel: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for row in reconciliation(user, year):
            budget = row.budget
            per_programme[budget.programme.name][0] += budget.amount
            per_programme[budget.programme.name][1] += row.used
            channel = budget.get_funding_source_display()
            per_channel[channel][0] += budget.amount
            per_channel[channel][1] += row.used
        rows = [[name, _money(b), _money(u)] for name, (b, u) in sorted(per_programme.items())]
        figures.append(
            Figure(
                key="aid_vs_budget",
                width="half",
                title=_("Aid disbursed against budget, by programme (%(year)s)") % {"year": year},
                kind="bar",
                headers=[_("Programme"), _("Budget (yuan)"), _("Disbursed (yuan)")],
                rows=rows,
                chart={
                    "categories": [row[0] for row in rows],
                    "series": [
                        {"name": _("Budget (yuan)"), "data": [float(v[0]) for v in per_programme.values()]},
                        {"name": _("Disbursed (yuan)"), "data": [float(v[1]) for v in per_programme.values()]},
                    ],
                },
                link=_url("relief:reconciliation", f"year={year}"),
                link_label=_("Open the reconciliation"),
                note="" if rows else _("No budgets for this year."),
            )
        )
        channel_rows = [[name, _money(b), _money(u)] for name, (b, u) in sorted(per_channel.items())]
        figures.append(
            Figure(
                key="aid_by_channel",
                width="half",
                title=_("Aid by funding channel (%(year)s)") % {"year": year},
                kind="table",
                headers=[_("Funding channel"), _("Budget (yuan)"), _("Disbursed (yuan)")],
                rows=channel_rows,
                link=_url("relief:reconciliation", f"year={year}"),
                link_label=_("Open the reconciliation"),
                note="" if channel_rows else _("No budgets for this year."),
            )
        )
        duplicates = duplicate_aid(user, year)
        figures.append(
            Figure(
                key="duplicate_aid",
                width="full",
                title=_("Duplicate-aid findings (%(year)s)") % {"year": year},
                kind="kpi",
                kpis=[(_("People or households over a cap or aided twice"), str(len(duplicates)))],
                headers=[_("Figure"), _("Value")],
                rows=[[_("People or households over a cap or aided twice"), len(duplicates)]],
                link=_url("relief:duplicate_aid", f"year={year}"),
                link_label=_("Open the findings"),
            )
        )
    areas, _listed, _total = coverage_gap(user)
    areas = sorted(areas, key=lambda area: -area.uncovered)[:20]
    rows = [[f"{area.street} · {area.community}", area.tagged - area.uncovered, area.uncovered] for area in areas]
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
    from shuniu.training.models import CourseCategory, Enrollment, Session

    sessions = Session.objects.visible_to(user).filter(starts_at__gte=period.start_at, starts_at__lt=period.end_at)
    sessions = sessions.exclude(status="cancelled")
    counts = dict(sessions.values("course__category").annotate(n=Count("id")).values_list("course__category", "n"))
    hours = dict(
        sessions.values("course__category").annotate(h=Sum("course__hours")).values_list("course__category", "h")
    )
    participants = dict(
        Enrollment.objects.filter(session__in=sessions.values("pk"), status="confirmed")
        .values("session__course__category")
        .annotate(n=Count("id"))
        .values_list("session__course__category", "n")
    )
    rows = [
        [str(label), counts.get(value, 0), participants.get(value, 0), float(hours.get(value) or 0)]
        for value, label in CourseCategory.choices
    ]
    return [
        Figure(
            key="training_by_category",
            width="full",
            title=_("Training sessions, participants and hours by category"),
            kind="bar",
            headers=[_("Category"), _("Sessions"), _("Participants"), _("Course hours")],
            rows=rows,
            chart={
                "categories": [row[0] for row in rows],
                "series": [
                    {"name": _("Sessions"), "data": [row[1] for row in rows]},
                    {"name": _("Participants"), "data": [row[2] for row in rows]},
                    {"name": _("Course hours"), "data": [row[3] for row in rows]},
                ],
            },
            link=_url("training:index"),
            link_label=_("Open the courses"),
        )
    ]


# Meetings and volunteers ------------------------------------------------------------------------


def meetings_figures(user, period: Period) -> list[Figure]:
    from shuniu.meetings.models import ActionItem, ItemStatus

    items = ActionItem.objects.visible_to(user)
    counts = defaultdict(lambda: defaultdict(int))
    for row in items.values("lead_organization__short_name", "lead_organization__name", "status").annotate(
        n=Count("id")
    ):
        name = row["lead_organization__short_name"] or row["lead_organization__name"]
        counts[name][row["status"]] += row["n"]
    statuses = list(ItemStatus.choices)
    names = sorted(counts)
    rows = [[name, *[counts[name][value] for value, _label in statuses]] for name in names]
    return [
        Figure(
            key="action_items",
            width="full",
            title=_("Action items by status and lead organisation"),
            kind="stacked",
            headers=[_("Organisation"), *[str(label) for _value, label in statuses]],
            rows=rows,
            chart={
                "categories": names,
                "series": [
                    {"name": str(label), "data": [counts[name][value] for name in names]} for value, label in statuses
                ],
            },
            link=_url("meetings:board"),
            link_label=_("Open the supervision board"),
            note="" if rows else _("No action items yet."),
        )
    ]


def volunteer_figures(user, period: Period) -> list[Figure]:
    from shuniu.outreach.models import Volunteer, VolunteerHours

    volunteers = (
        Volunteer.objects.visible_to(user) if hasattr(Volunteer.objects, "visible_to") else Volunteer.objects.none()
    )
    hours = VolunteerHours.objects.visible_to(user).filter(
        status="confirmed", created_at__gte=period.start_at, created_at__lt=period.end_at
    )
    minutes = hours.aggregate(total=Sum("confirmed_minutes"))["total"] or 0
    active = hours.values("volunteer_id").distinct().count()
    kpis = [
        (_("Registered volunteers"), str(volunteers.count())),
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


def compute_sections(user, period: Period, *, use_cache: bool = True) -> list[dict]:
    """[{key, title, figures: [Figure], note}] — a section that cannot be computed says so."""
    cache_key = f"shuniu-insights:{_scope_key(user)}:{period.start}:{period.end}:{get_language()}"
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
                payload[figure.key] = {"kind": figure.kind, "title": str(figure.title), **figure.chart}
    return payload
