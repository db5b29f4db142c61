"""The Flask app: the JSON API under /api/v1 and the dashboard's pages; the composition root mounts the Slack endpoint."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from flask import Flask
from htmx_flask import Htmx
from werkzeug.routing import IntegerConverter

from core.config import Settings
from core.db import bind, database, open_database
from core.schemas.types import MAX_ID
from web import errors, security
from web.auth import RateLimiter
from web.jsonio import JSONProvider

if TYPE_CHECKING:
    from peewee import Database

MAX_BODY = 5 * 1024 * 1024


class IdConverter(IntegerConverter):
    """`<int:…>` in a URL: an id that fits the database (anything larger is simply not found)."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)


@dataclass
class Podesk:
    """What the app's views need from the process around them."""

    settings: Settings
    limiter: RateLimiter
    scheduler_running: Callable[[], bool] = field(default=lambda: False)
    slack_on: bool = False


def create_app(settings: Settings | None = None, *, db: Database | None = None,
               scheduler_running: Callable[[], bool] | None = None) -> Flask:
    """The podesk web app. Binds the models to `db`, or to a pooled connection to settings.database_url."""
    settings = settings or Settings.from_env()
    if db is None:
        db = open_database(settings.database_url, pooled=True, pool_size=settings.db_pool_size)
    bind(db)
    app = Flask(__name__)
    app.json = JSONProvider(app)
    app.config.update(SECRET_KEY=settings.resolved_secret_key(), MAX_CONTENT_LENGTH=MAX_BODY, JSON_SORT_KEYS=False)
    app.extensions["podesk"] = Podesk(settings, RateLimiter(settings.rate_limit_per_minute),
                                      scheduler_running or (lambda: False), slack_on=settings.slack_enabled)
    logging.getLogger("podesk").setLevel(settings.log_level)

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _release(_exc):
        if not database.is_closed():
            database.close()  # back to the pool

    app.url_map.converters["int"] = IdConverter
    Htmx(app)
    from web.api import api
    from web.dashboard import dashboard
    from web.dashboard.errors import error_page

    errors.register(app)
    errors.add_renderer(app, "/", lambda status, problems, meta, error: error_page(status, problems, error))
    app.register_blueprint(api)
    app.register_blueprint(dashboard)
    security.init_app(app, settings)
    return app
