"""`/po receive PO-…`: a form with each line's open quantity; a receipt through core, over-receipts
refused on the line's own field."""
from bot.blocks.limits import view_problems
from core import queries, services
from tests.bot.desk import buttons_of, text_of
from tests.bot.payloads import element_state as state
from tests.factories import line, po_body


def approved(cast, lines=None):
    body = po_body(cast.acme, lines=lines or [line("Steel bolts", 100, "4.50", sku_code="BOLT-M8"),
                                              line("Steel nuts", 50, "0.80", sku_code="NUT-M8")],
                   matching="three_way", submit=True)
    po = services.create_po(cast.ravi, body).po  # below the first level's ₹1,000: approved at once
    assert po.status == "approved"
    return po


def lines_of(po_id):
    return {l["identifier"]: l["id"] for l in queries.purchase_order(po_id)["line_items"]}


def test_the_receipt_form_shows_each_lines_open_quantity(desk, cast):
    po = approved(cast)
    services.record_receipt(cast.ravi, po.id, {"lines": [{"identifier": "Steel bolts", "quantity": "40"}]})
    assert desk.command(f"receive {po.po_number}", cast.ravi)[0] == 200
    view = desk.opened_view()
    shown = text_of(view)
    assert "<BOLT-M8 · Steel bolts — open 60 of 100>" in shown and "<NUT-M8 · Steel nuts — open 50 of 50>" in shown
    assert "<Received on>" in shown and view_problems(view) == []


def test_a_submitted_receipt_is_recorded_and_confirmed_by_dm(desk, cast):
    po = approved(cast)
    desk.command(f"receive {po.po_number}", cast.ravi)
    ids = lines_of(po.id)
    status, body = desk.submit(cast.ravi, desk.opened_view(), {
        "received_on": state("datepicker", "2026-03-05"), f"recv_{ids['Steel bolts']}": state("number_input", "100"),
        f"recv_{ids['Steel nuts']}": state("number_input", None), "note": state("plain_text_input", "Truck 1")})
    assert (status, body) == (200, None)
    receipt = queries.receipts(po.id, {})[0][0]
    assert [(l["identifier"], str(l["quantity"])) for l in receipt["lines"]] == [("Steel bolts", "100")]
    assert (receipt["received_on"].isoformat(), receipt["note"]) == ("2026-03-05", "Truck 1")
    desk.deliver()
    assert "📦 Receipt recorded: 100 × Steel bolts." in text_of(desk.dm(cast.ravi)[-1])


def test_receiving_more_than_the_tolerance_allows_shows_over_receipt_on_that_lines_field(desk, cast):
    po = approved(cast)
    desk.command(f"receive {po.po_number}", cast.ravi)
    ids = lines_of(po.id)
    status, body = desk.submit(cast.ravi, desk.opened_view(), {
        "received_on": state("datepicker", "2026-03-05"), f"recv_{ids['Steel bolts']}": state("number_input", "10"),
        f"recv_{ids['Steel nuts']}": state("number_input", "51")})
    assert body["response_action"] == "errors" and list(body["errors"]) == [f"recv_{ids['Steel nuts']}"]
    assert "exceed" in body["errors"][f"recv_{ids['Steel nuts']}"]
    assert queries.receipts(po.id, {})[1]["total"] == 0


def test_an_empty_receipt_form_asks_for_a_quantity(desk, cast):
    po = approved(cast)
    desk.command(f"receive {po.po_number}", cast.ravi)
    ids = lines_of(po.id)
    status, body = desk.submit(cast.ravi, desk.opened_view(), {f"recv_{i}": state("number_input", "0") for i in ids.values()})
    assert body["errors"] == {f"recv_{ids['Steel bolts']}": "Enter what arrived on at least one line."}


def test_goods_cannot_be_received_on_a_po_that_is_not_approved_or_fully_received(desk, cast, slack):
    draft = services.create_po(cast.ravi, po_body(cast.acme)).po
    assert "only be received on an approved PO; *PO-00001* is draft" in text_of(desk.command(f"receive {draft.po_number}", cast.ravi)[1])
    po = approved(cast, lines=[line("Steel bolts", 10, "4.50", sku_code="BOLT-M8")])
    services.record_receipt(cast.ravi, po.id, {"lines": [{"identifier": "Steel bolts", "quantity": "10"}]})
    assert "has been received" in text_of(desk.command(f"receive {po.po_number}", cast.ravi)[1])
    assert "Did you mean" in text_of(desk.command("receive PO-0000", cast.ravi)[1])
    assert slack.calls_to("views.open") == []


def test_an_approved_pos_card_offers_its_requester_the_receipt_form(desk, cast):
    po = approved(cast)
    status, body = desk.command(po.po_number, cast.ravi)
    assert buttons_of(body) == ["open_receive"]
