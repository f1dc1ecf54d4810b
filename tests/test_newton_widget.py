"""The Newton explorer (chapter 15): its logic, without a browser."""

from __future__ import annotations

import re

import pytest

from micrograd.widgets.newton import (
    SETUPS,
    NewtonExplorer,
    Setup,
    gradient_step,
    newton_explorer,
    newton_step,
    paths,
    solve,
    step_player,
    summary,
)


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def test_solve_matches_a_known_system_and_refuses_a_singular_one():
    """[ch15] Gaussian elimination with pivoting (a zero in the first pivot needs the row swap)."""
    assert solve([[0.0, 2.0], [3.0, 1.0]], [4.0, 5.0]) == pytest.approx([1.0, 2.0])
    assert solve([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]], [3.0, 5.0, 5.0]) == pytest.approx(
        [1, 1, 1]
    )
    with pytest.raises(ZeroDivisionError, match="singular"):
        solve([[1.0, 2.0], [2.0, 4.0]], [1.0, 1.0])


def test_newton_solves_a_quadratic_in_one_step():
    """[ch15] f = x²/2 + 10 y² (+ a cross term): one Newton step lands on the minimum, from anywhere."""
    assert newton_step(lambda x, y: 0.5 * x**2 + 10 * y**2, [-4.5, 1.2]) == pytest.approx(
        [0.0, 0.0], abs=1e-12
    )
    f = lambda x, y: (x - 1) ** 2 + x * y + 2 * (y + 3) ** 2  # noqa: E731
    # minimum: 2(x-1) + y = 0, x + 4(y+3) = 0  ->  x = 20/7, y = -26/7
    assert newton_step(f, [5.0, 5.0]) == pytest.approx([20 / 7, -26 / 7], abs=1e-12)


def test_newton_step_on_rosenbrock_matches_the_closed_form_hessian():
    """[ch15] At (-1.2, 1): ∇f = (-215.6, -88), H = [[1330, 480], [480, 200]]; step = x − H⁻¹∇f."""
    g, h = [-215.6, -88.0], [[1330.0, 480.0], [480.0, 200.0]]
    det = h[0][0] * h[1][1] - h[0][1] * h[1][0]
    d = [-(h[1][1] * g[0] - h[0][1] * g[1]) / det, -(-h[1][0] * g[0] + h[0][0] * g[1]) / det]
    assert newton_step(rosenbrock, [-1.2, 1.0]) == pytest.approx([-1.2 + d[0], 1.0 + d[1]], rel=1e-12)
    assert gradient_step(rosenbrock, [-1.2, 1.0], 0.001) == pytest.approx([-1.2 + 0.2156, 1.0 + 0.088])


def test_paths_newton_converges_on_rosenbrock_and_finds_the_saddle():
    """[ch15] From (-1.2, 1) Newton reaches (1, 1) within 12 steps, gradient descent does not; on the
    saddle, Newton heads for the stationary point (0, 0), which is not a minimum."""
    race = paths("rosenbrock", SETUPS["rosenbrock"])
    assert race.points["Newton"][-1] == pytest.approx((1.0, 1.0), abs=1e-12)
    assert race.points["gradient descent"][-1] != pytest.approx((1.0, 1.0), abs=0.1)
    saddle = paths("saddle", SETUPS["saddle"])
    assert saddle.points["Newton"][-1] == pytest.approx((0.0, 0.0), abs=1e-9)
    assert saddle.points["gradient descent"][-1] == pytest.approx((0.0, 1.0), abs=0.05)
    assert "f - f_min = 2.50e-01" in summary("saddle", saddle)


def test_paths_stop_on_a_singular_hessian_and_on_divergence():
    """[ch15] Newton stops (and says so) where H is singular; gradient descent stops when it blows up."""
    race = paths("saddle", Setup(start=(1.0, 1 / 3**0.5), lr=5.0, steps=30))  # 3y² − 1 = 0: singular
    assert "singular" in race.stopped["Newton"] and len(race.points["Newton"]) == 1
    assert "diverged" in race.stopped["gradient descent"]
    assert "singular" in summary("saddle", race)
    with pytest.raises(ValueError, match="unknown surface"):
        paths("nope", SETUPS["saddle"])


def test_step_player_has_one_frame_per_step_and_is_deterministic():
    """[ch15] steps + 1 frames (step 0 is the start), step controls, the same HTML twice."""
    setup = Setup(start=(-1.2, 1.0), lr=0.0015, steps=4)
    html = step_player("rosenbrock", setup)
    assert html.count('class="mg-frame"') == 5
    assert 'data-mg-controls="step"' in html
    assert "step  4" in html  # the captions say where each method is
    assert html == step_player("rosenbrock", setup)


def test_live_explorer_recomputes_when_a_slider_moves():
    """[ch15] Moving the start or the shown step redraws; a new surface brings its own settings."""
    explorer = NewtonExplorer("quadratic")
    first = explorer.image.value
    assert "Newton" in explorer.readout.value and first
    explorer.shown.value = 1
    assert re.search(r"Newton\s+step  1", explorer.readout.value)
    explorer.x0.value = 2.0
    assert explorer.race.points["Newton"][0] == (2.0, SETUPS["quadratic"].start[1])
    assert explorer.shown.value == explorer.steps.value
    explorer.surface_menu.value = "saddle"
    assert explorer.setup == SETUPS["saddle"]


def test_newton_explorer_carries_the_player_as_its_static_copy():
    """[ch15] One output: the live widget, and text/html with the player for the book."""
    bundle = newton_explorer("quadratic", Setup(start=(-4.5, 1.2), lr=0.09, steps=2))._repr_mimebundle_()
    assert 'class="mg-player' in bundle["text/html"]
    assert "Newton explorer" in bundle["text/plain"]
    with pytest.raises(ValueError, match="unknown surface"):
        newton_explorer("nope")
