"""What the HTTP path does once per app instead of once per request must not change what a caller sees."""
import datetime as dt
import json
from decimal import Decimal

from core.fields import json_bytes, json_default


def test_the_fast_json_encoding_is_the_json_default_encoding():
    value = {"amount": Decimal("1680.00"), "rate": Decimal("0.000001"), "at": dt.datetime(2026, 11, 20, 10, 42, 7, 123456),
             "day": dt.date(2026, 11, 20), "wait": dt.timedelta(minutes=2), "name": "Tōkyō ₹ \"quoted\" </script>",
             "nested": [{"n": 1, "ok": True, "none": None}], 7: "an int key", "big": 2**70}
    assert json.loads(json_bytes(value)) == json.loads(json.dumps(value, default=json_default))


def test_api_answers_carry_no_session_cookie_and_pages_still_do(app, api, people):
    assert "Set-Cookie" not in api.as_(people.viewer).get("/purchase-orders").headers
    page = app.test_client().get("/sign-in")
    assert page.status_code == 200 and "podesk_session" in page.headers.get("Set-Cookie", "")
