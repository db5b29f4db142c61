"""The pages a PO is drawn on: A4, a running header after page 1, "Page N of M" at the foot."""
from __future__ import annotations

from typing import Any

from fpdf import FPDF

from core.documents.fonts import BASE_FAMILY, drawable

MARGIN = 15
FOOT_MARGIN = 18
GREY = (90, 90, 90)
BLACK = (0, 0, 0)
RULE = (170, 170, 170)
TOTAL_PAGES = "{nb}"
# Scripts whose letters join, reorder or combine (Hebrew to Thaana, the Indic scripts, Thai's
# stacked vowel and tone marks, Vedic marks, Devanagari extended): drawn one glyph per
# character, they come out wrong.
SHAPED_SCRIPTS = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0E00, 0x0E7F), (0x1CD0, 0x1CFF), (0xA8E0, 0xA8FF))


class PoPages(FPDF):
    """An FPDF whose header and footer know the PO, shaping only the text whose script needs it."""

    def __init__(self, running_title: str, footer_text: str, missing: frozenset[str] = frozenset()) -> None:
        self.missing = missing  # characters no shipped font has (fonts.uncovered): drawn as REPLACEMENT
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.footer_text = footer_text
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=FOOT_MARGIN)
        self.alias_nb_pages(None)

    def header(self) -> None:
        """Later pages repeat who and which PO, small, above the table's repeated heading."""
        # Text the vendor or a requester typed may contain "{nb}": only the footer may have it
        # replaced by the page count, so the alias is on from the footer to the next header.
        self.str_alias_nb_pages = None
        if self.page_no() == 1:
            return
        self.set_font(BASE_FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.shape_for(self.running_title)
        self.multi_cell(0, 4, self.running_title, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.y + 1, self.w - self.r_margin, self.y + 1)
        self.set_y(self.y + 4)
        self.set_text_color(*BLACK)

    def footer(self) -> None:
        """The PO number on the left, "Page N of M" on the right."""
        self.set_y(-MARGIN + 2)
        self.set_font(BASE_FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(self.epw / 2, 5, self.footer_text, align="L")
        self.alias_nb_pages(TOTAL_PAGES, align="L")
        self.cell(self.epw / 2, 5, f"Page {self.page_no()} of {TOTAL_PAGES}", align="R")
        self.set_text_color(*BLACK)

    def normalize_text(self, text: str) -> str:
        # Every string fpdf2 draws or measures passes here: a character no font has would be
        # dropped from the page without a trace; it is drawn as the replacement mark instead.
        return super().normalize_text(drawable(text, self.missing))

    @staticmethod
    def needs_shaping(text: str) -> bool:
        """True if `text` has letters that join, reorder or combine."""
        return any(start <= ord(char) <= end for char in text for start, end in SHAPED_SCRIPTS)

    def shape_for(self, text: str) -> None:
        """Shape the next text with HarfBuzz if its script needs it (slow, so only then)."""
        wanted = self.needs_shaping(text)
        if wanted != bool(self.text_shaping):
            self.set_text_shaping(wanted)

    def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> Any:
        # fpdf2 2.8.9 bug (py-pdf/fpdf2#1772): when the first text after a font change starts
        # with a fallback-font glyph, the base font is only set inside a q/Q block, and the
        # following lines are drawn with no font (blank in viewers). Setting it outside first
        # keeps every later line's font right.
        if self.page and not self.current_font_is_set_on_page and self.current_font is not None:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        return super()._render_styled_text_line(*args, **kwargs)
