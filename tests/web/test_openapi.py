"""The OpenAPI 3.1 document describes every route, is built from the request schemas, and real
responses validate against it."""
import importlib
import pkgutil
import re

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import core.schemas
from tests.factories import line, make_dimension, make_po, make_sku, make_vendor, po_body
from web.openapi import REF, linked

DOC_URI = "urn:podesk:openapi"
METHODS = {"get", "post", "patch", "put", "delete"}
KNOWN_BODIES = {"PurchaseOrderCreate", "PurchaseOrderPatch", "VendorCreate", "VendorPatch", "SkuCreate", "SkuPatch",
                "SkuBulk", "DimensionCreate", "DimensionPatch", "SettingsPatch"}


def request_models() -> dict[str, type[BaseModel]]:
    """Every pydantic model defined in core.schemas, by class name."""
    models = {}
    for info in pkgutil.iter_modules(core.schemas.__path__):
        module = importlib.import_module(f"core.schemas.{info.name}")
        for name, obj in vars(module).items():
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == module.__name__:
                models[name] = obj
    return models


@pytest.fixture
def doc(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    return response.json


def operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def response_errors(doc, path: str, method: str, status: int, body) -> list[str]:
    """Why `body` does not fit the document's schema for that response ([] when it does)."""
    responses = doc["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} does not document {status}"
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    registry = Registry().with_resource(DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012))
    wrapper = {"$ref": DOC_URI + schema["$ref"]} if schema.get("$ref", "").startswith("#") else schema
    validator = Draft202012Validator(wrapper, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]


# The document itself

def test_the_document_is_openapi_3_1(doc):
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"] and doc["info"]["version"]
    bearer = doc["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")


def test_every_api_route_is_in_the_document(app, doc):
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if method.lower() not in doc["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


def test_every_documented_operation_is_a_real_route(app, doc):
    adapter = app.url_map.bind("localhost")
    for path, method, _ in operations(doc):
        concrete = re.sub(r"{\w+}", "1", path)
        endpoint, _ = adapter.match(concrete, method=method.upper())
        assert endpoint.startswith("api."), f"{method} {path}"


def test_every_component_schema_is_a_valid_2020_12_schema(doc):
    for name, schema in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)


def body_schema_names(doc) -> dict[str, str]:
    """{"post /api/v1/vendors": "VendorCreate", ...} for every operation that takes a body."""
    return {f"{method} {path}": op["requestBody"]["content"]["application/json"]["schema"]["$ref"].removeprefix("#/components/schemas/")
            for path, method, op in operations(doc) if "requestBody" in op}


def test_request_bodies_are_the_pydantic_schemas_that_validate_them(doc):
    models = request_models()
    names = body_schema_names(doc)
    assert KNOWN_BODIES <= set(names.values())
    for operation, name in names.items():
        assert name in models, f"{operation} takes {name}, which is not a schema in core.schemas"
        # the pydantic schema, with its self-references linked as components (web.openapi.linked)
        generated = linked(models[name].model_json_schema(ref_template=REF, mode="validation"))
        for dep, schema in generated.pop("$defs", {}).items():
            assert doc["components"]["schemas"][dep] == schema, dep
        assert doc["components"]["schemas"][name] == generated, name


def test_a_purchase_order_takes_between_one_and_500_line_items(doc, api, people):
    line_items = doc["components"]["schemas"]["PurchaseOrderCreate"]["properties"]["line_items"]
    assert (line_items["minItems"], line_items["maxItems"]) == (1, 500)
    assert "line_items" in doc["components"]["schemas"]["PurchaseOrderCreate"]["required"]
    too_many = api.as_(people.requester).post("/purchase-orders", json=po_body(lines=[line() for _ in range(501)]))
    assert too_many.status_code == 400
    assert {(e["code"], e["pointer"]) for e in too_many.json["errors"]} == {("invalid_line_items", "/line_items")}


def test_request_schemas_forbid_unknown_fields_as_the_api_does(doc):
    for name in set(body_schema_names(doc).values()):
        assert doc["components"]["schemas"][name].get("additionalProperties") is False, name


def test_every_operation_documents_its_errors(doc):
    for path, method, op in operations(doc):
        statuses = set(op["responses"])
        if op.get("security"):
            assert {"401", "403", "429"} <= statuses, f"{method} {path}"
        if "{" in path:
            assert "404" in statuses, f"{method} {path}"
        if "requestBody" in op:
            assert {"400", "413", "415"} <= statuses, f"{method} {path}"
        for status, response in op["responses"].items():
            if int(status) >= 400 and "content" in response:
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}


def test_only_health_and_the_document_are_open(doc):
    open_ops = {f"{m} {p}" for p, m, op in operations(doc) if not op.get("security")}
    assert open_ops == {"get /api/v1/health", "get /api/v1/openapi.json"}


# Real responses fit the document

def _rich_po(api, people):
    """A draft asked to submit but incomplete: SKU, dimension, unresolved SKU and submit warnings."""
    sku, vendor = make_sku(), make_vendor()
    make_dimension("PROJECT", "P-1")
    lines = [line("Bolts", sku_code=sku.code, dimensions={"PROJECT": "P-1"}, tax_rate="18"),
             line("Mystery part", sku_code="NO-SUCH-SKU"), line("Free sample", rate="0")]
    body = po_body(vendor=vendor, lines=lines, submit=True, description=None, external_id="ERP-PO-1")
    return api.as_(people.requester).post("/purchase-orders", json={k: v for k, v in body.items() if v is not None})


def _submitted_po(api, people):
    return api.as_(people.requester).post("/purchase-orders", json=po_body(submit=True))


CASES = {
    "create a draft PO": ("post", "/api/v1/purchase-orders", 201, _rich_po),
    "create a submitted PO": ("post", "/api/v1/purchase-orders", 201, _submitted_po),
    "read a PO": ("get", "/api/v1/purchase-orders/{po_id}", 200,
                  lambda api, p: api.as_(p.viewer).get(f"/purchase-orders/{_rich_po(api, p).json['id']}")),
    "change a PO": ("patch", "/api/v1/purchase-orders/{po_id}", 200,
                    lambda api, p: api.as_(p.requester).patch(f"/purchase-orders/{make_po(p.requester).id}",
                                                              json={"notes": "Deliver to gate 2"})),
    "list POs": ("get", "/api/v1/purchase-orders", 200,
                 lambda api, p: (_rich_po(api, p), _submitted_po(api, p), api.as_(p.viewer).get("/purchase-orders"))[-1]),
    "PO events": ("get", "/api/v1/purchase-orders/{po_id}/events", 200,
                  lambda api, p: api.as_(p.viewer).get(f"/purchase-orders/{_submitted_po(api, p).json['id']}/events")),
    "create a vendor": ("post", "/api/v1/vendors", 201,
                        lambda api, p: api.as_(p.admin).post("/vendors", json={"name": "Acme", "gstin": "29AABCA1234B1ZD",
                                                                               "email": "a@acme.example", "currency": "USD"})),
    "read a vendor": ("get", "/api/v1/vendors/{vendor_id}", 200,
                      lambda api, p: api.as_(p.viewer).get(f"/vendors/{make_vendor().id}")),
    "list vendors": ("get", "/api/v1/vendors", 200,
                     lambda api, p: (make_vendor(), make_vendor(external_id="E1"), api.as_(p.viewer).get("/vendors"))[-1]),
    "create a SKU": ("post", "/api/v1/skus", 201,
                     lambda api, p: api.as_(p.admin).post("/skus", json={"code": "S-1", "name": "Screw", "default_rate": 2.5})),
    "bulk SKUs": ("post", "/api/v1/skus/bulk", 201,
                  lambda api, p: api.as_(p.admin).post("/skus/bulk", json={"skus": [{"code": "S-2", "name": "Nut"}]})),
    "list SKUs": ("get", "/api/v1/skus", 200,
                  lambda api, p: (make_sku(default_rate="1.5"), make_sku(), api.as_(p.viewer).get("/skus"))[-1]),
    "create a dimension": ("post", "/api/v1/dimensions", 201,
                           lambda api, p: api.as_(p.admin).post("/dimensions", json={"type": "CLASS", "erp_dimension_id": "C", "name": "C"})),
    "list dimensions": ("get", "/api/v1/dimensions", 200,
                        lambda api, p: (make_dimension(), api.as_(p.viewer).get("/dimensions"))[-1]),
    "read settings": ("get", "/api/v1/settings", 200, lambda api, p: api.as_(p.viewer).get("/settings")),
    "change settings": ("patch", "/api/v1/settings", 200,
                        lambda api, p: api.as_(p.admin).patch("/settings", json={"approval_levels": [
                            {"min_total": 1000, "approvers": [p.approver.id, "admin"]}], "price_tolerance_abs": "2.5"})),
    "health": ("get", "/api/v1/health", 200, lambda api, p: api.get("/health")),
    "a 400": ("post", "/api/v1/vendors", 400, lambda api, p: api.as_(p.admin).post("/vendors", json={"email": "x"})),
    "a 401": ("get", "/api/v1/vendors", 401, lambda api, p: api.get("/vendors")),
    "a 403": ("post", "/api/v1/skus", 403, lambda api, p: api.as_(p.viewer).post("/skus", json={"code": "x", "name": "y"})),
    "a 404": ("get", "/api/v1/purchase-orders/{po_id}", 404, lambda api, p: api.as_(p.viewer).get("/purchase-orders/999")),
    "a 409": ("post", "/api/v1/skus", 409,
              lambda api, p: (make_sku(code="DUP"), api.as_(p.admin).post("/skus", json={"code": "DUP", "name": "New"}))[-1]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_real_response_fits_the_documented_schema(doc, api, people, case):
    method, path, status, call = CASES[case]
    response = call(api, people)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response_errors(doc, path, method, status, response.json) == []


def test_the_rich_purchase_order_really_carries_what_the_schema_checks(api, people):
    po = _rich_po(api, people).json
    assert po["submit_warnings"] == {"po": ["description"], "line_items": {"Free sample": ["rate"]}}
    assert [w["line_item_identifier"] for w in po["sku_match_warnings"]] == ["Mystery part"]
    assert po["line_items"][0]["dimensions"] == {"PROJECT": "P-1"}


def test_a_response_that_breaks_the_schema_is_caught(doc, api, people):
    vendor = api.as_(people.admin).post("/vendors", json={"name": "Acme"}).json
    broken = {**vendor, "active": "yes", "surprise": 1}
    del broken["name"]
    assert len(response_errors(doc, "/api/v1/vendors", "post", 201, broken)) >= 3
