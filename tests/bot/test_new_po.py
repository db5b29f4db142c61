"""`/po new`: the form, its vendor search, field errors from core's validation, the draft's card by
DM, and Submit for approval from it."""
from bot.blocks.limits import view_problems
from core import queries
from tests.bot import payloads
from tests.bot.desk import buttons_of, text_of
from tests.bot.payloads import element_state as state


def form(cast, **over):
    """A filled form: {block_id: element state}."""
    values = {
        "vendor": state("external_select", str(cast.acme.id), "Acme Tools"),
        "po_type": state("static_select", "goods"), "matching": state("static_select", "three_way"),
        "po_date": state("datepicker", "2026-03-02"), "delivery_date": state("datepicker", None),
        "description": state("plain_text_input", "Fasteners for line 3"),
        "payment_terms": state("plain_text_input", None), "currency": state("plain_text_input", None),
        "exchange_rate": state("number_input", None),
        "line_0_item": state("plain_text_input", "BOLT-M8"), "line_0_qty": state("number_input", "1000"),
        "line_0_rate": state("number_input", "4.50"), "line_0_tax": state("number_input", "18"),
        "line_1_item": state("plain_text_input", "Steel nut M8"), "line_1_qty": state("number_input", "1000"),
        "line_1_rate": state("number_input", "0.80"), "line_1_tax": state("number_input", None),
        "line_2_item": state("plain_text_input", None), "line_2_qty": state("number_input", None),
        "line_2_rate": state("number_input", None), "line_2_tax": state("number_input", None),
    }
    values.update(over)
    return values


def open_form(desk, who):
    status, body = desk.command("new", who)
    assert status == 200
    return desk.opened_view()


def test_po_new_opens_the_new_purchase_order_form_with_every_field(desk, cast, slack):
    view = open_form(desk, cast.ravi)
    shown = text_of(view)
    for label in ("Vendor", "PO type", "Matching", "PO date", "Delivery date", "Description", "Payment terms", "Currency",
                  "Line 1: SKU or label", "Line 1: quantity", "Line 1: rate", "Line 1: tax %", "Line 3: rate"):
        assert f"<{label}>" in shown
    assert view["title"]["text"] == "New purchase order" and view_problems(view) == []


def test_the_vendor_field_searches_podesks_vendors_as_the_user_types(desk, cast):
    suggestion = payloads.block_suggestion(cast.ravi.slack_id, "vendor_pick", "acme", block_id="vendor",
                                           in_view=payloads.view("new_po"))
    status, body = desk.send(desk.signer.interactive(suggestion))
    assert status == 200 and body["options"][0] == {"text": {"type": "plain_text", "text": "Acme Tools", "emoji": True},
                                                   "value": str(cast.acme.id)}


def test_with_more_than_100_vendors_the_picker_offers_at_most_100_best_matches_first(desk, cast):
    from core import services

    for i in range(150):
        services.create_vendor(cast.asha, {"name": f"Fastener Supplier {i:03d}", "currency": "INR", "payment_terms": "Net 30"})

    def options(typed):
        suggestion = payloads.block_suggestion(cast.ravi.slack_id, "vendor_pick", typed, block_id="vendor",
                                               in_view=payloads.view("new_po"))
        status, body = desk.send(desk.signer.interactive(suggestion))
        assert status == 200
        return [option["text"]["text"] for option in body["options"]]

    found = options("fastener supplier 042")
    assert 1 < len(found) <= 100 and found[0] == "Fastener Supplier 042"
    everything = options("")
    assert len(everything) == 100 and everything[:2] == ["Acme Tools", "Fastener Supplier 000"]  # by name, while nothing is typed


def test_a_submitted_form_becomes_a_draft_and_its_card_with_submit_arrives_by_dm(desk, cast):
    view = open_form(desk, cast.ravi)
    status, body = desk.submit(cast.ravi, view, form(cast))
    assert (status, body) == (200, None)  # the modal closes
    desk.deliver()
    card = desk.dm(cast.ravi)[-1]
    shown = text_of(card)
    assert "Draft created" in shown and "Acme Tools" in shown and "₹6,110.00" in shown  # 4,500 + 18% + 800
    assert "`BOLT-M8` Steel bolt M8" in shown and "`NUT-M8` Steel nut M8" in shown
    assert buttons_of(card) == ["submit_po"]
    po = queries.purchase_orders(queries.PoFilter())[0][0]
    assert (po["status"], po["po_date"].isoformat(), po["payment_terms"]) == ("draft", "2026-03-02", "Net 30")


def test_problems_show_on_the_fields_they_are_about(desk, cast):
    view = open_form(desk, cast.ravi)
    bad = form(cast, line_0_item=state("plain_text_input", "NO-SUCH-SKU"), line_1_rate=state("number_input", "0.1234567"),
               currency=state("plain_text_input", "XXX"))
    status, body = desk.submit(cast.ravi, view, bad)
    assert status == 200 and body["response_action"] == "errors"
    assert set(body["errors"]) == {"line_0_item", "line_1_rate", "currency"}
    assert "sku" in body["errors"]["line_0_item"].lower()
    assert queries.purchase_orders(queries.PoFilter())[1]["total"] == 0


def test_a_line_without_a_rate_or_a_form_without_lines_is_refused_on_the_field(desk, cast):
    view = open_form(desk, cast.ravi)
    status, body = desk.submit(cast.ravi, view, form(cast, line_1_rate=state("number_input", None)))
    assert list(body["errors"]) == ["line_1_rate"]
    empty = {k: state("plain_text_input", None) for k in form(cast) if k.startswith("line_")}
    status, body = desk.submit(cast.ravi, view, form(cast, **empty))
    assert body["errors"] == {"line_0_item": "A PO needs at least one line."}


def test_add_a_line_grows_the_form_by_one_row(desk, cast, slack):
    view = {**open_form(desk, cast.ravi), "id": "V00000001"}
    slack.workspace.views["V00000001"] = {**view, "root_view_id": "V00000001", "previous_view_id": None, "external_id": ""}
    click = payloads.block_actions(cast.ravi.slack_id, "add_po_line", in_view=view)
    assert desk.send(desk.signer.interactive(click))[0] == 200
    grown = desk.next_call("views.update").params["view"]
    assert "<Line 4: SKU or label>" in text_of(grown) and view_problems(grown) == []


def test_submit_for_approval_on_the_card_asks_the_first_levels_approvers_and_updates_the_card(desk, cast):
    desk.submit(cast.ravi, open_form(desk, cast.ravi), form(cast))
    desk.deliver()
    card = desk.dm(cast.ravi)[-1]
    assert desk.click(cast.ravi, "submit_po", card)[0] == 200
    desk.deliver()
    updated = desk.dm(cast.ravi)[-1]
    assert updated["ts"] == card["ts"] and "Pending approval (level 1 of 1)" in text_of(updated)
    assert "is submitted: level 1 of 1 is asked (<@U0PRIYA>, <@U0OMAR>)" in text_of(updated)
    assert buttons_of(updated) == []
    for approver in (cast.priya, cast.omar):
        assert buttons_of(desk.dm(approver)[-1]) == ["approve_po", "reject_po"]


def test_submit_on_a_private_card_replaces_it_with_the_updated_card(desk, cast):
    from core import services
    from tests.factories import line, po_body

    po = services.create_po(cast.ravi, po_body(cast.acme, lines=[line("Steel bolts", 100, "45.50")])).po
    status, card = desk.command(po.po_number, cast.ravi)  # only Ravi sees it: the command's answer
    assert buttons_of(card) == ["submit_po"]
    click = payloads.block_actions(cast.ravi.slack_id, "submit_po", message={"ts": "1700000000.000900", **card},
                                   channel_id="C0GENERAL", ephemeral=True)
    assert desk.send(desk.signer.interactive(click))[0] == 200
    told = desk.told()
    shown = text_of(told)
    assert told["replace_original"] in (True, "true") and told["response_type"] == "ephemeral"
    assert "📨 *PO-00001* is submitted: level 1 of 1 is asked (<@U0PRIYA>, <@U0OMAR>)" in shown
    assert "Acme Tools" in shown and "₹4,550.00" in shown and "Pending approval (level 1 of 1)" in shown
    assert f"<https://po.example.com/purchase-orders/{po.id}|Open in dashboard>" in shown and buttons_of(told) == []
