"""Fixtures shared by the API tests."""
import pytest

from tests.web.desk import Desk


@pytest.fixture
def desk(api, people):
    """An AP clerk's desk over the API (see tests/web/desk.py)."""
    return Desk(api, people)
