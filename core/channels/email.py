"""The outbox's email channel: a PO's email, its PDF attached, handed to an SMTP server.

`smtp://[user:password@]host[:port]` talks plain SMTP and upgrades with STARTTLS whenever the
server offers it; `smtps://` speaks TLS from the first byte. A password is only ever sent over
TLS (or to a server on this machine), and never logged: errors name the host, not the URL.
Every email carries a Message-ID made from its outbox key, so if a worker dies after the server
took the email but before the outbox heard, the copy sent again is recognisably the same message
(and once the acceptance is recorded, it is not sent again at all).
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import unquote, urlsplit

from core.documents import render_po_pdf
from core.outbox import DeliveryFailed, Message
from core.services import sending
from core.services._documents import document_from, pdf_file_name

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
ACCEPTED = 250


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool  # smtps://
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never the password
        return f"SmtpServer({'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port})"


def parse_smtp_url(url: str) -> SmtpServer:
    """The server an `smtp://` or `smtps://` URL names (ValueError, without the password, otherwise)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(f"PODESK_SMTP_URL must start with smtp:// or smtps:// (got {parts.scheme or 'no scheme'})")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ValueError("PODESK_SMTP_URL has a port that is not a number") from None
    if not host:
        raise ValueError("PODESK_SMTP_URL names no host")
    return SmtpServer(host, port or DEFAULT_PORTS[parts.scheme], parts.scheme == "smtps",
                      unquote(parts.username) if parts.username else None, unquote(parts.password or "") if parts.username else None)


def _on_this_machine(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class EmailChannel:
    """Delivers `email` outbox messages (written by core.services.sending.send_po)."""

    def __init__(self, smtp_url: str, mail_from: str, *, timeout_seconds: float = 30.0,
                 tls_context: ssl.SSLContext | None = None):
        self.server = parse_smtp_url(smtp_url)
        self.mail_from = mail_from
        self.domain = mail_from.rpartition("@")[2] or "localhost"
        self.timeout = timeout_seconds
        self.tls_context = tls_context  # None: the system's trusted authorities, hostnames checked

    def deliver(self, message: Message) -> int | None:
        """Send the email, or raise DeliveryFailed (permanent when the server refuses it for good)."""
        email = sending.email_to_send(message.payload["email_id"])
        if email is None:
            return None
        if email.sent_at is not None:  # taken by the server before a crash; the outbox had not heard
            return ACCEPTED
        mail = self._compose(message, email)
        envelope = [*message.payload["to"], *message.payload["cc"], *message.payload["bcc"]]
        refused = self._send(mail, envelope)
        if refused:
            log.warning("email %s: the server refused %d of %d recipients: %s", message.key, len(refused), len(envelope),
                        ", ".join(f"{addr} ({code})" for addr, (code, _) in refused.items()))
        sending.email_accepted(email.id)
        return ACCEPTED

    def _compose(self, message: Message, email) -> EmailMessage:
        payload = message.payload
        doc = document_from(email.document)
        mail = EmailMessage()
        mail["From"] = formataddr((doc.company_name, self.mail_from)) if doc.company_name else self.mail_from
        mail["To"] = ", ".join(payload["to"])
        if payload["cc"]:
            mail["Cc"] = ", ".join(payload["cc"])
        if payload.get("reply_to"):
            mail["Reply-To"] = payload["reply_to"]
        mail["Subject"] = payload["subject"]
        mail["Date"] = format_datetime(email.queued_at.replace(tzinfo=dt.timezone.utc))
        mail["Message-ID"] = f"<{message.key.replace(':', '.')}@{self.domain}>"
        mail.set_content(payload["body"])
        pdf = render_po_pdf(doc, locale=email.locale)
        mail.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_file_name(doc.po_number))
        return mail

    def _send(self, mail: EmailMessage, envelope: list[str]) -> dict:
        server = self.server
        try:
            with self._connect() as smtp:
                if server.username:
                    smtp.login(server.username, server.password or "")
                return smtp.send_message(mail, from_addr=self.mail_from, to_addrs=envelope)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryFailed(f"{server.host} refused every recipient: " + ", ".join(
                f"{addr} ({code} {text.decode(errors='replace') if isinstance(text, bytes) else text})" for addr, (code, text) in exc.recipients.items()),
                permanent=all(code >= 500 for code in codes), status_code=max(codes)) from None
        except smtplib.SMTPAuthenticationError as exc:  # fixable by whoever runs podesk: keep trying
            raise DeliveryFailed(f"{server.host} refused the SMTP user name or password ({exc.smtp_code})", status_code=exc.smtp_code) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryFailed(f"{server.host} cannot take this email: {exc}", permanent=True) from None
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            raise DeliveryFailed(f"{server.host} answered {exc.smtp_code} {text}", permanent=exc.smtp_code >= 500,
                                 status_code=exc.smtp_code) from None
        except (smtplib.SMTPException, OSError) as exc:  # down, unreachable, timed out, TLS failed: later
            raise DeliveryFailed(f"could not talk to {server.host}:{server.port}: {type(exc).__name__}: {exc}") from None

    def _connect(self) -> smtplib.SMTP:
        server, context = self.server, self.tls_context or ssl.create_default_context()
        if server.implicit_tls:
            return smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif server.username and not _on_this_machine(server.host):
                raise DeliveryFailed(f"{server.host} does not offer STARTTLS; podesk will not send the SMTP password "
                                     "unencrypted (use smtps:// or a server that offers STARTTLS)")
        except BaseException:
            smtp.close()
            raise
        return smtp
