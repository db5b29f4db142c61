"""Who may call what, and the one JSON error shape every failure answers with."""
import pytest

from core.errors import ERROR_CODES
from core.operator import revoke_api_key
from tests.factories import ApiClient, make_dimension, make_po, make_sku, make_vendor, po_body

FIVE_MB = 5 * 1024 * 1024


def assert_error(response, status: int, code: str) -> dict:
    """The response is `{"errors": [{code, detail, pointer?}]}` with this status and first code."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"errors"}
    assert body["errors"], "an error response names at least one problem"
    for error in body["errors"]:
        assert set(error) in ({"code", "detail"}, {"code", "detail", "pointer"})
        assert error["code"] in ERROR_CODES
        assert isinstance(error["detail"], str) and error["detail"].strip()
        if "pointer" in error:  # RFC 6901: "" is the whole body, "/name" a field of it
            assert error["pointer"] == "" or error["pointer"].startswith("/")
    assert body["errors"][0]["code"] == code
    assert "Traceback" not in response.get_data(as_text=True)
    return body


# Authentication

def test_a_request_without_an_authorization_header_is_401(api):
    response = api.get("/vendors")
    assert_error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [
    "Basic {key}", "Token {key}", "{key}", "Bearer", "Bearer ", "Bearer pdk_not-a-key-anyone-was-given",
    "Bearer not-even-our-prefix",
], ids=["basic", "token", "no-scheme", "bearer-alone", "bearer-blank", "unknown-key", "foreign-key"])
def test_a_request_without_a_valid_bearer_key_is_401(api, people, header):
    response = api.get("/vendors", headers={"Authorization": header.format(key=people.admin.key)})
    assert_error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_stops_working(api, people):
    client = api.as_(people.viewer)
    assert client.get("/vendors").status_code == 200
    revoke_api_key(people.viewer.key[:12])
    response = client.get("/vendors")
    assert_error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.as_(people.admin).get("/vendors").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/openapi.json"])
def test_health_and_the_openapi_document_need_no_key(api, path):
    assert api.get(path).status_code == 200


def test_health_reports_the_database_and_the_scheduler(api):
    assert api.get("/health").json == {"status": "ok", "database": "ok", "scheduler": "stopped",
                                       "outbox": {"pending": 0, "overdue": 0, "dead": 0}, "slack": "off"}


# Roles

@pytest.fixture
def targets(people):
    return {"po": make_po(people.requester).id, "vendor": make_vendor().id, "sku": make_sku().id,
            "dimension": make_dimension().id}


WRITES = [
    ("requester", "post", "/purchase-orders", lambda t: po_body()),
    ("requester", "patch", "/purchase-orders/{po}", lambda t: {"notes": "changed"}),
    ("requester", "delete", "/purchase-orders/{po}", None),
    ("admin", "post", "/vendors", lambda t: {"name": "Role Test Vendor"}),
    ("admin", "patch", "/vendors/{vendor}", lambda t: {"payment_terms": "Net 90"}),
    ("admin", "post", "/skus", lambda t: {"code": "ROLE-1", "name": "Role test"}),
    ("admin", "post", "/skus/bulk", lambda t: {"skus": [{"code": "ROLE-2", "name": "Role test 2"}]}),
    ("admin", "patch", "/skus/{sku}", lambda t: {"unit": "box"}),
    ("admin", "post", "/dimensions", lambda t: {"type": "CLASS", "erp_dimension_id": "R1", "name": "Role"}),
    ("admin", "patch", "/dimensions/{dimension}", lambda t: {"name": "Renamed"}),
    ("admin", "patch", "/settings", lambda t: {"price_tolerance_pct": "1"}),
]
ROLES = ["viewer", "requester", "approver", "admin"]
TOO_LOW = [(role, *w) for w in WRITES for role in ROLES[:ROLES.index(w[0])]]


def _send(api, person, method, path, make_body, targets):
    kwargs = {} if make_body is None else {"json": make_body(targets)}
    return getattr(api.as_(person), method)(path.format(**targets), **kwargs)


@pytest.mark.parametrize("role, needed, method, path, make_body", TOO_LOW,
                         ids=[f"{r}-{m}-{p}" for r, _, m, p, _ in TOO_LOW])
def test_a_role_below_the_one_needed_gets_403(api, people, targets, role, needed, method, path, make_body):
    response = _send(api, getattr(people, role), method, path, make_body, targets)
    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize("needed, method, path, make_body", WRITES, ids=[f"{m}-{p}" for _, m, p, _ in WRITES])
def test_the_role_needed_may_write(api, people, targets, needed, method, path, make_body):
    response = _send(api, getattr(people, needed), method, path, make_body, targets)
    assert response.status_code in (200, 201, 204), response.get_data(as_text=True)


# The error shape on every path

def test_a_body_that_is_not_json_is_400_invalid_json(api, people):
    response = api.as_(people.admin).post("/vendors", data='{"name": "Acme",', content_type="application/json")
    assert_error(response, 400, "invalid_json")


def test_a_body_that_is_not_an_object_is_400(api, people):
    response = api.as_(people.admin).post("/vendors", json=["Acme"])
    assert_error(response, 400, "invalid_type")


def test_a_body_that_breaks_the_rules_is_400_with_pointers(api, people):
    body = assert_error(api.as_(people.admin).post("/vendors", json={"nmae": "Acme"}), 400, "missing_field")
    assert {(e["code"], e["pointer"]) for e in body["errors"]} == {("missing_field", "/name"), ("unknown_field", "/nmae")}


def test_a_missing_resource_is_404_not_found(api, people):
    assert_error(api.as_(people.viewer).get("/purchase-orders/424242"), 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/vendors", "/"])
def test_an_unknown_url_is_404_not_found(api, people, path):
    assert_error(api.as_(people.viewer).get(path), 404, "not_found")


def test_a_wrong_method_is_405_and_names_the_allowed_ones(api, people):
    response = api.as_(people.admin).delete("/vendors")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"] and "GET" in response.headers["Allow"]


def test_a_uniqueness_conflict_is_409(api, people):
    make_vendor(external_id="ERP-1")
    response = api.as_(people.admin).post("/vendors", json={"name": "Twin", "external_id": "ERP-1"})
    assert_error(response, 409, "duplicate_external_id")


def test_a_stale_if_match_is_412(api, people):
    po = make_po(people.requester)
    response = api.as_(people.requester).patch(f"/purchase-orders/{po.id}", json={"notes": "late"}, headers={"If-Match": '"9"'})
    assert_error(response, 412, "version_mismatch")
    assert api.as_(people.requester).get(f"/purchase-orders/{po.id}").json["notes"] is None


def test_a_body_over_five_megabytes_is_413(api, people):
    big = b'{"name": "' + b"x" * FIVE_MB + b'"}'
    response = api.as_(people.admin).post("/vendors", data=big, content_type="application/json")
    assert_error(response, 413, "payload_too_large")
    assert api.as_(people.admin).get("/vendors").json["meta"]["total"] == 0


def test_a_body_that_is_not_declared_json_is_415(api, people):
    response = api.as_(people.admin).post("/vendors", data='{"name": "Acme"}', content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")
    assert api.as_(people.admin).get("/vendors").json["meta"]["total"] == 0


def test_too_many_requests_with_one_key_is_429(settings, db, people):
    from web import create_app

    client = ApiClient(create_app(settings.with_overrides(rate_limit_per_minute=2), db=db).test_client())
    # Four calls: even if a minute boundary falls among them, the limit of 2 is passed once.
    statuses = [client.as_(people.viewer).get("/vendors") for _ in range(4)]
    assert [r.status_code for r in statuses[:2]] == [200, 200]
    limited = [r for r in statuses[2:] if r.status_code == 429]
    assert limited
    assert_error(limited[0], 429, "rate_limited")
    assert client.as_(people.admin).get("/vendors").status_code == 200  # the limit is per key


def test_an_unexpected_failure_is_500_without_a_traceback(settings, db):
    from web import create_app

    app = create_app(settings, db=db)

    def explode():
        raise RuntimeError("connection string postgresql://secret-password@db/podesk")

    app.add_url_rule("/api/v1/explode", "explode", explode)
    response = app.test_client().get("/api/v1/explode")
    assert_error(response, 500, "internal_error")
    text = response.get_data(as_text=True)
    assert "secret-password" not in text and "RuntimeError" not in text and ".py" not in text


# Secrets

def test_the_api_key_never_appears_in_a_response(api, people):
    admin, key = api.as_(people.admin), people.admin.key
    vendor = admin.post("/vendors", json={"name": "Acme"}).json
    po = api.as_(people.requester).post("/purchase-orders", json=po_body(vendor_id=vendor["id"])).json
    responses = [
        admin.get("/vendors"), admin.get(f"/vendors/{vendor['id']}"), admin.get("/settings"),
        admin.get(f"/purchase-orders/{po['id']}"), admin.get(f"/purchase-orders/{po['id']}/events"),
        admin.get("/purchase-orders"), admin.get("/openapi.json"), admin.get("/health"),
        admin.post("/vendors", json={"email": "nope"}), admin.get("/nothing"), admin.delete("/vendors"),
        admin.post("/vendors", data="{", content_type="application/json"),
        api.as_(people.viewer).post("/vendors", json={"name": "x"}),
        api.get("/vendors", headers={"Authorization": f"Token {key}"}),
        api.get("/vendors", headers={"Authorization": f"Bearer {key}x"}),
    ]
    for response in responses:
        assert key not in response.get_data(as_text=True), response.request.path
        assert all(key not in value for _, value in response.headers.items())
