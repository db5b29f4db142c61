"""Slack's Block Kit limits hold for the biggest things podesk shows: a PO with 500 lines (with
255-character labels), long lists, a full Home tab, the largest forms."""
import pytest

from bot.blocks.limits import message_problems, view_problems
from bot.blocks.modals import MAX_LINES, new_po_modal
from core import services
from tests.bot import payloads
from tests.bot.desk import text_of
from tests.factories import line, po_body

LABEL = "Stainless steel hex bolt, fully threaded, A2-70, DIN 933, " * 5  # 290 characters


def big_po(cast, submit=True, rate="45.50", quantity=3):
    lines = [line(f"{i:03d} {LABEL}"[:255], quantity, rate, tax_rate="18") for i in range(500)]
    return services.create_po(cast.ravi, po_body(cast.acme, lines=lines, submit=submit)).po


@pytest.fixture
def big(cast):
    return big_po(cast)


def test_the_card_of_a_500_line_po_shows_the_first_lines_and_how_many_more_within_the_limits(desk, cast, big):
    status, body = desk.command(big.po_number, cast.ravi)
    assert message_problems(body) == []
    shown = text_of(body)
    assert "… and 490 more lines — <https://po.example.com/purchase-orders/1|see them all in the dashboard>" in shown
    assert all(len(b["text"]["text"]) <= 3000 for b in body["blocks"] if b["type"] == "section")


def test_the_approval_dms_of_a_500_line_po_fit_before_and_after_the_decision(desk, cast, big, slack):
    desk.deliver()
    asked = desk.dm(cast.priya)[-1]
    assert message_problems(asked) == []
    desk.click(cast.priya, "approve_po", asked)
    desk.deliver()
    for who in (cast.priya, cast.omar, cast.asha, cast.ravi):
        for message in desk.dm(who):
            assert message_problems(message) == [], who.name


def test_the_receipt_form_of_a_500_line_po_fits_in_a_modal(desk, cast):
    po = big_po(cast, rate="0.5", quantity=1)  # ₹295: approved without a level
    desk.command(f"receive {po.po_number}", cast.ravi)
    view = desk.opened_view()
    assert view_problems(view) == [] and len(view["blocks"]) <= 100
    assert "… and 410 more open lines" in text_of(view)


def test_a_draft_missing_every_rate_says_so_within_the_limits(desk, cast):
    lines = [line(f"Line {i} {LABEL}"[:255], 1, "0") for i in range(500)]
    po = services.create_po(cast.ravi, po_body(cast.acme, lines=lines)).po
    status, body = desk.command(po.po_number, cast.ravi)
    assert message_problems(body) == [] and "and 495 more lines" in text_of(body)


def test_lists_reminders_and_the_home_tab_stay_within_the_limits_with_many_pos(desk, cast, slack):
    from core import reminders
    from core.fields import utcnow
    import datetime as dt

    for _ in range(30):
        services.create_po(cast.ravi, po_body(cast.acme, lines=[line(LABEL[:255], 10, "500")], submit=True))
    desk.deliver()
    for text in ("list mine", "list pending"):
        for who in (cast.ravi, cast.priya):
            assert message_problems(desk.command(text, who)[1]) == []
    desk.send(desk.signer.event(payloads.app_home_opened(cast.priya.slack_id)))
    reminders.send_approval_reminders("w1", now=utcnow() + dt.timedelta(hours=25))
    desk.deliver()
    home = slack.home_of(cast.priya.slack_id)
    assert view_problems(home) == [] and "… and 10 more" in text_of(home)
    reminder = desk.dm(cast.priya)[-1]
    assert message_problems(reminder) == [] and "… and 10 more" in text_of(reminder)


def test_the_new_po_form_at_its_most_lines_fits_in_a_modal(db):
    import datetime as dt

    view = new_po_modal(dt.date(2026, 3, 2), lines=MAX_LINES + 5)
    assert view_problems(view) == [] and "<Line 20: rate>" in text_of(view) and "<Line 21: rate>" not in text_of(view)


def test_the_limit_checker_notices_each_kind_of_breach():
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    assert message_problems({"blocks": [section] * 51}) == ["51 blocks (at most 50)"]
    assert message_problems({"blocks": [{**section, "text": {"type": "mrkdwn", "text": "x" * 3001}}]}) != []
    button = {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "b" * 76}}
    assert message_problems({"blocks": [{"type": "actions", "elements": [button]}]}) != []
    select = {"type": "static_select", "action_id": "s", "options": [
        {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(101)]}
    assert view_problems({"type": "modal", "title": {"type": "plain_text", "text": "t"},
                          "blocks": [{"type": "input", "block_id": "i", "label": {"type": "plain_text", "text": "l"},
                                      "element": select}]}) != []
    assert view_problems({"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": []}) != []
    assert view_problems({"type": "home", "blocks": [section] * 101}) != []
