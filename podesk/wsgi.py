"""The WSGI app for production servers (Procfile `web:`); background jobs run in `podesk worker`."""
from core.config import Settings
from web import create_app

app = create_app(Settings.from_env())
