"""The fuzzer: schemathesis against the live app, from our own OpenAPI document, every operation and
every check, as an admin and as a viewer, on the demo's data (SQLite, or PostgreSQL in its run).

The document must be exact enough that a request it admits is never refused for its shape and a
request it forbids is never accepted. A request it admits may still be refused for a rule no schema
can state (an inactive vendor, a taken code, the PO's current status); each operation lists those
refusals in `x-rule-errors`, and hooks.py's check lets only such refusals through. Generation is
deterministic (schemathesis.toml, plus the demo's real ids for half the path ids), so a red run is
the same on every machine. README: "The fuzzer".
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core import outbox, services
from core.config import Settings, sqlite_path
from core.db import bind, open_database
from core.demo import seed
from core.models import ALL_MODELS, Batch, Dimension, Invoice, PoEmail, PurchaseOrder, Sku, Vendor, Webhook
from core.operator import create_api_key
from core.queries import user_by_email
from tests.conftest import PG_URL
from tests.live import serving

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
ROLES = {"admin": "asha@example.com", "viewer": "vera@example.com"}
OPERATIONS = 51  # every operation of the document: a new one must be fuzzed too (raise this with it)


@pytest.fixture(scope="module")
def desk(database_url_template, tmp_path_factory):
    """The demo's data in a database of this module's own, and an API key per role."""
    if PG_URL:
        url = PG_URL
        db = bind(open_database(url))
        db.execute_sql("TRUNCATE " + ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS) + " RESTART IDENTITY CASCADE")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'podesk.db'}"
        shutil.copyfile(database_url_template, sqlite_path(url))
        db = bind(open_database(url))
    seed()
    keys = {role: create_api_key(email, name="fuzz")[0] for role, email in ROLES.items()}
    services.create_webhook(user_by_email(ROLES["admin"]), {"url": "http://127.0.0.1:9/podesk", "events": ["po.approved"]})
    ids = real_ids()
    db.close()
    yield url, keys, config_with(ids, tmp_path_factory.mktemp("fuzz-config"))


# Path parameters and the rows whose ids the fuzzer mixes into them: a generated id is almost never a
# row's, and then an operation's rules (approve, accept, mark exported…) are never reached.
ID_PARAMETERS = {"po_id": PurchaseOrder, "invoice_id": Invoice, "vendor_id": Vendor, "sku_id": Sku,
                 "dimension_id": Dimension, "batch_id": Batch, "webhook_id": Webhook, "email_id": PoEmail}
REAL_ID_SHARE = 0.5  # the other half stay generated: ids of no row, at the bounds and past them


def real_ids() -> dict[str, list[int]]:
    """Every id the demo's data has, per path parameter (the demo sends no email: no email ids)."""
    found = {name: [row.id for row in model.select(model.id).order_by(model.id)] for name, model in ID_PARAMETERS.items()}
    return {name: ids for name, ids in found.items() if ids}


def config_with(ids: dict[str, list[int]], folder: Path) -> Path:
    """schemathesis.toml and, after it, a dictionary of real ids for each path parameter."""
    lines = [(HERE / "schemathesis.toml").read_text(), ""]
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}]", f"values = {values}", ""]
    lines.append("[parameters]")
    lines += [f'"path.{name}" = {{ dictionary = "{name}", probability = {REAL_ID_SHARE} }}' for name in ids]
    config = folder / "schemathesis.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


@pytest.fixture(scope="module")
def live_url(desk):
    """The whole web app as `podesk serve` builds it, on a free port of 127.0.0.1 (threaded)."""
    from podesk.wiring import build_web_app

    # Mail is configured, so that /send reaches its rules; nothing is delivered (no worker runs here).
    settings = Settings(database_url=desk[0], secret_key="fuzz", rate_limit_per_minute=0, scheduler=False,
                        smtp_url="smtp://127.0.0.1:2525")
    try:
        with serving(build_web_app(settings)) as url:
            yield url
    finally:
        for kind in ("email", "webhook"):  # build_web_app registered the deployment's channels
            outbox.unregister(kind)


def schemathesis_command(url: str, key: str, config: Path = HERE / "schemathesis.toml") -> list[str]:
    """The fuzzer's command line (README: the same, by hand, against a running podesk)."""
    return [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(config),
            "run", f"{url}/api/v1/openapi.json", "--header", f"Authorization: Bearer {key}",
            "--checks", "all", "--exclude-checks", "positive_data_acceptance",  # hooks.py's stricter twin replaces it
            # One worker: CPython 3.11.7's ast.parse is not thread-safe (hypothesis parses lambdas), and one is as fast here.
            "--workers", "1", "--no-color", "--output-truncate", "false"]


@pytest.mark.timeout(780)  # minutes of fuzzing, and schemathesis itself is stopped at 600 s
@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_api_keeps_to_its_openapi_document(role, desk, live_url):
    env = {"SCHEMATHESIS_HOOKS": "tests.fuzz.hooks", "PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent)}
    run = subprocess.run(schemathesis_command(live_url, desk[1][role], desk[2]), cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    report = run.stdout + run.stderr
    print(report[-3000:])  # shown with -s, and under a failure
    assert run.returncode == 0, f"the fuzzer found problems as {role}:\n{report[-20000:]}"
    assert re.search(rf"Tested: {OPERATIONS}\b", report), report[-3000:]
    generated, passed = map(int, re.search(r"(\d+) generated, (\d+) passed", report).groups())
    assert generated == passed and generated >= 50 * OPERATIONS, report[-3000:]
