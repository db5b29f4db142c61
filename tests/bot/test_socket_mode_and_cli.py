"""Socket Mode (the same listeners, no signature: the socket is authenticated) and the bot's
commands on the command line: `podesk slack-socket`, `podesk demo --slack-id`."""
import json
import subprocess
import sys
import time

from slack_bolt.request import BoltRequest

from bot.app import background_of, build_app
from core import queries
from core.db import bind, open_database
from tests.bot.desk import TOKEN, text_of


def podesk(*args, env_extra=None):
    return subprocess.run([sys.executable, "-m", "podesk", *args], capture_output=True, text=True, timeout=180,
                          env={"PATH": "/usr/bin:/bin", **(env_extra or {})})


def test_socket_mode_requests_reach_the_same_listeners_without_a_signing_secret(settings, db, cast, slack):
    app = build_app(settings.with_overrides(slack_bot_token=TOKEN, slack_app_token="xapp-test", slack_api_url=slack.api_url))
    body = {"command": "/po", "text": "list mine", "user_id": cast.ravi.slack_id, "team_id": "T0PODESK",
            "channel_id": "C0GENERAL", "trigger_id": "1.2.3", "response_url": slack.response_url()}
    response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    assert response.status == 200 and "My open POs" in text_of(json.loads(response.body))


def test_over_socket_mode_too_po_new_is_acked_first_and_its_form_opens_after(settings, db, cast, slack):
    app = build_app(settings.with_overrides(slack_bot_token=TOKEN, slack_app_token="xapp-test", slack_api_url=slack.api_url))
    body = {"command": "/po", "text": "new", "user_id": cast.ravi.slack_id, "team_id": "T0PODESK",
            "channel_id": "C0GENERAL", "trigger_id": "1.2.3", "response_url": slack.response_url()}
    slack.slow("views.open", 2)
    started = time.monotonic()
    response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    assert response.status == 200 and not response.body and time.monotonic() - started < 0.5  # not waiting on views.open
    assert slack.wait_for("views.open", timeout=10).params["view"]["callback_id"] == "new_po"
    assert background_of(app).idle(10)


def test_slack_socket_without_its_tokens_exits_2_with_one_clear_line(database_url):
    result = podesk("--database-url", database_url, "slack-socket")
    assert result.returncode == 2 and "SLACK_APP_TOKEN" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_demo_links_its_users_to_the_slack_ids_given_on_the_command_line_and_in_the_environment(tmp_path):
    path = tmp_path / "demo.db"
    result = podesk("demo", "--db", str(path), "--no-serve", "--slack-id", "asha@example.com=U0ASHA",
                    env_extra={"PODESK_DEMO_SLACK_IDS": "priya@example.com=U0PRIYA, ravi@example.com=U0RAVI"})
    assert result.returncode == 0, result.stderr
    assert "linked asha@example.com to Slack user U0ASHA" in result.stdout
    db = bind(open_database(f"sqlite:///{path}"))
    try:
        linked = {email: queries.user_by_email(email).slack_id for email in ("asha@example.com", "priya@example.com",
                                                                             "ravi@example.com", "vera@example.com")}
    finally:
        db.close()
    assert linked == {"asha@example.com": "U0ASHA", "priya@example.com": "U0PRIYA", "ravi@example.com": "U0RAVI",
                      "vera@example.com": None}


def test_demo_refuses_a_slack_id_that_is_not_an_email_and_id_pair(tmp_path):
    result = podesk("demo", "--db", str(tmp_path / "demo.db"), "--no-serve", "--slack-id", "U0ASHA")
    assert result.returncode == 2 and "EMAIL=UXXXX" in result.stderr
