"""One Chromium for the whole session, driving the built book over a local HTTP server.

- The book is served from ``_build/html`` on 127.0.0.1 (as GitHub Pages would serve it);
  no other host resolves, so no test can depend on a CDN.
- Chromium is Debian's (``/usr/bin/chromium``, or ``$CHROMIUM``). Without it the tests fail
  when ``CI=true`` and are skipped, loudly, elsewhere.
- A failing test leaves a screenshot and the page's console log in ``_build/browser-failures/``.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser.book import FAILURES, HTML, Page, pages

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Only the local server resolves: a request to any other host fails at once, as it would offline.
# (Cheaper than intercepting every request in Python, which doubled page-load times.)
BLOCK_OTHER_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
IN_CI = os.environ.get("CI", "").lower() == "true"
_skip_reason: list[str] = []


def chromium_path() -> str | None:
    """$CHROMIUM, else Debian's /usr/bin/chromium, else whatever `chromium` is on PATH."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _unavailable(reason: str) -> None:
    """Fail in CI, skip (loudly, see the terminal summary) elsewhere."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the browser tests are required)", pytrace=False)
    _skip_reason.append(reason)
    pytest.skip(f"BROWSER TESTS NOT RUN: {reason}")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    if _skip_reason:
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        terminalreporter.write_line(f"BROWSER TESTS WERE SKIPPED: {_skip_reason[0]}", red=True, bold=True)
        terminalreporter.write_line(
            "Install Chromium (apt-get install chromium) to run them.", red=True, bold=True
        )
        terminalreporter.write_line(bar, red=True, bold=True)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """The base URL of the built book, served over HTTP from _build/html."""
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built book in {HTML}: run `make book` first", pytrace=False)
    shutil.rmtree(FAILURES, ignore_errors=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(HTML)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@dataclass
class Tab:
    """The one browser page, with everything it reported since the last navigation."""

    page: object
    base: str
    console: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    blocked: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    book_page: Page | None = None

    def goto(self, path: str) -> None:
        """Open a page of the book (path relative to the site) and wait until it has loaded."""
        self.console.clear()
        self.page_errors.clear()
        self.blocked.clear()
        self.missing.clear()
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response.status if response else '?'}"

    def is_local(self, url: str) -> bool:
        return url.startswith(self.base)

    def is_favicon_probe(self, url: str) -> bool:
        """Chromium asks for /favicon.ico by itself on a page without an icon link (the redirecting
        index.html); the page did not ask for it, and on GitHub Pages that URL is outside the book."""
        return url == self.base + "favicon.ico"

    def javascript_errors(self) -> list[str]:
        """Uncaught exceptions, console errors and failed local loads (blocked external loads are allowed)."""
        errors = [f"uncaught exception: {error}" for error in self.page_errors]
        for message in self.console:
            if message.type != "error":
                continue
            source = message.location.get("url", "")
            if message.text.startswith("Failed to load resource") and source and not self.is_local(source):
                continue  # a CDN load we blocked: allowed, the page must work without it
            if self.is_favicon_probe(source):
                continue
            errors.append(f"console error: {message.text} (at {source})")
        errors += [f"failed to load {url}: {why}" for url, why in self.missing]
        return errors

    def log(self) -> str:
        lines = [f"page: {self.page.url}"]
        lines += [
            f"[{m.type}] {m.text}  ({m.location.get('url', '')}:{m.location.get('lineNumber', '')})"
            for m in self.console
        ]
        lines += [f"[uncaught] {error}" for error in self.page_errors]
        lines += [f"[blocked external request] {url}" for url in self.blocked]
        lines += [f"[failed local request] {url}: {why}" for url, why in self.missing]
        return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the whole session (tests of a single page, built in the test, use it directly)."""
    executable = chromium_path()
    if executable is None:
        _unavailable("Chromium was not found (looked at $CHROMIUM, /usr/bin/chromium, PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (pip install -r requirements.txt)")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=[*CHROMIUM_ARGS, BLOCK_OTHER_HOSTS], headless=True
        )
        yield chromium
        chromium.close()


def page_with_error_log(browser) -> object:
    """A new page of ``browser`` whose ``errors`` list collects its JavaScript errors and console errors
    (for tests of a single page built in the test, with ``set_content``)."""
    page = browser.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    return page


@pytest.fixture(scope="session")
def tab(site: str, browser) -> Iterator[Tab]:
    """One context, one page for the whole session."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    current = Tab(page, site)

    def response(resp) -> None:
        if current.is_local(resp.url) and resp.status >= 400 and not current.is_favicon_probe(resp.url):
            current.missing.append((resp.url, f"HTTP {resp.status}"))

    def failed(request) -> None:
        if request.failure == "net::ERR_ABORTED":
            return  # the page was left (a click) before this load finished: not a missing file
        if current.is_local(request.url):
            current.missing.append((request.url, request.failure))
        elif not request.url.startswith(("data:", "blob:")):
            current.blocked.append(request.url)

    page.on("console", lambda message: current.console.append(message))
    page.on("pageerror", lambda error: current.page_errors.append(error))
    page.on("response", response)
    page.on("requestfailed", failed)
    yield current
    context.close()


@pytest.fixture(scope="module", params=pages(), ids=str)
def visit(request, tab: Tab) -> Tab:
    """The tab, opened on one page of the book; tests of the same page share the visit."""
    page: Page = request.param
    tab.goto(page.html_path)
    tab.book_page = page
    return tab


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, keep a screenshot and the console log of the page the test was looking at."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    current = item.funcargs.get("visit") or item.funcargs.get("tab")
    if current is None:
        return
    FAILURES.mkdir(parents=True, exist_ok=True)
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in item.nodeid.split("::", 1)[-1])
    try:
        current.page.screenshot(path=str(FAILURES / f"{stem}.png"), full_page=True)
    except Exception as error:  # the page may be gone; the log still helps
        (FAILURES / f"{stem}.png.txt").write_text(f"no screenshot: {error}\n")
    (FAILURES / f"{stem}.console.log").write_text(current.log(), encoding="utf-8")
    report.sections.append(("browser", f"screenshot and console log: {FAILURES / stem}.*"))
