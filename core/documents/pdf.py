"""A purchase order as the vendor receives it: a PDF drawn from plain values, no database."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable

from babel.dates import format_date

from core.documents.fonts import BASE_FAMILY, REPLACEMENT, install_fonts, uncovered
from core.documents.page import BLACK, GREY, MARGIN, RULE, PoPages
from core.documents.table import Column, draw_table
from core.money import display_rate, format_money, plain

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfLine:
    line_no: int
    identifier: str
    sku_code: str | None
    quantity: Decimal
    rate: Decimal
    tax_rate: Decimal
    amount: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class PoDocument:
    company_name: str | None
    company_address: str | None
    po_number: str
    status: str
    po_date: dt.date
    delivery_date: dt.date | None
    vendor_name: str | None
    vendor_address: str | None
    vendor_email: str | None
    vendor_gstin: str | None
    gstin: str | None  # the PO's own GSTIN (ours)
    description: str | None
    payment_terms: str | None
    terms_and_conditions: str | None
    notes: str | None
    currency: str
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    lines: tuple[PdfLine, ...]
    requested_by: str | None = None


TITLE = "PURCHASE ORDER"
COLUMNS = (  # widths in mm add up to the 180 mm between the margins
    Column("No.", 9, "R"),
    Column("Item", 52, "L"),
    Column("SKU", 26, "L"),
    Column("Qty", 15, "R"),
    Column("Rate", 21, "R"),
    Column("Tax %", 12, "R"),
    Column("Tax", 21, "R"),
    Column("Amount", 24, "R"),
)
STATUS_WARNINGS = {  # a vendor may be shown a PO before or after it is a valid order
    "draft": "Draft — not an order yet",
    "pending_approval": "Awaiting approval — not an order yet",
    "rejected": "Rejected — not an order",
    "cancelled": "Cancelled — do not supply",
}
WARNING_RED = (170, 20, 20)
LINE_HEIGHT = 4.6
RIGHT_COLUMN = 72  # mm: the title and the order details beside our company and the vendor
GUTTER = 6
BAND_MIN_HEIGHT = 40  # mm: room for the right column's short values
TOTAL_LABEL = 26  # mm of the right column; the amount takes the rest


def render_po_pdf(doc: PoDocument, *, locale: str = "en_IN") -> bytes:
    """The PO as PDF bytes; the same document always gives the same bytes."""
    rows = [_row(line, doc.currency, locale) for line in doc.lines]
    text = _all_text(doc, rows, locale)
    missing = uncovered(text)
    if missing:
        log.warning("PO %s: no shipped font has %s; the PDF shows %s in their place", doc.po_number,
                    _listed(missing), REPLACEMENT)
    pdf = PoPages(
        running_title=" · ".join(filter(None, (doc.company_name, f"{TITLE.title()} {doc.po_number}"))),
        footer_text=f"{TITLE.title()} {doc.po_number}",
        missing=frozenset(missing),
    )
    install_fonts(pdf, text)
    pdf.set_title(f"{TITLE.title()} {doc.po_number}")
    pdf.set_creator("podesk")
    # The PO date stands in for "now", so rendering the same PO twice gives the same file.
    pdf.set_creation_date(dt.datetime.combine(doc.po_date, dt.time(), tzinfo=dt.timezone.utc))
    pdf.add_page()
    _side_by_side(pdf, lambda: _company(pdf, doc), lambda: _title(pdf, doc))
    _rule(pdf)
    _side_by_side(pdf, lambda: _vendor(pdf, doc), lambda: _details(pdf, doc, locale))
    _section(pdf, "Description", doc.description)
    pdf.ln(5)
    draw_table(pdf, COLUMNS, rows)
    _totals(pdf, doc, locale)
    _section(pdf, "Payment terms", doc.payment_terms)
    _section(pdf, "Terms and conditions", doc.terms_and_conditions)
    _section(pdf, "Notes", doc.notes)
    return bytes(pdf.output())


def _row(line: PdfLine, currency: str, locale: str) -> tuple[str, ...]:
    return (
        str(line.line_no),
        line.identifier,
        line.sku_code or "",
        str(plain(line.quantity)),
        str(display_rate(line.rate, currency)),
        f"{plain(line.tax_rate)}%",
        format_money(line.tax_amount, currency, locale),
        format_money(line.amount, currency, locale),
    )


def _all_text(doc: PoDocument, rows: Iterable[tuple[str, ...]], locale: str) -> str:
    # Every character drawn decides which fallback fonts are loaded.
    values = [str(value) for value in vars(doc).values() if isinstance(value, str)]
    money = [format_money(amount, doc.currency, locale) for amount in (doc.subtotal, doc.tax_total, doc.total)]
    dates = [_date(doc.po_date, locale), _date(doc.delivery_date, locale) or ""]
    return "".join(values + money + ["".join(row) for row in rows] + dates)


def _listed(chars: list[str], shown: int = 20) -> str:
    named = ", ".join(f"U+{ord(char):04X} {char!r}" for char in chars[:shown])
    return named + (f" and {len(chars) - shown} more" if len(chars) > shown else "")


def _date(value: dt.date | None, locale: str) -> str | None:
    return format_date(value, "medium", locale=locale) if value else None


def _side_by_side(pdf: PoPages, left: Callable[[], None], right: Callable[[], None]) -> None:
    # The right column holds short, bounded values and is drawn first; the left one holds
    # free text of any length and may run onto the next page, where the band then ends.
    if pdf.will_page_break(BAND_MIN_HEIGHT):
        pdf.add_page()
    top, page = pdf.y, pdf.page
    pdf.set_left_margin(pdf.w - MARGIN - RIGHT_COLUMN)
    pdf.set_xy(pdf.l_margin, top)
    right()
    right_bottom = pdf.y
    pdf.set_left_margin(MARGIN)
    pdf.set_right_margin(MARGIN + RIGHT_COLUMN + GUTTER)
    pdf.set_xy(MARGIN, top)
    left()
    pdf.set_right_margin(MARGIN)
    pdf.set_xy(MARGIN, max(pdf.y, right_bottom) if pdf.page == page else pdf.y)


def _text(pdf: PoPages, text: str | None, size: float = 9, style: str = "", color=BLACK) -> None:
    if not text:
        return
    pdf.set_font(BASE_FAMILY, style, size)
    pdf.set_text_color(*color)
    _write(pdf, 0, size * 0.5, text)
    pdf.set_text_color(*BLACK)


def _write(pdf: PoPages, width: float, height: float, text: str, align: str = "L") -> None:
    pdf.shape_for(text)
    pdf.multi_cell(width, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _company(pdf: PoPages, doc: PoDocument) -> None:
    _text(pdf, doc.company_name, 15, "B")
    pdf.ln(1)
    _text(pdf, doc.company_address, 9, color=GREY)


def _title(pdf: PoPages, doc: PoDocument) -> None:
    pdf.set_font(BASE_FAMILY, "B", 16)
    pdf.multi_cell(0, 8, TITLE, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(BASE_FAMILY, "B", 11)
    _write(pdf, 0, 6, doc.po_number, "R")
    warning = STATUS_WARNINGS.get(doc.status)
    if warning:
        pdf.set_font(BASE_FAMILY, "B", 8)
        pdf.set_text_color(*WARNING_RED)
        pdf.multi_cell(0, 4.5, warning, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*BLACK)


def _rule(pdf: PoPages) -> None:
    pdf.ln(3)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.ln(4)


def _heading(pdf: PoPages, text: str) -> None:
    _text(pdf, text.upper(), 7.5, "B", GREY)
    pdf.ln(0.8)


def _vendor(pdf: PoPages, doc: PoDocument) -> None:
    _heading(pdf, "Vendor")
    _text(pdf, doc.vendor_name or "—", 10.5, "B")
    pdf.ln(0.8)
    _text(pdf, doc.vendor_address)
    _text(pdf, doc.vendor_email)
    _text(pdf, doc.vendor_gstin and f"GSTIN {doc.vendor_gstin}")


def _details(pdf: PoPages, doc: PoDocument, locale: str) -> None:
    _heading(pdf, "Order details")
    pairs = (
        ("PO date", _date(doc.po_date, locale)),
        ("Delivery date", _date(doc.delivery_date, locale)),
        ("Status", doc.status.replace("_", " ").capitalize()),
        ("Currency", doc.currency),
        ("Our GSTIN", doc.gstin),
        ("Requested by", doc.requested_by),
    )
    for label, value in pairs:
        if not value:
            continue
        pdf.set_font(BASE_FAMILY, "", 8.5)
        pdf.set_text_color(*GREY)
        pdf.cell(28, LINE_HEIGHT, label)
        pdf.set_text_color(*BLACK)
        _write(pdf, 0, LINE_HEIGHT, value)


def _section(pdf: PoPages, title: str, text: str | None) -> None:
    if not text:
        return
    pdf.ln(4)
    if pdf.will_page_break(12):  # keep a heading with the first lines of its text
        pdf.add_page()
    _heading(pdf, title)
    _text(pdf, text)


def _totals(pdf: PoPages, doc: PoDocument, locale: str) -> None:
    lines = [
        ("Subtotal", format_money(doc.subtotal, doc.currency, locale), "", 9),
        ("Tax", format_money(doc.tax_total, doc.currency, locale), "", 9),
        (f"Total ({doc.currency})", format_money(doc.total, doc.currency, locale), "B", 10),
    ]
    pdf.ln(3)
    if pdf.will_page_break(len(lines) * 6):  # the totals stay together
        pdf.add_page()
    # An amount is never wrapped: a large one widens the block to the left.
    pdf.set_font(BASE_FAMILY, "B", 10)
    widest = max(_string_width(pdf, amount) for _, amount, _, _ in lines) + 2
    amount_width = max(RIGHT_COLUMN - TOTAL_LABEL, min(widest, pdf.epw - TOTAL_LABEL))
    left = pdf.w - pdf.r_margin - TOTAL_LABEL - amount_width
    for label, amount, style, size in lines:
        pdf.set_x(left)
        pdf.set_font(BASE_FAMILY, style, size)
        pdf.cell(TOTAL_LABEL, 6, label)
        _write(pdf, amount_width, 6, amount, "R")


def _string_width(pdf: PoPages, text: str) -> float:
    pdf.shape_for(text)
    return pdf.get_string_width(text)
