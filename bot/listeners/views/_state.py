"""Reading a submitted modal's values (view.state.values) the way Slack shapes each element."""
from __future__ import annotations

from typing import Any

from bot.blocks.modals import VALUE


def value(values: dict, block_id: str) -> str | None:
    """The text, number, date or chosen option's value of an input block; None when empty."""
    elements = values.get(block_id) or {}
    element: dict[str, Any] = elements.get(VALUE) or next(iter(elements.values()), None) or {}
    found = element.get("value")
    if found is None and element.get("selected_option"):
        found = element["selected_option"].get("value")
    if found is None:
        found = element.get("selected_date")
    found = found.strip() if isinstance(found, str) else found
    return found or None
