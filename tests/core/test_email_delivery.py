"""A sent PO travels through the outbox to a real SMTP server on 127.0.0.1 (aiosmtpd), PDF attached."""
import logging
import shutil
import ssl
import subprocess

import pytest

from core import outbox
from core.channels.email import EmailChannel, parse_smtp_url
from core.models import OutboxMessage
from tests.factories import line
from tests.integrations import approved_po, later, pdf_text, po_row
from tests.mail import AUTH_WARNING, MailServer, free_port

FROM = "orders@acme.example"
pytestmark = pytest.mark.filterwarnings(f"ignore:{AUTH_WARNING}:UserWarning")


@pytest.fixture
def server():
    made = MailServer().start()
    yield made
    made.stop()


def use(mail: MailServer | str, **options) -> EmailChannel:
    channel = EmailChannel(mail if isinstance(mail, str) else mail.url, FROM, timeout_seconds=5, **options)
    outbox.register("email", channel, outbox.DAY_POLICY)
    return channel


@pytest.fixture(autouse=True)
def _no_channel_left_behind():
    yield
    outbox.unregister("email")


@pytest.fixture
def company(api, people):
    api.as_(people.admin).patch("/settings", json={"company_name": "Acme Industries Pvt Ltd", "company_address": "42 MG Road\nBengaluru"})


def send(api, who, po, **body):
    response = api.as_(who).post(f"/purchase-orders/{po['id']}/send", json={"to": ["sales@boltnut.example"], **body})
    assert response.status_code == 202, response.json
    return response.json["email"]


def email_status(api, people, po, email):
    return api.as_(people.viewer).get(f"/purchase-orders/{po['id']}/emails/{email['id']}").json


def test_the_vendor_receives_the_email_with_the_po_pdf_attached(api, people, server, company):
    use(server)
    po = approved_po(api, people.requester, lines=[line("Steel bolts M8", 100, 10, tax_rate=18), line("Hex nuts M8", 200, "2.5", tax_rate=18),
                                                   line("Spring washers", 50, 1)])
    email = send(api, people.requester, po, cc=["accounts@boltnut.example"], bcc=["buyer@acme.example"], subject="Order " + po["po_number"])
    assert outbox.deliver_due("test").delivered == 1
    [received] = server.wait_for(1)
    assert received.mail_from == FROM
    assert sorted(received.rcpt_tos) == ["accounts@boltnut.example", "buyer@acme.example", "sales@boltnut.example"]
    message = received.message
    assert (message["To"], message["Cc"], message["Bcc"]) == ("sales@boltnut.example", "accounts@boltnut.example", None)
    assert message["Subject"] == f"Order {po['po_number']}"
    assert message["From"] == f"Acme Industries Pvt Ltd <{FROM}>"
    assert message["Reply-To"] == people.requester.user.email
    [attachment] = list(message.iter_attachments())
    assert (attachment.get_content_type(), attachment.get_filename()) == ("application/pdf", f"{po['po_number']}.pdf")
    text = pdf_text(attachment.get_content())
    for expected in (po["po_number"], "Steel bolts M8", "Hex nuts M8", "Spring washers", "Bolt & Nut Traders", "12 Nehru Place",
                     "Total (INR) ₹1,820.00"):
        assert expected in text
    assert email_status(api, people, po, email)["status"] == "sent"
    assert api.as_(people.viewer).get(f"/purchase-orders/{po['id']}").json["sent_at"] is not None


def test_the_body_is_the_text_that_was_queued(api, people, server):
    use(server)
    po = approved_po(api, people.requester)
    send(api, people.requester, po, body="Dear Bolt & Nut,\n\nplease deliver by Friday — ₹ prices as agreed.")
    outbox.deliver_due("test")
    body = server.wait_for(1)[0].message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.strip() == "Dear Bolt & Nut,\n\nplease deliver by Friday — ₹ prices as agreed."


def test_with_the_mail_server_down_the_email_waits_and_arrives_once_it_is_up(api, people):
    mail = MailServer(free_port())
    use(mail)
    po = approved_po(api, people.requester)
    email = send(api, people.requester, po)
    assert outbox.deliver_due("test").retrying == 1
    waiting = email_status(api, people, po, email)
    assert (waiting["status"], waiting["attempts"]) == ("queued", 1)
    assert f"127.0.0.1:{mail.port}" in waiting["last_error"]
    assert po_row(po).sent_at is None
    mail.start()
    try:
        assert outbox.deliver_due("test").delivered == 0  # not due yet: the outbox waits before retrying
        assert outbox.deliver_due("test", clock=later(5)).delivered == 1  # the first retry comes within 5 s
        assert outbox.deliver_due("test", clock=later(3600)).tried == 0
        assert len(mail.wait_for(1)) == 1
        sent = email_status(api, people, po, email)
        assert (sent["status"], sent["attempts"], sent["last_error"]) == ("sent", 2, None)
        assert po_row(po).sent_at.replace(microsecond=0) == sent_at(sent)
    finally:
        mail.stop()


def sent_at(email):
    import datetime as dt

    return dt.datetime.strptime(email["sent_at"], "%Y-%m-%dT%H:%M:%SZ")


def test_an_email_the_server_took_is_not_sent_again_when_its_outbox_row_comes_back(api, people, server):
    use(server)
    po = approved_po(api, people.requester)
    send(api, people.requester, po)
    outbox.deliver_due("test")
    row = OutboxMessage.get(OutboxMessage.kind == "email")
    # A worker killed after the server took the email but before it marked the row delivered.
    OutboxMessage.update(status="pending", delivered_at=None).where(OutboxMessage.id == row.id).execute()
    assert outbox.deliver_due("test").delivered == 1
    assert len(server.received) == 1


def test_the_message_id_is_made_from_the_outbox_key(api, people, server):
    use(server)
    po = approved_po(api, people.requester)
    send(api, people.requester, po)
    outbox.deliver_due("test")
    key = OutboxMessage.get(OutboxMessage.kind == "email").key
    assert server.wait_for(1)[0].message["Message-ID"] == f"<{key.replace(':', '.')}@acme.example>"


def test_the_first_successful_send_is_the_pos_sent_at(api, people, server):
    use(server)
    po = approved_po(api, people.requester)
    send(api, people.requester, po)
    outbox.deliver_due("test")
    first = po_row(po).sent_at
    send(api, people.requester, po, to=["other@boltnut.example"])
    outbox.deliver_due("test", clock=later(60))
    assert len(server.wait_for(2)) == 2
    assert po_row(po).sent_at == first


def test_the_pos_version_moves_on_when_it_gains_its_sent_at_and_only_then(api, people, server):
    use(server)
    po = approved_po(api, people.requester)
    send(api, people.requester, po)
    queued, stamped = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}"), po_row(po).updated_at
    outbox.deliver_due("test")
    sent = api.as_(people.viewer).get(f"/purchase-orders/{po['id']}")
    assert (queued.json["sent_at"], sent.json["sent_at"] is not None) == (None, True)
    assert (sent.json["version"], sent.headers["ETag"]) == (queued.json["version"] + 1, f'"{queued.json["version"] + 1}"')
    assert po_row(po).updated_at > stamped
    send(api, people.requester, po, to=["other@boltnut.example"])
    outbox.deliver_due("test", clock=later(60))
    assert len(server.wait_for(2)) == 2
    assert api.as_(people.viewer).get(f"/purchase-orders/{po['id']}").json["version"] == sent.json["version"]


def test_credentials_in_the_url_log_in_and_never_show_in_errors_or_logs(api, people, caplog):
    mail = MailServer(login=("podesk", "s3cret-pass")).start()
    try:
        use(mail)
        po = approved_po(api, people.requester)
        send(api, people.requester, po)
        outbox.deliver_due("test")
        assert mail.logins == [("podesk", "s3cret-pass")] and len(mail.wait_for(1)) == 1
        outbox.unregister("email")
        use(f"smtp://podesk:wrong-pass@127.0.0.1:{mail.port}")
        email = send(api, people.requester, po)
        with caplog.at_level(logging.DEBUG):
            assert outbox.deliver_due("test").retrying == 1
        error = email_status(api, people, po, email)["last_error"]
        assert "refused the SMTP user name or password" in error
        assert "wrong-pass" not in error and "wrong-pass" not in caplog.text
        assert "wrong-pass" not in repr(parse_smtp_url(f"smtp://podesk:wrong-pass@127.0.0.1:{mail.port}"))
    finally:
        mail.stop()


def test_a_recipient_refused_for_good_makes_the_email_failed_at_once(api, people, server):
    use(server)
    server.refuse = {"gone@boltnut.example"}
    po = approved_po(api, people.requester)
    email = send(api, people.requester, po, to=["gone@boltnut.example"])
    assert outbox.deliver_due("test").dead == 1
    failed = email_status(api, people, po, email)
    assert failed["status"] == "failed" and "550" in failed["last_error"]
    assert po_row(po).sent_at is None


def test_one_refused_recipient_does_not_keep_the_others_from_their_copy(api, people, server):
    use(server)
    server.refuse = {"gone@boltnut.example"}
    po = approved_po(api, people.requester)
    email = send(api, people.requester, po, to=["gone@boltnut.example", "sales@boltnut.example"])
    assert outbox.deliver_due("test").delivered == 1
    assert server.wait_for(1)[0].rcpt_tos == ["sales@boltnut.example"]
    assert email_status(api, people, po, email)["status"] == "sent"


def self_signed(tmp_path) -> tuple[str, str]:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    return str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a test certificate")
def test_starttls_is_used_when_the_server_offers_it(api, people, tmp_path):
    cert, key = self_signed(tmp_path)
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    mail = MailServer(tls_context=server_side, login=("podesk", "pw")).start()
    try:
        use(mail, tls_context=ssl.create_default_context(cafile=cert))
        po = approved_po(api, people.requester)
        send(api, people.requester, po)
        assert outbox.deliver_due("test").delivered == 1
        assert mail.wait_for(1)[0].encrypted
    finally:
        mail.stop()


def this_machines_address() -> str | None:
    """An address of this machine other than loopback (none in a sandbox without a network)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


@pytest.mark.skipif(this_machines_address() is None, reason="needs a network address other than loopback to stand for a remote server")
def test_the_password_is_never_sent_in_the_clear_to_a_server_elsewhere(api, people):
    address = this_machines_address()
    mail = MailServer(login=("podesk", "pw"))
    mail.host = address
    mail.start()
    try:
        use(f"smtp://podesk:pw@{address}:{mail.port}")
        po = approved_po(api, people.requester)
        email = send(api, people.requester, po)
        assert outbox.deliver_due("test").retrying == 1
        assert "does not offer STARTTLS" in email_status(api, people, po, email)["last_error"]
        assert mail.logins == [] and mail.received == []
    finally:
        mail.stop()


@pytest.mark.parametrize("url, problem", [
    ("http://mail.example.com", "must start with smtp:// or smtps://"),
    ("smtp://", "names no host"),
    ("smtp://mail.example.com:notaport", "not a number"),
])
def test_a_bad_smtp_url_is_refused_at_start_up_without_echoing_it(url, problem):
    with pytest.raises(ValueError, match=problem):
        parse_smtp_url(url)


def test_smtp_and_smtps_default_to_their_usual_ports():
    assert (parse_smtp_url("smtp://mail.example.com").port, parse_smtp_url("smtps://mail.example.com").port) == (25, 465)
    assert parse_smtp_url("smtps://u%40x:p%3Aw@mail.example.com").implicit_tls
    assert (parse_smtp_url("smtps://u%40x:p%3Aw@mail.example.com").username, parse_smtp_url("smtps://u%40x:p%3Aw@mail.example.com").password) == ("u@x", "p:w")
