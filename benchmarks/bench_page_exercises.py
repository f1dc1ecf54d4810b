"""The exercises in the published page: what a page costs before any click, the first Run, a warm check.

    .venv/bin/python benchmarks/bench_page_exercises.py                 # the book in _build/
    BOOK_BUILD=/tmp/me/book/_build .venv/bin/python benchmarks/bench_page_exercises.py

Serves the built book on 127.0.0.1 (every other host blocked, as offline) and drives headless
Chromium on chapter 4:

- **added bytes per page**: editor.js + editor.css + the page's inline exercise data, i.e. what a
  chapter page downloads for its editors before anyone presses Run (the runtime is not fetched);
- **cold start**: a fresh browser profile, click Run on exercise 4.2 (the reference solution typed
  in) until the ✅ shows: download, compile and start Python, unpack the package, check;
- **warm check**: the same Run again, `--repeat` times (click to verdict, and the time Python took).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from micrograd.exercises import registry  # noqa: E402
from micrograd.exercises.core import solution_source  # noqa: E402
from tests.browser.book import HTML  # noqa: E402

PAGE = "notebooks/04_backward.html"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def added_bytes(html_path: Path) -> dict[str, int]:
    """Bytes a chapter page loads for its editors before any click."""
    text = html_path.read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="micrograd-exercise-data">.*?</script>', text, re.S)
    static = HTML / "_static" / "exercise-editor"
    return {
        "editor.js": (static / "editor.js").stat().st_size,
        "editor.css": (static / "editor.css").stat().st_size,
        "inline exercise data": len(data.group(0).encode()) if data else 0,
    }


def run_until_verdict(page, editor, timeout_s: float = 120) -> float:
    started = time.perf_counter()
    editor.locator("button.micrograd-run").click()
    deadline = started + timeout_s
    while editor.get_attribute("data-verdict") in (None, "running"):
        if time.perf_counter() > deadline:
            raise TimeoutError("no verdict")
        page.wait_for_timeout(20)
    return time.perf_counter() - started


def next_page(base: str, context) -> None:
    """Another chapter in the same browser: the runtime comes from the browser's cache."""
    page = context.new_page()
    page.goto(base + PAGE)
    editor = page.locator('[data-exercise="4.2"]')
    wall = run_until_verdict(page, editor)
    boot = int(editor.get_attribute("data-boot-ms"))
    print(f"next page, same browser: {wall:.1f} s click to verdict (Python up in {boot / 1000:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="warm checks (default 5)")
    parser.add_argument(
        "--cold", type=int, default=2, help="cold starts, each in a fresh profile (default 2)"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sizes = added_bytes(HTML / PAGE)
    print(f"added bytes on {PAGE} before any click: {sum(sizes.values()):,} ({sizes})")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(HTML)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    reference = solution_source(registry()["4.2"]) + '\n\n\ncheck("4.2", topo_sort)\n'
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            ],
        )
        for attempt in range(args.cold):
            context = browser.new_context()  # a fresh profile: nothing cached
            page = context.new_page()
            page.goto(base + PAGE)
            editor = page.locator('[data-exercise="4.2"]')
            editor.locator("textarea").fill(reference)
            cold = run_until_verdict(page, editor)
            verdict = editor.get_attribute("data-verdict")
            boot = int(editor.get_attribute("data-boot-ms"))
            first = int(editor.get_attribute("data-run-ms"))
            print(
                f"cold start {attempt + 1}: {cold:.1f} s click to {verdict} "
                f"(Python up in {boot / 1000:.1f} s, first check {first} ms)"
            )
            if attempt == args.cold - 1:
                walls, pythons = [], []
                for _ in range(args.repeat):
                    walls.append(run_until_verdict(page, editor))
                    pythons.append(int(editor.get_attribute("data-run-ms")) / 1000)
                print(
                    f"warm check (4.2, {args.repeat} runs): median {statistics.median(walls):.3f} s click to "
                    f"verdict, max {max(walls):.3f} s; in Python median {statistics.median(pythons):.3f} s"
                )
            if attempt == args.cold - 1:
                next_page(base, context)
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
