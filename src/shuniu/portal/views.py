"""The public portal: home, "I need help", "my requests", news. No login; other apps' public
pages are linked by URL name (see templatetags/portal.py) so that a missing one never breaks a page."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from shuniu.core.decorators import public
from shuniu.core.models import Organization
from shuniu.core.models.organizations import MASS_ORGANIZATION_KINDS
from shuniu.outreach.models import Activity, NewsItem, Story
from shuniu.portal.templatetags.portal import resolve

# The "I need help" guide: each need leads to one form. `url_name` belongs to another app.
NEEDS = {
    "rights": {
        "title": _("My rights were violated"),
        "text": _(
            "Unpaid wages, unfair dismissal, discrimination at work, domestic violence, harm to a child: "
            "tell us what happened. The right organisation takes it up and you get a tracking code."
        ),
        "url_name": "rights_public:intake",
        "action": _("Make a rights request"),
        "hotlines": _("Or call: trade union 12351 · Youth League 12355 · Women's Federation 12338"),
    },
    "aid": {
        "title": _("I need financial help"),
        "text": _(
            "Help for families in difficulty, study aid for children (Hope Project, Spring Bud, Golden Autumn), "
            "hardship aid for workers, emergency relief: see the programmes and apply."
        ),
        "url_name": "relief_public:programmes",
        "action": _("See aid programmes"),
        "hotlines": "",
    },
    "course": {
        "title": _("I want to learn"),
        "text": _(
            "Free courses of all six organisations: job skills, starting a business, policy, parenting, "
            "courses for people with disabilities."
        ),
        "url_name": "training_public:menu",
        "action": _("Choose a course"),
        "hotlines": "",
    },
    "volunteer": {
        "title": _("I want to help others"),
        "text": _("Volunteer at activities near you; your hours are confirmed and you get a certificate."),
        "url_name": "outreach_public:volunteer_register",
        "action": _("Register as a volunteer"),
        "hotlines": "",
    },
}

TRACKERS = {
    "rights": ("rights_public:track", _("Rights request")),
    "aid": ("relief_public:track", _("Aid application")),
}


@public
def home(request):
    news = list(NewsItem.objects.public().select_related("organization")[:8])
    stories = list(Story.objects.public().select_related("organization").order_by("-published_at")[:3])
    activities = list(Activity.objects.upcoming().select_related("organization")[:4])
    organizations = Organization.objects.filter(kind__in=MASS_ORGANIZATION_KINDS, parent__isnull=True, is_active=True)
    return render(
        request,
        "portal/home.html",
        {
            "news": news,
            "stories": stories,
            "activities": activities,
            "needs": NEEDS,
            "organizations": organizations.order_by("kind"),
        },
    )


@public
def help_guide(request):
    need = request.GET.get("need", "")
    chosen = NEEDS.get(need)
    url = resolve(chosen["url_name"]) if chosen else ""
    return render(request, "portal/help.html", {"needs": NEEDS, "need": need, "chosen": chosen, "url": url})


@public
@require_GET
def track(request):
    """Send a tracking code to the tracking page of the app that issued it."""
    kind = request.GET.get("kind", "")
    code = request.GET.get("code", "").strip()[:40]
    error = ""
    if kind or code:
        target = TRACKERS.get(kind)
        url = resolve(target[0]) if target else ""
        if not code:
            error = _("Enter the tracking code you were given.")
        elif not target:
            error = _("Choose what the code is for.")
        elif not url:
            error = _("Tracking for this kind of request is not available yet. Please call the hotline.")
        else:
            from urllib.parse import urlencode

            return redirect(f"{url}?{urlencode({'code': code})}")
    choices = [(key, label, bool(resolve(name))) for key, (name, label) in TRACKERS.items()]
    return render(request, "portal/track.html", {"choices": choices, "kind": kind, "code": code, "error": error})


@public
def news(request):
    items = NewsItem.objects.public().select_related("organization")
    organization = request.GET.get("org", "")
    if organization.isdigit():
        items = items.filter(organization__path__contains=f"/{int(organization)}/")
    before = request.GET.get("before", "")
    if before.isdigit():
        items = items.filter(id__lt=int(before))
    rows = list(items.order_by("-id")[:21])
    organizations = Organization.objects.filter(kind__in=MASS_ORGANIZATION_KINDS, parent__isnull=True).order_by("kind")
    return render(
        request,
        "portal/news.html",
        {
            "items": rows[:20],
            "next_before": rows[19].id if len(rows) > 20 else None,
            "organizations": organizations,
            "organization": organization,
        },
    )


@public
def news_detail(request, pk: int):
    item = get_object_or_404(NewsItem.objects.public().select_related("organization"), pk=pk)
    return render(request, "portal/news_detail.html", {"item": item})


@public
def accessibility(request):
    return render(request, "portal/accessibility.html", {})
