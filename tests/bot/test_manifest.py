"""The Slack app manifest the README ships: valid YAML that sends podesk exactly what it listens
for, at its one endpoint, with exactly the scopes it needs."""
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from tests.bot.workspace import SCOPES

README = Path(__file__).resolve().parents[2] / "README.md"
SCOPES_NEEDED = {"commands", "chat:write", "im:write", "users:read", "users:read.email", "app_mentions:read", "im:history"}


def manifest() -> dict:
    slack = README.read_text(encoding="utf-8").split("\n## Slack\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```yaml\n(.*?)```", slack, flags=re.S)
    return yaml.safe_load(block)


def path(url: str) -> str:
    return urlsplit(url).path


def test_the_readme_manifest_sends_commands_events_clicks_and_options_to_slack_events():
    found = manifest()
    (command,) = found["features"]["slash_commands"]
    assert command["command"] == "/po" and path(command["url"]) == "/slack/events"
    events = found["settings"]["event_subscriptions"]
    assert path(events["request_url"]) == "/slack/events"
    assert set(events["bot_events"]) == {"app_home_opened", "app_mention", "message.im"}
    interactivity = found["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert path(interactivity["request_url"]) == path(interactivity["message_menu_options_url"]) == "/slack/events"
    assert found["features"]["app_home"]["home_tab_enabled"] is True


def test_the_readme_manifest_asks_for_exactly_the_scopes_podesk_needs():
    scopes = manifest()["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes)) and set(scopes) == SCOPES_NEEDED
    assert set(SCOPES.split(",")) == SCOPES_NEEDED  # and the stand-in grants the same
