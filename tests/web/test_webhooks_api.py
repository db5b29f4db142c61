"""Webhooks over HTTP: admins subscribe a URL to events, read them back (never the secret), delete them."""
import pytest

from core.models import Webhook
from tests.integrations import table_sizes
from tests.web.test_openapi import response_errors

HOOK = {"url": "https://erp.example.com/podesk", "events": ["po.approved", "invoice.matched"], "description": "ERP"}


@pytest.fixture
def admin(api, people):
    return api.as_(people.admin)


def codes_at(response) -> set[tuple[str, str | None]]:
    return {(e["code"], e.get("pointer")) for e in response.json["errors"]}


def test_creating_a_webhook_answers_201_with_its_secret_once(admin, people):
    response = admin.post("/webhooks", json=HOOK)
    assert response.status_code == 201, response.json
    hook = response.json
    assert (hook["url"], hook["events"], hook["description"], hook["created_by"]["id"]) == (HOOK["url"], HOOK["events"], "ERP", people.admin.id)
    assert hook["secret"].startswith("whsec_") and len(hook["secret"]) > 40
    assert response.headers["Location"].endswith(f"/webhooks/{hook['id']}")
    read = admin.get(f"/webhooks/{hook['id']}").json
    assert read == {k: v for k, v in hook.items() if k != "secret"}


def test_the_secret_is_in_no_response_after_the_creation(admin, api, people):
    hook = admin.post("/webhooks", json=HOOK).json
    responses = [admin.get("/webhooks"), admin.get(f"/webhooks/{hook['id']}"), admin.get(f"/webhooks/{hook['id']}/deliveries"),
                 admin.get("/openapi.json")]
    for response in responses:
        assert response.status_code == 200
        assert hook["secret"] not in response.get_data(as_text=True)
    assert admin.delete(f"/webhooks/{hook['id']}").get_data(as_text=True) == ""


def test_every_secret_is_new(admin):
    assert admin.post("/webhooks", json=HOOK).json["secret"] != admin.post("/webhooks", json=HOOK).json["secret"]


def test_webhooks_are_listed_oldest_first(admin):
    first, second = admin.post("/webhooks", json=HOOK).json, admin.post("/webhooks", json={**HOOK, "events": ["batch.completed"]}).json
    listed = admin.get("/webhooks").json
    assert [h["id"] for h in listed["data"]] == [first["id"], second["id"]] and listed["meta"]["total"] == 2


def test_an_event_named_twice_is_subscribed_once(admin):
    assert admin.post("/webhooks", json={**HOOK, "events": ["po.closed", "po.closed"]}).json["events"] == ["po.closed"]


def refused(client, body):
    before = table_sizes()
    response = client.post("/webhooks", json=body)
    assert table_sizes() == before
    return response


@pytest.mark.parametrize("url", ["ftp://erp.example.com/x", "javascript:alert(1)", "http://", "erp.example.com/hook",
                                 "file:///etc/passwd", "https://erp.example.com/a b", 42])
def test_a_url_that_is_not_http_or_https_is_refused(admin, url):
    response = refused(admin, {**HOOK, "url": url})
    code = "invalid_type" if url == 42 else "invalid_value"
    assert (response.status_code, codes_at(response)) == (400, {(code, "/url")})


def test_unknown_event_names_are_each_refused_with_their_pointer(admin):
    response = refused(admin, {**HOOK, "events": ["po.approved", "po.updated", "PO.APPROVED"]})
    assert (response.status_code, codes_at(response)) == (400, {("invalid_event", "/events/1"), ("invalid_event", "/events/2")})
    assert "po.created" in response.json["errors"][0]["detail"]  # the detail lists the names that exist


@pytest.mark.parametrize("body, expected", [
    ({"url": HOOK["url"]}, {("missing_field", "/events")}),
    ({"url": HOOK["url"], "events": []}, {("invalid_value", "/events")}),
    ({"events": ["po.approved"]}, {("missing_field", "/url")}),
    ({**HOOK, "secret": "mine"}, {("unknown_field", "/secret")}),
])
def test_missing_or_empty_fields_and_a_secret_of_ones_own_are_refused(admin, body, expected):
    response = refused(admin, body)
    assert (response.status_code, codes_at(response)) == (400, expected)


@pytest.mark.parametrize("role", ["viewer", "requester", "approver"])
def test_only_admins_manage_webhooks(api, people, admin, role):
    hook = admin.post("/webhooks", json=HOOK).json
    client = api.as_(getattr(people, role))
    assert refused(client, HOOK).status_code == 403
    for response in (client.get("/webhooks"), client.get(f"/webhooks/{hook['id']}"), client.get(f"/webhooks/{hook['id']}/deliveries"),
                     client.delete(f"/webhooks/{hook['id']}")):
        assert response.status_code == 403
    assert Webhook.select().count() == 1


def test_a_deleted_webhook_is_gone(admin):
    hook = admin.post("/webhooks", json=HOOK).json
    assert admin.delete(f"/webhooks/{hook['id']}").status_code == 204
    for response in (admin.get(f"/webhooks/{hook['id']}"), admin.get(f"/webhooks/{hook['id']}/deliveries"), admin.delete(f"/webhooks/{hook['id']}")):
        assert (response.status_code, response.json["errors"][0]["code"]) == (404, "not_found")
    assert admin.get("/webhooks").json["data"] == []


def test_the_responses_match_the_openapi_document(admin):
    doc = admin.get("/openapi.json").json
    created = admin.post("/webhooks", json=HOOK)
    assert response_errors(doc, "/api/v1/webhooks", "post", 201, created.json) == []
    assert response_errors(doc, "/api/v1/webhooks", "get", 200, admin.get("/webhooks").json) == []
    assert response_errors(doc, "/api/v1/webhooks/{webhook_id}", "get", 200, admin.get(f"/webhooks/{created.json['id']}").json) == []
