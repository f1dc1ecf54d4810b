"""Chapter 4 — Automating backward.

The checkers build small graphs with the package's ``Value`` and hand the
learner a copy made of bare nodes (``BareNode``: data, grad, label, _prev,
_local_grads, _op, plus only the methods an exercise allows), so an answer
cannot skip its work by calling ``backward()``, ``topological_order()`` or
``_backward()``. The graphs include a node used twice (``a + a``), a node
reached by two paths of different lengths, and a chain deeper than Python's
recursion limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from micrograd.engine import Value, topological_order, weighted_sum
from micrograd.exercises.core import (
    BareNode,
    Exercise,
    Mismatch,
    bare_copy,
    expect_close,
    expect_number,
    fmt,
    register,
)

DEEP = 5000  # deeper than Python's default recursion limit of 1000


def _name(node) -> str:
    return node.label or f"the node with data {node.data:g}"


def _labelled(root) -> dict[str, BareNode]:
    """The labelled nodes of a graph, by label."""
    return {node.label: node for node in topological_order(root) if node.label}


# ---- graphs the checkers use ------------------------------------------------------
# Each builder returns a fresh root; the same builder always makes the same graph.


def _lecture_graph() -> Value:
    """L = (a*b + c) * f at a=2, b=-3, c=10, f=-2 (chapter 3's example)."""
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def _seed_graph() -> Value:
    """z = x*y + x**2 at x=2, y=-3."""
    x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    xy = x * y
    xy.label = "x*y"
    x2 = x**2
    x2.label = "x**2"
    z = xy + x2
    z.label = "z"
    return z


def _reuse_graph() -> Value:
    """c = b + b with b = a + a: a node used twice, twice over (dc/da = 4)."""
    a = Value(1.0, label="a")
    b = a + a
    b.label = "b"
    c = b + b
    c.label = "c"
    return c


def _diamond_graph() -> Value:
    """L = n + m with n = x*x and m = n*3: n is reached by a short and a long path."""
    x = Value(2.0, label="x")
    n = x * x
    n.label = "n"
    three = Value(3.0, label="3")
    m = n * three
    m.label = "m"
    L = n + m
    L.label = "L"
    return L


def _deep_graph() -> Value:
    """y = tanh(tanh(...tanh(x)...)), DEEP times: a chain deeper than the recursion limit."""
    y = Value(0.5, label="x")
    for _ in range(DEEP):
        y = y.tanh()
    y.label = "y"
    return y


_SMALL_GRAPHS: list[tuple[str, Callable[[], Value]]] = [
    ("L = (a*b + c) * f", _lecture_graph),
    ("z = x*y + x**2", _seed_graph),
    ("c = b + b with b = a + a", _reuse_graph),
    ("L = n + m with n = x*x, m = n*3", _diamond_graph),
]
_DEEP_CASE = (f"a chain of {DEEP} tanh nodes", _deep_graph)


def _recursion_hint(error: Mismatch, case: str) -> Mismatch:
    """A clearer message when a recursive answer hits the recursion limit on the deep chain."""
    if "RecursionError" in str(error):
        return Mismatch(
            f"on {case} your function hit Python's recursion limit (RecursionError). "
            "Use a list as an explicit stack instead of calling your function recursively."
        )
    return error


# ---- 4.1  the backward rule of *, as in a closure --------------------------------


def mul_backward(a, b, out):
    """out = a * b: pass out.grad back (accumulate with +=).

    d(out)/da = b,  d(out)/db = a
    """
    a.grad += b.data * out.grad
    b.grad += a.data * out.grad


def _product(a: float, b: float, out_grad: float, a_grad: float = 0.0):
    """(a, b, out) as bare nodes for out = a * b, with out.grad and a.grad given."""
    out = bare_copy(Value(a, label="a") * Value(b, label="b"))
    out.grad = out_grad
    left, right = out._prev
    left.grad = a_grad
    return left, right, out


def _check_mul_backward(answer) -> None:
    a, b, out = _product(3.0, -2.0, 1.5)
    answer(a, b, out)
    expect_close(a.grad, -3.0, "a.grad for out = a * b with a=3, b=-2, out.grad=1.5")
    expect_close(b.grad, 4.5, "b.grad for out = a * b with a=3, b=-2, out.grad=1.5")

    p, q, out = _product(4.0, 0.5, 2.0, a_grad=10.0)  # p already received 10 from another use
    answer(p, q, out)
    case = "p.grad when p.grad was already 10 (out = p * q, q=0.5, out.grad=2)"
    if math.isclose(expect_number(p.grad, case), 1.0):
        raise Mismatch(f"{case}: expected 11.0, got 1.0: add p's share to p.grad (+=), do not replace it (=)")
    expect_close(p.grad, 11.0, case)

    x = BareNode(3.0, label="x")
    square = BareNode(9.0, (x, x), (3.0, 3.0), "*")
    square.grad = 1.0
    answer(x, x, square)
    if math.isclose(expect_number(x.grad, "x.grad for out = x * x"), 3.0):
        raise Mismatch(
            "for out = x * x with x=3 you get x.grad = 3 instead of 6: x is both inputs, so its two "
            "contributions must add up."
        )
    expect_close(x.grad, 6.0, "x.grad for out = x * x with x=3, out.grad=1")


def _mul_backward_assigns(a, b, out):  # = instead of +=: loses a share when a is b
    a.grad = b.data * out.grad
    b.grad = a.data * out.grad


def _mul_backward_swapped(a, b, out):  # each input scaled by itself instead of the other
    a.grad += a.data * out.grad
    b.grad += b.data * out.grad


def _mul_backward_unchained(a, b, out):  # local derivatives only, out.grad forgotten
    a.grad += b.data
    b.grad += a.data


register(
    Exercise(
        id="4.1",
        title="the backward rule of a product",
        checker=_check_mul_backward,
        reference=mul_backward,
        hints=[
            "The local derivative of a * b with respect to a is b; with respect to b it is a.",
            "Chain rule: a's share is (local derivative) * out.grad.",
            "Add the share to what is there (a.grad += ...): with out = x * x, a and b are the same Value.",
        ],
        wrong_answers=[_mul_backward_assigns, _mul_backward_swapped, _mul_backward_unchained],
    )
)

# ---- 4.2  topological sort, without recursion -------------------------------------


def topo_sort(root):
    """Every node root depends on, each once, parents before children.

    An explicit stack instead of recursion.
    """
    order = []
    visited = set()
    stack = [(root, False)]  # (node, are its parents already in order?)
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))  # comes back after all its parents
            for parent in node._prev:
                stack.append((parent, False))
    return order


def _check_order(order: object, root, case: str) -> None:
    if not isinstance(order, (list, tuple)):
        raise Mismatch(f"on {case}: expected a list of nodes, got {type(order).__name__}")
    expected = {id(node): node for node in topological_order(root)}
    position: dict[int, int] = {}
    for index, node in enumerate(order):
        if id(node) not in expected:
            raise Mismatch(
                f"on {case}: the list holds a {type(node).__name__} that is not a node of this graph"
            )
        if id(node) in position:
            raise Mismatch(f"on {case}: {_name(node)} appears twice; list each node once")
        position[id(node)] = index
    missing = [node for key, node in expected.items() if key not in position]
    if missing:
        count = "1 node" if len(missing) == 1 else f"{len(missing)} nodes"
        raise Mismatch(f"on {case}: {_name(missing[0])} is missing ({count} missing in all)")
    for node in order:
        for parent in node._prev:
            if position[id(parent)] > position[id(node)]:
                raise Mismatch(f"on {case}: {_name(node)} comes before its parent {_name(parent)}")


def _check_topo_sort(answer) -> None:
    for case, build in _SMALL_GRAPHS:
        root = bare_copy(build())
        _check_order(answer(root), root, case)
    case, build = _DEEP_CASE
    root = bare_copy(build())
    try:
        order = answer(root)
    except Mismatch as error:
        raise _recursion_hint(error, case) from None
    _check_order(order, root, case)


def _topo_recursive(root):
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            for parent in node._prev:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def _topo_without_visited(root):
    order, stack = [], [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        else:
            stack.append((node, True))
            stack.extend((parent, False) for parent in node._prev)
    return order


def _topo_reversed_breadth_first(root):
    seen, queue = [root], [root]
    while queue:
        node = queue.pop(0)
        for parent in node._prev:
            if all(parent is not s for s in seen):
                seen.append(parent)
                queue.append(parent)
    return seen[::-1]


def _topo_sort_by_package(root):  # the package's own sort
    return topological_order(root)


register(
    Exercise(
        id="4.2",
        title="topological sort without recursion",
        checker=_check_topo_sort,
        reference=topo_sort,
        shortcuts={
            "micrograd.engine.topological_order": _topo_sort_by_package,
        },
        hints=[
            "Keep a list `stack` of work to do and loop `while stack:`; a set `visited` stops you "
            "listing a node twice.",
            "A node may be added to the order only after all its parents. Push each node twice: once as "
            "(node, False) meaning 'visit its parents first', and once as (node, True) meaning 'now add it'.",
            "When you pop (node, False) for a new node: mark it visited, push (node, True), then push "
            "(parent, False) for every parent. When you pop (node, True): append node to the order.",
        ],
        wrong_answers=[
            _topo_recursive,
            _topo_without_visited,
            lambda root: topo_sort(root)[::-1],
            _topo_reversed_breadth_first,
        ],
    )
)

# ---- 4.3  backward() as a function ------------------------------------------------


def backward(root):
    """Fill in d(root)/d(node) as node.grad for every node (chapter 4's rule).

    Interior nodes (those with parents) start again from 0; the root is seeded
    with 1; leaves keep what they had and accumulate (+=), like the engine's
    backward(). Then every node passes its grad on, in reverse topological
    order.
    """
    order = root.topological_order()
    for node in order:
        if node._prev:
            node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        node._backward()


class _BackwardNode(BareNode):
    """A bare node with the two methods exercise 4.3 allows: topological_order and _backward."""

    __slots__ = ()

    _backward = Value._backward  # the engine's own chain rule at one node

    def topological_order(self) -> list[_BackwardNode]:
        """Every node this one depends on, each after all of its parents."""
        return topological_order(self)


def _check_backward(answer) -> None:
    for case, build in [*_SMALL_GRAPHS, _DEEP_CASE]:
        expected_root = bare_copy(build(), _BackwardNode)
        backward(expected_root)
        expected = [node.grad for node in topological_order(expected_root)]
        root = bare_copy(build(), _BackwardNode)
        try:
            answer(root)
        except Mismatch as error:
            raise _recursion_hint(error, case) from None
        if root.grad == 0.0:
            raise Mismatch(f"on {case}: the root's grad is still 0; start with root.grad = 1 (dL/dL = 1)")
        nodes = topological_order(root)
        for node, want in zip(nodes, expected, strict=True):
            expect_close(node.grad, want, f"{_name(node)}.grad on {case}")
        _check_second_call(answer, root, nodes, expected, case)


def _check_second_call(answer, root, nodes, expected, case: str) -> None:
    """The rule for a second call: interior grads start again, leaf grads accumulate."""
    answer(root)
    for node, want in zip(nodes, expected, strict=True):
        got = expect_number(node.grad, f"{_name(node)}.grad after a second backward on {case}")
        if node._prev and not math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9):
            raise Mismatch(
                f"on {case}, calling your backward a second time gave {_name(node)}.grad = "
                f"{fmt(node.grad)} instead of {fmt(want)}: it added to the grad left by the first call.\n"
                "Set the grads of the interior nodes (those with parents) to 0 before you seed the root."
            )
    for node, want in zip(nodes, expected, strict=True):
        if not node._prev and want != 0.0 and math.isclose(node.grad, want, rel_tol=1e-6, abs_tol=1e-9):
            raise Mismatch(
                f"on {case}, calling your backward a second time left the leaf {_name(node)} at "
                f"grad {fmt(want)} instead of adding to it ({fmt(2 * want)}).\n"
                "Leaf grads accumulate (+=) across calls, so do not reset them: zero only the "
                "interior nodes (resetting leaves between steps is zero_grad's job)."
            )
        if not node._prev:
            expect_close(node.grad, 2 * want, f"{_name(node)}.grad after a second backward on {case}")


def _backward_forward_order(root):
    root.grad = 1.0
    for node in root.topological_order():
        node._backward()


def _backward_unseeded(root):
    for node in reversed(root.topological_order()):
        node._backward()


def _backward_without_zeroing(root):  # a second call adds to the interior grads of the first
    order = root.topological_order()
    root.grad = 1.0
    for node in reversed(order):
        node._backward()


def _backward_zeroing_everything(root):  # a second call wipes what the leaves accumulated
    order = root.topological_order()
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        node._backward()


def _backward_naive_recursion(root):
    root.grad = 1.0

    def visit(node):
        node._backward()
        for parent in node._prev:
            visit(parent)

    visit(root)


register(
    Exercise(
        id="4.3",
        title="backward as a function",
        checker=_check_backward,
        reference=backward,
        hints=[
            "Four steps: get the order, set the grad of every interior node (one with parents) to 0, "
            "seed the root's grad, call _backward on every node.",
            "root.topological_order() lists parents before children; backward needs children first. "
            "Leave the leaves' grads alone: they add up across calls.",
            "`for node in order: if node._prev: node.grad = 0.0`, then root.grad = 1.0, then "
            "`for node in reversed(order): node._backward()`.",
        ],
        wrong_answers=[
            _backward_forward_order,
            _backward_unseeded,
            _backward_naive_recursion,
            _backward_without_zeroing,
            _backward_zeroing_everything,
            lambda root: root.backward(),  # the method this exercise writes
        ],
    )
)

# ---- 4.4  the chain rule at one node ----------------------------------------------


def chain_rule_step(node):
    """Pass node.grad to each parent.

    parent.grad += (local derivative) * node.grad
    """
    for parent, local_grad in zip(node._prev, node._local_grads):
        parent.grad += local_grad * node.grad


def _check_chain_rule_step(answer) -> None:
    product = bare_copy(Value(3.0, label="x") * Value(-2.0, label="y"))
    x, y = product._prev
    product.grad = 2.0
    answer(product)
    expect_close(x.grad, -4.0, "x.grad for node = x * y with x=3, y=-2, node.grad=2")
    expect_close(y.grad, 6.0, "y.grad for node = x * y with x=3, y=-2, node.grad=2")

    weights = [Value(0.5, label="w1"), Value(-1.0, label="w2")]
    inputs = [Value(2.0, label="x1"), Value(4.0, label="x2")]
    neuron = bare_copy(weighted_sum(weights, inputs, Value(0.25, label="b")))
    nodes = _labelled(neuron)
    nodes["b"].grad = 1.0  # already received 1 from another use
    neuron.grad = -2.0
    answer(neuron)
    case = "b.grad for node = w1*x1 + w2*x2 + b, node.grad=-2, when b.grad was already 1"
    if math.isclose(expect_number(nodes["b"].grad, case), -2.0):
        raise Mismatch(f"{case}: expected -1.0, got -2.0: add b's share to b.grad (+=), do not replace it")
    for label, expected in [("b", -1.0), ("w1", -4.0), ("x1", -1.0), ("w2", -8.0), ("x2", 2.0)]:
        expect_close(nodes[label].grad, expected, f"{label}.grad for node = w1*x1 + w2*x2 + b, node.grad=-2")

    a = BareNode(5.0, label="a")
    doubled = BareNode(10.0, (a, a), (1.0, 1.0), "+")  # node = a + a: the same parent twice
    doubled.grad = 1.5
    answer(doubled)
    if math.isclose(expect_number(a.grad, "a.grad for node = a + a"), 1.5):
        raise Mismatch(
            "for node = a + a you get a.grad = 1.5 instead of 3: a is in node._prev twice, and each "
            "time it gets a share, but your step passed only one. Did you use set(node._prev) or a "
            "dict keyed by parent? Go through node._prev as it is, repeats included."
        )
    expect_close(a.grad, 3.0, "a.grad for node = a + a with node.grad=1.5")

    leaf = BareNode(7.0)
    answer(leaf)
    expect_close(leaf.grad, 0.0, "a leaf (no parents) keeps grad 0")


def _step_assigns(node):  # = instead of +=
    for parent, local_grad in zip(node._prev, node._local_grads):
        parent.grad = local_grad * node.grad


def _step_unchained(node):  # forgets node.grad
    for parent, local_grad in zip(node._prev, node._local_grads):
        parent.grad += local_grad


def _step_set_of_parents(node):  # a set keeps a repeated parent once
    local = dict(zip(node._prev, node._local_grads))
    for parent in set(node._prev):
        parent.grad += local[parent] * node.grad


def _step_times_data(node):  # multiplies by the node's value instead of its grad
    for parent, local_grad in zip(node._prev, node._local_grads):
        parent.grad += local_grad * node.data


register(
    Exercise(
        id="4.4",
        title="the chain rule at one node",
        checker=_check_chain_rule_step,
        reference=chain_rule_step,
        hints=[
            "node._prev holds the parents and node._local_grads their local derivatives, in the same order.",
            "zip(node._prev, node._local_grads) walks through both together.",
            "Each parent gets local_grad * node.grad added to its grad (+=: a parent can appear twice).",
        ],
        wrong_answers=[
            _step_assigns,
            _step_unchained,
            _step_times_data,
            _step_set_of_parents,
            lambda node: node._backward(),  # the method this exercise writes
        ],
    )
)
