from django.urls import reverse
from django.utils.translation import gettext as _

from shuniu.core.hooks import HomeCard
from shuniu.core.scoping import get_scope


def cards(request) -> list[HomeCard]:
    from shuniu.people.models import MatchStatus
    from shuniu.people.views import _open_candidates

    if not get_scope(request.user).has("people:merge"):
        return []
    pairs = _open_candidates(request.user).filter(status=MatchStatus.OPEN)
    first = list(pairs.order_by("-score")[:3])
    return [
        HomeCard(
            title=_("Possible duplicates to review"),
            count=pairs.count(),
            url=reverse("people:review_queue"),
            empty_text=_("No records wait for review. New registrations and imports are checked automatically."),
            tone="orange",
            order=30,
            items=[
                (f"{c.person_low.name} ~ {c.person_high.name}", reverse("people:review_compare", args=[c.pk]))
                for c in first
            ],
        )
    ]
