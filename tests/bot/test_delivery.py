"""The outbox's Slack channel: Retry-After honoured, outages ridden out without touching podesk's
own actions, people reached by email, invoice exceptions told to the requester."""
import datetime as dt
import time

from core import outbox, queries, services
from core.fields import utcnow
from core.models import OutboxMessage
from core.operator import add_user, create_api_key
from tests.bot.desk import text_of
from tests.factories import line, po_body


def later(seconds):
    moment = utcnow() + dt.timedelta(seconds=seconds)
    return lambda: moment


def submit(cast):
    return services.create_po(cast.ravi, po_body(cast.acme, lines=[line("Steel bolts", 100, "45.50")], submit=True)).po


def test_a_429_from_slack_is_retried_after_exactly_its_retry_after(desk, cast, slack):
    submit(cast)
    slack.rate_limit("chat.postMessage", times=1, retry_after=7)
    report = desk.deliver()
    assert report.retrying == 1
    row = OutboxMessage.get(OutboxMessage.attempts == 1)
    assert row.last_status_code == 429 and 6.5 <= (row.next_attempt_at - row.last_attempt_at).total_seconds() <= 7.5
    assert outbox.deliver_due("test").tried == 0  # not before Retry-After has passed
    assert outbox.deliver_due("test", clock=later(8)).delivered == 2
    assert [len(desk.dm(who)) for who in (cast.priya, cast.omar)] == [1, 1]


def test_a_slack_outage_delays_messages_but_never_fails_or_slows_a_podesk_action(live, cast, slack, web):
    key, _ = create_api_key("ravi@example.com")
    api = web.test_client()
    held = slack.hold("chat.postMessage")  # Slack stops answering
    started = time.monotonic()
    created = api.post("/api/v1/purchase-orders", headers={"Authorization": f"Bearer {key}"},
                       json=po_body(cast.acme, lines=[line("Steel bolts", 100, "45.50")], submit=True))
    again = api.post("/api/v1/purchase-orders", headers={"Authorization": f"Bearer {key}"}, json=po_body(cast.acme))
    took = time.monotonic() - started
    assert (created.status_code, again.status_code) == (201, 201) and took < 1.0
    held.wait_held()  # the worker is stuck on Slack, not the request
    slack.server_error("chat.postMessage", times=1)
    held.release()
    slack.wait_until(lambda: slack.messages_in(slack.dm_channel("U0PRIYA")) and slack.messages_in(slack.dm_channel("U0OMAR")),
                     15, "both approval DMs after the outage")


def test_a_500_from_slack_is_retried_with_backoff(desk, cast, slack):
    submit(cast)
    slack.server_error("chat.postMessage", times=1)
    assert desk.deliver().retrying == 1
    assert outbox.deliver_due("test", clock=later(60)).delivered == 2


def test_a_long_slack_outage_ends_with_every_dm_delivered_not_given_up(desk, cast, slack):
    """Thirty failed tries, about an hour and a half of backoff: approval DMs are retried for a day, like emails."""
    submit(cast)
    slack.server_error("chat.postMessage", times=30)
    moment = utcnow()
    for _ in range(100):
        pending = list(OutboxMessage.select().where(OutboxMessage.status == "pending"))
        if not pending:
            break
        moment = max(moment, *(row.next_attempt_at for row in pending))  # the retrying head (the rest wait behind it)
        outbox.deliver_due("test", clock=lambda: moment)
    assert OutboxMessage.select().where(OutboxMessage.status == "dead").count() == 0
    assert moment - OutboxMessage.select().order_by(OutboxMessage.id).first().created_at > dt.timedelta(minutes=30)
    assert [len(desk.dm(who)) for who in (cast.priya, cast.omar)] == [1, 1]


def test_someone_without_a_slack_id_is_found_by_email_and_linked(desk, cast, slack):
    newcomer = add_user("Nia Approver", "nia@example.com", "approver")
    slack.add_user("U0NIA", email="nia@example.com", tz="Asia/Tokyo", locale="ja-JP")
    services.update_settings(cast.asha, {"approval_levels": [{"min_total": "1000", "approvers": [newcomer.id]}]})
    submit(cast)
    desk.deliver()
    assert text_of(slack.messages_in(slack.dm_channel("U0NIA"))[-1]).startswith("<@U0RAVI> asks you to approve")
    linked = queries.user(newcomer.id)
    assert (linked.slack_id, linked.locale) == ("U0NIA", "ja_JP")


def test_someone_slack_does_not_know_is_simply_not_messaged(desk, cast, slack):
    stranger = add_user("Sam Offline", "sam@example.com", "approver")
    services.update_settings(cast.asha, {"approval_levels": [{"min_total": "1000", "approvers": [stranger.id]}]})
    submit(cast)
    report = desk.deliver()
    assert report.delivered == 1 and report.dead == 0 and slack.calls_to("chat.postMessage") == []


def test_a_message_slack_refuses_for_good_is_given_up_at_once(desk, cast, slack):
    submit(cast)
    slack.fail("chat.postMessage", "cannot_dm_bot", times=1)
    report = desk.deliver()
    assert (report.dead, report.delivered) == (1, 1)


def test_an_invoice_exception_dms_the_requester_the_reasons_and_a_link(desk, cast, slack):
    po = services.create_po(cast.ravi, po_body(cast.acme, matching="two_way", lines=[line("Steel bolts", 10, "45.50")],
                                               submit=True)).po
    assert po.status == "approved"  # below the first level
    services.register_invoice(cast.asha, {"vendor_id": cast.acme.id, "invoice_number": "ACME-9", "invoice_date": "2026-02-01",
                                          "currency": "INR", "po_number": po.po_number,
                                          "lines": [{"description": "Steel bolts", "quantity": "10", "unit_price": "52"}]})
    desk.deliver()
    shown = text_of(desk.dm(cast.ravi)[-1])
    assert "⚠️ Invoice *ACME-9* from Acme Tools (₹520.00) did not match your PO *PO-00001*" in shown
    assert "line “Steel bolts”: price differs (expected ₹45.50, invoiced ₹52.00)" in shown
    assert "<https://po.example.com/exceptions|the exception queue>" in shown and "Acme Tools" in shown
