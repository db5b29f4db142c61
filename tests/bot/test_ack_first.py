"""Listeners ack first: whatever Slack's Web API takes (users.info for someone seen the first time,
views.open for a form), the HTTP answer to a command or a click leaves at once, over real HTTP."""
import time

from core import operator, queries, services
from tests.bot.desk import text_of
from tests.factories import line, po_body

SLOW = 2.0  # seconds each slowed Web API call takes
PROMPT = 0.5  # what an answer may take at most (Slack's limit is 3 s)


def timed(act):
    started = time.monotonic()
    status, _ = act()
    return status, time.monotonic() - started


def asked(live, cast, slack, approver):
    """A PO waiting for level 1, and its approval DM to `approver`."""
    po = services.create_po(cast.ravi, po_body(cast.acme, lines=[line("Steel bolts", 100, "45.50")], submit=True)).po
    channel = slack.dm_channel(approver.slack_id)
    return po, slack.wait_until(lambda: slack.messages_in(channel), 10, "the approval DM")[0]


def test_po_new_from_someone_seen_the_first_time_is_answered_before_slack_is_asked_who_they_are(live, cast, slack):
    operator.add_user("Nia New", "nia@example.com", "requester")
    slack.add_user("U0NIA", email="nia@example.com", tz="Asia/Tokyo", locale="ja-JP")
    slack.slow("users.info", SLOW)
    slack.slow("views.open", SLOW)
    status, took = timed(lambda: live.send(live.signer.command("new", user_id="U0NIA")))
    assert status == 200 and took < PROMPT, took
    opened = live.next_call("views.open", timeout=10)
    assert opened.params["view"]["callback_id"] == "new_po" and opened.body["ok"]
    assert slack.calls_to("users.info")[0].at < opened.at  # who it is first, then the form
    assert queries.user_by_slack_id("U0NIA").locale == "ja_JP"


def test_a_reject_click_is_answered_before_its_form_opens(live, cast, slack):
    po, dm = asked(live, cast, slack, cast.omar)
    slack.slow("views.open", SLOW)
    status, took = timed(lambda: live.click(cast.omar, "reject_po", dm))
    assert status == 200 and took < PROMPT, took
    assert live.next_call("views.open", timeout=10).params["view"]["callback_id"] == "reject_reason"
    assert queries.po_card(po.id)["status"] == "pending_approval"


def test_an_approve_click_that_must_ask_slack_first_is_answered_before_slack_is_asked(live, cast, slack):
    oona = operator.add_user("Oona Approver", "oona@example.com", "approver", slack_id="U0OONA")
    slack.add_user("U0OONA", email="oona@example.com", tz=None, locale=None)  # Slack knows neither: podesk asks once
    services.update_settings(cast.asha, {"approval_levels": [{"min_total": "1000", "approvers": [oona.id]}]})
    po, dm = asked(live, cast, slack, oona)
    slack.slow("users.info", SLOW)
    status, took = timed(lambda: live.click(oona, "approve_po", dm))
    assert status == 200 and took < PROMPT, took
    channel = slack.dm_channel(oona.slack_id)
    slack.wait_until(lambda: "Approved by" in text_of(slack.messages_in(channel)[0]), 10, "the DM to show the decision")
    assert queries.po_card(po.id)["status"] == "approved"
