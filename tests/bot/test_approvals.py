"""Approval DMs: asked the moment a PO is submitted from anywhere, decided with one click, every DM
of the level updated in place, the requester told, the next level asked; refused clicks explained
privately and changing nothing."""
import pytest

from core import operator, queries, services
from core.models import AuditEvent
from tests.bot import payloads
from tests.bot.desk import buttons_of, text_of
from tests.factories import line, po_body


def submitted(cast, total_rate="45.50", quantity=100, via_api=None):
    """A PO submitted by Ravi (₹4,550: level 1 only; rate 500 × 100 = ₹50,000: levels 1 and 2)."""
    body = po_body(cast.acme, lines=[line("Steel bolts", quantity, total_rate)], submit=True)
    return services.create_po(cast.ravi, body).po


def last_dm(desk, who):
    return desk.dm(who)[-1]


def test_a_po_submitted_through_the_api_dms_each_approver_of_the_first_level(desk, cast, web, slack):
    from core.operator import create_api_key

    key, _ = create_api_key("ravi@example.com")
    api = web.test_client()
    created = api.post("/api/v1/purchase-orders", headers={"Authorization": f"Bearer {key}"},
                       json=po_body(cast.acme, lines=[line("Steel bolts", 100, "45.50")], submit=True))
    assert created.status_code == 201
    assert slack.calls_to("chat.postMessage") == []  # nothing leaves inside the request
    desk.deliver()
    for approver in (cast.priya, cast.omar):
        dm = last_dm(desk, approver)
        shown = text_of(dm)
        assert "<@U0RAVI> asks you to approve *PO-00001* (level 1 of 1)" in shown
        assert "Acme Tools" in shown and "Pending approval (level 1 of 1)" in shown and "Open in dashboard" in shown
        assert buttons_of(dm) == ["approve_po", "reject_po"]
    assert desk.dm(cast.asha) == [] and desk.dm(cast.ravi) == []


def test_a_po_submitted_from_the_dashboard_dms_each_approver_of_the_first_level(desk, cast, web, slack):
    from tests.web.dashboard_client import post_form, signed_in

    operator.set_password("ravi@example.com", "correct horse battery staple")
    po = services.create_po(cast.ravi, po_body(cast.acme, lines=[line("Steel bolts", 100, "45.50")])).po
    browser = signed_in(web, "ravi@example.com", "correct horse battery staple")
    submitted = post_form(browser, f"/purchase-orders/{po.id}/submit", f"/purchase-orders/{po.id}")
    assert submitted.status_code == 303 and queries.po_card(po.id)["status"] == "pending_approval"
    assert slack.calls_to("chat.postMessage") == []  # nothing leaves inside the request
    desk.deliver()
    for approver in (cast.priya, cast.omar):
        dm = last_dm(desk, approver)
        assert "<@U0RAVI> asks you to approve *PO-00001* (level 1 of 1)" in text_of(dm)
        assert buttons_of(dm) == ["approve_po", "reject_po"]


def test_approve_asks_for_confirmation_in_slack_before_anything_is_sent(desk, cast):
    submitted(cast)
    desk.deliver()
    approve = next(e for b in last_dm(desk, cast.priya)["blocks"] for e in b.get("elements", []) if e.get("action_id") == "approve_po")
    assert approve["confirm"]["confirm"]["text"] == "Approve" and approve["confirm"]["deny"]["text"] == "Cancel"


def test_approve_updates_every_dm_of_the_level_in_place_and_tells_the_requester(desk, cast):
    po = submitted(cast)
    desk.deliver()
    asked = {who: last_dm(desk, who) for who in (cast.priya, cast.omar)}
    status, _ = desk.click(cast.priya, "approve_po", asked[cast.priya])
    assert status == 200 and queries.po_card(po.id)["status"] == "approved"
    desk.deliver()
    for who, before in asked.items():
        after = desk.dm(who)
        assert len(after) == 1 and after[0]["ts"] == before["ts"]  # updated in place, nothing new
        shown = text_of(after[0])
        assert shown.splitlines()[-1].startswith("✅ Approved by <@U0PRIYA> · ")
        assert buttons_of(after[0]) == [] and "*Status*\nApproved" in shown
    assert "✅ *PO-00001* is approved (last decision by <@U0PRIYA>)" in text_of(last_dm(desk, cast.ravi))


def test_the_decision_time_is_shown_in_each_readers_timezone(desk, cast):
    submitted(cast)
    desk.deliver()
    desk.click(cast.priya, "approve_po", last_dm(desk, cast.priya))
    desk.deliver()
    assert text_of(last_dm(desk, cast.priya)).splitlines()[-1].endswith(("CET", "CEST"))
    assert text_of(last_dm(desk, cast.omar)).splitlines()[-1].endswith(("EST", "EDT"))


def test_approving_a_level_asks_the_next_level_and_tells_the_requester_who_is_next(desk, cast):
    po = submitted(cast, total_rate="500")  # ₹50,000: levels 1 and 2
    desk.deliver()
    desk.click(cast.omar, "approve_po", last_dm(desk, cast.omar))
    desk.deliver()
    assert queries.po_card(po.id)["approval_level"] == 2
    assert "Level 1 of *PO-00001* approved by <@U0OMAR>; now waiting for <@U0ASHA>" in text_of(last_dm(desk, cast.ravi))
    level_two = last_dm(desk, cast.asha)
    assert "(level 2 of 2)" in text_of(level_two) and buttons_of(level_two) == ["approve_po", "reject_po"]
    desk.click(cast.asha, "approve_po", level_two)
    desk.deliver()
    assert text_of(last_dm(desk, cast.asha)).splitlines()[-1].startswith("✅ Approved by <@U0ASHA>")
    assert queries.po_card(po.id)["status"] == "approved"


def test_reject_asks_for_a_reason_then_every_dm_shows_it_and_the_requester_is_told(desk, cast, slack):
    po = submitted(cast)
    desk.deliver()
    desk.click(cast.omar, "reject_po", last_dm(desk, cast.omar))
    modal = desk.opened_view()
    assert modal["callback_id"] == "reject_reason" and "<Reason>" in text_of(modal)
    status, body = desk.submit(cast.omar, modal, {"reason": payloads.element_state("plain_text_input", "")})
    assert body == {"response_action": "errors", "errors": {"reason": "Say why, so the requester knows what to change."}}
    assert queries.po_card(po.id)["status"] == "pending_approval"
    status, body = desk.submit(cast.omar, modal, {"reason": payloads.element_state("plain_text_input", "Get a second quote")})
    assert (status, body) == (200, None) and queries.po_card(po.id)["status"] == "rejected"
    desk.deliver()
    for who in (cast.priya, cast.omar):
        assert text_of(last_dm(desk, who)).splitlines()[-1].startswith("❌ Rejected by <@U0OMAR>: Get a second quote")
        assert buttons_of(last_dm(desk, who)) == []
    assert "❌ *PO-00001* was rejected by <@U0OMAR>: Get a second quote" in text_of(last_dm(desk, cast.ravi))


def test_a_click_on_a_level_someone_already_decided_says_who_and_when_and_changes_nothing(desk, cast, slack):
    po = submitted(cast)
    desk.deliver()
    stale = last_dm(desk, cast.omar)
    services.approve_po(cast.priya, po.id)
    before = AuditEvent.select().count()
    for action in ("approve_po", "reject_po"):
        assert desk.click(cast.omar, action, stale)[0] == 200
        told = desk.told()
        assert told["response_type"] == "ephemeral" and told["replace_original"] in (False, "false")
        assert "Nothing changed: level 1 was already approved by <@U0PRIYA> at " in told["text"]
    assert AuditEvent.select().count() == before and slack.calls_to("views.open") == []


def test_a_click_on_your_own_po_or_a_level_you_are_not_asked_for_is_explained_privately(desk, cast, slack):
    po = services.create_po(cast.asha, po_body(cast.acme, lines=[line("Drill", 10, "500")], submit=True)).po
    desk.deliver()
    message = last_dm(desk, cast.priya)
    click = payloads.block_actions(cast.asha.slack_id, "approve_po", message=message, channel_id="D0ASHA")
    desk.send(desk.signer.interactive(click))
    assert "You raised PO-00001, so someone else must decide it" in desk.told()["text"]
    services.update_settings(cast.asha, {"approval_levels": [{"min_total": "1000", "approvers": [cast.priya.id]}]})
    mine = submitted(cast)
    click = payloads.block_actions(cast.omar.slack_id, "approve_po", value=f"{mine.id}:1", block_id="x",
                                   message={"ts": "1.1", "blocks": []}, channel_id="D0OMAR")
    desk.send(desk.signer.interactive(click))
    assert "You are not an approver of level 1 of this PO (its approvers: Priya Approver)" in desk.told()["text"]
    assert queries.po_card(po.id)["status"] == queries.po_card(mine.id)["status"] == "pending_approval"


def test_a_viewer_clicking_approve_is_told_the_role_it_needs(desk, cast, slack):
    po = submitted(cast)
    click = payloads.block_actions(cast.vera.slack_id, "approve_po", value=f"{po.id}:1", block_id="x",
                                   message={"ts": "1.1", "blocks": []}, channel_id="D0VERA")
    desk.send(desk.signer.interactive(click))
    assert "needs the approver role in podesk; you are a viewer" in desk.told()["text"]


def _race(live, cast, slack):
    import threading

    po = submitted(cast)
    slack.wait_until(lambda: all(slack.messages_in(slack.dm_channel(w.slack_id)) for w in (cast.priya, cast.omar)), 10)
    dms = {who: slack.messages_in(slack.dm_channel(who.slack_id))[0] for who in (cast.priya, cast.omar)}
    barrier, answers = threading.Barrier(2), {}

    def click(who):
        barrier.wait()
        answers[who.slack_id] = live.click(who, "approve_po", dms[who])

    threads = [threading.Thread(target=click, args=(who,)) for who in dms]
    [t.start() for t in threads]
    [t.join(10) for t in threads]
    return po, dms, answers


@pytest.mark.parametrize("round_", range(3))
def test_two_approvers_clicking_at_once_one_wins_and_both_dms_end_approved_by_the_winner(live, cast, slack, round_):
    po, dms, answers = _race(live, cast, slack)
    assert [status for status, _ in answers.values()] == [200, 200]
    card = queries.po_card(po.id)
    winner = card["levels"][0]["decided_by"]["slack_id"]
    assert card["status"] == "approved" and winner in ("U0PRIYA", "U0OMAR")
    ended = lambda: all(text_of(slack.messages_in(m_ch)[0]).splitlines()[-1].startswith(f"✅ Approved by <@{winner}>")  # noqa: E731
                        for m_ch in (slack.dm_channel("U0PRIYA"), slack.dm_channel("U0OMAR")))
    slack.wait_until(ended, 10, "both DMs to end 'Approved by' the winner")
    loser_told = slack.wait_for("response_url").params["text"]
    assert f"already approved by <@{winner}>" in loser_told
    assert AuditEvent.select().where(AuditEvent.entity_id == po.id, AuditEvent.action == "approved").count() == 1


def test_a_rejection_submitted_after_someone_else_approved_changes_nothing_and_says_so_in_the_modal(desk, cast):
    po = submitted(cast)
    desk.deliver()
    desk.click(cast.omar, "reject_po", last_dm(desk, cast.omar))
    modal = desk.opened_view()
    services.approve_po(cast.priya, po.id)
    status, body = desk.submit(cast.omar, modal, {"reason": payloads.element_state("plain_text_input", "Too dear")})
    assert body["response_action"] == "update"
    assert "Nothing changed: level 1 was already approved by <@U0PRIYA>" in text_of(body["view"])
    assert queries.po_card(po.id)["status"] == "approved"


def test_names_people_typed_cannot_ping_a_channel_or_forge_a_link(desk, cast, slack):
    vendor = services.create_vendor(cast.asha, {"name": "<!channel> <https://evil.example|Acme>", "currency": "INR",
                                                "payment_terms": "Net 30"})
    services.create_po(cast.ravi, po_body(vendor, lines=[line("<@U0ASHA> bolts", 100, "45.50")], submit=True))
    desk.deliver()
    dm = last_dm(desk, cast.priya)
    everything = dm["text"] + text_of(dm)
    assert "<!channel>" not in everything and "<https://evil.example" not in everything and "<@U0ASHA>" not in everything
    assert "&lt;!channel&gt;" in dm["text"]
