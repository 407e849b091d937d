from tests.permission_matrix import Route

DASHBOARD = {"caseworker": 200, "colleague": 200, "outsider": 200, "coordinator": 200, "anonymous": 302}
REPORTS = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 200, "anonymous": 302}
REPORTS_POST = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 302, "anonymous": 302}
REPORT_FILE = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 200, "anonymous": 302}


def _report(world):
    from tests.insights.helpers import ready_report

    return {"pk": ready_report(world).pk, "fmt": "xlsx"}


ROUTES = [
    Route("insights:cockpit", expect=DASHBOARD),
    Route("insights:reports", expect=REPORTS),
    Route("insights:subscribe", method="post", data={"kind": "monthly"}, expect=REPORTS_POST),
    Route("insights:report_download", kwargs=_report, expect=REPORT_FILE),
]
