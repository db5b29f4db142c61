"""An AP desk for API tests: make POs, receive goods, register invoices, read results."""
from tests.factories import line, make_sku, make_vendor, po_body, unique


def inv_line(description="Steel bolts M8", quantity="10", unit_price="100", **fields):
    return {"description": description, "quantity": quantity, "unit_price": unit_price, **fields}


class Desk:
    """The API as the people of `people` use it; one INR vendor; POs approved at once (no levels)."""

    def __init__(self, api, people):
        self.api, self.people = api, people
        self.vendor = make_vendor()

    def settings(self, **values):
        resp = self.api.as_(self.people.admin).patch("/settings", json=values)
        assert resp.status_code == 200, resp.json

    def po(self, *lines, matching="two_way", vendor=None, submit=True, **fields):
        lines = list(lines) or [line("Steel bolts M8", quantity=10, rate=100)]
        if matching == "three_way":
            lines = [l if l.get("sku_code") else {**l, "sku_code": make_sku().code} for l in lines]
        body = po_body(vendor or self.vendor, lines=lines, matching=matching, submit=submit, **fields)
        resp = self.api.as_(self.people.requester).post("/purchase-orders", json=body)
        assert resp.status_code == 201, resp.json
        assert resp.json["status"] == ("approved" if submit else "draft")
        return resp.json

    def invoice_body(self, po=None, *lines, **fields):
        body = {"vendor_id": self.vendor.id, "invoice_number": unique("INV"), "invoice_date": "2026-01-15",
                "currency": "INR", "lines": list(lines) or [inv_line()]}
        if po is not None:
            body["po_number"] = po["po_number"]
        return {**body, **fields}

    def post_invoice(self, body, who=None):
        return self.api.as_(who or self.people.admin).post("/invoices", json=body)

    def invoice(self, po=None, *lines, **fields):
        resp = self.post_invoice(self.invoice_body(po, *lines, **fields))
        assert resp.status_code == 201, resp.json
        return resp.json

    def receive(self, po, *quantities, who=None):
        lines = [{"identifier": identifier, "quantity": quantity} for identifier, quantity in quantities]
        return self.api.as_(who or self.people.requester).post(f"/purchase-orders/{po['id']}/receipts", json={"lines": lines})

    def received(self, po, *quantities):
        resp = self.receive(po, *quantities)
        assert resp.status_code == 201, resp.json
        return resp.json

    def read(self, po):
        return self.api.as_(self.people.viewer).get(f"/purchase-orders/{po['id']}").json

    def read_invoice(self, invoice):
        resp = self.api.as_(self.people.viewer).get(f"/invoices/{invoice['id']}")
        assert resp.status_code == 200, resp.json
        return resp.json

    def trail(self, po):
        return self.api.as_(self.people.viewer).get(f"/purchase-orders/{po['id']}/events").json["data"]

    def accept(self, invoice, body, who=None):
        return self.api.as_(who or self.people.approver).post(f"/invoices/{invoice['id']}/accept", json=body)
