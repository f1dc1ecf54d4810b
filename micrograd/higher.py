"""Second derivatives from the engine (chapter 15): Hessians and Hessian-vector products.

For f: R^n -> R at a point x, the Hessian H is the n x n matrix of second derivatives,
H[i][j] = d²f / dx_i dx_j, and a Hessian-vector product is H v for a direction v.

* :func:`hessian`: ``grad(f, x, create_graph=True)`` gives the gradient as n Values
  with graphs of their own; one more ``grad`` of each gives one row of H: n backward
  passes over the gradient's graph.
* :func:`hvp`: reverse-over-reverse. H v = d(grad f · v)/dx: the gradient's graph,
  the dot product with v, and ONE more backward pass.
* :func:`hvp_forward_over_reverse`: forward-over-reverse with chapter 7's dual
  numbers. A forward-mode sweep over f's graph gives every node a ``Dual(value,
  derivative along v)``; the reverse sweep then runs on those Duals, with the very
  derivative rules the engine uses (:func:`micrograd.engine.derivative_rule`), so the
  gradient it returns carries its own derivative along v: ``Dual(df/dx_i, (H v)_i)``.
  No graph of the gradient is built.

``f`` takes n Values and returns one Value; points and directions are sequences of
numbers; results are lists of floats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from micrograd.engine import Value, derivative_rule, grad, topological_order, weighted_sum
from micrograd.forward import Dual

__all__ = ["gradient", "hessian", "hvp", "hvp_forward_over_reverse"]

Function = Callable[..., Value]


def _inputs(point: Sequence[float]) -> list[Value]:
    return [Value(x) for x in point]


def _output(f: Function, xs: list[Value]) -> Value:
    out = f(*xs)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value (one number), got {type(out).__name__}: {out!r}")
    return out


def gradient(f: Function, point: Sequence[float]) -> list[float]:
    """[df/dx_1, ..., df/dx_n] at ``point``: one backward pass."""
    xs = _inputs(point)
    return [g.data for g in grad(_output(f, xs), xs)]


def hessian(f: Function, point: Sequence[float]) -> list[list[float]]:
    """H[i][j] = d²f/dx_i dx_j at ``point``: the gradient as a graph, then one backward pass per row."""
    xs = _inputs(point)
    first = grad(_output(f, xs), xs, create_graph=True)
    return [[g.data for g in grad(df_dxi, xs)] for df_dxi in first]


def _check_direction(point: Sequence[float], v: Sequence[float]) -> None:
    if len(point) != len(v):
        raise ValueError(f"hvp: a point of {len(point)} numbers but a direction of {len(v)}")


def hvp(f: Function, point: Sequence[float], v: Sequence[float]) -> list[float]:
    """H v at ``point``, reverse over reverse: H v = d(∇f · v)/dx, one backward pass through ∇f's graph."""
    _check_direction(point, v)
    xs = _inputs(point)
    first = grad(_output(f, xs), xs, create_graph=True)
    directional = weighted_sum(list(first), [float(vi) for vi in v], Value(0.0))  # ∇f · v
    return [g.data for g in grad(directional, xs)]


def hvp_forward_over_reverse(f: Function, point: Sequence[float], v: Sequence[float]) -> list[float]:
    """H v at ``point``, forward over reverse: a reverse sweep on dual numbers Dual(value, d/dv).

    1. f's graph at ``point`` (one forward pass with Values);
    2. forward mode over that graph: each node's derivative along v is
       sum over parents of local_grad * (the parent's derivative along v), seeded with v at the inputs;
    3. the reverse sweep on ``Dual(node value, its derivative along v)``: the local derivatives come
       from each operation's derivative rule applied to those Duals, so the adjoints are Duals too, and
       the adjoint of input i is Dual(df/dx_i, (H v)_i).
    """
    _check_direction(point, v)
    xs = _inputs(point)
    out = _output(f, xs)
    order = topological_order(out)
    tangent: dict[Value, float] = {x: float(vi) for x, vi in zip(xs, v, strict=True)}
    dual: dict[Value, Dual] = {}
    for node in order:  # forward mode: the derivative of every node along v
        if node._prev:
            tangent[node] = sum(
                lg * tangent.get(p, 0.0) for p, lg in zip(node._prev, node._local_grads, strict=True)
            )
        dual[node] = Dual(node.data, tangent.get(node, 0.0))
    adjoint: dict[Value, Any] = {out: Dual(1.0, 0.0)}
    for node in reversed(order):  # reverse mode, on dual numbers
        upstream = adjoint.get(node)
        if upstream is None or not node._prev:
            continue
        local_grads = derivative_rule(node)(dual[node], *[dual[p] for p in node._prev])
        for parent, local_grad in zip(node._prev, local_grads, strict=True):
            contribution = upstream * local_grad
            adjoint[parent] = contribution if parent not in adjoint else adjoint[parent] + contribution
    return [float(adjoint[x].der) if x in adjoint else 0.0 for x in xs]
