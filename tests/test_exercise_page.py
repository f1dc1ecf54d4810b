"""micrograd.exercises.page: how the published page runs an exercise cell (here in CPython; the
browser tests run it in Pyodide)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from micrograd.engine import Value
from micrograd.exercises import page
from micrograd.exercises.core import BareNode, solution_source
from micrograd.exercises.core import registry as full_registry

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def cell_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(page, "CELL_DIR", str(tmp_path / "ipykernel_page"))


def test_definitions_keep_imports_functions_classes_and_plain_values():
    source = (
        "%matplotlib inline\n"
        "import math\n"
        "H = 1e-5\n"
        "OPS = {'tanh': lambda v: v.tanh()}\n"
        "x = expensive()\n"
        "@staticmethod\n"
        "def f(x):\n"
        "    return x * H\n"
        "for i in range(3):\n"
        "    print(i)\n"
        "class C:\n"
        "    pass\n"
        "plt.show()\n"
    )
    kept = page.definitions(source)
    assert kept.splitlines() == [
        "import math",
        "",
        "H = 1e-5",
        "",
        "OPS = {'tanh': lambda v: v.tanh()}",
        "",
        "@staticmethod",
        "def f(x):",
        "    return x * H",
        "",
        "class C:",
        "    pass",
    ]
    assert page.definitions("def broken(:\n") == ""


def test_exercise_ids():
    assert page.exercise_ids('def f():\n    pass\n\ncheck("4.2", f)\n# hint("4.2")') == ["4.2"]
    assert page.exercise_ids("solution('4.2')") == []


def _stub(exercise_id: str) -> str:
    name = solution_source(full_registry()[exercise_id]).split("(")[0].removeprefix("def ")
    body = "    # YOUR CODE HERE\n    raise NotImplementedError\n"
    return f'def {name}(*args):\n{body}\n\ncheck("{exercise_id}", {name})\n'


def test_stub_reference_and_wrong_answer_verdicts():
    assert page.run_cell("4.2", _stub("4.2"))["verdict"] == "not attempted"
    reference = solution_source(full_registry()["4.2"]) + '\n\ncheck("4.2", topo_sort)\n'
    result = page.run_cell("4.2", reference)
    assert result == {"output": result["output"], "verdict": "correct"}
    assert result["output"].startswith("✅ Exercise 4.2 ")
    wrong = "def topo_sort(root):\n    return [root]\n\ncheck('4.2', topo_sort)\n"
    assert page.run_cell("4.2", wrong)["verdict"] == "wrong"


def test_messages_quote_the_learners_cell_line_as_in_jupyter():
    code = "def topo_sort(root):\n    x = 1\n    return undefined_name\n\ncheck('4.2', topo_sort)\n"
    output = page.run_cell("4.2", code)["output"]
    assert "in topo_sort (cell line 3):" in output
    assert "return undefined_name" in output


def test_errors_outside_check_show_a_traceback_of_the_cell():
    result = page.run_cell("1.1", "x = 1\ny = 1 / 0\n")
    assert result["verdict"] == "error"
    assert "Cell line 2, in <module>" in result["output"]
    assert "ZeroDivisionError: division by zero" in result["output"]
    result = page.run_cell("1.1", "def f(:\n")
    assert result["verdict"] == "error" and "SyntaxError" in result["output"]


def test_later_exercises_use_the_earlier_cells_as_written():
    """A later cell that calls an earlier exercise's function gets the learner's own version of it.

    No exercise of chapter 6 needs another any more (6.1's function is ``my_relative_error``, so its
    stub cannot replace the chapter's ``relative_error``), so this 6.3 calls 6.1's on purpose.
    """
    from micrograd.exercises.page import run_cell

    notebook = json.loads((ROOT / "notebooks" / "06_checking_gradients.ipynb").read_text())
    sources = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    context = "\n\n".join(page.definitions(s) for s in sources if not page.exercise_ids(s))
    stub_6_1 = next(s for s in sources if page.exercise_ids(s) == ["6.1"])
    reference_6_1 = solution_source(full_registry()["6.1"]) + '\n\ncheck("6.1", my_relative_error)\n'
    solution_6_3 = solution_source(full_registry()["6.3"])
    assert "relative_error(" in solution_6_3
    code_6_3 = (
        solution_6_3.replace("relative_error(", "my_relative_error(") + '\n\ncheck("6.3", find_wrong_rule)\n'
    )
    waiting = run_cell("6.3", code_6_3, [["6.1", stub_6_1]], context)
    assert waiting["verdict"] == "wrong"
    assert "finish exercise 6.1 first" in waiting["output"]
    assert run_cell("6.3", code_6_3, [["6.1", reference_6_1]], context)["verdict"] == "correct"


def test_nodes_are_freed_newest_first_and_nodes_are_made_as_usual_afterwards():
    """A deep chain must not be freed by one C call inside another (it overflows the browser's stack)."""
    freed_order = []
    import weakref

    with page._freed_newest_first():
        chain = [Value(1.0)]
        for _ in range(50):
            chain.append(chain[-1].tanh())
        refs = [weakref.ref(node, lambda _r, i=i: freed_order.append(i)) for i, node in enumerate(chain)]
        node = BareNode(1.0)
        del chain, node
        assert not freed_order, "kept alive until the cell ends"
    assert freed_order == sorted(freed_order, reverse=True) and len(freed_order) == 51
    assert all(ref() is None for ref in refs)
    assert Value(2.0, label="a").data == 2.0 and BareNode(3.0).data == 3.0  # the constructors still work
    with page._freed_newest_first():
        pass
    assert (Value(1.0) * 2).data == 2.0 and page._kept is None  # nothing is kept outside a run


def test_json_round_trip():
    request = json.dumps({"id": "1.4", "code": "answer = ...\ncheck('1.4', answer)\n"})
    assert json.loads(page.run_cell_json(request))["verdict"] == "not attempted"


def test_the_last_expression_is_shown_as_in_jupyter_but_not_checks_result():
    assert page.run_cell("1.1", "x = 2\nx * 21\n")["output"] == "42\n"
    assert page.run_cell("1.1", "print('a')\nNone\n")["output"] == "a\n"
    stub = "def f(*args):\n    raise NotImplementedError\n\ncheck('1.1', f)\n# hint('1.1')\n"
    output = page.run_cell("1.1", stub)["output"]
    assert output.startswith("⏳") and "False" not in output
