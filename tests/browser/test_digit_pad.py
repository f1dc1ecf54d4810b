"""Chapter 16's draw-a-digit pad on the built page: drawn with the mouse, with no kernel and no network.

The pad (``micrograd.widgets.digit_pad``) carries the trained network's weights in the page and
runs it in JavaScript. Here Chromium draws on it as a reader would (a vertical stroke must read
as 1, a ring as 0), and the page's own JavaScript is compared with the Python code: the forward
pass on fixed 8x8 inputs (to 1e-9) and the preprocessing of fixed strokes (exactly).
"""

from __future__ import annotations

import math

import pytest

from micrograd.data import digits_split
from micrograd.widgets.digit_pad import DigitNet, strokes_to_image
from tests.browser.book import pages

CHAPTER = next((page for page in pages() if page.docname.startswith("notebooks/16_")), None)
pytestmark = pytest.mark.skipif(CHAPTER is None, reason="chapter 16 is not in this table of contents")


@pytest.fixture(scope="module")
def pad_page(tab):
    tab.goto(CHAPTER.html_path)
    tab.book_page = CHAPTER
    tab.page.wait_for_selector("[data-digit-pad]", state="visible")
    return tab


def _pad(tab):
    return tab.page.locator("[data-digit-pad]").first


def _draw(tab, points) -> None:
    """Press the mouse at the first point, move through the others, release."""
    box = _pad(tab).bounding_box()
    mouse = tab.page.mouse
    x0, y0 = points[0]
    mouse.move(box["x"] + x0 * box["width"], box["y"] + y0 * box["height"])
    mouse.down()
    for x, y in points[1:]:
        mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=2)
    mouse.up()


def _prediction(tab) -> str:
    answer = tab.page.locator("[data-prediction]").first
    tab.page.wait_for_function(
        "el => el.getAttribute('data-prediction') !== ''", arg=answer.element_handle(), timeout=5000
    )
    return answer.get_attribute("data-prediction")


def _clear(tab) -> None:
    tab.page.locator(".mg-digit-pad button", has_text="Clear").first.click()
    assert tab.page.locator("[data-prediction]").first.get_attribute("data-prediction") == ""


def test_the_pad_is_built_without_errors(pad_page):
    assert _pad(pad_page).is_visible()
    assert pad_page.page.locator(".mg-pad-static").count() == 0  # the static picture made way
    assert pad_page.javascript_errors() == []


def test_a_vertical_stroke_reads_as_1(pad_page):
    _clear(pad_page)
    _draw(pad_page, [(0.5, 0.1 + 0.8 * k / 20) for k in range(21)])
    assert _prediction(pad_page) == "1"
    bars = pad_page.page.locator(".mg-digit-pad .mg-bar-row")
    assert bars.count() == 10
    assert "mg-top" in (bars.nth(1).get_attribute("class") or "")


def test_a_ring_reads_as_0(pad_page):
    _clear(pad_page)
    ring = [
        (0.5 + 0.3 * math.sin(a), 0.5 - 0.38 * math.cos(a)) for a in (2 * math.pi * k / 48 for k in range(49))
    ]
    _draw(pad_page, ring)
    assert _prediction(pad_page) == "0"
    assert pad_page.javascript_errors() == []


def _page_net(tab) -> tuple[object, DigitNet]:
    root = tab.page.locator(".mg-digit-pad-root").first
    sizes = [int(v) for v in root.get_attribute("data-mg-sizes").strip("[]").split(",")]
    return root, DigitNet.from_base64(root.get_attribute("data-mg-weights"), sizes)


def test_the_pages_forward_pass_equals_python(pad_page):
    """The JavaScript network on fixed inputs (test digits, blank, full ink) against the Python one."""
    root, net = _page_net(pad_page)
    _, _, (test_images, _) = digits_split()
    inputs = test_images[:25] + [[0] * 64, [16] * 64, [k % 17 for k in range(64)]]
    got = root.evaluate("(root, inputs) => inputs.map(x => window.mgDigitPad1.predict(root, x))", inputs)
    for image, probabilities in zip(inputs, got, strict=True):
        want = net.probabilities(image)
        assert max(abs(a - b) for a, b in zip(probabilities, want, strict=True)) < 1e-9


def test_the_pages_preprocessing_equals_python(pad_page):
    drawings = [
        [[(100, 20), (100, 200)]],
        [
            [
                (112 + 80 * math.sin(a), 112 - 95 * math.cos(a))
                for a in (2 * math.pi * k / 40 for k in range(41))
            ]
        ],
        [[(40, 30), (180, 30), (90, 200)], [(60, 120), (150, 118)]],
        [[(50, 50)]],
        [[(0, 10), (300, 12)]],
    ]
    got = pad_page.page.evaluate(
        "drawings => drawings.map(d => window.mgDigitPad1.core.strokesToImage(d))", drawings
    )
    assert got == [strokes_to_image(d) for d in drawings]
