from django import template
from django.utils import timezone

from shuniu.outreach.models import Procedure

register = template.Library()


@register.inclusion_tag("outreach/_procedure_hint_body.html")
def procedure_hint(procedure_code: str):
    """The procedure governing a screen, as a short hint with a link; nothing when none exists."""
    procedure = Procedure.objects.filter(code=procedure_code).first() if procedure_code else None
    version = None
    if procedure is not None:
        version = (
            procedure.versions.filter(effective_from__lte=timezone.localdate())
            .prefetch_related("steps")
            .order_by("-number")
            .first()
        )
    return {"procedure": procedure, "version": version}


@register.filter
def hours(minutes) -> str:
    return f"{(minutes or 0) / 60:.1f}"


@register.filter
def personal_data_kind(kind: str) -> str:
    """The reader's words for a kind of removed personal data (name, ID number, bank account…)."""
    from shuniu.outreach.anonymise import KINDS

    return str(KINDS.get(kind, KINDS["other"]))
