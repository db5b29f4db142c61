"""The JSON Slack sends an app: interactive payloads (block_actions, view_submission,
block_suggestion, shortcut) and Events API events (app_mention, message.im, app_home_opened),
with the fields bolt reads to route them and build its context.

Builders leave `response_url` as None where Slack would send one; `Signer.interactive` fills it.
"""
from __future__ import annotations

import itertools
import time
import uuid

from tests.bot.workspace import APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

_seq = itertools.count(1)


def trigger_id() -> str:
    """A fresh trigger_id in Slack's shape (usable once, by views.open or views.push)."""
    return f"{next(_seq)}.{int(time.time())}.{uuid.uuid4().hex}"


def event_ts() -> str:
    """A fresh, increasing message/event ts."""
    return f"{int(time.time())}.{next(_seq):06d}"


def _user(user_id: str) -> dict:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def _envelope(kind: str, user_id: str) -> dict:
    return {"type": kind, "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN}, "user": _user(user_id),
            "api_app_id": APP_ID, "token": "legacy-verification-token", "enterprise": None,
            "is_enterprise_install": False}


def element_state(kind: str, value, text: str | None = None) -> dict:
    """One input's entry in view.state.values, shaped as Slack shapes it for that element type."""
    if kind in ("static_select", "external_select", "radio_buttons"):
        option = {"text": {"type": "plain_text", "text": text or str(value)}, "value": value}
        return {"type": kind, "selected_option": option if value is not None else None}
    if kind == "checkboxes":
        return {"type": kind, "selected_options": [
            {"text": {"type": "plain_text", "text": str(v)}, "value": v} for v in value]}
    if kind == "datepicker":
        return {"type": kind, "selected_date": value}
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    return {"type": kind, "value": value}  # plain_text_input, number_input, email/url inputs


def view(callback_id: str, *, values: dict | None = None, view_id: str = "V00000001",
         private_metadata: str = "", blocks: list | None = None, external_id: str = "") -> dict:
    """A modal as Slack echoes it back: `values` is {block_id: {action_id: element_state(...)}}."""
    return {"id": view_id, "team_id": TEAM_ID, "type": "modal", "callback_id": callback_id,
            "private_metadata": private_metadata, "blocks": blocks or [], "external_id": external_id,
            "state": {"values": values or {}}, "hash": f"{int(time.time())}.abcdEFGH",
            "title": {"type": "plain_text", "text": "podesk"}, "previous_view_id": None,
            "root_view_id": view_id, "app_id": APP_ID, "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID}


def find_element(blocks: list, action_id: str) -> tuple[str, dict]:
    """The (block_id, element) carrying `action_id` in a message's or view's blocks."""
    for block in blocks:
        elements = block.get("elements", []) + ([block["accessory"]] if "accessory" in block else [])
        for element in elements + ([block["element"]] if "element" in block else []):
            if element.get("action_id") == action_id:
                return block.get("block_id", ""), element
    raise AssertionError(f"no element with action_id {action_id!r} in {blocks!r}")


def block_actions(user_id: str, action_id: str, *, message: dict | None = None,
                  channel_id: str | None = None, in_view: dict | None = None,
                  value: str | None = None, block_id: str | None = None,
                  response_url: str | None = None, ephemeral: bool = False) -> dict:
    """A click on `action_id` in a message (as the stand-in stored it, or an ephemeral one only its
    reader sees: the answer to a slash command) or in a view.

    The element's block_id, type and value are read from the message's or view's blocks unless given.
    """
    if (message is None) == (in_view is None):
        raise ValueError("a click happens either on a message or in a view")
    blocks = (message or in_view).get("blocks", [])
    element = {"type": "button"}
    if blocks and (block_id is None or value is None):
        found_block, element = find_element(blocks, action_id)
        block_id = found_block if block_id is None else block_id
        value = element.get("value") if value is None else value
    action = {"action_id": action_id, "block_id": block_id or "", "type": element.get("type", "button"),
              "value": value, "action_ts": event_ts()}
    if "text" in element:
        action["text"] = element["text"]
    payload = {**_envelope("block_actions", user_id), "trigger_id": trigger_id(), "actions": [action]}
    if in_view is not None:
        return {**payload, "container": {"type": "view", "view_id": in_view.get("id")}, "view": in_view}
    return {**payload, "container": {"type": "message", "message_ts": message["ts"],
                                     "channel_id": channel_id, "is_ephemeral": ephemeral},
            "channel": {"id": channel_id, "name": "directmessage"}, "message": message,
            "state": {"values": {}}, "response_url": response_url}


def view_submission(user_id: str, submitted: dict) -> dict:
    """The submit of a modal; `submitted` comes from `view(...)`."""
    return {**_envelope("view_submission", user_id), "trigger_id": trigger_id(), "view": submitted,
            "response_urls": []}


def block_suggestion(user_id: str, action_id: str, typed: str, *, block_id: str = "",
                     in_view: dict | None = None) -> dict:
    """The options request an external_select sends as the user types `typed`."""
    in_view = in_view or view("")
    return {**_envelope("block_suggestion", user_id), "action_id": action_id, "block_id": block_id,
            "value": typed, "container": {"type": "view", "view_id": in_view["id"]}, "view": in_view}


def shortcut(user_id: str, callback_id: str) -> dict:
    """A global shortcut (from the ⚡ menu or search)."""
    return {**_envelope("shortcut", user_id), "callback_id": callback_id, "trigger_id": trigger_id(),
            "action_ts": event_ts()}


def app_mention(user_id: str, text: str, *, channel_id: str = "C0GENERAL",
                thread_ts: str | None = None) -> dict:
    """`@podesk <text>` in a channel (the mention is written the way Slack writes it)."""
    ts = event_ts()
    event = {"type": "app_mention", "user": user_id, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
             "channel": channel_id, "event_ts": ts, "team": TEAM_ID}
    return {**event, "thread_ts": thread_ts} if thread_ts else event


def message_im(user_id: str, text: str, *, channel_id: str) -> dict:
    """A direct message to the app (the message.im event), in the app's DM `channel_id`."""
    ts = event_ts()
    return {"type": "message", "channel_type": "im", "user": user_id, "text": text, "ts": ts,
            "event_ts": ts, "channel": channel_id, "team": TEAM_ID,
            "client_msg_id": str(uuid.uuid4())}


def app_home_opened(user_id: str, *, channel_id: str = "D0HOME", tab: str = "home") -> dict:
    """The user opened the app's Home tab."""
    return {"type": "app_home_opened", "user": user_id, "channel": channel_id, "tab": tab,
            "event_ts": event_ts()}
