"""Read what people type to podesk in Slack: the `/po` command, mentions and DMs.

Pure: text in, a frozen command value out; no database, no Slack, no I/O. Vendor, SKU and PO
numbers come back as written; the bot resolves them later with core's queries. Words are matched
case-insensitively; Slack's escapes (&amp; &lt; &gt;) are undone first.

`/po` (parse_command):
    ""  | help                        → Help()
    new                               → New()                 the modal
    new PO for Acme: 10 x BOLT @ 4.5  → NewPo(...)            the sentence, see bot/sentence.py
    PO-00042 | show PO-00042          → Show("PO-00042")      one word with a digit is a PO number
    list [mine | pending | exceptions] → List(scope)          mine when no scope is given
    receive PO-00042                  → Receive("PO-00042")
    dashboard                         → Dashboard()
    anything else                     → Unknown(text, suggestion, usage)
        `recieve PO-1` → suggestion "receive"; `pending` → "list pending"; `show` → usage "show PO-00042"

A PO number is kept exactly as typed (`po-00042` stays lower-case): the bot looks it up, and offers
the closest numbers (closest() works for those too) when there is none. Suggestions for unknown
text come from closest() on its first word, then its first two words (`my pso` → "my POs").

Mentions and DMs (parse_message): leading <@U123ABC> mentions are dropped and a trailing ? ! or .
is ignored; everything above works, and also:
    status PO-00042 | status of PO-00042 | PO-00042?   → Show("PO-00042")
    pending                                            → List("pending")
    my POs | mine                                      → List("mine")
    exceptions                                         → List("exceptions")

The new-PO sentence, in both:
    new PO for Acme Tools: 10 x BOLT-M8 @ 4.50, 20 x NUT-M8 @ 0.80
    new PO from "Acme Tools, Inc.": 2 x "Network audit day" @ ₹25,000; 1,000 x Steel bolt M8 at 4.50
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Literal, Mapping

from rapidfuzz import fuzz, process, utils

from bot.sentence import MAX_LENGTH, NewPo, ParsedLine, parse_new_po

__all__ = [
    "Command", "Dashboard", "Help", "List", "New", "NewPo", "ParsedLine", "Receive", "Scope", "Show",
    "Unknown", "closest", "parse_command", "parse_message",
]

Scope = Literal["mine", "pending", "exceptions"]


@dataclass(frozen=True)
class Help:
    """Show what podesk understands."""


@dataclass(frozen=True)
class New:
    """Open the "New purchase order" modal."""


@dataclass(frozen=True)
class Show:
    """Show one PO's card."""

    po_number: str


@dataclass(frozen=True)
class List:
    """List up to 10 POs: the user's own, those pending approval, or those with exceptions."""

    scope: Scope = "mine"


@dataclass(frozen=True)
class Receive:
    """Open the receipt modal for a PO."""

    po_number: str


@dataclass(frozen=True)
class Dashboard:
    """Send a one-time sign-in link to the dashboard."""


@dataclass(frozen=True)
class Unknown:
    """Text podesk did not understand, with the closest command (`receive`) and/or its usage."""

    text: str
    suggestion: str | None
    usage: str | None = None


Command = Help | New | Show | List | Receive | Dashboard | NewPo | Unknown

_SCOPES: dict[str, Scope] = {
    "mine": "mine", "my": "mine", "my po": "mine", "my pos": "mine", "my purchase orders": "mine",
    "pending": "pending", "exceptions": "exceptions", "exception": "exceptions",
}
_BARE_NEW = {"new", "new po", "new purchase order", "new order"}
_PO_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.#-]{0,49}")
_MENTIONS = re.compile(r"\s*(?:<@[A-Z0-9]+(?:\|[^>]*)?>[\s:,]*)+")
_STATUS = re.compile(r"(?:status|show)(?:\s+(?:of|for))?\s+(?P<po>\S+)", re.I)
_UNKNOWN_TEXT_LIMIT = 200

# The words each face knows, and what to suggest for a word close to them.
_COMMAND_WORDS = {w: w for w in ("help", "new", "show", "list", "receive", "dashboard")}
_SLASH_WORDS = {**_COMMAND_WORDS, "status": "show", "pending": "list pending", "mine": "list mine",
                "exceptions": "list exceptions"}
_MESSAGE_WORDS = {**_COMMAND_WORDS, "status": "status", "pending": "pending", "mine": "mine",
                  "my POs": "my POs", "exceptions": "exceptions"}
_USAGE = {"show": "show PO-00042", "status": "status PO-00042", "receive": "receive PO-00042",
          "list": "list mine | list pending | list exceptions"}


def closest(word: str, choices: Iterable[str], *, cutoff: float = 75, limit: int = 3) -> list[str]:
    """The choices most like `word` (case-insensitive rapidfuzz ratio ≥ cutoff), best first."""
    if not word.strip():
        return []
    matches = process.extract(word, list(choices), scorer=fuzz.ratio, processor=utils.default_process,
                              score_cutoff=cutoff, limit=limit)
    return [choice for choice, _score, _index in matches]


def _unescape(text: str) -> str:
    # Slack escapes exactly these three in the text it sends.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _is_po_number(word: str) -> bool:
    return bool(_PO_NUMBER.fullmatch(word)) and any(c.isdigit() for c in word)


def _suggest(text: str, vocabulary: Mapping[str, str]) -> str | None:
    words = text.split()
    for candidate in (words[:1], words[:2]):
        if candidate:
            found = closest(" ".join(candidate), vocabulary)
            if found:
                return vocabulary[found[0]]
    return None


def _unknown(text: str, suggestion: str | None, usage: str | None = None) -> Unknown:
    # The text is echoed back to the user; a page of it helps nobody.
    shown = text if len(text) <= _UNKNOWN_TEXT_LIMIT else text[:_UNKNOWN_TEXT_LIMIT] + "…"
    return Unknown(shown, suggestion, usage)


def _po_command(head: str, args: list[str], text: str) -> Command:
    if len(args) == 1 and _is_po_number(args[0]):
        return Receive(args[0]) if head == "receive" else Show(args[0])
    return _unknown(text, None, _USAGE[head])


def _list(args: list[str], text: str) -> Command:
    scope = " ".join(args).lower()
    if not scope:
        return List()
    if scope in _SCOPES:
        return List(_SCOPES[scope])
    found = closest(scope, _SCOPES)
    suggestion = f"list {_SCOPES[found[0]]}" if found else None
    return _unknown(text, suggestion, _USAGE["list"])


def _parse_words(text: str, *, message: bool) -> Command:
    """The grammar both faces share: help, new, show, list, receive, dashboard, a PO number."""
    words = text.split()
    if not words:
        return Help()
    head, args = words[0].lower(), words[1:]
    if head == "help":
        return Help()
    if head == "new":
        return New() if " ".join(words).lower().rstrip("?!.") in _BARE_NEW else parse_new_po(text)
    if head in ("show", "receive") or (head == "status" and message):
        return _po_command(head, args, text)
    if head == "list":
        return _list(args, text)
    if head == "dashboard" and not args:
        return Dashboard()
    if not args and _is_po_number(words[0]):
        return Show(words[0])
    vocabulary = _MESSAGE_WORDS if message else _SLASH_WORDS
    return _unknown(text, _suggest(text[:_UNKNOWN_TEXT_LIMIT], vocabulary))


def parse_command(text: str) -> Command:
    """The `/po` command from the text after `/po`."""
    return _parse_words(_unescape(text).strip(), message=False)


def parse_message(text: str) -> Command:
    """A mention or DM, such as `<@U123ABC> status PO-00042` or `new PO for Acme: 10 x BOLT @ 4`."""
    mentions = _MENTIONS.match(text)
    body = _unescape(text[mentions.end():] if mentions else text).strip()
    # The sentence keeps its punctuation (a vendor may end in "Inc."); long text goes there too.
    if body[:3].lower() == "new" or len(body) > MAX_LENGTH:
        return _parse_words(body, message=True)
    body = body.rstrip("?!. \t\n")
    status = _STATUS.fullmatch(body)
    if status and _is_po_number(status["po"]):
        return Show(status["po"])
    scope = _SCOPES.get(" ".join(body.lower().split()))
    if scope is not None:
        return List(scope)
    return _parse_words(body, message=True)
