"""The App Home tab, per role: what waits for my approval (with the buttons), my open POs, and for
approvers and admins the open invoice exceptions (≤ 78 blocks, within a view's 100)."""
from __future__ import annotations

from typing import Any

from bot.blocks.approval import decision_buttons
from bot.blocks.format import Reader, escape, link, section
from bot.blocks.help import NOT_SET_UP
from bot.blocks.lists import exception_line, po_line

HOME_WAITING, HOME_MINE, HOME_EXCEPTIONS = 20, 20, 10
DIVIDER = {"type": "divider"}


def _more(count: int, shown: int, base_url: str | None, path: str) -> list[dict]:
    if count <= shown:
        return []
    more = f"… and {count - shown} more"
    return [section(f"{more} — {link(base_url + path, 'see them all in the dashboard')}" if base_url else more)]


def home_blocks(user: Any, reader: Reader, base_url: str | None, *, waiting: list[dict] | None = None,
                mine: list[dict] | None = None, exceptions: list[dict] | None = None) -> list[dict]:
    """The Home tab for `user`; lists left None are not shown to their role."""
    name = escape(getattr(user, "name", "") or "")
    blocks = [section(f"*podesk* · hello {name}. `/po help` lists everything; "
                      + (link(base_url, "the dashboard") if base_url else "the dashboard") + " has the rest.")]
    if waiting is not None:
        blocks += [DIVIDER, section("*Waiting for my approval*")]
        if not waiting:
            blocks.append(section("Nothing is waiting for you. ✨"))
        for item in waiting[:HOME_WAITING]:
            blocks.append(section(po_line(item, reader, base_url)))
            blocks.append({"type": "actions", "block_id": f"home_{item['id']}",
                           "elements": decision_buttons(item["id"], item["po_number"], item["approval_level"], item.get("round"))})
        blocks += _more(len(waiting), HOME_WAITING, base_url, "/purchase-orders?status=pending_approval")
    if mine is not None:
        blocks += [DIVIDER, section("*My open POs*")]
        if not mine:
            blocks.append(section("You have no open POs. `/po new` raises one."))
        blocks += [section(po_line(item, reader, base_url)) for item in mine[:HOME_MINE]]
        blocks += _more(len(mine), HOME_MINE, base_url, f"/purchase-orders?requested_by={user.id}")
    if exceptions is not None:
        blocks += [DIVIDER, section("*Open exceptions*")]
        if not exceptions:
            blocks.append(section("No invoice is waiting on an exception. 🎉"))
        blocks += [section(exception_line(item, reader, base_url)) for item in exceptions[:HOME_EXCEPTIONS]]
        blocks += _more(len(exceptions), HOME_EXCEPTIONS, base_url, "/exceptions")
    return blocks


def stranger_home_blocks() -> list[dict]:
    """The Home tab of someone podesk does not know."""
    return [section(f"*podesk*\n{NOT_SET_UP}")]
