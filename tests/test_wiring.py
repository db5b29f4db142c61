"""The composition root installs the outbox channels a deployment is configured for."""
import pytest

from core import outbox
from core.config import Settings
from podesk.wiring import install_channels


@pytest.fixture(autouse=True)
def _clean():
    yield
    outbox.unregister("email")
    outbox.unregister("webhook")


def test_webhooks_are_always_delivered_and_email_only_with_an_smtp_server():
    assert install_channels(Settings()) == ["webhook"]
    assert outbox.enabled("webhook") and not outbox.enabled("email")
    assert install_channels(Settings(smtp_url="smtp://127.0.0.1:2525")) == ["email", "webhook"]
    assert outbox.enabled("email")


@pytest.mark.parametrize("url, problem", [
    ("http://mail.example.com", "must look like smtp://"),
    ("smtp://", "must look like smtp://"),
    ("smtp://u:hunter2@mail.example.com:port", "not a number"),
])
def test_a_bad_smtp_url_stops_start_up_with_a_message_that_does_not_repeat_it(url, problem):
    with pytest.raises(ValueError, match=problem) as raised:
        Settings.from_env({"PODESK_SMTP_URL": url}, env_file=None)
    assert "hunter2" not in str(raised.value)


def test_the_mail_from_address_defaults_to_podesk_at_the_public_host():
    assert Settings.from_env({"PODESK_BASE_URL": "https://po.acme.example/"}, env_file=None).resolved_mail_from == "podesk@po.acme.example"
    assert Settings.from_env({}, env_file=None).resolved_mail_from == "podesk@localhost"
    assert Settings.from_env({"PODESK_MAIL_FROM": "orders@acme.example"}, env_file=None).resolved_mail_from == "orders@acme.example"
    assert "hunter2" not in repr(Settings.from_env({"PODESK_SMTP_URL": "smtp://u:hunter2@mail.example.com"}, env_file=None))
