"""What the browser tests know about the book without a browser: its pages, settings and build folder.

Everything is read from ``_toc.yml`` and ``_config.yml``, so the tests follow the book as
chapters are added: a new ``file:`` entry in the table of contents is a new page to test.

Testing a partial build (a few chapters, built with their own table of contents into their own
folder, see the brief's "Build only your pages"): point the tests at it with two environment
variables, e.g.
``BOOK_TOC=/tmp/toc_03.yml BOOK_BUILD=/tmp/book_03/_build pytest tests/browser``
(``BOOK_BUILD`` holds ``html/`` and ``jupyter_execute/``; defaults: ``_toc.yml``, ``_build``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("BOOK_BUILD") or ROOT / "_build")
HTML = BUILD / "html"
FAILURES = BUILD / "browser-failures"
TOC = Path(os.environ.get("BOOK_TOC") or ROOT / "_toc.yml")


@dataclass(frozen=True)
class Page:
    """One page of the book: ``docname`` like "notebooks/01_derivatives", and its source file."""

    docname: str
    source: Path

    @property
    def html_path(self) -> str:
        return f"{self.docname}.html"

    @property
    def is_notebook(self) -> bool:
        return self.source.suffix == ".ipynb"

    @property
    def is_chapter(self) -> bool:
        """Chapters are the notebooks in notebooks/ (named NN_topic)."""
        return self.is_notebook and self.docname.startswith("notebooks/")

    @property
    def chapter_number(self) -> int | None:
        prefix = self.docname.removeprefix("notebooks/").split("_")[0]
        return int(prefix) if self.is_chapter and prefix.isdigit() else None

    def __str__(self) -> str:
        return self.docname


@cache
def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def _toc_entries(node: dict | list) -> list[str]:
    """Every ``file:`` of the table of contents, depth first, in reading order."""
    found: list[str] = []
    if isinstance(node, list):
        for item in node:
            found += _toc_entries(item)
        return found
    if "file" in node:
        found.append(str(node["file"]))
    for key in ("parts", "chapters", "sections"):
        if key in node:
            found += _toc_entries(node[key])
    return found


def _source(docname: str) -> Path:
    for suffix in (".ipynb", ".md", ".rst"):
        candidate = ROOT / f"{docname}{suffix}"
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"_toc.yml lists {docname!r} but there is no {docname}.ipynb/.md in the repository"
    )


@cache
def pages() -> tuple[Page, ...]:
    """The book's pages in reading order: the root, then the toc's files."""
    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    docnames = [str(toc["root"]).removesuffix(".md").removesuffix(".ipynb")]
    docnames += [name.removesuffix(".md").removesuffix(".ipynb") for name in _toc_entries(toc)]
    return tuple(Page(name, _source(name)) for name in docnames)


def repository() -> tuple[str, str, str]:
    """(url, "org/repo", branch) from _config.yml's ``repository`` section."""
    section = config()["repository"]
    url = str(section["url"]).rstrip("/")
    org_repo = "/".join(url.split("github.com/")[-1].split("/")[:2])
    return url, org_repo, str(section.get("branch", "main"))


def launch_links(page: Page) -> dict[str, str]:
    """The Binder and Colab links a notebook page must offer, built from _config.yml."""
    _, org_repo, branch = repository()
    buttons = config()["launch_buttons"]
    path = page.source.relative_to(ROOT).as_posix()
    binder, colab = buttons["binderhub_url"].rstrip("/"), buttons["colab_url"].rstrip("/")
    interface = "lab/tree" if buttons.get("notebook_interface") == "jupyterlab" else "tree"
    return {
        "Binder": f"{binder}/v2/gh/{org_repo}/{branch}?urlpath={interface}/{path}",
        "Colab": f"{colab}/github/{org_repo}/blob/{branch}/{path}",
    }
