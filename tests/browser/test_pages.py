"""Every page of the book, in Chromium: it loads cleanly and shows what its notebook promises.

What a page should show is read from the notebook the build executed
(``_build/jupyter_execute/<page>.ipynb``): each SVG output (computation graphs) must be a
rendered SVG with a size, each PNG/JPEG output (plots) an image that loaded, each widget a
widget rendered from its saved state (or its static copy), each formula typeset. Chapters
also need their exercise feedback and a folded solution that opens on click, and launch,
repository and download buttons. Every check ends by asserting the page logged no JavaScript
error (loads from other hosts, which the tests block, aside).
"""

from __future__ import annotations

import re
from functools import cache

import nbformat
import pytest
from myst_nb.core.render import get_mime_priority

from tests.browser.book import BUILD, HTML, config, launch_links, repository

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

CHECK_LINE = re.compile(r"(⏳|✅|❌) Exercise (\d+)\.(\d+)")


def _executed_notebook(visit):
    """The notebook as the build executed it (falls back to the committed one)."""
    executed = BUILD / "jupyter_execute" / f"{visit.book_page.docname}.ipynb"
    return nbformat.read(executed if executed.exists() else visit.book_page.source, as_version=4)


@cache
def _mime_priority() -> tuple[str, ...]:
    """myst-nb's order of MIME types for HTML, with _config.yml's overrides: one is shown per output."""
    overrides = config().get("sphinx", {}).get("config", {}).get("nb_mime_priority_overrides", [])
    return tuple(get_mime_priority("html", [tuple(item) for item in overrides]))


def _shown(output) -> str | None:
    """The MIME type of an output that the HTML page shows (None for streams, errors)."""
    data = output.get("data", {})
    return next((mime for mime in _mime_priority() if mime in data), None)


def _shown_cells(visit) -> list:
    """The code cells of the executed notebook that the page shows, in order (one div.cell each)."""
    if not visit.book_page.is_notebook:
        return []
    cells = _executed_notebook(visit).cells
    return [c for c in cells if c.cell_type == "code" and "remove-cell" not in c.metadata.get("tags", [])]


def _promised_outputs(visit) -> dict[str, int]:
    """How many outputs of each shown MIME type the page's notebook has."""
    counts: dict[str, int] = {}
    for cell in _shown_cells(visit):
        if "remove-output" in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            shown = _shown(output)
            if shown:
                counts[shown] = counts.get(shown, 0) + 1
    return counts


def _no_errors(visit) -> None:
    errors = visit.javascript_errors()
    assert not errors, "JavaScript errors on the page:\n" + "\n".join(errors)


def _plain(markdown: str) -> str:
    """Heading text as the HTML shows it: no markdown emphasis or code marks."""
    return re.sub(r"[`*_]", "", markdown).strip()


def _source_title(visit) -> str:
    """The first level-1 heading of the page's source (a notebook's markdown, or the .md file)."""
    if visit.book_page.is_notebook:
        texts = [
            c.source
            for c in nbformat.read(visit.book_page.source, as_version=4).cells
            if c.cell_type == "markdown"
        ]
    else:
        texts = [visit.book_page.source.read_text(encoding="utf-8")]
    for text in texts:
        for line in text.splitlines():
            if line.startswith("# "):
                return _plain(line[2:])
    raise AssertionError(f"{visit.book_page.source.name} has no '# Title' heading")


def test_page_loads_with_its_title_and_no_javascript_error(visit):
    heading = visit.page.locator("article h1").first.inner_text().strip().rstrip("#").strip()
    assert _plain(heading) == _source_title(visit)
    assert visit.page.title() == f"{heading} — {config()['title']}"
    _no_errors(visit)


GRAPHS_JS = """() => {
  const size = el => { const box = el.getBoundingClientRect(); return [box.width, box.height]; };
  const files = Array.from(document.querySelectorAll('article .cell_output img'))
    .filter(img => /[.]svg([?#]|$)/.test(img.currentSrc || img.src))
    .map(img => ({src: img.currentSrc || img.src, loaded: img.complete && img.naturalWidth > 0,
                  size: size(img)}));
  // SVG inside an output's HTML; not the icons of buttons (the copy button puts one in every output)
  const inline = Array.from(document.querySelectorAll('article .cell_output svg'))
    .filter(svg => !svg.closest('button') && !svg.parentElement.closest('svg'))
    .map(svg => ({src: null, loaded: true, size: size(svg), markup: svg.outerHTML}));
  return files.concat(inline);
}"""


def test_graphs_are_rendered_svgs_with_a_size(visit):
    """Every SVG output (draw_dot's graphs) is an SVG image that loaded, has a size, and (graphs) nodes."""
    graphs = visit.page.evaluate(GRAPHS_JS)
    promised = _promised_outputs(visit).get("image/svg+xml", 0)
    assert len(graphs) >= promised, f"the notebook has {promised} SVG outputs, the page shows {len(graphs)}"
    for index, graph in enumerate(graphs):
        name = graph["src"] or f"inline SVG #{index + 1}"
        assert graph["loaded"], f"{name} did not load"
        assert graph["size"][0] > 0 and graph["size"][1] > 0, f"{name} is shown with no size: {graph['size']}"
        markup = graph.get("markup")
        if markup is None:
            response = visit.page.request.get(graph["src"])
            assert response.ok, f"{name}: HTTP {response.status}"
            markup = response.text()
        assert "<svg" in markup, f"{name} is not an SVG"
        if 'class="graph"' in markup:  # Graphviz: a graph with no nodes drew nothing
            assert 'class="node"' in markup, f"{name} is a graph with no nodes"
    _no_errors(visit)


def test_formulas_are_typeset(visit):
    """Every formula is typeset by MathJax (served from the book), none left as TeX or in error."""
    if visit.page.locator("article .math").count() == 0:
        return
    try:
        visit.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    except Exception:  # playwright's TimeoutError
        pytest.fail("MathJax did not start on this page: did its script (mathjax_path) load?")
    visit.page.evaluate("() => MathJax.startup.promise")
    raw = visit.page.evaluate(
        """() => Array.from(document.querySelectorAll('article .math'))
                 .filter(math => !math.querySelector('mjx-container'))
                 .map(math => math.textContent.slice(0, 60))"""
    )
    assert not raw, f"formulas left as TeX: {raw}"
    errors = visit.page.locator("article mjx-merror").all_inner_texts()
    assert not errors, f"MathJax could not typeset: {errors}"
    _no_errors(visit)


def test_plots_and_images_loaded(visit):
    """Every PNG/JPEG output (plots) is an image that loaded; so is every other image in the page."""
    images = visit.page.evaluate(
        """() => Array.from(document.querySelectorAll('article img')).map(img => ({
                 src: (img.currentSrc || img.src).slice(0, 100), complete: img.complete,
                 width: img.naturalWidth, output: img.closest('.cell_output') !== null}))"""
    )
    promised = sum(_promised_outputs(visit).get(mime, 0) for mime in ("image/png", "image/jpeg", "image/gif"))
    rasters = [
        image for image in images if image["output"] and not image["src"].split("?")[0].endswith(".svg")
    ]
    assert len(rasters) >= promised, (
        f"the notebook has {promised} image outputs, the page shows {len(rasters)}"
    )
    broken = [image["src"] for image in images if not (image["complete"] and image["width"] > 0)]
    assert not broken, f"images that did not load: {broken}"
    _no_errors(visit)


CELLS_JS = """() => {
  const state = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const saved = state ? Object.keys(JSON.parse(state.textContent).state) : [];
  const size = el => { const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0; };
  return Array.from(document.querySelectorAll('article div.cell')).map(cell => ({
    widgets: Array.from(cell.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'))
      .map(view => {
        const area = view.previousElementSibling;
        const model = JSON.parse(view.textContent).model_id;
        return {model, saved: saved.includes(model),
                rendered: !!area && area.classList.contains('widget-subarea') && size(area)
                          && area.querySelector('.jupyter-widgets') !== null};
      }),
    images: Array.from(cell.querySelectorAll('.cell_output img'))
      .map(img => img.complete && img.naturalWidth > 0),
    visible_output: Array.from(cell.querySelectorAll('.cell_output')).some(size),
  }));
}"""


def test_widgets_render_from_saved_state_or_show_their_static_copy(visit):
    """A widget output shows the live widget (from saved state) or, when it carries one, its static copy."""
    cells = _shown_cells(visit)
    widget_cells = [
        i for i, c in enumerate(cells) if any(WIDGET_VIEW in o.get("data", {}) for o in c.get("outputs", []))
    ]
    if not widget_cells:
        assert visit.page.locator(f'script[type="{WIDGET_VIEW}"]').count() == 0
        return
    live = _promised_outputs(visit).get(WIDGET_VIEW, 0)
    if live:  # the widget manager (served by the book, not a CDN) renders saved state after the page loads
        try:
            visit.page.wait_for_function(
                f"() => ({CELLS_JS})().every(c => c.widgets.every(w => w.rendered))", timeout=10_000
            )
        except Exception:
            pass  # the assertions below name the widget that did not render
    shown = visit.page.evaluate(CELLS_JS)
    assert len(shown) == len(cells), f"the notebook shows {len(cells)} code cells, the page has {len(shown)}"
    assert sum(len(cell["widgets"]) for cell in shown) == live
    for index in widget_cells:
        dom = shown[index]
        for output in cells[index].outputs:
            if WIDGET_VIEW not in output.get("data", {}):
                continue
            model = output.data[WIDGET_VIEW]["model_id"]
            where = f"code cell #{index + 1}"
            if _shown(output) == WIDGET_VIEW:
                views = [w for w in dom["widgets"] if w["model"] == model]
                assert views and views[0]["saved"], f"{where}: widget {model} has no saved state in the page"
                assert views[0]["rendered"], f"{where}: widget {model} did not render from its saved state"
            else:
                assert dom["visible_output"], (
                    f"{where}: the widget's static copy ({_shown(output)}) is not visible"
                )
                if _shown(output).startswith("image/"):
                    assert dom["images"] and all(dom["images"]), (
                        f"{where}: the static copy's image did not load"
                    )
    _no_errors(visit)


def test_chapter_has_exercise_feedback_and_folded_solutions(visit):
    page = visit.book_page
    if not page.is_chapter:
        pytest.skip("not a chapter")
    outputs = visit.page.locator("article .cell_output").all_inner_texts()
    checks = [match for text in outputs for match in CHECK_LINE.finditer(text)]
    assert checks, "no output of check(...) (⏳/✅/❌ Exercise N.M) on this chapter page"
    if page.chapter_number is not None:
        assert {int(m.group(2)) for m in checks} == {page.chapter_number}, (
            "exercise ids must be <chapter>.<n>"
        )

    solutions = visit.page.locator("article details.micrograd-solution")
    assert solutions.count() >= 1, "no solution box (solution('N.M')) on this chapter page"
    for index in range(solutions.count()):
        box = solutions.nth(index)
        code = box.locator("pre")
        assert box.get_attribute("open") is None and not code.is_visible(), f"solution #{index} is not folded"
        box.locator("summary").click()
        assert code.is_visible(), f"solution #{index} did not open on click"
        assert code.inner_text().strip(), f"solution #{index} is empty"
    _no_errors(visit)


def test_notebook_page_has_launch_repository_and_download_buttons(visit):
    page = visit.book_page
    if not page.is_notebook:
        pytest.skip("launch buttons are for notebook pages")
    launch = visit.page.locator(".dropdown-launch-buttons")
    launch.locator("button.dropdown-toggle").click()
    for name, href in launch_links(page).items():
        link = launch.locator(f'a[href="{href}"]')
        assert link.count() == 1, f"no {name} launch link to {href}"
        link.wait_for(state="visible", timeout=5_000)  # the menu opened on click
    visit.page.keyboard.press("Escape")

    url, _, _ = repository()
    assert visit.page.locator(f'.article-header-buttons a[href="{url}"]').count() == 1, "no repository button"

    visit.page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
    download = visit.page.locator(".dropdown-download-buttons a.btn-download-source-button")
    assert download.count() == 1, "no .ipynb download button"
    download.wait_for(state="visible", timeout=5_000)
    visit.page.keyboard.press("Escape")
    href = download.get_attribute("href")
    assert href.endswith(f"{page.docname.split('/')[-1]}.ipynb")
    response = visit.page.request.get(visit.page.url.rsplit("/", 1)[0] + "/" + href)
    assert response.ok, f"download link {href}: HTTP {response.status}"
    downloaded = nbformat.reads(response.text(), as_version=4)
    committed = nbformat.read(page.source, as_version=4)
    assert [c.source for c in downloaded.cells] == [c.source for c in committed.cells]
    _no_errors(visit)


def test_prev_next_links_follow_the_table_of_contents(visit):
    from tests.browser.book import pages

    order = list(pages())
    index = order.index(visit.book_page)
    for selector, neighbour in (("a.left-prev", index - 1), ("a.right-next", index + 1)):
        link = visit.page.locator(f".prev-next-area {selector}")
        if 0 <= neighbour < len(order):
            assert link.count() == 1, f"no {selector} link"
            target = link.evaluate("a => a.href")
            assert target == visit.base + order[neighbour].html_path, f"{selector} goes to {target}"
        else:
            assert link.count() == 0, f"{selector} link on the first/last page"


def test_sidebar_lists_every_page(visit):
    from tests.browser.book import pages

    hrefs = "as => as.map(a => a.href.split('#')[0])"
    links = set(visit.page.locator("nav.bd-docs-nav a.reference.internal").evaluate_all(hrefs))
    links |= set(visit.page.locator("a.navbar-brand").evaluate_all(hrefs))
    missing = [str(p) for p in pages() if visit.base + p.html_path not in links]
    assert not missing, f"the table of contents in the sidebar lacks {missing}"


def test_static_build_has_no_cdn_scripts():
    """Every page's scripts and stylesheets come from the book itself (MathJax and widgets included)."""
    from tests.browser.book import pages

    external = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"')
    for page in pages():
        html = (HTML / page.html_path).read_text(encoding="utf-8")
        loaded = [url for url in external.findall(html) if not _is_link_only(html, url)]
        assert not loaded, f"{page}: loads {loaded} from the internet"


def _is_link_only(html: str, url: str) -> bool:
    """<link rel="canonical"> and friends name a URL without loading it."""
    return bool(
        re.search(
            rf'<link[^>]+rel="(?:canonical|alternate|author|license)"[^>]+href="{re.escape(url)}"', html
        )
    )
