"""The chapters' explorers: their logic without a front end, and the widgets driven programmatically."""

from __future__ import annotations

import base64
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd import Value, engine
from micrograd.viz import HIGHLIGHT_COLOR
from micrograd.widgets import (
    PROCESSING_COLOR,
    UPDATED_COLOR,
    BackpropStepper,
    BackpropSteps,
    DerivativeExplorer,
    backprop_stepper,
    central_slope,
    derivative_explorer,
    secant_info,
    secant_slope,
    with_static_fallback,
)
from tests.notebook_engine import build_namespace
from tests.test_viz import DuckValue, chapter_graph

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def model_ids(bundle: dict) -> list[str]:
    return [bundle[WIDGET_VIEW]["model_id"]]


# ---------------------------------------------------------------------------
# secant and tangent
# ---------------------------------------------------------------------------


def test_secant_slope_is_rise_over_run():
    assert secant_slope(lambda x: x**2, 1.0, 0.5) == 2.5  # (2.25 - 1) / 0.5
    assert secant_slope(lambda x: 3 * x + 1, -2.0, 0.25) == 3.0
    assert secant_slope(lambda x: x**2, 1.0, -0.5) == 1.5  # h < 0: the secant to the left


def test_secant_slope_needs_two_points():
    with pytest.raises(ValueError, match="h must not be 0"):
        secant_slope(lambda x: x, 1.0, 0.0)


def test_central_slope_is_accurate():
    assert central_slope(math.sin, 0.3) == pytest.approx(math.cos(0.3), abs=1e-8)
    assert central_slope(math.exp, 1.0) == pytest.approx(math.e, rel=1e-8)


def test_secant_info_compares_with_the_exact_or_estimated_slope():
    exact = secant_info(lambda x: x**3, 2.0, 0.1, df=lambda x: 3 * x**2)
    assert exact.exact and exact.slope == 12.0
    assert exact.secant == pytest.approx((2.1**3 - 8) / 0.1)
    assert exact.gap == pytest.approx(exact.secant - 12.0)
    estimated = secant_info(lambda x: x**3, 2.0, 0.1)
    assert not estimated.exact and estimated.slope == pytest.approx(12.0, abs=1e-6)
    assert "(f(x+h) − f(x)) / h" in exact.describe() and "12.0000" in exact.describe()


@pytest.mark.parametrize("h", [1.0, 0.5, 0.1, 0.01])
def test_secant_becomes_the_tangent_as_h_shrinks(h):
    # for f = 3x² − 4x + 5: (f(x+h) − f(x)) / h = 6x − 4 + 3h, so the gap is exactly 3h
    info = secant_info(lambda x: 3 * x**2 - 4 * x + 5, 1.0, h, df=lambda x: 6 * x - 4)
    assert info.gap == pytest.approx(3 * h, rel=1e-6)


def test_functions_of_values_work_too():
    info = secant_info(lambda x: Value(x) * Value(x), 3.0, 0.5)
    assert info.fx == 9.0 and info.secant == pytest.approx(6.5)


# ---------------------------------------------------------------------------
# the derivative explorer widget
# ---------------------------------------------------------------------------


def test_zero_argument_explorer_has_sensible_defaults():
    explorer = derivative_explorer()
    assert isinstance(explorer, DerivativeExplorer)
    assert (explorer.x_slider.value, explorer.h_slider.value) == (1.0, 0.5)
    assert (explorer.x_slider.min, explorer.x_slider.max) == (-3.0, 3.0)
    assert explorer.info.exact and explorer.info.slope == 2.0  # f'(1) = 6 - 4
    assert "3.5000" in explorer.readout.value and "2.0000" in explorer.readout.value
    assert bytes(explorer.image.value).startswith(PNG_MAGIC)


def test_moving_the_sliders_updates_plot_and_numbers():
    explorer = derivative_explorer()
    first_image = explorer.image.value
    explorer.x_slider.value = 2.0
    assert "9.5000" in explorer.readout.value  # secant at x=2, h=0.5: 8 + 3h
    assert "8.0000" in explorer.readout.value
    assert explorer.image.value != first_image
    explorer.h_slider.value = 0.01
    assert explorer.info.gap == pytest.approx(0.03)
    assert "8.0300" in explorer.readout.value


def test_explorer_with_own_function_uses_central_difference():
    explorer = derivative_explorer(math.sin, x=0.5, h=0.1, x_range=(-4, 4))
    assert not explorer.info.exact
    assert explorer.info.slope == pytest.approx(math.cos(0.5), abs=1e-8)
    assert "central difference" in explorer.readout.value


def test_explorer_reports_where_f_is_undefined():
    explorer = derivative_explorer(math.log, x=1.0, h=0.5, x_range=(0.1, 3))
    explorer.x_slider.value = 0.1
    explorer.h_slider.value = 0.01
    assert "cannot" not in explorer.readout.value
    explorer = derivative_explorer(lambda x: math.log(x), x=1.0, x_range=(-1, 3))
    explorer.x_slider.value = -0.5  # log(-0.5) raises: the widget says so instead of failing
    assert "cannot be evaluated" in explorer.readout.value


def test_explorer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="h must be positive"):
        derivative_explorer(h=0)
    with pytest.raises(ValueError, match="x_range"):
        derivative_explorer(x_range=(2, -2))


def test_explorer_displays_with_a_static_slider_player_and_deterministic_text():
    first, second = derivative_explorer()._repr_mimebundle_(), derivative_explorer()._repr_mimebundle_()
    assert set(first) == {"text/plain", "text/html", WIDGET_VIEW}
    assert first["text/plain"] == second["text/plain"]  # nbval compares both
    assert first["text/html"] == second["text/html"]
    page = first["text/html"]
    assert 'data-mg-controls="slider"' in page and page.count('class="mg-frame"') == 7
    frames = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(frames) == 7 and all(base64.b64decode(f).startswith(PNG_MAGIC) for f in frames)
    assert '"h = 1", "h = 0.5", "h = 0.25"' in page.replace("&quot;", '"')  # slider labels, h shrinking
    assert 'data-mg-index="1"' in page  # starts at the explorer's own h
    assert "x = 1 " in page and "x = -1.8" in page and "tangent   2.0000" in page
    assert "run the notebook" in page
    assert len(page) < 150_000  # palette PNGs keep the page light
    assert model_ids(first)[0] not in first["text/plain"]
    assert "3.5000" in first["text/plain"]
    assert model_ids(first) != model_ids(second)  # two live widgets, as in Jupyter


def test_static_frames_show_three_x_positions_and_shrinking_h():
    explorer = derivative_explorer(x=0.0, h=0.2, x_range=(-2, 2))
    xs, hs = explorer.frame_values()
    assert xs == pytest.approx([-1.2, 0.0, 1.2])  # 20 %, 80 % of the range; 50 % gave way to x
    assert hs == pytest.approx([0.4, 0.2, 0.1, 0.04, 0.02, 0.01, 0.002])
    fig, infos = explorer.frame_figure(xs, 0.1)
    assert len(fig.axes) == 3 and [i.x for i in infos] == xs
    assert all(i.gap == pytest.approx(0.3) for i in infos)  # 3h for 3x² − 4x + 5, at every x


def test_static_frames_leave_out_x_where_f_is_undefined():
    explorer = derivative_explorer(math.log, x=1.0, h=0.5, x_range=(-1, 3))
    assert explorer.frame_values()[0] == [1.0, 2.2]  # -0.2 left out: log(-0.2) raises
    assert explorer._repr_mimebundle_()["text/html"].count('class="mg-frame"') == 7
    alone = derivative_explorer(math.log, x=0.5, h=0.1, x_range=(-3, 0.6))  # one x left: one panel
    assert alone.frame_values()[0] == [0.5] and len(alone.frame_figure([0.5], 0.1)[0].axes) == 1
    nowhere = derivative_explorer(lambda x: math.log(x - 10), x=1.0, x_range=(0, 3))
    page = nowhere._repr_mimebundle_()["text/html"]
    assert "cannot be evaluated at x = 1" in page and "mg-player" not in page


# ---------------------------------------------------------------------------
# backprop steps, without a front end
# ---------------------------------------------------------------------------


def test_steps_of_the_chapter_example():
    L, v = chapter_graph()  # noqa: N806
    steps = BackpropSteps(L)
    assert steps.total == 4  # the seed, then L, d and e (the leaves have nothing to pass on)
    assert [s.node.label for s in steps.steps] == ["L", "L", "d", "e"]
    assert steps.position == 0 and steps.current is None and steps.grads == {}
    assert "press Step" in steps.explanation

    assert steps.step() and steps.current is v["L"]
    assert steps.grads == {id(L): 1.0}
    assert steps.explanation == "Step 1 of 4: start at the output: dL/dL = 1, so L.grad = 1."

    steps.step()
    assert steps.grad_of(v["d"]) == -2.0 and steps.grad_of(v["f"]) == 4.0
    assert steps.grad_of(v["a"]) is None  # not reached yet
    assert "d.grad += dL/dd × L.grad = f.data × L.grad = -2.0000 × 1.0000 = -2.0000" in steps.explanation

    steps.step()
    assert steps.grad_of(v["c"]) == -2.0 and steps.grad_of(v["e"]) == -2.0
    assert "e.grad += dd/de × d.grad = 1 × d.grad" in steps.explanation

    steps.step()
    assert steps.done
    assert "a.grad += de/da × e.grad = b.data × e.grad = -3.0000 × -2.0000 = 6.0000" in steps.explanation
    assert "Done" in steps.explanation
    assert not steps.step() and steps.position == 4  # nothing after the last step

    L.backward()
    for value in v.values():
        assert steps.grad_of(value) == value.grad


def test_back_and_reset():
    L, v = chapter_graph()  # noqa: N806
    steps = BackpropSteps(L)
    assert not steps.back() and steps.position == 0
    for _ in range(3):
        steps.step()
    after_three = dict(steps.grads)
    steps.step()
    assert steps.back() and steps.grads == after_three and steps.current is v["d"]
    steps.reset()
    assert steps.position == 0 and steps.grads == {}


def test_stepping_leaves_the_users_graph_untouched():
    L, v = chapter_graph()  # noqa: N806
    v["a"].grad = 123.0  # whatever the user had
    steps = BackpropSteps(L)
    while steps.step():
        pass
    assert v["a"].grad == 123.0 and all(value.grad == 0.0 for k, value in v.items() if k != "a")
    assert [value.data for value in v.values()] == [2.0, -3.0, 10.0, -2.0, -6.0, 4.0, -8.0]
    assert steps.grad_of(v["a"]) == 6.0  # its own grads, computed from zero


def test_highlight_marks_the_node_and_the_inputs_it_changed():
    L, v = chapter_graph()  # noqa: N806
    steps = BackpropSteps(L)
    assert steps.highlight_at(0) == {}
    assert UPDATED_COLOR == HIGHLIGHT_COLOR  # yellow: changed, as draw_dot(highlight=...) in chapter 3
    assert steps.highlight_at(1) == {L: UPDATED_COLOR}  # the seed sets L.grad
    assert steps.highlight_at(3) == {v["d"]: PROCESSING_COLOR, v["e"]: UPDATED_COLOR, v["c"]: UPDATED_COLOR}


def test_graph_at_shows_reached_grads_and_blanks():
    L, v = chapter_graph()  # noqa: N806
    source = BackpropSteps(L).graph_at(2).source
    assert "{ L | { data -8.0000 | grad 1.0000 } }" in source
    assert "{ d | { data 4.0000 | grad -2.0000 } }" in source
    assert "{ a | { data 2.0000 | grad  } }" in source  # not reached: blank
    assert source.count(PROCESSING_COLOR) == 1 and source.count(UPDATED_COLOR) == 2  # L; d and f


def test_a_value_used_twice_accumulates():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    steps = BackpropSteps(b)
    steps.step()
    steps.step()
    assert steps.grad_of(a) == 2.0
    assert "a.grad is now 1.0000 + 1.0000 = 2.0000" in steps.explanation
    b.backward()
    assert a.grad == 2.0


def test_unlabelled_values_get_descriptive_names():
    x = Value(2.0)
    y = (x * 3).tanh()
    steps = BackpropSteps(y)
    steps.step()
    steps.step()
    assert "[tanh → 1]" in steps.explanation and "tanh([* → 6])" in steps.explanation


def test_the_notebooks_own_value_class_works():
    notebook_value = build_namespace()["Value"]  # chapters 1-6's class, with _local_grads
    L, v = chapter_graph(notebook_value)  # noqa: N806
    steps = BackpropSteps(L)
    while steps.step():
        pass
    expected = {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0, "e": -2.0, "d": -2.0, "L": 1.0}
    assert {k: steps.grad_of(value) for k, value in v.items()} == expected
    assert all(value.grad == 0.0 for value in v.values())


def test_a_class_without_local_grads_is_a_clear_error():
    L, _ = chapter_graph(DuckValue)  # noqa: N806
    with pytest.raises(TypeError, match=r"backprop_stepper.*_local_grads.*DuckValue node e \(op '\*'\)"):
        backprop_stepper(L)


def test_not_a_value_or_too_big_is_a_clear_error():
    with pytest.raises(TypeError, match=r"backprop_stepper needs the Value.*got float 3\.0"):
        backprop_stepper(3.0)
    x = Value(0.5, label="x")
    y = x
    for _ in range(60):
        y = y * 1.01
    with pytest.raises(
        ValueError, match=r"backprop_stepper draws graphs of at most 30 Values; this one has 121"
    ):
        backprop_stepper(y)
    with pytest.raises(ValueError, match="rankdir"):
        backprop_stepper(x, rankdir="RL")


def test_the_steps_are_the_engines_own_backward(monkeypatch):
    calls = []
    original = engine.Value._backward

    def spy(node):
        calls.append(node.label)
        original(node)

    monkeypatch.setattr(engine.Value, "_backward", spy)
    L, _ = chapter_graph()  # noqa: N806
    BackpropSteps(L)
    assert calls == ["L", "d", "e"]  # one call per interior node, in backward()'s order, on copies


def test_a_single_value_is_one_step():
    x = Value(5.0, label="x")
    steps = BackpropSteps(x)
    assert steps.total == 1 and steps.step() and steps.grad_of(x) == 1.0 and steps.done


OPERATIONS = ["+", "*", "-", "tanh", "sigmoid", "relu", "square"]


@st.composite
def expressions(draw):
    """A random expression over 3 inputs where later nodes reuse earlier ones (fan-out)."""
    values = [Value(draw(st.floats(-2, 2, allow_nan=False)), label=f"x{i}") for i in range(3)]
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(OPERATIONS))
        a = draw(st.sampled_from(values))
        if op in ("+", "*", "-"):
            b = draw(st.sampled_from(values))
            values.append(a + b if op == "+" else a * b if op == "*" else a - b)
        elif op == "square":
            values.append(a**2)
        else:
            values.append(getattr(a, op)())
    return values[-1], values


@settings(max_examples=40, deadline=None, derandomize=True)
@given(expressions())
def test_after_the_last_step_grads_equal_backward(expression):
    root, values = expression
    steps = BackpropSteps(root)
    while steps.step():
        pass
    root.backward()
    for value in steps.nodes:
        assert steps.grad_of(value) == pytest.approx(value.grad, rel=1e-12, abs=1e-12)
    for value in values:  # inputs the root does not depend on are never reached
        if all(value is not node for node in steps.nodes):
            assert steps.grad_of(value) is None and value.grad == 0.0


# ---------------------------------------------------------------------------
# the backprop stepper widget, driven like a user would
# ---------------------------------------------------------------------------


def test_stepper_buttons_walk_the_steps():
    L, v = chapter_graph()  # noqa: N806
    stepper = backprop_stepper(L)
    assert isinstance(stepper, BackpropStepper)
    assert stepper.back_button.disabled and stepper.reset_button.disabled and not stepper.step_button.disabled
    assert "step 0 of 4" in stepper.counter.value
    stepper.step_button.click()
    stepper.step_button.click()
    assert stepper.steps.position == 2 and "step 2 of 4" in stepper.counter.value
    assert "d.grad += dL/dd" in stepper.text.value
    assert "grad 4.0000" in stepper.graph_view.value and "<svg" in stepper.graph_view.value
    stepper.back_button.click()
    assert stepper.steps.position == 1 and "L.grad = 1" in stepper.text.value
    for _ in range(10):  # clicking past the end does nothing
        stepper.step_button.click()
    assert stepper.steps.done and stepper.step_button.disabled
    stepper.reset_button.click()
    assert stepper.steps.position == 0 and stepper.back_button.disabled
    assert all(value.grad == 0.0 for value in v.values())


def test_stepper_renders_only_the_graphs_shown_and_caches_them():
    L, _ = chapter_graph()  # noqa: N806
    stepper = backprop_stepper(L)
    assert set(stepper._svg_cache) == {0}
    stepper.step_button.click()
    stepper.back_button.click()
    stepper.step_button.click()
    assert set(stepper._svg_cache) == {0, 1}
    cached = stepper._svg_cache[1]
    assert stepper.svg(1) is cached


def test_stepper_displays_with_a_deterministic_static_player():
    first = backprop_stepper(chapter_graph()[0])._repr_mimebundle_()
    second = backprop_stepper(chapter_graph()[0])._repr_mimebundle_()
    assert set(first) == {"text/plain", "text/html", WIDGET_VIEW}
    assert first["text/html"] == second["text/html"] and first["text/plain"] == second["text/plain"]
    page = first["text/html"]
    assert 'class="mg-player' in page and 'data-mg-controls="step"' in page
    assert page.count('<img src="data:image/svg+xml;base64,') == 5  # the start and every step
    assert "press Step" in page
    for position in (1, 2, 3, 4):
        assert f"Step {position} of 4" in page
    assert model_ids(first)[0] not in page + first["text/plain"]
    assert "blue: the node being processed" in page and "yellow: the grads this step changed" in page


def test_static_player_frames_highlight_the_step():
    L, _ = chapter_graph()  # noqa: N806
    stepper = backprop_stepper(L)
    frames = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', stepper.player_html())
    svgs = [base64.b64decode(f).decode() for f in frames]
    assert PROCESSING_COLOR not in svgs[0] and UPDATED_COLOR not in svgs[0]  # the start: nothing yet
    assert svgs[1].count(UPDATED_COLOR) == 1  # the seed: L
    assert svgs[2].count(PROCESSING_COLOR) == 1 and svgs[2].count(UPDATED_COLOR) == 2
    assert len(set(svgs)) == 5


def test_static_fallback_for_any_widget():
    import ipywidgets as widgets

    slider = widgets.IntSlider(3)
    wrapped = with_static_fallback(slider, lambda: {"text/html": "<p>a picture</p>"}, "a slider at 3")
    bundle = wrapped._repr_mimebundle_()
    assert bundle["text/html"] == "<p>a picture</p>" and bundle["text/plain"] == "a slider at 3"
    assert re.fullmatch(r"[0-9a-f]{32}", bundle[WIDGET_VIEW]["model_id"])
    assert wrapped.children == (slider,)


@pytest.mark.parametrize("h", [0.5, 1e-3, 1e-4, 2.0, 5.0, 0.37])
def test_h_slider_starts_exactly_at_h_and_reaches_small_and_large_steps(h):
    slider = derivative_explorer(h=h).h_slider
    assert slider.value == h
    assert slider.base**slider.min <= min(h, 1e-3) * (1 + 1e-9)
    assert slider.base**slider.max >= max(h, 2.0) * (1 - 1e-9)
    assert (math.log10(h) - slider.min) / slider.step == pytest.approx(
        round((math.log10(h) - slider.min) / slider.step)
    )
