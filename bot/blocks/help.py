"""Help, "did you mean", and the answers for people podesk does not know."""
from __future__ import annotations

from bot.blocks.format import escape, section

NOT_SET_UP = "You are not set up in podesk — ask an admin to add you (with your Slack email address)."
CANNOT_TELL = "Slack did not tell me who you are just now, so nothing happened. Please try again in a moment."

HELP = """*podesk* — purchase orders without leaving Slack
• `/po new` — raise a PO in a form
• `/po new PO for Acme Tools: 10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80` — or write it in one line (quote free text for two-way lines: `2 x "Network audit day" @ 25000`)
• `/po PO-00042` — a PO's card
• `/po list` `mine` | `pending` | `exceptions` — up to 10 POs (or invoices) at a glance
• `/po receive PO-00042` — record goods received
• `/po dashboard` — a one-time sign-in link to the dashboard
Mention me or DM me: `status PO-00042`, `pending`, `my POs`, `exceptions`, `new PO for …`, `help`.
Approval requests arrive here as DMs with Approve and Reject; the Home tab shows what waits for you."""


def help_blocks() -> list[dict]:
    """What podesk understands."""
    return [section(HELP)]


def did_you_mean_blocks(text: str, suggestions: list[str], usage: str | None = None, *, slash: bool = True) -> list[dict]:
    """`I don't know "recieve PO-1". Did you mean receive?` with the usage when there is one."""
    prefix = "/po " if slash else ""
    said = f"I don't understand “{escape(text)}”." if text else "I don't understand that."
    lines = [said]
    if suggestions:
        lines.append("Did you mean " + " or ".join(f"`{prefix}{escape(s)}`" for s in suggestions) + "?")
    if usage:
        lines.append(f"Write it as `{prefix}{escape(usage)}`.")
    lines.append(f"`{prefix}help` lists everything I can do.")
    return [section("\n".join(lines))]


def notice_blocks(text: str) -> list[dict]:
    """A one-section message."""
    return [section(text)]
