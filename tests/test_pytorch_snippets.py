"""Every PyTorch snippet a notebook shows prints exactly the output it claims.

PyTorch is not a dependency of the course (its CPU-only wheel is 192 MB, 700 MB unpacked), so the
chapters show PyTorch code as text (see ``tests/torch_snippets.py`` for the
convention). This test runs those snippets in a separate Python that has
PyTorch (``$MICROGRAD_TORCH_PYTHON``, else ``.venv-torch/bin/python``, made by
``scripts/torch_env.sh``) and fails when a shown output no longer matches.

Without that Python the PyTorch tests are skipped, loudly; with
``MICROGRAD_REQUIRE_TORCH=1`` (as CI sets it) they fail instead, so CI cannot
skip them by accident. The tests of the convention itself need no PyTorch.
"""

from __future__ import annotations

import os
import warnings

import pytest

from micrograd.exercises import ch14
from tests import torch_snippets

CHAPTER = torch_snippets.NOTEBOOKS / "14_pytorch.ipynb"
MAX_WIDTH = 80  # the book's code column


_TANH_AGAINST_TORCH = """\
import numpy as np
import torch

from micrograd.exercises.ch14 import Tanh
from micrograd.tensor import Tensor

x = [[0.1, -0.7], [1.5, -3.0]]
g = np.array([[0.25, -2.0], [1.0, 0.5]])
t = Tensor(x)
Tanh.apply(t).backward(g)
xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
torch.tanh(xt).backward(torch.tensor(g))
print(np.allclose(t.grad, xt.grad.numpy(), rtol=1e-12, atol=0))
"""


@pytest.fixture(scope="module")
def ran():
    """Every notebook's snippets and the exercise checks, run in one PyTorch process (torch imports slowly).

    A skip without PyTorch (a failure under MICROGRAD_REQUIRE_TORCH=1).
    """
    paths = torch_snippets.notebooks_with_snippets()
    groups = [[s.code for s in torch_snippets.extract(path)[0]] for path in paths]
    groups.append([ch14.PREDICT_SNIPPET])
    groups.append([_TANH_AGAINST_TORCH])
    try:
        version, results = torch_snippets.run_groups(groups)
    except torch_snippets.NoTorch as error:
        reason = (
            f"PYTORCH SNIPPETS NOT RUN: {error}. Run scripts/torch_env.sh (or set "
            "MICROGRAD_TORCH_PYTHON to a Python with torch) to check them."
        )
        if os.environ.get("MICROGRAD_REQUIRE_TORCH") == "1":
            pytest.fail(reason + " (MICROGRAD_REQUIRE_TORCH=1)")
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    by_name = {path.name: group for path, group in zip(paths, results, strict=False)}
    return version, by_name, results[-2][0], results[-1][0]


# ---- the convention (no PyTorch needed) -----------------------------------------------------------------


def test_the_chapter_has_snippets_and_none_is_left_unchecked():
    snippets, orphans = torch_snippets.extract(CHAPTER)
    assert len(snippets) >= 8
    assert not orphans, (
        "these python blocks mention torch but claim no output (add 'Output:' and a text block):\n"
        + "\n---\n".join(orphans)
    )


def test_the_equal_gradients_comparison_is_an_executed_snippet():
    snippets, _ = torch_snippets.extract(CHAPTER)
    assert any("from micrograd import MLP" in s.code for s in snippets)
    assert any("loss.backward()" in s.code and "loss_t.backward()" in s.code for s in snippets)


def test_snippets_fit_the_book_column():
    for path in torch_snippets.notebooks_with_snippets():
        snippets, _ = torch_snippets.extract(path)
        for snippet in snippets:
            for line in (snippet.code + "\n" + snippet.expected).splitlines():
                assert len(line) <= MAX_WIDTH, f"{snippet.where}: a line of {len(line)} characters: {line!r}"


def test_the_extractor_reads_the_convention():
    source = (
        "Some text.\n\n```python\nprint(1)\n```\n\nOutput:\n\n```text\n1\n```\n\n"
        "```python\nimport torch  # no output claimed\n```\n\n"
        "```python\nx = 1\n```\n\n```text\nnot an output: no 'Output:' line\n```\n"
    )
    pairs, orphans = torch_snippets.snippets_of_cell(source)
    assert pairs == [("print(1)", "1")]
    assert orphans == ["import torch  # no output claimed", "x = 1"]


def test_a_changed_output_or_an_error_is_reported():
    snippets = [
        torch_snippets.Snippet("x.ipynb", 3, 1, "print(1)", "1"),
        torch_snippets.Snippet("x.ipynb", 3, 2, "print(2)", "2"),
        torch_snippets.Snippet("x.ipynb", 5, 3, "oops()", "3"),
    ]
    results = [
        {"output": "1\n", "error": None},
        {"output": "2.0\n", "error": None},
        {"output": "", "error": "NameError: name 'oops' is not defined"},
    ]
    found = torch_snippets.problems(snippets, results, "2.13.0")
    assert len(found) == 2
    assert "snippet 2" in found[0] and "-2" in found[0] and "+2.0" in found[0]
    assert "snippet 3" in found[1] and "NameError" in found[1]


def test_outputs_are_compared_without_trailing_spaces():
    assert torch_snippets.normalise("a  \nb\n\n") == "a\nb"
    assert torch_snippets.normalise("a\nb") != torch_snippets.normalise("a\nc")


# ---- the snippets, run with PyTorch ---------------------------------------------------------------------


@pytest.mark.parametrize("path", torch_snippets.notebooks_with_snippets(), ids=lambda p: p.name)
def test_snippets_print_what_the_notebook_claims(path, ran):
    version, by_name, _, _ = ran
    snippets, _ = torch_snippets.extract(path)
    problems = torch_snippets.problems(snippets, by_name[path.name], version)
    where = path.relative_to(torch_snippets.ROOT)
    assert not problems, (
        "\n\n".join(problems) + "\n\n(after checking them, rewrite the claimed outputs with: "
        f".venv/bin/python -m tests.torch_snippets --update {where})"
    )


def test_exercise_14_2_reference_is_what_pytorch_prints(ran):
    result = ran[2]
    assert result["error"] is None, result["error"]
    printed = [float(x) for x in result["output"].split()]
    assert printed == list(ch14.PREDICTION)


def test_exercise_14_3_reference_matches_pytorch_tanh(ran):
    result = ran[3]
    assert result["error"] is None, result["error"]
    assert result["output"].strip() == "True"
