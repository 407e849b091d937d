"""Stories: draft → review → published, with the personal-data check in between."""

import json
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError
from shuniu.outreach.anonymise import Removal, anonymise, find_personal_data
from shuniu.outreach.models import Story, StoryStatus


@dataclass
class StorySource:
    """A closed case or relief record offered as the starting point of a story."""

    source_type: str
    source_id: str
    organization: object
    title: str
    text: str
    known: list[tuple[str, str]] = field(default_factory=list)


def _require(actor, key: str, organization) -> None:
    if not get_scope(actor).has(key, organization):
        raise DomainError(_("You may not do this for this organisation."), code="forbidden")


def known_personal_data(story: Story) -> list[tuple[str, str]]:
    if not story.known_personal_data:
        return []
    return [tuple(item) for item in json.loads(story.known_personal_data)]


def story_text(story: Story) -> str:
    return "\n".join([story.title, story.summary, story.body, story.tags, story.cover_alt])


def check_story(story: Story) -> list[Removal]:
    """Personal data still found in the story's text (empty when clean)."""
    return find_personal_data(story_text(story), known_personal_data(story))


def create_story(actor, story: Story) -> Story:
    _require(actor, "outreach:story_edit", story.organization)
    with transaction.atomic():
        story.created_by = actor
        story.status = StoryStatus.DRAFT
        story.save()
        log_action("outreach.story.created", actor=actor, organization=story.organization, obj=story)
    return story


def create_story_from_source(actor, source: StorySource, kind: str) -> Story:
    """A draft story whose text is the source's text with personal data already replaced; what was
    removed is kept (masked) for the editor to review."""
    _require(actor, "outreach:story_edit", source.organization)
    title, title_removals = anonymise(source.title, source.known)
    body, body_removals = anonymise(source.text, source.known)
    removals = {}
    for removal in [*title_removals, *body_removals]:
        key = (removal.kind, removal.masked)
        count = removal.count + (removals[key]["count"] if key in removals else 0)
        removals[key] = {**removal.as_dict(), "count": count}
    story = Story(
        organization=source.organization,
        kind=kind,
        title=title[:120],
        body=body,
        source_type=source.source_type,
        source_id=str(source.source_id),
        known_personal_data=json.dumps([list(item) for item in source.known], ensure_ascii=False),
        removals=list(removals.values()),
        created_by=actor,
    )
    with transaction.atomic():
        story.save()
        log_action(
            "outreach.story.created_from_source",
            actor=actor,
            organization=story.organization,
            obj=story,
            data={"source": source.source_type, "source_id": str(source.source_id), "removed": len(removals)},
        )
    return story


def update_story(actor, story: Story, fields: list[str]) -> Story:
    """Save edits of a draft. Any change of the text voids an earlier personal-data confirmation
    (the confirmation is bound to the text's hash)."""
    _require(actor, "outreach:story_edit", story.organization)
    if story.status not in (StoryStatus.DRAFT, StoryStatus.REVIEW):
        raise DomainError(_("A published story cannot be edited; withdraw it first."))
    with transaction.atomic():
        locked = Story.objects.select_for_update().only("status").get(pk=story.pk)
        if locked.status not in (StoryStatus.DRAFT, StoryStatus.REVIEW):
            raise DomainError(_("A published story cannot be edited; withdraw it first."))
        story.save(update_fields=[*fields, "updated_at"])
        log_action("outreach.story.updated", actor=actor, organization=story.organization, obj=story)
    return story


def add_known_personal_data(actor, story: Story, kind: str, values: list[str]) -> int:
    """The editor names people or places of the story that the check must look for (e.g. the
    names in a hand-written draft). Kept encrypted with the story; returns how many were added."""
    _require(actor, "outreach:story_edit", story.organization)
    if kind not in ("name", "address", "other"):
        raise DomainError(_("Choose whether these are names, addresses or other details."))
    known = known_personal_data(story)
    new = [(kind, value.strip()) for value in values if len(value.strip()) >= 2]
    new = [item for item in new if item not in known]
    if not new:
        raise DomainError(_("Enter at least one name or detail of two characters or more."))
    with transaction.atomic():
        story.known_personal_data = json.dumps([list(item) for item in [*known, *new]], ensure_ascii=False)
        story.save(update_fields=["known_personal_data", "updated_at"])
        log_action(
            "outreach.story.known_personal_data_added",
            actor=actor,
            organization=story.organization,
            obj=story,
            data={"kind": kind, "count": len(new)},
        )
    return len(new)


def remove_personal_data(actor, story: Story) -> list[Removal]:
    """Replace what the check finds in the story's text (the editor pressed "remove all")."""
    _require(actor, "outreach:story_edit", story.organization)
    known = known_personal_data(story)
    found = []
    for name in ("title", "summary", "body", "tags", "cover_alt"):
        value, removals = anonymise(getattr(story, name), known)
        setattr(story, name, value[: Story._meta.get_field(name).max_length or None] if name != "body" else value)
        found.extend(removals)
    with transaction.atomic():
        story.removals = [*story.removals, *[removal.as_dict() for removal in found]]
        story.save(update_fields=["title", "summary", "body", "tags", "cover_alt", "removals", "updated_at"])
        log_action(
            "outreach.story.personal_data_removed",
            actor=actor,
            organization=story.organization,
            obj=story,
            data={"removed": len(found)},
        )
    return found


def confirm_privacy_check(actor, story: Story) -> None:
    """The editor confirms the text has no personal data left. Refused while the check finds any."""
    _require(actor, "outreach:story_edit", story.organization)
    found = check_story(story)
    if found:
        raise DomainError(
            _("The text still contains personal data (%(count)d item(s)); remove it before confirming.")
            % {"count": len(found)},
            code="personal_data",
        )
    with transaction.atomic():
        story.privacy_confirmed_hash = story.content_hash()
        story.privacy_confirmed_by = actor
        story.privacy_confirmed_at = timezone.now()
        story.save(update_fields=["privacy_confirmed_hash", "privacy_confirmed_by", "privacy_confirmed_at"])
        log_action("outreach.story.privacy_confirmed", actor=actor, organization=story.organization, obj=story)


def submit_for_review(actor, story: Story) -> None:
    _require(actor, "outreach:story_edit", story.organization)
    if not story.privacy_confirmed:
        raise DomainError(_("Confirm the personal-data check before sending the story for review."))
    _transition(actor, story, StoryStatus.DRAFT, StoryStatus.REVIEW, "outreach.story.submitted")


def return_to_draft(actor, story: Story) -> None:
    _require(actor, "outreach:story_publish", story.organization)
    _transition(actor, story, StoryStatus.REVIEW, StoryStatus.DRAFT, "outreach.story.returned")


def publish_story(actor, story: Story) -> None:
    """Publish on the portal: only from review, only with a confirmed check on the current text,
    and only when a last check still finds nothing. The row is locked, so an edit saved at the
    same moment cannot slip unchecked text onto the portal."""
    _require(actor, "outreach:story_publish", story.organization)
    with transaction.atomic():
        locked = Story.objects.select_for_update().get(pk=story.pk)
        if locked.status != StoryStatus.REVIEW:
            raise DomainError(_("Only a story in review can be published."), code="status")
        if not locked.privacy_confirmed:
            raise DomainError(
                _(
                    "The personal-data check has not been confirmed for the current text;"
                    " the story cannot be published."
                ),
                code="unchecked",
            )
        if check_story(locked):
            raise DomainError(_("The text still contains personal data; the story cannot be published."))
        locked.status = StoryStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        log_action("outreach.story.published", actor=actor, organization=locked.organization, obj=locked)
    story.refresh_from_db()


def withdraw_story(actor, story: Story) -> None:
    _require(actor, "outreach:story_publish", story.organization)
    _transition(actor, story, StoryStatus.PUBLISHED, StoryStatus.WITHDRAWN, "outreach.story.withdrawn")


def redraft_story(actor, story: Story) -> None:
    _require(actor, "outreach:story_edit", story.organization)
    _transition(actor, story, StoryStatus.WITHDRAWN, StoryStatus.DRAFT, "outreach.story.redrafted")


def _transition(actor, story: Story, old: str, new: str, action: str, **extra) -> None:
    if story.status != old:
        raise DomainError(
            _("This cannot be done while the story is “%(status)s”.") % {"status": story.get_status_display()}
        )
    with transaction.atomic():
        updated = Story.objects.filter(
            pk=story.pk, status=old, privacy_confirmed_hash=story.privacy_confirmed_hash
        ).update(status=new, updated_at=timezone.now(), **extra)
        if updated != 1:
            raise DomainError(_("The story has changed meanwhile; reload the page and try again."), code="stale")
        log_action(action, actor=actor, organization=story.organization, obj=story, data={"from": old, "to": new})
    story.refresh_from_db()


def count_view(story: Story) -> None:
    Story.objects.filter(pk=story.pk).update(view_count=models.F("view_count") + 1)
