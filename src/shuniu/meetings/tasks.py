"""Background work of the meeting system: take ids, idempotent, enqueued on commit."""

from django.tasks import task


@task
def find_cooperation_points(meeting_id: int) -> int:
    from shuniu.meetings.models import Meeting
    from shuniu.meetings.services import refresh_cooperation_points

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return refresh_cooperation_points(meeting) if meeting is not None else 0


@task
def remind_action_item(item_id: int) -> bool:
    from shuniu.meetings.services import remind_if_due

    return remind_if_due(item_id)


@task
def escalate_action_item(item_id: int) -> bool:
    from shuniu.meetings.services import escalate_if_overdue

    return escalate_if_overdue(item_id)
