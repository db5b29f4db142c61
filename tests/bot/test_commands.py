"""`/po …`: private answers (the ack's body), who is who, roles, "did you mean"."""
import dataclasses
import re

from core import outbox

from core import operator, queries, services
from core.models import OutboxMessage
from tests.bot.desk import buttons_of, text_of
from tests.factories import line, po_body


def draft(cast, lines=None, **fields):
    return services.create_po(cast.ravi, po_body(cast.acme, lines=lines or [line("Steel bolts", 100, "45.50")], **fields)).po


def test_po_and_po_help_list_what_podesk_understands_privately(desk, cast):
    for text in ("", "help"):
        status, body = desk.command(text, cast.vera)
        assert status == 200 and body.get("response_type", "ephemeral") == "ephemeral"
        shown = text_of(body)
        for command in ("/po new", "/po PO-00042", "/po list", "/po receive PO-00042", "/po dashboard", "status PO-00042"):
            assert command in shown


def test_po_with_a_number_shows_the_card_with_number_vendor_total_status_and_dashboard_link(desk, cast):
    po = draft(cast)
    for text in (po.po_number, f"show {po.po_number}", po.po_number.lower()):
        shown = text_of(desk.command(text, cast.vera)[1])
        assert po.po_number in shown and "Acme Tools" in shown and "₹4,550.00" in shown and "Draft" in shown
        assert f"<https://po.example.com/purchase-orders/{po.id}|Open in dashboard>" in shown


def test_money_is_formatted_for_the_readers_slack_locale(desk, cast):
    po = draft(cast)
    assert "4.550,00\xa0₹" in text_of(desk.command(po.po_number, cast.priya)[1])  # de-DE
    assert "₹4,550.00" in text_of(desk.command(po.po_number, cast.omar)[1])  # en-US


def test_a_complete_draft_offers_its_requester_submit_and_an_incomplete_one_says_what_is_missing(desk, cast):
    complete = draft(cast)
    assert buttons_of(desk.command(complete.po_number, cast.ravi)[1]) == ["submit_po"]
    assert buttons_of(desk.command(complete.po_number, cast.vera)[1]) == []
    incomplete = draft(cast, lines=[line("Gloves", 10, "0")], description=None)
    shown = text_of(desk.command(incomplete.po_number, cast.ravi)[1])
    assert "Still needed before it can be submitted:* a description; line “Gloves”: rate" in shown
    assert buttons_of(desk.command(incomplete.po_number, cast.ravi)[1]) == []


def test_a_po_number_nobody_has_gets_the_closest_ones(desk, cast):
    po = draft(cast)
    shown = text_of(desk.command(po.po_number.replace("1", "l"), cast.ravi)[1])
    assert "No PO is numbered" in shown and f"Did you mean `/po {po.po_number}`" in shown
    assert f"`/po {po.po_number}`" in text_of(desk.command("1", cast.ravi)[1])


def test_an_unknown_word_gets_did_you_mean(desk, cast):
    shown = text_of(desk.command("recieve PO-00001", cast.ravi)[1])
    assert "Did you mean `/po receive`?" in shown
    assert "`/po list pending`" in text_of(desk.command("pendng", cast.ravi)[1])
    assert "`/po help`" in text_of(desk.command("gibberish words here", cast.ravi)[1])


def test_list_mine_shows_my_open_pos_with_status_and_total_and_how_many_more(desk, cast):
    made = [draft(cast) for _ in range(12)]
    shown = text_of(desk.command("list mine", cast.ravi)[1])
    assert shown.count("· Draft") == 10 and "₹4,550.00" in shown
    assert made[-1].po_number in shown and made[0].po_number not in shown  # newest first
    assert "… and 2 more — <https://po.example.com/purchase-orders?requested_by=" in shown
    assert "You have no open POs" in text_of(desk.command("list", cast.asha)[1])


def test_list_pending_shows_an_approver_what_waits_for_them_and_others_every_pending_po(desk, cast):
    po = draft(cast)
    services.submit_po(cast.ravi, po.id)
    assert "Waiting for your approval" in text_of(desk.command("list pending", cast.priya)[1])
    assert po.po_number in text_of(desk.command("list pending", cast.priya)[1])
    assert "Nothing is waiting for you" in text_of(desk.command("list pending", cast.asha)[1])  # level 2 is not current
    assert po.po_number in text_of(desk.command("list pending", cast.vera)[1])


def test_list_exceptions_shows_invoices_that_did_not_match(desk, cast):
    po = draft(cast, matching="two_way")
    services.submit_po(cast.ravi, po.id)
    services.approve_po(cast.priya, po.id)
    services.approve_po(cast.asha, po.id) if queries.po_card(po.id)["status"] != "approved" else None
    services.register_invoice(cast.asha, {"vendor_id": cast.acme.id, "invoice_number": "ACME-77", "invoice_date": "2026-01-05",
                                          "currency": "INR", "po_number": po.po_number,
                                          "lines": [{"description": "Steel bolts", "quantity": "100", "unit_price": "49"}]})
    shown = text_of(desk.command("list exceptions", cast.asha)[1])
    assert "*ACME-77* from Acme Tools" in shown and "price differs" in shown and "₹4,900.00 at stake" in shown


def test_someone_slack_knows_but_podesk_does_not_is_told_privately_and_nothing_happens(desk, cast, slack):
    slack.add_user("U0STRANGER", email="stranger@elsewhere.example")
    status, body = desk.send(desk.signer.command("new PO for Acme Tools: 1 x BOLT-M8 @ 4", user_id="U0STRANGER"))
    assert (status, body) == (200, None)  # acknowledged before Slack is asked who this is
    told = desk.told()
    assert told["response_type"] == "ephemeral" and "not set up in podesk" in told["text"]
    assert queries.purchase_orders(queries.PoFilter())[1]["total"] == 0
    status, body = desk.send(desk.signer.command("list mine", user_id="U0STRANGER"))
    assert "not set up in podesk" in body["text"] and len(slack.calls_to("users.info")) == 1  # remembered a while


def test_a_slack_user_is_found_by_email_once_then_linked_with_their_timezone_and_locale(desk, cast, slack):
    newcomer = operator.add_user("Nia New", "nia@example.com", "requester")
    slack.add_user("U0NIA", email="NIA@example.com", tz="Asia/Tokyo", locale="ja-JP")
    status, body = desk.send(desk.signer.command("list mine", user_id="U0NIA"))
    assert body is None and "My open POs" in text_of(desk.told())  # the first answer follows users.info
    assert "My open POs" in text_of(desk.send(desk.signer.command("list mine", user_id="U0NIA"))[1])  # then in the ack
    assert len(slack.calls_to("users.info")) == 1
    linked = queries.user(newcomer.id)
    assert (linked.slack_id, linked.timezone, linked.locale) == ("U0NIA", "Asia/Tokyo", "ja_JP")


def test_someone_linked_by_slack_id_is_asked_about_their_timezone_and_locale_once(desk, cast, slack):
    lena = operator.add_user("Lena Linked", "lena@example.com", "requester", slack_id="U0LENA")
    slack.add_user("U0LENA", email="lena@example.com", tz="Europe/Berlin", locale="de-DE")
    po = draft(cast)
    status, body = desk.send(desk.signer.command(po.po_number, user_id="U0LENA"))
    assert body is None and "4.550,00\xa0₹" in text_of(desk.told())  # after users.info: in her locale already
    assert "4.550,00\xa0₹" in text_of(desk.send(desk.signer.command(po.po_number, user_id="U0LENA"))[1])
    assert len(slack.calls_to("users.info")) == 1
    assert (queries.user(lena.id).timezone, queries.user(lena.id).locale) == ("Europe/Berlin", "de_DE")


def test_someone_slack_has_no_locale_for_is_not_asked_again_on_every_request(desk, cast, slack):
    operator.add_user("Nora Nolocale", "nora@example.com", "requester", slack_id="U0NORA")
    slack.add_user("U0NORA", email="nora@example.com", tz=None, locale=None)
    desk.send(desk.signer.command("list mine", user_id="U0NORA"))
    assert "My open POs" in text_of(desk.told())
    for _ in range(2):
        assert "My open POs" in text_of(desk.send(desk.signer.command("list mine", user_id="U0NORA"))[1])
    assert len(slack.calls_to("users.info")) == 1


def test_a_viewer_cannot_open_the_new_po_form_and_is_told_which_role_it_needs(desk, cast, slack):
    status, body = desk.command("new", cast.vera)
    assert "needs the requester role" in body["text"] and "you are a viewer" in body["text"]
    assert slack.calls_to("views.open") == []


def test_po_dashboard_sends_a_one_time_sign_in_link_by_dm_and_keeps_no_secret_in_the_outbox(desk, cast):
    status, body = desk.command("dashboard", cast.ravi)
    assert "sent you a one-time sign-in link" in text_of(body)
    assert "sign-in/link" not in str([m.payload for m in OutboxMessage.select()])
    desk.deliver()
    shown = text_of(desk.dm(cast.ravi)[-1])
    token = re.search(r"https://po\.example\.com/sign-in/link/([\w-]+)\|", shown).group(1)
    assert services.check_sign_in_link(token).id == cast.ravi.id


def test_without_a_dashboard_address_po_dashboard_says_so_and_sends_nothing(bot_settings, db, cast, signer, slack):
    from podesk.wiring import build_web_app
    from tests.bot.desk import Desk

    app = build_web_app(dataclasses.replace(bot_settings, base_url=None), db=db)
    client = app.test_client()
    desk = Desk(slack, signer, cast, lambda req: client.post("/slack/events", data=req.body, headers=req.headers))
    try:
        assert "PODESK_BASE_URL" in text_of(desk.command("dashboard", cast.ravi)[1])
        assert OutboxMessage.select().count() == 0
    finally:
        outbox.unregister("slack")


def test_a_timezone_the_person_chose_themselves_outlasts_their_slack_profile(db):
    from bot.people import learn_preferences

    nia = operator.add_user("Nia New", "nia@example.com", "requester", slack_id="U0NIA")
    nia = services.set_preferences(nia, timezone="Asia/Kolkata")  # on Your settings, or with podesk user set-preferences
    learned = learn_preferences(nia, {"tz": "Asia/Tokyo", "locale": "ja-JP"})  # users.info's profile
    assert (learned.timezone, learned.locale) == ("Asia/Kolkata", "ja_JP")  # the locale she never chose is Slack's
