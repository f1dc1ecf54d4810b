"""The neuron playground (chapter 8): its logic without a browser, and the widget driven programmatically."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd.engine import is_grad_enabled
from micrograd.widgets.neuron import (
    ACTIVATIONS,
    DEFAULT_SETTINGS,
    NeuronPlayground,
    NeuronSetting,
    closest_point,
    decision_line,
    neuron_grid,
    neuron_output,
    neuron_playground,
    playground_frames,
)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def by_hand(w1, w2, b, activation, x1, x2):
    z = w1 * x1 + w2 * x2 + b
    return {
        "tanh": math.tanh(z),
        "relu": max(z, 0.0),
        "sigmoid": 1 / (1 + math.exp(-z)),
        "linear": z,
    }[activation]


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_neuron_output_is_the_activation_of_w_dot_x_plus_b(activation):
    """[ch8] act(w1 x1 + w2 x2 + b) for each of the four activations."""
    setting = NeuronSetting(0.7, -1.3, 0.4, activation)
    for x1, x2 in [(0.0, 0.0), (1.5, -0.5), (-2.0, 1.0)]:
        expected = by_hand(0.7, -1.3, 0.4, activation, x1, x2)
        assert neuron_output(setting, x1, x2) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_grid_orientation_and_values():
    """[ch8] out[i, j] is the output at (x1s[j], x2s[i]): rows are x2, as imshow(origin="lower") expects."""
    setting = NeuronSetting(1.0, 0.0, 0.0, "linear")
    x1s, x2s, out = neuron_grid(setting, extent=2.0, n=5)
    assert out.shape == (5, 5)
    assert list(x1s) == [-2.0, -1.0, 0.0, 1.0, 2.0] and list(x2s) == list(x1s)
    assert (out[0] == x1s).all() and (out[:, 3] == 1.0).all()
    tilted = NeuronSetting(0.5, -2.0, 0.25, "sigmoid")
    x1s, x2s, out = neuron_grid(tilted, extent=3.0, n=7)
    for i, j in [(0, 0), (6, 0), (2, 5), (6, 6)]:
        assert out[i, j] == pytest.approx(by_hand(0.5, -2.0, 0.25, "sigmoid", x1s[j], x2s[i]), rel=1e-12)


def test_grid_records_no_graph_and_restores_recording(monkeypatch):
    """[ch8] Every point's Value is a leaf (no parents: no graph), made while recording is off;
    recording is back on afterwards, even when a point fails."""
    from micrograd.widgets import neuron

    made = []

    def recording_weighted_sum(*args):
        out = neuron.weighted_sum.__wrapped_original__(*args)
        made.append((out, is_grad_enabled()))
        return out

    recording_weighted_sum.__wrapped_original__ = neuron.weighted_sum
    monkeypatch.setattr(neuron, "weighted_sum", recording_weighted_sum)
    neuron_grid(NeuronSetting(1.0, 1.0, 0.0, "tanh"), n=3)
    assert len(made) == 9
    assert all(out._prev == () and not enabled for out, enabled in made)
    assert is_grad_enabled()

    def failing(*args):
        raise ArithmeticError("a point fails")

    monkeypatch.setattr(neuron, "weighted_sum", failing)
    with pytest.raises(ArithmeticError):
        neuron_grid(NeuronSetting(1.0, 1.0, 0.0), n=3)
    assert is_grad_enabled()


def test_bad_settings_are_refused():
    """[ch8] Clear errors for an unknown activation, a non-number weight, a bad grid."""
    with pytest.raises(ValueError, match="activation must be one of"):
        NeuronSetting(1.0, 1.0, 0.0, "softmax")
    with pytest.raises(TypeError, match="w1 must be a finite number"):
        NeuronSetting("1", 1.0, 0.0)
    with pytest.raises(TypeError, match="b must be a finite number"):
        NeuronSetting(1.0, 1.0, math.nan)
    with pytest.raises(TypeError):
        NeuronSetting(True, 1.0, 0.0)
    with pytest.raises(ValueError, match="n must be an int >= 2"):
        neuron_grid(NeuronSetting(1.0, 1.0, 0.0), n=1)
    with pytest.raises(ValueError, match="extent must be > 0"):
        neuron_grid(NeuronSetting(1.0, 1.0, 0.0), extent=0.0)


def test_closest_point_examples():
    """[ch8] -b w / |w|^2: (3, 4) with b = 5 gives (-0.6, -0.8); w = 0 has no line."""
    assert closest_point(3.0, 4.0, 5.0) == pytest.approx((-0.6, -0.8))
    assert closest_point(1.0, 0.0, -2.0) == pytest.approx((2.0, 0.0))
    assert closest_point(0.0, 0.0, 1.0) is None


def test_decision_line_examples():
    """[ch8] Vertical, diagonal, missing and absent lines inside the square [-3, 3]^2."""

    def ends(*args):
        return [coordinate for end in sorted(decision_line(*args)) for coordinate in end]

    assert ends(1.0, 0.0, -1.0) == pytest.approx([1.0, -3.0, 1.0, 3.0])
    assert ends(1.0, 1.0, 0.0) == pytest.approx([-3.0, 3.0, 3.0, -3.0])
    assert decision_line(1.0, 1.0, 10.0) is None  # the line x1 + x2 = -10 misses the square
    assert decision_line(0.0, 1.0, -5.0) is None  # x2 = 5 is above it
    assert decision_line(0.0, 0.0, 1.0) is None


finite = st.floats(-4, 4, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@settings(max_examples=200, deadline=None)
@given(finite, finite, st.floats(-4, 4))
def test_decision_line_ends_are_on_the_line_and_the_square(w1, w2, b):
    """[ch8] Both ends satisfy w·x + b = 0, lie in the square, and at least one coordinate is on its edge."""
    segment = decision_line(w1, w2, b, extent=3.0)
    point = closest_point(w1, w2, b)
    assert w1 * point[0] + w2 * point[1] + b == pytest.approx(0.0, abs=1e-9)
    assert point[0] * w2 - point[1] * w1 == pytest.approx(0.0, abs=1e-9)  # parallel to w
    if segment is None:
        assert max(abs(point[0]), abs(point[1])) > 3.0 - 1e-9  # the nearest point is outside, so is the line
        return
    for x1, x2 in segment:
        assert w1 * x1 + w2 * x2 + b == pytest.approx(0.0, abs=1e-9)
        assert abs(x1) <= 3.0 + 1e-9 and abs(x2) <= 3.0 + 1e-9
        assert max(abs(x1), abs(x2)) == pytest.approx(3.0)


@pytest.fixture(scope="module")
def bundle():
    return neuron_playground()._repr_mimebundle_()


def test_static_frames_are_small_pngs_with_captions(bundle):
    """[ch8] One PNG per default setting, captions naming the formula; the player stays under 300 KB."""
    html = bundle["text/html"]
    assert len(html.encode("utf-8")) < 300_000
    assert 'class="mg-player' in html and f'data-mg-count="{len(DEFAULT_SETTINGS)}"' in html
    frames = re.findall(r'<div class="mg-frame"[^>]*>(<img [^>]*>)</div>', html)
    assert len(frames) == len(DEFAULT_SETTINGS)
    assert all(frame.startswith('<img src="data:image/png;base64,') for frame in frames)
    assert "tanh(1·x1 + 0·x2 + 0)" in html and "sigmoid, w = (3, 3), b = 4.5" in html
    assert bundle["text/plain"].startswith("Neuron playground: tanh(1·x1 + 1·x2 + 0)")
    assert WIDGET_VIEW in bundle


def test_static_frames_are_deterministic():
    """[ch8] Two runs give the same frames (strict nbval compares the player's HTML)."""
    few = DEFAULT_SETTINGS[3:5]
    frames, captions, labels = playground_frames(few)
    assert len(frames) == len(captions) == len(labels) == 2
    assert labels == ["tanh, w = (3, 3), b = 4.5", "sigmoid, w = (3, 3), b = 4.5"]
    assert playground_frames(few) == (frames, captions, labels)


def test_live_playground_redraws_when_a_control_moves():
    """[ch8] Moving a slider or switching the activation redraws the heatmap and the readout."""
    playground = NeuronPlayground()
    image, text = playground.image.value, playground.readout.value
    assert "output at (1, 1): 0.9640" in text  # tanh(2)
    playground.b.value = -2.0
    assert playground.setting == NeuronSetting(1.0, 1.0, -2.0, "tanh")
    assert playground.image.value != image
    assert "output at (1, 1): 0.0000" in playground.readout.value
    playground.activation.value = "sigmoid"
    assert "sigmoid(1·x1 + 1·x2 − 2)" in playground.readout.value
    assert "output at (1, 1): 0.5000" in playground.readout.value
