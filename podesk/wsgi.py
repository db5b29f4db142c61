"""The WSGI app for production servers (Procfile `web:`); background jobs run in `podesk worker`."""
from core.config import Settings
from podesk.wiring import build_web_app

app = build_web_app(Settings.from_env())
