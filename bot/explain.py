"""Business errors in words for Slack: a private sentence, or errors on a modal's fields.

Core's errors carry their data (who decided, when, which level); the sentences are built from it,
never from parsing text. Problems point into the request body (RFC 6901), which each modal maps
onto its own block ids.
"""
from __future__ import annotations

from typing import Callable

from bot.blocks.card import missing_text
from bot.blocks.format import Reader, escape, moment, person
from core import queries
from core.errors import (
    AlreadyDecided,
    DomainError,
    IncompletePo,
    NoEligibleApprover,
    NotFound,
    NotYourApproval,
    PoNotOpen,
    RoleRequired,
    SelfApproval,
    SubmittedAgain,
)

MAX_PROBLEMS = 5


def _decider(user_id: int | None, name: str | None) -> str:
    found = queries.user(user_id) if user_id else None
    return person({"name": name, "slack_id": found.slack_id if found else None}) if (found or name) else "someone"


def decided_sentence(level: int, decision: str | None, by_id: int | None, by_name: str | None, at, reader: Reader) -> str:
    """`Nothing changed: level 1 was already approved by @priya at 3 Mar, 10:42 CET.`"""
    when = f" at {moment(at, reader)}" if at else ""
    return f"Nothing changed: level {level} was already {decision or 'decided'} by {_decider(by_id, by_name)}{when}."


def sentence(error: DomainError, reader: Reader) -> str:
    """What a person needs to read about `error` (one or a few sentences)."""
    if isinstance(error, AlreadyDecided):
        return decided_sentence(error.level, error.decision, error.decided_by_id, error.decided_by_name, error.decided_at, reader)
    if isinstance(error, SubmittedAgain):
        when = f" at {moment(error.submitted_at, reader)}" if error.submitted_at else ""
        return (f"Nothing changed: this button was for an earlier submission. {escape(error.po_number)} was submitted "
                f"again{when}; its approvers have a new request.")
    if isinstance(error, SelfApproval):
        return f"You raised {escape(error.po_number)}, so someone else must decide it. Nothing changed."
    if isinstance(error, NotYourApproval):
        names = ", ".join(escape(name) for _, name in error.approvers) or "nobody"
        return f"You are not an approver of level {error.level} of this PO (its approvers: {names}). Nothing changed."
    if isinstance(error, RoleRequired):
        return f"{escape(error.doing).capitalize()} needs the {error.needed} role in podesk; you are a {error.actual}. Ask an admin."
    if isinstance(error, IncompletePo):
        return "Not submitted yet. " + missing_text(error.submit_warnings)
    if isinstance(error, (NoEligibleApprover, PoNotOpen, NotFound)):
        return escape(error.detail[:1].upper() + error.detail[1:]) + "."
    details = [p.detail for p in error.problems[:MAX_PROBLEMS]]
    more = len(error.problems) - MAX_PROBLEMS
    text = "; ".join(escape(d) for d in details) + (f"; and {more} more" if more > 0 else "")
    return "That did not work: " + text + "."


def field_errors(error: DomainError, block_for: Callable[[str | None], str]) -> dict[str, str]:
    """{block id: message} for a modal's `response_action: errors` (several on one field joined)."""
    errors: dict[str, str] = {}
    for problem in error.problems:
        block = block_for(problem.pointer)
        message = problem.detail[:1].upper() + problem.detail[1:]
        errors[block] = f"{errors[block]} {message}" if block in errors else message
    return {block: text[:1000] for block, text in errors.items()}
