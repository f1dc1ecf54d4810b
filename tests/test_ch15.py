"""Chapter 15's checkers: package shortcuts are refused by name; the checkers need no numpy."""

from __future__ import annotations

import sys

from micrograd.exercises import check
from micrograd.exercises.ch15 import _finite_difference_of_grad, _hessian_rows_times_v
from tests.fresh_python import run_python


def _newton_from_the_explorer(f, point):
    from micrograd.widgets.newton import newton_step

    return newton_step(f, point)


def _hvp_from_the_package(f, point, v):
    from micrograd.higher import hvp_forward_over_reverse

    return hvp_forward_over_reverse(f, point, v)


def _second_from_the_hessian(f, x):
    from micrograd.higher import hessian

    return hessian(f, [x])[0][0]


def test_package_shortcuts_are_refused_and_named(capsys):
    """[ch15] The right numbers from the package's own helper: ❌, and the message names the call."""
    cases = [
        ("15.2", _newton_from_the_explorer, "micrograd.widgets.newton.newton_step"),
        ("15.3", _hvp_from_the_package, "micrograd.higher.hvp_forward_over_reverse"),
        ("15.1", _second_from_the_hessian, "micrograd.higher.hessian"),
    ]
    for exercise_id, answer, name in cases:
        assert not check(exercise_id, answer)
        out = capsys.readouterr().out
        assert out.startswith("❌") and name in out, out


def test_finite_differences_and_the_full_hessian_are_refused_with_the_reason(capsys):
    """[ch15] Right numbers the wrong way: f evaluated off the point; grad called once per Hessian row."""
    assert not check("15.1", _finite_difference_of_grad)
    assert "away from the point" in capsys.readouterr().out
    assert not check("15.3", _hessian_rows_times_v)
    assert "ONE more backward pass" in capsys.readouterr().out


def test_checkers_leave_no_profiler_behind():
    """[ch15] The call watcher restores whatever profiler was set before (here: none)."""
    from micrograd.exercises.ch15 import second_derivative

    check("15.1", second_derivative)
    assert sys.getprofile() is None


def test_chapter_15_checkers_import_no_numpy():
    """[ch15] The in-page runtime has no numpy: checking chapter 15 must not import it."""
    program = (
        "import sys\n"
        "from micrograd.exercises import check\n"
        "from micrograd.exercises.ch15 import second_derivative, newton_step, hvp_by_hand\n"
        "assert check('15.1', second_derivative) and check('15.2', newton_step)\n"
        "assert check('15.3', hvp_by_hand)\n"
        "assert 'numpy' not in sys.modules, 'numpy was imported'\n"
    )
    run_python(program)
