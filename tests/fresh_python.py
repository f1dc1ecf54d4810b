"""Run a short program in a fresh Python: what it imports is what a new process (or the page) would import."""

from __future__ import annotations

import subprocess
import sys


def run_python(program: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    """Run ``program`` with this interpreter in a new process; fail unless it exits 0; return its stdout.

    The failure message is the program's stderr, so an ``assert`` inside the program reads as the reason.
    """
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=timeout
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
