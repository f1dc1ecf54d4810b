"""Fetch the pinned Pyodide runtime that runs the book's exercises in the page (see README.md).

    python book/_static/pyodide/fetch.py            # download, verify, unpack beside this script
    MICROGRAD_PYODIDE_TARBALL=/path/pyodide-314.0.8.tgz python book/_static/pyodide/fetch.py   # offline

The npm package ``pyodide`` is downloaded from the npm registry with Python's ``urllib`` (no node
or npm needed), its SHA-256 is checked against ``TARBALL_SHA256``, and the five files the book
serves are unpacked here. The book's Sphinx extension (``_ext/exercise_editor.py``) calls
``ensure_runtime()`` at the start of every build, so ``make book`` fetches it once per checkout.
To change version: edit VERSION and TARBALL_SHA256, run this script, run the browser tests.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "314.0.8"
TARBALL_URL = f"https://registry.npmjs.org/pyodide/-/pyodide-{VERSION}.tgz"
TARBALL_SHA256 = "9a52704e0ae5b07aaacb8e4fed9f1658e8024694a078695ea45ac79dee4cefcb"
# what the Web Worker loads: the loader, the compiled CPython, the standard library, the lock file
FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
HERE = Path(__file__).resolve().parent
STAMP = HERE / ".fetched"


def is_current(folder: Path = HERE) -> bool:
    """True when the folder holds this version's files (the stamp names the tarball's checksum)."""
    stamp = folder / STAMP.name
    return (
        stamp.exists()
        and stamp.read_text().strip() == TARBALL_SHA256
        and all((folder / name).exists() for name in FILES)
    )


def _download() -> bytes:
    local = os.environ.get("MICROGRAD_PYODIDE_TARBALL")
    if local:
        return Path(local).read_bytes()
    print(f"fetching {TARBALL_URL} (6.5 MB, once per checkout)", file=sys.stderr)
    try:
        with urllib.request.urlopen(TARBALL_URL, timeout=120) as response:  # noqa: S310  (a fixed https URL)
            return response.read()
    except OSError as error:
        raise RuntimeError(
            f"could not download Pyodide {VERSION} from {TARBALL_URL} ({error}). The book's in-page "
            "exercises need it once per checkout: retry with a network, or download that file elsewhere "
            "and set MICROGRAD_PYODIDE_TARBALL to its path."
        ) from error


def ensure_runtime(folder: Path = HERE) -> None:
    """Download, verify and unpack the runtime into ``folder`` unless it is already there."""
    if is_current(folder):
        return
    data = _download()
    digest = hashlib.sha256(data).hexdigest()
    if digest != TARBALL_SHA256:
        raise RuntimeError(f"Pyodide tarball checksum mismatch: expected {TARBALL_SHA256}, got {digest}")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for name in FILES:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise RuntimeError(f"the Pyodide tarball has no package/{name}")
            (folder / name).write_bytes(member.read())
    (folder / STAMP.name).write_text(TARBALL_SHA256 + "\n")


if __name__ == "__main__":
    ensure_runtime()
    print(f"Pyodide {VERSION} is in {HERE}")
