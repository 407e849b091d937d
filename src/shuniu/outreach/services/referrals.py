"""Sharing with affiliated social organisations: activities (co-organisers) and referrals of a
person's need, answered by the organisation's contact through a signed, expiring link.

The contact has no staff account. A link is a signed token naming one referral, one purpose
("answer": accept or decline; "outcome": report what was done) and the referral's current nonce.
Every answer rotates the nonce, so a link works once; it also expires (`LINK_VALID_FOR`, never
later than the deadline allows). Anything else — a forged, altered, used or expired link — is
refused without changing anything.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuniu.core.audit import log_action
from shuniu.core.models import Organization, OrganizationKind
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError, notify, notify_role
from shuniu.outreach.anonymise import BANK_ACCOUNT, ID_NUMBER
from shuniu.outreach.models import (
    Activity,
    ActivityShare,
    SocialOrganizationMessage,
    SocialOrganizationStatus,
    SocialReferral,
    SocialReferralSource,
    SocialReferralStatus,
)
from shuniu.people.models import ConsentPurpose, Person
from shuniu.people.services import has_consent

LINK_SALT = "shuniu.outreach.social_referral"
LINK_VALID_FOR = timedelta(days=14)
PURPOSE_ANSWER = "answer"
PURPOSE_OUTCOME = "outcome"
PURPOSE_STATUS = {PURPOSE_ANSWER: SocialReferralStatus.SENT, PURPOSE_OUTCOME: SocialReferralStatus.ACCEPTED}
HUB_ROLES = ("supervisor", "org_admin")


def _require(actor, key: str, organization) -> None:
    if not get_scope(actor).has(key, organization):
        raise DomainError(_("You may not do this for this organisation."), code="forbidden")


def affiliated_social_organizations(hub: Organization, *, accepting_referrals: bool = False):
    """Active social organisations affiliated with `hub` (or with the organisation it is a branch of)."""
    hub_ids = [hub.pk] + ([hub.parent_id] if hub.parent_id else [])
    queryset = Organization.objects.filter(
        kind=OrganizationKind.SOCIAL_ORG,
        hub_id__in=hub_ids,
        is_active=True,
        social_profile__status=SocialOrganizationStatus.ACTIVE,
    )
    if accepting_referrals:
        queryset = queryset.filter(social_profile__accepts_referrals=True)
    return queryset.select_related("social_profile").order_by("name")


# Outbox --------------------------------------------------------------------------------------------


def _queue_message(social_organization: Organization, subject: str, body: str, **links) -> SocialOrganizationMessage:
    profile = social_organization.social_profile
    message = SocialOrganizationMessage.objects.create(
        social_organization=social_organization,
        to_name=profile.contact_name,
        to_email=profile.contact_email,
        to_phone=profile.contact_phone,
        subject=subject[:200],
        body=body,
        **links,
    )
    transaction.on_commit(lambda: send_message(message.pk))
    return message


def send_message(message_id: int) -> None:
    """Send one outbox message by e-mail (when the contact has an address); idempotent."""
    message = SocialOrganizationMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None or not message.to_email:
        return
    if (
        SocialOrganizationMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(sent_at=timezone.now())
        != 1
    ):
        return
    send_mail(message.subject, message.body, None, [message.to_email])


def _absolute(path: str, base_url: str) -> str:
    """Links in messages are absolute: the view passes the site's address it was reached at."""
    return (base_url or "").rstrip("/") + path


# Activities ------------------------------------------------------------------------------------------


def share_activity(actor, activity: Activity, social_organizations, *, base_url: str = "") -> list[ActivityShare]:
    """Share the activity with affiliated social organisations: each becomes a co-organiser (shown on
    the activity page and the portal) and its contact gets a message. Sharing again is a no-op."""
    _require(actor, "outreach:activity_manage", activity.organization)
    allowed = {organization.pk: organization for organization in affiliated_social_organizations(activity.organization)}
    chosen = list(social_organizations)
    if not chosen:
        raise DomainError(_("Choose at least one social organisation."))
    if any(organization.pk not in allowed for organization in chosen):
        raise DomainError(_("An activity can only be shared with social organisations affiliated with its organiser."))
    created = []
    with transaction.atomic():
        already = set(activity.shares.values_list("social_organization_id", flat=True))
        for organization in chosen:
            if organization.pk in already:
                continue
            share = ActivityShare.objects.create(activity=activity, social_organization=organization, shared_by=actor)
            activity.partners.add(organization)
            url = _absolute(reverse("outreach_public:activity", args=[activity.pk]), base_url)
            _queue_message(
                allowed[organization.pk],
                _("%(organiser)s invites you to co-organise: %(title)s")
                % {"organiser": activity.organization.name, "title": activity.title},
                _(
                    "%(organiser)s has shared the activity “%(title)s” (%(when)s, %(place)s) with %(name)s. "
                    "You are listed as a co-organiser. Details: %(url)s"
                )
                % {
                    "organiser": activity.organization.name,
                    "title": activity.title,
                    "when": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
                    "place": activity.place,
                    "name": organization.name,
                    "url": url,
                },
                activity=activity,
            )
            log_action(
                "outreach.activity.shared",
                actor=actor,
                organization=activity.organization,
                obj=activity,
                data={"social_organization": organization.pk},
            )
            created.append(share)
    return created


# Referrals -------------------------------------------------------------------------------------------


@dataclass
class ReferralSubject:
    """The person a referral is about, and what the source record knows for contacting them."""

    source_type: str
    source_id: str
    person: Person
    phone: str
    community_name: str
    hub: Organization | None


def subject_from_source(user, source_type: str, source_id) -> ReferralSubject | None:
    """The person behind a rights case or aid application the user may see (None otherwise)."""
    from shuniu.relief.models import Application
    from shuniu.rights.models import RightsCase

    try:
        if source_type == SocialReferralSource.RIGHTS_CASE:
            case = (
                RightsCase.objects.visible_to(user).select_related("person", "community", "lead_org").get(pk=source_id)
            )
            if not case.details_visible_to(user):
                return None
            return ReferralSubject(
                source_type,
                str(case.pk),
                case.person,
                case.contact_phone or case.person.phone,
                case.community.name if case.community else "",
                case.lead_org,
            )
        if source_type == SocialReferralSource.RELIEF_APPLICATION:
            application = (
                Application.objects.visible_to(user)
                .select_related("person", "community", "organization")
                .get(pk=source_id)
            )
            return ReferralSubject(
                source_type,
                str(application.pk),
                application.person,
                application.contact_phone or application.person.phone,
                application.community.name if application.community else "",
                application.organization,
            )
        if source_type == SocialReferralSource.STANDALONE:
            person = Person.objects.visible_to(user).current().select_related("community").get(pk=source_id)
            return ReferralSubject(
                source_type, "", person, person.phone, person.community.name if person.community else "", None
            )
    except (ValueError, TypeError, RightsCase.DoesNotExist, Application.DoesNotExist, Person.DoesNotExist):
        return None
    return None


def make_link_token(referral: SocialReferral, purpose: str) -> str:
    return signing.dumps({"r": referral.pk, "n": referral.link_nonce, "p": purpose}, salt=LINK_SALT, compress=True)


def answer_url(referral: SocialReferral, purpose: str, base_url: str = "") -> str:
    return _absolute(reverse("outreach_public:referral_answer", args=[make_link_token(referral, purpose)]), base_url)


class LinkRefused(Exception):
    """The link is not (or no longer) valid; `expired` tells an honest "too late" from the rest."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def referral_for_link(token: str, *, now=None) -> tuple[SocialReferral, str]:
    """The referral and purpose a link is for; raises LinkRefused for a forged, altered, used or
    expired link."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_VALID_FOR)
    except signing.SignatureExpired:
        raise LinkRefused(expired=True) from None
    except signing.BadSignature:
        raise LinkRefused from None
    if not isinstance(payload, dict) or payload.get("p") not in PURPOSE_STATUS:
        raise LinkRefused
    referral = SocialReferral.objects.select_related("social_organization", "hub").filter(pk=payload.get("r")).first()
    if referral is None or not secrets.compare_digest(str(payload.get("n", "")), referral.link_nonce):
        raise LinkRefused
    if referral.status != PURPOSE_STATUS[payload["p"]]:
        raise LinkRefused
    if referral.link_expires_at <= now:
        raise LinkRefused(expired=True)
    return referral, payload["p"]


def _new_link(referral: SocialReferral, now) -> None:
    referral.link_nonce = secrets.token_hex(16)
    referral.link_expires_at = now + LINK_VALID_FOR


def _refuse_personal_identifiers(text: str) -> None:
    if ID_NUMBER.search(text) or BANK_ACCOUNT.search(text):
        raise DomainError(
            _("Describe the need without ID numbers or bank accounts: the social organisation does not need them."),
            code="personal_data",
        )


def create_referral(
    actor,
    *,
    hub: Organization,
    social_organization: Organization,
    subject: ReferralSubject,
    need: str,
    due_on,
    share_contact: bool,
    base_url: str = "",
) -> SocialReferral:
    """Refer the person's need to an affiliated social organisation that accepts referrals, with the
    person's consent to sharing. Only the need, the community and — when `share_contact` — the
    person's name and phone are shared; the contact gets a message with the answer link."""
    _require(actor, "outreach:refer", hub)
    need = (need or "").strip()
    if not need:
        raise DomainError(_("Describe the help the person needs."))
    _refuse_personal_identifiers(need)
    allowed = affiliated_social_organizations(hub, accepting_referrals=True).filter(pk=social_organization.pk).first()
    if allowed is None:
        raise DomainError(
            _("This social organisation is not affiliated with your organisation or does not accept referrals."),
            code="not_affiliated",
        )
    now = timezone.now()
    if due_on < timezone.localdate(now):
        raise DomainError(_("The deadline cannot be in the past."))
    person = subject.person
    if not has_consent(person, ConsentPurpose.SHARING):
        raise DomainError(
            _("The person has not consented to sharing their data with other organisations; record the consent first."),
            code="no_consent",
        )
    referral = SocialReferral(
        hub=hub,
        social_organization=allowed,
        person=person,
        source_type=subject.source_type,
        source_id=subject.source_id,
        need=need,
        shared_name=person.name if share_contact else "",
        shared_phone=subject.phone if share_contact else "",
        community_name=subject.community_name,
        due_on=due_on,
        created_by=actor,
        created_at=now,
    )
    _new_link(referral, now)
    with transaction.atomic():
        referral.save()
        _queue_message(
            allowed,
            _("Referral from %(hub)s: please answer by %(due)s") % {"hub": hub.name, "due": due_on.isoformat()},
            _(
                "%(hub)s refers a person's need to %(name)s:\n\n%(need)s\n\n"
                "Please accept or decline through this link (valid until %(until)s): %(url)s"
            )
            % {
                "hub": hub.name,
                "name": allowed.name,
                "need": need,
                "until": timezone.localtime(referral.link_expires_at).strftime("%Y-%m-%d"),
                "url": answer_url(referral, PURPOSE_ANSWER, base_url),
            },
            referral=referral,
        )
        log_action(
            "outreach.social_referral.sent",
            actor=actor,
            organization=hub,
            obj=referral,
            data={
                "social_organization": allowed.pk,
                "source": subject.source_type,
                "source_id": subject.source_id,
                "contact_shared": bool(share_contact),
            },
        )
    return referral


def _notify_hub(referral: SocialReferral, message) -> None:
    """`message` is lazy: the inbox is written in the platform's language, not in whatever language
    the contact's browser asked for."""
    with translation.override(settings.LANGUAGE_CODE):
        title = str(message) % {"name": referral.social_organization.name, "id": referral.pk}
    url = reverse("outreach:referral_detail", args=[referral.pk])
    key = f"outreach.social_referral.{referral.pk}.{referral.status}"
    if referral.created_by_id and referral.created_by.is_active:
        notify([referral.created_by], title, url=url, dedupe_key=key)
    else:
        notify_role(referral.hub, HUB_ROLES, title, url=url, dedupe_key=key)


def answer_referral(token: str, *, accept: bool, note: str = "", base_url: str = "") -> SocialReferral:
    """The contact accepts or declines through the answer link. An accepted referral gets a new link
    for reporting the outcome (sent to the contact); the hub's staff are notified either way."""
    note = (note or "").strip()[:1000]
    if not accept and not note:
        raise DomainError(_("Say briefly why you decline, so that the referring organisation can find other help."))
    now = timezone.now()
    with transaction.atomic():
        referral, purpose = referral_for_link(token, now=now)
        if purpose != PURPOSE_ANSWER:
            raise LinkRefused
        new_status = SocialReferralStatus.ACCEPTED if accept else SocialReferralStatus.DECLINED
        old_nonce = referral.link_nonce
        _new_link(referral, now)
        updated = SocialReferral.objects.filter(
            pk=referral.pk, status=SocialReferralStatus.SENT, link_nonce=old_nonce
        ).update(
            status=new_status,
            answer_note=note,
            answered_at=now,
            link_nonce=referral.link_nonce,
            link_expires_at=referral.link_expires_at,
        )
        if updated != 1:
            raise LinkRefused
        referral.refresh_from_db()
        log_action(
            "outreach.social_referral.accepted" if accept else "outreach.social_referral.declined",
            organization=referral.hub,
            obj=referral,
            data={"social_organization": referral.social_organization_id},
        )
        if accept:
            _queue_message(
                referral.social_organization,
                _("Referral from %(hub)s: report the outcome") % {"hub": referral.hub.name},
                _("Thank you for accepting. When the help is done, report the outcome through this link: %(url)s")
                % {"url": answer_url(referral, PURPOSE_OUTCOME, base_url)},
                referral=referral,
            )
        transaction.on_commit(
            lambda: _notify_hub(
                referral,
                gettext_lazy("%(name)s accepted referral #%(id)s")
                if accept
                else gettext_lazy("%(name)s declined referral #%(id)s"),
            )
        )
    return referral


def report_outcome(token: str, note: str) -> SocialReferral:
    """The contact reports what was done through the outcome link; the referral is done."""
    note = (note or "").strip()[:2000]
    if not note:
        raise DomainError(_("Describe what was done for the person."))
    now = timezone.now()
    with transaction.atomic():
        referral, purpose = referral_for_link(token, now=now)
        if purpose != PURPOSE_OUTCOME:
            raise LinkRefused
        updated = SocialReferral.objects.filter(
            pk=referral.pk, status=SocialReferralStatus.ACCEPTED, link_nonce=referral.link_nonce
        ).update(status=SocialReferralStatus.DONE, outcome_note=note, done_at=now, link_nonce=secrets.token_hex(16))
        if updated != 1:
            raise LinkRefused
        referral.refresh_from_db()
        log_action(
            "outreach.social_referral.done",
            organization=referral.hub,
            obj=referral,
            data={"social_organization": referral.social_organization_id},
        )
        transaction.on_commit(
            lambda: _notify_hub(referral, gettext_lazy("%(name)s reported the outcome of referral #%(id)s"))
        )
    return referral
