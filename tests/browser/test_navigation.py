"""Moving around the book as a reader does: the front door, next/previous, the sidebar, search."""

from __future__ import annotations

from tests.browser.book import pages


def _errors(tab) -> None:
    errors = tab.javascript_errors()
    assert not errors, "JavaScript errors on the page:\n" + "\n".join(errors)


def test_index_opens_the_first_page(tab):
    tab.goto("index.html")
    tab.page.wait_for_url(tab.base + pages()[0].html_path)
    assert tab.page.locator("article h1").count() == 1
    _errors(tab)


def test_clicking_next_and_previous_moves_one_page(tab):
    """Every page's links are checked in test_pages; here the clicks themselves, from the first page."""
    first, second = pages()[:2]
    tab.goto(first.html_path)
    tab.page.locator(".prev-next-area a.right-next").click()
    tab.page.wait_for_url(tab.base + second.html_path)
    tab.page.locator(".prev-next-area a.left-prev").click()
    tab.page.wait_for_url(tab.base + first.html_path)
    _errors(tab)


def test_sidebar_link_opens_its_page(tab):
    """Click through the sidebar to the last page and to the first chapter (test_pages checks every link)."""
    order = pages()
    chapters = [page for page in order if page.is_chapter]
    tab.goto(order[0].html_path)
    for page in [order[-1], *chapters[:1]]:
        link = tab.page.locator("nav.bd-docs-nav a.reference.internal").filter(
            has=tab.page.locator(f'xpath=self::a[contains(@href, "{page.docname.split("/")[-1]}.html")]')
        )
        link.first.click()
        tab.page.wait_for_url(tab.base + page.html_path)
        current = tab.page.locator("nav.bd-docs-nav li.current > a")
        assert current.first.evaluate("a => a.href.split('#')[0]") == tab.base + page.html_path, (
            "sidebar does not mark the page"
        )
    _errors(tab)


def test_search_finds_backward(tab):
    tab.goto("search.html?q=backward")
    results = tab.page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15_000)
    found = set(results.evaluate_all("as => as.map(a => a.href.split('?')[0].split('#')[0])"))
    known = {tab.base + page.html_path for page in pages()}
    assert found & known, f"search results {sorted(found)} name no page of the book"
    summary = tab.page.locator("#search-results .search-summary").inner_text()
    assert "found" in summary.lower() or results.count() > 0
    results.first.click()
    tab.page.wait_for_load_state("load")
    assert tab.page.locator("article h1").count() == 1
    _errors(tab)


def test_search_box_in_the_header_submits_to_the_search_page(tab):
    tab.goto(pages()[0].html_path)
    tab.page.keyboard.press("Control+k")
    field = tab.page.locator("input[name=q]:visible").first
    field.fill("backward")
    field.press("Enter")
    tab.page.wait_for_url("**/search.html?q=backward*")
    tab.page.locator("#search-results ul.search li a").first.wait_for(timeout=15_000)
    _errors(tab)
