import pytest


@pytest.fixture(autouse=True, params=["database", "tantivy"])
def search_backend(request, settings, tmp_path):
    """Every test of the search interface runs against both backends: the in-database index of the
    database under test, and tantivy in a fresh index directory."""
    settings.SHUNIU_SEARCH_BACKEND = request.param
    settings.SHUNIU_SEARCH_INDEX_DIR = tmp_path / "search-index"
    return request.param
