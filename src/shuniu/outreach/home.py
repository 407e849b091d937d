from django.urls import reverse
from django.utils.translation import gettext as _

from shuniu.core.hooks import HomeCard
from shuniu.core.scoping import get_scope
from shuniu.outreach.models import HoursStatus, Story, StoryStatus, VolunteerHours


def cards(request) -> list[HomeCard]:
    scope = get_scope(request.user)
    result = []
    if scope.has("outreach:hours_confirm"):
        pending = VolunteerHours.objects.visible_to(request.user).filter(status=HoursStatus.PENDING)
        result.append(
            HomeCard(
                title=_("Volunteer hours to confirm"),
                count=pending.count(),
                url=reverse("outreach:hours_queue"),
                empty_text=_("No hours waiting. Volunteers' hours appear here when they check out."),
                tone="green",
                order=60,
            )
        )
    if scope.has("outreach:story_publish"):
        review = Story.objects.visible_to(request.user).filter(status=StoryStatus.REVIEW)
        result.append(
            HomeCard(
                title=_("Stories waiting for review"),
                count=review.count(),
                url=reverse("outreach:stories") + "?status=review",
                empty_text=_("No stories in review."),
                tone="purple",
                order=61,
                items=[(story.title, reverse("outreach:story_detail", args=[story.pk])) for story in review[:3]],
            )
        )
    return result
