"""A draft PO from a sentence (`new PO for Acme Tools: 10 x BOLT-M8 @ 4.50`): the vendor and SKUs
are found with core's lookups, only when there is no doubt; the reply says what was understood,
what was assumed and what was not understood. Nothing is created while anything is in doubt."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.blocks.card import quantity
from bot.blocks.format import Reader, clip, escape, money
from bot.parse import NewPo, ParsedLine
from core import queries

SURE = 90.0  # a vendor named this closely, with no rival as close, is the one meant
DESCRIPTION = 255


@dataclass
class Reading:
    """What a sentence comes to: the create body (when nothing is in doubt) and the words for it."""

    body: dict[str, Any] | None = None
    understood: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _vendor(written: str, reading: Reading) -> dict | None:
    found = queries.find_vendors(written, limit=3)
    exact = [v for v in found if v["name"].casefold() == written.casefold()]
    strong = [v for v in found if v["score"] >= SURE]
    if exact or len(strong) == 1:
        vendor = (exact or strong)[0]
        if not exact:
            reading.assumed.append(f"vendor *{escape(vendor['name'])}* for “{escape(written)}”")
        return vendor
    names = " or ".join(f"*{escape(v['name'])}*" for v in found[:3])
    reading.problems.append(f"no vendor is called “{escape(written)}”" + (f" — did you mean {names}?" if names else ""))
    return None


def _sku(line: ParsedLine, number: int, reading: Reading) -> dict | None:
    found = queries.find_skus(line.item, limit=3)
    wanted = line.item.casefold()
    exact = [s for s in found if wanted in (s["code"].casefold(), s["name"].casefold())]
    if exact:
        return exact[0]
    codes = " or ".join(f"`{escape(s['code'])}`" for s in found[:3])
    reading.problems.append(
        f"line {number}: no SKU “{escape(clip(line.item, 80))}”" + (f" — did you mean {codes}?" if codes else "")
        + f' (for a free-text two-way line, quote it: {quantity(line.quantity, Reader())} x "{escape(clip(line.item, 40))}" @ …)')
    return None


def _identifier(name: str, taken: set[str]) -> str:
    candidate, n = clip(name, DESCRIPTION), 2
    while candidate.casefold() in taken:
        candidate, n = f"{clip(name, DESCRIPTION - 6)} ({n})", n + 1
    taken.add(candidate.casefold())
    return candidate


def _line(line: ParsedLine, number: int, currency: str, reader: Reader, reading: Reading, taken: set[str]) -> dict | None:
    sku = None if line.quoted else _sku(line, number, reading)
    if not line.quoted and sku is None:
        return None
    rate = line.rate
    if rate is None and sku and sku["default_rate"] is not None:
        rate = sku["default_rate"]
        reading.assumed.append(f"line {number}: the rate {money(rate, currency, reader)}, {escape(sku['code'])}'s usual rate")
    item = {"identifier": _identifier(sku["name"] if sku else line.item, taken), "quantity": line.quantity,
            "rate": rate if rate is not None else Decimal(0)}
    if sku:
        item["sku_code"] = sku["code"]
    shown = f"`{escape(sku['code'])}`" if sku else f"“{escape(clip(line.item, 80))}”"
    price = f" @ {money(rate, currency, reader)}" if rate is not None else " (no rate yet)"
    reading.understood.append(f"{quantity(line.quantity, reader)} × {shown}{price}")
    return item


def read_sentence(parsed: NewPo, reader: Reader) -> Reading:
    """Resolve a parsed sentence against podesk's vendors and SKUs (no writes)."""
    reading = Reading(problems=[escape(p) for p in parsed.problems])
    vendor = _vendor(parsed.vendor, reading) if parsed.vendor else None
    if vendor:
        reading.understood[:0] = [f"vendor *{escape(vendor['name'])}*"]
    currency = parsed.currency or (vendor or {}).get("currency") or queries.settings()["base_currency"]
    taken: set[str] = set()
    items = [made for n, line in enumerate(parsed.lines, start=1)
             if (made := _line(line, n, currency, reader, reading, taken)) is not None]
    if reading.problems or not items or vendor is None:
        return reading
    two_way = any(line.quoted for line in parsed.lines)
    if two_way:
        reading.assumed.append("two-way matching, for the free-text lines")
    summary = ", ".join(f"{quantity(l.quantity, Reader())} x {l.item}" for l in parsed.lines)
    reading.assumed.append("the description from your lines")
    reading.body = {
        "vendor_id": vendor["id"], "po_type": "goods" if any(not l.quoted for l in parsed.lines) else "services",
        "matching": "two_way" if two_way else "three_way", "description": clip(summary, DESCRIPTION), "line_items": items,
    }
    if parsed.currency:
        reading.body["currency"] = parsed.currency
    return reading
