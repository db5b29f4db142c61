"""Fixtures shared by the API tests."""
import pytest

from tests.factories import po_body
from tests.web.desk import Desk


@pytest.fixture
def new_po(api, people):
    """Create a PO through the API as the requester; returns its JSON."""
    def create(**fields):
        resp = api.as_(people.requester).post("/purchase-orders", json=po_body(**fields))
        assert resp.status_code == 201, resp.json
        return resp.json
    return create


@pytest.fixture
def desk(api, people):
    """An AP clerk's desk over the API (see tests/web/desk.py)."""
    return Desk(api, people)
