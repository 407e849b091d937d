"""Staff pages of the people registry: list, registration with a live duplicate check, the person's
page (consents, data export, anonymisation), and the duplicate review queue."""

import json
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.fields import blind_index_for
from shuniu.core.htmx import render_page
from shuniu.core.models import Region, RegionLevel
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.core.validators import normalize_id_number, parse_id_number
from shuniu.people import households, matching, resolution, services
from shuniu.people.forms import ConsentForm, PersonForm, PhoneCheck
from shuniu.people.models import (
    Consent,
    MatchCandidate,
    MatchLevel,
    MatchStatus,
    MergeRecord,
    Person,
    Tag,
)

PAGE_SIZE = 50


def acting_organization(request, key: str):
    """The organisation the user acts for with `key` (their first membership that grants it)."""
    scope = get_scope(request.user)
    for membership in scope.memberships:
        if scope.has(key, membership.organization):
            return membership.organization
    raise PermissionDenied


def _keyset(queryset, request, size=PAGE_SIZE):
    before = request.GET.get("before", "")
    if before.isdigit():
        queryset = queryset.filter(pk__lt=int(before))
    rows = list(queryset.order_by("-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].pk if more else None)


# --- registry -------------------------------------------------------------------------------------------


@permission_required("people:view")
def person_list(request):
    people = Person.objects.visible_to(request.user).current().select_related("community")
    query = request.GET.get("q", "").strip()
    tag = request.GET.get("tag", "")
    if query:
        compact = query.replace(" ", "")
        if len(compact) >= 15 and compact[:17].isdigit():
            people = people.filter(id_number_index=blind_index_for(Person, "id_number_index", compact))
        elif compact.isdigit() and len(compact) >= 7:
            people = people.filter(phone_index=blind_index_for(Person, "phone_index", compact))
        else:
            people = people.filter(Q(name__contains=query) | Q(name_key=matching.name_key(query)))
    if tag in Tag.values:
        people = people.filter(tags__tag=tag)
    rows, next_before = _keyset(people, request)
    return render_page(
        request,
        "people/person_list.html",
        {"people": rows, "next_before": next_before, "query": query, "tag": tag, "tags": Tag.choices},
        fragment="people/_person_rows.html",
    )


@permission_required("people:edit")
def person_register(request):
    organization = acting_organization(request, "people:edit")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person, created = services.register_person(
                actor=request.user, organization=organization, data=form.cleaned_data, tags=form.tag_pairs()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if created:
                messages.success(request, _("%(name)s was registered.") % {"name": person.name})
            else:
                messages.info(
                    request,
                    _("This ID number is already in the registry; your organisation now serves this person."),
                )
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@permission_required("people:edit")
def match_check(request):
    """While staff type: existing records that may be the same person. Details only for records
    the user may see; for others only that a match exists (never whose or where)."""
    name = request.GET.get("name", "").strip()
    id_number = request.GET.get("id_number", "").strip()
    phone = PhoneCheck.clean(request.GET.get("phone", "").strip())
    birth = None
    try:
        if id_number:
            id_number, birth, _gender = parse_id_number(id_number)
    except ValidationError:
        # A number with a wrong check character is often an existing one typed with swapped
        # digits: still look it up (the sorted-digits block finds it), it is not saved from here.
        id_number = normalize_id_number(id_number)
        if len(id_number) != 18 or not id_number[:17].isdigit():
            id_number = ""
    if birth is None and request.GET.get("birth_date"):
        try:
            birth = date.fromisoformat(request.GET["birth_date"])
        except ValueError:
            birth = None
    address = request.GET.get("address", "").strip()[:200]
    community = request.GET.get("community", "")
    if community.isdigit() and "社区" not in address:
        # Registries write addresses from the street and community down, as the seeded and imported ones.
        region = Region.objects.filter(pk=int(community), level=RegionLevel.COMMUNITY).select_related("parent").first()
        if region is not None:
            address = f"{region.parent.name if region.parent else ''}{region.name}{address}"
    if not (name and (id_number or phone or birth or address or community)) and not id_number:
        return render(request, "people/_match_check.html", {"checked": False})
    record = matching.Record(key=None, name=name, id_number=id_number, birth_date=birth, phone=phone, address=address)
    found = resolution.candidates_for(record)[:5]
    visible_ids = set(
        Person.objects.visible_to(request.user).filter(pk__in=[p.pk for p, _s in found]).values_list("pk", flat=True)
    )
    shown = [(person, score) for person, score in found if person.pk in visible_ids]
    hidden = [
        score for person, score in found if person.pk not in visible_ids and (person.sharing_withdrawn_at is None)
    ]
    exact_hidden = any(score.fields.get("id_number") == 1.0 for score in hidden)
    return render(
        request,
        "people/_match_check.html",
        {"checked": True, "shown": shown, "hidden_count": len(hidden), "exact_hidden": exact_hidden},
    )


@permission_required("people:view")
def person_detail(request, pk):
    person = get_visible_or_404(
        Person.objects.select_related("community__parent", "household", "merged_into"), request.user, pk=pk
    )
    scope = get_scope(request.user)
    log_action("people.person.viewed", actor=request.user, organization=scope.primary_organization, obj=person)
    merges = (
        MergeRecord.objects.filter(Q(survivor=person) | Q(merged=person)).select_related("merged_by").order_by("-pk")
    )
    history = []
    for merge in merges:
        snapshot = json.loads(merge.snapshot or "{}")
        other = snapshot.get("merged" if merge.survivor_id == person.pk else "survivor", {})
        history.append({"merge": merge, "other": other})
    household_members = []
    if person.household_id:
        from shuniu.people.household_views import household_members as members_of

        household_members = [member for member in members_of(person.household, request.user) if member.pk != person.pk]
    consent_form = ConsentForm(initial={"given_on": timezone.localdate()})
    consents = list(Consent.objects.filter(person=person).select_related("organization", "recorded_by"))
    own = scope.org_ids_with("people:consent")
    for consent in consents:
        consent.can_withdraw = consent.withdrawn_at is None and (own is None or consent.organization_id in own)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "tags": person.tags.all(),
            "servings": person.servings.select_related("organization"),
            "consents": consents,
            "consent_form": consent_form,
            "history": history,
            "household_members": household_members,
            "relation_label": households.relation_label(person.relation_to_head),
            "can_edit": scope.has("people:edit"),
            "can_consent": scope.has("people:consent"),
            "can_export": scope.has("people:export_data"),
            "can_anonymise": scope.has("people:anonymise"),
        },
    )


@permission_required("people:edit")
def person_edit(request, pk):
    person = get_visible_or_404(Person.objects.all(), request.user, pk=pk)
    organization = acting_organization(request, "people:edit")
    if person.merged_into_id or person.anonymized_at:
        messages.error(request, _("This record can no longer be changed (it was merged or anonymised)."))
        return redirect("people:detail", pk=person.pk)
    tags = list(person.tags.all())
    initial = {
        "name": person.name,
        "id_number": person.id_number,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "phone": person.phone,
        "community": person.community_id,
        "address": person.address,
        "tags": [tag.tag for tag in tags],
        "disability_level": next((tag.detail for tag in tags if tag.tag == Tag.DISABILITY), ""),
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key in services.PERSON_FIELDS}
        data["household"] = person.household
        try:
            services.update_person(actor=request.user, person=person, organization=organization, data=data)
            if sorted(form.tag_pairs()) != sorted((tag.tag, tag.detail) for tag in tags):
                services.set_tags(actor=request.user, person=person, organization=organization, tags=form.tag_pairs())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@permission_required("people:consent")
@require_POST
def consent_add(request, pk):
    person = get_visible_or_404(Person.objects.all(), request.user, pk=pk)
    organization = acting_organization(request, "people:consent")
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.record_consent(actor=request.user, person=person, organization=organization, **form.cleaned_data)
            messages.success(request, _("The consent was recorded."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Please fill in the purpose, how consent was given and the date."))
    return redirect(reverse("people:detail", args=[person.pk]) + "#consents")


@permission_required("people:consent")
@require_POST
def consent_withdraw(request, pk, consent_pk):
    person = get_visible_or_404(Person.objects.all(), request.user, pk=pk)
    consent = get_object_or_404(Consent, pk=consent_pk, person=person)
    if not get_scope(request.user).has("people:consent", consent.organization):
        raise Http404
    try:
        services.withdraw_consent(actor=request.user, consent=consent)
        messages.success(request, _("The consent was withdrawn."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(reverse("people:detail", args=[person.pk]) + "#consents")


@permission_required("people:export_data")
@require_POST
def person_data_export(request, pk):
    person = get_visible_or_404(Person.objects.all(), request.user, pk=pk)
    content = services.export_person_data(
        actor=request.user, person=person, organization=get_scope(request.user).primary_organization
    )
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@permission_required("people:anonymise")
@require_POST
def person_anonymise(request, pk):
    person = get_visible_or_404(Person.objects.all(), request.user, pk=pk)
    organization = acting_organization(request, "people:anonymise")
    try:
        services.anonymise_person(actor=request.user, person=person, organization=organization)
        messages.success(request, _("The record was anonymised."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("people:detail", pk=person.pk)


# --- duplicate review -------------------------------------------------------------------------------------


def _open_candidates(user):
    return (
        MatchCandidate.objects.visible_to(user)
        .filter(status=MatchStatus.OPEN, person_low__merged_into__isnull=True, person_high__merged_into__isnull=True)
        .select_related("person_low", "person_high")
    )


@permission_required("people:merge")
def review_queue(request):
    candidates = _open_candidates(request.user)
    level = request.GET.get("level", "")
    if level in MatchLevel.values:
        candidates = candidates.filter(level=level)
    rows, next_before = _keyset(candidates, request)
    rows.sort(key=lambda candidate: -candidate.score)
    return render_page(
        request,
        "people/review_queue.html",
        {
            "candidates": rows,
            "next_before": next_before,
            "level": level,
            "levels": MatchLevel.choices,
            "can_scan": get_scope(request.user).is_district,
        },
        fragment="people/_review_rows.html",
    )


COMPARE_FIELDS = [
    ("name", gettext_lazy("Full name")),
    ("gender", gettext_lazy("Gender")),
    ("birth_date", gettext_lazy("Birth date")),
    ("id_number", gettext_lazy("ID number")),
    ("phone", gettext_lazy("Phone")),
    ("community", gettext_lazy("Community")),
    ("address", gettext_lazy("Address")),
    ("household", gettext_lazy("Household")),
    ("relation_to_head", gettext_lazy("Relation to household head")),
]


@permission_required("people:merge")
def review_compare(request, pk):
    candidate = get_visible_or_404(
        MatchCandidate.objects.select_related("person_low", "person_high"), request.user, pk=pk
    )
    left, right = candidate.person_low, candidate.person_high
    rows = []
    for field, label in COMPARE_FIELDS:
        attname = Person._meta.get_field(field).attname
        left_value, right_value = getattr(left, field), getattr(right, field)
        if field == "gender":
            left_value, right_value = left.get_gender_display(), right.get_gender_display()
        rows.append(
            {
                "field": field,
                "label": label,
                "left": left_value,
                "right": right_value,
                "same": getattr(left, attname) == getattr(right, attname),
                # an empty value never wins by default over a filled one
                "prefer": "high"
                if getattr(left, attname) in (None, "") and getattr(right, attname) not in (None, "")
                else "low",
                "score": candidate.fields.get(field),
            }
        )
    log_action(
        "people.match.compared",
        actor=request.user,
        organization=get_scope(request.user).primary_organization,
        obj=candidate,
    )
    return render(
        request,
        "people/review_compare.html",
        {
            "candidate": candidate,
            "left": left,
            "right": right,
            "rows": rows,
            "left_servings": left.servings.select_related("organization"),
            "right_servings": right.servings.select_related("organization"),
        },
    )


@permission_required("people:merge")
@require_POST
def review_merge(request, pk):
    candidate = get_visible_or_404(
        MatchCandidate.objects.select_related("person_low", "person_high"), request.user, pk=pk
    )
    keep = request.POST.get("keep", "low")
    survivor, merged = (
        (candidate.person_low, candidate.person_high)
        if keep != "high"
        else (candidate.person_high, candidate.person_low)
    )
    survivor_side = "low" if survivor == candidate.person_low else "high"
    choices = {}
    for field, _label in COMPARE_FIELDS:
        side = request.POST.get(f"field_{field}", survivor_side)
        choices[field] = "survivor" if side == survivor_side else "merged"
    try:
        record = resolution.merge(
            actor=request.user,
            survivor=survivor,
            merged=merged,
            choices=choices,
            candidate=candidate,
            organization=get_scope(request.user).primary_organization,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("people:review_queue")
    messages.success(
        request,
        _("The records were merged. Every linked record now points to %(name)s.") % {"name": record.survivor.name},
    )
    return redirect("people:detail", pk=record.survivor_id)


@permission_required("people:merge")
@require_POST
def review_distinct(request, pk):
    candidate = get_visible_or_404(MatchCandidate.objects.all(), request.user, pk=pk)
    try:
        resolution.mark_distinct(
            actor=request.user, candidate=candidate, organization=get_scope(request.user).primary_organization
        )
        messages.success(request, _("Marked as different people; this pair will not be proposed again."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("people:review_queue")


@permission_required("people:merge")
@require_POST
def review_scan(request):
    if not get_scope(request.user).is_district:
        raise PermissionDenied
    from shuniu.people.tasks import scan_registry_task

    scan_registry_task.enqueue()
    log_action("people.match.scan_requested", actor=request.user)
    messages.info(request, _("The whole registry is being checked for duplicates; new pairs will appear here."))
    return redirect("people:review_queue")


class MergeRecordQuerySet:
    @staticmethod
    def visible_to(user):
        visible = Person.objects.visible_to(user)
        return MergeRecord.objects.filter(survivor__in=visible.values("pk"), merged__in=visible.values("pk"))


@permission_required("people:merge")
def merge_list(request):
    records = MergeRecordQuerySet.visible_to(request.user).select_related(
        "survivor", "merged", "merged_by", "undone_by"
    )
    rows, next_before = _keyset(records, request)
    return render(request, "people/merge_list.html", {"records": rows, "next_before": next_before})


@permission_required("people:merge")
@require_POST
def merge_undo(request, pk):
    try:
        record = MergeRecordQuerySet.visible_to(request.user).get(pk=pk)
    except MergeRecord.DoesNotExist:
        raise Http404 from None
    try:
        resolution.undo_merge(
            actor=request.user, record=record, organization=get_scope(request.user).primary_organization
        )
        messages.success(request, _("The merge was undone; both records are back as they were."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("people:merges")
