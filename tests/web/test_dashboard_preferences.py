"""Your settings (`/settings`): a person chooses the timezone and locale their dates and money are shown in."""
import re

from core.models import AuditEvent, User
from core.services.users import learn_slack_preferences, link_slack_id, user_by_email
from tests.demo_data import database_url, demo_template, po_id  # noqa: F401 - fixtures
from tests.web.dashboard_client import PRIYA, csrf_of, post_form, signed_in, text


def selected(page: str, name: str) -> str:
    select = re.search(rf'<select id="pref-{name}".*?</select>', page, re.S).group(0)
    return re.search(r'<option value="([^"]*)" selected>', select).group(1)


def test_the_settings_page_shows_the_timezone_and_locale_in_use(app):
    page = text(signed_in(app, PRIYA).get("/settings"))
    assert (selected(page, "timezone"), selected(page, "locale")) == ("Asia/Kolkata", "en_IN")
    assert '<label for="pref-timezone">Timezone</label>' in page and "Asia/Tokyo (UTC+09:00)" in page
    assert "German (Germany) · Deutsch (Deutschland)" in page
    assert 'href="/settings" aria-current="page">Your settings</a>' in page


def test_a_chosen_timezone_and_locale_are_kept_audited_and_shown_on_every_page(app):
    client = signed_in(app, PRIYA)
    saved = post_form(client, "/settings", "/settings", timezone="America/New_York", locale="de_DE")
    assert saved.status_code == 303 and saved.headers["Location"] == "/settings"
    page = text(client.get("/settings"))
    assert "Saved. Times are shown in America/New_York; dates and money as in German (Germany)" in page
    assert (selected(page, "timezone"), selected(page, "locale")) == ("America/New_York", "de_DE")
    assert "You chose this." in page
    po = text(client.get(f"/purchase-orders/{po_id('Drills for the maintenance crew')}"))
    assert "43.896,00\u00a0₹" in po
    assert "Times are in America/New_York" in text(client.get("/"))
    priya = user_by_email(PRIYA)
    event = AuditEvent.select().where(AuditEvent.action == "preferences_set", AuditEvent.actor == priya.id).get()
    assert event.changes["timezone"] == ["Asia/Kolkata", "America/New_York"]


def test_a_value_that_is_not_a_timezone_is_refused_on_its_field_and_nothing_changes(app):
    client = signed_in(app, PRIYA)
    refused = post_form(client, "/settings", "/settings", timezone="Mars/Olympus", locale="xx_YY_ZZ")
    page = text(refused)
    assert refused.status_code == 422 and "Nothing was saved" in page
    assert re.search(r'<select id="pref-timezone"[^>]*aria-describedby="pref-timezone-hint pref-timezone-error" aria-invalid="true"', page)
    assert '<span id="pref-timezone-error" class="field-error">&#39;Mars/Olympus&#39; is not a known timezone' in page
    assert '<span id="pref-locale-error" class="field-error">&#39;xx_YY_ZZ&#39; is not a known locale' in page
    priya = user_by_email(PRIYA)
    assert (priya.timezone, priya.locale, priya.timezone_chosen) == ("Asia/Kolkata", "en_IN", True)


def test_saving_settings_without_a_csrf_token_is_refused_and_changes_nothing(app):
    client = signed_in(app, PRIYA)
    refused = client.post("/settings", data={"timezone": "Asia/Tokyo"})
    assert refused.status_code == 400
    assert user_by_email(PRIYA).timezone == "Asia/Kolkata"


def test_a_slack_users_timezone_follows_slack_until_they_choose_one(app):
    User.update(timezone_chosen=False).where(User.email == PRIYA).execute()  # as if Slack had given it
    priya = learn_slack_preferences(link_slack_id(user_by_email(PRIYA), "U0PRIYA"), timezone="Europe/Berlin")
    assert priya.timezone == "Europe/Berlin"
    client = signed_in(app, PRIYA)
    page = text(client.get("/settings"))
    assert "From your Slack profile until you choose one here." in page
    post_form(client, "/settings", "/settings", timezone="Asia/Kolkata")
    assert learn_slack_preferences(priya, timezone="Europe/Paris").timezone == "Asia/Kolkata"


def test_an_unset_timezone_stays_unset_when_only_the_locale_is_chosen(app):
    User.update(timezone=None, timezone_chosen=False).where(User.email == PRIYA).execute()
    client = signed_in(app, PRIYA)
    form = client.get("/settings")
    assert selected(text(form), "timezone") == ""  # "Not set: UTC"
    client.post("/settings", data={"csrf_token": csrf_of(form), "timezone": "", "locale": "en_GB"})
    priya = user_by_email(PRIYA)
    assert (priya.timezone, priya.timezone_chosen, priya.locale) == (None, False, "en_GB")
