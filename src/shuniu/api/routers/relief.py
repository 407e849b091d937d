"""Aid programmes and applications (read): what an outside system needs to follow an application."""

from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from shuniu.core import crypto
from shuniu.relief.models import Application, Programme

from ..base import responses
from ..helpers import page_of, paginate, require

router = Router(tags=["relief"])


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    organization: str
    funding_source: str
    benefit_type: str
    opens_on: date
    closes_on: date
    is_active: bool


class ApplicationOut(Schema):
    id: int
    code: str
    programme_id: int
    programme: str
    organization: str
    status: str
    person_name_masked: str
    amount: Decimal
    created_at: datetime


def _programme(programme: Programme) -> dict:
    return {
        "id": programme.pk,
        "code": programme.code,
        "name": programme.name,
        "organization": programme.organization.display_name,
        "funding_source": programme.funding_source,
        "benefit_type": programme.benefit_type,
        "opens_on": programme.opens_on,
        "closes_on": programme.closes_on,
        "is_active": programme.is_active,
    }


def _application(application: Application) -> dict:
    return {
        "id": application.pk,
        "code": application.code,
        "programme_id": application.programme_id,
        "programme": application.programme.name,
        "organization": application.organization.display_name,
        "status": application.status,
        "person_name_masked": crypto.mask_name(application.person.name),
        "amount": application.amount,
        "created_at": application.created_at,
    }


@router.get("/relief/programmes", response=responses(page_of(ProgrammeOut)), summary="Aid programmes")
def list_programmes(request, cursor: str | None = Query(None, max_length=200), limit: int = Query(50, ge=1, le=200)):
    require(request, "relief:view")
    programmes = Programme.objects.visible_to(request.user).select_related("organization")
    return paginate(programmes, cursor, limit, _programme)


@router.get("/relief/applications", response=responses(page_of(ApplicationOut)), summary="Aid applications")
def list_applications(
    request,
    programme_id: int | None = Query(None, ge=1),
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
):
    require(request, "relief:view")
    applications = Application.objects.visible_to(request.user).select_related("programme", "organization", "person")
    if programme_id:
        applications = applications.filter(programme_id=programme_id)
    return paginate(applications, cursor, limit, _application)


@router.get("/relief/applications/{application_id}", response=responses(ApplicationOut), summary="One application")
def get_application(request, application_id: int):
    require(request, "relief:view")
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related("programme", "organization", "person"),
        pk=application_id,
    )
    return _application(application)
