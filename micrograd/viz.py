"""Draw a computation graph: ``draw_dot(root)`` → a graphviz graph that shows as SVG.

Each Value becomes a record ``label | data | grad``; each operation becomes a
small oval between its inputs and its output. Node ids are numbered in
topological order, so the same graph gives the same SVG on every run.

Rendering uses the system Graphviz ``dot`` when it is installed, and otherwise
the ``graphviz-pure`` binary from PyPI, so ``pip install`` alone is enough.
Set the environment variable ``MICROGRAD_DOT`` to a program name to choose one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import graphviz

HIGHLIGHT_COLOR = "#ffd54f"


def dot_program() -> str:
    """The Graphviz program to render with: $MICROGRAD_DOT, else ``dot``, else ``graphviz-pure``."""
    chosen = os.environ.get("MICROGRAD_DOT")
    if chosen:
        return chosen
    if shutil.which("dot"):
        return "dot"
    # pip puts graphviz-pure beside the interpreter, which may not be on PATH (a venv not activated)
    beside_python = Path(sys.executable).parent / "graphviz-pure"
    found = shutil.which("graphviz-pure") or (str(beside_python) if beside_python.exists() else None)
    if found:
        return found
    raise RuntimeError(
        "No Graphviz renderer found: install the system package (apt-get install graphviz) "
        "or the PyPI package (pip install graphviz-pure)."
    )


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with :func:`dot_program`."""

    def pipe(self, format: str | None = None, *args: Any, encoding: str | None = None, **kwargs: Any):  # noqa: A002
        fmt = format or self.format or "svg"
        result = subprocess.run(
            [dot_program(), f"-T{fmt}"], input=self.source.encode(), capture_output=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{dot_program()} failed: {result.stderr.decode(errors='replace')}")
        return result.stdout.decode(encoding) if encoding else result.stdout


def _format_number(x: float) -> str:
    return f"{x:.4f}"


def _node_label(value: Any, show_grad: bool) -> str:
    parts = [f"data {_format_number(value.data)}"]
    if show_grad:
        parts.append(f"grad {_format_number(value.grad)}")
    label = getattr(value, "label", "")
    if label:
        parts.insert(0, str(label))
    return "{ " + " | ".join(parts) + " }"


def trace(root: Any) -> list[Any]:
    """Every Value that ``root`` depends on, parents before children (iterative DFS)."""
    order: list[Any] = []
    visited: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            for parent in reversed(node._prev):
                if id(parent) not in visited:
                    stack.append((parent, False))
    return order


def draw_dot(
    root: Any,
    rankdir: str = "LR",
    show_grad: bool = True,
    highlight: Iterable[Any] = (),
    max_nodes: int = 500,
) -> Graph:
    """Draw the graph that computed ``root``.

    ``rankdir`` is "LR" (left to right) or "TB" (top to bottom); ``show_grad``
    hides the grads (e.g. before ``backward``); ``highlight`` is a collection of
    Values to fill in color. Graphs over ``max_nodes`` Values raise a
    ValueError, since they would not be readable anyway.
    """
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    nodes = trace(root)
    if len(nodes) > max_nodes:
        raise ValueError(f"this graph has {len(nodes)} values; draw_dot draws at most {max_nodes}")
    highlighted = {id(value) for value in highlight}
    ids = {id(node): f"v{index}" for index, node in enumerate(nodes)}
    graph = Graph(format="svg", graph_attr={"rankdir": rankdir})
    graph.attr("node", fontname="Helvetica", fontsize="11")
    for node in nodes:
        node_id = ids[id(node)]
        style = {"style": "filled", "fillcolor": HIGHLIGHT_COLOR} if id(node) in highlighted else {}
        graph.node(node_id, label=_node_label(node, show_grad), shape="record", **style)
        if node._prev:
            op_id = node_id + "_op"
            graph.node(op_id, label=node._op or "?", shape="ellipse")
            graph.edge(op_id, node_id)
            for parent in node._prev:
                graph.edge(ids[id(parent)], op_id)
    return graph
