"""The optimizer explorer (chapter 10): its logic, without a browser.

Paths come from the package's own optimizers; on the quadratic, gradient descent
has a closed form to compare against: x_k = x_0 (1 - lr)^k, y_k = y_0 (1 - 20 lr)^k.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from micrograd.engine import Value
from micrograd.optim import SGD
from micrograd.widgets.optimizer import (
    OPTIMIZERS,
    SURFACES,
    OptimizerExplorer,
    Settings,
    optimizer_explorer,
    race,
    race_summary,
    sweep_player,
    trajectory,
)


def test_gradient_descent_on_the_quadratic_follows_the_closed_form():
    """[ch10] Each step multiplies x by (1 - lr) and y by (1 - 20 lr)."""
    lr = 0.09
    path = trajectory("quadratic", lambda ps: SGD(ps, lr=lr), steps=12, name="gd")
    x0, y0 = SURFACES["quadratic"].start
    assert path.steps == 12 and not path.diverged
    assert path.xs == pytest.approx([x0 * (1 - lr) ** k for k in range(13)], abs=1e-12)
    assert path.ys == pytest.approx([y0 * (1 - 20 * lr) ** k for k in range(13)], abs=1e-12)
    assert path.losses == pytest.approx(
        [0.5 * x**2 + 10 * y**2 for x, y in zip(path.xs, path.ys, strict=True)]
    )


def test_race_runs_every_optimizer_with_the_settings():
    """[ch10] One path per optimizer; momentum and Nesterov differ from plain descent."""
    settings = Settings(lr=0.05, momentum=0.5, steps=20)
    paths = race("quadratic", settings)
    assert [p.name for p in paths] == list(OPTIMIZERS)
    assert all(p.steps == 20 for p in paths)
    assert len({round(p.xs[-1], 9) for p in paths}) == 4
    momentum = next(p for p in paths if p.name == "momentum")
    again = trajectory("quadratic", lambda ps: SGD(ps, lr=0.05, momentum=0.5), steps=20)
    assert momentum.xs == again.xs  # deterministic, and the same optimizer


def test_divergence_is_detected_and_reported():
    """[ch10] lr = 0.11 > 2/20: gradient descent's y grows by 1.2 per step until the path stops."""
    path = trajectory("quadratic", lambda ps: SGD(ps, lr=0.11), steps=500, name="gradient descent")
    assert path.diverged and path.steps < 500
    assert max(abs(y) for y in path.ys) <= 1e6
    assert "diverged at step" in race_summary("quadratic", [path])


def test_every_surface_is_one_formula_for_values_and_arrays():
    """[ch10] f(Value).data equals f(array) on a grid, and each minimum is where it says."""
    xs = np.linspace(-1.5, 1.5, 7)
    for surface in SURFACES.values():
        on_arrays = surface(xs, xs[::-1])
        on_values = [surface(Value(a), Value(b)).data for a, b in zip(xs, xs[::-1], strict=True)]
        assert on_values == pytest.approx(list(on_arrays))
        x, y = Value(surface.minimum[0]), Value(surface.minimum[1])
        out = surface(x, y)
        out.backward()
        assert out.data == pytest.approx(surface.minimum_value)
        assert (x.grad, y.grad) == pytest.approx((0.0, 0.0), abs=1e-12)


def test_the_default_settings_reach_the_minimum():
    """[ch10] With each surface's defaults, momentum gets within 0.1 of the surface's minimum value."""
    for surface in SURFACES.values():
        momentum = next(p for p in race(surface) if p.name == "momentum")
        assert not momentum.diverged
        assert momentum.losses[-1] - surface.minimum_value < 0.1


def test_sweep_player_has_one_frame_per_value():
    """[ch10] A slider player: one PNG frame and caption per value, deterministic, small."""
    html = sweep_player("saddle", "momentum", [0.0, 0.5, 0.9])
    assert 'class="mg-player' in html and 'data-mg-count="3"' in html
    assert html.count('class="mg-frame"') + html.count("class='mg-frame'") >= 1
    assert len(re.findall(r"data:image/png;base64,", html)) == 3
    assert "momentum = 0.9" in html and "f - f_min" in html
    assert html == sweep_player("saddle", "momentum", [0.0, 0.5, 0.9])
    assert len(html) < 100_000


def test_bad_input():
    """[ch10] Unknown surface, a setting that does not exist, negative steps, no values."""
    with pytest.raises(ValueError, match="unknown surface"):
        race("bowl")
    with pytest.raises(ValueError, match="vary must be one of"):
        sweep_player("quadratic", "speed", [1.0])
    with pytest.raises(ValueError, match="steps"):
        trajectory("quadratic", lambda ps: SGD(ps, lr=0.1), steps=-1)
    with pytest.raises(ValueError, match="at least one"):
        sweep_player("quadratic", "lr", [])
    with pytest.raises(ValueError, match="give the values"):
        optimizer_explorer("quadratic", vary="momentum")


def test_explorer_redraws_on_slider_and_surface_changes():
    """[ch10] Moving a slider changes the summary; a new surface brings its own slider values."""
    explorer = OptimizerExplorer("quadratic")
    before = explorer.readout.value
    explorer.momentum.value = 0.2
    assert explorer.readout.value != before
    assert explorer.settings.momentum == pytest.approx(0.2)
    explorer.surface_menu.value = "rosenbrock"
    assert explorer.settings == SURFACES["rosenbrock"].settings
    assert "Rosenbrock" in explorer.surface.name
    assert explorer.image.value[:4] == b"\x89PNG"


def test_explorer_shows_a_player_where_no_kernel_runs():
    """[ch10] The output carries the live widget and the static player (text/html)."""
    box = optimizer_explorer("saddle", vary="momentum", values=[0.0, 0.9])
    bundle = box._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "mg-player" in data["text/html"]
    assert data["text/plain"].startswith("Optimizer explorer on a saddle")


@pytest.mark.parametrize(
    ("nesterov", "limit"),
    [(False, 2 * 1.7 / 20), (True, 2 * 1.7 / (2.4 * 20))],
    ids=["momentum", "nesterov"],
)
def test_the_stability_limits_the_chapter_states(nesterov, limit):
    """[ch10] mu = 0.7, L = 20: momentum is stable for lr < 2(1+mu)/L, Nesterov for lr < 2(1+mu)/(1+2mu)/L."""

    def run(lr):
        return trajectory("quadratic", lambda ps: SGD(ps, lr=lr, momentum=0.7, nesterov=nesterov), 1500)

    assert not run(0.99 * limit).diverged
    assert run(1.01 * limit).diverged
