"""Writes with no acting user, for the operator's command line (podesk/cli.py) and the composition
root (podesk/, and core/demo.py seeding a demo database): adding a user, setting a dashboard
password, issuing and revoking API keys.

Nobody's role is checked here: whoever runs these already holds the deployment and its database.
That is why they are not in core.services, whose actions all take the acting user and check what
they may do; the API, the dashboard and the bot never import this module (pyproject.toml's import
contracts say so).
"""
from core.services.users import add_user, create_api_key, revoke_api_key, set_password

__all__ = ["add_user", "create_api_key", "revoke_api_key", "set_password"]
