"""When two line identifiers name the same thing: as invoice pairing reads them, not as typed."""
from __future__ import annotations

import unicodedata


def identifier_key(text: str) -> str:
    """`text` as lines are compared: invisible characters (zero-width spaces, soft hyphens, byte
    order marks: Unicode's format characters) removed, NFKC (full-width letters, ligatures),
    case-folded, whitespace runs as one space. "Bolt", "BOLT" and "Bolt\\u200b" share a key."""
    if text.isascii():  # the common case, and NFKC and format characters concern no ASCII
        return " ".join(text.casefold().split())
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    # NFKC again after folding: folding can undo a composition (NFKC_Casefold's order).
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", visible).casefold())
    return " ".join(folded.split())
