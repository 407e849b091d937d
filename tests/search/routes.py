from tests.permission_matrix import STAFF, Route

ROUTES = [
    Route("search:index", expect=STAFF),
    Route("search:index", expect=STAFF, query="q=联席会议", note="query"),
]
