"""One PO from `/po new` through two approval levels to a receipt, as the people involved see it in
Slack. The test keeps a transcript of what was typed and what the bot said (printed with `-s`)."""
import re

from core import queries
from tests.bot.desk import buttons_of, text_of
from tests.bot.payloads import element_state as state

NAMES = {"U0ASHA": "@asha", "U0RAVI": "@ravi", "U0PRIYA": "@priya", "U0OMAR": "@omar"}


def readable(text: str) -> str:
    """Slack mrkdwn as a person reads it: links as their text, mentions as @names."""
    text = re.sub(r"<@(U\w+)>", lambda m: NAMES.get(m.group(1), "@" + m.group(1)), text)
    return re.sub(r"<([^|>]+)\|([^>]+)>", r"\2", text)


class Transcript:
    def __init__(self):
        self.lines: list[str] = []

    def typed(self, who: str, what: str) -> None:
        self.lines.append(f"\n{who}> {what}")

    def said(self, where: str, message: dict) -> None:
        body = readable(text_of(message)).replace("\n", "\n    ")
        self.lines.append(f"  [{where}]\n    {body}")

    def __str__(self) -> str:
        return "\n".join(self.lines)


def test_a_po_goes_from_po_new_through_two_levels_to_a_receipt(desk, cast, slack, tmp_path):
    log = Transcript()
    log.typed("ravi", "/po new")
    desk.command("new", cast.ravi)
    form = desk.opened_view()
    log.lines.append(f"  [modal opens: {form['title']['text']} — {', '.join(re.findall(r'<([^>]+)>', text_of(form))[:9])}, line rows …]")
    log.typed("ravi", "(fills the form: Acme Tools, goods, three-way, 'Fasteners for line 3', 5000 x BOLT-M8 @ 4.50, tax 18 %; Create draft)")
    desk.submit(cast.ravi, form, {
        "vendor": state("external_select", str(cast.acme.id), "Acme Tools"), "po_type": state("static_select", "goods"),
        "matching": state("static_select", "three_way"), "po_date": state("datepicker", "2026-03-02"),
        "description": state("plain_text_input", "Fasteners for line 3"), "line_0_item": state("plain_text_input", "BOLT-M8"),
        "line_0_qty": state("number_input", "5000"), "line_0_rate": state("number_input", "4.50"),
        "line_0_tax": state("number_input", "18")})
    desk.deliver()
    card = desk.dm(cast.ravi)[-1]
    log.said("DM to ravi", card)
    assert buttons_of(card) == ["submit_po"]

    log.typed("ravi", "[Submit for approval]")
    desk.click(cast.ravi, "submit_po", card)
    desk.deliver()
    log.said("DM to ravi, updated in place", desk.dm(cast.ravi)[-1])
    for who in ("priya", "omar"):
        log.said(f"DM to {who}", desk.dm(getattr(cast, who))[-1])

    log.typed("priya", "[Approve] → Slack asks 'Approve this PO?' → [Approve]")
    desk.click(cast.priya, "approve_po", desk.dm(cast.priya)[-1])
    desk.deliver()
    for who in ("priya", "omar"):
        log.said(f"DM to {who}, updated in place", desk.dm(getattr(cast, who))[-1])
    log.said("DM to ravi", desk.dm(cast.ravi)[-1])
    log.said("DM to asha", desk.dm(cast.asha)[-1])
    assert "(level 2 of 2)" in text_of(desk.dm(cast.asha)[-1])

    log.typed("asha", "[Approve] → [Approve]")
    desk.click(cast.asha, "approve_po", desk.dm(cast.asha)[-1])
    desk.deliver()
    log.said("DM to asha, updated in place", desk.dm(cast.asha)[-1])
    log.said("DM to ravi", desk.dm(cast.ravi)[-1])
    po = queries.purchase_orders(queries.PoFilter())[0][0]
    assert po["status"] == "approved"

    log.typed("ravi", f"/po receive {po['po_number']}")
    desk.command(f"receive {po['po_number']}", cast.ravi)
    form = desk.opened_view()
    log.lines.append(f"  [modal opens: {form['title']['text']} — {', '.join(re.findall(r'<([^>]+)>', text_of(form)))}]")
    line_id = queries.purchase_order(po["id"])["line_items"][0]["id"]
    log.typed("ravi", "(enters 5000 received today; Record receipt)")
    desk.submit(cast.ravi, form, {"received_on": state("datepicker", "2026-03-09"), f"recv_{line_id}": state("number_input", "5000")})
    desk.deliver()
    log.said("DM to ravi", desk.dm(cast.ravi)[-1])
    assert "fully received" in text_of(desk.dm(cast.ravi)[-1])

    (tmp_path / "transcript.txt").write_text(str(log))
    print(log)
