"""The spend chart's geometry: horizontal bars, one per vendor, drawn by a small SVG template.

The page's Content-Security-Policy allows no inline styles, so everything the bars need is an
attribute (x, y, width, height) or a class styled from podesk.css.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from web.dashboard.formatting import money

WIDTH = 720
LABEL_RIGHT = 200  # vendor names end here (text-anchor="end"), bars start just after
BAR_LEFT = 210
BAR_SPACE = 330  # the longest bar; the amount is written after each bar
ROW = 34
BAR = 22
NAME_CHARS = 26  # longer vendor names are shortened on the chart (the table beside it has them whole)


@dataclass(frozen=True)
class Bar:
    name: str
    full_name: str
    amount: str
    y: int
    width: int
    text_y: int
    amount_x: int


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def spend_chart(vendors: list[dict[str, Any]], currency: str) -> dict[str, Any]:
    """Bars for `spend_by_vendor`'s rows: {width, height, bars}; the largest spend fills the bar space."""
    largest = max((row["spend"] for row in vendors), default=Decimal(0))
    bars = []
    for i, row in enumerate(vendors):
        share = row["spend"] / largest if largest > 0 else Decimal(0)
        width = int((share * BAR_SPACE).to_integral_value(ROUND_HALF_UP))
        width = max(width, 2) if row["spend"] > 0 else 0  # a sliver, so a small spend is still seen
        y = i * ROW + 6
        bars.append(Bar(_short(row["vendor_name"]), row["vendor_name"], money(row["spend"], currency), y, width,
                        y + BAR // 2 + 5, BAR_LEFT + width + 8))
    return {"width": WIDTH, "height": len(bars) * ROW + 12, "bars": bars, "bar_left": BAR_LEFT,
            "label_right": LABEL_RIGHT, "bar_height": BAR}
