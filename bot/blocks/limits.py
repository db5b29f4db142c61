"""Slack's Block Kit limits, checked: what a builder must never exceed (docs.slack.dev, Block Kit
reference). `message_problems` / `view_problems` return each breach in words; empty means it fits."""
from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS, VIEW_BLOCKS = 50, 100
SECTION_TEXT, FIELD_TEXT, FIELDS = 3000, 2000, 10
CONTEXT_ELEMENTS, ACTION_ELEMENTS = 10, 25
BUTTON_TEXT, BUTTON_VALUE, URL = 75, 2000, 3000
OPTION_TEXT, OPTION_VALUE, STATIC_OPTIONS = 75, 150, 100
LABEL, HINT, PLACEHOLDER = 2000, 2000, 150
ID = 255
TITLE, VIEW_BUTTON, PRIVATE_METADATA = 24, 24, 3000
MESSAGE_TEXT = 40000


def _text(value: Any) -> str:
    return value.get("text", "") if isinstance(value, dict) else str(value or "")


def _element(element: dict, where: str, problems: list[str]) -> None:
    kind = element.get("type")
    if len(element.get("action_id", "")) > ID:
        problems.append(f"{where}: action_id longer than {ID}")
    if kind == "button":
        if len(_text(element.get("text"))) > BUTTON_TEXT:
            problems.append(f"{where}: button text longer than {BUTTON_TEXT}")
        if len(element.get("value", "")) > BUTTON_VALUE:
            problems.append(f"{where}: button value longer than {BUTTON_VALUE}")
        if len(element.get("url", "")) > URL:
            problems.append(f"{where}: button url longer than {URL}")
    if len(_text(element.get("placeholder"))) > PLACEHOLDER:
        problems.append(f"{where}: placeholder longer than {PLACEHOLDER}")
    options = element.get("options") or []
    if len(options) > STATIC_OPTIONS:
        problems.append(f"{where}: {len(options)} options (at most {STATIC_OPTIONS})")
    for option in options:
        if len(_text(option.get("text"))) > OPTION_TEXT or len(option.get("value", "")) > OPTION_VALUE:
            problems.append(f"{where}: an option's text or value is too long")


def _block(block: dict, where: str, problems: list[str]) -> None:
    kind = block.get("type")
    if len(block.get("block_id", "")) > ID:
        problems.append(f"{where}: block_id longer than {ID}")
    if kind == "section":
        if len(_text(block.get("text"))) > SECTION_TEXT:
            problems.append(f"{where}: section text longer than {SECTION_TEXT}")
        fields = block.get("fields") or []
        if len(fields) > FIELDS or any(len(_text(f)) > FIELD_TEXT for f in fields):
            problems.append(f"{where}: more than {FIELDS} fields or a field longer than {FIELD_TEXT}")
        if not _text(block.get("text")) and not fields:
            problems.append(f"{where}: a section needs text or fields")
    if kind == "context" and len(block.get("elements") or []) > CONTEXT_ELEMENTS:
        problems.append(f"{where}: more than {CONTEXT_ELEMENTS} context elements")
    if kind == "actions" and len(block.get("elements") or []) > ACTION_ELEMENTS:
        problems.append(f"{where}: more than {ACTION_ELEMENTS} action elements")
    if kind == "input":
        if len(_text(block.get("label"))) > LABEL or len(_text(block.get("hint"))) > HINT:
            problems.append(f"{where}: input label or hint too long")
    for element in (block.get("elements") or []) + [e for e in (block.get("accessory"), block.get("element")) if e]:
        if isinstance(element, dict):
            _element(element, where, problems)


def blocks_problems(blocks: list[dict], limit: int) -> list[str]:
    """Each breach of the limits in a list of blocks (at most `limit` of them, ids unique)."""
    problems = [f"{len(blocks)} blocks (at most {limit})"] if len(blocks) > limit else []
    ids = [b["block_id"] for b in blocks if b.get("block_id")]
    if len(ids) != len(set(ids)):
        problems.append("block_ids repeat")
    for i, block in enumerate(blocks):
        _block(block, f"block {i} ({block.get('type')})", problems)
    return problems


def message_problems(message: dict) -> list[str]:
    """Breaches in a message (`text` and `blocks`)."""
    problems = blocks_problems(message.get("blocks") or [], MESSAGE_BLOCKS)
    if len(message.get("text") or "") > MESSAGE_TEXT:
        problems.append(f"text longer than {MESSAGE_TEXT}")
    return problems


def view_problems(view: dict) -> list[str]:
    """Breaches in a modal or a Home tab."""
    problems = blocks_problems(view.get("blocks") or [], VIEW_BLOCKS)
    for key in ("title", "submit", "close"):
        if len(_text(view.get(key))) > (TITLE if key == "title" else VIEW_BUTTON):
            problems.append(f"{key} longer than {TITLE}")
    if len(view.get("private_metadata") or "") > PRIVATE_METADATA:
        problems.append(f"private_metadata longer than {PRIVATE_METADATA}")
    return problems
