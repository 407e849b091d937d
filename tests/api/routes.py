"""Permission-matrix routes of the API app: the token/webhook staff pages and the API's named URLs
with a signed-in session (the token matrix over every API operation is tests/api/test_api_matrix.py)."""

from tests.permission_matrix import PERSONAS, PUBLIC, Route

API_ADMIN = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 200, "anonymous": 302}
API_ADMIN_POST = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 302, "anonymous": 302}
SESSION_API = {"caseworker": 200, "colleague": 200, "outsider": 200, "coordinator": 200, "anonymous": 401}


def _token_kwargs(world):
    from tests.api.helpers import issue_token

    token, _raw = issue_token(world)
    return {"pk": token.pk}


def _webhook_kwargs(world):
    from shuniu.api import services
    from tests.api.helpers import issue_token

    token, _raw = issue_token(world)
    subscription, _secret = services.add_webhook(
        world.coordinator, token, url="http://127.0.0.1:9/hook", event_prefixes=["rights."]
    )
    return {"pk": subscription.pk}


def _api_routes() -> list[Route]:
    """One Route per API operation, called with a signed-in session: GETs expect what the token
        matrix expects; POSTs send the matrix's form-encoded body, which the JSON API refuses (400) after
        authentication (anonymous: 401); a POST without a body expects what the token matrix expects.
    Scoping of POSTs is checked in test_api_matrix.py."""
    import shuniu.urls  # noqa: F401  (the document needs the URLconf)
    from shuniu.api.base import api
    from tests.api.operations import OPERATIONS

    methods = {
        spec["operationId"]: method
        for methods in api.get_openapi_schema(path_params={})["paths"].values()
        for method, spec in methods.items()
    }
    routes = []
    for operation in OPERATIONS:
        method = methods.get(operation.operation_id)
        if method is None:
            continue  # test_every_api_operation_is_in_the_matrix reports it
        url_name = "api:v1:" + operation.operation_id.split("_", 1)[1]
        if method == "get" or operation.body is None:
            routes.append(
                Route(url_name, method=method, kwargs=operation.params, expect=operation.expect, query=operation.query)
            )
        else:
            routes.append(
                Route(
                    url_name,
                    method="post",
                    kwargs=operation.params,
                    expect={**dict.fromkeys(PERSONAS, 400), "anonymous": 401},
                    note="form body refused",
                )
            )
    return routes


ROUTES = [
    Route("api:tokens", expect=API_ADMIN),
    Route("api:token_detail", kwargs=_token_kwargs, expect=API_ADMIN),
    Route("api:token_revoke", method="post", kwargs=_token_kwargs, expect=API_ADMIN_POST),
    Route("api:webhook_toggle", method="post", kwargs=_webhook_kwargs, expect=API_ADMIN_POST),
    Route("api:v1:openapi-json", expect=PUBLIC),
    Route("api:v1:openapi-view", expect=PUBLIC),
    Route("api:v1:api-root", expect=dict.fromkeys(PERSONAS, 404), note="no page at the root; see docs/"),
    *_api_routes(),
]
