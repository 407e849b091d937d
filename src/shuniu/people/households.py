"""Households (户): creating one around its head, adding and removing members, changing relations.

Every change: guard (permission, scope, state) → atomic with the household row locked → save →
audit. The household row is locked first, so two staff adding the same person or a second head at
the same moment are serialised and the second one gets the clear refusal, not a half-state.
Only organisations serving a member may see or change a household (`Household.objects.visible_to`).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.models import Organization
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError
from shuniu.people.models import Household, HouseholdRelation, Person, Tag

# How lists and household registers (户口簿) write each relation: read on import, the first term
# written on export (the spreadsheet's headers are Chinese too). Other text is kept as typed.
RELATION_TERMS = {
    HouseholdRelation.HEAD: ("户主", "本人"),
    HouseholdRelation.SPOUSE: ("配偶", "妻子", "丈夫", "妻", "夫"),
    HouseholdRelation.CHILD: ("子女", "儿子", "女儿", "子", "女", "长子", "长女", "次子", "次女"),
    HouseholdRelation.PARENT: ("父母", "父亲", "母亲", "父", "母"),
    HouseholdRelation.GRANDCHILD: ("孙子女", "孙子", "孙女", "外孙子", "外孙女", "外孙"),
    HouseholdRelation.GRANDPARENT: ("祖父母", "祖父", "祖母", "外祖父", "外祖母"),
    HouseholdRelation.SIBLING: ("兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    HouseholdRelation.CHILD_IN_LAW: ("儿媳", "女婿"),
}
_RELATION_BY_TERM = {term: relation for relation, terms in RELATION_TERMS.items() for term in terms}
HEAD_ALIASES = {HouseholdRelation.HEAD, *RELATION_TERMS[HouseholdRelation.HEAD]}


def relation_from_text(text: str) -> str:
    """The relation for a cell of an imported list ('本人', '长子'); text not recognised is kept."""
    text = (text or "").strip()
    if text in HouseholdRelation.values:
        return text
    return _RELATION_BY_TERM.get(text, text)


def relation_text(relation: str) -> str:
    """The relation as written in an exported list."""
    terms = RELATION_TERMS.get(relation) if relation in HouseholdRelation.values else None
    return terms[0] if terms else relation or ""


def is_head(relation: str) -> bool:
    return (relation or "").strip() in HEAD_ALIASES


def relation_label(relation: str) -> str:
    """The translated label of a relation; free text from an imported list is shown as it was typed."""
    relation = relation_from_text(relation)
    if relation in HouseholdRelation.values:
        return str(HouseholdRelation(relation).label)
    return relation


def _require_edit(actor, organization: Organization) -> None:
    scope = get_scope(actor)
    if not scope.has("people:edit", organization):
        raise PermissionDenied


def _require_visible_person(actor, person: Person) -> None:
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied


def _require_visible_household(actor, household: Household) -> None:
    if not Household.objects.visible_to(actor).filter(pk=household.pk).exists():
        raise PermissionDenied


def _clean_relation(relation: str) -> str:
    relation = (relation or "").strip()
    if not relation:
        raise DomainError(_("Please say how this person is related to the head of the household."), code="relation")
    if relation not in HouseholdRelation.values:
        raise DomainError(_("Please choose one of the listed relations."), code="relation")
    return relation


def _lock(household: Household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


def _current_head(household: Household, exclude: int | None = None) -> Person | None:
    members = Person.objects.filter(household=household, relation_to_head__in=list(HEAD_ALIASES))
    if exclude is not None:
        members = members.exclude(pk=exclude)
    return members.order_by("pk").first()


def _refresh_count(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(members_count=Person.objects.filter(household=household).count())


def _check_can_join(person: Person) -> None:
    if person.merged_into_id or person.anonymized_at:
        raise DomainError(_("This record was merged or anonymised; use the current record instead."))


def create_household(*, actor, organization: Organization, head: Person, name: str = "") -> Household:
    """Make `head` the head of a new household (户) at their community and address."""
    if actor is not None:
        _require_edit(actor, organization)
        _require_visible_person(actor, head)
    _check_can_join(head)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=head.pk)
        if locked.household_id:
            raise DomainError(
                _("This person already belongs to a household; a person can be in only one household."),
                code="household",
            )
        household = Household.objects.create(
            name=(name or "").strip()[:60] or f"{locked.name}户",
            community=locked.community,
            address=locked.address,
            members_count=1,
        )
        Person.objects.filter(pk=locked.pk).update(household=household, relation_to_head=HouseholdRelation.HEAD)
        log_action(
            "people.household.created",
            actor=actor,
            organization=organization,
            obj=household,
            data={"head": locked.pk},
        )
    head.refresh_from_db()
    return household


def add_household_member(
    *, actor, organization: Organization, household: Household, person: Person, relation: str
) -> Person:
    """Add `person` to `household` with their relation to the head. A person is in one household
    at most, and a household has one head."""
    relation = _clean_relation(relation)
    if actor is not None:
        _require_edit(actor, organization)
        _require_visible_household(actor, household)
        _require_visible_person(actor, person)
    _check_can_join(person)
    with transaction.atomic():
        household = _lock(household)
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.household_id == household.pk:
            raise DomainError(_("This person is already a member of the household."), code="member")
        if locked.household_id:
            raise DomainError(
                _("This person already belongs to another household; remove them from it first."), code="member"
            )
        if is_head(relation) and _current_head(household) is not None:
            raise DomainError(_("The household already has a head."), code="relation")
        Person.objects.filter(pk=locked.pk).update(household=household, relation_to_head=relation)
        _refresh_count(household)
        log_action(
            "people.household.member_added",
            actor=actor,
            organization=organization,
            obj=household,
            data={"person": locked.pk, "relation": relation},
        )
    person.refresh_from_db()
    return person


def change_relation(*, actor, organization: Organization, household: Household, person: Person, relation: str):
    """Change a member's relation to the head. Returns False when nothing changed."""
    relation = _clean_relation(relation)
    if actor is not None:
        _require_edit(actor, organization)
        _require_visible_household(actor, household)
    with transaction.atomic():
        household = _lock(household)
        locked = Person.objects.select_for_update().filter(pk=person.pk, household=household).first()
        if locked is None:
            raise DomainError(_("This person is not a member of the household."), code="member")
        if locked.relation_to_head == relation:
            return False
        if is_head(relation) and _current_head(household, exclude=locked.pk) is not None:
            raise DomainError(
                _("The household already has a head; change that member's relation first."), code="relation"
            )
        Person.objects.filter(pk=locked.pk).update(relation_to_head=relation)
        log_action(
            "people.household.relation_changed",
            actor=actor,
            organization=organization,
            obj=household,
            data={"person": locked.pk, "from": locked.relation_to_head, "to": relation},
        )
    person.refresh_from_db()
    return True


def remove_household_member(*, actor, organization: Organization, household: Household, person: Person) -> bool:
    """Take `person` out of the household. The head stays while other members remain (make someone
    else the head first). When the last member leaves, the household is deleted unless other records
    (e.g. relief applications) refer to it. Returns True when the household was deleted."""
    if actor is not None:
        _require_edit(actor, organization)
        _require_visible_household(actor, household)
    deleted = False
    with transaction.atomic():
        household = _lock(household)
        locked = Person.objects.select_for_update().filter(pk=person.pk, household=household).first()
        if locked is None:
            raise DomainError(_("This person is not a member of the household."), code="member")
        others = Person.objects.filter(household=household).exclude(pk=locked.pk)
        if is_head(locked.relation_to_head) and others.exists():
            raise DomainError(
                _(
                    "The head of the household cannot be removed while other members remain; "
                    "make another member the head first."
                ),
                code="head",
            )
        Person.objects.filter(pk=locked.pk).update(household=None, relation_to_head="")
        log_action(
            "people.household.member_removed",
            actor=actor,
            organization=organization,
            obj=household,
            data={"person": locked.pk},
        )
        if not others.exists():
            try:
                with transaction.atomic():
                    Household.objects.filter(pk=household.pk).delete()
                deleted = True
            except ProtectedError:  # still referred to (a relief application): kept, with no members
                deleted = False
        if not deleted:
            _refresh_count(household)
    person.refresh_from_db()
    return deleted


def tag_summary(household: Household, visible_ids: set[int]) -> list[tuple[str, int]]:
    """Circumstances of the members, counted: (label, how many members). Only members the user may
    see are counted, except 'low-income household', which describes the whole household."""
    from shuniu.people.models import PersonTag

    counts: dict[str, int] = {}
    for person_id, tag in PersonTag.objects.filter(person__household=household).values_list("person_id", "tag"):
        if person_id in visible_ids or tag == Tag.LOW_INCOME:
            counts[tag] = counts.get(tag, 0) + 1
    return [(str(Tag(tag).label), count) for tag, count in sorted(counts.items(), key=lambda item: -item[1])]
