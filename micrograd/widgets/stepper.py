"""Chapter 3's backprop stepper: walk backward through a graph one node at a time.

:class:`BackpropSteps` replays the engine's own backward pass: it copies the
graph into private :class:`micrograd.engine.Value` nodes (same data, labels,
operations and stored local derivatives ``_local_grads``), then seeds the copy
of the output with grad 1 and calls ``Value._backward`` (the chain rule at one
node: ``parent.grad += local_grad * node.grad``) on one node per step, in the
order ``backward()`` uses (``micrograd.engine.topological_order``, reversed).
The grads after every step are recorded; the user's Values are never touched.

:class:`BackpropStepper` shows the steps: live buttons in Jupyter, Colab and
Binder, and on the book's static page a :func:`~micrograd.widgets.player.frame_player`
over the precomputed graphs (one per step) with the chain-rule text under each.

Colours (the same meaning as ``draw_dot(..., highlight=[...])`` in chapter 3):
yellow marks the Values whose grads the step just changed; blue marks the
node being processed (whose grad is passed on to its inputs).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from micrograd import engine
from micrograd.viz import HIGHLIGHT_COLOR, draw_dot
from micrograd.widgets.player import StaticFallbackMixin, frame_player, svg_image_tag

UPDATED_COLOR = HIGHLIGHT_COLOR  # yellow: the Values whose grads this step changed (as in chapter 3)
PROCESSING_COLOR = "#90caf9"  # blue: the node being processed, passing its grad to its inputs
LEGEND = (
    f'<span style="background:{PROCESSING_COLOR};padding:0 4px">blue: the node being processed</span> '
    f'<span style="background:{UPDATED_COLOR};padding:0 4px">yellow: the grads this step changed</span> '
    "(a blank grad: not reached yet)"
)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
MAX_VALUES = 30  # larger graphs are unreadable as pictures, and their static player would be heavy


@dataclass(frozen=True)
class Update:
    """One application of the chain rule: parent.grad += local_grad * node.grad."""

    parent: Any  # the user's Value
    index: int  # which input of the node (0 = first)
    local_grad: float
    node_grad: float
    before: float
    after: float
    first: bool  # the first contribution to this parent's grad (before it, the grad is unknown)


@dataclass(frozen=True)
class Step:
    """The node processed at one step and the grads it changed (none for the seed step)."""

    node: Any  # the user's Value
    updates: tuple[Update, ...]
    seed: bool = False


def name_of(value: Any) -> str:
    """The label of a Value, or a short description of it when it has none."""
    label = getattr(value, "label", "")
    if label:
        return str(label)
    if value._prev:
        return f"[{value._op} → {value.data:.4g}]"
    return f"[{value.data:.4g}]"


def _check_root(root: Any) -> None:
    """A clear error at the learner's call when ``root`` is not a Value."""
    if not all(hasattr(root, attribute) for attribute in ("data", "grad", "_prev")):
        raise TypeError(
            "backprop_stepper needs the Value at the end of a computation (e.g. backprop_stepper(L)), "
            f"got {type(root).__name__} {root!r}"
        )


def _local_grads(node: Any) -> tuple[float, ...]:
    """The local derivatives ``node`` stored when it was computed: d(node)/d(parent), one per parent."""
    if not node._prev:
        return ()  # a leaf: nothing to pass on
    stored = getattr(node, "_local_grads", None)
    if stored is None or len(tuple(stored)) != len(tuple(node._prev)):
        raise TypeError(
            f"backprop_stepper replays each node's stored local derivatives (_local_grads), but the "
            f"{type(node).__name__} node {name_of(node)} (op {node._op!r}) has "
            f"{'none' if stored is None else f'{len(tuple(stored))} for {len(tuple(node._prev))} inputs'}. "
            "Use micrograd's Value, or a Value class whose operations store _local_grads (chapter 4's)."
        )
    return tuple(float(g) for g in stored)


def _local_reason(node: Any, index: int) -> str:
    """Why the local derivative has its value, in words: 'b.data' for the a-input of a*b."""
    parents = tuple(node._prev)
    if node._op == "*" and len(parents) == 2:
        return f"{name_of(parents[1 - index])}.data"
    if node._op == "+":
        return "1"
    if node._op == "-" and len(parents) == 2:
        return "1" if index == 0 else "-1"
    return f"local derivative of {node._op}"


class BackpropSteps:
    """Backpropagation through the graph of ``root``, one node per step, without touching it.

    Step 1 seeds d(root)/d(root) = 1; every later step takes the next node in
    reverse topological order that has inputs and runs the engine's chain rule
    there (``Value._backward``: ``parent.grad += local_grad * node.grad`` for each
    input). Inputs (leaves) have nothing to pass on, so they get no step.

    The backward pass runs on a private copy of the graph; the grads after each
    step are kept here (:meth:`grads_at`), never written to the user's Values.
    """

    def __init__(self, root: Any) -> None:
        _check_root(root)
        self.root = root
        self.nodes: list[Any] = engine.topological_order(root)  # parents before children
        if len(self.nodes) > MAX_VALUES:
            raise ValueError(
                f"backprop_stepper draws graphs of at most {MAX_VALUES} Values; this one has "
                f"{len(self.nodes)}. Step through a smaller expression (e.g. one neuron with 2 inputs)."
            )
        self.steps, self._snapshots = self._replay()
        self.position = 0  # how many steps have been applied

    def _shadow(self) -> dict[int, engine.Value]:
        """id(user's Value) -> a private engine Value with the same data, op, label and local grads."""
        copies: dict[int, engine.Value] = {}
        for node in self.nodes:  # parents first, so their copies exist
            parents = tuple(copies[id(parent)] for parent in node._prev)
            label = str(getattr(node, "label", ""))
            local = _local_grads(node)
            op = str(node._op)
            copies[id(node)] = engine.Value(node.data, parents, op, label=label, _local_grads=local)
        return copies

    def _replay(self) -> tuple[list[Step], list[dict[int, float]]]:
        """Run the engine's backward pass on the copy one node at a time, recording every step."""
        copies = self._shadow()
        reached: set[int] = set()

        def snapshot() -> dict[int, float]:
            return {key: copies[key].grad for key in reached}

        copies[id(self.root)].grad = 1.0  # the seed: d(root)/d(root) = 1
        reached.add(id(self.root))
        steps, snapshots = [Step(self.root, (), seed=True)], [{}, snapshot()]
        for node in reversed(self.nodes):
            if not node._prev:
                continue
            copy = copies[id(node)]
            grads = {id(parent): copies[id(parent)].grad for parent in node._prev}
            updates = []
            for index, (parent, local) in enumerate(zip(node._prev, copy._local_grads, strict=True)):
                before = grads[id(parent)]
                grads[id(parent)] = before + local * copy.grad  # what the engine does next, for the text
                first = id(parent) not in reached
                reached.add(id(parent))
                updates.append(Update(parent, index, local, copy.grad, before, grads[id(parent)], first))
            copy._backward()  # the engine's own chain rule at this node
            steps.append(Step(node, tuple(updates)))
            snapshots.append(snapshot())
        return steps, snapshots

    # ---- moving ---------------------------------------------------------

    @property
    def total(self) -> int:
        """The number of steps."""
        return len(self.steps)

    @property
    def done(self) -> bool:
        """True after the last step."""
        return self.position == self.total

    def step(self) -> bool:
        """Apply the next step; False (and nothing changes) if all are done."""
        if self.done:
            return False
        self.position += 1
        return True

    def back(self) -> bool:
        """Undo the last step; False at the start."""
        if self.position == 0:
            return False
        self.position -= 1
        return True

    def reset(self) -> None:
        """Back to the start: no grads known yet."""
        self.position = 0

    # ---- what a position shows ---------------------------------------------

    def grads_at(self, position: int) -> dict[int, float]:
        """id(value) -> grad, for the Values the first ``position`` steps have reached."""
        return dict(self._snapshots[position])

    def current_at(self, position: int) -> Step | None:
        """The step just applied at ``position`` (None at the start)."""
        return self.steps[position - 1] if position > 0 else None

    def highlight_at(self, position: int) -> dict[Any, str]:
        """{Value: color}: blue for the node being processed, yellow for the grads the step changed."""
        step = self.current_at(position)
        if step is None:
            return {}
        if step.seed:
            return {step.node: UPDATED_COLOR}  # its grad was just set to 1
        colors = {step.node: PROCESSING_COLOR}
        colors.update({update.parent: UPDATED_COLOR for update in step.updates})
        return colors

    def explanation_at(self, position: int) -> str:
        """What the step at ``position`` did, in words and numbers (lines joined by newlines)."""
        step = self.current_at(position)
        root = name_of(self.root)
        if step is None:
            return f"No grads yet. Backpropagation starts at the output {root}: press Step."
        header = f"Step {position} of {self.total}: "
        if step.seed:
            return header + f"start at the output: d{root}/d{root} = 1, so {root}.grad = 1."
        node, parents = name_of(step.node), tuple(step.node._prev)
        inputs = f" {step.node._op} ".join(name_of(p) for p in parents)
        if len(parents) == 1:
            inputs = f"{step.node._op}({name_of(parents[0])})"
        lines = [header + f"node {node} = {inputs}. Chain rule for each input:"]
        for u in step.updates:
            parent = name_of(u.parent)
            term = u.local_grad * u.node_grad
            reason = _local_reason(step.node, u.index)
            line = (
                f"  {parent}.grad += d{node}/d{parent} × {node}.grad = {reason} × {node}.grad"
                f" = {u.local_grad:.4f} × {u.node_grad:.4f} = {term:.4f}"
            )
            if not u.first:  # a second path to the same Value: its grads add up
                line += f";  {parent}.grad is now {u.before:.4f} + {term:.4f} = {u.after:.4f}"
            lines.append(line)
        if position == self.total:
            lines.append(
                f"Done: every Value now holds d{root}/d(value), the same as {root}.backward() gives."
            )
        return "\n".join(lines)

    def graph_at(self, position: int, rankdir: str = "LR") -> Any:
        """draw_dot of the graph at ``position``: grads reached so far, the others blank."""
        grads = self.grads_at(position)
        return draw_dot(
            self.root,
            rankdir=rankdir,
            highlight=self.highlight_at(position),
            grad_of=lambda v: grads.get(id(v)),
        )

    # ---- the same, at the current position ----------------------------------

    @property
    def current(self) -> Any:
        """The Value processed by the last step applied (None at the start)."""
        step = self.current_at(self.position)
        return None if step is None else step.node

    @property
    def grads(self) -> dict[int, float]:
        """id(value) -> grad for every Value reached so far."""
        return self.grads_at(self.position)

    def grad_of(self, value: Any) -> float | None:
        """The grad of ``value`` so far, or None if backprop has not reached it."""
        return self.grads.get(id(value))

    @property
    def explanation(self) -> str:
        return self.explanation_at(self.position)


def _svg_body(svg: str) -> str:
    """An SVG document ready to go inside HTML: no XML prolog, scaled to fit its container."""
    start = svg.find("<svg")
    return svg[start:].replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


class BackpropStepper(StaticFallbackMixin, widgets.VBox):
    """Step / Back / Reset buttons over the graph of ``root``; see :class:`BackpropSteps`.

    The stepper never changes the Values' ``.grad``: it shows its own grads.
    """

    def __init__(self, root: Any, rankdir: str = "LR") -> None:
        if rankdir not in ("LR", "TB"):
            raise ValueError(f"backprop_stepper: rankdir must be 'LR' or 'TB', got {rankdir!r}")
        self.steps = BackpropSteps(root)
        self.rankdir = rankdir
        self._svg_cache: dict[int, str] = {}
        self.back_button = widgets.Button(description="◀ Back", tooltip="undo the last step")
        self.step_button = widgets.Button(
            description="Step ▶", button_style="primary", tooltip="the next node"
        )
        self.reset_button = widgets.Button(description="↺ Reset", tooltip="back to the start")
        self.counter = widgets.HTML()
        self.text = widgets.HTML()
        self.graph_view = widgets.HTML()
        self.back_button.on_click(lambda _: self._move(self.steps.back))
        self.step_button.on_click(lambda _: self._move(self.steps.step))
        self.reset_button.on_click(lambda _: self._move(self.steps.reset))
        buttons = widgets.HBox([self.reset_button, self.back_button, self.step_button, self.counter])
        super().__init__(children=[buttons, widgets.HTML(LEGEND), self.text, self.graph_view])
        self._refresh()

    def svg(self, position: int) -> str:
        """The SVG of the graph at ``position``, rendered once and then cached."""
        if position not in self._svg_cache:
            self._svg_cache[position] = self.steps.graph_at(position, self.rankdir).pipe(
                format="svg", encoding="utf-8"
            )
        return self._svg_cache[position]

    def _move(self, action: Callable[[], Any]) -> None:
        action()
        self._refresh()

    def _refresh(self) -> None:
        position = self.steps.position
        self.back_button.disabled = position == 0
        self.reset_button.disabled = position == 0
        self.step_button.disabled = self.steps.done
        self.counter.value = f"&nbsp; step {position} of {self.steps.total}"
        explanation = html.escape(self.steps.explanation)
        self.text.value = f'<pre style="white-space:pre-wrap;margin:0">{explanation}</pre>'
        self.graph_view.value = f'<div style="overflow-x:auto">{_svg_body(self.svg(position))}</div>'

    def player_html(self) -> str:
        """The static player: the graph before the first step and after each step, with the text."""
        frames, captions = [], []
        for position in range(self.steps.total + 1):
            explanation = self.steps.explanation_at(position)
            svg = _COMMENT.sub("", self.svg(position))  # (graphviz names its version in one)
            frames.append(svg_image_tag(svg, alt=explanation.splitlines()[0]))
            captions.append(f"<pre>{html.escape(explanation)}</pre>")
        return frame_player(frames, captions, title="Backpropagation, one node at a time")

    def static_bundle(self) -> dict[str, str]:
        """The page's copy: the legend and a player over every step (no kernel needed)."""
        page = f'<div class="micrograd-static-widget">\n<p>{LEGEND}</p>\n{self.player_html()}\n</div>'
        return {"text/html": page}

    def summary(self) -> str:
        return (
            f"Backprop stepper: {self.steps.total} steps through the graph of {name_of(self.steps.root)} "
            f"({len(self.steps.nodes)} values). Press Step."
        )


def backprop_stepper(root: Any, rankdir: str = "LR") -> BackpropStepper:
    """Step backward through the graph of ``root`` one node at a time (``root.grad`` etc. untouched)."""
    return BackpropStepper(root, rankdir)


__all__ = [
    "LEGEND",
    "MAX_VALUES",
    "PROCESSING_COLOR",
    "UPDATED_COLOR",
    "BackpropStepper",
    "BackpropSteps",
    "Step",
    "Update",
    "backprop_stepper",
    "name_of",
]
