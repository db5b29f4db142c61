"""Test data with sensible defaults and unique references, made through the real services."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from core.models import User
from core import services
from core.operator import add_user, create_api_key

_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_seq)}"


@dataclass
class Person:
    user: User
    key: str

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def make_person(role: str, name: str | None = None) -> Person:
    name = name or unique(role.title())
    user = add_user(name, f"{name.lower().replace(' ', '.')}@example.com", role)
    key, _ = create_api_key(user.email)
    return Person(user, key)


@dataclass
class People:
    viewer: Person
    requester: Person
    approver: Person
    admin: Person


def make_people() -> People:
    return People(*(make_person(role) for role in ("viewer", "requester", "approver", "admin")))


def system_admin() -> User:
    return User.get_or_none(User.role == "admin") or add_user("Factory Admin", unique("factory") + "@example.com", "admin")


def make_vendor(**fields: Any):
    body = {"name": unique("Vendor"), "currency": "INR", "payment_terms": "Net 30", **fields}
    return services.create_vendor(system_admin(), body)


def make_sku(**fields: Any):
    code = fields.pop("code", unique("SKU"))
    return services.create_sku(system_admin(), {"code": code, "name": fields.pop("name", f"Item {code}"), **fields})


def make_dimension(dim_type: str = "PROJECT", erp_id: str | None = None, **fields: Any):
    body = {"type": dim_type, "erp_dimension_id": erp_id or unique("D"), "name": fields.pop("name", "Dimension"), **fields}
    return services.create_dimension(system_admin(), body)


def line(identifier: str | None = None, quantity: Any = "10", rate: Any = "100", **fields: Any) -> dict[str, Any]:
    return {"identifier": identifier or unique("Line"), "quantity": quantity, "rate": rate, **fields}


def po_body(vendor=None, lines: list[dict] | None = None, **fields: Any) -> dict[str, Any]:
    """A complete create body for a two-way goods PO (no SKUs needed) unless fields say otherwise."""
    if vendor is None and "vendor_id" not in fields:
        vendor = make_vendor()
    body = {
        "po_type": "goods", "matching": "two_way", "description": "Test purchase",
        "line_items": lines or [line()], **fields,
    }
    if vendor is not None:
        body["vendor_id"] = vendor.id
    return body


def make_po(requester: User | Person | None = None, **fields: Any):
    """A PO created through the service (a draft unless submit=True)."""
    actor = requester.user if isinstance(requester, Person) else requester
    actor = actor or User.get_or_none(User.role == "requester") or add_user("Factory Requester", unique("req") + "@example.com", "requester")
    return services.create_po(actor, po_body(**fields)).po


class ApiClient:
    """Flask's test client with JSON helpers; `as_(person)` signs requests with their key."""

    def __init__(self, client, headers: dict[str, str] | None = None):
        self.client = client
        self.headers = headers or {}

    def as_(self, person: Person) -> "ApiClient":
        return ApiClient(self.client, person.headers)

    def _call(self, method: str, path: str, json: Any = None, headers: dict[str, str] | None = None, **kw):
        url = path if path.startswith("/") and path.startswith("/api/") else "/api/v1" + path
        merged = {**self.headers, **(headers or {})}
        return self.client.open(url, method=method, json=json, headers=merged, **kw)

    def get(self, path: str, **kw):
        return self._call("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw):
        return self._call("POST", path, json, **kw)

    def patch(self, path: str, json: Any = None, **kw):
        return self._call("PATCH", path, json, **kw)

    def delete(self, path: str, **kw):
        return self._call("DELETE", path, **kw)
