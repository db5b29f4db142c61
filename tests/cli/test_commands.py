"""The podesk command, run as a separate process exactly as a user runs it."""
import subprocess
import sys

import pytest

from tests.factories import ApiClient


def podesk(database_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "podesk", "--database-url", database_url, *args],
        input=stdin, capture_output=True, text=True, timeout=120,
    )


def test_init_db_is_safe_to_run_again(database_url):
    first = podesk(database_url, "init-db")
    again = podesk(database_url, "init-db")
    assert first.returncode == 0 and again.returncode == 0
    assert again.stdout.strip() == "schema is up to date"


def test_a_user_added_on_the_command_line_gets_a_key_that_opens_the_api(database_url, app):
    added = podesk(database_url, "user", "add", "--name", "Asha Admin", "--email", "Asha@Example.com", "--role", "admin")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip().isdigit()
    created = podesk(database_url, "api-key", "create", "--email", "asha@example.com")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("pdk_")
    response = ApiClient(app.test_client(), {"Authorization": f"Bearer {key}"}).get("/settings")
    assert response.status_code == 200


def test_a_revoked_key_no_longer_opens_the_api(database_url, app):
    podesk(database_url, "user", "add", "--name", "Ravi", "--email", "ravi@example.com", "--role", "requester")
    key = podesk(database_url, "api-key", "create", "--email", "ravi@example.com").stdout.strip().splitlines()[-1]
    revoked = podesk(database_url, "api-key", "revoke", key[:12])
    assert revoked.returncode == 0, revoked.stderr
    response = ApiClient(app.test_client(), {"Authorization": f"Bearer {key}"}).get("/settings")
    assert response.status_code == 401


@pytest.mark.parametrize("args, says", [
    (("user", "add", "--name", "X", "--email", "not-an-email", "--role", "admin"), "email"),
    (("user", "add", "--name", "X", "--email", "x@example.com", "--role", "boss"), "role"),
    (("api-key", "create", "--email", "nobody@example.com"), "does not exist"),
])
def test_bad_input_exits_2_with_one_clear_line(database_url, args, says):
    result = podesk(database_url, *args)
    assert result.returncode == 2
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3  # click's usage errors carry a usage line


def test_adding_the_same_email_twice_is_refused(database_url):
    podesk(database_url, "user", "add", "--name", "A", "--email", "a@example.com", "--role", "viewer")
    again = podesk(database_url, "user", "add", "--name", "B", "--email", "A@example.com", "--role", "viewer")
    assert again.returncode == 2
    assert "already exists" in again.stderr


def test_a_password_is_read_from_standard_input(database_url):
    podesk(database_url, "user", "add", "--name", "A", "--email", "a@example.com", "--role", "viewer")
    assert podesk(database_url, "user", "set-password", "--email", "a@example.com", stdin="correct horse\n").returncode == 0
    short = podesk(database_url, "user", "set-password", "--email", "a@example.com", stdin="short\n")
    assert short.returncode == 2 and "8 characters" in short.stderr


def test_a_users_timezone_and_locale_are_set_on_the_command_line(database_url, db):
    from core.queries import user_by_email

    podesk(database_url, "user", "add", "--name", "A", "--email", "a@example.com", "--role", "viewer")
    done = podesk(database_url, "user", "set-preferences", "--email", "A@example.com", "--timezone", "Asia/Kolkata", "--locale", "en-IN")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "a@example.com: timezone Asia/Kolkata, locale en_IN"
    user = user_by_email("a@example.com")
    assert (user.timezone, user.locale, user.timezone_chosen, user.locale_chosen) == ("Asia/Kolkata", "en_IN", True, True)


@pytest.mark.parametrize("args, says", [
    (("--timezone", "Mars/Olympus"), "timezone: 'Mars/Olympus' is not a known timezone"),
    (("--locale", "xx_YY_ZZ"), "locale: 'xx_YY_ZZ' is not a known locale"),
    ((), "give --timezone, --locale or both"),
])
def test_set_preferences_refuses_what_it_cannot_use_in_one_line(database_url, args, says):
    podesk(database_url, "user", "add", "--name", "A", "--email", "a@example.com", "--role", "viewer")
    refused = podesk(database_url, "user", "set-preferences", "--email", "a@example.com", *args)
    assert refused.returncode == 2 and says in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_demo_seeds_a_database_and_prints_a_working_admin_key(tmp_path):
    db_file = tmp_path / "demo.db"
    result = subprocess.run([sys.executable, "-m", "podesk", "demo", "--db", str(db_file), "--no-serve"],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    from core.config import Settings
    from web import create_app

    app = create_app(Settings(database_url=f"sqlite:///{db_file}", rate_limit_per_minute=0, secret_key="t"))
    client = ApiClient(app.test_client(), {"Authorization": f"Bearer {key}"})
    listed = client.get("/purchase-orders?per_page=200").json
    statuses = {po["status"] for po in listed["data"]}
    assert listed["meta"]["total"] >= 8
    assert {"draft", "approved"} <= statuses
    assert client.get("/vendors").json["meta"]["total"] == 5


def test_demo_prints_how_to_sign_in_to_the_dashboard_and_the_password_works(tmp_path):
    import re
    from pathlib import Path

    db_file = tmp_path / "demo.db"
    here = Path(__file__).resolve().parents[2]  # run from the checkout: its podesk, not an installed one
    result = subprocess.run([sys.executable, "-m", "podesk", "demo", "--db", str(db_file), "--no-serve"],
                            capture_output=True, text=True, timeout=120, cwd=here)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "dashboard:   http://127.0.0.1:5000/sign-in" in out
    assert re.search(r"priya@example\.com +approver", out) and re.search(r"vera@example\.com +viewer", out)
    password = re.search(r"^password: +(\S+)$", out, re.M).group(1)
    assert out.strip().splitlines()[-1].startswith("pdk_")  # the admin key stays the last line
    from core.config import Settings
    from web import create_app

    app = create_app(Settings(database_url=f"sqlite:///{db_file}", rate_limit_per_minute=0, secret_key="t"))
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").get_data(as_text=True)).group(1)
    signed = client.post("/sign-in", data={"csrf_token": token, "email": "vera@example.com", "password": password})
    assert signed.status_code == 303
    assert "Vera Viewer" in client.get("/").get_data(as_text=True)


def demo_client(database_url: str, key: str) -> ApiClient:
    from core.config import Settings
    from web import create_app

    app = create_app(Settings(database_url=database_url, rate_limit_per_minute=0, secret_key="t"))
    return ApiClient(app.test_client(), {"Authorization": f"Bearer {key}"})


def test_demo_seeds_the_database_database_url_names_sqlite_or_postgresql(database_url):
    result = podesk(database_url, "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    client = demo_client(database_url, result.stdout.strip().splitlines()[-1])
    listed = client.get("/purchase-orders?per_page=200").json
    assert listed["meta"]["total"] >= 8 and listed["meta"]["total_exact"] is True
    assert {"draft", "pending_approval", "approved", "rejected", "cancelled", "closed"} <= {po["status"] for po in listed["data"]}
    assert client.get("/vendors").json["meta"]["total"] == 5


def test_demo_refuses_a_database_that_holds_podesk_data_and_names_reset(database_url):
    podesk(database_url, "user", "add", "--name", "Real Person", "--email", "real@example.com", "--role", "admin")
    refused = podesk(database_url, "demo", "--no-serve")
    assert refused.returncode == 2
    assert "already holds podesk data (1 users)" in refused.stderr and "--reset" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_demo_with_reset_empties_podesks_tables_first_and_seeds_afresh(database_url):
    first = podesk(database_url, "demo", "--no-serve")
    old_key = first.stdout.strip().splitlines()[-1]
    again = podesk(database_url, "demo", "--no-serve", "--reset")
    assert again.returncode == 0, again.stderr
    client = demo_client(database_url, again.stdout.strip().splitlines()[-1])
    assert client.get("/vendors").json["meta"]["total"] == 5  # not 10: the first demo's rows are gone
    assert client.get("/purchase-orders?per_page=200").json["data"][-1]["po_number"] == "PO-00001"  # numbering restarted
    assert demo_client(database_url, old_key).get("/vendors").status_code == 401


def test_demo_reset_without_database_url_is_bad_usage(tmp_path):
    result = subprocess.run([sys.executable, "-m", "podesk", "demo", "--db", str(tmp_path / "d.db"), "--reset", "--no-serve"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--database-url" in result.stderr
    assert not (tmp_path / "d.db").exists()
