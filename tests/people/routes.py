from datetime import date

from tests.permission_matrix import STAFF, Route

EDITORS = {"caseworker": 200, "colleague": 200, "outsider": 200, "coordinator": 403, "anonymous": 302}
EDITORS_SCOPED = {"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 403, "anonymous": 302}
EDITORS_SCOPED_POST = {"caseworker": 302, "colleague": 302, "outsider": 404, "coordinator": 403, "anonymous": 302}
MERGERS_SCOPED = {"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 200, "anonymous": 302}
MERGERS_SCOPED_POST = {"caseworker": 302, "colleague": 302, "outsider": 404, "coordinator": 302, "anonymous": 302}
ORG_SCOPED = {"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 200, "anonymous": 302}


def _person(world, name="王芳", sequence="124", phone="13812345678"):
    from tests.people.helpers import make_person

    return make_person(world.org_a, name, birth=date(1980, 5, 17), sequence=sequence, phone=phone)


def _person_kwargs(world):
    return {"pk": _person(world).pk}


def _consent_kwargs(world):
    from shuniu.people.models import Consent

    person = _person(world)
    consent = Consent.objects.create(
        person=person, organization=world.org_a, purpose="service", channel="paper", given_on=date(2026, 1, 1)
    )
    return {"pk": person.pk, "consent_pk": consent.pk}


def _candidate(world):
    from shuniu.people.models import MatchCandidate

    left = _person(world)
    right = _person(world, "汪芳", sequence="", phone="13812345687")
    return MatchCandidate.objects.create(
        person_low=left, person_high=right, score=0.9, level="likely", fields={"name": 0.95}
    )


def _candidate_kwargs(world):
    return {"pk": _candidate(world).pk}


def _merge_kwargs(world):
    from shuniu.people import resolution

    candidate = _candidate(world)
    record = resolution.merge(actor=world.caseworker, survivor=candidate.person_low, merged=candidate.person_high)
    return {"pk": record.pk}


def _job_kwargs(world):
    from shuniu.people.models import ImportJob, ImportRow, ImportStatus

    job = ImportJob.objects.create(
        organization=world.org_a,
        created_by=world.caseworker,
        original_name="花名册.xlsx",
        file="people/imports/missing.xlsx",
        status=ImportStatus.READY,
        headers=["姓名", "身份证号"],
        mapping={"0": "name", "1": "id_number"},
        total_rows=1,
        rejected_rows=1,
    )
    ImportRow.objects.create(
        job=job,
        row_number=2,
        values='{"values": {"name": "王芳", "id_number": "1"}, "cells": ["王芳", "1"]}',
        problems=[{"code": "id_number", "message": "x", "column": "身份证号"}],
        status="rejected",
    )
    return {"pk": job.pk}


def _household(world):
    from shuniu.people import households

    head = _person(world)
    member = _person(world, "李强", sequence="135", phone="13912345678")
    household = households.create_household(actor=None, organization=world.org_a, head=head)
    households.add_household_member(
        actor=None, organization=world.org_a, household=household, person=member, relation="spouse"
    )
    return household, member


def _household_kwargs(world):
    return {"pk": _household(world)[0].pk}


def _household_member_kwargs(world):
    household, member = _household(world)
    return {"pk": household.pk, "person_pk": member.pk}


CONSENT_DATA = {"purpose": "sharing", "channel": "paper", "given_on": "2026-01-02"}

ROUTES = [
    Route("people:list", expect=STAFF),
    Route("people:register", expect=EDITORS),
    Route("people:match_check", query="name=王芳&phone=13812345678", htmx=True, expect=EDITORS),
    Route("people:detail", kwargs=_person_kwargs, expect=ORG_SCOPED),
    Route("people:edit", kwargs=_person_kwargs, expect=EDITORS_SCOPED),
    Route("people:consent_add", method="post", kwargs=_person_kwargs, data=CONSENT_DATA, expect=EDITORS_SCOPED_POST),
    Route("people:consent_withdraw", method="post", kwargs=_consent_kwargs, expect=EDITORS_SCOPED_POST),
    Route(
        "people:data_export",
        method="post",
        kwargs=_person_kwargs,
        expect={"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 200, "anonymous": 302},
    ),
    Route(
        "people:anonymise",
        method="post",
        kwargs=_person_kwargs,
        expect={"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 403, "anonymous": 302},
    ),
    Route("people:household_create", method="post", kwargs=_person_kwargs, expect=EDITORS_SCOPED_POST),
    Route("people:household", kwargs=_household_kwargs, expect=ORG_SCOPED),
    Route("people:household_member_add", kwargs=_household_kwargs, expect=EDITORS_SCOPED),
    Route(
        "people:household_relation",
        method="post",
        kwargs=_household_member_kwargs,
        data={"relation": "child"},
        expect=EDITORS_SCOPED_POST,
    ),
    Route(
        "people:household_member_remove",
        method="post",
        kwargs=_household_member_kwargs,
        expect=EDITORS_SCOPED_POST,
    ),
    Route("people:review_queue", expect=STAFF),
    Route(
        "people:review_scan",
        method="post",
        expect={"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 302, "anonymous": 302},
    ),
    Route("people:review_compare", kwargs=_candidate_kwargs, expect=MERGERS_SCOPED),
    Route("people:review_merge", method="post", kwargs=_candidate_kwargs, expect=MERGERS_SCOPED_POST),
    Route("people:review_distinct", method="post", kwargs=_candidate_kwargs, expect=MERGERS_SCOPED_POST),
    Route("people:merges", expect=STAFF),
    Route("people:merge_undo", method="post", kwargs=_merge_kwargs, expect=MERGERS_SCOPED_POST),
    Route("people:imports", expect=EDITORS),
    Route("people:import_template", expect=EDITORS),
    Route("people:export", expect=EDITORS),
    Route("people:import_detail", kwargs=_job_kwargs, expect=EDITORS_SCOPED),
    Route("people:import_confirm", method="post", kwargs=_job_kwargs, expect=EDITORS_SCOPED_POST),
    Route("people:import_progress", kwargs=_job_kwargs, htmx=True, expect=EDITORS_SCOPED),
    Route("people:import_report", kwargs=_job_kwargs, expect=EDITORS_SCOPED),
]
