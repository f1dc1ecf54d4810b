"""[ch16] The draw-a-digit pad's logic without a browser: strokes -> 8x8, the forward pass, the output."""

from __future__ import annotations

import base64
import html
import json
import math
import random
import re

import numpy as np
import pytest

from micrograd.tensor import Tensor
from micrograd.tensor_nn import MLP
from micrograd.widgets.digit_pad import (
    GRID,
    MARGIN,
    MAX_WIDTH,
    RADII,
    RUN_LINE,
    TARGET_INK,
    DigitNet,
    DigitPad,
    block_counts,
    digit_pad,
    distances,
    fit_to_grid,
    pad_picture,
    page_html,
    pen_radius,
    rasterize,
    softmax,
    strokes_to_image,
)

VERTICAL = [[(100.0, 20.0), (100.0, 200.0)]]
RING = [[(112 + 80 * math.sin(a), 112 - 95 * math.cos(a)) for a in np.linspace(0, 2 * math.pi, 41)]]


def _net(seed: int = 0, hidden: tuple[int, ...] = (16,)) -> tuple[MLP, DigitNet]:
    model = MLP(64, [*hidden, 10], init="kaiming", rng=np.random.default_rng(seed))
    for layer in model.layers:  # non-zero biases, so a forgotten bias shows
        layer.b.data = np.random.default_rng(seed + 1).normal(size=layer.b.data.shape)
    return model, DigitNet.from_mlp(model)


# ---- strokes -> 8x8 ----------------------------------------------------------------------------


def test_fit_fills_the_height_and_centres():
    fitted = fit_to_grid(RING)
    ys = [y for s in fitted for _, y in s]
    xs = [x for s in fitted for x, _ in s]
    assert min(ys) == pytest.approx(MARGIN) and max(ys) == pytest.approx(GRID - MARGIN)
    assert (min(xs) + max(xs)) / 2 == pytest.approx(GRID / 2)
    assert max(xs) - min(xs) == pytest.approx(MAX_WIDTH - 2 * MARGIN)  # a round ring: squeezed
    narrow = fit_to_grid([[(0.0, 0.0), (40.0, 190.0)]])  # narrow enough: the aspect ratio is kept
    (x0, y0), (x1, y1) = narrow[0]
    assert (x1 - x0) / (y1 - y0) == pytest.approx(40 / 190)


def test_a_wide_drawing_is_squeezed_to_the_width_of_the_uci_digits():
    wide = [[(0.0, 0.0), (300.0, 0.0), (300.0, 20.0)]]
    fitted = fit_to_grid(wide)
    xs = [x for s in fitted for x, _ in s]
    assert max(xs) - min(xs) == pytest.approx(MAX_WIDTH - 2 * MARGIN)
    flat = fit_to_grid([[(0.0, 5.0), (50.0, 5.0)]])  # no height: scaled by its width
    assert [y for _, y in flat[0]] == [GRID / 2, GRID / 2]


def test_size_and_position_of_the_drawing_do_not_matter():
    small = [[(x / 4 + 7, y / 4 - 30) for x, y in s] for s in RING]
    assert strokes_to_image(small) == strokes_to_image(RING)


def test_a_vertical_stroke_is_a_centred_bar_over_the_full_height():
    image = np.array(strokes_to_image(VERTICAL)).reshape(8, 8)
    assert (image[:, 3] > 0).all() and (image[:, 4] > 0).all()
    assert (image[:, :2] == 0).all() and (image[:, 6:] == 0).all()
    assert (image == image[:, ::-1]).all()  # symmetric about the centre


def test_a_ring_has_ink_around_a_blank_middle():
    image = np.array(strokes_to_image(RING)).reshape(8, 8)
    assert image[3:5, 3:5].sum() == 0
    assert image[0].sum() > 0 and image[7].sum() > 0 and image[:, 1].sum() > 0 and image[:, 6].sum() > 0


def test_the_target_ink_is_the_datas():
    from micrograd.data import load_digits

    images, _ = load_digits()
    assert abs(sum(map(sum, images)) / len(images) - TARGET_INK) < 1


def test_the_pen_is_chosen_to_give_the_datas_ink():
    """A short drawing (a stroke) gets a thick pen, a long one (two rings) a thin one; ink near the target."""
    eight = [[(112 + 40 * math.sin(a), 60 - 40 * math.cos(a)) for a in np.linspace(0, 2 * math.pi, 41)]]
    eight.append([(112 + 50 * math.sin(a), 150 - 50 * math.cos(a)) for a in np.linspace(0, 2 * math.pi, 41)])
    radii = {}
    for name, drawing in [("stroke", VERTICAL), ("ring", RING), ("eight", eight)]:
        field = distances(drawing)
        radius = pen_radius(field)
        assert radius in RADII
        inks = {r: sum(d2 <= r * r for line in field for d2 in line) for r in RADII}
        assert abs(inks[radius] - TARGET_INK) == min(abs(ink - TARGET_INK) for ink in inks.values())
        assert sum(map(sum, rasterize(drawing))) == inks[radius]
        radii[name] = radius
    assert radii["stroke"] > radii["ring"] >= radii["eight"]


def test_values_are_counts_of_4x4_blocks():
    bitmap = [[0] * GRID for _ in range(GRID)]
    for r in range(4):
        for c in range(4):
            bitmap[r][c] = 1  # block (0, 0) full
    bitmap[31][31] = 1  # one pixel of block (7, 7)
    bitmap[5][9] = 1
    counts = block_counts(bitmap)
    assert counts[0] == 16 and counts[63] == 1 and counts[8 * 1 + 2] == 1 and sum(counts) == 18
    assert all(0 <= v <= 16 for v in strokes_to_image(RING))


def test_rasterize_marks_pixels_within_the_pen():
    bitmap = rasterize(VERTICAL)
    column = [row[15] for row in bitmap]  # a pixel column next to the centre line
    assert all(column[2:30])
    assert not any(row[0] for row in bitmap)


def test_empty_drawing_and_a_dot():
    assert strokes_to_image([]) == [0] * 64
    assert strokes_to_image([[]]) == [0] * 64
    dot = strokes_to_image([[(50, 50)]])
    blob = np.array(dot).reshape(8, 8)
    assert blob[3:5, 3:5].all() and blob[0].sum() == blob[7].sum() == 0  # a blob at the centre
    assert (blob == blob[::-1]).all() and (blob == blob[:, ::-1]).all()


@pytest.mark.parametrize(
    "strokes, error",
    [("abc", TypeError), ([[(1, 2, 3)]], TypeError), ([[(1, float("nan"))]], ValueError), (5, TypeError)],
)
def test_bad_strokes_are_clear_errors(strokes, error):
    with pytest.raises(error, match="strokes"):
        strokes_to_image(strokes)


# ---- the network -------------------------------------------------------------------------------


@pytest.mark.parametrize("hidden", [(16,), (32, 12)])
def test_probabilities_equal_the_tensor_model(hidden):
    model, net = _net(3, hidden)
    images = np.random.default_rng(4).integers(0, 17, size=(20, 64))
    logits = model(Tensor(images / 16.0)).data
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    want = e / e.sum(axis=1, keepdims=True)
    got = np.array([net.probabilities(image.tolist()) for image in images])
    assert np.abs(got - want).max() < 1e-12
    assert np.allclose(got.sum(axis=1), 1.0)
    assert np.abs(np.array([net.logits(image) for image in images]) - logits).max() < 1e-12


def test_the_net_is_a_copy():
    model, net = _net()
    before = net.probabilities([8] * 64)
    model.layers[0].W.data = model.layers[0].W.data * 0  # later training does not change the pad
    assert net.probabilities([8] * 64) == before


def test_weights_travel_exactly_as_base64_float64():
    _, net = _net(5, (24,))
    back = DigitNet.from_base64(net.to_base64(), net.sizes())
    assert back.layers == net.layers
    assert net.sizes() == [64, 24, 10]
    with pytest.raises(ValueError):
        DigitNet.from_base64(net.to_base64(), [64, 23, 10])


def test_softmax_is_stable():
    p = softmax([1000.0, 0.0, -1000.0])
    assert p[0] == pytest.approx(1.0) and all(math.isfinite(v) for v in p)


def test_bad_networks_and_images_are_clear_errors():
    with pytest.raises(ValueError, match="10 logits"):
        DigitNet([(np.zeros((64, 5)), np.zeros(5))])
    with pytest.raises(ValueError, match="W must be"):
        DigitNet([(np.zeros((63, 10)), np.zeros(10))])
    _, net = _net()
    with pytest.raises(ValueError, match="64 pixel values"):
        net.probabilities([1, 2, 3])
    assert net.probabilities(np.zeros((8, 8))) == net.probabilities([0] * 64)  # 8x8 accepted too
    with pytest.raises(TypeError, match="DigitNet"):
        digit_pad("not a net")


# ---- the output: the live widget and the page's pad ----------------------------------------------


def test_the_widget_answers_with_the_python_network():
    _, net = _net(7)
    pad = DigitPad(net)
    image = strokes_to_image(RING)
    pad.image = image  # what the browser sends
    assert pad.probabilities == net.probabilities(image)
    assert "export default" in pad._esm and "mgDigitPadCore" in pad._esm


def test_one_output_carries_the_widget_and_the_page_pad():
    _, net = _net(8)
    bundle = digit_pad(net)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    assert page == digit_pad(net)._repr_mimebundle_()["text/html"]  # deterministic, for strict nbval
    weights = re.search(r'data-mg-weights="([^"]+)"', page).group(1)
    assert DigitNet.from_base64(weights, net.sizes()).layers == net.layers
    assert "http" not in page.split("<script>")[1]  # no CDN, no server
    assert bundle["text/plain"].startswith("Draw a digit")


def test_before_the_script_runs_it_reads_as_a_picture_and_one_line():
    """An untrusted notebook strips scripts, styles, templates, `hidden`: an image and the run line stay."""
    _, net = _net(9)
    page = page_html(net, example_png="iVBORw0KGgo=")
    stripped = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", page, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", "", stripped)).strip()
    assert text == RUN_LINE
    assert stripped.count("<img") == 1 and "<canvas" not in stripped and "<button" not in stripped


def test_the_example_picture_is_a_deterministic_png_in_the_output():
    _, net = _net(10)
    picture = pad_picture(net, VERTICAL)
    assert base64.b64decode(picture).startswith(b"\x89PNG") and picture == pad_picture(net, VERTICAL)
    page = digit_pad(net, example=VERTICAL)._repr_mimebundle_()["text/html"]
    assert page.count("<img") == 1 and picture in page


def test_the_javascript_is_the_same_algorithm():
    """The constants the page's JavaScript uses are the Python ones (the browser test compares results)."""
    _, net = _net()
    page = page_html(net)
    assert f"MARGIN = {MARGIN!r}" in page and f"MAX_WIDTH = {MAX_WIDTH!r}" in page
    assert f"RADII = {json.dumps(list(RADII))}" in page and f"TARGET_INK = {TARGET_INK!r}" in page
    assert "data-digit-pad" in page and "data-prediction" in page


def test_random_drawings_stay_in_range():
    rng = random.Random(0)
    for _ in range(20):
        strokes = [[(rng.uniform(0, 224), rng.uniform(0, 224)) for _ in range(rng.randint(1, 6))]]
        image = strokes_to_image(strokes)
        assert len(image) == 64 and all(0 <= v <= 16 for v in image) and sum(image) > 0
