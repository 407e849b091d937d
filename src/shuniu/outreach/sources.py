"""Where stories come from: closed rights cases and approved or paid relief applications.

Each source is read through the owning app's `visible_to(user)`: a record the user may not see
cannot become a story. A source carries its text and the personal strings known from the record
(the person, the family, their phones, ID numbers, addresses, a child's school), which the
anonymise step replaces and every later check looks for again.
"""

from django.utils.translation import gettext as _

from shuniu.outreach.services.stories import StorySource
from shuniu.people.models import Person
from shuniu.relief.models import Application
from shuniu.relief.models import Status as ReliefStatus
from shuniu.rights.models import RightsCase
from shuniu.rights.models import Status as RightsStatus

RIGHTS_CASE = "rights_case"
RELIEF_APPLICATION = "relief_application"
# Aid that was decided in the person's favour: approved, in public notice or paid out.
RELIEF_SOURCE_STATUSES = (ReliefStatus.APPROVED, ReliefStatus.IN_NOTICE, ReliefStatus.PAID)


def _person_known(person: Person | None) -> list[tuple[str, str]]:
    if person is None:
        return []
    return [
        ("name", person.name),
        ("id_number", person.id_number),
        ("phone", person.phone),
        ("address", person.address),
    ]


def _household_name(name: str) -> str:
    """A household is usually named after its head (王芳户): the head's name is what identifies."""
    name = (name or "").strip()
    return name[:-1] if name.endswith("户") else name


def _clean(known: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen, items = set(), []
    for kind, value in known:
        value = str(value or "").strip()
        if value and (kind, value) not in seen:
            seen.add((kind, value))
            items.append((kind, value))
    return items


# Rights cases ---------------------------------------------------------------------------------


def closed_rights_cases(user, limit: int = 50) -> list[RightsCase]:
    """Closed cases the user may see, newest first."""
    return list(RightsCase.objects.visible_to(user).filter(status=RightsStatus.CLOSED).order_by("-pk")[:limit])


def case_label(case: RightsCase) -> str:
    return case.subject or _("Case %(id)s") % {"id": case.pk}


def rights_case_source(user, case_id) -> StorySource | None:
    """The closed case as a story source, or None when the case is not visible to the user, not
    closed, or a sensitive case whose details the user may not read."""
    try:
        case = (
            RightsCase.objects.visible_to(user)
            .select_related("person", "lead_org")
            .get(pk=case_id, status=RightsStatus.CLOSED)
        )
    except (RightsCase.DoesNotExist, ValueError, TypeError):
        return None
    if not case.details_visible_to(user):
        return None
    known = [
        *_person_known(case.person),
        ("name", case.requester_name),
        ("phone", case.contact_phone),
    ]
    texts = [text for text in (case.description, case.outcome_summary) if text]
    return StorySource(
        source_type=RIGHTS_CASE,
        source_id=str(case.pk),
        organization=case.lead_org,
        title=case_label(case),
        text="\n\n".join(texts),
        known=_clean(known),
    )


# Relief applications ----------------------------------------------------------------------------


def relief_applications(user, limit: int = 50) -> list[Application]:
    """Approved or paid applications the user may see, newest first."""
    return list(
        Application.objects.visible_to(user)
        .filter(status__in=RELIEF_SOURCE_STATUSES)
        .select_related("programme")
        .order_by("-pk")[:limit]
    )


def application_label(application: Application) -> str:
    return _("%(programme)s, %(year)s") % {"programme": application.programme.name, "year": application.year}


def relief_application_source(user, application_id) -> StorySource | None:
    """The approved or paid application as a story source, or None when the user may not see it or
    it was not decided in the person's favour. The family (household members and its name), the
    contact phone and — for a pupil — the school are known personal data too."""
    try:
        application = (
            Application.objects.visible_to(user)
            .select_related("programme", "person", "household", "organization")
            .get(pk=application_id, status__in=RELIEF_SOURCE_STATUSES)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        return None
    person = application.person
    known = [*_person_known(person), ("phone", application.contact_phone)]
    household = application.household or person.household
    if household is not None:
        known.append(("name", _household_name(household.name)))
        known.append(("address", household.address))
        for member in Person.objects.filter(household=household).exclude(pk=person.pk):
            known.extend(_person_known(member))
    if application.school and (application.student_enrolled or _is_minor(person)):
        known.append(("school", application.school))
    texts = [application.reason]
    texts.extend(
        decision.comment for decision in application.decisions.order_by("created_at", "pk") if decision.comment
    )
    return StorySource(
        source_type=RELIEF_APPLICATION,
        source_id=str(application.pk),
        organization=application.organization,
        title=application_label(application),
        text="\n\n".join(text for text in texts if text),
        known=_clean(known),
    )


def _is_minor(person: Person) -> bool:
    age = person.age
    return age is not None and age < 18


def story_sources(user) -> dict[str, list]:
    """What the user may turn into a story, per kind of source."""
    return {RIGHTS_CASE: closed_rights_cases(user), RELIEF_APPLICATION: relief_applications(user)}


def source_for(user, value: str) -> StorySource | None:
    """`value` is "<kind>:<id>" as the form offers it."""
    kind, _separator, identifier = (value or "").partition(":")
    if kind == RIGHTS_CASE:
        return rights_case_source(user, identifier)
    if kind == RELIEF_APPLICATION:
        return relief_application_source(user, identifier)
    return None
