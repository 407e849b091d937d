"""Household pages: the household (address, community, members, circumstances), creating one around
a person, adding members (found in the registry or registered on the spot), changing relations and
removing members. Members the user may not see are listed masked, without a link."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.fields import blind_index_for
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.people import households, matching, services
from shuniu.people.forms import NewMemberForm, RelationForm
from shuniu.people.models import Household, HouseholdRelation, Person
from shuniu.people.views import acting_organization

SEARCH_LIMIT = 20


def household_members(household: Household, user) -> list[Person]:
    """All members, the head first; each with `.visible` (may the user open them) and `.relation_label`."""
    members = list(Person.objects.filter(household=household).select_related("community").order_by("pk"))
    visible = set(
        Person.objects.visible_to(user).filter(household=household).values_list("pk", flat=True) if members else []
    )
    for member in members:
        member.visible = member.pk in visible
        member.relation_label = households.relation_label(member.relation_to_head)
        member.is_head = households.is_head(member.relation_to_head)
    members.sort(key=lambda member: (not member.is_head, member.pk))
    return members


@permission_required("people:view")
def household_detail(request, pk):
    household = get_visible_or_404(Household.objects.select_related("community__parent"), request.user, pk=pk)
    members = household_members(household, request.user)
    visible_ids = {member.pk for member in members if member.visible}
    scope = get_scope(request.user)
    log_action("people.household.viewed", actor=request.user, organization=scope.primary_organization, obj=household)
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "members": members,
            "head": next((member for member in members if member.is_head), None),
            "tag_summary": households.tag_summary(household, visible_ids),
            "relations": HouseholdRelation.choices,
            "can_edit": scope.has("people:edit"),
        },
    )


@permission_required("people:edit")
@require_POST
def household_create(request, pk):
    person = get_visible_or_404(Person.objects.all(), request.user, pk=pk)
    organization = acting_organization(request, "people:edit")
    try:
        household = households.create_household(actor=request.user, organization=organization, head=person)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(reverse("people:detail", args=[person.pk]) + "#household")
    messages.success(request, _("The household was created with %(name)s as its head.") % {"name": person.name})
    return redirect("people:household", pk=household.pk)


def _search(request, household):
    """People the user may see, by name, full ID number or phone (as on the registry's list)."""
    query = request.GET.get("q", "").strip()
    if not query:
        return query, []
    people = Person.objects.visible_to(request.user).current().filter(anonymized_at__isnull=True)
    compact = query.replace(" ", "")
    if len(compact) >= 15 and compact[:17].isdigit():
        people = people.filter(id_number_index=blind_index_for(Person, "id_number_index", compact))
    elif compact.isdigit() and len(compact) >= 7:
        people = people.filter(phone_index=blind_index_for(Person, "phone_index", compact))
    else:
        people = people.filter(Q(name__contains=query) | Q(name_key=matching.name_key(query)))
    found = list(people.select_related("community", "household").order_by("name", "pk")[:SEARCH_LIMIT])
    for person in found:
        person.in_this_household = person.household_id == household.pk
    return query, found


@permission_required("people:edit")
def household_member_add(request, pk):
    household = get_visible_or_404(Household.objects.all(), request.user, pk=pk)
    organization = acting_organization(request, "people:edit")
    new_form = NewMemberForm(request.POST if request.POST.get("action") == "register" else None, prefix="new")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "register":
                if not new_form.is_valid():
                    raise _FormInvalid
                with transaction.atomic():
                    data = {key: new_form.cleaned_data[key] for key in ("name", "id_number", "phone")}
                    data.update(community=household.community, address=household.address)
                    person, _created = services.register_person(
                        actor=request.user, organization=organization, data=data
                    )
                    households.add_household_member(
                        actor=request.user,
                        organization=organization,
                        household=household,
                        person=person,
                        relation=new_form.cleaned_data["relation"],
                    )
            else:
                person = get_visible_or_404(Person.objects.all(), request.user, pk=request.POST.get("person") or 0)
                households.add_household_member(
                    actor=request.user,
                    organization=organization,
                    household=household,
                    person=person,
                    relation=request.POST.get("relation", ""),
                )
        except DomainError as error:
            messages.error(request, error.message)
            if request.POST.get("action") != "register":
                return redirect(request.get_full_path())
        except _FormInvalid:
            pass
        else:
            messages.success(request, _("%(name)s was added to the household.") % {"name": person.name})
            return redirect("people:household", pk=household.pk)
    query, found = _search(request, household)
    return render(
        request,
        "people/household_member_add.html",
        {
            "household": household,
            "query": query,
            "found": found,
            "searched": bool(query),
            "relations": [choice for choice in HouseholdRelation.choices if choice[0] != HouseholdRelation.HEAD],
            "all_relations": HouseholdRelation.choices,
            "new_form": new_form,
        },
    )


class _FormInvalid(Exception):
    """The registration form has errors: show it again."""


def _member(request, household_pk, person_pk):
    household = get_visible_or_404(Household.objects.all(), request.user, pk=household_pk)
    person = Person.objects.visible_to(request.user).filter(pk=person_pk, household=household).first()
    return household, person


@permission_required("people:edit")
@require_POST
def household_relation(request, pk, person_pk):
    household, person = _member(request, pk, person_pk)
    organization = acting_organization(request, "people:edit")
    form = RelationForm(request.POST)
    if person is None:
        messages.error(request, _("This person is not a member of the household."))
    elif not form.is_valid():
        messages.error(request, _("Please choose one of the listed relations."))
    else:
        try:
            changed = households.change_relation(
                actor=request.user,
                organization=organization,
                household=household,
                person=person,
                relation=form.cleaned_data["relation"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if changed:
                messages.success(request, _("The relation was changed."))
    return redirect("people:household", pk=household.pk)


@permission_required("people:edit")
@require_POST
def household_member_remove(request, pk, person_pk):
    household, person = _member(request, pk, person_pk)
    organization = acting_organization(request, "people:edit")
    if person is None:
        messages.error(request, _("This person is not a member of the household."))
        return redirect("people:household", pk=household.pk)
    try:
        deleted = households.remove_household_member(
            actor=request.user, organization=organization, household=household, person=person
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("people:household", pk=household.pk)
    if deleted:
        messages.success(request, _("The last member left; the household was removed."))
        if Person.objects.visible_to(request.user).filter(pk=person.pk).exists():
            return redirect("people:detail", pk=person.pk)
        return redirect("people:list")
    messages.success(request, _("The member was removed from the household."))
    if not Household.objects.visible_to(request.user).filter(pk=household.pk).exists():
        return redirect("people:list")
    return redirect("people:household", pk=household.pk)
