"""The state behind the Slack stand-in: one workspace with users, DMs, messages and views, answering
Web API methods the way Slack does (the same field names, ids and error codes)."""
from __future__ import annotations

import itertools
import json

TEAM_ID = "T0PODESK"
TEAM_DOMAIN = "podesk-test"
APP_ID = "A0PODESK"
BOT_USER_ID = "U0PODESKBOT"
BOT_ID = "B0PODESK"
SCOPES = "commands,chat:write,im:write,users:read,users:read.email,app_mentions:read,im:history"

# Slack accepts these as JSON strings in form-encoded calls; decoding them lets a test read a
# message the same way whichever encoding the client chose.
JSON_FIELDS = ("blocks", "attachments", "view", "metadata")


def decode_json_fields(params: dict) -> dict:
    """Decode the fields Slack reads as JSON when they arrive as strings (form-encoded calls)."""
    out = dict(params)
    for name in JSON_FIELDS:
        if isinstance(out.get(name), str) and out[name][:1] in "[{":
            out[name] = json.loads(out[name])
    return out


# Block Kit's limits, refused the way Slack refuses them. Written here, apart from the bot's own
# checker (bot/blocks/limits.py), so that a mistake there cannot hide the same mistake here.
MESSAGE_BLOCKS, VIEW_BLOCKS, SECTION_TEXT, STATIC_OPTIONS = 50, 100, 3000, 100


def _elements(block: dict) -> list[dict]:
    inner = [block.get("accessory"), block.get("element")] + list(block.get("elements") or [])
    return [e for e in inner if isinstance(e, dict)]


def block_kit_errors(blocks: list | None, most: int) -> list[str]:
    """What Slack says about blocks breaking its limits (`most` blocks: 50 a message, 100 a view)."""
    blocks = blocks or []
    errors = [f"[ERROR] no more than {most} items allowed [json-pointer:/blocks]"] if len(blocks) > most else []
    for i, block in enumerate(blocks):
        text = block.get("text") if block.get("type") == "section" else None
        if isinstance(text, dict) and len(text.get("text") or "") > SECTION_TEXT:
            errors.append(f"[ERROR] must be less than {SECTION_TEXT + 1} characters [json-pointer:/blocks/{i}/text]")
        for element in _elements(block):
            options = list(element.get("options") or []) + [o for g in element.get("option_groups") or [] for o in g.get("options") or []]
            if len(options) > STATIC_OPTIONS:
                errors.append(f"[ERROR] no more than {STATIC_OPTIONS} items allowed [json-pointer:/blocks/{i}/element/options]")
    return errors


class SlackError(Exception):
    """A method answered `{"ok": false, "error": code}` (with Slack's messages saying why, if any)."""

    def __init__(self, code: str, messages: list[str] | None = None):
        super().__init__(code)
        self.code, self.messages = code, messages or []


class Workspace:
    """What Slack knows: users, DM channels, posted messages, open views and Home tabs."""

    def __init__(self):
        self.users: dict[str, dict] = {}
        self.dms: dict[str, str] = {}
        self.messages: dict[tuple[str, str], dict] = {}
        self.views: dict[str, dict] = {}
        self.homes: dict[str, dict] = {}
        self.used_triggers: set[str] = set()
        self._ts = itertools.count(1_700_000_000_000_100, 100)  # microseconds, like Slack's ts
        self._ids = itertools.count(1)

    # -- setting up -----------------------------------------------------------------------------
    def add_user(self, user_id, *, email=None, name=None, tz="Europe/Berlin", tz_offset=3600,
                 locale="en-US", is_bot=False, deleted=False) -> dict:
        """Register a person users.info / users.lookupByEmail will know."""
        name = name or user_id.lower()
        self.users[user_id] = {
            "id": user_id, "team_id": TEAM_ID, "name": name, "real_name": name.title(),
            "deleted": deleted, "is_bot": is_bot, "tz": tz, "tz_label": tz, "tz_offset": tz_offset,
            "locale": locale,
            "profile": {"email": email, "real_name": name.title(), "display_name": name},
        }
        return self.users[user_id]

    def dm_channel(self, user_id: str) -> str:
        """The DM channel between the bot and this user (opened on first use, then stable)."""
        if user_id not in self.dms:
            self.dms[user_id] = f"D{next(self._ids):08d}"
        return self.dms[user_id]

    def next_ts(self) -> str:
        value = next(self._ts)
        return f"{value // 1_000_000}.{value % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    # -- answering ------------------------------------------------------------------------------
    def answer(self, method: str, params: dict) -> dict:
        """The JSON body Slack answers `method` with; raises SlackError for `ok: false`."""
        handler = getattr(self, "m_" + method.replace(".", "_"), None)
        return {"ok": True, **(handler(params) if handler else {})}

    def m_auth_test(self, p):
        return {"url": f"https://{TEAM_DOMAIN}.slack.com/", "team": "podesk test", "user": "podesk",
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID,
                "is_enterprise_install": False}

    def _channel(self, p) -> str:
        channel = p.get("channel")
        if not channel:
            raise SlackError("channel_not_found")
        # Posting to a user id lands in that user's DM with the app, as in Slack.
        return self.dm_channel(channel) if channel[0] in "UW" else channel

    def _message(self, p, ts) -> dict:
        if not (p.get("text") or p.get("blocks") or p.get("attachments")):
            raise SlackError("no_text")
        if errors := block_kit_errors(p.get("blocks"), MESSAGE_BLOCKS):
            raise SlackError("invalid_blocks", errors)
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID,
                   "text": p.get("text", ""), "ts": ts, "team": TEAM_ID}
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if p.get(key):
                message[key] = p[key]
        return message

    def m_chat_postMessage(self, p):
        channel, ts = self._channel(p), self.next_ts()
        message = self._message(p, ts)
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": message}

    def m_chat_update(self, p):
        channel, ts = self._channel(p), p.get("ts", "")
        if (channel, ts) not in self.messages:
            raise SlackError("message_not_found")
        message = {**self._message(p, ts), "edited": {"user": BOT_USER_ID, "ts": self.next_ts()}}
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def m_chat_delete(self, p):
        channel, ts = self._channel(p), p.get("ts", "")
        if self.messages.pop((channel, ts), None) is None:
            raise SlackError("message_not_found")
        return {"channel": channel, "ts": ts}

    def m_chat_postEphemeral(self, p):
        self._channel(p)
        if p.get("user") not in self.users:
            raise SlackError("user_not_in_channel")
        self._message(p, "")
        return {"message_ts": self.next_ts()}

    def m_conversations_open(self, p):
        if p.get("channel"):
            return {"channel": {"id": p["channel"]}}
        users = [u for u in str(p.get("users", "")).split(",") if u]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 1:
            return {"channel": {"id": self._new_id("G")}}
        already = users[0] in self.dms
        return {"no_op": already, "already_open": already, "channel": {"id": self.dm_channel(users[0])}}

    def _public_user(self, user: dict, include_locale) -> dict:
        # Slack leaves out `locale` unless the caller asks for it with include_locale=true.
        return user if include_locale in (True, "true", "1", 1) else {
            k: v for k, v in user.items() if k != "locale"}

    def m_users_info(self, p):
        user = self.users.get(p.get("user", ""))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": self._public_user(user, p.get("include_locale"))}

    def m_users_lookupByEmail(self, p):
        email = str(p.get("email", "")).lower()
        for user in self.users.values():
            if (user["profile"].get("email") or "").lower() == email:
                return {"user": self._public_user(user, False)}
        raise SlackError("users_not_found")

    def _view(self, p, view_id, **extra) -> dict:
        view = p.get("view")
        if not isinstance(view, dict) or "type" not in view:
            raise SlackError("invalid_arguments")
        if errors := block_kit_errors(view.get("blocks"), VIEW_BLOCKS):
            raise SlackError("invalid_arguments", errors)
        return {"id": view_id, "team_id": TEAM_ID, "app_id": APP_ID, "bot_id": BOT_ID,
                "state": {"values": {}}, "hash": f"{self.next_ts()}.h", "private_metadata": "",
                "callback_id": "", "external_id": "", "previous_view_id": None,
                "root_view_id": view_id, **view, **extra}

    def _take_trigger(self, p):
        trigger = p.get("trigger_id")
        if not trigger:
            raise SlackError("invalid_arguments")
        if trigger in self.used_triggers:  # a trigger_id opens one view, once
            raise SlackError("exchanged_trigger_id")
        self.used_triggers.add(trigger)

    def m_views_open(self, p):
        self._take_trigger(p)
        view_id = self._new_id("V")
        self.views[view_id] = self._view(p, view_id)
        return {"view": self.views[view_id]}

    def m_views_push(self, p):
        self._take_trigger(p)
        view_id = self._new_id("V")
        self.views[view_id] = self._view(p, view_id)
        return {"view": self.views[view_id]}

    def m_views_update(self, p):
        view_id = p.get("view_id") or next(
            (v["id"] for v in self.views.values() if v["external_id"] == p.get("external_id")), None)
        if view_id not in self.views:
            raise SlackError("not_found")
        old = self.views[view_id]
        self.views[view_id] = self._view(p, view_id, root_view_id=old["root_view_id"],
                                         previous_view_id=old["previous_view_id"])
        return {"view": self.views[view_id]}

    def m_views_publish(self, p):
        user_id = p.get("user_id", "")
        if user_id not in self.users:
            raise SlackError("user_not_found")
        view_id = self.homes.get(user_id, {}).get("id") or self._new_id("V")
        self.homes[user_id] = self._view(p, view_id)
        return {"view": self.homes[user_id]}
