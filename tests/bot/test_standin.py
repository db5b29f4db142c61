"""The Slack stand-in, checked against the real client library (slack_sdk) over real HTTP."""
import threading
import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from tests.bot.standin import SlackStandIn
from tests.bot.workspace import BOT_USER_ID

TOKEN = "xoxb-podesk-test"


@pytest.fixture
def slack():
    with SlackStandIn(token=TOKEN) as standin:
        standin.add_user("U0ANN", email="ann@example.com", name="ann", tz="Asia/Kolkata", locale="en-IN")
        yield standin


@pytest.fixture
def client(slack):
    return WebClient(token=TOKEN, base_url=slack.api_url, timeout=5)


def test_a_posted_message_is_recorded_with_its_params_and_token(slack, client):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*PO-00042*"}}]
    resp = client.chat_postMessage(channel="C0BUYING", text="PO-00042 needs you", blocks=blocks)
    call = slack.wait_for("chat.postMessage")
    assert call.params["channel"] == "C0BUYING" and call.params["blocks"] == blocks
    assert call.authorization == f"Bearer {TOKEN}" and call.token == TOKEN
    assert resp["channel"] == "C0BUYING" and resp["message"]["text"] == "PO-00042 needs you"
    assert slack.messages_in("C0BUYING")[0]["ts"] == resp["ts"]


def test_message_timestamps_are_unique_and_increasing_in_slacks_format(slack, client):
    stamps = [client.chat_postMessage(channel="C0BUYING", text=str(i))["ts"] for i in range(3)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert all(len(ts.split(".")[1]) == 6 and ts.split(".")[0].isdigit() for ts in stamps)


def test_an_update_replaces_the_message_in_place_and_an_unknown_one_is_not_found(slack, client):
    posted = client.chat_postMessage(channel="U0ANN", text="Approve PO-00042?")
    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="✅ Approved")
    assert [m["text"] for m in slack.messages_in(posted["channel"])] == ["✅ Approved"]
    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel=posted["channel"], ts="1.000001", text="x")
    assert err.value.response["error"] == "message_not_found"


def test_a_dm_channel_is_stable_per_user_and_posting_to_a_user_id_lands_there(slack, client):
    slack.add_user("U0BEN", email="ben@example.com")
    first = client.conversations_open(users="U0ANN")["channel"]["id"]
    assert client.conversations_open(users="U0ANN")["channel"]["id"] == first
    assert client.conversations_open(users="U0BEN")["channel"]["id"] != first
    assert first.startswith("D")
    assert client.chat_postMessage(channel="U0ANN", text="hi")["channel"] == first


def test_users_info_gives_the_profile_and_the_locale_only_when_asked(slack, client):
    user = client.users_info(user="U0ANN")["user"]
    assert user["profile"]["email"] == "ann@example.com" and user["tz"] == "Asia/Kolkata"
    assert "locale" not in user
    assert client.users_info(user="U0ANN", include_locale=True)["user"]["locale"] == "en-IN"
    assert slack.calls_to("users.info")[1].params == {"user": "U0ANN", "include_locale": "1"}
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="U0NOBODY")


def test_a_user_is_found_by_email_whatever_its_case(client):
    assert client.users_lookupByEmail(email="Ann@Example.com")["user"]["id"] == "U0ANN"
    with pytest.raises(SlackApiError, match="users_not_found"):
        client.users_lookupByEmail(email="nobody@example.com")


def test_a_modal_opens_once_per_trigger_and_updates_by_view_id(slack, client):
    modal = {"type": "modal", "callback_id": "new_po", "title": {"type": "plain_text", "text": "New PO"},
             "blocks": []}
    opened = client.views_open(trigger_id="1.2.abc", view=modal)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "new_po"
    assert slack.wait_for("views.open").params["view"] == modal
    with pytest.raises(SlackApiError, match="exchanged_trigger_id"):
        client.views_open(trigger_id="1.2.abc", view=modal)
    updated = client.views_update(view_id=opened["id"], view={**modal, "callback_id": "receive"})
    assert updated["view"]["id"] == opened["id"] and updated["view"]["callback_id"] == "receive"


def test_the_home_tab_keeps_one_view_id_per_user(slack, client):
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]}
    first = client.views_publish(user_id="U0ANN", view=home)["view"]["id"]
    again = client.views_publish(user_id="U0ANN", view={**home, "blocks": []})["view"]["id"]
    assert first == again and slack.home_of("U0ANN")["blocks"] == []


def test_auth_test_names_the_bot_and_its_scopes(client):
    resp = client.auth_test()
    assert resp["user_id"] == BOT_USER_ID
    assert "chat:write" in resp.headers["X-OAuth-Scopes"]


def test_a_missing_or_wrong_token_is_refused_like_slack_does(slack):
    with pytest.raises(SlackApiError, match="invalid_auth"):
        WebClient(token="xoxb-wrong", base_url=slack.api_url).auth_test()
    with pytest.raises(SlackApiError, match="not_authed"):
        WebClient(base_url=slack.api_url).auth_test()


def test_methods_it_does_not_model_answer_ok(client):
    assert client.api_call("reactions.add", json={"name": "eyes"})["ok"] is True


def test_form_encoded_calls_are_parsed_like_json_ones(slack, client):
    client.api_call("chat.postMessage", data={"channel": "C0BUYING", "text": "x",
                                              "blocks": '[{"type": "divider"}]'})
    assert slack.wait_for("chat.postMessage").params["blocks"] == [{"type": "divider"}]


def test_a_rate_limited_call_raises_with_status_429_and_retry_after(slack, client):
    slack.rate_limit("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C0BUYING", text="x")
    assert err.value.response.status_code == 429 and err.value.response["error"] == "ratelimited"
    assert err.value.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="C0BUYING", text="x")["ok"]  # only the next call


def test_the_rate_limit_retry_handler_waits_retry_after_then_succeeds(slack):
    client = WebClient(token=TOKEN, base_url=slack.api_url,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    slack.rate_limit("chat.postMessage", retry_after=1)
    assert client.chat_postMessage(channel="C0BUYING", text="x")["ok"]
    limited, retried = slack.calls_to("chat.postMessage")
    assert (limited.status, retried.status) == (429, 200)
    assert retried.at - limited.at >= 1.0
    assert len(slack.messages_in("C0BUYING")) == 1


def test_a_scripted_error_or_server_error_hits_only_the_next_calls(slack, client):
    slack.fail("chat.postMessage", "channel_not_found", times=2)
    slack.server_error("users.info")
    for _ in range(2):
        with pytest.raises(SlackApiError, match="channel_not_found"):
            client.chat_postMessage(channel="C0GONE", text="x")
    with pytest.raises(SlackApiError) as err:
        client.users_info(user="U0ANN")
    assert err.value.response.status_code == 500
    assert client.chat_postMessage(channel="C0BUYING", text="x")["ok"]
    assert client.users_info(user="U0ANN")["ok"]


def test_a_held_call_waits_for_release_and_then_gets_its_answer(slack, client):
    hold = slack.hold("chat.postMessage")
    answers = []
    sender = threading.Thread(target=lambda: answers.append(client.chat_postMessage(channel="C0X", text="x")))
    sender.start()
    assert hold.wait_held().params["text"] == "x"
    assert answers == [] and slack.messages_in("C0X") == []
    hold.release()
    sender.join(timeout=5)
    assert answers[0]["ok"] and len(slack.messages_in("C0X")) == 1


def test_a_client_that_gives_up_on_a_held_call_leaves_slack_having_posted_it(slack):
    impatient = WebClient(token=TOKEN, base_url=slack.api_url, timeout=0.3)
    hold = slack.hold("chat.postMessage")
    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel="C0X", text="x")
    hold.release()
    slack.wait_answered(hold.wait_held())
    assert len(slack.messages_in("C0X")) == 1  # what a crash mid-delivery leaves behind


def test_posts_to_a_response_url_are_recorded(slack):
    url = slack.response_url()
    assert WebhookClient(url).send(text="Only you can see this", response_type="ephemeral").status_code == 200
    call = slack.wait_for("response_url")
    assert call.path == "/response/" + url.rsplit("/", 1)[1]
    assert call.params == {"text": "Only you can see this", "response_type": "ephemeral"}


def test_waiting_for_a_call_that_never_comes_fails_at_the_deadline(slack):
    started = time.monotonic()
    with pytest.raises(AssertionError, match="chat.delete"):
        slack.wait_for("chat.delete", timeout=0.2)
    assert 0.2 <= time.monotonic() - started < 2


def test_what_breaks_block_kits_limits_is_refused_as_slack_refuses_it(slack, client):
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    select = {"type": "input", "block_id": "pick", "label": {"type": "plain_text", "text": "Pick"}, "element": {
        "type": "static_select", "action_id": "p",
        "options": [{"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(101)]}}
    for blocks in ([section] * 51, [{**section, "text": {"type": "mrkdwn", "text": "x" * 3001}}]):
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="U0ANN", text="too much", blocks=blocks)
        assert refused.value.response["error"] == "invalid_blocks" and refused.value.response["response_metadata"]["messages"]
    for blocks in ([section] * 101, [select]):
        with pytest.raises(SlackApiError) as refused:
            client.views_publish(user_id="U0ANN", view={"type": "home", "blocks": blocks})
        assert refused.value.response["error"] == "invalid_arguments"
    assert WebhookClient(slack.response_url()).send(text="x", blocks=[section] * 51).status_code == 400
    assert len(slack.refused) == 5
    client.chat_postMessage(channel="U0ANN", text="fits", blocks=[section] * 50)
    client.views_publish(user_id="U0ANN", view={"type": "home", "blocks": [section] * 100})
    assert len(slack.refused) == 5
