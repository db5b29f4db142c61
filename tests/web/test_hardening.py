"""Bad input that once reached a 500 or a wrong status (issue 12): each now gets the contract's answer."""
import pytest


def codes(response):
    return [(e["code"], e.get("pointer")) for e in response.json["errors"]]


# Settings

@pytest.mark.parametrize("item", [None, 1, "x", [], True])
def test_an_approval_level_that_is_not_an_object_is_refused_at_its_pointer(api, people, item):
    response = api.as_(people.admin).patch("/settings", json={"approval_levels": [item]})
    assert response.status_code == 400
    assert codes(response) == [("invalid_type", "/approval_levels/0")]
    assert api.as_(people.viewer).get("/settings").json["approval_levels"] == []


def test_a_bad_approval_level_is_reported_beside_the_good_ones_problems(api, people):
    levels = [{"min_total": "10", "approvers": [999999]}, None]
    response = api.as_(people.admin).patch("/settings", json={"approval_levels": levels})
    assert response.status_code == 400
    assert sorted(codes(response)) == [("invalid_type", "/approval_levels/1"), ("invalid_value", "/approval_levels/0/approvers/0")]
