"""Signed requests as Slack sends them, checked against slack_sdk's own SignatureVerifier."""
import json
import time
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from tests.bot import payloads
from tests.bot.signing import Signer

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def verifier_accepts(request) -> bool:
    return SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)


def test_a_signed_slash_command_is_accepted():
    request = Signer(SECRET).command("new", user_id="U0ANN")
    assert verifier_accepts(request)
    fields = parse_qs(request.text)
    assert fields["command"] == ["/po"] and fields["text"] == ["new"] and fields["user_id"] == ["U0ANN"]


def test_a_request_signed_with_another_secret_is_refused():
    assert not verifier_accepts(Signer(SECRET).command("help", user_id="U0ANN", secret="not-the-secret"))


def test_a_request_older_than_five_minutes_is_refused_and_one_just_inside_is_accepted():
    now = int(time.time())
    assert not verifier_accepts(Signer(SECRET).command("help", user_id="U0ANN", timestamp=now - 301))
    assert verifier_accepts(Signer(SECRET).command("help", user_id="U0ANN", timestamp=now - 290))


def test_an_interactive_payload_travels_as_a_json_form_field_with_a_response_url():
    signer = Signer(SECRET, response_urls=lambda: "http://127.0.0.1:1/response/7")
    message = {"ts": "1700000000.000100", "blocks": [{"type": "actions", "block_id": "po", "elements": [
        {"type": "button", "action_id": "approve", "value": "PO-00042"}]}]}
    request = signer.interactive(payloads.block_actions("U0ANN", "approve", message=message,
                                                        channel_id="D00000001"))
    assert verifier_accepts(request)
    payload = json.loads(parse_qs(request.text)["payload"][0])
    assert payload["actions"][0] | {"action_ts": None} == {
        "action_id": "approve", "block_id": "po", "type": "button", "value": "PO-00042", "action_ts": None}
    assert payload["response_url"] == "http://127.0.0.1:1/response/7"


def test_an_event_and_its_redelivery_share_the_event_id_and_carry_the_retry_headers():
    signer = Signer(SECRET)
    first = signer.event(payloads.app_mention("U0ANN", "status PO-00042"))
    again = signer.retry(first, retry_num=1)
    assert verifier_accepts(first) and verifier_accepts(again)
    assert json.loads(again.body)["event_id"] == json.loads(first.body)["event_id"]
    assert again.headers["X-Slack-Retry-Num"] == "1" and "X-Slack-Retry-Num" not in first.headers
