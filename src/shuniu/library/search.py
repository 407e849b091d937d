"""The library's registration with `shuniu.search`."""

from django.urls import reverse

from shuniu.search.registry import Audience as SearchAudience
from shuniu.search.registry import Chunk, Searchable, register


def _body(resource):
    from shuniu.library.models import ProcessingStatus, ResourcePage

    version = resource.current_version
    if version is None or version.status != ProcessingStatus.READY:
        return ""
    pages = ResourcePage.objects.filter(version=version).order_by("number").values_list("number", "text")
    return [Chunk(text, number) for number, text in pages]


def _audience(resource):
    from shuniu.library.models import Audience

    if resource.is_hidden or resource.audience == Audience.ORGANIZATION:
        return SearchAudience.ORGANIZATION
    return SearchAudience.PUBLIC if resource.audience == Audience.PUBLIC else SearchAudience.STAFF


def register_search():
    from shuniu.library.models import Resource

    register(
        Searchable(
            model=Resource,
            title=lambda resource: resource.title,
            url=lambda resource: reverse("library:detail", args=[resource.pk]),
            public_url=lambda resource: reverse("library_public:detail", args=[resource.pk]),
            body=_body,
            extra=lambda resource: f"{resource.summary} {resource.tags}",
            organization_id=lambda resource: resource.organization_id,
            audience=_audience,
            category=lambda resource: resource.category,
            kind=lambda resource: resource.current_version.kind if resource.current_version else "",
            date=lambda resource: resource.created_at,
            visible=lambda user: Resource.objects.visible_to(user),
        )
    )
