"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it is sent, for tests and benchmarks."""
from __future__ import annotations

import email
import socket
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# The stand-in asks for a login over plain SMTP on purpose (on loopback); aiosmtpd warns about it.
# Test modules that use a login set `pytestmark = QUIET_AUTH_WARNING` (pytest resets filters per test).
AUTH_WARNING = "Requiring AUTH while not requiring TLS"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    encrypted: bool = False  # the session had switched to TLS (STARTTLS)

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=default_policy)


class _Handler:
    def __init__(self, server: "MailServer"):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.server.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.server.lock:
            self.server.data_commands += 1
            if self.server.defer_every and self.server.data_commands % self.server.defer_every == 0:
                return "451 4.3.0 busy, try again later"
            self.server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content,
                                                 encrypted=session.ssl is not None))
            self.server.arrived.notify_all()
        return "250 OK: queued"


class MailServer:
    """Listens on 127.0.0.1:`port` once started; `received` holds every message accepted, in order."""

    def __init__(self, port: int | None = None, *, login: tuple[str, str] | None = None, tls_context: ssl.SSLContext | None = None):
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.login = login
        self.tls_context = tls_context
        self.refuse: set[str] = set()  # recipients refused for good (550)
        self.defer_every = 0  # answer every n-th message "451 try again later" (0: never)
        self.data_commands = 0
        self.received: list[Received] = []
        self.logins: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self._controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            given = (auth_data.login.decode(), auth_data.password.decode())
            self.logins.append(given)
            return AuthResult(success=given == self.login, handled=False)  # handled=False: aiosmtpd answers 535
        return AuthResult(success=False, handled=False)

    def start(self) -> "MailServer":
        options = {"auth_require_tls": False}
        if self.login:
            options.update(authenticator=self._authenticate, auth_required=True)
        if self.tls_context:
            options.update(tls_context=self.tls_context)
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=10, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The messages once at least `count` have arrived (AssertionError after `timeout` seconds)."""
        with self.lock:
            if not self.arrived.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(f"{len(self.received)} message(s) arrived, not {count}")
            return list(self.received)

    @property
    def url(self) -> str:
        creds = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"smtp://{creds}127.0.0.1:{self.port}"
