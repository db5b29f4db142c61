"""The line table: wrapped cells, rows that never split, and the heading on every page."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from core.documents.fonts import BASE_FAMILY, drawable
from core.documents.page import RULE, PoPages

SIZE = 8  # pt
LINE = 3.7  # mm between baselines
PAD_X = 1.2
PAD_Y = 1.1
HEADING_FILL = (232, 232, 232)
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class Column:
    heading: str
    width: float  # mm
    align: str  # "L" or "R"


@dataclass(frozen=True)
class _Line:
    text: str
    width: float  # mm
    plain: bool  # DejaVu has every glyph and nothing needs shaping: drawn the fast way


@dataclass(frozen=True)
class _Cell:
    text: str
    lines: tuple[_Line, ...] | None  # None: fpdf2 wraps and draws it (long shaped text)
    height: float


class _Metrics:
    """Glyph advances for the table's font, taken from the fallback font where DejaVu has none."""

    def __init__(self, pdf: PoPages, style: str) -> None:
        pdf.set_font(BASE_FAMILY, style, SIZE)
        self.style = style
        self.base = pdf.current_font
        # Every other font added is a fallback, in the order fpdf2 tries them; it prefers the
        # face of the same weight.
        others = [font for key, font in pdf.fonts.items() if not key.startswith(BASE_FAMILY)]
        self.fallbacks = sorted(others, key=lambda font: font.emphasis != self.base.emphasis)
        self.scale = SIZE / 1000 / pdf.k  # font units (thousandths of the size) to mm
        self.missing = pdf.missing

    def in_base(self, text: str) -> bool:
        cmap = self.base.cmap
        return all(ord(char) in cmap for char in text)

    def width(self, text: str) -> float:
        """The width of unshaped `text` in thousandths of the font size, as it will be drawn."""
        base_cmap, base_widths, total = self.base.cmap, self.base.cw, 0.0
        for char in drawable(text, self.missing):
            code = ord(char)
            font = self.base if code in base_cmap else next((f for f in self.fallbacks if code in f.cmap), self.base)
            total += base_widths[code] if font is self.base else font.cw[code]
        return total


def draw_table(pdf: PoPages, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    """Draw `rows` under the headings; a row that would cross the page foot starts the next page."""
    headings = _layout_row(pdf, columns, [column.heading for column in columns], _Metrics(pdf, "B"))
    metrics = _Metrics(pdf, "")
    for index, row in enumerate(rows):
        cells = _layout_row(pdf, columns, row, metrics)
        # The heading never stands alone at the foot of a page.
        needed = _height(cells) + (_height(headings) if index == 0 else 0)
        if pdf.y + needed > pdf.page_break_trigger:
            pdf.add_page()
            _draw_row(pdf, columns, headings, "B")
        elif index == 0:
            _draw_row(pdf, columns, headings, "B")
        _draw_row(pdf, columns, cells, "")
    if not rows:
        _draw_row(pdf, columns, headings, "B")


def _height(cells: Sequence[_Cell]) -> float:
    return max(cell.height for cell in cells) + 2 * PAD_Y


def _layout_row(pdf: PoPages, columns: Sequence[Column], texts: Sequence[str], metrics: _Metrics) -> list[_Cell]:
    pdf.set_font(BASE_FAMILY, metrics.style, SIZE)
    return [_layout_cell(pdf, text, column.width - 2 * PAD_X, metrics) for column, text in zip(columns, texts)]


def _layout_cell(pdf: PoPages, text: str, width: float, metrics: _Metrics) -> _Cell:
    if pdf.needs_shaping(text):
        # HarfBuzz decides these widths; fpdf2 wraps only what does not fit on one line (slow).
        pdf.shape_for(text)
        single = pdf.get_string_width(text)
        if "\n" not in text and single <= width:
            return _Cell(text, (_Line(text, single, plain=False),), LINE)
        return _Cell(text, None, pdf.multi_cell(width, LINE, text, dry_run=True, output="HEIGHT"))
    lines = tuple(
        _Line(line, metrics.width(line) * metrics.scale, metrics.in_base(line))
        for line in _wrap(text, width / metrics.scale, metrics.width)
    )
    return _Cell(text, lines, len(lines) * LINE)


def _wrap(text: str, limit: float, measure) -> list[str]:
    space = measure(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in _WORDS.findall(paragraph):
            size = measure(word)
            if line and used + space + size <= limit:
                line, used = f"{line} {word}", used + space + size
                continue
            if line:
                lines.append(line)
            while size > limit and len(word) > 1:  # a word wider than the column breaks anywhere
                cut = _fitting_prefix(word, limit, measure)
                lines.append(word[:cut])
                word = word[cut:]
                size = measure(word)
            line, used = word, size
        lines.append(line)
    return lines


def _fitting_prefix(word: str, limit: float, measure) -> int:
    used = 0.0
    for index, char in enumerate(word):
        used += measure(char)
        if used > limit:
            return max(index, 1)
    return len(word)


def _draw_row(pdf: PoPages, columns: Sequence[Column], cells: Sequence[_Cell], style: str) -> None:
    top, height = pdf.y, _height(cells)
    if style:
        pdf.set_fill_color(*HEADING_FILL)
        pdf.rect(pdf.l_margin, top, sum(column.width for column in columns), height, style="F")
        pdf.set_fill_color(0)  # the text colour: text() then needs no q/Q of its own
    pdf.set_font(BASE_FAMILY, style, SIZE)
    x = pdf.l_margin
    for column, cell in zip(columns, cells):
        _draw_cell(pdf, column, cell, x, top + PAD_Y)
        x += column.width
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, top + height, x, top + height)
    pdf.set_xy(pdf.l_margin, top + height)


def _draw_cell(pdf: PoPages, column: Column, cell: _Cell, x: float, top: float) -> None:
    inner = column.width - 2 * PAD_X
    if cell.lines is None:
        pdf.shape_for(cell.text)
        pdf.set_xy(x + PAD_X, top)
        pdf.multi_cell(inner, LINE, cell.text, align=column.align, padding=0)
        return
    # text() is ten times quicker than cell(), and puts the baseline where cell() would.
    baseline = top + 0.5 * LINE + 0.3 * pdf.font_size
    for number, line in enumerate(cell.lines):
        if line.plain:
            left = x + column.width - PAD_X - line.width if column.align == "R" else x + PAD_X
            pdf.text(left, baseline + number * LINE, line.text)
        else:
            pdf.shape_for(line.text)
            pdf.set_xy(x + PAD_X, top + number * LINE)
            pdf.cell(inner, LINE, line.text, align=column.align)
