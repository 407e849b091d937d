from tests.permission_matrix import Route  # noqa: F401

ROUTES = []
