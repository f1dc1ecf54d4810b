"""Checkers that are always right: each rule of issue 7 section 2 as a test, through ``check``.

- numbers: any real number (numpy scalars of every width) counts, bool does not;
  sequences: list, tuple or 1-D numpy array, in every checker;
- a mismatch message shows the difference ("expected 6, got 6" never happens);
- ⏳ only when the learner's own answer raises NotImplementedError; a finished
  answer calling an unfinished helper names that helper;
- an error in the learner's code shows the learner's line that raised;
- an answer cannot skip the work (the package's Value methods are not there to call);
- messages blame the real mistake (a dropped repeated parent, an inaccurate numerical check);
- backward() zeroes interior grads and lets leaf grads accumulate (exercise 4.3).
"""

from __future__ import annotations

import linecache
import math
import re

import numpy as np
import pytest

from micrograd.engine import Value
from micrograd.exercises import check, hint, registry, reset_hints
from micrograd.exercises.ch03 import _grads_by_nudging
from micrograd.exercises.ch04 import _backward_without_zeroing, _backward_zeroing_everything
from micrograd.exercises.ch06 import _forward_difference_check
from micrograd.exercises.core import CORRECT, NOT_ATTEMPTED, WRONG


def _run(exercise_id, answer, capsys):
    result = check(exercise_id, answer)
    return bool(result), capsys.readouterr().out


def _passes(exercise_id, answer, capsys):
    result, out = _run(exercise_id, answer, capsys)
    assert result and out.startswith(CORRECT), out


def _fails(exercise_id, answer, capsys):
    result, out = _run(exercise_id, answer, capsys)
    assert not result and out.startswith(WRONG), out
    return " ".join(out.split())  # the message, unwrapped


def _reference(exercise_id):
    return registry()[exercise_id].reference


# ---- one number rule, one sequence rule ----------------------------------------------

VALUE_ANSWERS = [
    ("1.4", np.float32(1e-5)),
    ("1.4", np.float64(1e-5)),
    ("1.4", np.float16(1e-5)),
    ("2.1", np.int64(5)),
    ("2.1", np.int32(5)),
    ("2.1", np.int8(5)),
    ("2.1", np.float32(5.0)),
    ("3.1", np.array([-5.0, 4.0])),
    ("3.1", np.array([-5, 4])),
    ("3.1", np.array([-5, 4], dtype=np.float32)),
    ("3.1", (np.int64(-5), np.float32(4))),
    ("3.1", [-5, 4]),
    ("3.2", np.float32(3.0)),
    ("3.2", np.int16(3)),
]


@pytest.mark.parametrize(("exercise_id", "answer"), VALUE_ANSWERS, ids=repr)
def test_numpy_values_are_numbers(exercise_id, answer, capsys):
    _passes(exercise_id, answer, capsys)


def _as_numpy(function, kind):
    """The reference, returning its result as numpy (a float64 scalar, an array, an int64)."""

    def answer(*args):
        result = function(*args)
        if kind == "array":
            return np.array(result)
        if kind == "int":
            return np.int64(result)
        return np.float64(result)

    return answer


NUMPY_RETURNS = [
    ("1.1", "scalar"),
    ("1.2", "scalar"),
    ("1.3", "array"),
    ("2.3", "int"),
    ("3.3", "array"),
    ("5.1", "array"),
    ("5.2", "scalar"),
    ("5.3", "array"),
    ("6.1", "scalar"),
    ("6.2", "scalar"),
]


@pytest.mark.parametrize(("exercise_id", "kind"), NUMPY_RETURNS, ids=repr)
def test_functions_may_return_numpy(exercise_id, kind, capsys):
    _passes(exercise_id, _as_numpy(_reference(exercise_id), kind), capsys)


def test_a_float32_answer_to_1_4_passes(capsys):  # failed before: only int and float were numbers
    _passes("1.4", np.float32(1e-5), capsys)


def test_an_int64_answer_to_2_1_passes(capsys):  # failed before
    _passes("2.1", np.int64(5), capsys)


def test_arrays_pass_3_1_and_3_3_as_they_pass_1_3(capsys):  # 3.1/3.3 failed before, 1.3 passed
    _passes("3.1", np.array([-5.0, 4.0]), capsys)
    _passes("3.3", _as_numpy(_reference("3.3"), "array"), capsys)
    _passes("1.3", _as_numpy(_reference("1.3"), "array"), capsys)


BOOL_ANSWERS = [
    ("1.4", True),
    ("2.1", True),
    ("3.1", (True, False)),
    ("3.2", True),
    ("1.3", lambda f, point, h=1e-5: [True] * len(point)),
    ("3.3", lambda a, b, c, f: (True, True, True, True)),
    ("2.3", lambda root: True),
    ("6.1", lambda a, b, floor=1e-2: a == b),
]


@pytest.mark.parametrize(("exercise_id", "answer"), BOOL_ANSWERS, ids=[case[0] for case in BOOL_ANSWERS])
def test_bools_are_not_numbers(exercise_id, answer, capsys):
    out = _fails(exercise_id, answer, capsys)
    assert "bool" in out


def test_a_2d_array_is_not_a_sequence(capsys):
    out = _fails("3.1", np.array([[-5.0], [4.0]]), capsys)
    assert "2-D array" in out


# ---- messages show the difference ---------------------------------------------------


def test_a_near_miss_shows_different_numbers(capsys):
    forward = _reference("1.1")

    def almost(f, x, h=1e-6):
        return forward(f, x, h) * (1 + 1e-8)  # off by 1e-8 relative, tolerance 1e-9

    out = _fails("1.1", almost, capsys)
    shown = re.search(r"expected (\S+), got (\S+)", out)
    assert shown and shown.group(1) != shown.group(2), out


# ---- ⏳ only for the learner's own stub ------------------------------------------------


def my_relative_error(a, b, floor=1e-2):  # the learner's 6.1, still a stub
    raise NotImplementedError


def _find_wrong_rule_with_stub_helper(ops):
    """A finished 6.3 that calls the unfinished 6.1 above."""
    numerical_grad = registry()["6.3"].reference.__globals__["numerical_grad"]
    for name, op in ops.items():
        for x in (-1.3, -0.4, 0.7, 1.6):
            v = Value(x)
            op(v).backward()
            if my_relative_error(v.grad, numerical_grad(op, [x])[0]) > 1e-6:
                return name
    return None


def test_a_stub_helper_is_named_not_reported_as_not_attempted(capsys):
    out = _fails("6.3", _find_wrong_rule_with_stub_helper, capsys)
    assert not out.startswith(NOT_ATTEMPTED)
    assert "my_relative_error" in out and "stub" in out and "6.1" in out


def test_the_learners_own_stub_is_not_attempted(capsys):
    def find_wrong_rule(ops):
        # YOUR CODE HERE
        raise NotImplementedError

    result, out = _run("6.3", find_wrong_rule, capsys)
    assert not result and out.startswith(NOT_ATTEMPTED), out


def test_a_not_implemented_error_from_elsewhere_is_an_error(capsys):
    def softplus(v):
        return v.not_there_yet()  # an AttributeError is not "not attempted"

    out = _fails("5.4", softplus, capsys)
    assert "AttributeError" in out


# ---- the learner's line that raised ---------------------------------------------------


def _divides_by_zero(f, x, h=1e-6):
    rise = f(x + h) - f(x)
    return rise / 0  # the line that raises


def test_an_error_shows_the_learners_line(capsys):
    out = _fails("1.1", _divides_by_zero, capsys)
    assert "test_checker_rules.py, line" in out
    assert "return rise / 0 # the line that raises" in out
    assert "ZeroDivisionError" in out
    assert out.index("return rise / 0") < out.index("ZeroDivisionError")  # the line, then the error


def test_an_error_inside_the_package_shows_the_learners_call(capsys):
    def softplus(v):
        shifted = v - 10.0
        return shifted.log()  # log of a negative number: the engine raises

    out = _fails("5.4", softplus, capsys)
    assert "return shifted.log()" in out and "ValueError" in out


CELL_SOURCE = """\
def helper(x):
    y = x + 1
    return y / (x - x)


def forward_difference(f, x, h=1e-6):
    return helper(x)


result = check("1.1", forward_difference)
"""


def test_an_error_in_a_notebook_cell_shows_the_cell_line(capsys):
    filename = "/tmp/ipykernel_4242/2718281828.py"  # how ipykernel names a cell
    linecache.cache[filename] = (len(CELL_SOURCE), None, CELL_SOURCE.splitlines(True), filename)
    try:
        namespace = {"check": check}
        exec(compile(CELL_SOURCE, filename, "exec"), namespace)
    finally:
        del linecache.cache[filename]
    out = capsys.readouterr().out
    assert not namespace["result"]
    assert "in helper (cell line 3):" in out  # the innermost of the learner's frames
    assert "    return y / (x - x)" in out
    assert "ipykernel" not in out  # nothing that changes from run to run


# ---- an answer cannot skip the work ---------------------------------------------------

SHORTCUTS = [
    ("4.1", lambda a, b, out: out._backward(), "_backward"),
    ("4.2", lambda root: root.topological_order(), "topological_order"),
    ("4.3", lambda root: root.backward(), "backward"),
    ("4.4", lambda node: node._backward(), "_backward"),
    ("2.3", lambda root: len(root.topological_order()), "topological_order"),
]


@pytest.mark.parametrize(
    ("exercise_id", "shortcut", "method"), SHORTCUTS, ids=[f"{e}-{m}" for e, _, m in SHORTCUTS]
)
def test_the_engine_cannot_do_the_work(exercise_id, shortcut, method, capsys):
    out = _fails(exercise_id, shortcut, capsys)
    assert f"no {method!r}" in out


@pytest.mark.parametrize("h", [1e-3, 1e-5, 1e-7, 1.0])
def test_nudging_fails_3_3(h, capsys):
    out = _fails("3.3", lambda a, b, c, f: _grads_by_nudging(a, b, c, f, h), capsys)
    assert "nudging" in out


def test_any_order_of_the_chain_rule_passes_3_3(capsys):
    _passes("3.3", lambda a, b, c, f: (b * f, f * a, f, c + a * b), capsys)


# ---- messages that blame the real mistake ---------------------------------------------


def _chain_rule_step_with_a_set(node):
    local = dict(zip(node._prev, node._local_grads, strict=True))
    for parent in set(node._prev):
        parent.grad += local[parent] * node.grad  # += is right; the set drops a repeated parent


def test_4_4_a_set_of_parents_is_blamed_not_plus_equals(capsys):
    out = _fails("4.4", _chain_rule_step_with_a_set, capsys)
    assert "use +=" not in out and "not =" not in out
    assert "twice" in out and "set(node._prev)" in out


def test_4_4_assigning_is_blamed_on_plus_equals(capsys):
    def chain_rule_step(node):
        for parent, local_grad in zip(node._prev, node._local_grads, strict=True):
            parent.grad = local_grad * node.grad

    out = _fails("4.4", chain_rule_step, capsys)
    assert "+=" in out


def test_6_3_an_inaccurate_check_is_blamed_not_the_right_rule(capsys):
    out = _fails("6.3", _forward_difference_check, capsys)
    assert "'sin' is wrong, but its rule is right" in out
    assert "too inaccurate" in out and "central difference" in out


# ---- exercise 4.3 follows the engine's rule -------------------------------------------


def test_4_3_a_backward_that_resets_the_leaves_fails(capsys):
    out = _fails("4.3", _backward_zeroing_everything, capsys)
    assert "accumulate" in out and "leaf" in out


def test_4_3_a_backward_that_keeps_stale_interior_grads_fails(capsys):
    out = _fails("4.3", _backward_without_zeroing, capsys)
    assert "interior" in out


def test_4_3_agrees_with_the_engine():
    """The engine's own backward, called twice, does what the 4.3 checker asks."""
    a, b = Value(2.0), Value(-3.0)
    e = a * b
    L = (e + a) * e
    L.backward()
    first = (a.grad, b.grad, e.grad)
    L.backward()
    assert e.grad == first[2]  # interior: the same again
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])  # leaves: accumulated


# ---- the book's column -----------------------------------------------------------------


def test_messages_fit_the_column(capsys):
    for exercise in registry().values():
        stub = ... if exercise.kind == "value" else _divides_by_zero
        for answer in [stub, *exercise.wrong_answers]:
            check(exercise.id, answer)
            for line in capsys.readouterr().out.splitlines():
                assert len(line) <= 80, f"{exercise.id}: {line!r}"
        reset_hints()
        for _ in exercise.hints:
            hint(exercise.id)
        for line in capsys.readouterr().out.splitlines():
            assert len(line) <= 80, f"hint for {exercise.id}: {line!r}"
    reset_hints()
    check("99.9", None)
    assert all(len(line) <= 80 for line in capsys.readouterr().out.splitlines())


def test_messages_do_not_say_expected_x_got_x(capsys):
    for exercise in registry().values():
        for answer in exercise.wrong_answers:
            check(exercise.id, answer)
            out = capsys.readouterr().out
            for expected, got in re.findall(r"expected (-?[\d.e+-]+), got (-?[\d.e+-]+)", out):
                assert not math.isclose(float(expected), float(got), rel_tol=0, abs_tol=0), out


CHAPTER_2_CELL = """\
class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self.label = label


def sub(self, other):
    other = other if isinstance(other, Value) else Value(other)
    return Value(self.data - other.data, (self, other), "-")


result = check("2.2", sub)
"""


def test_2_2_uses_the_learners_own_value_class(capsys):
    namespace = {"check": check}
    exec(compile(CHAPTER_2_CELL, "/tmp/ipykernel_4242/314159.py", "exec"), namespace)
    out = capsys.readouterr().out
    assert namespace["result"], out


def test_a_class_stub_written_in_a_notebook_cell_is_not_attempted(capsys):
    """A class made in a cell has no module file: its methods' code still marks it as the learner's."""
    source = (
        "from micrograd.function import Function\n"
        "class Tanh(Function):\n"
        "    @staticmethod\n"
        "    def forward(ctx, x):\n"
        "        raise NotImplementedError\n"
        "    @staticmethod\n"
        "    def backward(ctx, grad_output):\n"
        "        raise NotImplementedError\n"
    )
    namespace = {"__name__": "__main__"}
    exec(compile(source, "/tmp/ipykernel_1/2.py", "exec"), namespace)
    assert not check("14.3", namespace["Tanh"])
    assert capsys.readouterr().out.startswith(NOT_ATTEMPTED)


# ---- messages that are true (issue 16) --------------------------------------------------


def test_a_typo_on_a_node_is_named_as_a_typo(capsys):
    out = _fails("2.3", lambda root: root.dat, capsys)
    assert "did you mean 'data'" in out
    assert "asks you to do that part" not in out


def test_a_value_method_on_a_node_is_the_exercises_part(capsys):
    out = _fails("2.3", lambda root: root.backward(), capsys)
    assert "asks you to do that part" in out


def test_internal_class_names_never_reach_the_learner(capsys):
    out = _fails("2.3", lambda root: root + 1, capsys) + _fails("7.1", lambda a, b: a / b, capsys)
    assert "BareNode" not in out and "_Pair" not in out and "_BackwardNode" not in out
    assert "'Node'" in out and "only .val and .der" in out


def test_a_type_is_not_named_twice(capsys):
    out = _fails("1.1", lambda f, x, h=1e-6: (object(),), capsys)  # its repr has an address
    assert "tuple a tuple" not in out and "got a tuple" in out


def test_one_missing_node_is_singular(capsys):
    def topo_sort(root):
        order, seen, stack = [], set(), [root]
        while stack:
            node = stack.pop()
            if id(node) not in seen:
                seen.add(id(node))
                order.append(node)
                stack.extend(node._prev)
        return [node for node in reversed(order) if node is not root]

    out = _fails("4.2", topo_sort, capsys)
    assert "(1 node missing in all)" in out


def test_a_near_miss_names_the_relative_error(capsys):
    out = _fails("5.2", lambda x: (math.tanh(x / 2) + 1) / 2, capsys)
    assert "relative error" in out and "allows 1e-09" in out


def test_counts_print_as_counts(capsys):
    out = _fails("7.3", lambda n, m: (n, 1e6 if m > 1 else m), capsys)
    assert "1e+06" not in out and "got 1000000.0" in out


def test_8_2_passes_a_list_as_it_prints_it_and_hint_1_works(capsys):
    seen = []

    def count(nin, nouts):
        seen.append(type(nouts))
        sizes = [nin] + nouts  # hint 1's code: fails on a tuple
        return sum(k * (m + 1) for m, k in zip(sizes, sizes[1:], strict=False))

    _passes("8.2", count, capsys)
    assert set(seen) == {list}


def test_10_2_prints_a_call_python_accepts(capsys):
    out = _fails("10.2", lambda *args: (0.0, 0.0, 0.0), capsys)
    call = out[out.index("adam_step(") : out.index(")", out.index("adam_step(")) + 1]
    compile(call.replace("\n   ", " "), "<call>", "eval")  # no positional argument after a keyword one


def test_multi_line_hints_keep_their_line_breaks(capsys):
    reset_hints()
    for _ in range(3):
        hint("8.1")
    out = capsys.readouterr().out
    reset_hints()
    assert "\n       for wi, xi in zip(w, x):\n           z = z + wi * xi\n" in out


def test_12_2_an_error_shows_the_shapes_it_was_called_with(capsys):
    out = _fails("12.2", lambda a, b, g: (g @ b, a @ g), capsys)
    assert "(called with an array of shape (2, 3), an array of shape (3, 4), an array of shape (2, 4))" in out
    assert "..." not in out


def _step_without_effect(model, X, y, lr, alpha=1e-4):
    from micrograd.losses import hinge

    loss = hinge([model(x) for x in X], y, model.parameters(), alpha=alpha)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p -= lr * p.grad  # rebinds p: the model's parameter is unchanged
    return loss.data


def test_11_3_an_update_without_effect_is_named(capsys):
    out = _fails("11.3", _step_without_effect, capsys)
    assert "left every parameter as it was" in out and "p.data -= lr * p.grad" in out


def test_11_3_a_forgotten_zero_grad_is_named(capsys):
    from micrograd.exercises.ch11 import _no_zero_grad

    out = _fails("11.3", _no_zero_grad, capsys)
    assert "zero_grad()" in out and "step 2" in out


def test_14_1_accepts_the_tables_other_answer_for_v_data(capsys):
    from micrograd.exercises.ch14 import CONCEPT_MAP_ANSWER

    answer = dict(CONCEPT_MAP_ANSWER)
    answer["v.data"] = "t.detach()"  # chapter 14's table: `v.data` -> `t.item()`, `t.detach()`
    _passes("14.1", answer, capsys)


def test_14_1_hint_counts_the_unused_terms():
    from micrograd.exercises.ch14 import CONCEPT_MAP_ANSWER, PYTORCH_TERMS

    unused = len(PYTORCH_TERMS) - len(set(CONCEPT_MAP_ANSWER.values()))
    words = {4: "four", 5: "five", 6: "six"}
    assert f"{words[unused]} of PYTORCH_TERMS are not used" in registry()["14.1"].hints[0]


def _exact_directional(f, inputs, direction, h=1e-6):
    xs = [Value(x) for x in inputs]
    f(*xs).backward()
    return sum(x.grad * d for x, d in zip(xs, direction, strict=True))


def test_6_2_the_exact_slope_is_told_to_use_the_given_h(capsys):
    out = _fails("6.2", _exact_directional, capsys)
    assert "exact slope" in out and "central difference with the given h" in out


def test_the_package_function_itself_is_named_as_the_answer(capsys):
    from micrograd import metrics
    from micrograd.nn import MLP

    out = _fails("11.1", metrics.binary_accuracy, capsys)
    assert "Your answer is the package's binary_accuracy" in out
    out = _fails("8.2", MLP, capsys)
    assert "Your answer is the package's MLP" in out
