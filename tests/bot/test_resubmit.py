"""A PO rejected, edited and submitted again: its approvers are asked again with new DMs (on SQLite,
whose reused row ids once made the new requests look already delivered, and on PostgreSQL), each
DM ends with its own round's decision, and a button left from the earlier round decides nothing."""
from core import queries, services
from core.models import AuditEvent
from tests.bot import payloads
from tests.bot.desk import buttons_of, text_of
from tests.factories import line, po_body


def last_line(message):
    return text_of(message).splitlines()[-1]


def test_a_resubmitted_po_asks_again_and_a_button_from_the_earlier_round_decides_nothing(desk, cast, slack):
    po = services.create_po(cast.ravi, po_body(cast.acme, lines=[line("Steel bolts", 100, "45.50")], submit=True)).po
    desk.deliver()
    desk.send(desk.signer.event(payloads.app_home_opened(cast.priya.slack_id)))
    desk.deliver()
    stale_home = slack.home_of(cast.priya.slack_id)  # round one's buttons, left open in Priya's Slack
    desk.click(cast.omar, "reject_po", desk.dm(cast.omar)[-1])
    desk.submit(cast.omar, desk.opened_view(), {"reason": payloads.element_state("plain_text_input", "Get a second quote")})
    desk.deliver()

    services.update_po(cast.ravi, po.id, {"description": "Second quote attached"})
    services.submit_po(cast.ravi, po.id)
    desk.deliver()
    for who in (cast.priya, cast.omar):
        earlier, again = desk.dm(who)
        assert last_line(earlier).startswith("❌ Rejected by <@U0OMAR>: Get a second quote")
        assert "asks you to approve *PO-00001*" in text_of(again) and buttons_of(again) == ["approve_po", "reject_po"]

    before = AuditEvent.select().count()
    desk.send(desk.signer.interactive(payloads.block_actions(cast.priya.slack_id, "approve_po", in_view=stale_home)))
    desk.deliver()  # the Home tab has no response_url: the explanation comes by DM
    told = text_of(desk.dm(cast.priya)[-1])
    assert "Nothing changed" in told and "PO-00001 was submitted again" in told
    assert queries.po_card(po.id)["status"] == "pending_approval" and AuditEvent.select().count() == before

    desk.click(cast.priya, "approve_po", desk.dm(cast.priya)[-2])
    desk.deliver()
    assert queries.po_card(po.id)["status"] == "approved"
    for who in (cast.priya, cast.omar):
        earlier, again = [m for m in desk.dm(who) if "approve *PO-00001*" in text_of(m)]
        assert last_line(earlier).startswith("❌ Rejected by <@U0OMAR>: Get a second quote")  # its own round's end
        assert last_line(again).startswith("✅ Approved by <@U0PRIYA>") and buttons_of(again) == []
    assert "✅ *PO-00001* is approved" in text_of(desk.dm(cast.ravi)[-1])
