"""The `podesk` command (see docs: init-db, user, api-key, serve, demo, worker)."""
from __future__ import annotations

import gc
import getpass
import logging
import signal
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click

from core.config import Settings, sqlite_path
from core.db import bind, database, migrate, open_database
from core.errors import DomainError

log = logging.getLogger("podesk")


def _fail(message: str) -> None:
    click.echo(f"podesk: {message}", err=True)
    sys.exit(2)


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


def _open(settings: Settings, *, pooled: bool = False):
    try:
        return bind(open_database(settings.database_url, pooled=pooled, pool_size=settings.db_pool_size))
    except ValueError as exc:
        _fail(str(exc))


def _run_domain(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DomainError as exc:
        _fail("; ".join(f"{p.pointer.lstrip('/') + ': ' if p.pointer else ''}{p.detail}" for p in exc.problems))


def main(argv: list[str] | None = None) -> None:
    """Run the command; bad usage exits 2 with one line on standard error."""
    try:
        code = cli.main(args=argv, prog_name="podesk", standalone_mode=False)
    except click.UsageError as exc:
        hint = f" (see {exc.ctx.command_path} --help)" if exc.ctx else ""
        _fail(exc.format_message().splitlines()[0] + hint)
    except click.ClickException as exc:
        _fail(exc.format_message())
    except click.Abort:
        sys.exit(1)
    sys.exit(code or 0)


@click.group()
@click.option("--database-url", envvar=None, default=None, help="Overrides DATABASE_URL.")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """podesk: a purchase-order desk for teams that live in Slack."""
    try:
        settings = Settings.from_env().with_overrides(database_url=database_url)
    except ValueError as exc:
        _fail(str(exc))
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = {"settings": settings, "database_url_flag": database_url}


@cli.command("init-db")
@click.pass_context
def init_db(ctx: click.Context) -> None:
    """Create or migrate the schema (safe to run again)."""
    db = _open(_settings(ctx))
    applied = migrate(db)
    click.echo(f"applied {', '.join(applied)}" if applied else "schema is up to date")


@cli.group()
def user() -> None:
    """Manage users."""


@user.command("add")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["viewer", "requester", "approver", "admin"]))
@click.option("--slack-id", default=None)
@click.pass_context
def user_add(ctx: click.Context, name: str, email: str, role: str, slack_id: str | None) -> None:
    """Add a user; prints its id."""
    from core.operator import add_user

    migrate(_open(_settings(ctx)))
    created = _run_domain(add_user, name, email, role, slack_id)
    click.echo(created.id)


@user.command("set-password")
@click.option("--email", required=True)
@click.pass_context
def user_set_password(ctx: click.Context, email: str) -> None:
    """Set a dashboard password, read from standard input."""
    from core.operator import set_password

    _open(_settings(ctx))
    password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    _run_domain(set_password, email, password)
    click.echo("password set")


@user.command("set-preferences")
@click.option("--email", required=True)
@click.option("--timezone", default=None, help="An IANA timezone, e.g. Asia/Kolkata.")
@click.option("--locale", default=None, help="A locale, e.g. en_IN.")
@click.pass_context
def user_set_preferences(ctx: click.Context, email: str, timezone: str | None, locale: str | None) -> None:
    """Set the timezone and locale the dashboard and Slack show dates and money in (Slack's profile no longer changes them)."""
    from core.services.users import set_preferences, user_by_email

    if timezone is None and locale is None:
        raise click.UsageError("give --timezone, --locale or both")
    _open(_settings(ctx))
    person = _run_domain(set_preferences, _run_domain(user_by_email, email), timezone=timezone, locale=locale)
    click.echo(f"{person.email}: timezone {person.timezone or 'not set'}, locale {person.locale or 'not set'}")


@cli.group("api-key")
def api_key() -> None:
    """Manage API keys."""


@api_key.command("create")
@click.option("--email", required=True)
@click.option("--name", default=None, help="A label to tell keys apart.")
@click.pass_context
def api_key_create(ctx: click.Context, email: str, name: str | None) -> None:
    """Create an API key; prints it alone on the last line (it is shown only this once)."""
    from core.operator import create_api_key

    _open(_settings(ctx))
    key, record = _run_domain(create_api_key, email, name)
    click.echo(f"API key {record.prefix}… for {email} (store it now; it is kept only as a hash):")
    click.echo(key)


@api_key.command("revoke")
@click.argument("prefix")
@click.pass_context
def api_key_revoke(ctx: click.Context, prefix: str) -> None:
    """Revoke a key by the prefix `api-key create` showed."""
    from core.operator import revoke_api_key

    _open(_settings(ctx))
    _run_domain(revoke_api_key, prefix)
    click.echo("revoked")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """API + dashboard + Slack endpoint + scheduler in one process."""
    from podesk.server import serve as run

    settings = _settings(ctx)
    migrate(_open(settings))
    run(settings, host, port)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--db", "db_path", default=None, help="SQLite file, recreated (default podesk-demo.db; not with --database-url).")
@click.option("--reset", is_flag=True, help="With --database-url: first empty podesk's tables in that database.")
@click.option("--no-serve", is_flag=True, help="Seed the demo database and exit.")
@click.option("--slack-id", "slack_ids", multiple=True, metavar="EMAIL=UXXXX",
              help="Link a demo user to your Slack user (repeatable; adds to PODESK_DEMO_SLACK_IDS).")
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, db_path: str | None, reset: bool, no_serve: bool,
         slack_ids: tuple[str, ...]) -> None:
    """`serve` on a freshly seeded demo database; prints the URL, how to sign in and an admin key.

    A SQLite file by default (DATABASE_URL is ignored: a demo never touches the configured database),
    or the database `podesk --database-url … demo` names, SQLite or PostgreSQL, which must hold no
    podesk data unless --reset empties podesk's tables there first.
    """
    from core.demo import seed
    from podesk.server import serve as run

    links = _slack_links(_settings(ctx).demo_slack_ids, slack_ids)
    settings = _demo_database(ctx, db_path, reset)
    made = seed()
    for email, slack_id in links:
        _link_demo_user(email, slack_id)
    database.close()
    click.echo(f"podesk demo: http://{host}:{port}/  (database {redacted(settings.database_url)})")
    click.echo(f"API docs:    http://{host}:{port}/api/v1/openapi.json")
    click.echo(f"try:         curl -H 'Authorization: Bearer {made.admin_key}' http://{host}:{port}/api/v1/purchase-orders")
    click.echo(f"dashboard:   http://{host}:{port}/sign-in  as any demo user, with the password below")
    for user in made.users.values():
        click.echo(f"             {user.email:<20} {user.role}")
    click.echo(f"password:    {made.password}")
    click.echo(f"demo admin key ({made.admin_email}):")
    click.echo(made.admin_key)
    if not no_serve:
        run(settings, host, port)


def _slack_links(configured: str | None, given: tuple[str, ...]) -> list[tuple[str, str]]:
    """(email, Slack id) pairs from PODESK_DEMO_SLACK_IDS ("a@x=U1,b@x=U2") and --slack-id flags."""
    pairs = [p.strip() for p in (configured or "").split(",") if p.strip()] + [g.strip() for g in given]
    links = []
    for pair in pairs:
        email, _, slack_id = pair.partition("=")
        if not email.strip() or not slack_id.strip():
            _fail(f"--slack-id and PODESK_DEMO_SLACK_IDS take EMAIL=UXXXX pairs, not {pair!r}")
        links.append((email.strip(), slack_id.strip()))
    return links


def _link_demo_user(email: str, slack_id: str) -> None:
    from core import queries, slack_bookkeeping

    user = queries.user_by_email(email)
    if user is None:
        _fail(f"no demo user has the email {email} (they are asha, ravi, priya, omar and vera @example.com)")
    _run_domain(slack_bookkeeping.link_slack_id, user, slack_id)
    click.echo(f"linked {email} to Slack user {slack_id}")


@cli.command("slack-socket")
@click.pass_context
def slack_socket(ctx: click.Context) -> None:
    """The Slack bot over Socket Mode (SLACK_APP_TOKEN), for a machine with no public URL."""
    from podesk.slack import run_socket_mode

    settings = _settings(ctx)
    if not (settings.slack_bot_token and settings.slack_app_token):
        _fail("slack-socket needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN (xapp-…) in the environment")
    migrate(_open(settings, pooled=True))
    run_socket_mode(settings)


def _demo_database(ctx: click.Context, db_path: str | None, reset: bool) -> Settings:
    """Bind and migrate the demo's database, empty of podesk data; the settings that name it."""
    from core.demo import empty_tables, existing_data

    named = ctx.obj["database_url_flag"]
    if named and db_path:
        _fail("give either --database-url (before demo) or --db, not both")
    if reset and not named:
        _fail("--reset empties the database --database-url names; without it the demo recreates its own SQLite file")
    settings = _settings(ctx)
    if not named:
        path = Path(db_path or "podesk-demo.db").resolve()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        settings = settings.with_overrides(database_url=f"sqlite:///{path}")
    migrate(_open(settings))
    if named and (held := existing_data()):
        if not reset:
            _fail(f"{redacted(settings.database_url)} already holds podesk data ({held}); "
                  "add --reset to empty podesk's tables there and seed the demo")
        empty_tables()
    return settings


def redacted(url: str) -> str:
    """A database URL fit to print: its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = (parts.hostname or "") if parts.port is None else f"{parts.hostname}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


@cli.command()
@click.pass_context
def worker(ctx: click.Context) -> None:
    """The scheduler alone (ERP batches, outbox delivery, approval reminders), for the Procfile."""
    from core.scheduler import run_forever
    from podesk.wiring import install_channels

    settings = _settings(ctx)
    migrate(_open(settings))
    install_channels(settings)
    stop = threading.Event()
    gc.collect()
    gc.freeze()  # start-up objects live forever: keep the collector's full passes off them
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    log.info("worker running (database %s)", "sqlite" if sqlite_path(settings.database_url) else "postgresql")
    run_forever(stop)
