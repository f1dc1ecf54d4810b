"""The exercises of chapters 1-11 and 15, done in the published page (Python in the browser, offline).

Each chapter page is loaded once and all its exercises are run in that visit (Python starts
once per page, 10-20 s, while the page before is being checked): for every exercise, in page
order, the notebook's stub gives ⏳, a wrong answer gives ❌ and the reference solution (from
``solution(id)``), typed into the editor, gives ✅. The page must not fetch the runtime before
the first Run, must not ask any host but the local server, and must log no JavaScript error.
Chapter 4 also checks that a reload keeps the code, that Stop ends an endless loop and the next
Run works, and leaves screenshots of an editor in ``<build>/exercise-screenshots/``.
"""

from __future__ import annotations

import inspect
import re
import textwrap
import time

import pytest

from _ext.exercise_editor import EDITOR_CHAPTERS, NEEDS
from micrograd.exercises import registry
from micrograd.exercises.core import solution_source
from tests.browser.book import BUILD, HTML, pages
from tests.browser.conftest import Tab

BOOT_TIMEOUT_S = 90  # the first Run of a page: download, compile and start Python (10-20 s here)
RUN_TIMEOUT_S = 30
PAGES_AHEAD = 2  # pages whose Python starts while one is checked: the start-ups use both cores
SCREENSHOTS = BUILD / "exercise-screenshots"
DEF_LINE = re.compile(r"^def (\w+)\(", re.MULTILINE)

CHAPTER_PAGES = [page for page in pages() if page.chapter_number in EDITOR_CHAPTERS]


def _header(stub: str) -> str:
    """The stub's lines before its first ``def`` or ``answer =`` (the import line, if any)."""
    lines = []
    for line in stub.splitlines():
        if line.startswith(("def ", "class ", "answer")):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def _check_lines(stub: str) -> str:
    return "\n".join(line for line in stub.splitlines() if line.startswith("check("))


def _cell(stub: str, body: str) -> str:
    """The stub cell with its answer replaced by ``body``: import line, body, then the check call."""
    header = _header(stub)
    return (header + "\n\n\n" if header else "") + body.strip() + "\n\n\n" + _check_lines(stub) + "\n"


def reference_cell(exercise_id: str, stub: str) -> str:
    """What a reader who copied the reference solution into the cell would have."""
    return _cell(stub, solution_source(registry()[exercise_id]))


def _stub_name(stub: str) -> str | None:
    match = DEF_LINE.search(stub)
    return match.group(1) if match else None


def wrong_cell(exercise_id: str, stub: str) -> str:
    """A wrong answer: the registry's first wrong answer written as a function, where it has a
    source; else the stub's function returning 0.0 (or ``answer = None``), which every checker
    rejects (tests/test_exercises.py feeds them the same)."""
    exercise = registry()[exercise_id]
    name = _stub_name(stub)
    if exercise.kind == "value":
        for wrong in exercise.wrong_answers:
            try:
                if eval(repr(wrong)) == wrong:  # noqa: S307  (our own literals)
                    return _cell(stub, f"answer = {wrong!r}")
            except Exception:  # noqa: BLE001, S112
                continue
        return _cell(stub, "answer = None")
    for wrong in exercise.wrong_answers:
        if inspect.isfunction(wrong) and wrong.__name__ != "<lambda>" and name:
            try:
                source = inspect.getsource(wrong)
            except OSError:
                continue
            source = DEF_LINE.sub(f"def {name}(", textwrap.dedent(source), count=1)
            if source.startswith("def "):
                return _cell(stub, source)
    signature = stub[stub.index("def ") : stub.index("raise NotImplementedError")]
    return _cell(stub, signature + "return 0.0")


DEEP_CHAIN = """class Node:
    __slots__ = ("parent",)

    def __init__(self, parent):
        self.parent = parent


node = None
for _ in range(100_000):
    node = Node(node)
del node
"""


def _pyodide_fatal_report(text: str) -> bool:
    """The console lines Pyodide writes when a fatal error kills it (expected in one test)."""
    return "fatal error" in text or "Maximum call stack size exceeded" in text


class EditorPage:
    """The tab, on one chapter page, driving its exercise editors."""

    def __init__(self, tab) -> None:
        self.tab = tab
        self.page = tab.page
        self.requests: list[str] = []  # every request since, the Web Worker's included
        self.page.on("request", self._record)

    def _record(self, request) -> None:
        self.requests.append(request.url)

    def close(self) -> None:
        self.page.remove_listener("request", self._record)

    def editor(self, exercise_id: str):
        return self.page.locator(f'[data-exercise="{exercise_id}"]')

    def exercise_ids(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "[data-exercise]", "nodes => nodes.map(n => n.dataset.exercise)"
        )

    def type(self, exercise_id: str, code: str) -> None:
        self.editor(exercise_id).locator("textarea.micrograd-code").fill(code)

    def run(self, exercise_id: str, timeout_s: float = RUN_TIMEOUT_S) -> tuple[str, str]:
        """Press Run; wait for the verdict; return (verdict, output)."""
        self.editor(exercise_id).locator("button.micrograd-run").click()
        return self.verdict(exercise_id, timeout_s)

    def verdict(self, exercise_id: str, timeout_s: float = RUN_TIMEOUT_S) -> tuple[str, str]:
        """Wait until the exercise's run has a verdict; return (verdict, output)."""
        editor = self.editor(exercise_id)
        deadline = time.monotonic() + timeout_s
        while editor.get_attribute("data-verdict") in (None, "running"):
            assert time.monotonic() < deadline, f"{exercise_id}: no verdict after {timeout_s} s"
            self.page.wait_for_timeout(100)
        return editor.get_attribute("data-verdict"), editor.locator("pre.micrograd-output").inner_text()

    def wasm_requests(self) -> list[str]:
        return [url for url in self.requests if url.split("?")[0].endswith(".wasm")]

    def other_hosts(self) -> list[str]:
        return [url for url in self.requests if not url.startswith((self.tab.base, "data:", "blob:"))]


def _clear_storage(tab) -> None:
    tab.page.evaluate("() => window.localStorage.clear()")


class Pipeline:
    """Chapter pages in a browser context of their own, each page's Python started (its first Run
    pressed) while the pages before it are being checked: the start-ups, 10-20 s each, overlap."""

    def __init__(self, browser, site: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(15_000)
        self.site = site
        self.open: dict[str, EditorPage] = {}

    def start(self, book_page) -> EditorPage:
        """Open the page (once), note what it fetched, and press Run on its first exercise's stub."""
        if book_page.docname in self.open:
            return self.open[book_page.docname]
        tab = Tab(self.context.new_page(), self.site)
        tab.page.on("console", lambda message: tab.console.append(message))
        tab.page.on("pageerror", lambda error: tab.page_errors.append(error))
        page = EditorPage(tab)
        tab.goto(book_page.html_path)
        page.ids = page.exercise_ids()
        page.wasm_before_run = page.wasm_requests()
        page.stubs = {i: page.editor(i).locator("textarea.micrograd-code").input_value() for i in page.ids}
        if page.ids:
            page.editor(page.ids[0]).locator("button.micrograd-run").click()
        self.open[book_page.docname] = page
        return page

    def close(self, book_page) -> None:
        page = self.open.pop(book_page.docname)
        page.close()
        page.page.close()


@pytest.fixture(scope="module")
def pipeline(browser, site) -> Pipeline:
    pipeline = Pipeline(browser, site)
    yield pipeline
    pipeline.context.close()


@pytest.mark.parametrize("book_page", CHAPTER_PAGES, ids=str)
def test_every_exercise_runs_in_the_page(pipeline, book_page) -> None:
    page = pipeline.start(book_page)
    here = CHAPTER_PAGES.index(book_page)
    for following in CHAPTER_PAGES[here + 1 : here + 1 + PAGES_AHEAD]:
        pipeline.start(following)  # its Python starts while this page is checked
    assert page.ids, f"{book_page}: no [data-exercise] cell"
    assert not page.wasm_before_run, "the runtime was fetched before any Run"
    for number, exercise_id in enumerate(page.ids):
        stub = page.stubs[exercise_id]
        assert f'check("{exercise_id}"' in stub
        if number == 0:  # its Run was pressed when the page opened
            verdict, output = page.verdict(exercise_id, BOOT_TIMEOUT_S)
        else:
            verdict, output = page.run(exercise_id)
        assert (verdict, output.splitlines()[0][:1]) == ("not attempted", "⏳"), output
        page.type(exercise_id, wrong_cell(exercise_id, stub))
        verdict, output = page.run(exercise_id)
        assert verdict == "wrong" and output.startswith(f"❌ Exercise {exercise_id} "), output
        page.type(exercise_id, reference_cell(exercise_id, stub))
        verdict, output = page.run(exercise_id)
        assert verdict == "correct" and output.startswith(f"✅ Exercise {exercise_id} "), output
    assert page.wasm_requests(), "the runtime did not come from the book's own files"
    assert not page.other_hosts(), f"requests to other hosts: {page.other_hosts()}"
    assert not page.tab.javascript_errors(), page.tab.javascript_errors()
    pipeline.close(book_page)


def test_chapter_4_keeps_code_stops_loops_and_looks_right(tab) -> None:
    """topo_sort written in the page gives ✅; the code survives a reload; Stop ends `while True`."""
    chapter_4 = next((page for page in CHAPTER_PAGES if page.chapter_number == 4), None)
    if chapter_4 is None:
        pytest.skip("chapter 4 is not in this build")
    tab.goto(chapter_4.html_path)
    _clear_storage(tab)
    tab.goto(chapter_4.html_path)
    page = EditorPage(tab)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    editor = page.editor("4.2")
    stub = editor.locator("textarea.micrograd-code").input_value()
    half_done = stub.replace(
        "    # YOUR CODE HERE\n", "    order, visited = [], set()\n    # YOUR CODE HERE\n"
    )
    page.type("4.2", half_done)
    editor.locator("button.micrograd-hint-button").click()
    first_hint = registry()["4.2"].hints[0]
    assert editor.locator(".micrograd-hints").inner_text().startswith("💡 Hint 1/")
    assert first_hint in editor.locator(".micrograd-hints").inner_text()
    folded = page.page.locator("details.micrograd-solution", has_text="exercise 4.2")
    assert folded.count() == 1 and folded.get_attribute("open") is None, "the solution must stay folded"
    editor.scroll_into_view_if_needed()
    editor.screenshot(path=str(SCREENSHOTS / "editor-mid-exercise.png"))

    page.type("4.2", wrong_cell("4.2", stub))
    verdict, output = page.run("4.2", BOOT_TIMEOUT_S)
    assert verdict == "wrong", output
    editor.screenshot(path=str(SCREENSHOTS / "editor-wrong.png"))

    reference = reference_cell("4.2", stub)
    page.type("4.2", reference)
    verdict, output = page.run("4.2")
    assert verdict == "correct", output
    editor.screenshot(path=str(SCREENSHOTS / "editor-correct.png"))

    tab.goto(chapter_4.html_path)  # reload: the code is kept, and so is the verdict
    assert page.editor("4.2").locator("textarea.micrograd-code").input_value() == reference
    assert "✅" in page.editor("4.2").locator(".micrograd-status").inner_text()
    page.editor("4.2").locator("button.micrograd-reset").click()
    assert page.editor("4.2").locator("textarea.micrograd-code").input_value() == stub

    endless = page.editor("4.1").locator("textarea.micrograd-code").input_value()
    page.type("4.1", endless.replace("raise NotImplementedError", "while True:\n        pass"))
    page.type("4.2", reference)
    run_4_1 = page.editor("4.1").locator("button.micrograd-run")
    run_4_1.click()
    page.page.wait_for_function(
        "() => document.querySelector('[data-exercise=\"4.1\"]').dataset.bootMs !== undefined",
        timeout=BOOT_TIMEOUT_S * 1000,
    )
    page.page.wait_for_timeout(1500)  # the loop is running now
    assert page.editor("4.1").get_attribute("data-verdict") == "running"
    assert page.page.evaluate("() => 1 + 1") == 2, "the page froze"
    page.editor("4.1").locator("button.micrograd-stop").click()
    assert page.editor("4.1").get_attribute("data-verdict") == "stopped"
    verdict, output = page.run("4.2", BOOT_TIMEOUT_S)
    assert verdict == "correct", output

    # Freeing a chain of 100,000 objects overflows the browser's stack, which kills Pyodide itself:
    # the page says so, and the next Run starts a new Python.
    page.type("4.1", DEEP_CHAIN)
    verdict, output = page.run("4.1")
    assert verdict == "error" and "Python will restart on the next Run" in output, output
    verdict, output = page.run("4.2", BOOT_TIMEOUT_S)
    assert verdict == "correct", output
    tab.console[:] = [message for message in tab.console if not _pyodide_fatal_report(message.text)]
    assert not page.other_hosts(), f"requests to other hosts: {page.other_hosts()}"
    page.close()
    assert not tab.javascript_errors(), tab.javascript_errors()


def test_tab_indents_and_shift_enter_runs(tab) -> None:
    chapter_1 = next((page for page in CHAPTER_PAGES if page.chapter_number == 1), None)
    if chapter_1 is None:
        pytest.skip("chapter 1 is not in this build")
    tab.goto(chapter_1.html_path)
    page = EditorPage(tab)
    code = page.editor("1.1").locator("textarea.micrograd-code")
    code.fill("x = 1")
    code.press("End")
    code.press("Tab")
    assert code.input_value() == "x = 1    "
    code.fill("")
    code.type("print('ran')")
    code.press("Shift+Enter")
    page.page.wait_for_function(
        "() => !['running', undefined].includes("
        "document.querySelector('[data-exercise=\"1.1\"]').dataset.verdict)",
        timeout=BOOT_TIMEOUT_S * 1000,
    )
    assert page.editor("1.1").locator("pre.micrograd-output").inner_text().strip() == "ran"
    assert code.input_value() == "print('ran')", "Shift+Enter must not insert a new line"
    _clear_storage(tab)


def test_progress_page_lists_solved_exercises(tab) -> None:
    progress = next((page for page in pages() if page.docname == "book/progress"), None)
    if progress is None or not CHAPTER_PAGES:
        pytest.skip("the progress page is not in this build")
    tab.goto(progress.html_path)
    tab.page.evaluate("() => window.localStorage.setItem('micrograd-exercise-verdict:4.2', 'correct')")
    tab.goto(progress.html_path)
    rows = tab.page.locator("table.micrograd-progress-list tr")
    listed = tab.page.eval_on_selector_all(
        "table.micrograd-progress-list tr", "r => r.map(x => x.dataset.exercise)"
    )
    expected = [e.id for e in registry().values() if e.chapter in {p.chapter_number for p in CHAPTER_PAGES}]
    assert listed == expected
    assert rows.filter(has_text="Exercise 4.2").first.inner_text().startswith("✅") or "4.2" not in listed
    assert "solved" in tab.page.locator(".micrograd-progress-summary").inner_text()
    _clear_storage(tab)
    assert not tab.javascript_errors(), tab.javascript_errors()


def test_tensor_chapters_point_to_the_launch_buttons(tab) -> None:
    later = [page for page in pages() if page.chapter_number in NEEDS]
    if not later:
        pytest.skip("no chapter that needs numpy or Numba is in this build")
    for book_page in later:
        tab.goto(book_page.html_path)
        cells = tab.page.locator("[data-exercise]")
        assert cells.count() > 0
        assert tab.page.locator("textarea.micrograd-code").count() == 0
        assert "launch button" in cells.first.inner_text()


def test_a_page_opened_as_a_file_says_how_to_serve_the_book(tab) -> None:
    chapter = next(iter(CHAPTER_PAGES), None)
    if chapter is None:
        pytest.skip("no chapter with editors in this build")
    tab.page.goto((HTML / chapter.html_path).as_uri(), wait_until="load")
    editor = tab.page.locator("[data-exercise]").first
    assert "http" in editor.locator(".micrograd-status").inner_text()
    editor.locator("button.micrograd-run").click()
    assert "make serve" in editor.locator("pre.micrograd-output").inner_text()
    tab.page.goto("about:blank")
