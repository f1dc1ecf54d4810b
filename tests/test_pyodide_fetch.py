"""book/_static/pyodide/fetch.py: the pinned runtime is used only when its checksum matches."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

FETCH = Path(__file__).resolve().parents[1] / "book" / "_static" / "pyodide" / "fetch.py"


def _fetch_module():
    spec = importlib.util.spec_from_file_location("pyodide_fetch", FETCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_tarball_with_another_checksum_is_refused(tmp_path, monkeypatch):
    fetch = _fetch_module()
    bogus = tmp_path / "pyodide.tgz"
    bogus.write_bytes(b"not the pinned tarball")
    monkeypatch.setenv("MICROGRAD_PYODIDE_TARBALL", str(bogus))
    target = tmp_path / "runtime"
    target.mkdir()
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        fetch.ensure_runtime(target)
    assert not fetch.is_current(target)
    assert not any(target.iterdir()), "nothing is unpacked from a tarball that fails the check"


def test_the_stamp_must_name_the_pinned_checksum(tmp_path):
    fetch = _fetch_module()
    for name in fetch.FILES:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / ".fetched").write_text("an older version\n")
    assert not fetch.is_current(tmp_path)
    (tmp_path / ".fetched").write_text(fetch.TARBALL_SHA256 + "\n")
    assert fetch.is_current(tmp_path)
