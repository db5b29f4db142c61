"""Our signed requests and the stand-in, driven through a real bolt App behind Flask: bolt verifies
the signatures, routes each payload to the right listener, and its Web API calls reach the stand-in.
This is a throwaway app for checking the harness, not podesk's bot."""
import json
import time

import pytest
from flask import Blueprint, Flask, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient

from tests.bot import payloads
from tests.bot.signing import Signer
from tests.bot.standin import SlackStandIn
from tests.bot.workspace import BOT_USER_ID

SECRET, TOKEN = "a-signing-secret", "xoxb-podesk-test"


def build_bolt_app(slack: SlackStandIn, seen: list) -> App:
    """A bolt app whose listeners note what they were given and answer through Slack."""
    # process_before_response=True: the listener has finished when the HTTP answer is sent.
    app = App(signing_secret=SECRET, client=WebClient(token=TOKEN, base_url=slack.api_url),
              token_verification_enabled=False, process_before_response=True)

    @app.command("/po")
    def po_command(ack, command, respond):
        ack()
        seen.append(("command", command["text"]))
        respond(f"you said {command['text']}")

    @app.action("approve")
    def approve(ack, action, body, client):
        ack()
        seen.append(("approve", action["value"]))
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"], text="✅ Approved")

    @app.view("new_po")
    def new_po(ack, view):
        vendor = view["state"]["values"]["vendor"]["pick"]["selected_option"]
        ack(response_action="errors", errors={"vendor": f"{vendor['text']['text']} is archived"})

    @app.options("pick")
    def vendors(ack, payload):
        ack(options=[{"text": {"type": "plain_text", "text": "Acme Tools"}, "value": "v1"}]
            if payload["value"].lower().startswith("ac") else [])

    add_event_listeners(app, seen)
    return app


def add_event_listeners(app: App, seen: list) -> None:
    """Listeners for a mention, a DM and the Home tab."""
    @app.event("app_mention")
    def mention(event, say, request):
        seen.append(("mention", event["text"], request.headers.get("x-slack-retry-num", [None])[0]))
        say(text="on it", thread_ts=event["ts"])

    @app.message("pending")
    def dm(message, say):
        say("nothing pending")

    @app.event("app_home_opened")
    def home(event, client):
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": []})


@pytest.fixture
def slack():
    with SlackStandIn(token=TOKEN) as standin:
        standin.add_user("U0ANN", email="ann@example.com")
        yield standin


@pytest.fixture
def seen():
    return []


@pytest.fixture
def post(slack, seen):
    """POST a signed request to /slack/events of a Flask app wired the way podesk's will be."""
    handler = SlackRequestHandler(build_bolt_app(slack, seen))
    blueprint = Blueprint("slack", __name__)
    blueprint.add_url_rule("/slack/events", "events", lambda: handler.handle(request), methods=["POST"])
    flask_app = Flask(__name__)
    flask_app.register_blueprint(blueprint)
    client = flask_app.test_client()
    return lambda signed: client.post("/slack/events", data=signed.body, headers=signed.headers)


@pytest.fixture
def signer(slack):
    return Signer(SECRET, response_urls=slack.response_url)


def test_a_slash_command_reaches_its_listener_and_respond_posts_to_the_response_url(post, signer, slack, seen):
    assert post(signer.command("list mine", user_id="U0ANN")).status_code == 200
    assert seen == [("command", "list mine")]
    assert slack.wait_for("response_url").params["text"] == "you said list mine"


def test_bolt_asks_auth_test_once_on_the_first_request_when_token_verification_is_off(post, signer, slack):
    post(signer.command("help", user_id="U0ANN"))
    post(signer.command("help", user_id="U0ANN"))
    assert [c.method for c in slack.calls].count("auth.test") == 1


def test_a_wrong_secret_or_a_stale_timestamp_gets_401_and_runs_nothing(post, signer, slack, seen):
    assert post(signer.command("help", user_id="U0ANN", secret="wrong")).status_code == 401
    stale = post(signer.command("help", user_id="U0ANN", timestamp=int(time.time()) - 301))
    assert stale.status_code == 401 and stale.json == {"error": "invalid request"}
    assert seen == [] and slack.calls == []


def test_url_verification_is_answered_with_the_challenge(post, signer):
    resp = post(signer.url_verification("abc123"))
    assert resp.status_code == 200 and resp.json == {"challenge": "abc123"}


def test_a_button_click_on_a_posted_message_routes_with_its_value(post, signer, slack, seen):
    blocks = [{"type": "actions", "block_id": "decide", "elements": [
        {"type": "button", "action_id": "approve", "value": "PO-00042",
         "text": {"type": "plain_text", "text": "Approve"}}]}]
    posted = WebClient(token=TOKEN, base_url=slack.api_url).chat_postMessage(
        channel="U0ANN", text="Approve PO-00042?", blocks=blocks)
    click = payloads.block_actions("U0ANN", "approve", message=posted["message"],
                                   channel_id=posted["channel"])
    assert post(signer.interactive(click)).status_code == 200
    assert seen == [("approve", "PO-00042")]
    assert [m["text"] for m in slack.messages_in(posted["channel"])] == ["✅ Approved"]


def test_a_view_submission_can_answer_with_field_errors(post, signer):
    values = {"vendor": {"pick": payloads.element_state("external_select", "v9", "Old Vendor")}}
    resp = post(signer.interactive(payloads.view_submission("U0ANN", payloads.view("new_po", values=values))))
    assert resp.status_code == 200
    assert resp.json == {"response_action": "errors", "errors": {"vendor": "Old Vendor is archived"}}


def test_an_options_request_gets_the_matching_options(post, signer):
    resp = post(signer.interactive(payloads.block_suggestion("U0ANN", "pick", "ac", block_id="vendor")))
    assert resp.json == {"options": [{"text": {"type": "plain_text", "text": "Acme Tools"}, "value": "v1"}]}


def test_a_mention_is_answered_in_its_thread_and_a_redelivery_shows_its_retry_number(post, signer, slack, seen):
    first = signer.event(payloads.app_mention("U0ANN", "status PO-00042"))
    assert post(first).status_code == 200 and post(signer.retry(first, 2)).status_code == 200
    assert seen == [("mention", f"<@{BOT_USER_ID}> status PO-00042", None),
                    ("mention", f"<@{BOT_USER_ID}> status PO-00042", "2")]
    reply = slack.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == json.loads(first.body)["event"]["ts"]


def test_a_direct_message_and_a_home_tab_opening_reach_their_listeners(post, signer, slack):
    dm = slack.dm_channel("U0ANN")
    post(signer.event(payloads.message_im("U0ANN", "pending", channel_id=dm)))
    post(signer.event(payloads.app_home_opened("U0ANN", channel_id=dm)))
    reply = slack.wait_for("chat.postMessage").params
    assert (reply["channel"], reply["text"]) == (dm, "nothing pending")
    assert slack.home_of("U0ANN")["type"] == "home"


def test_an_event_no_listener_matches_gets_404_which_slack_would_retry(post, signer):
    event = payloads.message_im("U0ANN", "hello there", channel_id="D00000001")
    assert post(signer.event(event)).status_code == 404
