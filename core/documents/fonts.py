"""The fonts a PO is set in: DejaVu Sans, and fallbacks for the scripts DejaVu lacks."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

FONT_DIR = Path(__file__).with_name("fonts")  # shipped as package data; README.md there says whence
BASE_FAMILY = "dejavu"


@dataclass(frozen=True)
class Face:
    family: str
    style: str  # "" regular, "B" bold
    filename: str


BASE_FACES = (Face(BASE_FAMILY, "", "DejaVuSans.ttf"), Face(BASE_FAMILY, "B", "DejaVuSans-Bold.ttf"))

# Tried in this order for a character DejaVu lacks. Bold text falls back to a regular face
# when the fallback has no bold (Motoya L Cedar has one weight; the other Indic scripts and Thai
# are shipped in their regular weight only, to keep the package small).
FALLBACK_FACES = (
    (Face("notodeva", "", "NotoSansDevanagari-Regular.ttf"), Face("notodeva", "B", "NotoSansDevanagari-Bold.ttf")),
    *((Face(f"noto{script.lower()}", "", f"NotoSans{script}-Regular.ttf"),) for script in (
        "Bengali", "Gurmukhi", "Gujarati", "Oriya", "Tamil", "Telugu", "Kannada", "Malayalam", "Thai")),
    (Face("motoya", "", "MTLc3m.ttf"),),
)
# What is drawn instead of a character no shipped font has (Korean, Chinese-only hanzi, …):
# without it the character would vanish from the PDF without a trace.
REPLACEMENT = "\ufffd"


@lru_cache(maxsize=None)
def codepoints(filename: str) -> frozenset[int]:
    """The characters a shipped font file has glyphs for."""
    return frozenset(TTFont(FONT_DIR / filename, lazy=True).getBestCmap())


@lru_cache(maxsize=None)
def _covered() -> frozenset[int]:
    return frozenset().union(*(codepoints(faces[0].filename) for faces in (BASE_FACES, *FALLBACK_FACES)))


def uncovered(text: str) -> list[str]:
    """The characters of `text` that no shipped font can draw, in order of first appearance
    (control and invisible formatting characters, which draw nothing anyway, are never counted)."""
    covered = _covered()
    return [char for char in dict.fromkeys(text)
            if ord(char) not in covered and unicodedata.category(char) not in ("Cc", "Cf")]


def drawable(text: str, missing: frozenset[str] | set[str]) -> str:
    """`text` with each of the `missing` characters replaced: a space by a plain space, any other
    by REPLACEMENT, so the reader sees that something is not shown."""
    if not missing or missing.isdisjoint(text):
        return text
    return "".join((" " if char.isspace() else REPLACEMENT) if char in missing else char for char in text)


def fallbacks_for(text: str) -> tuple[tuple[Face, ...], ...]:
    """The fallback families holding a character of `text` that DejaVu Sans lacks."""
    missing = {ord(char) for char in set(text)} - codepoints(BASE_FACES[0].filename)
    if not missing:
        return ()
    return tuple(faces for faces in FALLBACK_FACES if not missing.isdisjoint(codepoints(faces[0].filename)))


def install_fonts(pdf: FPDF, text: str) -> None:
    """Add DejaVu Sans to `pdf`, and the fallbacks `text` needs (loading a font costs time)."""
    fallbacks = fallbacks_for(text)
    for face in BASE_FACES + tuple(face for faces in fallbacks for face in faces):
        pdf.add_font(face.family, face.style, FONT_DIR / face.filename)
    if fallbacks:
        pdf.set_fallback_fonts([faces[0].family for faces in fallbacks], exact_match=False)
