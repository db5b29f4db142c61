"""The read queries the faces share: what each returns, and that each runs a fixed number of
statements whatever the amount of data (counted with peewee's query counter)."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playhouse.test_utils import count_queries

from core import operator, queries, services
from core.errors import ValidationFailed
from core.models import PurchaseOrder
from core.queries import PoFilter
from tests.factories import line, make_person, make_sku, make_vendor, po_body


def statements(call):
    counter = count_queries()
    with counter:
        result = call()
    return counter.count, result


@pytest.fixture
def desk(db):
    """An admin, a requester, two approvers and a one-level policy from 1,000 INR."""
    admin, requester = make_person("admin").user, make_person("requester").user
    first, second = make_person("approver").user, make_person("approver").user
    services.update_settings(admin, {"approval_levels": [{"min_total": "1000", "approvers": [first.id, second.id]}]})
    return admin, requester, first, second


def pending(requester, vendor=None, rate=500):
    return services.create_po(requester, po_body(vendor, lines=[line(quantity=10, rate=rate)], submit=True)).po


def test_waiting_for_lists_the_pos_an_approver_may_decide_now_oldest_first(desk):
    admin, requester, first, second = desk
    older, newer = pending(requester), pending(requester)
    services.create_po(requester, po_body(lines=[line(quantity=1, rate=1)], submit=True))  # approved at once
    own = pending(first)  # first raised it: only second may decide
    assert [p["po_number"] for p in queries.waiting_for(first.id)] == [older.po_number, newer.po_number]
    assert [p["po_number"] for p in queries.waiting_for(second.id)] == [older.po_number, newer.po_number, own.po_number]
    services.approve_po(second, older.id)
    assert [p["id"] for p in queries.waiting_for(first.id)] == [newer.id]
    assert queries.waiting_for(requester.id) == []


def test_waiting_for_gives_each_pos_age_since_it_was_submitted(desk):
    admin, requester, first, _ = desk
    po = pending(requester)
    later = po.submitted_at + dt.timedelta(hours=30)
    (row,) = queries.waiting_for(first.id, now=later)
    assert (row["age"], row["total"], row["currency"], row["approval_level"]) == (dt.timedelta(hours=30), Decimal("5000.00"), "INR", 1)


def test_open_pos_of_a_user_are_theirs_still_in_play_newest_first(desk):
    admin, requester, first, _ = desk
    draft = services.create_po(requester, po_body()).po
    waiting = pending(requester)
    gone = services.create_po(requester, po_body()).po
    services.cancel_po(requester, gone.id)
    pending(make_person("requester").user)  # someone else's
    assert [p["id"] for p in queries.open_pos_of(requester.id)] == [waiting.id, draft.id]


def test_counts_by_status_name_every_status(desk):
    admin, requester, first, _ = desk
    pending(requester)
    services.create_po(requester, po_body())
    counts = queries.counts_by_status()
    assert counts == {"draft": 1, "pending_approval": 1, "approved": 0, "rejected": 0, "cancelled": 0, "closed": 0}


def test_spend_by_vendor_sums_this_months_approved_pos_in_the_base_currency_largest_first(desk):
    admin, requester, first, _ = desk
    acme, globex = make_vendor(name="Acme"), make_vendor(name="Globex", currency="USD")
    services.create_po(requester, po_body(acme, lines=[line(quantity=2, rate="300.50")], submit=True))
    services.create_po(requester, po_body(globex, lines=[line(quantity=1, rate=10)], exchange_rate="83.25", submit=True))
    services.create_po(requester, po_body(acme))  # a draft spends nothing
    spend = queries.spend_by_vendor()
    assert spend["currency"] == "INR"
    assert [(v["vendor_name"], v["spend"]) for v in spend["vendors"]] == [("Globex", Decimal("832.50")), ("Acme", Decimal("601.00"))]
    assert queries.spend_by_vendor(month=dt.date(2001, 1, 1))["vendors"] == []


def test_spend_this_month_is_bounded_by_midnight_in_the_readers_timezone(desk):
    admin, requester, first, _ = desk
    acme = make_vendor(name="Acme")
    po = services.create_po(requester, po_body(acme, lines=[line(quantity=1, rate=500)], submit=True)).po
    PurchaseOrder.update(approved_at=dt.datetime(2026, 1, 31, 23, 30)).where(PurchaseOrder.id == po.id).execute()  # UTC
    kolkata = ZoneInfo("Asia/Kolkata")  # 1 February, 05:00 there

    def spenders(month, zone):
        return [v["vendor_name"] for v in queries.spend_by_vendor(month=month, timezone=zone)["vendors"]]

    assert spenders(dt.date(2026, 2, 1), kolkata) == ["Acme"] and spenders(dt.date(2026, 1, 1), kolkata) == []
    assert spenders(dt.date(2026, 1, 15), dt.timezone.utc) == ["Acme"] and spenders(dt.date(2026, 2, 1), dt.timezone.utc) == []
    assert queries.spend_by_vendor(month=dt.date(2026, 2, 17), timezone=kolkata)["month"] == dt.date(2026, 2, 1)


def test_open_exceptions_say_why_how_much_is_at_stake_and_since_when(desk):
    admin, requester, *_ = desk
    vendor = make_vendor()
    po = services.create_po(requester, po_body(vendor, lines=[line("Bolts", quantity=10, rate=100)], submit=False)).po
    services.update_settings(admin, {"approval_levels": []})
    services.submit_po(requester, po.id)
    invoice = services.register_invoice(admin, {
        "vendor_id": vendor.id, "invoice_number": "INV-1", "invoice_date": "2026-01-01", "currency": "INR",
        "po_number": po.po_number, "lines": [{"description": "Bolts", "quantity": "10", "unit_price": "120", "tax_rate": "10"}]})
    (row,) = queries.open_exceptions(now=invoice.created_at + dt.timedelta(days=2))
    assert (row["invoice_number"], row["reasons"], row["at_stake"], row["age"], row["requested_by"]) == (
        "INV-1", ["price_variance"], Decimal("1320.00"), dt.timedelta(days=2), requester.id)
    assert queries.count_open_exceptions() == 1


def test_a_po_card_has_its_first_lines_their_count_and_the_level_waiting_with_its_approvers(desk):
    admin, requester, first, second = desk
    po = services.create_po(requester, po_body(lines=[line(f"Line {i}", quantity=1, rate=200) for i in range(8)], submit=True)).po
    card = queries.po_card(po.id, max_lines=3)
    assert [l["identifier"] for l in card["lines"]] == ["Line 0", "Line 1", "Line 2"]
    assert (card["line_count"], card["more_lines"], card["total"], card["status"]) == (8, 5, Decimal("1600.00"), "pending_approval")
    (level,) = card["levels"]
    assert {p["id"] for p in level["approvers"]} == {first.id, second.id}
    assert (card["approval_level"], level["decision"], card["requested_by"]["id"]) == (1, None, requester.id)


def test_a_draft_card_says_what_it_still_lacks(desk):
    _, requester, *_ = desk
    po = services.create_po(requester, {"po_type": "goods", "matching": "two_way", "line_items": [line(rate=0)]}).po
    assert queries.po_card(po.id)["submit_warnings"]["po"] == ["vendor_id", "description", "payment_terms"]


def test_users_are_found_by_slack_id_and_by_email_in_any_case(db):
    user = operator.add_user("Priya", "Priya@Example.com", "approver", slack_id="U123")
    assert queries.user_by_slack_id("U123").id == user.id
    assert queries.user_by_email("PRIYA@example.COM").id == user.id
    assert queries.user_by_slack_id("U999") is None and queries.user_by_email("not an email") is None


def test_vendors_and_skus_are_found_by_what_people_type(db):
    make_vendor(name="Acme Tools"), make_vendor(name="Globex Supplies")
    make_vendor(name="Acme Closed", active=False)
    bolt = make_sku(code="BOLT-M8", name="Steel bolt M8")
    make_sku(code="NUT-M8", name="Steel nut M8")
    assert [v["name"] for v in queries.find_vendors("acme tols")][:1] == ["Acme Tools"]
    assert "Acme Closed" not in [v["name"] for v in queries.find_vendors("acme")]
    assert queries.find_skus("bolt-m8")[0]["id"] == bolt.id
    assert queries.find_skus("steel bolt m8")[0]["code"] == "BOLT-M8"
    assert queries.find_skus("zzzz") == []


def test_closest_po_numbers_find_one_typo_away_and_the_bare_number(desk):
    _, requester, *_ = desk
    numbers = [services.create_po(requester, po_body()).po.po_number for _ in range(3)]  # PO-00001 …
    assert queries.closest_po_numbers("PO-0001") == ["PO-00001"]
    assert queries.closest_po_numbers("po-00030") == ["PO-00003"]  # two digits swapped, any case
    assert queries.closest_po_numbers("3") == ["PO-00003"]
    assert queries.closest_po_numbers("INVOICE") == []
    assert numbers == ["PO-00001", "PO-00002", "PO-00003"]


def test_a_po_filter_built_by_a_face_with_a_wrong_value_or_type_is_refused_precisely(db):
    with pytest.raises(ValidationFailed) as wrong:
        PoFilter(status=("pending",), vendor_id=("3",))
    assert [(p.code, p.pointer) for p in wrong.value.problems] == [("invalid_value", "/status"), ("invalid_type", "/vendor_id")]
    with pytest.raises(ValidationFailed) as unknown:
        PoFilter.of(state=("draft",))
    assert [(p.code, p.pointer) for p in unknown.value.problems] == [("unknown_field", "/state")]
    assert PoFilter.of(status=("draft",), per_page=10).to_args() == {"status": "draft", "per_page": "10"}
    assert PoFilter.from_args({"status": ["draft,approved"], "sort": ["-total"]}).sort == (("total", True),)


def test_each_query_runs_a_fixed_number_of_statements_whatever_the_data(desk):
    admin, requester, first, _ = desk
    calls = {
        "waiting_for": lambda: queries.waiting_for(first.id), "open_pos_of": lambda: queries.open_pos_of(requester.id),
        "counts_by_status": queries.counts_by_status, "spend_by_vendor": queries.spend_by_vendor,
        "open_exceptions": queries.open_exceptions, "recent_batches": queries.recent_batches,
        "find_vendors": lambda: queries.find_vendors("acme"), "find_skus": lambda: queries.find_skus("bolt"),
        "closest_po_numbers": lambda: queries.closest_po_numbers("PO-0001"),
        "purchase_orders": lambda: queries.purchase_orders(PoFilter(per_page=200)),
    }
    counts = {}
    for size in (1, 12):
        for _ in range(size - (1 if size == 12 else 0)):
            pending(requester, make_vendor())
            make_sku()
        counts[size] = {name: statements(call)[0] for name, call in calls.items()}
    assert counts[1] == counts[12]


def test_a_po_card_runs_the_same_statements_for_1_and_40_lines(desk):
    _, requester, *_ = desk
    small = services.create_po(requester, po_body(lines=[line(quantity=1, rate=2000)], submit=True)).po
    large = services.create_po(requester, po_body(lines=[line(quantity=1, rate=50) for _ in range(40)], submit=True)).po
    assert statements(lambda: queries.po_card(small.id))[0] == statements(lambda: queries.po_card(large.id))[0]


def test_many_pos_read_together_are_each_exactly_the_po_read_alone_in_four_statements_whatever_their_number(desk):
    from core.errors import NotFound

    admin, requester, first, second = desk
    sku, project = make_sku(), services.create_dimension(admin, {"type": "PROJECT", "erp_dimension_id": "P-9", "name": "Nine"})
    bolts = line(sku_code=sku.code, dimensions={"PROJECT": project.erp_dimension_id})
    made = [
        services.create_po(requester, po_body(lines=[bolts, line()])).po,  # a draft, with a SKU and a dimension
        services.create_po(requester, po_body(lines=[line(quantity=1, rate=1)], submit=True)).po,  # approved at once
        pending(requester),  # a level waiting for two approvers
        pending(requester),
        pending(requester),
    ]
    services.approve_po(first, made[3].id, comment="fine")
    services.reject_po(second, made[4].id, reason="too dear")
    ids = [po.id for po in made]
    counts = {}
    for size in (2, 5):
        counts[size], read = statements(lambda: queries.purchase_orders_by_id(ids[-size:]))
        assert read == {i: queries.purchase_order(i) for i in ids[-size:]}
    assert counts == {2: 4, 5: 4}
    assert [read[i]["approvals"][0]["decision"] for i in ids[2:]] == [None, "approved", "rejected"]
    assert read[ids[0]]["line_items"][0]["dimensions"] == {"PROJECT": "P-9"}
    with pytest.raises(NotFound):
        queries.purchase_orders_by_id([ids[0], 10**6])
