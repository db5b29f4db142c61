"""Approval reminders: one DM per approver per `approval_reminder_hours` period while something
waits for them, never twice for a period, even with two workers deciding at the same moment."""
import datetime as dt

from core import queries, reminders, services
from core.db import database
from core.fields import utcnow
from core.models import OutboxMessage, PoApproval, PurchaseOrder
from tests.bot.desk import buttons_of, text_of
from tests.concurrency import race
from tests.factories import line, po_body

HOURS = 24


def submit(cast, rate="45.50"):
    return services.create_po(cast.ravi, po_body(cast.acme, lines=[line("Steel bolts", 100, rate)], submit=True)).po


def reminder_rows():
    return list(OutboxMessage.select().where(OutboxMessage.key.startswith(reminders.KEY_PREFIX)).order_by(OutboxMessage.id))


def hours_from_now(hours):
    return utcnow() + dt.timedelta(hours=hours)


def test_nobody_is_reminded_before_a_decision_has_waited_approval_reminder_hours(desk, cast):
    submit(cast)
    assert reminders.send_approval_reminders("w1", now=hours_from_now(HOURS - 1)) == 0
    assert reminder_rows() == []


def test_each_approver_gets_one_reminder_listing_what_waits_with_the_buttons(desk, cast, slack):
    first, second = submit(cast), submit(cast)
    desk.deliver()
    assert reminders.send_approval_reminders("w1", now=hours_from_now(HOURS + 1)) == 2
    desk.deliver()
    for who in (cast.priya, cast.omar):
        reminder = desk.dm(who)[-1]
        shown = text_of(reminder)
        assert shown.startswith("⏰ 2 purchase orders have waited more than 24 h for your decision")
        assert first.po_number in shown and second.po_number in shown and "Acme Tools" in shown
        assert buttons_of(reminder) == ["approve_po", "reject_po"] * 2
    assert "₹4,550.00" in text_of(desk.dm(cast.omar)[-1]) and "4.550,00\xa0₹" in text_of(desk.dm(cast.priya)[-1])
    assert desk.dm(cast.ravi) == [] and desk.dm(cast.asha) == []


def test_a_reminder_is_not_sent_twice_in_a_period_nor_sooner_than_a_period_after_the_last(desk, cast):
    submit(cast)
    now = hours_from_now(HOURS + 1)
    assert reminders.send_approval_reminders("w1", now=now) == 2
    reminders.send_approval_reminders("w1", now=now + dt.timedelta(minutes=5))
    assert len(reminder_rows()) == 2
    reminders.send_approval_reminders("w1", now=now + dt.timedelta(hours=HOURS + 1))
    assert len(reminder_rows()) == 4


def test_two_workers_deciding_at_the_same_moment_write_each_reminder_once(desk, cast):
    submit(cast)
    now = hours_from_now(HOURS + 1)
    for round_ in range(4):
        moment = now + dt.timedelta(hours=round_ * (HOURS + 1))
        race(lambda: reminders.send_approval_reminders("worker-a", now=moment),
             lambda: reminders.send_approval_reminders("worker-b", now=moment))
        assert len(reminder_rows()) == 2 * (round_ + 1)
    assert len({row.key for row in reminder_rows()}) == 8


def test_two_workers_past_the_lease_writing_the_same_periods_reminder_still_send_one(desk, cast, database_url, is_postgres):
    """The unique key per approver and period on its own: worker A stalls before its write until its
    lease runs out, worker B takes the lease over, both decide the same reminders, both write."""
    import threading

    import pytest

    from core.db import open_database
    from core.models import JobLease
    from tests.concurrency import wait_until

    if not is_postgres:
        pytest.skip("needs PostgreSQL's table locks to stall a worker mid-transaction (SQLite has one writer anyway)")
    submit(cast)
    now, written = hours_from_now(HOURS + 1), {}

    def worker(name):
        with database.connection_context():
            written[name] = reminders.send_approval_reminders(name, now=now)

    def stalled_inserts():
        return database.execute_sql("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'outbox_message'::regclass"
                                    ).fetchone()[0]

    gate = open_database(database_url)
    try:
        with gate.atomic():
            gate.execute_sql("LOCK TABLE outbox_message IN SHARE MODE")  # reads go on, writes wait
            a = threading.Thread(target=worker, args=("worker-a",))
            a.start()
            wait_until(lambda: stalled_inserts() == 1, 10, "worker A to reach its write")
            JobLease.update(expires_at=utcnow() - dt.timedelta(minutes=1)).execute()  # A's lease runs out meanwhile
            b = threading.Thread(target=worker, args=("worker-b",))
            b.start()
            wait_until(lambda: stalled_inserts() == 2, 10, "worker B to reach the same write")
        a.join(10), b.join(10)
    finally:
        gate.close()
    assert written == {"worker-a": 2, "worker-b": 2}  # both passed the lease and wrote Priya's and Omar's reminder
    assert len(reminder_rows()) == 2
    desk.deliver()
    for who in (cast.priya, cast.omar):
        assert sum(text_of(m).startswith("⏰") for m in desk.dm(who)) == 1


def test_a_later_level_waits_from_the_decision_on_the_level_before_it(desk, cast):
    po = submit(cast, rate="500")  # ₹50,000: two levels
    services.approve_po(cast.priya, po.id)
    long_ago = utcnow() - dt.timedelta(hours=30)
    PurchaseOrder.update(submitted_at=long_ago).where(PurchaseOrder.id == po.id).execute()
    PoApproval.update(decided_at=utcnow() - dt.timedelta(hours=2)).where(PoApproval.po == po.id, PoApproval.level == 1).execute()
    assert reminders.send_approval_reminders("w1") == 0
    assert reminders.send_approval_reminders("w1", now=hours_from_now(23)) == 1
    assert reminder_rows()[0].payload["user_id"] == cast.asha.id


def test_a_reminder_lists_only_what_still_waits_when_it_is_sent(desk, cast):
    first, second = submit(cast), submit(cast)
    desk.deliver()
    reminders.send_approval_reminders("w1", now=hours_from_now(HOURS + 1))
    services.approve_po(cast.priya, first.id)
    desk.deliver()
    shown = text_of(desk.dm(cast.omar)[-1])
    assert shown.startswith("⏰ 1 purchase order has waited") and second.po_number in shown and first.po_number not in shown


def test_the_reminder_job_does_nothing_where_slack_is_not_configured(db, cast):
    submit(cast)
    assert reminders.send_approval_reminders("w1", now=hours_from_now(HOURS + 1)) == 0


def test_after_a_decision_every_dm_of_that_level_reminders_included_shows_it_in_place(desk, cast, slack):
    from tests.bot import payloads

    first, second = submit(cast), submit(cast)
    desk.deliver()
    reminders.send_approval_reminders("w1", now=hours_from_now(HOURS + 1))
    desk.deliver()
    reminded = {who: desk.dm(who)[-1] for who in (cast.priya, cast.omar)}
    desk.click(cast.priya, "approve_po", reminded[cast.priya])  # the first PO's Approve, in the reminder
    desk.deliver()
    for who, reminder in reminded.items():
        requests = [m for m in desk.dm(who) if "approve *" in text_of(m)]
        assert text_of(requests[0]).splitlines()[-1].startswith("✅ Approved by <@U0PRIYA>")
        now = next(m for m in desk.dm(who) if m["ts"] == reminder["ts"])  # the same message, updated
        shown = text_of(now)
        assert first.po_number in shown and "✅ Approved by <@U0PRIYA>" in shown
        assert buttons_of(now) == ["approve_po", "reject_po"]  # the second PO still waits
    desk.click(cast.omar, "reject_po", next(m for m in desk.dm(cast.omar) if m["ts"] == reminded[cast.omar]["ts"]))
    desk.submit(cast.omar, desk.opened_view(), {"reason": payloads.element_state("plain_text_input", "Too dear")})
    desk.deliver()
    for who, reminder in reminded.items():
        now = next(m for m in desk.dm(who) if m["ts"] == reminder["ts"])
        assert "❌ Rejected by <@U0OMAR>: Too dear" in text_of(now) and buttons_of(now) == []
        assert text_of([m for m in desk.dm(who) if "approve *" in text_of(m)][1]).splitlines()[-1].startswith("❌ Rejected by")
    assert queries.po_card(first.id)["status"] == "approved" and queries.po_card(second.id)["status"] == "rejected"
