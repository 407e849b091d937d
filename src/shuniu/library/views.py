"""Staff pages of the library: browse and search, upload, document page with previews, download,
favourites, reports and their moderation queue. Every lookup starts from `visible_to`."""

from collections import Counter
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.decorators import permission_required
from shuniu.core.htmx import render_page
from shuniu.core.models import Organization
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.library import services
from shuniu.library.forms import BrowseForm, DecisionForm, ReportForm, ResourceForm, VersionForm
from shuniu.library.models import (
    ContentReport,
    Favorite,
    ProcessingStatus,
    ReportStatus,
    Resource,
    ResourcePage,
)
from shuniu.search.query import search
from shuniu.search.tokenizer import word_tokens

PAGE_SIZE = 20
RESOURCE_RELATED = ("organization", "current_version", "uploaded_by")


def _day_range(form):
    tz = timezone.get_current_timezone()
    start = form.cleaned_data.get("date_from")
    end = form.cleaned_data.get("date_to")
    return (
        datetime.combine(start, time.min, tz) if start else None,
        datetime.combine(end + timedelta(days=1), time.min, tz) if end else None,
    )


def browse(request, queryset, form, *, user, public=False):
    """The list (keyset-paginated) or, with `q`, ranked search results. Shared with the portal."""
    context = {"form": form, "hits": None, "resources": [], "next_query": None}
    if not form.is_valid():
        return context
    data = form.cleaned_data
    date_from, date_to = _day_range(form)
    if data["q"]:
        start = request.GET.get("start", "0")
        start = int(start) if start.isdigit() else 0
        organization = data["organization"]
        page = search(
            user,
            data["q"],
            models=["library.resource"],
            organization_ids=[organization.pk] if organization else None,
            category=data["category"],
            kind=data["kind"],
            date_from=date_from,
            date_to=date_to,
            limit=PAGE_SIZE,
            start=start,
        )
        resources = queryset.select_related(*RESOURCE_RELATED).in_bulk([hit.object_id for hit in page.hits])
        context["hits"] = [(hit, resources[hit.object_id]) for hit in page.hits if hit.object_id in resources]
        if page.next_start is not None:
            query = request.GET.copy()
            query["start"] = page.next_start
            context["next_query"] = query.urlencode()
        return context
    resources = queryset.select_related(*RESOURCE_RELATED)
    if data["category"]:
        resources = resources.filter(category=data["category"])
    if data["organization"]:
        resources = resources.filter(organization=data["organization"])
    if data["kind"]:
        resources = resources.filter(current_version__kind=data["kind"])
    if date_from:
        resources = resources.filter(created_at__gte=date_from)
    if date_to:
        resources = resources.filter(created_at__lt=date_to)
    show = data.get("show")
    if show == "favorites":
        resources = resources.filter(favorites__user=user)
    elif show == "mine":
        resources = resources.filter(uploaded_by=user)
    query = request.GET.copy()
    if data["sort"] == "downloads":
        cursor = request.GET.get("after", "")
        count, _sep, last_id = cursor.partition("_")
        if count.isdigit() and last_id.isdigit():
            resources = resources.filter(
                Q(download_count__lt=int(count)) | Q(download_count=int(count), id__lt=int(last_id))
            )
        rows = list(resources.order_by("-download_count", "-id")[: PAGE_SIZE + 1])
        if len(rows) > PAGE_SIZE:
            query["after"] = f"{rows[PAGE_SIZE - 1].download_count}_{rows[PAGE_SIZE - 1].id}"
            context["next_query"] = query.urlencode()
    else:
        before = request.GET.get("before", "")
        if before.isdigit():
            resources = resources.filter(id__lt=int(before))
        rows = list(resources.order_by("-id")[: PAGE_SIZE + 1])
        if len(rows) > PAGE_SIZE:
            query["before"] = rows[PAGE_SIZE - 1].id
            context["next_query"] = query.urlencode()
    context["resources"] = rows[:PAGE_SIZE]
    return context


@permission_required("library:view")
def index(request):
    form = BrowseForm(request.GET or {"sort": "newest"})
    context = browse(request, Resource.objects.visible_to(request.user), form, user=request.user)
    scope = get_scope(request.user)
    context["can_upload"] = scope.has("library:upload")
    context["can_moderate"] = scope.has("library:moderate")
    return render_page(request, "library/index.html", context, fragment="library/_results.html")


def _upload_organizations(user):
    org_ids = get_scope(user).org_ids_with("library:upload")
    queryset = Organization.objects.filter(is_active=True).order_by("code")
    return queryset if org_ids is None else queryset.filter(pk__in=org_ids)


@permission_required("library:upload")
@require_http_methods(["GET", "POST"])
def upload(request):
    organizations = _upload_organizations(request.user)
    primary = get_scope(request.user).primary_organization
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        organizations=organizations,
        initial={"organization": primary.pk if primary else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resource = services.upload_resource(
                request.user,
                organization=data["organization"],
                title=data["title"],
                file=data["file"],
                audience=data["audience"],
                summary=data["summary"],
                category=data["category"],
                tags=data["tags"],
                free_preview_pages=data["free_preview_pages"],
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The file was uploaded. Previews and search are being prepared."))
            return redirect("library:detail", pk=resource.pk)
    return render(request, "library/upload.html", {"form": form})


def _related(user, resource, limit=5):
    """Resources sharing the most characteristic words of this one (title, tags, first pages)."""
    text = f"{resource.title} {resource.tags} {resource.summary}"
    version = resource.current_version
    if version is not None:
        text += " ".join(version.pages.order_by("number").values_list("text", flat=True)[:3])
    counts = Counter(token for token in word_tokens(text[:20000]) if len(token) >= 2 and not token.isdigit())
    title_words = {token for token in word_tokens(resource.title) if len(token) >= 2}
    terms = sorted(counts, key=lambda token: (token not in title_words, -counts[token], -len(token)))[:4]
    scores = Counter()
    for term in terms:
        for rank, hit in enumerate(search(user, term, models=["library.resource"], limit=10).hits):
            if hit.object_id != resource.pk:
                scores[hit.object_id] += 10 - rank
    top = [pk for pk, _score in scores.most_common(limit)]
    found = Resource.objects.visible_to(user).select_related("organization", "current_version").in_bulk(top)
    return [found[pk] for pk in top if pk in found]


def preview_pages(resource, user, *, public=False):
    """Pages a viewer may look at: the free-preview limit, except for the owner organisation."""
    version = resource.current_version
    if version is None or version.status != ProcessingStatus.READY:
        return [], 0
    limit = resource.free_preview_pages
    if not public:
        org_ids = get_scope(user).reachable_org_ids
        if org_ids is None or resource.organization_id in org_ids:
            limit = 1000
    pages = list(ResourcePage.objects.filter(version=version, number__lte=limit).order_by("number"))
    return pages, max((version.page_count or 0) - len(pages), 0)


@permission_required("library:view")
def detail(request, pk):
    resource = get_visible_or_404(Resource.objects.select_related(*RESOURCE_RELATED), request.user, pk=pk)
    scope = get_scope(request.user)
    pages, hidden_pages = preview_pages(resource, request.user)
    highlight = request.GET.get("q", "")[:100]
    context = {
        "resource": resource,
        "version": resource.current_version,
        "versions": resource.versions.select_related("uploaded_by").order_by("-number"),
        "pages": pages,
        "hidden_pages": hidden_pages,
        "is_favorite": Favorite.objects.filter(user=request.user, resource=resource).exists(),
        "can_edit": scope.has("library:upload", resource.organization),
        "can_moderate": scope.has("library:moderate", resource.organization),
        "related": _related(request.user, resource),
        "highlight": highlight,
        "target_page": request.GET.get("page", ""),
    }
    return render(request, "library/detail.html", context)


@permission_required("library:view")
def status(request, pk):
    resource = get_visible_or_404(Resource.objects.select_related("current_version"), request.user, pk=pk)
    latest = resource.versions.order_by("-number").first()
    return render(request, "library/_status.html", {"resource": resource, "latest": latest})


def _stream(field_file, block=256 * 1024):
    """Open the file only when the response is sent, and always close it."""
    with field_file.open("rb") as handle:
        while chunk := handle.read(block):
            yield chunk


def file_response(user, resource):
    version = services.record_download(user, resource)
    response = StreamingHttpResponse(_stream(version.file), content_type=version.content_type)
    response["Content-Length"] = str(version.size)
    response["Content-Disposition"] = content_disposition_header(True, version.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("library:view")
def download(request, pk):
    resource = get_visible_or_404(Resource.objects.select_related("current_version"), request.user, pk=pk)
    try:
        return file_response(request.user, resource)
    except DomainError:
        raise Http404 from None


def page_image_response(resource, number, user, *, public=False):
    pages, _hidden = preview_pages(resource, user, public=public)
    page = next((page for page in pages if page.number == number), None)
    if page is None or not page.image:
        raise Http404
    with page.image.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@permission_required("library:view")
def page_image(request, pk, number):
    resource = get_visible_or_404(Resource.objects.select_related("current_version"), request.user, pk=pk)
    return page_image_response(resource, number, request.user)


@permission_required("library:view")
@require_POST
def favorite(request, pk):
    resource = get_visible_or_404(Resource.objects.all(), request.user, pk=pk)
    state = services.set_favorite(request.user, resource, request.POST.get("favorite") == "1")
    if request.htmx:
        return render(request, "library/_favorite.html", {"resource": resource, "is_favorite": state})
    messages.success(request, _("Added to your favourites.") if state else _("Removed from your favourites."))
    return redirect("library:detail", pk=pk)


@permission_required("library:view")
@require_http_methods(["GET", "POST"])
def report(request, pk):
    resource = get_visible_or_404(Resource.objects.select_related("organization"), request.user, pk=pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_resource(request.user, resource, form.cleaned_data["reason"], form.cleaned_data["details"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. The owner organisation will look at your report."))
            return redirect("library:detail", pk=pk)
    return render(request, "library/report.html", {"resource": resource, "form": form})


@permission_required("library:upload")
@require_http_methods(["GET", "POST"])
def new_version(request, pk):
    resource = get_visible_or_404(Resource.objects.select_related("organization"), request.user, pk=pk)
    if not get_scope(request.user).has("library:upload", resource.organization):
        raise PermissionDenied
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.add_version(request.user, resource, form.cleaned_data["file"], form.cleaned_data["note"])
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _("Version %(number)d was uploaded; it becomes current once processed.") % {"number": version.number},
            )
            return redirect("library:detail", pk=pk)
    return render(request, "library/version_form.html", {"resource": resource, "form": form})


@permission_required("library:upload")
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    resource = get_visible_or_404(Resource.objects.select_related("organization"), request.user, pk=pk)
    if not get_scope(request.user).has("library:upload", resource.organization):
        raise PermissionDenied
    form = ResourceForm(
        request.POST or None, instance=resource, organizations=Organization.objects.none(), with_file=False
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        resource.refresh_from_db()
        services.update_metadata(request.user, resource, **fields)
        messages.success(request, _("The details were saved."))
        return redirect("library:detail", pk=pk)
    return render(request, "library/edit.html", {"resource": resource, "form": form})


@permission_required("library:moderate")
def moderation(request):
    show = request.GET.get("show", "open")
    reports = ContentReport.objects.visible_to(request.user).select_related(
        "resource", "resource__organization", "reporter", "handled_by"
    )
    reports = reports.filter(status=ReportStatus.OPEN) if show == "open" else reports.exclude(status=ReportStatus.OPEN)
    before = request.GET.get("before", "")
    if before.isdigit():
        reports = reports.filter(id__lt=int(before))
    rows = list(reports.order_by("-id")[: PAGE_SIZE + 1])
    context = {
        "reports": rows[:PAGE_SIZE],
        "show": show,
        "next_before": rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None,
        "decision_form": DecisionForm(),
    }
    return render(request, "library/moderation.html", context)


@permission_required("library:moderate")
@require_POST
def decide(request, pk):
    report_obj = get_visible_or_404(ContentReport.objects.select_related("resource__organization"), request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("library:moderation")
    try:
        services.decide_report(
            request.user, report_obj, uphold=form.cleaned_data["decision"] == "uphold", note=form.cleaned_data["note"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report was handled."))
    return redirect("library:moderation")


@permission_required("library:moderate")
@require_POST
def restore(request, pk):
    resource = get_visible_or_404(Resource.objects.select_related("organization"), request.user, pk=pk)
    try:
        services.restore_resource(request.user, resource)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The resource is visible again."))
    return redirect("library:detail", pk=pk)
