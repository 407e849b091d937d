"""The work queues: my cases, my organisation's new cases, referrals waiting for me, overdue, all.

Every list is "visible_to(user) + one indexed filter, newest first" with keyset pagination
(`?before=<id>`): no OFFSET and no COUNT over the table, so it stays fast at a million cases.
"""

import hashlib
import re
from datetime import datetime, time

from django.core.cache import cache
from django.db.models import OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from shuniu.core import cache_versions
from shuniu.core.decorators import permission_required
from shuniu.core.fields import blind_index_for
from shuniu.core.htmx import render_page
from shuniu.core.scoping import RowExists
from shuniu.core.validators import normalize_phone
from shuniu.rights.forms import QueueFilterForm
from shuniu.rights.models import (
    OPEN_STATUSES,
    CaseParticipant,
    Referral,
    ReferralStatus,
    RightsCase,
    Status,
    own_org_ids,
)
from shuniu.rights.services.intake import TRACKING_PREFIX, normalize_tracking_code

PAGE_SIZE = 50
TABS = [
    ("mine", _("My cases")),
    ("new", _("New for my organisation")),
    ("referrals", _("Referrals waiting for me")),
    ("overdue", _("Overdue")),
    ("all", _("All I can see")),
]
STATUS_LABELS = dict(Status.choices)  # what get_status_display gives, without its per-call choice lookup
PHONE_LIKE = re.compile(r"^[+\d][\d\s\-]{6,}$")


def with_details_for(queryset, user):
    """Restrict to cases whose details the user may see: searching by name, phone or words must not
    reveal that a sensitive case exists about someone."""
    orgs = own_org_ids(user)
    detail = RowExists(
        CaseParticipant.objects.filter(case_id=OuterRef("pk"), organization_id__in=orgs, sees_details=True)
    )
    return queryset.filter(Q(is_sensitive=False) | Q(lead_org_id__in=orgs) | Q(detail))


def overdue_filter(now):
    return Q(status__in=OPEN_STATUSES, resolution_due__lt=now) | Q(status=Status.RECEIVED, first_response_due__lt=now)


def tab_queryset(tab: str, user, now):
    cases = RightsCase.objects.visible_to(user)
    if tab == "mine":
        return cases.filter(assignee=user).exclude(status__in=[Status.CLOSED, Status.WITHDRAWN])
    if tab == "new":
        return cases.filter(lead_org_id__in=own_org_ids(user), status__in=[Status.RECEIVED, Status.DECLINED])
    if tab == "referrals":
        waiting = Referral.objects.filter(to_org_id__in=own_org_ids(user), status=ReferralStatus.PENDING).values(
            "case_id"
        )
        return cases.filter(pk__in=waiting)
    if tab == "overdue":
        return cases.filter(overdue_filter(now))
    return cases


def apply_filters(cases, form, user):
    if not form.is_valid():
        return cases
    data = form.cleaned_data
    if data["category"]:
        cases = cases.filter(category=data["category"])
    if data["status"]:
        cases = cases.filter(status=data["status"])
    if data["street"]:
        cases = cases.filter(street=data["street"])
    cases = form.filter_by_organisations(cases)
    tz = timezone.get_current_timezone()
    if data["date_from"]:
        cases = cases.filter(received_at__gte=datetime.combine(data["date_from"], time.min, tz))
    if data["date_to"]:
        cases = cases.filter(received_at__lte=datetime.combine(data["date_to"], time.max, tz))
    query = (data["q"] or "").strip()
    if query:
        code = normalize_tracking_code(query)
        if code.startswith(TRACKING_PREFIX) and len(code) == 10:
            cases = cases.filter(tracking_code=code)
        elif PHONE_LIKE.match(query):
            index = blind_index_for(RightsCase, "contact_phone_index", normalize_phone(query))
            cases = with_details_for(cases, user).filter(contact_phone_index=index)
        else:
            # Words go through the shared Chinese full-text index (no LIKE scan over a large table).
            from shuniu.rights.search import text_search_ids

            cases = with_details_for(cases, user).filter(
                Q(requester_name=query) | Q(pk__in=text_search_ids(user, query))
            )
    return cases


# The columns a queue row shows (no encrypted phone to decrypt, no description to transfer).
ROW_FIELDS = (
    "tracking_code",
    "subject",
    "requester_name",
    "is_sensitive",
    "status",
    "escalation_level",
    "resolution_due",
    "first_response_due",
    "received_at",
    "category__name",
    "category__name_en",
    "lead_org__name",
    "lead_org__short_name",
    "assignee__username",
    "assignee__display_name",
    "assignee__first_name",
    "assignee__last_name",
    "street__name",
)


def page_of(cases, before: str | None):
    if before and before.isdigit():
        cases = cases.filter(id__lt=int(before))
    rows = list(
        cases.select_related("category", "lead_org", "assignee", "street")
        .only(*ROW_FIELDS)
        .order_by("-id")[: PAGE_SIZE + 1]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].id if more else None)


def row_html(case, detail_url: tuple[str, str]) -> str:
    """One row of the queue, built in Python: the same markup the row template produced, at a
    fraction of the cost (50 rows with a dozen lookups each were most of the page's CPU)."""
    if case.show_details:
        street = f" · {escape(case.street.name)}" if case.street_id else ""
        subject = (
            f"{escape(Truncator(case.subject).chars(40))}"
            f'<div class="text-secondary small">{escape(case.requester_name)}{street}</div>'
        )
    else:
        subject = (
            f'<span class="text-secondary">{escape(gettext("Details shown to the handling organisations only"))}</span>'
        )
    category = escape(case.category.label)
    if case.is_sensitive:
        category += f' <span class="badge bg-purple text-purple-fg">{escape(gettext("sensitive"))}</span>'
    label = STATUS_LABELS.get(case.status, case.status)
    status = f'<span class="badge bg-secondary text-secondary-fg">{escape(label)}</span>'
    if case.escalation_level:
        status += f' <span class="badge bg-red text-red-fg">{escape(gettext("escalated"))}</span>'
    lead = escape(case.lead_org.display_name)
    if case.assignee_id:
        lead += f'<div class="text-secondary small">{escape(str(case.assignee))}</div>'
    if case.is_open:
        css = "deadline-overdue" if case.overdue else "deadline-soon" if case.due_soon else ""
        due = f'<span class="{css}">{_date(case.resolution_due)}</span>'
        if case.overdue:
            due += f' <span class="badge bg-red text-red-fg">{escape(gettext("overdue"))}</span>'
        elif case.due_soon:
            due += f' <span class="badge bg-yellow text-yellow-fg">{escape(gettext("due soon"))}</span>'
    else:
        due = "—"
    return (
        f'<tr>\n  <td><a class="font-monospace" href="{detail_url[0]}{case.pk}{detail_url[1]}">'
        f"{escape(case.tracking_code)}</a></td>\n"
        f"  <td>{subject}</td>\n  <td>{category}</td>\n  <td>{status}</td>\n  <td>{lead}</td>\n"
        f'  <td>{due}</td>\n  <td class="text-nowrap">{_date(case.received_at)}</td>\n</tr>\n'
    )


def _date(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def decorate(rows, user, now):
    orgs = own_org_ids(user)
    sensitive_ids = [case.pk for case in rows if case.is_sensitive and case.lead_org_id not in orgs]
    detail_ids = set(
        CaseParticipant.objects.filter(
            case_id__in=sensitive_ids, organization_id__in=orgs, sees_details=True
        ).values_list("case_id", flat=True)
    )
    for case in rows:
        case.show_details = not case.is_sensitive or case.lead_org_id in orgs or case.pk in detail_ids
        case.overdue = case.is_overdue(now)
        case.due_soon = case.is_due_soon(now)
    prefix, _sentinel, suffix = reverse("rights:case_detail", args=[987654321]).partition("987654321")
    detail_url = (prefix, suffix)
    for case in rows:
        case.row_html = mark_safe(row_html(case, detail_url))  # nosec B308 B703 (every value escaped above)
    return rows


# The cache version of what the filter bar lists (bumped by rights.apps on a change).
QUEUE_CHOICES = "rights.queue-choices"
FILTER_FIELDS = ("q", "category", "status", "street", "date_from", "date_to")


def filter_html(form, tab: str) -> str:
    """The filter bar. Its selects were a fifth of the page's CPU, so the rendered bar is kept in
    the cache under everything it shows: the language, the tab, what was typed or chosen, and the
    version of the categories and streets it lists (bumped when one of them changes)."""
    if form.is_bound and form.errors:
        return render_to_string("rights/_queue_filter.html", {"form": form, "tab": tab})
    fingerprint = [get_language(), tab, cache_versions.current(QUEUE_CHOICES)]
    if form.is_bound:
        fingerprint.append([form.data.getlist(name) for name in FILTER_FIELDS])
    key = "rights:queue-filter:" + hashlib.sha256(repr(fingerprint).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string("rights/_queue_filter.html", {"form": form, "tab": tab})
        cache.set(key, str(html), cache_versions.FRAGMENT_SECONDS)
    return mark_safe(html)  # nosec B308 B703 (rendered by the template engine, escaped there)


@permission_required("rights:case_view")
def queue(request):
    now = timezone.now()
    tab = request.GET.get("tab") or "mine"
    if tab not in dict(TABS):
        tab = "mine"
    form = QueueFilterForm(request.GET or None)
    cases = apply_filters(tab_queryset(tab, request.user, now), form, request.user)
    rows, next_before = page_of(cases, request.GET.get("before"))
    return render_page(
        request,
        "rights/queue.html",
        {
            "tabs": TABS,
            "tab": tab,
            "form": form,
            "filter_html": lambda: filter_html(form, tab),
            "cases": decorate(rows, request.user, now),
            "next_before": next_before,
        },
        fragment="rights/_queue_rows.html",
    )
