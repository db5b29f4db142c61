"""Copy the front-end files package.json's "vendor" map names from node_modules into web/static/vendor/.

Run by `make assets` right after `npm ci`. The integrity scheme, and why it has two hashes:
package-lock.json's `integrity` is the SHA-512 of the package's *tarball*, not of any file in it,
so it cannot be compared with a vendored file directly. `npm ci` refuses a tarball whose hash
differs from the lock, and this script then copies the file out of what npm unpacked and records,
in web/static/vendor/MANIFEST.json, the package, its locked version and tarball integrity, the
file's path inside the tarball, and the file's own SHA-512. tests/web/test_assets.py then checks,
offline, each vendored file against the manifest and the manifest against package-lock.json; anyone
can re-check the chain with `npm pack htmx.org@<version>` (the tarball's hash is the lock's
integrity, and the file at `path` in it hashes to `sha512`).
"""
from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "web" / "static" / "vendor"
MANIFEST = VENDOR_DIR / "MANIFEST.json"


def sri_sha512(data: bytes) -> str:
    """The hash in the form npm and Subresource Integrity write it: `sha512-<base64>`."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def split_source(source: str) -> tuple[str, str]:
    """`htmx.org/dist/htmx.min.js` → (`htmx.org`, `dist/htmx.min.js`); scoped names keep their scope."""
    parts = source.split("/")
    cut = 2 if source.startswith("@") else 1
    return "/".join(parts[:cut]), "/".join(parts[cut:])


def vendor(root: Path = ROOT) -> dict:
    """Copy every vendored file and return the manifest describing them."""
    package = json.loads((root / "package.json").read_text())
    lock = json.loads((root / "package-lock.json").read_text())["packages"]
    files = {}
    for name, source in sorted(package["vendor"].items()):
        pkg, inner = split_source(source)
        locked = lock[f"node_modules/{pkg}"]
        installed = json.loads((root / "node_modules" / pkg / "package.json").read_text())
        if installed["version"] != locked["version"]:
            sys.exit(f"node_modules has {pkg} {installed['version']}, the lock {locked['version']}: run npm ci")
        data = (root / "node_modules" / pkg / inner).read_bytes()
        (VENDOR_DIR / name).write_bytes(data)
        files[name] = {
            "package": pkg,
            "version": locked["version"],
            "integrity": locked["integrity"],
            "path": f"package/{inner}",
            "sha512": sri_sha512(data),
        }
    return {"about": "written by `make assets`; see scripts/vendor_assets.py", "files": files}


def main() -> None:
    """Vendor the files, drop ones no longer listed, and write the manifest."""
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    manifest = vendor()
    for stale in VENDOR_DIR.iterdir():
        if stale.name in manifest["files"] or stale == MANIFEST:
            continue
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    for name, entry in manifest["files"].items():
        print(f"vendored {name} from {entry['package']} {entry['version']}")


if __name__ == "__main__":
    main()
