"""Vendored front-end files are exactly what the lock file pins.

The lock's `integrity` hashes the npm *tarball*, not a file inside it, so the chain is checked in
two links: `make assets` (after `npm ci` verified the tarball against the lock) records each
file's own SHA-512 in web/static/vendor/MANIFEST.json beside the package, version and tarball
integrity; these tests check each file against the manifest and the manifest against
package-lock.json and package.json, offline. (scripts/vendor_assets.py says how to re-check the
tarball link by hand with `npm pack`.)
"""
import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "web" / "static" / "vendor"
PACKAGE = json.loads((ROOT / "package.json").read_text())
LOCK = json.loads((ROOT / "package-lock.json").read_text())["packages"]
MANIFEST = json.loads((VENDOR / "MANIFEST.json").read_text())["files"]


def sha512(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_every_front_end_dependency_is_pinned_to_the_exact_version_the_lock_holds():
    for name, wanted in PACKAGE["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", wanted), f"{name} is not pinned exactly: {wanted}"
        assert LOCK[f"node_modules/{name}"]["version"] == wanted
        assert LOCK[f"node_modules/{name}"]["integrity"].startswith("sha512-")


def test_htmx_is_a_2_x_release():
    assert PACKAGE["dependencies"]["htmx.org"].startswith("2.")


def test_every_file_in_the_vendor_folder_is_in_the_manifest_and_every_listed_file_is_there():
    present = {p.name for p in VENDOR.iterdir() if p.name != "MANIFEST.json"}
    assert present == set(MANIFEST) == set(PACKAGE["vendor"])


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_a_vendored_file_hashes_to_what_the_manifest_recorded(name):
    assert sha512((VENDOR / name).read_bytes()) == MANIFEST[name]["sha512"]


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_the_manifest_names_the_locked_package_version_and_tarball_integrity(name):
    entry = MANIFEST[name]
    locked = LOCK[f"node_modules/{entry['package']}"]
    assert (entry["version"], entry["integrity"]) == (locked["version"], locked["integrity"])
    assert PACKAGE["vendor"][name] == entry["package"] + "/" + entry["path"].removeprefix("package/")


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_a_vendored_file_equals_the_one_npm_installed_when_node_modules_is_present(name):
    entry = MANIFEST[name]
    installed = ROOT / "node_modules" / entry["package"]
    if not (installed / "package.json").is_file():
        pytest.skip("node_modules is absent (only `make assets` installs it); the manifest checks still ran")
    if json.loads((installed / "package.json").read_text())["version"] != entry["version"]:
        pytest.fail(f"node_modules holds another {entry['package']} than the lock: run `make assets`")
    source = installed / entry["path"].removeprefix("package/")
    assert sha512(source.read_bytes()) == entry["sha512"]
