"""Rights cases in the shared Chinese full-text index (subject and description).

Sensitive cases (domestic violence, minors) are not indexed at all, and every hit is filtered by
`visible_to` plus the detail rule, so a search never reveals more than the case page would."""

from django.urls import reverse


def visible_with_details(user):
    from shuniu.rights.models import RightsCase
    from shuniu.rights.views.queue import with_details_for

    return with_details_for(RightsCase.objects.visible_to(user), user)


def register_search() -> None:
    from shuniu.rights.models import RightsCase
    from shuniu.search.registry import Audience, Searchable, register

    register(
        Searchable(
            model=RightsCase,
            title=lambda case: f"{case.tracking_code} {case.subject}",
            url=lambda case: reverse("rights:case_detail", args=[case.pk]),
            body=lambda case: case.description,
            organization_id=lambda case: case.lead_org_id,
            audience=lambda case: Audience.RESTRICTED,
            category=lambda case: case.category.code,
            kind=lambda case: "rights_case",
            date=lambda case: case.received_at,
            should_index=lambda case: not case.is_sensitive,
            visible=visible_with_details,
        )
    )


def index_case_later(case) -> None:
    from shuniu.search.tasks import index_later

    index_later(case)


def text_search_ids(user, query: str, limit: int = 200) -> list[int]:
    from shuniu.search.query import search

    page = search(user, query, models=["rights.rightscase"], limit=limit)
    return [hit.object_id for hit in page.hits]
