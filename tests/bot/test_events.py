"""Mentions and DMs (the same answers as /po, in the thread), the new-PO sentence, the Home tab,
and Slack's redeliveries: handled once, even across a restart."""
import json

from core import queries, services
from core.models import OutboxMessage, PurchaseOrder, SlackEvent
from tests.bot import payloads
from tests.bot.desk import Desk, buttons_of, text_of
from tests.factories import po_body


def replies(slack, channel="C0GENERAL"):
    return slack.messages_in(channel)


def test_a_mention_is_answered_in_its_thread(desk, cast, slack):
    po = services.create_po(cast.ravi, po_body(cast.acme)).po
    status, _, request = desk.mention(cast.vera, f"status {po.po_number}?")
    assert status == 200
    desk.deliver()
    reply = replies(slack)[-1]
    assert reply["thread_ts"] == json.loads(request.body)["event"]["ts"]
    assert po.po_number in text_of(reply) and "Acme Tools" in text_of(reply) and "Open in dashboard" in text_of(reply)


def test_a_dm_gets_the_same_answers_as_po(desk, cast, slack):
    po = services.create_po(cast.ravi, po_body(cast.acme, submit=True)).po
    for text, expected in (("pending", "Waiting for your approval"), ("my POs", "My open POs"), ("exceptions", "Open exceptions"),
                           ("help", "/po receive PO-00042"), (po.po_number, "Acme Tools")):
        desk.direct(cast.priya, text)
        desk.deliver()
        assert expected in text_of(desk.dm(cast.priya)[-1]), text
    assert po.po_number in text_of(desk.dm(cast.priya)[0])  # "pending" listed the PO waiting for Priya


def test_an_unknown_word_or_po_number_in_a_mention_gets_did_you_mean(desk, cast, slack):
    po = services.create_po(cast.ravi, po_body(cast.acme)).po
    desk.mention(cast.ravi, "pnding")
    desk.mention(cast.ravi, f"status {po.po_number}0")
    desk.deliver()
    said = [text_of(m) for m in replies(slack)]
    assert "Did you mean `pending`?" in said[0] and f"Did you mean `status {po.po_number}`?" in said[1]


def test_new_or_receive_in_a_message_offers_a_button_that_opens_the_form(desk, cast, slack):
    desk.direct(cast.ravi, "new PO")
    desk.deliver()
    offer = desk.dm(cast.ravi)[-1]
    assert buttons_of(offer) == ["open_new_po"]
    desk.click(cast.ravi, "open_new_po", offer)
    assert desk.opened_view()["callback_id"] == "new_po"


def test_a_sentence_makes_a_draft_and_says_what_was_understood(desk, cast, slack):
    desk.mention(cast.ravi, "new PO for Acme Tools: 10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80")
    desk.deliver()
    shown = text_of(replies(slack)[-1])
    assert "Draft created from your message" in shown
    assert "*Understood:* vendor *Acme Tools* · 10 × `BOLT-M8` @ ₹4.50 · 20 × `NUT-M8` @ ₹0.80" in shown
    po = PurchaseOrder.get()
    assert (po.status, po.matching, po.total, po.payment_terms) == ("draft", "three_way", 61, "Net 30")
    assert buttons_of(replies(slack)[-1]) == ["submit_po"]


def test_a_sentence_with_quoted_free_text_makes_two_way_lines_and_fills_a_missing_rate_from_the_sku(desk, cast, slack):
    desk.direct(cast.ravi, 'new PO for acme: 2 x "Network audit day" @ ₹25,000, 100 x Steel bolt M8')
    desk.deliver()
    shown = text_of(desk.dm(cast.ravi)[-1])
    assert "vendor *Acme Tools* for “acme”" in shown and "two-way matching" in shown
    assert "the rate ₹4.50, BOLT-M8's usual rate" in shown
    card = queries.purchase_order(PurchaseOrder.get().id)
    assert card["matching"] == "two_way" and [l["identifier"] for l in card["line_items"]] == ["Network audit day", "Steel bolt M8"]
    assert [l["sku_code"] for l in card["line_items"]] == [None, "BOLT-M8"]


def test_a_sentence_podesk_cannot_fully_read_creates_nothing_and_says_what_it_understood_and_what_not(desk, cast, slack):
    desk.mention(cast.ravi, "new PO for Acme Tols: 10 x BOLT-M9 @ 4.50, 5 x NUT-M8 @ 0.80, lots of glue")
    desk.deliver()
    shown = text_of(replies(slack)[-1])
    assert "No PO created yet" in shown
    assert "*Assumed:* vendor *Acme Tools* for “Acme Tols”" in shown  # one vendor this close: assumed, and said so
    assert "5 × `NUT-M8` @ ₹0.80" in shown
    assert "no SKU “BOLT-M9” — did you mean `BOLT-M8`" in shown and "could not read line 3" in shown
    assert PurchaseOrder.select().count() == 0


def test_a_viewer_writing_a_sentence_in_a_channel_is_told_privately_it_needs_the_requester_role(desk, cast, slack):
    _, _, request = desk.mention(cast.vera, "new PO for Acme Tools: 10 x BOLT-M8 @ 4.50")
    desk.deliver()
    told = slack.calls_to("chat.postEphemeral")[-1].params
    assert (told["channel"], told["user"]) == ("C0GENERAL", "U0VERA")
    assert told["thread_ts"] == json.loads(request.body)["event"]["ts"] and "needs the requester role" in text_of(told)
    assert replies(slack) == [] and PurchaseOrder.select().count() == 0


def test_a_viewer_writing_a_sentence_in_a_dm_is_told_there(desk, cast, slack):
    desk.direct(cast.vera, "new PO for Acme Tools: 10 x BOLT-M8 @ 4.50")
    desk.deliver()
    assert "needs the requester role" in text_of(desk.dm(cast.vera)[-1]) and slack.calls_to("chat.postEphemeral") == []


def test_a_mention_from_someone_not_in_podesk_is_answered_only_to_them(live, cast, slack):
    slack.add_user("U0GUEST", email="guest@elsewhere.example")
    assert live.send(live.signer.event(payloads.app_mention("U0GUEST", "pending")))[0] == 200
    told = slack.wait_for("chat.postEphemeral").params  # after users.info said who this is, then the outbox
    assert (told["channel"], told["user"]) == ("C0GENERAL", "U0GUEST") and "not set up in podesk" in told["text"]
    assert replies(slack) == [] and SlackEvent.select().count() == 1


def test_slacks_redelivery_of_an_event_causes_no_second_reply_or_write(desk, cast, slack):
    status, _, first = desk.mention(cast.ravi, "new PO for Acme Tools: 10 x BOLT-M8 @ 4.50")
    assert desk.send(desk.signer.retry(first, 1))[0] == 200
    assert desk.send(desk.signer.retry(first, 2, "http_error"))[0] == 200
    desk.deliver()
    assert PurchaseOrder.select().count() == 1 and len(replies(slack)) == 1


def test_a_redelivery_after_a_restart_is_still_recognised(bot_settings, database_url, cast, slack, signer, db):
    from core import outbox
    from core.db import open_database
    from podesk.wiring import build_web_app

    def fresh_process():
        app = build_web_app(bot_settings, db=open_database(database_url))
        client = app.test_client()
        return Desk(slack, signer, cast, lambda req: client.post("/slack/events", data=req.body, headers=req.headers))

    try:
        _, _, first = fresh_process().mention(cast.ravi, "new PO for Acme Tools: 10 x BOLT-M8 @ 4.50")
        assert fresh_process().send(signer.retry(first, 3))[0] == 200  # another process, hours of memory lost
        assert PurchaseOrder.select().count() == 1 and SlackEvent.select().count() == 1
        assert OutboxMessage.select().where(OutboxMessage.key.startswith("slack:post:")).count() == 1
    finally:
        outbox.unregister("slack")


def test_the_home_tab_shows_an_approver_what_waits_with_buttons_and_the_open_exceptions(desk, cast, slack):
    po = services.create_po(cast.ravi, po_body(cast.acme, submit=True)).po
    desk.send(desk.signer.event(payloads.app_home_opened(cast.priya.slack_id)))
    desk.deliver()
    home = slack.home_of(cast.priya.slack_id)
    shown = text_of(home)
    assert "Waiting for my approval" in shown and po.po_number in shown and "Open exceptions" in shown
    assert "approve_po" in buttons_of(home) and "My open POs" in shown


def test_the_home_tab_of_a_requester_shows_their_open_pos_and_of_a_viewer_neither_list(desk, cast, slack):
    po = services.create_po(cast.ravi, po_body(cast.acme)).po
    for who in (cast.ravi, cast.vera):
        desk.send(desk.signer.event(payloads.app_home_opened(who.slack_id)))
    desk.send(desk.signer.event(payloads.app_home_opened(cast.ravi.slack_id, tab="messages")))
    desk.deliver()
    ravi, vera = text_of(slack.home_of("U0RAVI")), text_of(slack.home_of("U0VERA"))
    assert "My open POs" in ravi and po.po_number in ravi and "Waiting for my approval" not in ravi
    assert "My open POs" not in vera and "Waiting for my approval" not in vera
    assert len(slack.calls_to("views.publish")) == 2


def test_approving_from_the_home_tab_publishes_it_again_without_that_po(desk, cast, slack):
    po = services.create_po(cast.ravi, po_body(cast.acme, submit=True)).po
    desk.send(desk.signer.event(payloads.app_home_opened(cast.priya.slack_id)))
    desk.deliver()
    home = slack.home_of(cast.priya.slack_id)
    click = payloads.block_actions(cast.priya.slack_id, "approve_po", in_view=home)
    assert desk.send(desk.signer.interactive(click))[0] == 200
    desk.deliver()
    assert queries.po_card(po.id)["status"] == "approved"
    assert po.po_number not in text_of(slack.home_of(cast.priya.slack_id))
