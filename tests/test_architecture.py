"""The shape of the code: dependencies point one way, and every setting is documented."""
import dataclasses
import re
from pathlib import Path

from core.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


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
