"""Every page of the book, in Chromium: it loads cleanly and shows what its notebook promises.

What a page should show is read from the notebook the build executed
(``_build/jupyter_execute/<page>.ipynb``): each SVG output (computation graphs) must be a
rendered SVG with a size, each PNG/JPEG output (plots) an image that loaded, each widget a
widget rendered from its saved state (or its static fallback). Chapters also need their
exercise feedback and a folded solution that opens on click.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from tests.browser.book import HTML, ROOT, config, launch_links, repository

# the order in which myst-nb picks one MIME type per output for HTML
MIME_PRIORITY = [
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "text/html",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/markdown",
    "text/latex",
    "text/plain",
]
CHECK_LINE = re.compile(r"(⏳|✅|❌) Exercise (\d+)\.(\d+)")


def _executed_notebook(visit):
    """The notebook as the build executed it (falls back to the committed one)."""
    executed = ROOT / "_build" / "jupyter_execute" / f"{visit.book_page.docname}.ipynb"
    return nbformat.read(executed if executed.exists() else visit.book_page.source, as_version=4)


def _promised_outputs(visit) -> dict[str, int]:
    """How many outputs of each shown MIME type the page's notebook has."""
    counts: dict[str, int] = {}
    if not visit.book_page.is_notebook:
        return counts
    for cell in _executed_notebook(visit).cells:
        if cell.cell_type != "code" or "remove-output" in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            shown = next((mime for mime in MIME_PRIORITY if mime in data), None)
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
        texts = [c.source for c in nbformat.read(visit.book_page.source, as_version=4).cells if c.cell_type == "markdown"]
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


def test_graphs_are_rendered_svgs_with_a_size(visit):
    svgs = visit.page.evaluate(
        """() => Array.from(document.querySelectorAll('article .cell_output svg'))
               .filter(svg => !svg.parentElement.closest('svg'))
               .map(svg => { const box = svg.getBoundingClientRect();
                             return {width: box.width, height: box.height,
                                     graphviz: svg.querySelector('g.graph') !== null,
                                     nodes: svg.querySelectorAll('g.node').length}; })"""
    )
    promised = _promised_outputs(visit).get("image/svg+xml", 0)
    assert len(svgs) >= promised, f"the notebook has {promised} SVG outputs, the page shows {len(svgs)}"
    for index, svg in enumerate(svgs):
        assert svg["width"] > 0 and svg["height"] > 0, f"SVG #{index} has no size: {svg}"
        if svg["graphviz"]:
            assert svg["nodes"] > 0, f"graph #{index} has no nodes"
    _no_errors(visit)


def test_plots_and_images_loaded(visit):
    images = visit.page.evaluate(
        """() => Array.from(document.querySelectorAll('article img')).map(img => ({
                 src: img.currentSrc.slice(0, 80), complete: img.complete, width: img.naturalWidth,
                 output: img.closest('.cell_output') !== null}))"""
    )
    promised = sum(_promised_outputs(visit).get(mime, 0) for mime in ("image/png", "image/jpeg"))
    shown = sum(1 for image in images if image["output"])
    assert shown >= promised, f"the notebook has {promised} image outputs, the page shows {shown}"
    broken = [image["src"] for image in images if not (image["complete"] and image["width"] > 0)]
    assert not broken, f"images that did not load: {broken}"
    _no_errors(visit)


WIDGETS_JS = """() => {
  const state = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const saved = state ? Object.keys(JSON.parse(state.textContent).state) : [];
  return Array.from(document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'))
    .map(view => {
      const area = view.previousElementSibling;
      const rendered = area && area.classList.contains('widget-subarea') ? area.getBoundingClientRect() : null;
      const cell = view.closest('.cell');
      const fallbacks = cell ? Array.from(cell.querySelectorAll('.cell_output img, .cell_output svg')) : [];
      return {
        model: JSON.parse(view.textContent).model_id,
        saved: saved.includes(JSON.parse(view.textContent).model_id),
        rendered: rendered !== null && rendered.width > 0 && rendered.height > 0
                  && area.querySelector('.jupyter-widgets') !== null,
        fallback: fallbacks.some(f => f.getBoundingClientRect().width > 0
                                      && (f.tagName !== 'IMG' || f.naturalWidth > 0)),
      };
    });
}"""


def test_widgets_render_from_saved_state_or_show_a_fallback(visit):
    promised = _promised_outputs(visit).get("application/vnd.jupyter.widget-view+json", 0)
    if promised == 0:
        assert visit.page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count() == 0
        return
    # the widget manager (served from the book, not a CDN) renders the saved state after load
    try:
        visit.page.wait_for_function(
            f"() => ({WIDGETS_JS})().every(w => !w.saved || w.rendered)", timeout=10_000
        )
    except Exception:
        pass  # the assertions below say which widget did not render
    widgets = visit.page.evaluate(WIDGETS_JS)
    assert len(widgets) == promised
    for widget in widgets:
        if widget["saved"]:
            assert widget["rendered"], f"widget {widget['model']} has saved state but did not render"
        else:
            assert widget["fallback"], f"widget {widget['model']} has no saved state and no static fallback"
    _no_errors(visit)


def test_chapter_has_exercise_feedback_and_folded_solutions(visit):
    page = visit.book_page
    if not page.is_chapter:
        pytest.skip("not a chapter")
    outputs = visit.page.locator("article .cell_output").all_inner_texts()
    checks = [match for text in outputs for match in CHECK_LINE.finditer(text)]
    assert checks, "no output of check(...) (⏳/✅/❌ Exercise N.M) on this chapter page"
    if page.chapter_number is not None:
        assert {int(m.group(2)) for m in checks} == {page.chapter_number}, "exercise ids must be <chapter>.<n>"

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
        assert link.count() == 1 and link.is_visible(), f"no visible {name} launch link to {href}"
    visit.page.keyboard.press("Escape")

    url, _, _ = repository()
    assert visit.page.locator(f'.article-header-buttons a[href="{url}"]').count() == 1, "no repository button"

    download = visit.page.locator(".dropdown-download-buttons a.btn-download-source-button")
    assert download.count() == 1, "no download button"
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
    """Every page's scripts and stylesheets come from the book itself (MathJax aside, which degrades to TeX)."""
    from tests.browser.book import pages

    external = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"')
    allowed = ("https://cdn.jsdelivr.net/npm/mathjax@",)
    for page in pages():
        html = (HTML / page.html_path).read_text(encoding="utf-8")
        loaded = [url for url in external.findall(html) if not url.startswith(allowed)]
        loaded = [url for url in loaded if not _is_link_only(html, url)]
        assert not loaded, f"{page}: loads {loaded} from the internet"


def _is_link_only(html: str, url: str) -> bool:
    """<link rel="canonical"> and friends name a URL without loading it."""
    return bool(re.search(rf'<link[^>]+rel="(?:canonical|alternate|author|license)"[^>]+href="{re.escape(url)}"', html))

