"""The bot's harness: podesk's real web app (podesk.wiring.build_web_app) with the Slack endpoint,
the Web API at a local stand-in (SLACK_API_URL), signed requests as Slack sends them, and a cast of
people linked to Slack users."""
from __future__ import annotations

import threading

import pytest

from core import outbox
from tests.bot.desk import SECRET, TOKEN, Desk, make_cast
from tests.bot.signing import Signer
from tests.bot.standin import SlackStandIn


@pytest.fixture
def slack():
    """Slack's Web API on 127.0.0.1; a test fails if anything it was sent broke Block Kit's limits."""
    with SlackStandIn(token=TOKEN) as standin:
        yield standin
    assert standin.refused == [], f"Slack would refuse these: {[(c.method, c.body) for c in standin.refused]}"


@pytest.fixture
def signer(slack):
    return Signer(SECRET, response_urls=slack.response_url)


@pytest.fixture
def bot_settings(settings, slack):
    """A deployment with the Slack bot over HTTP and a dashboard address."""
    return settings.with_overrides(slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=slack.api_url,
                                   base_url="https://po.example.com")


@pytest.fixture
def web(bot_settings, db):
    """podesk's web app with every face (the outbox's Slack channel registered, as in production)."""
    from bot.app import background_of
    from bot.people import forget_strangers
    from podesk.wiring import build_web_app

    forget_strangers()  # who Slack said was not in podesk is remembered per process
    app = build_web_app(bot_settings, db=db)
    yield app
    # Listeners leave their Slack calls for after the answer: none may outlive this test's database.
    assert background_of(app.extensions["slack_bolt"]).idle(10), "a listener's work after its answer never finished"
    outbox.unregister("slack")


@pytest.fixture
def cast(db, slack):
    """Asha (admin), Ravi (requester), Priya and Omar (approvers, level 1), Vera (viewer), linked to
    Slack; levels: from 1,000 (Priya or Omar), from 20,000 (Asha); Acme Tools and two SKUs."""
    return make_cast(slack)


@pytest.fixture
def desk(web, slack, signer, cast):
    """Drive the bot as Slack would, through Flask's test client."""
    client = web.test_client()
    return Desk(slack, signer, cast, lambda req: client.post("/slack/events", data=req.body, headers=req.headers))


@pytest.fixture
def live(web, slack, signer, cast):
    """The same, over real HTTP: the app served on 127.0.0.1 with a delivery worker thread running."""
    from core import jobs
    from tests.live import serving

    stop = threading.Event()
    worker = threading.Thread(target=jobs.deliver_outbox, args=(stop,), daemon=True)
    with serving(web) as base:
        worker.start()
        try:
            yield Desk(slack, signer, cast, None, url=f"{base}/slack/events")
        finally:
            stop.set()
            outbox.nudge()
            worker.join(timeout=10)
