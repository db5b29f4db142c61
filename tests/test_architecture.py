"""The shape of the code: dependencies point one way, and every setting is documented."""
import dataclasses
import inspect
import re
from pathlib import Path

from core.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


# core.services' functions that come before there is an acting user, or that are the check itself.
NO_ACTOR_FIRST = {"sign_in", "check_sign_in_link", "issue_sign_in_link", "redeem_sign_in_link", "set_preferences", "require_role"}


def test_every_action_core_services_offers_takes_the_acting_user_first():
    from core import services

    functions = {name: getattr(services, name) for name in services.__all__ if inspect.isfunction(getattr(services, name))}
    without = sorted(name for name, f in functions.items()
                     if name not in NO_ACTOR_FIRST and next(iter(inspect.signature(f).parameters)) != "actor")
    assert without == []


def test_writes_with_no_acting_user_are_offered_by_their_own_namespaces_only():
    from core import operator, services, slack_bookkeeping

    assert set(operator.__all__) == {"add_user", "create_api_key", "revoke_api_key", "set_password"}
    assert set(slack_bookkeeping.__all__) == {"forget_slack_events", "learn_slack_preferences", "link_slack_id", "once_per_slack_event",
                                              "remember_slack_messages", "tell_in_slack"}
    assert set(services.__all__) & (set(operator.__all__) | set(slack_bookkeeping.__all__)) == set()


def test_every_environment_variable_the_settings_read_is_documented_in_the_readme():
    source = (ROOT / "core" / "config.py").read_text()
    variables = set(re.findall(r'get\("([A-Z_]+)"\)', source))
    assert len(variables) >= len(dataclasses.fields(Settings)) - 1
    readme = (ROOT / "README.md").read_text()
    undocumented = sorted(v for v in variables if f"`{v}`" not in readme)
    assert undocumented == []


def test_nothing_outside_the_harness_and_config_reads_the_environment():
    readers = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or path.parts[-2] == "bench" or path.name == Path(__file__).name:
            continue
        text = path.read_text()
        if "os.environ" in text or "os.getenv" in text:
            readers.append(str(path.relative_to(ROOT)))
    assert sorted(readers) == ["core/config.py", "tests/conftest.py"]
