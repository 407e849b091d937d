"""Library documents attached to a training course and a rights case: who may see them, who may
attach and detach (the rules of shuniu.library.links.LINK_RULES), on the pages and through the
attach/detach/picker endpoints."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from shuniu.core.services import DomainError
from shuniu.library.links import attach, links_for, target_key
from shuniu.library.models import Audience, ResourceLink
from tests.library.factories import make_resource
from tests.rights.helpers import make_case, route
from tests.training.helpers import make_course


def _add(client, record, resource):
    return client.post(reverse("library:link_add", args=[target_key(record)]), {"resource": resource.pk})


def test_course_manager_attaches_a_document_and_the_course_page_shows_it(world, client_for, caseworker):
    course = make_course(world)
    resource = make_resource(world, title="家政服务培训讲义", audience=Audience.STAFF)
    client = client_for(caseworker)

    response = _add(client, course, resource)

    assert response.status_code == 200
    assert "家政服务培训讲义" in response.content.decode()
    link = ResourceLink.objects.get()
    assert (link.content_type.model, link.object_id, link.resource, link.added_by) == (
        "course",
        course.pk,
        resource,
        caseworker,
    )
    page = client.get(reverse("training:course_detail", args=[course.pk])).content.decode()
    assert "文库中的资料" in page
    assert "家政服务培训讲义" in page
    assert reverse("library:link_remove", args=[link.pk]) in page  # the manager may detach


def test_course_viewer_without_manage_sees_links_but_cannot_change_them(world, client_for, caseworker, coordinator):
    course = make_course(world)
    resource = make_resource(world, title="家政服务培训讲义", audience=Audience.STAFF)
    link = attach(caseworker, course, resource)
    other = make_resource(world, title="另一份讲义", audience=Audience.STAFF)
    client = client_for(coordinator)  # training:view, not training:manage

    page = client.get(reverse("training:course_detail", args=[course.pk])).content.decode()
    assert "家政服务培训讲义" in page
    assert reverse("library:link_remove", args=[link.pk]) not in page
    assert reverse("library:link_picker", args=[target_key(course)]) not in page

    assert _add(client, course, other).status_code == 403
    assert client.post(reverse("library:link_remove", args=[link.pk])).status_code == 403
    assert client.get(reverse("library:link_picker", args=[target_key(course)])).status_code == 403
    assert list(ResourceLink.objects.values_list("resource_id", flat=True)) == [resource.pk]
    with pytest.raises(DomainError):
        attach(coordinator, course, other)


def test_course_manager_detaches(world, client_for, caseworker):
    course = make_course(world)
    link = attach(caseworker, course, make_resource(world, title="讲义", audience=Audience.STAFF))
    response = client_for(caseworker).post(reverse("library:link_remove", args=[link.pk]))
    assert response.status_code == 200
    assert ResourceLink.objects.count() == 0


def test_case_handler_attaches_and_the_case_page_shows_it(world, client_for, caseworker):
    case = make_case(world)
    resource = make_resource(world, title="劳动争议调解指引", audience=Audience.ORGANIZATION)
    client = client_for(caseworker)

    assert _add(client, case, resource).status_code == 200

    page = client.get(reverse("rights:case_detail", args=[case.pk])).content.decode()
    assert "劳动争议调解指引" in page
    link = ResourceLink.objects.get()
    assert link.content_type == ContentType.objects.get_for_model(type(case))
    assert reverse("library:link_remove", args=[link.pk]) in page


def test_case_links_refused_to_those_who_do_not_handle_the_case(world, client_for, caseworker):
    case = make_case(world)
    resource = make_resource(world, title="劳动争议调解指引", audience=Audience.STAFF)
    link = attach(caseworker, case, resource)
    auditor = client_for(world.auditor)  # sees the case, does not handle it

    page = auditor.get(reverse("rights:case_detail", args=[case.pk])).content.decode()
    assert "劳动争议调解指引" in page
    assert reverse("library:link_remove", args=[link.pk]) not in page
    assert _add(auditor, case, make_resource(world, title="别的", audience=Audience.STAFF)).status_code == 403
    assert auditor.post(reverse("library:link_remove", args=[link.pk])).status_code == 403
    assert ResourceLink.objects.count() == 1
    outsider = client_for(world.outsider)  # does not see the case at all
    assert _add(outsider, case, resource).status_code == 404
    assert outsider.post(reverse("library:link_remove", args=[link.pk])).status_code == 404
    assert ResourceLink.objects.count() == 1


def test_sensitive_case_links_are_hidden_from_those_who_do_not_see_its_details(world, client_for, caseworker):
    route(world, "domestic_violence", department=world.gov_department)
    case = make_case(world, "domestic_violence")
    resource = make_resource(world, title="人身安全保护令申请指引", audience=Audience.STAFF)
    attach(caseworker, case, resource)
    coordinator = world.coordinator  # sees the case exists, not its details

    assert list(links_for(coordinator, case)) == []
    page = client_for(coordinator).get(reverse("rights:case_detail", args=[case.pk])).content.decode()
    assert "人身安全保护令申请指引" not in page
    assert "文库中的资料" not in page
    assert _add(client_for(coordinator), case, resource).status_code == 403
    assert [link.resource for link in links_for(caseworker, case)] == [resource]
