"""The PO list and its CSV through Flask's test client, on the demo's data."""
import csv
import io
import re

from tests.demo_data import database_url, demo_template  # noqa: F401 - fixtures
from tests.factories import make_po
from tests.web.dashboard_client import VERA, fragment, signed_in, text


def po_numbers(page: str) -> list[str]:
    """The PO numbers of a list page's table, in order."""
    return re.findall(r'<td data-label="PO"><a href="/purchase-orders/\d+">([^<]+)</a>', page)


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_the_list_filters_sorts_and_pages_with_the_apis_query_string(app):
    client = signed_in(app, VERA)
    acme = text(client.get("/purchase-orders?q=acme&status=approved&sort=total"))
    assert po_numbers(acme) and 'aria-sort="ascending"' in acme
    totals = re.findall(r'<td data-label="Total" class="num">₹([\d,.]+)</td>', acme)
    assert [float(t.replace(",", "")) for t in totals] == sorted(float(t.replace(",", "")) for t in totals)
    page2 = text(client.get("/purchase-orders?per_page=5&page=2"))
    assert len(po_numbers(page2)) == 5 and "Showing 6–10 of 20" in page2 and 'rel="prev"' in page2


def test_empty_form_fields_are_ignored_as_a_get_form_sends_them(app):
    client = signed_in(app, VERA)
    response = client.get("/purchase-orders?q=&status=approved&min_total=&vendor_id=&po_date_from=")
    assert response.status_code == 200
    assert len(po_numbers(text(response))) == 12


def test_unknown_filter_values_show_a_message_on_the_filter_not_a_500(app):
    response = signed_in(app, VERA).get("/purchase-orders?status=bogus&min_total=abc&colour=red")
    page = text(response)
    assert response.status_code == 422
    assert re.search(r'<span id="error-status" class="field-error">&#39;bogus&#39; is not one of draft', page)
    assert re.search(r'name="min_total" value="abc"[^>]*aria-invalid="true" aria-describedby="error-min_total"', page)
    assert "unknown query parameter &#39;colour&#39;" in page
    assert "<table" not in page and "Download" not in page


def test_a_filter_fragment_updates_the_count_and_the_filter_messages_and_tells_htmx_the_url(app):
    client = signed_in(app, VERA)
    ok = fragment(client, "/purchase-orders?q=Laptops&status=")
    assert ok.headers["HX-Push-Url"] == "/purchase-orders?q=Laptops"
    assert '<span id="po-count" hx-swap-oob="innerHTML">1 purchase order match these filters</span>' in text(ok)
    assert '<span id="error-min_total" hx-swap-oob="innerHTML"></span>' in text(ok)
    bad = fragment(client, "/purchase-orders?min_total=12x")
    assert bad.status_code == 422  # htmx is told to swap 422 answers too
    assert re.search(r'<span id="error-min_total" hx-swap-oob="innerHTML">&#39;12x&#39; is not', text(bad))


def test_a_sorted_list_keeps_its_sort_when_the_filters_change(app):
    page = text(fragment(signed_in(app, VERA), "/purchase-orders?sort=-total"))
    assert '<input type="hidden" name="sort" form="po-filters" value="-total">' in page


def test_the_csv_link_carries_the_filters_and_the_csv_has_exactly_the_filtered_rows_of_every_page(app):
    client = signed_in(app, VERA)
    query = "q=acme&sort=-total&per_page=5"
    pages = [text(client.get(f"/purchase-orders?{query}&page={n}")) for n in (1, 2, 3)]
    listed = [number for page in pages for number in po_numbers(page)]
    assert 'href="/purchase-orders.csv?q=acme&amp;sort=-total"' in pages[0]
    rows = csv_rows(client.get("/purchase-orders.csv?q=acme&sort=-total"))
    assert [r["po_number"] for r in rows] == listed and len(listed) == 14
    assert {r["vendor"] for r in rows} == {"Acme Tools"}
    assert rows[0]["total"] == "991200.00" and rows[0]["status"] == "pending_approval"


def test_the_csv_turns_formulas_into_text(app):
    make_po(description="=HYPERLINK(\"http://evil.example\")", po_number="+1-PO")
    rows = csv_rows(signed_in(app, VERA).get("/purchase-orders.csv?q=HYPERLINK"))
    assert rows[0]["description"] == "'=HYPERLINK(\"http://evil.example\")" and rows[0]["po_number"] == "'+1-PO"


def test_a_csv_larger_than_the_cap_is_refused_with_a_page_that_says_how_to_narrow_it(app):
    app.config["PODESK_CSV_CAP"] = 10
    client = signed_in(app, VERA)
    refused = client.get("/purchase-orders.csv")
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert "These filters select more than 10 purchase orders, the most one export holds" in text(refused)
    assert len(csv_rows(client.get("/purchase-orders.csv?status=approved&vendor_id=1&q=plant"))) == 8


def test_a_csv_with_a_bad_filter_is_a_400_page_naming_it(app):
    response = signed_in(app, VERA).get("/purchase-orders.csv?status=bogus")
    assert response.status_code == 400 and "&#39;bogus&#39; is not one of" in text(response)


def test_past_ten_thousand_pos_the_list_says_how_many_it_knows_and_pages_on(app):
    from core.queries import user_by_email
    from tests.web.test_list_totals import insert_pos

    insert_pos(10_001, user_by_email(VERA))
    client = signed_in(app, VERA)
    page = text(client.get("/purchase-orders?per_page=200&page=51"))
    assert re.search(r"(10,000\+|about [\d.]+ thousand) purchase orders", page)  # PostgreSQL may estimate
    assert "Showing 10,001–10,021" in page and "page 51 of" not in page and 'rel="next"' not in page
    assert 'rel="next"' in text(client.get("/purchase-orders?per_page=200&page=50"))
    assert "Download these purchase orders as CSV" in page


def test_a_total_reads_exact_as_a_lower_bound_or_as_an_estimate(app):
    from web.dashboard.formatting import total

    from types import SimpleNamespace

    from flask import g

    with app.test_request_context():
        assert total({"total": 1234, "total_exact": True}) == "1,234"
        assert total({"total": 10_001, "total_exact": False}) == "10,000+"
        assert total({"total": 1_234_567, "total_exact": False}) == "about 12.3\u202flakh"  # en_IN, the default
        g.user = SimpleNamespace(locale="en_US", timezone=None)
        assert total({"total": 1_234_567, "total_exact": False}) == "about 1.2 million"
