"""Where stories come from: closed rights cases (and, later, relief records).

The rights app is built in parallel, so it is imported lazily and read defensively: when its
model or a field is missing, the entry point says "not available" instead of failing. What this
module expects from `shuniu.rights.models.RightsCase` (see the report to the lead):
- `objects.visible_to(user)`; a `status` whose closed value is "closed";
- `organization` or `lead_org` (the owning organisation); `title` or `subject`; text in some of
  `description`, `summary`, `facts`, `outcome`, `outcome_note`, `result`;
- the person: `person` (a people.Person) and/or `requester_name`, `contact_phone` (also the
  `applicant_` / `respondent_` forms); `details_visible_to(user)` for sensitive cases.
"""

from importlib import import_module

from django.utils.translation import gettext as _

from shuniu.outreach.services.stories import StorySource

TEXT_FIELDS = ("description", "summary", "facts", "outcome_note", "outcome_summary", "result")
PERSON_FIELDS = (("name", "name"), ("id_number", "id_number"), ("phone", "phone"), ("address", "address"))


def rights_case_model():
    try:
        module = import_module("shuniu.rights.models")
    except ImportError:
        return None
    return getattr(module, "RightsCase", None)


def closed_rights_cases(user, limit: int = 50):
    """Closed cases the user may see, newest first; [] when the rights app is not there yet."""
    model = rights_case_model()
    if model is None or not hasattr(model.objects, "visible_to"):
        return []
    field_names = {field.name for field in model._meta.get_fields()}
    queryset = model.objects.visible_to(user)
    if "status" in field_names:
        queryset = queryset.filter(status="closed")
    return list(queryset.order_by("-pk")[:limit])


def _first(obj, names) -> str:
    for name in names:
        value = getattr(obj, name, None)
        if value:
            return str(value)
    return ""


def case_label(case) -> str:
    return _first(case, ("title", "subject", "summary")) or _("Case %(id)s") % {"id": case.pk}


def rights_case_source(user, case_id) -> StorySource | None:
    """The closed case as a story source with its known personal strings, or None when the case
    is not visible to the user, not closed, or the rights app is not available."""
    model = rights_case_model()
    if model is None:
        return None
    try:
        case = model.objects.visible_to(user).get(pk=case_id)
    except (model.DoesNotExist, ValueError):
        return None
    if getattr(case, "status", "closed") != "closed":
        return None
    details_visible_to = getattr(case, "details_visible_to", None)
    if details_visible_to is not None and not details_visible_to(user):
        return None  # a sensitive case whose details this user may not read
    organization = getattr(case, "lead_org", None) or getattr(case, "organization", None)
    if organization is None:
        return None
    known: list[tuple[str, str]] = []
    person = getattr(case, "person", None) or getattr(case, "applicant", None)
    if person is not None:
        for kind, attribute in PERSON_FIELDS:
            known.append((kind, str(getattr(person, attribute, "") or "")))
    for kind in ("name", "phone", "id_number", "address"):
        for prefix in ("applicant_", "requester_", "respondent_", "contact_"):
            known.append((kind, str(getattr(case, prefix + kind, "") or "")))
    texts = [str(getattr(case, name)) for name in TEXT_FIELDS if getattr(case, name, None)]
    return StorySource(
        source_type="rights_case",
        source_id=str(case.pk),
        organization=organization,
        title=case_label(case),
        text="\n\n".join(texts),
        known=[item for item in known if item[1]],
    )
