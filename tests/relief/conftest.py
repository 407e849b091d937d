import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Service tests match the English msgids; a request in an earlier test may have left Chinese active."""
    with translation.override("en"):
        yield
