"""Process configuration, read from the environment (and a `.env` file) once."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from dotenv import dotenv_values

DEFAULT_DATABASE_URL = "sqlite:///podesk.db"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "off", "false", "no"}


def _int(name: str, value: str | None, default: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None


def _smtp_url(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)  # the message never repeats the URL: it may hold a password
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("PODESK_SMTP_URL must look like smtp://[user:password@]host[:port] or smtps://…")
    try:
        parts.port
    except ValueError:
        raise ValueError("PODESK_SMTP_URL has a port that is not a number") from None
    return value


@dataclass(frozen=True)
class Settings:
    """Everything podesk reads from its environment; built once per process and passed in."""

    database_url: str = field(default=DEFAULT_DATABASE_URL, repr=False)  # may hold a password
    secret_key: str | None = field(default=None, repr=False)
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    base_url: str | None = None
    smtp_url: str | None = field(default=None, repr=False)  # may hold a password
    mail_from: str | None = None
    scheduler: bool = True
    db_pool_size: int = 20
    rate_limit_per_minute: int = 1200
    batch_chunk_size: int = 100
    log_level: str = "INFO"
    demo_slack_ids: str | None = None  # `podesk demo`: "email=Uxxxx,email=Uyyyy" links demo users to Slack

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: str | None = ".env") -> "Settings":
        """Settings from a `.env` file (if present) overlaid by the process environment."""
        values: dict[str, str | None] = {}
        if env_file and Path(env_file).is_file():
            values.update(dotenv_values(env_file))
        values.update(os.environ if environ is None else environ)
        get = values.get
        return cls(
            database_url=get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            secret_key=get("PODESK_SECRET_KEY") or None,
            slack_bot_token=get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=get("SLACK_APP_TOKEN") or None,
            slack_api_url=get("SLACK_API_URL") or None,
            base_url=(get("PODESK_BASE_URL") or "").rstrip("/") or None,
            smtp_url=_smtp_url(get("PODESK_SMTP_URL")),
            mail_from=(get("PODESK_MAIL_FROM") or "").strip() or None,
            scheduler=_flag(get("PODESK_SCHEDULER"), True),
            db_pool_size=_int("PODESK_DB_POOL_SIZE", get("PODESK_DB_POOL_SIZE"), 20),
            rate_limit_per_minute=_int(
                "PODESK_RATE_LIMIT_PER_MINUTE", get("PODESK_RATE_LIMIT_PER_MINUTE"), 1200
            ),
            batch_chunk_size=_int("PODESK_BATCH_CHUNK_SIZE", get("PODESK_BATCH_CHUNK_SIZE"), 100),
            log_level=(get("PODESK_LOG_LEVEL") or "INFO").upper(),
            demo_slack_ids=get("PODESK_DEMO_SLACK_IDS") or None,
        )

    @property
    def slack_enabled(self) -> bool:
        """True when the Slack bot can run: a bot token, and a signing secret (HTTP) or an app token (Socket Mode)."""
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def resolved_mail_from(self) -> str:
        """The From address of emails: PODESK_MAIL_FROM, else podesk@ the host of PODESK_BASE_URL (or localhost)."""
        if self.mail_from:
            return self.mail_from
        host = urlsplit(self.base_url).hostname if self.base_url else None
        return f"podesk@{host or 'localhost'}"

    def with_overrides(self, **changes) -> "Settings":
        """A copy with some values replaced (command-line flags win over the environment)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def resolved_secret_key(self) -> str:
        """The configured secret key, else one generated once and kept beside a SQLite database."""
        if self.secret_key:
            return self.secret_key
        path = sqlite_path(self.database_url)
        if path is None or path == ":memory:":
            return secrets.token_urlsafe(32)
        key_file = Path(path).with_name(Path(path).name + ".secret")
        if key_file.is_file():
            return key_file.read_text().strip()
        key = secrets.token_urlsafe(32)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(key + "\n")
        return key


def sqlite_path(url: str) -> str | None:
    """The file path of a `sqlite:///…` URL, or None for other databases."""
    for prefix in ("sqlite:///", "sqlite+pool:///"):
        if url.startswith(prefix):
            return url[len(prefix):].split("?", 1)[0] or ":memory:"
    return None
