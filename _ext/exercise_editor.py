"""Exercises that run in the published page: an editor on every exercise cell of chapters 1-11 and 15.

At build time, for each chapter page, this extension

- finds the exercise cells (the code cells that call ``check("N.M", ...)``) and marks their
  containers ``data-exercise="N.M"``;
- for chapters 1-11 and 15 (whose checkers need only the standard library and the package's pure-Python
  modules) puts the page's exercise data in the page: each cell's code as the notebook shows it
  (the stub), the hints, and the chapter's *context* (the imports, functions and classes of its other
  cells, ``micrograd.exercises.page.definitions``), plus ``exercise-editor/editor.js``, which turns
  each cell into an editor. Python runs only when the reader first presses Run: a Web Worker loads
  the vendored Pyodide (``book/_static/pyodide/``) and the package, zipped here from the checkout,
  so the page runs the same code as the notebooks;
- for chapters 12-14 and 16 (numpy, Numba) writes a note in the cell pointing to the launch buttons;
- on the progress page (``book/progress.md``) lists every exercise with a link to its chapter.

It also fetches the pinned Pyodide on the first build of a checkout (``book/_static/pyodide/fetch.py``).
"""

from __future__ import annotations

import html
import importlib.util
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[1]
PYODIDE = ROOT / "book" / "_static" / "pyodide"
EDITOR_CHAPTERS = (*range(1, 12), 15)  # chapters 12-14 and 16 need numpy or Numba, which the page lacks
PROGRESS_PAGE = "book/progress"
CHAPTER_DOC = re.compile(r"^notebooks/(\d+)_")
LAUNCH_NOTE = (
    '<p class="micrograd-exercise-note">This exercise needs {needs}, which the Python in this page does '
    "not have: open the chapter in Binder or Colab with the launch button (the rocket icon at the top of the "
    "page) and run it there.</p>"
)
NEEDS = {12: "numpy", 13: "Numba's CUDA simulator", 14: "numpy", 16: "numpy"}


def _fetch_module() -> Any:
    spec = importlib.util.spec_from_file_location("pyodide_fetch", PYODIDE / "fetch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_runtime(app: Sphinx) -> None:
    """Fetch the pinned Pyodide into book/_static/pyodide/ unless it is there (once per checkout)."""
    try:
        _fetch_module().ensure_runtime()
    except RuntimeError as error:
        raise ExtensionError(str(error)) from error


def package_zip() -> bytes:
    """The course package's Python files as a zip (fixed dates, sorted: the same checkout, the same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((ROOT / "micrograd").rglob("*.py")):
            info = zipfile.ZipInfo(path.relative_to(ROOT).as_posix(), date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def runtime_bytes() -> int:
    """What the first Run fetches (the progress bar counts it): the compiled CPython, the standard
    library and the lock file; the package zip is added to it. (The two small .mjs loaders come by
    ``import``, which the worker does not count.)"""
    return sum((PYODIDE / name).stat().st_size for name in _fetch_module().FILES if not name.endswith(".mjs"))


def _chapter(docname: str) -> int | None:
    match = CHAPTER_DOC.match(docname)
    return int(match.group(1)) if match else None


def _registry() -> dict:
    from micrograd.exercises import registry

    return registry()


def collect(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Mark the exercise cells of a chapter page and gather what its editors need."""
    from micrograd.exercises.page import definitions, exercise_ids

    chapter = _chapter(docname)
    if chapter is None or not app.env.doc2path(docname).endswith(".ipynb"):
        return
    registry = _registry()
    sources = dict(enumerate(_all_cells(app, docname)))
    context: list[str] = []
    exercises = []
    for node in doctree.findall(nodes.container):
        if node.get("nb_element") != "cell_code":
            continue
        source = sources.get(node.get("cell_index"), "")
        ids = exercise_ids(source)
        if not ids:
            snippet = definitions(source)
            if snippet:
                context.append(snippet)
            continue
        exercise_id = ids[0]
        node["classes"].append("micrograd-exercise")
        node["ids"].append("micrograd-exercise-" + exercise_id.replace(".", "-"))
        exercise = registry.get(exercise_id)
        exercises.append(
            {
                "id": exercise_id,
                "title": exercise.title if exercise else "",
                "stub": source,
                "hints": list(exercise.hints) if exercise else [],
                "context": len(context),
            }
        )
    if exercises:
        mode = "editor" if chapter in EDITOR_CHAPTERS else "launch"
        app.env.micrograd_exercise_pages = getattr(app.env, "micrograd_exercise_pages", {})
        app.env.micrograd_exercise_pages[docname] = {
            "chapter": chapter,
            "mode": mode,
            "context": context,
            "exercises": exercises,
            "runtimeBytes": app.micrograd_runtime_bytes,
        }


def _all_cells(app: Sphinx, docname: str) -> list[str]:
    """Every cell's source by the notebook's cell index (myst-nb's ``cell_index`` counts all cells)."""
    notebook = json.loads(Path(app.env.doc2path(docname)).read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"]]


def _json_script(element_id: str, data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


CONTAINER = re.compile(
    r'<div class="([^"]*\bmicrograd-exercise\b[^"]*)" id="micrograd-exercise-(\d+)-(\d+)">'
)


def _mark_containers(body: str, mode: str, chapter: int) -> str:
    """Add ``data-exercise="N.M"`` to each exercise cell (and the launch note where there is no editor)."""

    def replace(match: re.Match) -> str:
        exercise_id = f"{match.group(2)}.{match.group(3)}"
        opening = (
            f'<div class="{match.group(1)}" id="micrograd-exercise-{match.group(2)}-{match.group(3)}" '
            f'data-exercise="{exercise_id}" data-exercise-mode="{mode}">'
        )
        if mode == "launch":
            opening += LAUNCH_NOTE.format(needs=html.escape(NEEDS.get(chapter, "numpy")))
        return opening

    return CONTAINER.sub(replace, body)


def add_to_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Put the page's exercise data and the editor's script in the chapter pages (and the progress page)."""
    pages = getattr(app.env, "micrograd_exercise_pages", {})
    if pagename in pages and "body" in context:
        data = pages[pagename]
        context["body"] = _mark_containers(context["body"], data["mode"], data["chapter"])
        if data["mode"] == "editor":
            context["body"] += _json_script("micrograd-exercise-data", data)
            app.add_js_file("exercise-editor/editor.js", loading_method="defer")
            app.add_css_file("exercise-editor/editor.css")
        else:
            app.add_css_file("exercise-editor/editor.css")
    elif pagename == PROGRESS_PAGE and "body" in context:
        context["body"] += _json_script("micrograd-progress-data", _progress_data(app, pagename))
        app.add_js_file("exercise-editor/progress.js", loading_method="defer")
        app.add_css_file("exercise-editor/editor.css")


def _progress_data(app: Sphinx, pagename: str) -> list[dict]:
    """Every exercise of the editor chapters: id, title and a link to its cell on the chapter page."""
    chapters = {}
    for docname in sorted(app.env.found_docs):
        number = _chapter(docname)
        if number is not None:
            chapters[number] = docname
    rows = []
    for exercise in _registry().values():
        if exercise.chapter not in EDITOR_CHAPTERS or exercise.chapter not in chapters:
            continue
        uri = app.builder.get_relative_uri(pagename, chapters[exercise.chapter])
        anchor = "#micrograd-exercise-" + exercise.id.replace(".", "-")
        rows.append({"id": exercise.id, "title": exercise.title, "href": uri + anchor})
    return rows


def write_package(app: Sphinx, exception: Exception | None) -> None:
    """Write the package zip the page's Python imports, beside the editor's script."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "exercise-editor" / "micrograd.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(app.micrograd_package_zip)


def prepare(app: Sphinx) -> None:
    """Fetch the runtime; zip the package now, so its size is known to the pages."""
    ensure_runtime(app)
    app.micrograd_package_zip = package_zip()
    app.micrograd_runtime_bytes = runtime_bytes() + len(app.micrograd_package_zip)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", prepare)
    app.connect("doctree-resolved", collect)
    app.connect("html-page-context", add_to_page)
    app.connect("build-finished", write_package)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": False}
