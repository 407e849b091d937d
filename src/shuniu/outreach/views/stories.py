"""Staff pages for stories: write, make from a closed case or aid record, personal-data check, review, publish."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.decorators import permission_required
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.outreach import sources
from shuniu.outreach.forms import CoverForm, FromSourceForm, KnownPersonalDataForm, StoryForm
from shuniu.outreach.models import Story, StoryStatus
from shuniu.outreach.services import stories as story_services
from shuniu.outreach.services.activities import clean_photo
from shuniu.outreach.views.common import organizations_with, run, serve_file

EDIT_FIELDS = ["organization", "kind", "title", "summary", "body", "tags", "cover_alt"]


@permission_required("outreach:view")
def story_list(request):
    stories = Story.objects.visible_to(request.user).select_related("organization")
    status = request.GET.get("status", "")
    if status in StoryStatus.values:
        stories = stories.filter(status=status)
    before = request.GET.get("before")
    if before and before.isdigit():
        stories = stories.filter(id__lt=int(before))
    rows = list(stories.order_by("-id")[:31])
    return render(
        request,
        "outreach/story_list.html",
        {
            "stories": rows[:30],
            "next_before": rows[29].id if len(rows) > 30 else None,
            "status": status,
            "statuses": StoryStatus.choices,
            "can_edit": get_scope(request.user).has("outreach:story_edit"),
        },
    )


@permission_required("outreach:story_edit")
@require_http_methods(["GET", "POST"])
def story_create(request):
    organizations = organizations_with(request.user, "outreach:story_edit")
    form = StoryForm(request.POST or None, organizations=organizations, initial={"organization": organizations.first()})
    if request.method == "POST" and form.is_valid():
        try:
            story = story_services.create_story(request.user, form.save(commit=False))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Draft saved. Run the personal-data check before sending it for review."))
            return redirect("outreach:story_detail", pk=story.pk)
    return render(request, "outreach/story_form.html", {"form": form, "story": None})


@permission_required("outreach:story_edit")
@require_http_methods(["GET", "POST"])
def story_from_case(request):
    """A draft story from a closed rights case or an approved/paid aid application the user may see."""
    available = sources.story_sources(request.user)
    form = FromSourceForm(request.POST or None, sources=available)
    if request.method == "POST" and form.is_valid():
        source = sources.source_for(request.user, form.cleaned_data["source"])
        if source is None:
            form.add_error("source", _("This record cannot be used: it is not finished or not visible to you."))
        else:
            try:
                story = story_services.create_story_from_source(request.user, source, form.cleaned_data["kind"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Draft made with %(count)d kind(s) of personal data replaced. Check the text.")
                    % {"count": len(story.removals)},
                )
                return redirect("outreach:story_detail", pk=story.pk)
    return render(
        request,
        "outreach/story_from_case.html",
        {"form": form, "has_sources": any(available.values())},
    )


@permission_required("outreach:view")
def story_detail(request, pk: int):
    story = get_visible_or_404(
        Story.objects.select_related("organization", "privacy_confirmed_by"), request.user, pk=pk
    )
    scope = get_scope(request.user)
    found = story_services.check_story(story)
    return render(
        request,
        "outreach/story_detail.html",
        {
            "story": story,
            "found": found,
            "can_edit": scope.has("outreach:story_edit", story.organization),
            "can_publish": scope.has("outreach:story_publish", story.organization),
            "cover_form": CoverForm(initial={"cover_alt": story.cover_alt}),
            "known_form": KnownPersonalDataForm(),
            "known_count": len(story_services.known_personal_data(story)),
        },
    )


@permission_required("outreach:story_edit")
@require_http_methods(["GET", "POST"])
def story_edit(request, pk: int):
    story = get_visible_or_404(Story.objects, request.user, pk=pk)
    organizations = organizations_with(request.user, "outreach:story_edit")
    form = StoryForm(request.POST or None, instance=story, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            story_services.update_story(request.user, form.save(commit=False), EDIT_FIELDS)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Story saved."))
            return redirect("outreach:story_detail", pk=story.pk)
    return render(request, "outreach/story_form.html", {"form": form, "story": story})


def _story_action(service, success: str):
    @require_POST
    def view(request, pk: int):
        story = get_visible_or_404(Story.objects.select_related("organization"), request.user, pk=pk)
        return run(
            request, service, success, request.user, story, redirect_to=reverse("outreach:story_detail", args=[pk])
        )

    return view


story_remove_personal_data = permission_required("outreach:story_edit")(
    _story_action(
        story_services.remove_personal_data,
        gettext_lazy("Personal data replaced in the text. Read it again, then confirm the check."),
    )
)
story_confirm_check = permission_required("outreach:story_edit")(
    _story_action(story_services.confirm_privacy_check, gettext_lazy("Personal-data check confirmed for this text."))
)
story_submit = permission_required("outreach:story_edit")(
    _story_action(story_services.submit_for_review, gettext_lazy("Sent for review."))
)
story_publish = permission_required("outreach:story_publish")(
    _story_action(story_services.publish_story, gettext_lazy("Published on the portal."))
)
story_return = permission_required("outreach:story_publish")(
    _story_action(story_services.return_to_draft, gettext_lazy("Returned to the author as a draft."))
)
story_withdraw = permission_required("outreach:story_publish")(
    _story_action(story_services.withdraw_story, gettext_lazy("Withdrawn from the portal."))
)
story_redraft = permission_required("outreach:story_edit")(
    _story_action(story_services.redraft_story, gettext_lazy("The story is a draft again."))
)


@permission_required("outreach:story_edit")
@require_POST
def story_add_known(request, pk: int):
    story = get_visible_or_404(Story.objects.select_related("organization"), request.user, pk=pk)
    form = KnownPersonalDataForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the names or details to hide, one a line."))
        return redirect("outreach:story_detail", pk=pk)
    try:
        count = story_services.add_known_personal_data(
            request.user, story, form.cleaned_data["kind"], form.cleaned_data["values"].splitlines()
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d item(s) added to the check.") % {"count": count})
    return redirect(reverse("outreach:story_detail", args=[pk]) + "#privacy-check")


@permission_required("outreach:story_edit")
@require_POST
def story_cover_upload(request, pk: int):
    story = get_visible_or_404(Story.objects, request.user, pk=pk)
    form = CoverForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an image and describe it."))
        return redirect("outreach:story_detail", pk=pk)
    try:
        data, content_type, extension = clean_photo(form.cleaned_data["image"])
        from django.core.files.base import ContentFile

        story.cover.save(f"{story.pk}-{story.updated_at:%Y%m%d%H%M%S}.{extension}", ContentFile(data), save=False)
        story.cover_type = content_type
        story.cover_alt = form.cleaned_data["cover_alt"]
        story_services.update_story(request.user, story, ["cover", "cover_type", "cover_alt"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Cover image saved."))
    return redirect("outreach:story_detail", pk=pk)


@permission_required("outreach:view")
def story_cover(request, pk: int):
    story = get_visible_or_404(Story.objects, request.user, pk=pk)
    return serve_file(story.cover, story.cover_type or "image/jpeg")
