"""Acting in Slack against podesk: people with Slack ids, and the moves Slack makes for them
(a slash command, a click on a stored message, a form submitted, a mention, a DM)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable

from core import outbox, services, slack_bookkeeping
from core.operator import add_user
from tests.bot import payloads
from tests.bot.signing import SignedRequest, Signer
from tests.bot.standin import SlackStandIn
from tests.bot.workspace import MESSAGE_BLOCKS, VIEW_BLOCKS, block_kit_errors

SECRET, TOKEN = "podesk-signing-secret", "xoxb-podesk-test"


@dataclass
class Cast:
    asha: Any
    ravi: Any
    priya: Any
    omar: Any
    vera: Any
    acme: Any
    skus: dict


PEOPLE = (("asha", "Asha Admin", "admin", "U0ASHA", "Asia/Kolkata", "en-IN"),
          ("ravi", "Ravi Requester", "requester", "U0RAVI", "Asia/Kolkata", "en-IN"),
          ("priya", "Priya Approver", "approver", "U0PRIYA", "Europe/Berlin", "de-DE"),
          ("omar", "Omar Finance", "approver", "U0OMAR", "America/New_York", "en-US"),
          ("vera", "Vera Viewer", "viewer", "U0VERA", "Europe/London", "en-GB"))


def make_cast(slack: SlackStandIn) -> Cast:
    """The people (linked to Slack, with their Slack timezone and locale), levels, a vendor, SKUs."""
    people = {}
    for key, name, role, slack_id, tz, locale in PEOPLE:
        user = add_user(name, f"{key}@example.com", role, slack_id=slack_id)
        people[key] = slack_bookkeeping.learn_slack_preferences(user, timezone=tz, locale=locale)
        slack.add_user(slack_id, email=f"{key}@example.com", name=key, tz=tz, locale=locale)
    asha = people["asha"]
    services.update_settings(asha, {"approval_levels": [
        {"min_total": "1000", "approvers": [people["priya"].id, people["omar"].id]},
        {"min_total": "20000", "approvers": [asha.id]}]})
    acme = services.create_vendor(asha, {"name": "Acme Tools", "currency": "INR", "payment_terms": "Net 30",
                                         "email": "orders@acme.example"})
    skus = {code: services.create_sku(asha, {"code": code, "name": name, "unit": "each", "default_rate": rate})
            for code, name, rate in (("BOLT-M8", "Steel bolt M8", "4.50"), ("NUT-M8", "Steel nut M8", "0.80"))}
    return Cast(**people, acme=acme, skus=skus)


def check_answer(body: Any) -> None:
    """Fail on an answer Slack would refuse: a message in an ack, or a view a form's ack shows."""
    if not isinstance(body, dict):
        return
    view = body.get("view")
    errors = block_kit_errors(view.get("blocks"), VIEW_BLOCKS) if isinstance(view, dict) else []
    errors += block_kit_errors(body.get("blocks"), MESSAGE_BLOCKS)
    assert errors == [], f"Slack would refuse this answer: {errors}"


def text_of(message: dict) -> str:
    """What a person reads in a message or view: every text, field and context line, in order."""
    out = []
    for block in message.get("blocks") or []:
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        out += [f["text"] for f in block.get("fields") or []]
        for element in block.get("elements") or []:
            if element.get("type") in ("mrkdwn", "plain_text"):
                out.append(element["text"])
            elif element.get("type") == "button":
                out.append(f"[{element['text']['text']}]")
        if block.get("type") == "input":
            out.append(f"<{block['label']['text']}>")
    return "\n".join(out) if out else message.get("text", "")


def buttons_of(message: dict) -> list[str]:
    """The action ids of the message's buttons."""
    return [e["action_id"] for b in message.get("blocks") or [] for e in b.get("elements") or [] if e.get("type") == "button"]


class Desk:
    """Slack, as the people of the cast use it."""

    def __init__(self, slack: SlackStandIn, signer: Signer, cast: Cast, send: Callable[[SignedRequest], Any] | None,
                 url: str | None = None):
        self.slack, self.signer, self.cast, self._send, self.url = slack, signer, cast, send, url
        self._sent_at = 0  # how many calls Slack had got when the last request was sent

    def send(self, request: SignedRequest) -> tuple[int, Any]:
        """POST a signed request to /slack/events: (status, JSON body or text)."""
        self._sent_at = len(self.slack.calls)
        if self._send is not None:
            resp = self._send(request)
            status, body = resp.status_code, (resp.get_json(silent=True) if resp.data else None)
        else:
            req = urllib.request.Request(self.url, data=request.body, headers=request.headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    data = resp.read()
                    status, body = resp.status, json.loads(data) if data[:1] in (b"{", b"[") else None
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read()
        check_answer(body)
        return status, body

    def command(self, text: str, who: Any, **kw) -> tuple[int, Any]:
        """`/po <text>` typed by `who`."""
        return self.send(self.signer.command(text, user_id=who.slack_id, **kw))

    def dm(self, who: Any) -> list[dict]:
        """The messages in the bot's DM with `who`, oldest first."""
        return self.slack.messages_in(self.slack.dm_channel(who.slack_id))

    def deliver(self) -> outbox.Report:
        """Let the outbox worker run once (what the scheduler does right after a commit)."""
        return outbox.deliver_due("test")

    def click(self, who: Any, action_id: str, message: dict, channel: str | None = None) -> tuple[int, Any]:
        """`who` clicks a button of a stored message (in their DM unless `channel` says otherwise)."""
        channel = channel or self.slack.dm_channel(who.slack_id)
        return self.send(self.signer.interactive(payloads.block_actions(who.slack_id, action_id, message=message,
                                                                        channel_id=channel)))

    def next_call(self, method: str, timeout: float = 5.0) -> Any:
        """The first call of `method` Slack got since the last request was sent, once answered,
        waiting for it: listeners call Slack after their answer."""
        since = self._sent_at
        call = self.slack.wait_until(lambda: next((c for c in self.slack.calls[since:] if c.method == method), None),
                                     timeout, f"{method} after the last request")
        return self.slack.wait_answered(call)

    def opened_view(self) -> dict:
        """The view views.open showed after the last request."""
        return self.next_call("views.open").params["view"]

    def told(self) -> dict:
        """What the last request's answer through its response_url said (only the sender sees it)."""
        return self.next_call("response_url").params

    def submit(self, who: Any, view: dict, values: dict) -> tuple[int, Any]:
        """`who` submits an opened modal with these {block_id: element_state} values."""
        state = {block: {"vendor_pick" if block == "vendor" else "value": element} for block, element in values.items()}
        submitted = payloads.view(view["callback_id"], values=state, private_metadata=view.get("private_metadata", ""),
                                  blocks=view["blocks"])
        return self.send(self.signer.interactive(payloads.view_submission(who.slack_id, submitted)))

    def mention(self, who: Any, text: str, **kw) -> tuple[int, Any, SignedRequest]:
        """`@podesk <text>` in a channel; returns the request too, to send it again as Slack's retry."""
        request = self.signer.event(payloads.app_mention(who.slack_id, text, **kw))
        return (*self.send(request), request)

    def direct(self, who: Any, text: str) -> tuple[int, Any]:
        """A DM to the bot."""
        return self.send(self.signer.event(payloads.message_im(who.slack_id, text, channel_id=self.slack.dm_channel(who.slack_id))))
