"""The accounting export: matched invoices listed with their coding, marked exported once, and the same
rows as a CSV file."""
import csv
import io

import pytest

from tests.factories import line, make_dimension
from tests.integrations import approved_po, export_marks, table_sizes
from tests.web.test_openapi import response_errors
from tests.web.test_query_counts import assert_constant, counts_while_growing

ALL = {"per_page": 200}


class Books:
    """A PO coded with dimensions and invoices against it, made through the API."""

    def __init__(self, api, people):
        self.api, self.people = api, people
        self.admin = api.as_(people.admin)
        for dim_type, erp_id in (("PROJECT", "P-100"), ("GL_ACCOUNT", "5010"), ("DEPARTMENT", "OPS")):
            make_dimension(dim_type, erp_id)
        self.po = approved_po(api, people.requester, lines=[
            line("Steel bolts M8", 100, 10, tax_rate=18, dimensions={"PROJECT": "P-100", "GL_ACCOUNT": "5010"}),
            line("Hex nuts M8", 100, 2, dimensions={"DEPARTMENT": "OPS"})])
        self.count = 0

    def invoice(self, *lines, po=True, **fields) -> dict:
        self.count += 1
        body = {"vendor_id": self.po["vendor_id"], "invoice_number": f"INV-{self.count}", "invoice_date": "2026-11-25",
                "currency": "INR", "lines": list(lines) or [{"description": "Steel bolts M8", "quantity": 10, "unit_price": 10}], **fields}
        if po:
            body["po_number"] = self.po["po_number"]
        response = self.admin.post("/invoices", json=body)
        assert response.status_code == 201, response.json
        return response.json

    def mark(self, invoice, **body):
        return self.admin.post(f"/invoices/{invoice['id']}/mark-exported", json={"export_id": "XERO-1", **body})

    def listed(self, **params):
        return self.admin.get("/invoices", query_string={**ALL, **params}).json["data"]


@pytest.fixture
def books(api, people):
    return Books(api, people)


def codes_at(response) -> set[tuple[str, str | None]]:
    return {(e["code"], e.get("pointer")) for e in response.json["errors"]}


def test_what_is_ready_to_book_is_listed_with_each_lines_dimensions(books):
    matched = books.invoice({"description": "Steel bolts M8", "quantity": 10, "unit_price": 10},
                            {"description": "Hex nuts M8", "quantity": 20, "unit_price": 2})
    books.invoice({"description": "Steel bolts M8", "quantity": 10, "unit_price": 99})  # a price exception
    books.invoice(po=False)  # unmatched: no PO named
    ready = books.listed(match_status="matched", exported="false")
    assert [i["id"] for i in ready] == [matched["id"]]
    assert [l["dimensions"] for l in ready[0]["lines"]] == [{"GL_ACCOUNT": "5010", "PROJECT": "P-100"}, {"DEPARTMENT": "OPS"}]
    assert (ready[0]["exported_at"], ready[0]["export_id"], ready[0]["export_url"]) == (None, None, None)


def test_marking_an_invoice_exported_records_the_erp_booking(books):
    invoice = books.invoice()
    response = books.mark(invoice, export_url="https://go.xero.com/Bills/View/XERO-1")
    assert response.status_code == 200, response.json
    assert (response.json["export_id"], response.json["export_url"]) == ("XERO-1", "https://go.xero.com/Bills/View/XERO-1")
    assert response.json["exported_at"] is not None
    assert books.listed(exported="false") == []
    assert [i["id"] for i in books.listed(exported="true")] == [invoice["id"]]
    assert books.admin.get(f"/invoices/{invoice['id']}").json == response.json


def test_exporting_twice_is_refused_with_the_earlier_export_id(books):
    invoice = books.invoice()
    books.mark(invoice)
    before, sizes = export_marks(), table_sizes()
    response = books.mark(invoice, export_id="XERO-2")
    assert (response.status_code, codes_at(response)) == (409, {("already_exported", None)})
    assert "'XERO-1'" in response.json["errors"][0]["detail"]
    assert (export_marks(), table_sizes()) == (before, sizes)


@pytest.mark.parametrize("kind", ["exception", "unmatched"])
def test_an_invoice_that_is_not_matched_cannot_be_exported(books, kind):
    invoice = books.invoice({"description": "Steel bolts M8", "quantity": 10, "unit_price": 99}) if kind == "exception" else books.invoice(po=False)
    before, sizes = export_marks(), table_sizes()
    response = books.mark(invoice)
    assert (response.status_code, codes_at(response)) == (409, {("invoice_not_matched", None)})
    assert kind in response.json["errors"][0]["detail"]
    assert (export_marks(), table_sizes()) == (before, sizes)


def test_an_accepted_exception_is_matched_and_can_be_exported(books, api, people):
    invoice = books.invoice({"description": "Steel bolts M8", "quantity": 10, "unit_price": 11})
    accepted = api.as_(people.approver).post(f"/invoices/{invoice['id']}/accept", json={"reason": "agreed surcharge"})
    assert accepted.status_code == 200 and accepted.json["match_status"] == "matched"
    assert books.mark(invoice).status_code == 200


def test_unexporting_clears_the_mark_so_the_invoice_can_be_exported_again(books, api, people):
    invoice = books.invoice()
    books.mark(invoice)
    cleared = books.admin.post(f"/invoices/{invoice['id']}/mark-unexported")
    assert cleared.status_code == 200
    assert (cleared.json["exported_at"], cleared.json["export_id"], cleared.json["export_url"]) == (None, None, None)
    assert books.admin.post(f"/invoices/{invoice['id']}/mark-unexported").status_code == 200  # already clear: still fine
    assert books.mark(invoice, export_id="XERO-9").json["export_id"] == "XERO-9"


@pytest.mark.parametrize("body, expected", [
    ({}, {("missing_field", "/export_id")}),
    ({"export_id": "  "}, {("invalid_value", "/export_id")}),
    ({"export_id": "X", "export_url": "ftp://erp.example.com/x"}, {("invalid_value", "/export_url")}),
    ({"export_id": "X", "exported_at": "2026-01-01"}, {("unknown_field", "/exported_at")}),
])
def test_a_bad_mark_is_refused_and_writes_nothing(books, body, expected):
    invoice = books.invoice()
    before = export_marks()
    response = books.admin.post(f"/invoices/{invoice['id']}/mark-exported", json=body)
    assert (response.status_code, codes_at(response)) == (400, expected)
    assert export_marks() == before


def test_only_admins_mark_invoices_and_unknown_ones_are_not_found(books, api, people):
    invoice = books.invoice()
    assert api.as_(people.approver).post(f"/invoices/{invoice['id']}/mark-exported", json={"export_id": "X"}).status_code == 403
    assert api.as_(people.approver).post(f"/invoices/{invoice['id']}/mark-unexported").status_code == 403
    assert books.admin.post("/invoices/999999/mark-exported", json={"export_id": "X"}).status_code == 404
    assert export_marks()[0][1] is None


def test_a_bad_exported_filter_is_refused(books):
    response = books.admin.get("/invoices", query_string={"exported": "maybe"})
    assert (response.status_code, response.json["errors"][0]["code"]) == (400, "invalid_value")
    assert books.admin.get("/invoices.csv", query_string={"exported": "maybe"}).status_code == 400


# The CSV

def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def expected_rows(invoices: list[dict]) -> list[dict[str, str]]:
    """What the CSV must hold, built from the JSON API's answer."""
    types = ("DEPARTMENT", "GL_ACCOUNT", "PROJECT")
    return [{"invoice_number": i["invoice_number"], "invoice_date": i["invoice_date"], "vendor": i["vendor_name"],
             "po_number": i["po_number"] or "", "line": str(l["line_no"]), "description": l["description"],
             "quantity": l["quantity"], "unit_price": l["unit_price"], "amount": l["amount"], "tax": l["tax_amount"],
             "currency": i["currency"], "match_status": i["match_status"], **{t: l["dimensions"].get(t, "") for t in types}}
            for i in invoices for l in i["lines"]]


def test_the_csv_holds_the_same_lines_as_the_api_with_a_column_per_dimension_type(books):
    books.invoice({"description": "Steel bolts M8", "quantity": 10, "unit_price": 10, "tax_rate": 18},
                  {"description": "Hex nuts M8", "quantity": "20.5", "unit_price": 2})
    books.invoice({"description": "Steel bolts M8", "quantity": 10, "unit_price": 99})
    books.invoice(po=False)
    response = books.admin.get("/invoices.csv")
    header = response.get_data(as_text=True).splitlines()[0]
    assert header == ("invoice_number,invoice_date,vendor,po_number,line,description,quantity,unit_price,amount,tax,"
                      "currency,match_status,DEPARTMENT,GL_ACCOUNT,PROJECT")
    assert response.headers["Content-Disposition"] == 'attachment; filename="invoices.csv"'
    assert csv_rows(response) == expected_rows(books.listed())
    for params in ({"match_status": "matched", "exported": "false"}, {"match_status": "exception"}, {"per_page": 1, "page": 2}):
        json_answer = books.admin.get("/invoices", query_string={**ALL, **params}).json["data"]
        assert csv_rows(books.admin.get("/invoices.csv", query_string=params)) == expected_rows(json_answer), params


def test_the_csv_takes_every_invoice_not_just_one_page(books):
    for _ in range(3):
        books.invoice()
    from core.queries import _export

    original, _export.CHUNK = _export.CHUNK, 2  # several chunks with a handful of invoices
    try:
        rows = csv_rows(books.admin.get("/invoices.csv"))
    finally:
        _export.CHUNK = original
    assert [r["invoice_number"] for r in rows] == ["INV-3", "INV-2", "INV-1"]


def test_text_that_looks_like_a_formula_is_not_run_by_a_spreadsheet(books):
    books.invoice({"description": "=HYPERLINK(\"http://evil.example\")", "quantity": 1, "unit_price": 1}, po=False, invoice_number="+INV")
    [row] = csv_rows(books.admin.get("/invoices.csv"))
    assert (row["description"], row["invoice_number"]) == ("'=HYPERLINK(\"http://evil.example\")", "'+INV")


def test_listing_invoices_with_their_lines_runs_the_same_queries_for_1_10_and_60(books):
    client = books.admin
    assert_constant(counts_while_growing(books.invoice, lambda: client.get("/invoices", query_string=ALL)))


def test_the_csv_of_1_10_or_60_invoices_runs_the_same_queries(books):
    assert_constant(counts_while_growing(books.invoice, lambda: books.admin.get("/invoices.csv")))


def test_the_responses_match_the_openapi_document(books):
    invoice = books.invoice()
    doc = books.admin.get("/openapi.json").json
    assert response_errors(doc, "/api/v1/invoices", "get", 200, books.admin.get("/invoices").json) == []
    assert response_errors(doc, "/api/v1/invoices/{invoice_id}/mark-exported", "post", 200, books.mark(invoice).json) == []
