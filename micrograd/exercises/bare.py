"""Graphs a checker can hand to a learner: nodes with a Value's data and none of its methods.

An exercise that asks for a piece of ``backward`` gives the learner's code a copy of the
graph made of ``BareNode`` objects, so the answer cannot skip the work by calling the
package's ``Value.backward`` or ``topological_order``.
"""

from __future__ import annotations

import difflib
from typing import Any

from micrograd.engine import Value, topological_order


class BareNode:
    """A node with only a Value's data attributes: data, grad, label, _prev, _local_grads, _op.

    Checkers hand learners graphs of these (see ``bare_copy``), so an answer
    cannot skip its work by calling a method of the package's ``Value``
    (``backward``, ``topological_order``, ``_backward``) that already does it.
    A subclass adds the methods an exercise allows.
    """

    __slots__ = ("data", "grad", "label", "_prev", "_local_grads", "_op")

    def __init__(
        self,
        data: float,
        prev: tuple[BareNode, ...] = (),
        local_grads: tuple[float, ...] = (),
        op: str = "",
        label: str = "",
    ) -> None:
        self.data = data
        self.grad = 0.0
        self.label = label
        self._prev = prev
        self._local_grads = local_grads
        self._op = op

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Node(data={self.data}, grad={self.grad}{label})"

    def __getattr__(self, name: str) -> Any:
        """Only called for a missing attribute: say what these nodes have, and why."""
        if name.startswith("__"):  # copy, pickle and friends probe for these
            raise AttributeError(name)
        methods = sorted(
            f"{key}()"
            for cls in type(self).__mro__
            if cls not in (BareNode, object)
            for key, member in vars(cls).items()
            if callable(member) and not key.startswith("__")
        )
        fields = ["data", "grad", "label", "_prev", "_local_grads", "_op"]
        have = ", ".join([*fields, *methods])
        if hasattr(Value, name):  # a method of the engine's Value that would do the exercise's work
            raise AttributeError(
                f"the checker's nodes have no {name!r}, only {have}: the exercise asks you to do that part"
            )
        close = difflib.get_close_matches(name, [*fields, *(m[:-2] for m in methods)], n=1)
        guess = f" (did you mean {close[0]!r}?)" if close else ""
        raise AttributeError(f"a node has no attribute {name!r}{guess}; nodes have {have}")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Subclasses are called "Node" too in error messages: learners never see an internal name."""
        super().__init_subclass__(**kwargs)
        cls.__name__ = cls.__qualname__ = "Node"


BareNode.__name__ = BareNode.__qualname__ = "Node"  # what a learner reads in an error message


def bare_copy(root: Any, node_class: type[BareNode] = BareNode) -> BareNode:
    """A copy of the graph of ``root`` (any Value-like object) made of ``node_class`` nodes.

    Same shape (a node used twice stays one node used twice), data, grads,
    labels, local derivatives and ops; works for graphs of any depth.
    """
    copies: dict[int, BareNode] = {}
    for node in topological_order(root):
        copy = node_class(
            node.data,
            tuple(copies[id(parent)] for parent in node._prev),
            tuple(getattr(node, "_local_grads", ())),
            getattr(node, "_op", ""),
            getattr(node, "label", ""),
        )
        copy.grad = node.grad
        copies[id(node)] = copy
    return copies[id(root)]
