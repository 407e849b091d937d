"""State changes of the joint meeting system. Each: guard → atomic → save → log_action → on_commit.

Refusals raise `DomainError` with a translated message that the views show as it is.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import nh3
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.events import publish
from shuniu.core.models import Organization
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError, notify_role
from shuniu.meetings import cooperation
from shuniu.meetings.models import (
    OPEN_STATUSES,
    ActionItem,
    Attachment,
    Attendance,
    CooperationPoint,
    CooperationProject,
    HostSkip,
    ItemStatus,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    PassRequest,
    PlanItem,
    PointStatus,
    ProgressReport,
    Resolution,
    SeriesMember,
    Submission,
    SubmissionStatus,
)

STAFF_ROLES = ["caseworker", "supervisor", "org_admin"]
OFFICE_ROLES = ["caseworker", "supervisor", "org_admin", "district_coordinator"]
REMIND_DAYS_BEFORE = 3
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".jpg", ".jpeg", ".png", ".txt"}
MINUTES_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote"}


# ---------------------------------------------------------------- who may do what


def can_manage(user, series: MeetingSeries) -> bool:
    return get_scope(user).has("meetings:manage", series.convenor)


def can_host(user, meeting: Meeting) -> bool:
    return get_scope(user).has("meetings:host", meeting.host) or can_manage(user, meeting.series)


def submitting_organizations(user, series: MeetingSeries) -> list[Organization]:
    """The member organisations of the series the user may write submissions for."""
    scope = get_scope(user)
    return [m.organization for m in series.active_members() if scope.has("meetings:submit", m.organization)]


def _require_host(user, meeting: Meeting) -> None:
    if not can_host(user, meeting):
        raise DomainError(
            _("Only the host (%(host)s) or the joint office can do this.") % {"host": meeting.host.display_name}
        )


def _require_manage(user, series: MeetingSeries) -> None:
    if not can_manage(user, series):
        raise DomainError(_("Only the joint office that keeps this series can do this."))


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


# ---------------------------------------------------------------- series and rotation


@transaction.atomic
def create_series(
    *, actor, name: str, convenor: Organization, period: str, members: list[Organization], description: str = ""
) -> MeetingSeries:
    """A new series; `members` in rotation order."""
    if not get_scope(actor).has("meetings:manage", convenor):
        raise DomainError(_("Only the joint office can set up a meeting series."))
    if len(members) < 2:
        raise DomainError(_("A joint meeting needs at least two member organisations."))
    if len({m.pk for m in members}) != len(members):
        raise DomainError(_("An organisation can only be a member once."))
    series = MeetingSeries.objects.create(name=name, convenor=convenor, period=period, description=description)
    SeriesMember.objects.bulk_create(
        SeriesMember(series=series, organization=org, position=index) for index, org in enumerate(members, start=1)
    )
    log_action(
        "meetings.series.created",
        actor=actor,
        organization=convenor,
        obj=series,
        data={"members": [m.pk for m in members], "period": period},
    )
    return series


def update_series(
    *, actor, series: MeetingSeries, name: str, period: str, members: list[Organization], description: str = ""
) -> MeetingSeries:
    """Change name, period, members and rotation order. Members taken out are deactivated, not
    deleted, so past meetings keep their hosts and submissions."""
    _require_manage(actor, series)
    if len(members) < 2:
        raise DomainError(_("A joint meeting needs at least two member organisations."))
    if len({m.pk for m in members}) != len(members):
        raise DomainError(_("An organisation can only be a member once."))
    with transaction.atomic():
        series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
        before = list(series.active_members().values_list("organization_id", flat=True))
        series.name, series.period, series.description = name, period, description
        series.save(update_fields=["name", "period", "description"])
        chosen = {org.pk for org in members}
        series.members.exclude(organization_id__in=chosen).update(is_active=False)
        for position, org in enumerate(members, start=1):
            SeriesMember.objects.update_or_create(
                series=series, organization=org, defaults={"position": position, "is_active": True}
            )
        log_action(
            "meetings.series.updated",
            actor=actor,
            organization=series.convenor,
            obj=series,
            data={"before": before, "after": [m.pk for m in members], "period": period},
        )
    return series


@transaction.atomic
def request_pass(*, actor, series: MeetingSeries, organization: Organization, reason: str) -> PassRequest:
    """A member asks to pass its next turn as host; the reason is kept and shown with the rotation."""
    reason = (reason or "").strip()
    if not get_scope(actor).has("meetings:submit", organization):
        raise DomainError(_("You can only ask to pass for your own organisation."))
    if not series.members.filter(organization=organization, is_active=True).exists():
        raise DomainError(_("%(org)s is not a member of this series.") % {"org": organization.display_name})
    if len(reason) < 4:
        raise DomainError(_("Please give the reason for passing (at least 4 characters)."))
    if PassRequest.objects.filter(series=series, organization=organization, used_for__isnull=True).exists():
        raise DomainError(_("%(org)s has already asked to pass its next turn.") % {"org": organization.display_name})
    request = PassRequest.objects.create(series=series, organization=organization, reason=reason, requested_by=actor)
    log_action(
        "meetings.series.pass_requested", actor=actor, organization=organization, obj=series, data={"reason": reason}
    )
    return request


@dataclass
class HostChoice:
    host: Organization
    turn: Organization
    skips: list[tuple[Organization, str, str, PassRequest | None]]  # (org, why, reason, pass request)


def compute_next_host(series: MeetingSeries) -> HostChoice:
    """Walk the rotation from the member after the last meeting's turn; skip the member that hosted
    last time and members that asked to pass. Pure: nothing is saved.

    The turn recorded is the first member reached that did not host last time: when A passes and
    B hosts in its place, B's own turn is used up (it is skipped next time as the last host) and
    the rotation carries on after the following member, instead of skipping someone every time.
    """
    members = list(series.active_members())
    if not members:
        raise DomainError(_("The series has no active members."))
    last = series.meetings.order_by("-number").first()
    start = 0
    if last is not None:
        positions = [m.organization_id for m in members]
        if last.rotation_turn_id in positions:
            start = (positions.index(last.rotation_turn_id) + 1) % len(members)
    passes = {p.organization_id: p for p in series.pass_requests.filter(used_for__isnull=True)}
    skips = []
    turn = None
    for offset in range(len(members)):
        org = members[(start + offset) % len(members)].organization
        if last is not None and org.pk == last.host_id:
            skips.append((org, HostSkip.Why.HOSTED_LAST, "", None))
            continue
        turn = turn or org
        if org.pk in passes:
            skips.append((org, HostSkip.Why.ASKED_TO_PASS, passes[org.pk].reason, passes[org.pk]))
            continue
        return HostChoice(host=org, turn=turn, skips=skips)
    raise DomainError(_("No member can host: every member hosted last time or asked to pass."))


def open_items_agenda(previous: Meeting | None) -> str:
    if previous is None:
        return ""
    items = list(
        previous.action_items.filter(status__in=OPEN_STATUSES).select_related("lead_organization").order_by("deadline")
    )
    if not items:
        return ""
    lines = [_("Review of the open action items of the last meeting:")]
    for item in items:
        lines.append(
            _("   - %(title)s (lead: %(lead)s, deadline %(deadline)s, %(status)s)")
            % {
                "title": item.title,
                "lead": item.lead_organization.display_name,
                "deadline": item.deadline.isoformat(),
                "status": item.get_status_display(),
            }
        )
    return "\n".join(lines)


def plan_next_meeting(*, actor, series: MeetingSeries) -> Meeting:
    """Compute the next host and create the meeting; the host is told to schedule it."""
    _require_manage(actor, series)
    with transaction.atomic():
        # Lock the series so that two clicks cannot create two "next" meetings.
        series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
        previous = series.meetings.order_by("-number").first()
        if previous is not None and previous.status != MeetingStatus.HELD:
            raise DomainError(
                _("The last meeting (%(title)s) has not been held yet; record its minutes first.")
                % {"title": previous.title}
            )
        choice = compute_next_host(series)
        number = (series.meetings.aggregate(n=Max("number"))["n"] or 0) + 1
        meeting = Meeting.objects.create(
            series=series,
            number=number,
            host=choice.host,
            rotation_turn=choice.turn,
            title=_("%(series)s, meeting no. %(number)d") % {"series": series.name, "number": number},
            agenda=open_items_agenda(previous),
        )
        for org, why, reason, pass_request in choice.skips:
            HostSkip.objects.create(meeting=meeting, organization=org, why=why, reason=reason)
            if pass_request is not None:
                PassRequest.objects.filter(pk=pass_request.pk).update(used_for=meeting)
        log_action(
            "meetings.meeting.planned",
            actor=actor,
            organization=series.convenor,
            obj=meeting,
            data={"host": choice.host.pk, "turn": choice.turn.pk, "skipped": [s[0].pk for s in choice.skips]},
        )
        url = _url("meetings:meeting_detail", meeting.pk)
        transaction.on_commit(
            lambda: notify_role(
                choice.host,
                STAFF_ROLES,
                _("Your organisation hosts the next joint meeting"),
                _("Please set the date, venue and agenda of %(title)s.") % {"title": meeting.title},
                url,
                dedupe_key=f"meetings:host:{meeting.pk}",
            )
        )
    return meeting


def schedule_meeting(
    *,
    actor,
    meeting: Meeting,
    title: str,
    starts_at: datetime,
    venue: str,
    agenda: str,
    submission_deadline: datetime,
) -> Meeting:
    """The host sets date, venue, agenda and the deadline for submissions; members are invited."""
    _require_host(actor, meeting)
    now = timezone.now()
    if meeting.status == MeetingStatus.HELD:
        raise DomainError(_("This meeting has already been held; it cannot be rescheduled."))
    if starts_at <= now:
        raise DomainError(_("The meeting date must be in the future."))
    if submission_deadline <= now:
        raise DomainError(_("The submission deadline must be in the future."))
    if submission_deadline > starts_at:
        raise DomainError(_("The submission deadline must be before the meeting starts."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == MeetingStatus.HELD:
            raise DomainError(_("This meeting has already been held; it cannot be rescheduled."))
        meeting.title = title
        meeting.starts_at = starts_at
        meeting.venue = venue
        meeting.agenda = agenda
        meeting.submission_deadline = submission_deadline
        meeting.status = MeetingStatus.SCHEDULED
        meeting.save(update_fields=["title", "starts_at", "venue", "agenda", "submission_deadline", "status"])
        log_action(
            "meetings.meeting.scheduled",
            actor=actor,
            organization=meeting.host,
            obj=meeting,
            data={"starts_at": starts_at.isoformat(), "venue": venue, "deadline": submission_deadline.isoformat()},
        )
        members = [m.organization for m in meeting.series.active_members()]
        body = _("%(title)s: %(when)s at %(venue)s. Please hand in your submission by %(deadline)s.") % {
            "title": meeting.title,
            "when": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
            "venue": venue,
            "deadline": timezone.localtime(submission_deadline).strftime("%Y-%m-%d %H:%M"),
        }
        url = _url("meetings:meeting_detail", meeting.pk)
        key = f"meetings:invite:{meeting.pk}:{starts_at.timestamp():.0f}"

        def invite():
            for org in members:
                notify_role(org, STAFF_ROLES, _("Invitation to a joint meeting"), body, url, dedupe_key=key)

        transaction.on_commit(invite)
    return meeting


# ---------------------------------------------------------------- submissions


def _check_file(upload) -> None:
    from pathlib import PurePath

    if PurePath(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise DomainError(
            _("%(name)s: this kind of file cannot be attached (allowed: PDF, Word, Excel, PowerPoint, images, text).")
            % {"name": upload.name}
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise DomainError(_("%(name)s is larger than 20 MB.") % {"name": upload.name})


def _guard_submission_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.PLANNED:
        raise DomainError(_("The host has not scheduled this meeting yet; submissions open when it is scheduled."))
    if meeting.status == MeetingStatus.HELD or meeting.submissions_locked:
        deadline = timezone.localtime(meeting.submission_deadline).strftime("%Y-%m-%d %H:%M")
        raise DomainError(
            _("Submissions for this meeting closed at %(deadline)s and can no longer be changed.")
            % {"deadline": deadline}
        )


def save_submission(
    *,
    actor,
    meeting: Meeting,
    organization: Organization,
    work_summary: str,
    lessons: str,
    cooperation_proposals: str,
    plan_items: list[dict],
    files=(),
    submit: bool = False,
) -> Submission:
    """Create or update a member's submission. `plan_items`: dicts with title, target_group, street,
    month and optionally id (existing item) and delete. With `submit`, it is handed in (it can still
    be corrected until the deadline). After the deadline nothing changes."""
    if not get_scope(actor).has("meetings:submit", organization):
        raise DomainError(_("You can only write the submission of your own organisation."))
    if not meeting.series.members.filter(organization=organization, is_active=True).exists():
        raise DomainError(_("%(org)s is not a member of this series.") % {"org": organization.display_name})
    for upload in files:
        _check_file(upload)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _guard_submission_open(meeting)
        submission, _created = Submission.objects.select_for_update().get_or_create(
            meeting=meeting, organization=organization
        )
        submission.work_summary = work_summary
        submission.lessons = lessons
        submission.cooperation_proposals = cooperation_proposals
        existing = {item.pk: item for item in submission.plan_items.all()}
        kept = 0
        for row in plan_items:
            item = existing.get(row.get("id")) if row.get("id") else None
            if row.get("delete"):
                if item is not None:
                    item.delete()
                continue
            item = item or PlanItem(submission=submission)
            item.title = row["title"]
            item.target_group = row["target_group"]
            item.street = row.get("street")
            item.month = row["month"]
            item.save()
            kept += 1
        if submit:
            if not work_summary.strip():
                raise DomainError(_("Write the work summary before handing in the submission."))
            if kept == 0:
                raise DomainError(_("Add at least one item of the next-period plan before handing in."))
            submission.status = SubmissionStatus.SUBMITTED
            submission.submitted_at = timezone.now()
            submission.submitted_by = actor
        submission.save()
        for upload in files:
            Attachment.objects.create(
                submission=submission, file=upload, name=upload.name[:200], size=upload.size, uploaded_by=actor
            )
        log_action(
            "meetings.submission.submitted" if submit else "meetings.submission.saved",
            actor=actor,
            organization=organization,
            obj=submission,
            data={"plan_items": kept, "attachments": len(files)},
        )
        if submit:
            from shuniu.meetings.tasks import find_cooperation_points

            meeting_id = meeting.pk
            transaction.on_commit(lambda: find_cooperation_points.enqueue(meeting_id))
    return submission


def remove_attachment(*, actor, attachment: Attachment) -> None:
    """Take a file off the own organisation's submission before the deadline (evidence on progress
    reports stays: it is the record of what was reported)."""
    submission = attachment.submission
    if submission is None:
        raise DomainError(_("Evidence attached to a progress report cannot be removed."))
    if not get_scope(actor).has("meetings:submit", submission.organization):
        raise DomainError(_("You can only write the submission of your own organisation."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=submission.meeting_id)
        _guard_submission_open(meeting)
        name = attachment.name
        stored = attachment.file.name
        attachment.delete()
        log_action(
            "meetings.submission.attachment_removed",
            actor=actor,
            organization=submission.organization,
            obj=submission,
            data={"name": name},
        )
        storage = attachment.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


def missing_members(meeting: Meeting) -> list[Organization]:
    submitted = set(
        meeting.submissions.filter(status=SubmissionStatus.SUBMITTED).values_list("organization_id", flat=True)
    )
    return [m.organization for m in meeting.series.active_members() if m.organization_id not in submitted]


def remind_missing(*, actor, meeting: Meeting) -> list[Organization]:
    """The host reminds members that have not handed in (once a day per member at most)."""
    _require_host(actor, meeting)
    _guard_submission_open(meeting)
    missing = missing_members(meeting)
    if not missing:
        raise DomainError(_("Every member has handed in; there is nobody to remind."))
    today = timezone.localdate().isoformat()
    with transaction.atomic():
        log_action(
            "meetings.submission.reminded",
            actor=actor,
            organization=meeting.host,
            obj=meeting,
            data={"organizations": [org.pk for org in missing]},
        )
        url = _url("meetings:submission_edit", meeting.pk)
        deadline = timezone.localtime(meeting.submission_deadline).strftime("%Y-%m-%d %H:%M")

        def send():
            for org in missing:
                notify_role(
                    org,
                    STAFF_ROLES,
                    _("Reminder: your submission to the joint meeting"),
                    _("%(title)s: please hand in your submission by %(deadline)s.")
                    % {"title": meeting.title, "deadline": deadline},
                    url,
                    level="warning",
                    dedupe_key=f"meetings:remind:{meeting.pk}:{org.pk}:{today}",
                )

        transaction.on_commit(send)
    return missing


# ---------------------------------------------------------------- cooperation points


def _month_index(day: date) -> int:
    return day.year * 12 + day.month


def refresh_cooperation_points(meeting: Meeting, actor=None) -> int:
    """Propose points from the submitted plans. Idempotent: a group found before (same items) is
    not proposed again, and decided points stay as decided. Returns how many were added."""
    items = PlanItem.objects.filter(
        submission__meeting=meeting, submission__status=SubmissionStatus.SUBMITTED
    ).select_related("submission")
    candidates = [
        cooperation.Candidate(
            id=item.pk,
            organization_id=item.submission.organization_id,
            title=item.title,
            target_group=item.target_group,
            street_id=item.street_id,
            month_index=_month_index(item.month),
        )
        for item in items
    ]
    groups = cooperation.find_points(candidates)
    added = 0
    with transaction.atomic():
        taken = set(
            PlanItem.objects.filter(cooperation_points__meeting=meeting)
            .exclude(cooperation_points__status=PointStatus.DISMISSED)
            .values_list("pk", flat=True)
        )
        known = set(meeting.cooperation_points.values_list("signature", flat=True))
        for group in groups:
            ids = {c.id for c in group.members}
            if group.signature in known or ids & taken:
                continue
            point = CooperationPoint.objects.create(
                meeting=meeting, signature=group.signature, score=group.score, reasons=group.reasons()
            )
            point.items.set(ids)
            taken |= ids
            added += 1
        if added:
            log_action("meetings.cooperation.found", actor=actor, obj=meeting, data={"added": added})
    return added


def decide_point(*, actor, point: CooperationPoint, accept: bool, note: str = "") -> CooperationPoint:
    _require_host(actor, point.meeting)
    new_status = PointStatus.ACCEPTED if accept else PointStatus.DISMISSED
    with transaction.atomic():
        changed = CooperationPoint.objects.filter(pk=point.pk, status=PointStatus.PROPOSED).update(
            status=new_status, decided_by=actor, decided_at=timezone.now(), decision_note=(note or "")[:300]
        )
        if changed != 1:
            raise DomainError(_("This cooperation point has already been decided."))
        point.refresh_from_db()
        log_action(f"meetings.cooperation.{new_status}", actor=actor, obj=point, data={"note": note})
    return point


def create_project(
    *,
    actor,
    point: CooperationPoint,
    title: str,
    description: str,
    lead: Organization,
    partners: list[Organization],
) -> CooperationProject:
    """An accepted cooperation point becomes a cooperation project (once)."""
    _require_host(actor, point.meeting)
    members = {m.organization_id for m in point.meeting.series.active_members()}
    partners = [p for p in partners if p.pk != lead.pk]
    if lead.pk not in members or any(p.pk not in members for p in partners):
        raise DomainError(_("The lead and the partners must be members of the joint meeting."))
    if not partners:
        raise DomainError(_("A cooperation project needs at least one partner besides the lead."))
    with transaction.atomic():
        point = CooperationPoint.objects.select_for_update().get(pk=point.pk)
        if point.status != PointStatus.ACCEPTED:
            raise DomainError(_("Only an accepted cooperation point can become a project."))
        if CooperationProject.objects.filter(point=point).exists():
            raise DomainError(_("This cooperation point is already a project."))
        project = CooperationProject.objects.create(
            meeting=point.meeting,
            point=point,
            title=title,
            description=description,
            lead_organization=lead,
            created_by=actor,
        )
        project.partners.set(partners)
        log_action(
            "meetings.project.created",
            actor=actor,
            organization=lead,
            obj=project,
            data={"point": point.pk, "partners": [p.pk for p in partners]},
        )
        url = _url("meetings:meeting_detail", point.meeting_id)
        transaction.on_commit(
            lambda: [
                notify_role(
                    org,
                    STAFF_ROLES,
                    _("New cooperation project"),
                    project.title,
                    url,
                    dedupe_key=f"meetings:project:{project.pk}",
                )
                for org in [lead, *partners]
            ]
        )
    return project


# ---------------------------------------------------------------- the meeting itself


def sanitize_minutes(html: str) -> str:
    """Keep simple formatting only. Plain text (no tags) becomes paragraphs."""
    html = (html or "").strip()
    if html and "<" not in html:
        from django.utils.html import escape

        html = "".join(f"<p>{escape(line)}</p>" for line in html.splitlines() if line.strip())
    return nh3.clean(html, tags=MINUTES_TAGS, attributes={}, link_rel=None)


def record_minutes(*, actor, meeting: Meeting, minutes: str, attendance: dict[int, tuple[str, str]]) -> Meeting:
    """Record attendance (org id → (presence, representatives)) and the minutes; the meeting is held."""
    _require_host(actor, meeting)
    if meeting.status == MeetingStatus.PLANNED:
        raise DomainError(_("Schedule the meeting before recording its minutes."))
    if meeting.starts_at and meeting.starts_at > timezone.now() + timedelta(hours=12):
        raise DomainError(_("The meeting has not taken place yet; record the minutes on the day of the meeting."))
    clean = sanitize_minutes(minutes)
    if not clean:
        raise DomainError(_("The minutes are empty."))
    members = {m.organization_id: m.organization for m in meeting.series.active_members()}
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        for org_id, (presence, representatives) in attendance.items():
            if org_id not in members:
                continue
            Attendance.objects.update_or_create(
                meeting=meeting,
                organization_id=org_id,
                defaults={"presence": presence, "representatives": representatives[:200]},
            )
        first_time = meeting.status != MeetingStatus.HELD
        meeting.minutes = clean
        meeting.status = MeetingStatus.HELD
        if first_time:
            meeting.held_at = timezone.now()
        meeting.save(update_fields=["minutes", "status", "held_at"])
        log_action(
            "meetings.meeting.minutes_recorded",
            actor=actor,
            organization=meeting.host,
            obj=meeting,
            data={"first_time": first_time, "attendance": {str(k): v[0] for k, v in attendance.items()}},
        )
    return meeting


def _guard_deadline(deadline: date) -> None:
    if deadline < timezone.localdate():
        raise DomainError(
            _("The deadline %(deadline)s is in the past; choose today or a later date.")
            % {"deadline": deadline.isoformat()}
        )


def add_resolution(*, actor, meeting: Meeting, text: str, items: list[dict] = ()) -> Resolution:
    """Record a resolution with its action items (dicts: title, lead, co_organizations, deadline,
    expected_result). All or nothing: one bad item and the resolution is not saved either."""
    _require_host(actor, meeting)
    if meeting.status == MeetingStatus.PLANNED:
        raise DomainError(_("Schedule the meeting before recording resolutions."))
    if not (text or "").strip():
        raise DomainError(_("Write the text of the resolution."))
    for item in items:
        _guard_deadline(item["deadline"])
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        number = (meeting.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
        resolution = Resolution.objects.create(meeting=meeting, number=number, text=text.strip(), created_by=actor)
        log_action("meetings.resolution.created", actor=actor, organization=meeting.host, obj=resolution)
        for item in items:
            add_action_item(actor=actor, resolution=resolution, **item)
    return resolution


def add_action_item(
    *,
    actor,
    resolution: Resolution,
    title: str,
    lead: Organization,
    co_organizations: list[Organization],
    deadline: date,
    expected_result: str,
) -> ActionItem:
    meeting = resolution.meeting
    _require_host(actor, meeting)
    _guard_deadline(deadline)
    members = {m.organization_id for m in meeting.series.active_members()}
    co_organizations = [org for org in co_organizations if org.pk != lead.pk]
    if lead.pk not in members or any(org.pk not in members for org in co_organizations):
        raise DomainError(_("The lead and co-organisations must be members of the joint meeting."))
    with transaction.atomic():
        item = ActionItem.objects.create(
            resolution=resolution,
            meeting=meeting,
            title=title,
            lead_organization=lead,
            deadline=deadline,
            expected_result=expected_result,
        )
        item.co_organizations.set(co_organizations)
        log_action(
            "meetings.action_item.created",
            actor=actor,
            organization=lead,
            obj=item,
            data={"deadline": deadline.isoformat(), "co": [o.pk for o in co_organizations]},
        )
        url = _url("meetings:action_item_detail", item.pk)
        item_id = item.pk

        def after():
            notify_role(
                lead,
                STAFF_ROLES,
                _("New supervised action item for your organisation"),
                _("%(title)s, deadline %(deadline)s.") % {"title": title, "deadline": deadline.isoformat()},
                url,
                dedupe_key=f"meetings:item:{item_id}",
            )
            schedule_supervision(item_id, deadline)

        transaction.on_commit(after)
    return item


# ---------------------------------------------------------------- supervision


def report_progress(*, actor, item: ActionItem, text: str, status: str, files=()) -> ProgressReport:
    """The lead organisation reports progress (with evidence); the report may mark the item at
    risk, back on track, or done. Other organisations are refused."""
    if not get_scope(actor).has("meetings:submit", item.lead_organization):
        raise DomainError(
            _("Only the lead organisation (%(lead)s) can report progress on this item.")
            % {"lead": item.lead_organization.display_name}
        )
    if status not in (ItemStatus.ON_TRACK, ItemStatus.AT_RISK, ItemStatus.DONE):
        raise DomainError(_("Choose whether the item is on track, at risk or done."))
    if not (text or "").strip():
        raise DomainError(_("Describe the progress."))
    if status == ItemStatus.DONE and not files and not item.attachments_exist():
        raise DomainError(_("Attach evidence (a document or photo) when reporting the item as done."))
    for upload in files:
        _check_file(upload)
    with transaction.atomic():
        current = ActionItem.objects.select_for_update().get(pk=item.pk)
        if current.status == ItemStatus.DONE:
            raise DomainError(_("This item is already done."))
        new_status = status
        if status != ItemStatus.DONE and current.deadline < timezone.localdate():
            new_status = ItemStatus.OVERDUE  # past the deadline it stays overdue until done
        updated = ActionItem.objects.filter(pk=item.pk, status=current.status).update(
            status=new_status, completed_at=timezone.now() if new_status == ItemStatus.DONE else None
        )
        if updated != 1:
            raise DomainError(_("The item changed meanwhile; please reload and try again."))
        report = ProgressReport.objects.create(
            action_item=current,
            organization=item.lead_organization,
            author=actor,
            text=text.strip(),
            status_after=new_status,
        )
        for upload in files:
            Attachment.objects.create(
                progress_report=report, file=upload, name=upload.name[:200], size=upload.size, uploaded_by=actor
            )
        log_action(
            "meetings.action_item.progress",
            actor=actor,
            organization=item.lead_organization,
            obj=current,
            data={"from": current.status, "to": new_status, "attachments": len(files)},
        )
        publish(
            "meetings.action_item.progress",
            {
                "action_item_id": current.pk,
                "progress_report_id": report.pk,
                "status": new_status,
                "organization_id": item.lead_organization_id,
            },
        )
        if new_status == ItemStatus.DONE:
            convenor = current.meeting.series.convenor
            url = _url("meetings:action_item_detail", item.pk)
            transaction.on_commit(
                lambda: notify_role(
                    convenor,
                    OFFICE_ROLES,
                    _("Action item done"),
                    current.title,
                    url,
                    dedupe_key=f"meetings:done:{item.pk}",
                )
            )
    item.refresh_from_db()
    return report


def schedule_supervision(item_id: int, deadline: date) -> None:
    """Enqueue the reminder before the deadline and the escalation after it (run_after). Backends
    that cannot defer (the immediate one in tests) skip this: the services below are what the tasks
    run, and tests call them under a controlled clock."""
    from shuniu.meetings import tasks

    backend = tasks.remind_action_item.get_backend()
    if not backend.supports_defer:
        return
    tz = timezone.get_current_timezone()
    remind_at = datetime.combine(deadline - timedelta(days=REMIND_DAYS_BEFORE), time(9, 0), tz)
    escalate_at = datetime.combine(deadline + timedelta(days=1), time(0, 5), tz)
    now = timezone.now()
    tasks.remind_action_item.using(run_after=max(remind_at, now)).enqueue(item_id)
    tasks.escalate_action_item.using(run_after=max(escalate_at, now)).enqueue(item_id)


def remind_if_due(item_id: int) -> bool:
    """Remind the lead once, in the days before the deadline. Idempotent."""
    item = ActionItem.objects.select_related("lead_organization", "meeting").filter(pk=item_id).first()
    if item is None or item.status == ItemStatus.DONE or item.reminded_at is not None:
        return False
    today = timezone.localdate()
    if not (item.deadline - timedelta(days=REMIND_DAYS_BEFORE) <= today <= item.deadline):
        return False
    with transaction.atomic():
        if ActionItem.objects.filter(pk=item.pk, reminded_at__isnull=True).update(reminded_at=timezone.now()) != 1:
            return False
        log_action("meetings.action_item.reminded", organization=item.lead_organization, obj=item)
        url = _url("meetings:action_item_detail", item.pk)
        transaction.on_commit(
            lambda: notify_role(
                item.lead_organization,
                STAFF_ROLES,
                _("Action item due soon"),
                _("%(title)s is due on %(deadline)s. Please report progress.")
                % {"title": item.title, "deadline": item.deadline.isoformat()},
                url,
                level="warning",
                dedupe_key=f"meetings:due:{item.pk}",
            )
        )
    return True


def escalate_if_overdue(item_id: int) -> bool:
    """Past the deadline and not done: the item becomes overdue and the joint office is told.
    Compare-and-set, so a report marking it done at the same moment wins cleanly."""
    item = (
        ActionItem.objects.select_related("lead_organization", "meeting__series__convenor").filter(pk=item_id).first()
    )
    if item is None or item.deadline >= timezone.localdate():
        return False
    with transaction.atomic():
        changed = ActionItem.objects.filter(
            pk=item.pk, status__in=[ItemStatus.ON_TRACK, ItemStatus.AT_RISK], escalated_at__isnull=True
        ).update(status=ItemStatus.OVERDUE, escalated_at=timezone.now())
        if changed != 1:
            return False
        log_action(
            "meetings.action_item.escalated",
            organization=item.lead_organization,
            obj=item,
            data={"deadline": item.deadline.isoformat(), "from": item.status},
        )
        url = _url("meetings:action_item_detail", item.pk)
        body = _("%(title)s (lead: %(lead)s) passed its deadline %(deadline)s without being done.") % {
            "title": item.title,
            "lead": item.lead_organization.display_name,
            "deadline": item.deadline.isoformat(),
        }
        convenor = item.meeting.series.convenor
        lead = item.lead_organization

        def send():
            title = _("Action item overdue")
            notify_role(lead, STAFF_ROLES, title, body, url, level="danger", dedupe_key=f"meetings:overdue:{item.pk}")
            notify_role(
                convenor, OFFICE_ROLES, title, body, url, level="danger", dedupe_key=f"meetings:overdue:{item.pk}"
            )

        transaction.on_commit(send)
    return True


def sweep_supervision() -> tuple[int, int]:
    """Run reminders and escalations for every open item (a safety net for lost tasks)."""
    reminded = escalated = 0
    for item_id in ActionItem.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True):
        reminded += remind_if_due(item_id)
        escalated += escalate_if_overdue(item_id)
    return reminded, escalated
