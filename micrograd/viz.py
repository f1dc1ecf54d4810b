"""Draw a computation graph: ``draw_dot(root)`` → a graphviz graph that shows as SVG.

Each Value becomes a record ``label | data | grad``; each operation becomes a
small oval between its inputs and its output. Node ids are numbered in
topological order, so the same graph gives the same SVG on every run.

Rendering uses the ``graphviz-pure`` program from PyPI (a pinned requirement of
the course, so every reader has the same one), which makes the SVG of a graph
byte for byte the same on every machine, whether or not the system Graphviz
is installed; the stored outputs of the notebooks depend on that. Set the
environment variable ``MICROGRAD_DOT`` to a program name (e.g. ``dot``) to
render with another one. Only when graphviz-pure is missing is the system
``dot`` used.

``draw_dot`` only reads ``.data``, ``.grad``, ``._prev``, ``._op`` and
``.label``, so any Value-like class works, e.g. the one the notebooks build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import graphviz

from micrograd.engine import topological_order

HIGHLIGHT_COLOR = "#ffd54f"
NO_RENDERER_MESSAGE = (
    "No Graphviz renderer found: install the PyPI package (pip install graphviz-pure), which the "
    "course's requirements pin, or the system package (apt-get install graphviz)."
)


def dot_program() -> str:
    """The Graphviz program to render with: $MICROGRAD_DOT, else ``graphviz-pure``, else ``dot``."""
    chosen = os.environ.get("MICROGRAD_DOT")
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise RuntimeError(f"MICROGRAD_DOT={chosen!r}, but no such program was found")
        return found
    # pip puts graphviz-pure beside the interpreter, which may not be on PATH (a venv not activated)
    beside_python = Path(sys.executable).parent / "graphviz-pure"
    found = str(beside_python) if beside_python.exists() else shutil.which("graphviz-pure")
    if found:
        return found
    if shutil.which("dot"):
        return "dot"
    raise RuntimeError(NO_RENDERER_MESSAGE)


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with :func:`dot_program`."""

    def pipe(self, format: str | None = None, *args: Any, encoding: str | None = None, **kwargs: Any):  # noqa: A002
        fmt = format or self.format or "svg"
        program = dot_program()
        result = subprocess.run(
            [program, f"-T{fmt}"], input=self.source.encode(), capture_output=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stderr.decode(errors='replace')}")
        return result.stdout.decode(encoding) if encoding else result.stdout

    def __repr__(self) -> str:
        """A repr without a memory address: Jupyter stores it as text/plain, which strict nbval compares."""
        values = sum("shape=record" in line for line in self.body)
        operations = sum("shape=ellipse" in line for line in self.body)
        return f"<micrograd.viz.Graph: {_count(values, 'value')}, {_count(operations, 'operation')}>"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _format_number(x: float) -> str:
    """Four decimals for everyday numbers; scientific notation for huge ones."""
    return f"{x:.4f}" if abs(x) < 1e6 else f"{x:.4g}"


def _escape_record(text: str) -> str:
    """Backslash the characters that have a meaning inside a Graphviz record label."""
    return "".join("\\" + ch if ch in '{}|<>"\\' else ch for ch in text)


def _node_label(value: Any, show_grad: bool, grad: float | None) -> str:
    """A record ``label | data over grad`` (the nested braces stack data and grad)."""
    numbers = [f"data {_format_number(value.data)}"]
    if show_grad:
        numbers.append("grad " + ("" if grad is None else _format_number(grad)))
    label = getattr(value, "label", "")
    parts = [_escape_record(str(label))] if label else []
    parts.append("{ " + " | ".join(numbers) + " }")
    return "{ " + " | ".join(parts) + " }"


def trace(root: Any) -> list[Any]:
    """Every Value that ``root`` depends on, parents before children: ``engine.topological_order``.

    Any Value-like object works (it needs ``_prev``); a plain number gets a
    TypeError that says what was expected.
    """
    if not hasattr(root, "_prev"):
        raise TypeError(
            f"draw_dot needs a Value (the result of a computation), got {type(root).__name__}: {root!r}; "
            f"e.g. draw_dot(Value(2.0) * 3)"
        )
    try:
        return topological_order(root)
    except TypeError as error:
        if "unhashable" not in str(error):
            raise
        raise TypeError(
            f"the nodes of this graph ({type(root).__name__}) cannot be put in a set: its class defines "
            f"__eq__ but no __hash__; add `__hash__ = object.__hash__` to the class"
        ) from None


def _highlight_colors(highlight: Iterable[Any] | Mapping[Any, str]) -> dict[int, str]:
    """id(value) -> fill color, from a collection of Values or a {Value: color} mapping."""
    if isinstance(highlight, Mapping):
        return {id(value): color for value, color in highlight.items()}
    return {id(value): HIGHLIGHT_COLOR for value in highlight}


def draw_dot(
    root: Any,
    rankdir: str = "LR",
    show_grad: bool = True,
    highlight: Iterable[Any] | Mapping[Any, str] = (),
    max_nodes: int = 500,
    grad_of: Callable[[Any], float | None] | None = None,
) -> Graph:
    """Draw the graph that computed ``root``.

    ``rankdir`` is "LR" (left to right) or "TB" (top to bottom); ``show_grad``
    hides the grads (e.g. before ``backward``); ``highlight`` is a collection of
    Values to fill in color, or a ``{value: color}`` mapping for several colors.
    ``grad_of(value)`` chooses the grad shown for each Value instead of
    ``value.grad`` (``None`` leaves it blank: the backprop stepper uses this).
    Graphs over ``max_nodes`` Values raise a ValueError, since they would not
    be readable anyway.
    """
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    nodes = trace(root)
    if len(nodes) > max_nodes:
        raise ValueError(f"this graph has {len(nodes)} values; draw_dot draws at most {max_nodes}")
    colors = _highlight_colors(highlight)
    ids = {id(node): f"v{index}" for index, node in enumerate(nodes)}
    # tight spacing and small ops keep a typical chapter graph narrow enough to read on a page
    graph = Graph(format="svg", graph_attr={"rankdir": rankdir, "ranksep": "0.3", "nodesep": "0.15"})
    graph.attr("node", fontname="Helvetica", fontsize="12", height="0.3", margin="0.05,0.02")
    graph.attr("edge", arrowsize="0.6")
    for node in nodes:
        node_id = ids[id(node)]
        color = colors.get(id(node))
        style = {"style": "filled", "fillcolor": color} if color else {}
        grad = grad_of(node) if grad_of is not None else node.grad
        graph.node(node_id, label=_node_label(node, show_grad, grad), shape="record", **style)
        if node._prev:
            op_id = node_id + "_op"
            graph.node(op_id, label=node._op or "?", shape="ellipse", width="0.4")
            graph.edge(op_id, node_id)
            for parent in node._prev:
                graph.edge(ids[id(parent)], op_id)
    return graph
