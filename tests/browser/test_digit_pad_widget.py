"""The draw-a-digit pad outside the book: the Jupyter widget's front end, and the untrusted view.

- The anywidget module (``DigitPad._esm``) is rendered in Chromium with a stand-in for the
  widget model: drawing must send the 8x8 image to the kernel (``image``), and probabilities
  sent back (``probabilities``) must show as the answer and the bars. No Jupyter needed.
- An untrusted notebook (JupyterLab before the cell runs, GitHub's viewer) strips scripts,
  styles, templates and ``hidden`` attributes: what is left must read as a picture and one line.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterator

import numpy as np
import pytest

from micrograd.tensor_nn import MLP
from micrograd.widgets.digit_pad import RUN_LINE, DigitNet, DigitPad, page_html
from tests.browser.conftest import page_with_error_log

FAKE_MODEL = """
<div id="el"></div>
<script type="module">
  const state = {image: [], probabilities: []}, listeners = {};
  window.sent = []; window.saved = 0;
  const model = {
    get: (key) => state[key],
    set: (key, value) => { state[key] = value; window.sent.push([key, value]); },
    save_changes: () => { window.saved += 1; },
    on: (event, callback) => { (listeners[event] = listeners[event] || []).push(callback); },
  };
  window.fire = (key, value) => {
    state[key] = value;
    (listeners["change:" + key] || []).forEach((callback) => callback());
  };
  const source = JSON.parse(document.getElementById("esm").textContent);
  const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
  const module = await import(url);
  module.default.render({model, el: document.getElementById("el")});
  window.ready = true;
</script>
"""


def _net() -> DigitNet:
    return DigitNet.from_mlp(MLP(64, [16, 10], init="kaiming", rng=np.random.default_rng(0)))


@pytest.fixture(scope="module")
def widget_page(browser) -> Iterator:
    tab = page_with_error_log(browser)
    esm = DigitPad(_net())._esm
    source = json.dumps(esm).replace("</", "<\\/")  # JSON inside a script tag: no "</"
    data = f'<script type="application/json" id="esm">{source}</script>'
    tab.set_content("<!doctype html><meta charset='utf-8'><body>" + data + FAKE_MODEL + "</body>")
    tab.wait_for_function("window.ready === true", timeout=10_000)
    yield tab
    tab.close()


def test_drawing_sends_the_image_and_the_kernels_answer_is_shown(widget_page):
    net = _net()
    pad = widget_page.locator("[data-digit-pad]")
    box = pad.bounding_box()
    mouse = widget_page.mouse
    mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.1 * box["height"])
    mouse.down()
    mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.9 * box["height"], steps=10)
    mouse.up()
    sent = widget_page.evaluate("window.sent")
    assert sent and all(key == "image" for key, _ in sent)
    image = sent[-1][1]
    assert len(image) == 64 and all(isinstance(v, int) and 0 <= v <= 16 for v in image)
    grid = np.array(image).reshape(8, 8)
    assert (grid[:, 3:5] > 0).all() and (grid[:, :2] == 0).all()  # a centred vertical bar
    assert widget_page.evaluate("window.saved") >= 1

    probabilities = net.probabilities(image)  # what the kernel answers
    widget_page.evaluate("p => window.fire('probabilities', p)", probabilities)
    best = int(np.argmax(probabilities))
    answer = widget_page.locator("[data-prediction]")
    assert answer.get_attribute("data-prediction") == str(best)
    top = widget_page.locator(".mg-bar-row.mg-top")
    assert top.count() == 1 and top.inner_text().startswith(str(best))
    assert widget_page.errors == []


def _png() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _as_untrusted(page: str) -> str:
    """What JupyterLab's sanitizer leaves of untrusted HTML: no script, style, template or hidden."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", "", page, flags=re.DOTALL)
    return re.sub(r"\shidden(=\"[^\"]*\")?", "", page)


def test_untrusted_view_reads_as_a_picture_and_one_line(browser):
    tab = browser.new_page()
    try:
        tab.set_content(
            "<!doctype html><meta charset='utf-8'><body>"
            + _as_untrusted(page_html(_net(), example_png=_png()))
        )
        assert tab.locator("body").inner_text().strip() == RUN_LINE
        image = tab.locator("img")
        assert image.count() == 1 and image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert tab.locator("canvas, button, [data-digit-pad]").count() == 0
    finally:
        tab.close()
