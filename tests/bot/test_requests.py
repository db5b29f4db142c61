"""What reaches /slack/events: signed requests only, Slack's handshake, events nobody needs, and a
deployment without Slack."""
import json
import time

from core import outbox
from core.models import OutboxMessage, SlackEvent
from tests.bot import payloads


def test_a_request_with_a_wrong_signature_gets_401_and_changes_nothing(desk, cast, slack):
    status, _ = desk.send(desk.signer.command("new PO for Acme Tools: 10 x BOLT-M8 @ 4.50", user_id="U0RAVI", secret="forged"))
    assert status == 401
    assert slack.calls == [] and OutboxMessage.select().count() == 0


def test_a_request_signed_more_than_five_minutes_ago_gets_401_and_changes_nothing(desk, cast, slack):
    stale = desk.signer.event(payloads.app_mention("U0RAVI", "new PO for Acme Tools: 10 x BOLT-M8 @ 4.50"),
                              timestamp=int(time.time()) - 301)
    status, body = desk.send(stale)
    assert (status, body) == (401, {"error": "invalid request"})
    assert slack.calls == [] and SlackEvent.select().count() == 0 and OutboxMessage.select().count() == 0


def test_slacks_url_verification_is_answered_with_its_challenge(desk):
    assert desk.send(desk.signer.url_verification("c-123")) == (200, {"challenge": "c-123"})


def test_message_events_podesk_has_nothing_to_do_with_are_acknowledged_so_slack_does_not_retry(desk, cast, slack):
    edited = {**payloads.message_im("U0RAVI", "pending", channel_id="D1"), "subtype": "message_changed"}
    in_channel = {**payloads.message_im("U0RAVI", "pending", channel_id="C1"), "channel_type": "channel"}
    from_a_bot = {**payloads.message_im("U0RAVI", "pending", channel_id="D1"), "bot_id": "B0OTHER"}
    for event in (edited, in_channel, from_a_bot):
        assert desk.send(desk.signer.event(event))[0] == 200
    desk.deliver()
    assert slack.calls_to("chat.postMessage") == []


def test_without_slack_variables_there_is_no_slack_endpoint_and_health_says_slack_is_off(settings, db):
    from podesk.wiring import build_web_app

    app = build_web_app(settings, db=db)
    client = app.test_client()
    assert client.post("/slack/events", data="{}", headers={"Content-Type": "application/json"}).status_code == 404
    assert client.get("/api/v1/health").get_json()["slack"] == "off"
    assert not outbox.enabled("slack")


def test_with_slack_variables_health_says_slack_is_on(web):
    assert web.test_client().get("/api/v1/health").get_json()["slack"] == "on"


def test_the_endpoint_is_exempt_from_the_dashboards_csrf_check_but_not_from_slacks_signature(desk, cast):
    status, body = desk.command("help", cast.ravi)
    assert status == 200 and "podesk" in json.dumps(body)


def plain(response):
    return response.mimetype, response.get_data(as_text=True)


def test_a_get_of_the_endpoint_is_a_405_in_plain_text_naming_post(web):
    response = web.test_client().get("/slack/events")
    assert (response.status_code, "POST" in response.headers["Allow"].split(", ")) == (405, True)
    mimetype, text = plain(response)
    assert (mimetype, text) == ("text/plain", "GET is not allowed on /slack/events; use POST")


def test_a_body_over_five_megabytes_is_a_413_in_plain_text(web):
    big = "x" * (6 * 1024 * 1024)
    response = web.test_client().post("/slack/events", data=big, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert plain(response) == ("text/plain", "the request body is larger than 5 MB")


def test_without_slack_the_endpoints_path_still_answers_in_plain_text_not_a_page(settings, db):
    from podesk.wiring import build_web_app

    response = build_web_app(settings, db=db).test_client().post("/slack/events", data="{}")
    mimetype, text = plain(response)
    assert (response.status_code, mimetype) == (404, "text/plain") and "<" not in text
