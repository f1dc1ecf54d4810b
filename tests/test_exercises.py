"""Every registered exercise: its checker accepts the reference and rejects wrong answers.

For each exercise the tests feed ``check`` the reference solution (must print ✅ and
return True), an untouched stub (must print ⏳), and wrong answers: the exercise's
own plausible mistakes plus generic ones (a constant, None, an exception). ``check``
must never raise, whatever it is given.
"""

from __future__ import annotations

import pytest

from micrograd.exercises import check, hint, registry, solution
from micrograd.exercises.core import CORRECT, NOT_ATTEMPTED, WRONG
from tests.fresh_python import run_python

EXERCISES = list(registry().values())
IDS = [exercise.id for exercise in EXERCISES]


def _stub(*args, **kwargs):
    raise NotImplementedError


def _raises(*args, **kwargs):
    raise ValueError("oops")


def _generic_wrong_answers(exercise):
    if exercise.kind == "function":
        return [lambda *a, **k: 0.0, lambda *a, **k: None, _raises, 42]
    return [None, "a string", object()]


def _run(exercise_id, answer, capsys):
    result = check(exercise_id, answer)
    return result, capsys.readouterr().out


def test_registry_is_not_empty():
    assert len(EXERCISES) >= 2


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_reference_passes(exercise, capsys):
    result, out = _run(exercise.id, exercise.reference, capsys)
    assert result == True, out  # noqa: E712  (a CheckResult, equal to True)
    assert out.startswith(CORRECT)


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_stub_is_not_attempted(exercise, capsys):
    stub = _stub if exercise.kind == "function" else ...
    result, out = _run(exercise.id, stub, capsys)
    assert not result
    assert out.startswith(NOT_ATTEMPTED), out


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_wrong_answers_fail(exercise, capsys):
    assert len(exercise.wrong_answers) >= 2, "each exercise lists at least two plausible mistakes"
    for wrong in exercise.wrong_answers + _generic_wrong_answers(exercise):
        result, out = _run(exercise.id, wrong, capsys)
        assert not result, f"accepted a wrong answer: {wrong!r}"
        assert out.startswith(WRONG), out


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_hints_and_solution(exercise, capsys):
    hint(exercise.id)
    assert "Hint 1/" in capsys.readouterr().out
    shown = solution(exercise.id)
    assert "<details" in shown._repr_html_()
    assert repr(shown).strip()


def test_check_result_is_a_quiet_bool(capsys):
    exercise = EXERCISES[0]
    passed = check(exercise.id, exercise.reference)
    failed = check(exercise.id, ...)
    assert bool(passed) is True and bool(failed) is False
    assert (repr(passed), repr(failed)) == ("True", "False")
    assert passed._ipython_display_() is None  # Jupyter shows nothing under the printed message


def test_unknown_exercise_is_reported(capsys):
    assert not check("99.9", lambda: None)
    assert "no exercise" in capsys.readouterr().out


def test_infinite_recursion_is_reported(capsys):
    def recurse(*args, **kwargs):
        return recurse(*args, **kwargs)

    function_exercise = next(e for e in EXERCISES if e.kind == "function")
    result, out = _run(function_exercise.id, recurse, capsys)
    assert not result and "recursed" in out


def test_error_messages_hold_no_memory_addresses(capsys):
    function_exercise = next(e for e in EXERCISES if e.kind == "function")
    _run(function_exercise.id, _raises, capsys)
    assert " at 0x" not in capsys.readouterr().out


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_solution_fits_the_book_column(exercise):
    """The folded solution is shown in the book's ~80-character code column: no line may scroll."""
    from micrograd.exercises.core import solution_source

    too_long = [line for line in solution_source(exercise).splitlines() if len(line) > 79]
    assert not too_long, f"solution {exercise.id} has lines over 79 characters: {too_long}"


def test_a_chapter_loads_only_when_asked_for_so_chapter_4_never_imports_numpy():
    """The in-page runtime has no numpy: checking 4.2 must import chapter 4 alone."""

    program = (
        "import sys\n"
        "from micrograd.exercises import check, core\n"
        "assert 'micrograd.exercises.ch04' not in sys.modules\n"
        "check('4.2', lambda root: [])\n"
        "assert 'micrograd.exercises.ch04' in sys.modules\n"
        "assert 'micrograd.exercises.ch12' not in sys.modules\n"
        "assert 'numpy' not in sys.modules, 'checking 4.2 imported numpy'\n"
        "assert {e.chapter for e in core.registry().values()} >= set(range(1, 15))\n"
    )
    run_python(program)


# ---- package shortcuts: an exercise that asks for X rejects the package's X -----------------------

SHORTCUTS = [(e, name, answer) for e in EXERCISES for name, answer in e.shortcuts.items()]


@pytest.mark.parametrize(
    ("exercise", "name", "shortcut"),
    SHORTCUTS,
    ids=[f"{e.id}-{n.rsplit('.', 1)[-1]}" for e, n, _ in SHORTCUTS],
)
def test_a_package_shortcut_is_rejected_and_named(exercise, name, shortcut, capsys):
    result, out = _run(exercise.id, shortcut, capsys)
    assert not result, f"{exercise.id} accepted a call of {name}"
    assert out.startswith(WRONG) and name in out and "package's" in out, out


@pytest.mark.parametrize(("exercise", "name", "shortcut"), SHORTCUTS, ids=[n for _, n, _ in SHORTCUTS])
def test_every_shortcut_names_a_real_package_object(exercise, name, shortcut):
    import importlib

    parts = name.split(".")
    for cut in range(len(parts) - 1, 1, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        assert callable(found)
        return
    pytest.fail(f"{name} is not in a module of the package")


def _package_functions() -> dict[str, str]:
    """Public function and class names of the package's modules (not the exercises) -> dotted name."""
    import importlib
    import inspect
    import pkgutil

    import micrograd

    found = {}
    for info in pkgutil.walk_packages(micrograd.__path__, "micrograd."):
        if ".exercises" in info.name or ".widgets" in info.name or info.name.startswith("micrograd.gpu"):
            continue
        module = importlib.import_module(info.name)
        for key, item in vars(module).items():
            if key.startswith("_") or getattr(item, "__module__", None) != info.name:
                continue
            if inspect.isfunction(item) or inspect.isclass(item):
                found[key] = f"{info.name}.{key}"
    return found


def test_an_exercise_named_like_a_package_function_forbids_it():
    """The generic rule: an exercise whose answer has the name of a package function (``unbroadcast``,
    ``backward``...) must list that function among its shortcuts, so the package cannot do the work."""
    package = _package_functions()
    missing = []
    for exercise in EXERCISES:
        name = getattr(exercise.reference, "__name__", None)
        if name in package and not any(s.startswith(package[name]) for s in exercise.shortcuts):
            missing.append(f"{exercise.id}: {package[name]}")
    assert not missing, missing


def test_every_exercise_whose_work_the_package_does_lists_a_shortcut():
    """The exercises whose work a package function does (issue 16's list) each forbid it."""
    expected = {"1.3", "2.3", "3.3", "4.2", "7.1", "7.2", "8.2", "9.1", "9.2", "9.3", "9.4", "11.1"}
    expected |= {"10.1", "10.2", "10.3", "12.1", "12.2", "12.3", "12.4"}
    assert expected <= {e.id for e in EXERCISES if e.shortcuts}


def _exercise_text(exercise) -> str:
    """The markdown cell of the chapter's notebook that states the exercise."""
    import re
    from pathlib import Path

    import nbformat

    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    (path,) = notebooks.glob(f"{exercise.chapter:02d}_*.ipynb")
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown" and re.search(rf"Exercise {re.escape(exercise.id)}\b", cell.source):
            return cell.source
    raise AssertionError(f"no text for exercise {exercise.id} in {path.name}")


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.shortcuts], ids=lambda e: e.id)
def test_the_exercise_text_names_the_package_calls_it_refuses(exercise):
    text = _exercise_text(exercise)
    for name in exercise.shortcuts:
        parts = name.split(".")
        shown = ".".join(parts[-2:]) if parts[-2][:1].isupper() else parts[-1]
        assert f"`{shown}`" in text and "is not accepted" in text, f"{exercise.id} does not name {shown}"


def test_an_exercise_built_on_the_package_says_so():
    """11.3's step is made of the package's pieces: its text says using them is fine."""
    assert "use the package" in _exercise_text(registry()["11.3"]).lower()


def test_shortcuts_are_caught_from_a_zipped_package_without_numpy(tmp_path):
    """The in-page runtime imports the package from a zip and has no numpy: the trap still names the call."""
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    import micrograd

    root = Path(micrograd.__file__).parent
    archive = tmp_path / "micrograd.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in root.rglob("*.py"):
            zipped.write(path, Path("micrograd") / path.relative_to(root))
    program = (
        "import sys\n"
        "sys.modules['numpy'] = None  # no numpy, as in the page\n"
        "from micrograd.exercises import check\n"
        "from micrograd.exercises.ch09 import _mse_by_package\n"
        "from micrograd.exercises.ch02 import _count_by_topological_order\n"
        "assert '.zip' in sys.modules['micrograd'].__file__\n"
        "assert not check('9.1', _mse_by_package)\n"
        "assert not check('2.3', _count_by_topological_order)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(archive), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "micrograd.losses.mse" in out.stdout and "micrograd.engine.topological_order" in out.stdout
