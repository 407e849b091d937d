from tests.permission_matrix import PERSONAS, PUBLIC, STAFF, Route

FORBIDDEN_EXCEPT_COORDINATOR = {
    "caseworker": 403,
    "colleague": 403,
    "outsider": 403,
    "coordinator": 200,
    "anonymous": 302,
}
AUDITOR_ONLY = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 403, "anonymous": 302}


def _reveal_kwargs(world):
    from shuniu.people.models import Person, Serving

    person = Person.objects.create(name="王芳", id_number="11010519491231002X", phone="13812345678")
    Serving.objects.create(person=person, organization=world.org_a)
    return {"model": "people.person", "pk": person.pk, "field": "id_number"}


ROUTES = [
    Route("core:login", expect={**PUBLIC, **{p: 302 for p in PERSONAS if p != "anonymous"}}),
    Route("core:logout", method="post", expect=dict.fromkeys(PERSONAS, 302)),
    Route("core:two_factor_setup", expect={**dict.fromkeys(PERSONAS, 302)}, note="already verified"),
    Route("core:two_factor_verify", expect={**dict.fromkeys(PERSONAS, 302)}, note="already verified"),
    Route("core:home", expect=STAFF),
    Route("core:inbox", expect=STAFF),
    Route("core:inbox_mark_read", method="post", expect={**dict.fromkeys(PERSONAS, 302)}),
    Route("core:audit_log", expect=AUDITOR_ONLY),
    Route("core:calendar", expect=FORBIDDEN_EXCEPT_COORDINATOR),
    Route(
        "core:reveal",
        kwargs=_reveal_kwargs,
        expect={"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 200, "anonymous": 302},
    ),
    Route("core:health", expect=PUBLIC),
    Route("portal:home", expect=PUBLIC),
]

ACCOUNT_ADMINS = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 200, "anonymous": 302}


def _account_kwargs(world):
    return {"pk": world.colleague.pk}


def _membership_kwargs(world):
    return {"pk": world.colleague.pk, "membership_pk": world.colleague.memberships.get().pk}


ROUTES += [
    Route("core:users", expect=ACCOUNT_ADMINS),
    Route("core:user_create", expect=ACCOUNT_ADMINS),
    Route("core:user_detail", kwargs=_account_kwargs, expect=ACCOUNT_ADMINS),
    Route(
        "core:user_action",
        method="post",
        kwargs=lambda w: {"pk": w.colleague.pk, "action": "deactivate"},
        expect={"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 302, "anonymous": 302},
    ),
    Route(
        "core:membership_end",
        method="post",
        kwargs=_membership_kwargs,
        expect={"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 302, "anonymous": 302},
    ),
]
