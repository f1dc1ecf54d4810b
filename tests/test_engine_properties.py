"""Property tests: random expression graphs, backpropagated and checked against finite differences.

Hypothesis draws a small program: a few leaves, then a sequence of operations
whose operands are ANY earlier node (so nodes get reused, including
``x op x``). The program runs twice: on Values (``backward()`` gives the
gradients) and on plain floats, where central differences give the expected
gradients. The output is the sum of every node computed, so that each
operation drawn takes part. Both ``Value`` classes (package and notebooks)
are tested.

Operations are kept inside their domain and away from kinks: where an
operation would be invalid or ill-conditioned at the drawn point (log of a
small number, division by a small number, relu next to 0, a result larger
than 20), the program uses ``tanh`` of its first operand instead. That choice
is made once, at the drawn point, and then replayed unchanged for the nudged
points, so both runs compute the same function.

Each docstring starts with the chapter it belongs to, e.g. ``[ch6]``.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd.engine import Value as PackageValue
from micrograd.engine import weighted_sum

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True)
LIMIT = 20.0  # no intermediate result larger than this


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


# name: (number of operands, function of Values, the same function of floats, is it safe at these floats?)
OPS = {
    "add": (2, lambda a, b: a + b, lambda x, y: x + y, lambda x, y: True),
    "sub": (2, lambda a, b: a - b, lambda x, y: x - y, lambda x, y: True),
    "mul": (2, lambda a, b: a * b, lambda x, y: x * y, lambda x, y: True),
    "div": (2, lambda a, b: a / b, lambda x, y: x / y, lambda x, y: abs(y) > 0.2),
    "neg": (1, lambda a: -a, lambda x: -x, lambda x: True),
    "exp": (1, lambda a: a.exp(), math.exp, lambda x: x < 3),
    "log": (1, lambda a: a.log(), math.log, lambda x: x > 0.2),
    "tanh": (1, lambda a: a.tanh(), math.tanh, lambda x: True),
    "sigmoid": (1, lambda a: a.sigmoid(), _sigmoid, lambda x: True),
    "relu": (1, lambda a: a.relu(), lambda x: max(x, 0.0), lambda x: abs(x) > 1e-2),
    "square": (1, lambda a: a**2, lambda x: x * x, lambda x: True),
    "cube": (1, lambda a: a**3, lambda x: x**3, lambda x: True),
    "reciprocal": (1, lambda a: a**-1, lambda x: 1 / x, lambda x: abs(x) > 0.2),
    "sqrt": (1, lambda a: a**0.5, math.sqrt, lambda x: x > 0.2),
    "pow 1.5": (1, lambda a: a**1.5, lambda x: x**1.5, lambda x: x > 0.2),
    "2 ** x": (1, lambda a: 2**a, lambda x: 2.0**x, lambda x: x < 4),
    "x + 3": (1, lambda a: a + 3, lambda x: x + 3, lambda x: True),
    "3 - x": (1, lambda a: 3 - a, lambda x: 3 - x, lambda x: True),
    "x * -2": (1, lambda a: -2 * a, lambda x: -2 * x, lambda x: True),
    "1 / x": (1, lambda a: 1 / a, lambda x: 1 / x, lambda x: abs(x) > 0.2),
    "x / 4": (1, lambda a: a / 4, lambda x: x / 4, lambda x: True),
}
FALLBACK = "tanh"


@st.composite
def programs(draw):
    """Leaf values, then instructions (op name, operand indices) over leaves and earlier results."""
    n_leaves = draw(st.integers(1, 4))
    leaves = draw(
        st.lists(
            st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False).filter(lambda x: abs(x) > 1e-3),
            min_size=n_leaves,
            max_size=n_leaves,
        )
    )
    instructions = []
    for step in range(draw(st.integers(1, 12))):
        name = draw(st.sampled_from(sorted(OPS)))
        arity = OPS[name][0]
        operands = tuple(draw(st.integers(0, n_leaves + step - 1)) for _ in range(arity))
        instructions.append((name, operands))
    return leaves, instructions


def resolve(leaves, instructions):
    """Replace each instruction that is unsafe at the drawn point by tanh of its first operand.

    Then append additions that sum every result, so each operation reaches the output.
    """
    values = list(leaves)
    resolved = []
    for name, operands in instructions:
        _, _, on_floats, safe = OPS[name]
        args = [values[i] for i in operands]
        if safe(*args):
            result = on_floats(*args)
            if abs(result) <= LIMIT:
                values.append(result)
                resolved.append((name, operands))
                continue
        values.append(math.tanh(args[0]))
        resolved.append((FALLBACK, operands[:1]))
    # finally add up all results, so that every operation drawn reaches the output
    total = len(leaves)
    for result in range(len(leaves) + 1, len(values)):
        resolved.append(("add", (total, result)))
        total = len(leaves) + len(resolved) - 1
    return resolved


def run(instructions, leaves, on_values):
    """Evaluate the program; on_values picks the Value or the float version of each op."""
    nodes = list(leaves)
    for name, operands in instructions:
        function = OPS[name][1] if on_values else OPS[name][2]
        nodes.append(function(*(nodes[i] for i in operands)))
    return nodes


def finite_differences(instructions, point, h=1e-6):
    grads = []
    for i in range(len(point)):
        step = h * max(1.0, abs(point[i]))
        up, down = list(point), list(point)
        up[i] += step
        down[i] -= step
        grads.append((run(instructions, up, False)[-1] - run(instructions, down, False)[-1]) / (2 * step))
    return grads


@SETTINGS
@given(program=programs())
def test_random_graph_grads_match_finite_differences(Value, program):  # noqa: N803
    """[ch6] backward() on a random expression DAG agrees with central differences for every leaf."""
    point, drawn = program
    instructions = resolve(point, drawn)
    leaves = [Value(x) for x in point]
    out = run(instructions, leaves, True)[-1]
    if not hasattr(out, "backward"):  # the program never used its leaves: out is a leaf itself
        return
    out.backward()
    expected = finite_differences(instructions, point)
    for i, (leaf, numeric) in enumerate(zip(leaves, expected, strict=True)):
        tolerance = 1e-5 * max(1.0, abs(numeric)) + 1e-6
        assert abs(leaf.grad - numeric) <= tolerance, (
            f"leaf {i}: backward {leaf.grad!r}, finite differences {numeric!r}; program {instructions}"
        )


@SETTINGS
@given(program=programs())
def test_random_graph_values_match_floats(Value, program):  # noqa: N803
    """[ch5] Every node of a random graph holds the value the float formula gives."""
    point, drawn = program
    instructions = resolve(point, drawn)
    nodes = run(instructions, [Value(x) for x in point], True)
    floats = run(instructions, point, False)
    for node, x in zip(nodes, floats, strict=True):
        assert node.data == pytest.approx(x, rel=1e-12, abs=1e-12)


@SETTINGS
@given(program=programs())
def test_random_graph_topological_order(Value, program):  # noqa: N803
    """[ch4] The order lists every reachable node once, parents first, root last."""
    point, drawn = program
    instructions = resolve(point, drawn)
    out = run(instructions, [Value(x) for x in point], True)[-1]
    order = out.topological_order()
    position = {id(node): i for i, node in enumerate(order)}
    assert len(position) == len(order)
    assert order[-1] is out
    reachable, stack = set(), [out]
    while stack:
        node = stack.pop()
        if id(node) not in reachable:
            reachable.add(id(node))
            stack.extend(node._prev)
    assert reachable == set(position)
    for node in order:
        for parent in node._prev:
            assert position[id(parent)] < position[id(node)]


@SETTINGS
@given(program=programs(), scale=st.floats(-3.0, 3.0).filter(lambda s: abs(s) > 0.1))
def test_backward_is_linear_in_the_output(Value, program, scale):  # noqa: N803
    """[ch4] The grads of (scale * f) are scale times the grads of f (the chain rule is linear)."""
    point, drawn = program
    instructions = resolve(point, drawn)
    leaves1 = [Value(x) for x in point]
    out1 = run(instructions, leaves1, True)[-1]
    leaves2 = [Value(x) for x in point]
    out2 = run(instructions, leaves2, True)[-1]
    if not hasattr(out1, "backward"):
        return
    out1.backward()
    (out2 * scale).backward()
    for a, b in zip(leaves1, leaves2, strict=True):
        assert b.grad == pytest.approx(scale * a.grad, rel=1e-12, abs=1e-12)


@SETTINGS
@given(
    data=st.lists(
        st.tuples(st.floats(-3, 3), st.floats(-3, 3), st.booleans()),
        min_size=1,
        max_size=8,
    ),
    bias=st.floats(-3, 3),
)
def test_weighted_sum_equals_the_sum_of_products(data, bias):
    """[ch7] weighted_sum(w, x, b) gives the value and grads of b + w_0*x_0 + ... (x a Value or a number)."""

    def build():
        w = [PackageValue(wi) for wi, _, _ in data]
        x = [PackageValue(xi) if is_value else xi for _, xi, is_value in data]
        return w, x, PackageValue(bias)

    w1, x1, b1 = build()
    out1 = weighted_sum(w1, x1, b1)
    w2, x2, b2 = build()
    out2 = b2
    for wi, xi in zip(w2, x2, strict=True):
        out2 = out2 + wi * xi
    assert out1.data == pytest.approx(out2.data, rel=1e-12, abs=1e-12)
    (out1 * out1).backward()
    (out2 * out2).backward()
    for a, b in zip([*w1, b1, *x1], [*w2, b2, *x2], strict=True):
        if isinstance(a, PackageValue):
            assert a.grad == pytest.approx(b.grad, rel=1e-12, abs=1e-12)
