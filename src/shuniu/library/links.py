"""Attaching library resources to records of other apps (a course, a meeting, a case).

In a template of your app (the user must be able to see `record` through its `visible_to`)::

    {% load library %}
    {% library_links record editable=True %}

shows the attached resources the viewer may see and, with `editable`, an htmx picker to search
the library and attach or detach. In Python: `attach(user, record, resource)`,
`detach(user, link)`, `links_for(user, record)`. The record's model must have a manager with
`visible_to(user)`; attaching needs `library:view` and a record the user can see.

Some records ask more (`LINK_RULES`, by model): a course's resources are changed by those who run
the course (`training:manage` for its organisation); a rights case's by those who handle it, and
the resources of a sensitive case are shown only to those who see its details. The template tag
and the attach/detach/picker views apply the same rules, so `editable=True` in a template can
never offer more than the server allows.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError
from shuniu.library.models import Resource, ResourceLink
from shuniu.search.query import search


def _runs_course(user, course) -> bool:
    return get_scope(user).has("training:manage", course.organization)


def _handles_case(user, case) -> bool:
    scope = get_scope(user)
    if not (case.details_visible_to(user) and scope.has("rights:case_handle")):
        return False
    return scope.is_district or case.handled_by(user)


def _sees_case_details(user, case) -> bool:
    return case.details_visible_to(user)


@dataclass(frozen=True)
class LinkRule:
    """Beyond seeing the record: who sees its links, who changes them (user, record) -> bool."""

    see: Callable = lambda user, record: True
    change: Callable = lambda user, record: True


LINK_RULES: dict[str, LinkRule] = {
    "training.course": LinkRule(change=_runs_course),
    "rights.rightscase": LinkRule(see=_sees_case_details, change=_handles_case),
}


def _rule(record) -> LinkRule:
    return LINK_RULES.get(record._meta.label_lower, LinkRule())


def can_see_links(user, record) -> bool:
    return _rule(record).see(user, record)


def can_change_links(user, record) -> bool:
    return can_see_links(user, record) and _rule(record).change(user, record)


def target_key(record) -> str:
    return f"{ContentType.objects.get_for_model(type(record)).pk}-{record.pk}"


def resolve_target(user, key: str):
    """The record named by "<content type id>-<id>", if the user may see it; else 404."""
    type_id, _sep, object_id = (key or "").partition("-")
    if not (type_id.isdigit() and object_id.isdigit()):
        raise Http404
    try:
        model = ContentType.objects.get_for_id(int(type_id)).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    manager = getattr(model, "objects", None) if model else None
    if manager is None or not hasattr(manager, "visible_to"):
        raise Http404
    record = manager.visible_to(user).filter(pk=int(object_id)).first()
    if record is None:
        raise Http404
    return record


def links_for(user, record):
    if not can_see_links(user, record):
        return ResourceLink.objects.none()
    content_type = ContentType.objects.get_for_model(type(record))
    visible = Resource.objects.visible_to(user)
    return (
        ResourceLink.objects.filter(content_type=content_type, object_id=record.pk, resource__in=visible)
        .select_related("resource", "resource__current_version", "resource__organization")
        .order_by("id")
    )


def attach(user, record, resource: Resource) -> ResourceLink:
    if not can_change_links(user, record):
        raise DomainError(_("You may not change the resources of this record."), code="forbidden")
    if not Resource.objects.visible_to(user).filter(pk=resource.pk).exists():
        raise DomainError(_("This resource cannot be attached."), code="forbidden")
    content_type = ContentType.objects.get_for_model(type(record))
    try:
        with transaction.atomic():
            link = ResourceLink.objects.create(
                content_type=content_type, object_id=record.pk, resource=resource, added_by=user
            )
            log_action(
                "library.link.added",
                actor=user,
                obj=resource,
                data={"target": f"{content_type.app_label}.{content_type.model}", "target_id": record.pk},
            )
    except IntegrityError:
        raise DomainError(_("This resource is already attached."), code="duplicate") from None
    return link


def detach(user, link: ResourceLink, record=None) -> None:
    """Remove a link; `record` is the linked record when the caller already has it."""
    if record is None:
        record = link.content_type.model_class()._default_manager.filter(pk=link.object_id).first()
    if record is not None and not can_change_links(user, record):
        raise DomainError(_("You may not change the resources of this record."), code="forbidden")
    with transaction.atomic():
        log_action(
            "library.link.removed",
            actor=user,
            obj=link.resource,
            data={"target_type": link.content_type_id, "target_id": link.object_id},
        )
        link.delete()


def _render_links(request, record, message=""):
    return render(
        request,
        "library/_links.html",
        {
            "links": links_for(request.user, record),
            "target": target_key(record),
            "editable": True,
            "message": message,
        },
    )


@permission_required("library:view")
def picker(request, target):
    """htmx: resources matching `q` (newest when empty) with an attach button each."""
    record = resolve_target(request.user, target)
    if not can_change_links(request.user, record):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    if query:
        ids = [hit.object_id for hit in search(request.user, query, models=["library.resource"], limit=10).hits]
        found = Resource.objects.visible_to(request.user).select_related("organization").in_bulk(ids)
        resources = [found[pk] for pk in ids if pk in found]
    else:
        resources = list(Resource.objects.visible_to(request.user).select_related("organization").order_by("-id")[:10])
    return render(
        request,
        "library/_picker.html",
        {"resources": resources, "target": target_key(record), "query": query},
    )


@permission_required("library:view")
@require_POST
def link_add(request, target):
    record = resolve_target(request.user, target)
    if not can_change_links(request.user, record):
        raise PermissionDenied
    resource_id = request.POST.get("resource", "")
    resource = (
        Resource.objects.visible_to(request.user).filter(pk=int(resource_id) if resource_id.isdigit() else 0).first()
    )
    if resource is None:
        raise Http404
    message = ""
    try:
        attach(request.user, record, resource)
    except DomainError as error:
        message = error.message
    return _render_links(request, record, message)


@permission_required("library:view")
@require_POST
def link_remove(request, pk):
    link = ResourceLink.objects.filter(pk=pk).select_related("resource").first()
    if link is None:
        raise Http404
    record = resolve_target(request.user, f"{link.content_type_id}-{link.object_id}")
    if not can_change_links(request.user, record):
        raise PermissionDenied
    if not Resource.objects.visible_to(request.user).filter(pk=link.resource_id).exists():
        raise PermissionDenied
    detach(request.user, link, record)
    return _render_links(request, record)
