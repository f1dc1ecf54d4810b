"""Fixes for the HTML that Jupyter Book 1's Sphinx stack writes, loaded from ``_config.yml``.

One inline script, once
    Sphinx 7.4 registers a script given as ``app.add_js_file(None, body=...)`` after
    the builder has started under the file name ``None``, and then again, when it
    prepares the pages, under the file name ``""``. The two copies do not compare equal,
    so every page gets the script twice. sphinx-thebe 0.3 adds
    ``const THEBE_JS_URL = ...`` this way, and a second ``const`` declaration of the same
    name is a JavaScript error ("Identifier 'THEBE_JS_URL' has already been declared"),
    which stops the rest of that script. Treating ``None`` and ``""`` as the same file
    name, each page keeps one copy of every script.

Code that fits the column
    ``static/book_fixes.css`` sets the code font so a block holds the notebooks'
    79-character lines (``notebooks/ruff.toml``) at the usual window widths; the theme's
    size held 77 in a 1280 px window. (A stylesheet of its own, not in ``book/_static/``,
    so it travels with this extension.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx


def _script_key(script: Any) -> tuple:
    """What makes two script entries the same script: file name (``None`` = ``""``), priority, attributes."""
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {})
    return filename, getattr(script, "priority", 500), tuple(sorted(attributes.items()))


def keep_each_script_once(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Remove repeated entries from the page's script list, keeping the first of each."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


STATIC = Path(__file__).resolve().parent / "static"


def add_static_folder(app: Sphinx) -> None:
    """Serve this extension's stylesheet with the book's own static files."""
    if str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict[str, Any]:
    # priority 900: after the extensions (myst-nb, sphinx-thebe) that add scripts to a page
    app.connect("html-page-context", keep_each_script_once, priority=900)
    app.connect("builder-inited", add_static_folder)
    app.add_css_file("book_fixes.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
