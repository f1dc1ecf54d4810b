"""Chapter 2 — The Value object."""

from __future__ import annotations

import inspect

from micrograd.engine import Value
from micrograd.exercises.core import Exercise, Mismatch, _short, bare_copy, expect_close, is_number, register

# ---- 2.1 predict the size of a graph ------------------------------------------
#
#     x = Value(3.0)
#     y = x * 2
#     z = y + x
#     w = z * z
#
# draw_dot(w) draws x, the constant 2 (wrapped as a Value by __mul__), y, z and w: 5 Values.

_GRAPH_SIZE = 5


def _check_graph_size(answer) -> None:
    if not (is_number(answer) and float(answer).is_integer()):
        raise Mismatch(f"expected a whole number of Values, got {type(answer).__name__} {_short(answer)}")
    count = int(answer)
    if count == _GRAPH_SIZE:
        return
    if count == _GRAPH_SIZE - 1:
        raise Mismatch(
            f"{count} is one short. Did you forget the 2? In `x * 2`, __mul__ wraps the plain number "
            "in a Value of its own, and that Value is a node too."
        )
    if count > _GRAPH_SIZE:
        raise Mismatch(
            f"{count} is too many. A Value used twice (x in y and in z, z twice in w) is still ONE "
            "object: the graph points at it twice but draws it once."
        )
    raise Mismatch(f"{count} is too few: count every Value, inputs and constants included.")


register(
    Exercise(
        id="2.1",
        title="predict the size of a graph",
        checker=_check_graph_size,
        reference=_GRAPH_SIZE,
        kind="value",
        hints=[
            "Count objects, not uses: every Value object is drawn exactly once, however often it is used.",
            "Each line of code makes one new Value, and so does each plain number that meets a Value.",
        ],
        wrong_answers=[4, 6, 7, 11, 3],
    )
)


# ---- 2.2 subtraction as a new node ---------------------------------------------


def sub(self, other):
    """out = self - other: ONE new Value, parents (self, other), op "-"."""
    other = other if isinstance(other, Value) else Value(other)
    return Value(self.data - other.data, (self, other), "-")


def _value_class(answer):
    """The ``Value`` class the learner's function sees (their notebook's), else the package's.

    A learner writes ``isinstance(other, Value)`` and ``Value(...)`` meaning the class
    built in their notebook, so the checker must hand them instances of that class.
    """
    function = inspect.unwrap(answer)
    cls = getattr(function, "__globals__", {}).get("Value")
    return cls if isinstance(cls, type) else Value


def _check_sub(answer) -> None:
    cls = _value_class(answer)
    cases = [(5.0, 3.0, True), (-1.5, 0.25, True), (5.0, 2, False), (4.0, -2.5, False)]
    for left, right, both_values in cases:
        a = cls(left, label="a")
        b = cls(right, label="b") if both_values else right
        shown = f"Value({right})" if both_values else repr(right)
        case = f"sub(Value({left}), {shown})"
        expected = (Value(left) - Value(right)).data  # what the package computes
        out = answer(a, b)
        if not isinstance(out, cls):
            raise Mismatch(f"{case} should return a new Value, got {type(out).__name__} {_short(out)}")
        if out is a or out is b:
            raise Mismatch(f"{case} returned one of its inputs: make a NEW Value for the result")
        if a.data != left:
            raise Mismatch(f"{case} changed self.data to {a.data}; leave the inputs as they are")
        expect_close(out.data, expected, f"{case}: the result's data", rel=1e-12, abs_tol=0.0)
        if out._op != "-":
            raise Mismatch(f'{case}: the result\'s _op should be "-", got {out._op!r}')
        parents = tuple(out._prev)
        if len(parents) != 2:
            raise Mismatch(f"{case}: the result should have 2 parents (self, other), got {len(parents)}")
        if parents[0] is not a:
            raise Mismatch(f"{case}: the first parent should be self (parents in argument order)")
        if both_values and parents[1] is not b:
            raise Mismatch(f"{case}: the second parent should be other itself (parents in argument order)")
        if not both_values and not (isinstance(parents[1], cls) and parents[1].data == float(right)):
            raise Mismatch(f"{case}: the second parent should be the number {right!r} wrapped in a Value")


def _sub_returns_float(self, other):  # forgets to make a node
    other = other if isinstance(other, Value) else Value(other)
    return self.data - other.data


def _sub_reversed(self, other):  # other - self
    other = other if isinstance(other, Value) else Value(other)
    return Value(other.data - self.data, (self, other), "-")


def _sub_parents_swapped(self, other):  # parents out of argument order
    other = other if isinstance(other, Value) else Value(other)
    return Value(self.data - other.data, (other, self), "-")


def _sub_unwrapped(self, other):  # fails on a plain number
    return Value(self.data - other.data, (self, other), "-")


def _sub_in_place(self, other):  # changes self instead of making a new Value
    other = other if isinstance(other, Value) else Value(other)
    self.data -= other.data
    return self


def _sub_no_op(self, other):  # forgets the op, so the drawing shows "?"
    other = other if isinstance(other, Value) else Value(other)
    return Value(self.data - other.data, (self, other))


register(
    Exercise(
        id="2.2",
        title="subtraction as a new node",
        checker=_check_sub,
        reference=sub,
        hints=[
            "Start from the chapter's __add__: only the arithmetic and the op change.",
            "Wrap a plain number first: other = other if isinstance(other, Value) else Value(other).",
            'Return Value(self.data - other.data, (self, other), "-").',
        ],
        wrong_answers=[
            _sub_returns_float,
            _sub_reversed,
            _sub_parents_swapped,
            _sub_unwrapped,
            _sub_in_place,
            _sub_no_op,
        ],
    )
)


# ---- 2.3 count the nodes of a graph --------------------------------------------


def count_nodes(root):
    """How many distinct Values the graph of ``root`` holds, root included."""
    seen = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node._prev)
    return len(seen)


def _graphs():
    """(root, its number of distinct Values, description) for the checker."""
    x = Value(3.0)
    doubled = x
    for _ in range(5):
        doubled = doubled + doubled
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    return [
        (Value(1.0), 1, "a single Value(1.0)"),
        (a * b + c, 5, "a*b + c"),
        (x * 2 + x, 4, "x*2 + x (x used twice, 2 becomes a Value)"),
        (Value(1.0) + Value(1.0), 3, "Value(1.0) + Value(1.0) (two different Values with equal data)"),
        (doubled, 6, "y = x, then y = y + y five times (each node shared)"),
    ]


def _check_count(answer) -> None:
    for root, expected, case in _graphs():
        # nodes with only data, grad, label, _prev, _local_grads and _op: nothing to call
        got = answer(bare_copy(root))
        if not (is_number(got) and float(got).is_integer()):
            raise Mismatch(f"{case}: expected a whole number, got {type(got).__name__} {_short(got)}")
        got = int(got)
        if got != expected:
            noun = "Value" if expected == 1 else "Values"
            raise Mismatch(f"{case}: the graph holds {expected} {noun}, your count is {got}")


def _count_uses(root):  # walks the graph as a tree: shared nodes counted once per use
    return 1 + sum(_count_uses(parent) for parent in root._prev)


def _count_without_root(root):  # forgets the root itself
    return count_nodes(root) - 1


def _count_by_data(root):  # treats Values with equal data as the same node
    seen = set()
    stack = [root]
    while stack:
        node = stack.pop()
        seen.add(node.data)
        stack.extend(node._prev)
    return len(seen)


def _count_leaves(root):  # counts only the inputs
    seen = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if not node._prev:
            seen.add(node)
        stack.extend(node._prev)
    return len(seen)


def _count_by_topological_order(root):  # the package's sort does the walk
    from micrograd.engine import topological_order

    return len(topological_order(root))


register(
    Exercise(
        id="2.3",
        title="count the nodes of a graph",
        checker=_check_count,
        reference=count_nodes,
        shortcuts={
            "micrograd.engine.topological_order": _count_by_topological_order,
        },
        hints=[
            "Start at the root and follow _prev back towards the inputs.",
            "The same Value can be reached along several paths: keep a set of the nodes already seen.",
            "Use a list as a stack: pop a node, skip it if seen, else add it to the set and push its _prev.",
        ],
        wrong_answers=[_count_uses, _count_without_root, _count_by_data, _count_leaves],
    )
)
