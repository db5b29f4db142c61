"""The "Send to vendor" form: the PO goes to core's send_po (the email leaves through the outbox);
a bad address shows on its own field."""
from __future__ import annotations

import re

from slack_bolt import Ack, App

from bot.blocks.format import Reader, escape
from bot.blocks.modals import SEND, SEND_BCC, SEND_BODY, SEND_CC, SEND_SUBJECT, SEND_TO, notice_modal
from bot.context import Bot
from bot.explain import field_errors, sentence
from bot.listeners.views._state import value
from bot.people import known_user
from core import services
from core.errors import DomainError, ValidationFailed

FIELDS = {"to": SEND_TO, "cc": SEND_CC, "bcc": SEND_BCC, "subject": SEND_SUBJECT, "body": SEND_BODY}


def addresses(typed: str | None) -> list[str]:
    """The addresses typed into one field, separated by commas, semicolons or spaces."""
    return [part for part in re.split(r"[,;\s]+", typed or "") if part]


def block_for(pointer: str | None) -> str:
    """The field a problem's pointer names (`/to/1` → the To field)."""
    return FIELDS.get((pointer or "/to").strip("/").split("/")[0], SEND_TO)


def register(app: App, bot: Bot) -> None:
    """Listen for the email form's submission."""

    @app.view(SEND)
    def send(ack: Ack, body: dict, view: dict) -> None:
        """Queue the email; the form closes on a note saying where it goes."""
        user, problem = known_user(body["user"]["id"])
        if user is None:
            ack(response_action="update", view=notice_modal("Nothing sent", problem))
            return
        values = view["state"]["values"]
        try:
            email = services.send_po(user, int(view["private_metadata"]), to=addresses(value(values, SEND_TO)),
                                     cc=addresses(value(values, SEND_CC)), bcc=addresses(value(values, SEND_BCC)),
                                     subject=value(values, SEND_SUBJECT), body=value(values, SEND_BODY))
        except ValidationFailed as error:
            ack(response_action="errors", errors=field_errors(error, block_for))
            return
        except DomainError as error:
            ack(response_action="update", view=notice_modal("Nothing sent", sentence(error, Reader.of(user))))
            return
        to = ", ".join(escape(a) for a in email.recipients["to"])
        ack(response_action="update", view=notice_modal("On its way", f"The PO is on its way to {to} as a PDF. "
                                                                      "The dashboard shows when the mail server took it."))
