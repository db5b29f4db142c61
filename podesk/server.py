"""`podesk serve`: gunicorn in-process, one worker with threads, the scheduler beside the app."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication

from core.config import Settings
from core.scheduler import Scheduler
from podesk.wiring import build_web_app

# Let long query strings and large headers reach the app, which answers them in the contract's shape
# (a query value over its limit is a JSON 400). gunicorn's defaults (4094 / 8190) answered HTML
# 414/431 first. 8190 is the most gunicorn allows for a request line. The Procfile's web line
# passes the same numbers.
LIMITS = {"limit_request_line": 8190, "limit_request_field_size": 16 * 1024}


class _Gunicorn(BaseApplication):
    def __init__(self, factory, options: dict):
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._factory()


def serve(settings: Settings, host: str, port: int, threads: int = 8) -> None:
    """Serve the app on host:port until interrupted; runs the scheduler unless PODESK_SCHEDULER=off."""
    scheduler = Scheduler() if settings.scheduler else None

    def factory():
        return build_web_app(settings, scheduler_running=lambda: bool(scheduler and scheduler.running))

    def started(_worker) -> None:
        if scheduler:
            scheduler.start()

    def stopping(_server, _worker) -> None:
        if scheduler:
            scheduler.shutdown()

    _Gunicorn(factory, {
        "bind": f"{host}:{port}", "workers": 1, "worker_class": "gthread", "threads": threads,
        "accesslog": "-", "post_worker_init": started, "worker_exit": stopping, "graceful_timeout": 10,
        **LIMITS,
    }).run()
