"""Intake from every channel: the hotline form, the public portal, the API."""

import hmac
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.events import publish
from shuniu.core.models import Region
from shuniu.core.services import DomainError
from shuniu.core.validators import normalize_phone, validate_phone
from shuniu.core.workdays import deadline_after
from shuniu.people.services import find_or_create_person
from shuniu.rights.models import (
    CaseCategory,
    CaseParticipant,
    Channel,
    Complexity,
    Enterprise,
    ParticipantRole,
    RightsCase,
    Status,
)
from shuniu.rights.services.common import case_url, notify_org_staff, record_event
from shuniu.rights.services.routing import deadlines_for, route_for, street_of

# No 0/O, 1/I/L: codes are read out over the phone.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_PREFIX = "WQ"


def new_tracking_code() -> str:
    return TRACKING_PREFIX + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))


def normalize_tracking_code(value: str) -> str:
    return "".join((value or "").split()).upper().replace("-", "")


def submit_case(
    *,
    channel: str,
    category: CaseCategory,
    name: str,
    description: str,
    consent_processing: bool,
    phone: str = "",
    id_number: str = "",
    community: Region | None = None,
    subject: str = "",
    consent_referral: bool = False,
    complexity: str = Complexity.ORDINARY,
    enterprise: Enterprise | None = None,
    amount_claimed: Decimal | None = None,
    actor=None,
) -> RightsCase:
    """Take in a request: find or register the person, route by category and place, compute the
    deadlines in working days, and tell the organisation that now holds it."""
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."))
    if not consent_processing:
        raise DomainError(
            _("We can only take the request when the person agrees to the processing of their personal data.")
        )
    description = (description or "").strip()
    if len(description) < 5:
        raise DomainError(_("Please describe the problem (at least 5 characters)."))
    if not category.is_active:
        raise DomainError(_("This category is no longer in use; please choose another."))
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as error:
            raise DomainError(error.messages[0], code="phone") from None
        phone = normalize_phone(phone)
    if amount_claimed is not None and amount_claimed < 0:
        raise DomainError(_("The amount claimed cannot be negative."))
    now = timezone.now()
    route = route_for(category, community)
    deadlines = deadlines_for(category, complexity)
    with transaction.atomic():
        person, _created = find_or_create_person(
            name=name,
            organization=route.organization,
            actor=actor,
            id_number=id_number,
            phone=phone,
            community=community,
        )
        case = None
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    case = RightsCase.objects.create(
                        tracking_code=new_tracking_code(),
                        channel=channel,
                        category=category,
                        complexity=complexity,
                        is_sensitive=category.is_sensitive,
                        person=person,
                        requester_name=name.strip(),
                        contact_phone=phone,
                        community=community,
                        street=street_of(community),
                        subject=(subject or "").strip() or description[:40],
                        description=description,
                        enterprise=enterprise,
                        amount_claimed=amount_claimed,
                        lead_org=route.organization,
                        notify_department=route.notify_department,
                        routing_rule=route.rule,
                        consent_processing=True,
                        consent_referral=consent_referral,
                        received_at=now,
                        first_response_due=deadline_after(now, deadlines.first_response_days),
                        resolution_due=deadline_after(now, deadlines.resolution_days),
                        created_by=actor if getattr(actor, "is_authenticated", False) else None,
                    )
                break
            except IntegrityError:  # tracking code collision (1 in 10^11): draw again
                continue
        if case is None:
            raise DomainError(_("The request could not be saved; please try again."))
        if route.notify_department is not None:
            CaseParticipant.objects.create(
                case=case, organization=route.notify_department, role=ParticipantRole.NOTIFIED, sees_details=False
            )
        record_event(
            case,
            actor,
            "created",
            to_status=Status.RECEIVED,
            note=_("Taken in via %(channel)s; routed to %(organization)s.")
            % {"channel": case.get_channel_display(), "organization": route.organization.display_name},
        )
        log_action(
            "rights.case.created",
            actor=actor,
            organization=route.organization,
            obj=case,
            data={"channel": channel, "category": category.code, "rule": route.rule.pk if route.rule else None},
        )
        publish("rights.case.created", {"case_id": case.pk, "organization_id": route.organization.pk})
        notify_org_staff(
            route.organization,
            _("New rights case %(code)s: %(category)s") % {"code": case.tracking_code, "category": category.label},
            case.subject if not case.is_sensitive else "",
            case_url(case),
            dedupe_key=f"rights-new-{case.pk}",
        )
        if route.notify_department is not None:
            notify_org_staff(
                route.notify_department,
                _("Rights case %(code)s for your information: %(category)s")
                % {"code": case.tracking_code, "category": category.label},
                "",
                case_url(case),
                dedupe_key=f"rights-notified-{case.pk}",
            )
        from shuniu.rights.search import index_case_later
        from shuniu.rights.tasks import schedule_deadline_checks

        transaction.on_commit(lambda: schedule_deadline_checks(case.pk))
        index_case_later(case)
    return case


def find_for_tracking(code: str, last_four: str) -> RightsCase | None:
    """The case with this tracking code whose contact phone ends in these four digits; None for an
    unknown code and a wrong phone alike, so the answer reveals nothing."""
    code = normalize_tracking_code(code)
    last_four = (last_four or "").strip()
    if not code or len(last_four) != 4 or not last_four.isdigit():
        return None
    case = RightsCase.objects.filter(tracking_code=code).select_related("category", "lead_org").first()
    expected = (case.contact_phone or "")[-4:] if case is not None else "----"
    if not hmac.compare_digest(expected.encode(), last_four.encode()) or case is None:
        return None
    return case
