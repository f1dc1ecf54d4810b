"""Interactive explorers for the chapters, each with a static copy for the HTML book.

* :func:`derivative_explorer` (chapter 1): move ``x`` and ``h`` and watch the
  secant through ``(x, f(x))`` and ``(x+h, f(x+h))`` turn into the tangent.
* :func:`backprop_stepper` (chapter 3): walk backward through a computation
  graph one node at a time, the graph highlighting each step.

The logic lives in plain Python (:func:`secant_info`, :class:`BackpropSteps`), so
it is tested without a browser; the ipywidgets classes only wire it to sliders
and buttons.

Static copies. A widget needs a live kernel: the static HTML book can show, at
best, a frozen copy of its sliders that do nothing when moved. So each explorer
displays as one output carrying two renderings of itself (see
:class:`StaticFallbackMixin`):

* ``application/vnd.jupyter.widget-view+json``: the live widget, which
  JupyterLab, Jupyter Notebook, VS Code and Colab show;
* a static rendering (``image/png`` for the derivative explorer, ``text/html``
  for the stepper) with a one-line note to run the notebook, which the book
  shows, because its ``_config.yml`` ranks the widget view after images and
  HTML (myst-nb picks one MIME type per output)::

      sphinx:
        config:
          nb_mime_priority_overrides:
            - ["html", "application/vnd.jupyter.widget-view+json", 55]

  (html, dirhtml and singlehtml builders alike).

Every text output (``text/plain``, ``text/html``) is deterministic, so strict
nbval passes; nbval ignores the widget view (its model id is random) and PNGs.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from micrograd.viz import HIGHLIGHT_COLOR, draw_dot, trace

UPDATED_COLOR = "#c8e6c9"  # the inputs whose grads a step just changed
LEGEND = (
    f'<span style="background:{HIGHLIGHT_COLOR};padding:0 4px">the node being processed</span> '
    f'<span style="background:{UPDATED_COLOR};padding:0 4px">the inputs whose grads it changed</span> '
    "(a blank grad: not reached yet)"
)
RUN_NOTE = (
    "This is a static copy: run the notebook (Jupyter, Colab or Binder) to use the interactive version."
)


# ---------------------------------------------------------------------------
# Static fallbacks
# ---------------------------------------------------------------------------


class StaticFallbackMixin:
    """Display a widget together with a static rendering of it, in one output.

    Mix in before an ipywidgets class and implement :meth:`static_bundle`
    (``{"text/html": ...}`` or ``{"image/png": <base64>}``) and :meth:`summary`
    (the ``text/plain`` line). Jupyter front ends show the widget; a static page
    shows the highest-ranked static MIME type instead.
    """

    def static_bundle(self) -> dict[str, str]:
        raise NotImplementedError

    def summary(self) -> str:
        return type(self).__name__

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        bundle["text/plain"] = self.summary()
        bundle.update(self.static_bundle())
        return bundle


class FallbackBox(StaticFallbackMixin, widgets.VBox):
    """A VBox around any widget, with a given static rendering (see :func:`with_static_fallback`)."""

    def __init__(self, widget: widgets.Widget, static: Callable[[], dict[str, str]], text: str) -> None:
        super().__init__(children=[widget])
        self._static = static
        self._text = text

    def static_bundle(self) -> dict[str, str]:
        return self._static()

    def summary(self) -> str:
        return self._text


def with_static_fallback(
    widget: widgets.Widget, static: Callable[[], dict[str, str]], text: str
) -> FallbackBox:
    """Wrap ``widget`` so the static book shows ``static()`` (a MIME bundle) where it cannot run.

    ``static`` is called only when the output is displayed, e.g.
    ``lambda: {"image/png": png_base64(fig)}``; ``text`` is the ``text/plain`` line.
    """
    return FallbackBox(widget, static, text)


def png_base64(fig: Figure, dpi: int = 80) -> str:
    """A matplotlib Figure as base64 PNG text (no timestamp or version inside, so runs agree)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def svg_image_tag(svg: str, alt: str) -> str:
    """An <img> showing an SVG document (a data URI: no id clashes with the rest of the page)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt)}" '
        'style="max-width:100%;height:auto">'
    )


# ---------------------------------------------------------------------------
# Chapter 1: secant and tangent
# ---------------------------------------------------------------------------


def default_function(x: float) -> float:
    """f(x) = 3x² − 4x + 5, the running example of chapter 1."""
    return 3 * x**2 - 4 * x + 5


def default_derivative(x: float) -> float:
    """f′(x) = 6x − 4."""
    return 6 * x - 4


def _number(y: Any) -> float:
    """A float from f's result (a float, an int, or a Value: its ``.data``)."""
    return float(y.data if hasattr(y, "data") else y)


def secant_slope(f: Callable[[float], Any], x: float, h: float) -> float:
    """The slope of the secant through (x, f(x)) and (x+h, f(x+h)): (f(x+h) − f(x)) / h."""
    if h == 0:
        raise ValueError("h must not be 0: a secant needs two different points")
    return (_number(f(x + h)) - _number(f(x))) / h


def central_slope(f: Callable[[float], Any], x: float, h: float = 1e-6) -> float:
    """The central difference (f(x+h) − f(x−h)) / 2h: f′(x) up to an error of order h²."""
    return (_number(f(x + h)) - _number(f(x - h))) / (2 * h)


@dataclass(frozen=True)
class SecantInfo:
    """Everything the explorer shows for one (x, h)."""

    x: float
    h: float
    fx: float
    fxh: float
    secant: float  # (f(x+h) - f(x)) / h
    slope: float  # f'(x): exact if a derivative was given, else a central difference
    exact: bool

    @property
    def gap(self) -> float:
        """Secant slope minus true slope: how far the secant is from the tangent."""
        return self.secant - self.slope

    def describe(self) -> str:
        """One line of text: the two slopes and their difference."""
        kind = "f′(x)" if self.exact else "f′(x) ≈ central difference"
        return (
            f"x = {self.x:.4g}, h = {self.h:.4g}:  secant slope (f(x+h) − f(x)) / h = "
            f"({self.fxh:.4f} − {self.fx:.4f}) / {self.h:.4g} = {self.secant:.4f};  "
            f"true slope {kind} = {self.slope:.4f};  difference {self.gap:.4f}"
        )


def secant_info(
    f: Callable[[float], Any], x: float, h: float, df: Callable[[float], Any] | None = None
) -> SecantInfo:
    """The secant and tangent slopes of ``f`` at ``x`` (``df`` is f′ if known)."""
    secant = secant_slope(f, x, h)
    slope = _number(df(x)) if df is not None else central_slope(f, x)
    return SecantInfo(x, h, _number(f(x)), _number(f(x + h)), secant, slope, df is not None)


def _safe_curve(f: Callable[[float], Any], xs: np.ndarray) -> np.ndarray:
    """f at every x, NaN where f fails (e.g. log of a negative number) so the plot has a gap."""
    ys = []
    for t in xs:
        try:
            ys.append(_number(f(float(t))))
        except (ArithmeticError, ValueError, TypeError):
            ys.append(math.nan)
    return np.array(ys, dtype=float)


class SecantPlot:
    """The curve, the secant through x and x+h, and the tangent at x, drawn on a matplotlib Axes.

    :meth:`update` moves the lines in place instead of drawing a new plot, so a
    slider can redraw it many times a second.
    """

    def __init__(
        self,
        ax: Any,
        f: Callable[[float], Any],
        df: Callable[[float], Any] | None = None,
        x_range: tuple[float, float] = (-3.0, 3.0),
        name: str = "f(x)",
    ) -> None:
        self.ax, self.f, self.df, self.x_range, self.name = ax, f, df, x_range, name
        (self.curve,) = ax.plot([], [], color="tab:blue", lw=2)
        (self.secant,) = ax.plot([], [], color="tab:orange", lw=1.5)
        (self.tangent,) = ax.plot([], [], "--", color="tab:green", lw=1.5)
        (self.points,) = ax.plot([], [], "o", color="tab:orange", ms=6)
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        ax.grid(alpha=0.3)
        self._view: tuple[float, float] | None = None

    def _set_view(self, lo: float, hi: float) -> None:
        """Draw the curve over [lo, hi] and fit the y axis to it (only when the view changes)."""
        xs = np.linspace(lo, hi, 241)
        ys = _safe_curve(self.f, xs)
        self.curve.set_data(xs, ys)
        self.ax.set_xlim(lo, hi)
        finite = ys[np.isfinite(ys)]
        if finite.size:
            bottom, top = float(finite.min()), float(finite.max())
            margin = 0.1 * (top - bottom) or 1.0
            self.ax.set_ylim(bottom - margin, top + margin)
        self._view = (lo, hi)

    def update(self, x: float, h: float) -> SecantInfo:
        """Show the secant and tangent at (x, h); return their slopes."""
        info = secant_info(self.f, x, h, self.df)
        view = (min(self.x_range[0], x, x + h), max(self.x_range[1], x, x + h))
        if view != self._view:
            self._set_view(*view)
        xs = self.curve.get_xdata()
        self.secant.set_data(xs, info.fx + info.secant * (xs - x))
        self.tangent.set_data(xs, info.fx + info.slope * (xs - x))
        self.points.set_data([x, x + h], [info.fx, info.fxh])
        self.curve.set_label(self.name)
        self.secant.set_label(f"secant, slope {info.secant:.3f}")
        self.tangent.set_label(f"tangent, slope {info.slope:.3f}")
        self.ax.legend(handles=[self.curve, self.secant, self.tangent], loc="best", fontsize=8)
        self.ax.set_title(f"x = {x:.3g}, h = {h:.3g}", fontsize=10)
        return info


def _log_grid(h: float, low: float = 1e-3, high: float = 2.0, step: float = 0.01) -> dict[str, float]:
    """Exponent range of a log slider from about ``low`` to ``high`` whose grid passes through h exactly."""
    exponent = math.log10(h)
    below = math.ceil((exponent - math.log10(min(low, h))) / step - 1e-9)
    above = math.ceil((max(math.log10(high), exponent) - exponent) / step - 1e-9)
    return {"min": exponent - below * step, "max": exponent + above * step, "step": step}


class DerivativeExplorer(StaticFallbackMixin, widgets.VBox):
    """Sliders for x and h, a plot of the secant and tangent, and the two slopes as numbers."""

    def __init__(
        self,
        f: Callable[[float], Any] | None = None,
        x: float = 1.0,
        h: float = 0.5,
        x_range: tuple[float, float] = (-3.0, 3.0),
        df: Callable[[float], Any] | None = None,
        name: str | None = None,
    ) -> None:
        if h <= 0:
            raise ValueError(f"h must be positive, got {h!r}")
        if x_range[0] >= x_range[1]:
            raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}")
        if f is None:
            f, df = default_function, default_derivative
            name = name or "f(x) = 3x² − 4x + 5"
        self.f, self.df = f, df
        self.name = name or "f(x)"
        self.x_range = (min(x_range[0], x), max(x_range[1], x))
        self._initial = (float(x), float(h))
        self.x_slider = widgets.FloatSlider(
            value=x, min=self.x_range[0], max=self.x_range[1], step=0.01, description="x"
        )
        self.h_slider = widgets.FloatLogSlider(value=h, base=10, **_log_grid(h), description="h")
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="600px"))
        self.readout = widgets.HTML()
        self.figure = Figure(figsize=(6, 4))
        self.figure.subplots_adjust(left=0.12, right=0.97, bottom=0.12, top=0.92)
        self.plot = SecantPlot(self.figure.add_subplot(), f, df, self.x_range, self.name)
        super().__init__(children=[self.x_slider, self.h_slider, self.image, self.readout])
        self.x_slider.observe(self._refresh, names="value")
        self.h_slider.observe(self._refresh, names="value")
        self._refresh()

    @property
    def info(self) -> SecantInfo:
        """The slopes for the sliders' current x and h."""
        return secant_info(self.f, self.x_slider.value, self.h_slider.value, self.df)

    def _refresh(self, _change: Any = None) -> None:
        try:
            info = self.plot.update(self.x_slider.value, self.h_slider.value)
        except (ArithmeticError, ValueError, TypeError) as error:
            self.readout.value = f"<b>f cannot be evaluated here:</b> {html.escape(str(error))}"
            return
        self.image.value = base64.b64decode(png_base64(self.figure, dpi=96))
        self.readout.value = f"<code>{html.escape(info.describe())}</code>"

    def static_bundle(self) -> dict[str, str]:
        """Three snapshots at the starting x, h shrinking: the secant approaches the tangent."""
        x, h = self._initial
        fig = Figure(figsize=(10, 4))
        for index, (ax, step) in enumerate(zip(fig.subplots(1, 3, sharey=True), (h, h / 5, h / 25))):
            info = SecantPlot(ax, self.f, self.df, self.x_range, self.name).update(x, step)
            ax.set_ylabel("f(x)" if index == 0 else "")
            ax.set_title(
                f"h = {step:.3g}\nsecant slope {info.secant:.4f}, tangent {info.slope:.4f}", fontsize=10
            )
        fig.suptitle(f"{self.name} at x = {x:.3g}: as h shrinks, the secant becomes the tangent", fontsize=12)
        fig.text(0.5, 0.01, RUN_NOTE, ha="center", va="bottom", fontsize=10, style="italic", color="0.3")
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.2, top=0.8, wspace=0.08)
        return {"image/png": png_base64(fig)}

    def summary(self) -> str:
        info = secant_info(self.f, *self._initial, self.df)
        return f"Derivative explorer for {self.name}: {info.describe()}"


def derivative_explorer(
    f: Callable[[float], Any] | None = None,
    x: float = 1.0,
    h: float = 0.5,
    x_range: tuple[float, float] = (-3, 3),
    df: Callable[[float], Any] | None = None,
    name: str | None = None,
) -> DerivativeExplorer:
    """An explorer of secant vs tangent for ``f`` (default: 3x² − 4x + 5 with its exact f′).

    ``df`` is the exact derivative if known; otherwise the "true" slope is a
    central difference with h = 1e-6. ``name`` labels the curve.
    """
    return DerivativeExplorer(f, x, h, x_range, df, name)


# ---------------------------------------------------------------------------
# Chapter 3: backprop one node at a time
# ---------------------------------------------------------------------------


def local_grads(node: Any) -> tuple[float, ...]:
    """d(node)/d(parent) for each parent, from ``node._local_grads``.

    A Value class that stores no local derivatives (chapter 2's) still works
    for ``+``, ``-``, ``*`` and ``neg``, whose local derivatives follow from the
    parents' data alone.
    """
    parents = tuple(node._prev)
    stored = tuple(getattr(node, "_local_grads", ()) or ())
    if len(stored) == len(parents):
        return tuple(float(g) for g in stored)
    op = node._op
    if op == "+":
        return (1.0,) * len(parents)
    if op == "-" and len(parents) == 2:
        return (1.0, -1.0)
    if op == "neg" and len(parents) == 1:
        return (-1.0,)
    if op == "*" and len(parents) == 2:
        return (float(parents[1].data), float(parents[0].data))
    raise TypeError(
        f"cannot step through a {op!r} node: its Value stores no local derivatives in _local_grads"
    )


@dataclass(frozen=True)
class Update:
    """One application of the chain rule: parent.grad += local_grad * node.grad."""

    parent: Any
    index: int  # which input of the node (0 = first)
    local_grad: float
    node_grad: float
    before: float
    after: float
    first: bool  # the first contribution to this parent's grad (before it, the grad is unknown)


@dataclass(frozen=True)
class Step:
    """The node processed at one step and the grads it changed (none for the seed step)."""

    node: Any
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


def _local_reason(node: Any, update: Update) -> str:
    """Why the local derivative has its value, e.g. 'b.data' for the a-input of a*b."""
    parents = tuple(node._prev)
    if node._op == "*" and len(parents) == 2:
        return f"{name_of(parents[1 - update.index])}.data"
    if node._op == "+":
        return "1"
    if node._op == "-" and len(parents) == 2:
        return "1" if update.index == 0 else "-1"
    return f"local derivative of {node._op}"


class BackpropSteps:
    """Backpropagation through the graph of ``root``, one node per step, without touching it.

    Step 1 seeds d(root)/d(root) = 1; every later step takes the next node in
    reverse topological order that has inputs and applies the chain rule to
    each input: ``parent.grad += local_grad * node.grad``. Inputs (leaves) have
    nothing to pass on, so they get no step of their own.

    The grads are kept here (:attr:`grads`), never written to the Values: the
    user's ``.grad`` and ``.data`` are left exactly as they were, so calling
    ``root.backward()`` afterwards behaves as it would have anyway.
    """

    def __init__(self, root: Any) -> None:
        self.root = root
        self.nodes = trace(root)  # parents before children: the order draw_dot numbers them
        self.steps: list[Step] = self._plan()
        self.position = 0  # how many steps have been applied
        self._grads_cache: tuple[int, dict[int, float]] = (0, {})

    def _plan(self) -> list[Step]:
        grads: dict[int, float] = {id(self.root): 1.0}
        steps = [Step(self.root, (), seed=True)]
        for node in reversed(self.nodes):
            if not node._prev:
                continue
            node_grad = grads[id(node)]
            updates = []
            for index, (parent, local) in enumerate(zip(node._prev, local_grads(node))):
                first = id(parent) not in grads
                before = grads.get(id(parent), 0.0)
                grads[id(parent)] = before + local * node_grad
                updates.append(Update(parent, index, local, node_grad, before, grads[id(parent)], first))
            steps.append(Step(node, tuple(updates)))
        return steps

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
        if self._grads_cache[0] == position:
            return dict(self._grads_cache[1])
        grads: dict[int, float] = {}
        for step in self.steps[:position]:
            if step.seed:
                grads[id(step.node)] = 1.0
            for update in step.updates:
                grads[id(update.parent)] = update.after
        self._grads_cache = (position, grads)
        return dict(grads)

    def current_at(self, position: int) -> Step | None:
        """The step just applied at ``position`` (None at the start)."""
        return self.steps[position - 1] if position > 0 else None

    def highlight_at(self, position: int) -> dict[Any, str]:
        """{Value: color}: the node being processed and the inputs whose grads it changed."""
        step = self.current_at(position)
        if step is None:
            return {}
        colors = {update.parent: UPDATED_COLOR for update in step.updates}
        colors[step.node] = HIGHLIGHT_COLOR
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
            reason = _local_reason(step.node, u)
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

    static_steps = 6  # the static copy shows every step of graphs up to this many steps

    def __init__(self, root: Any, rankdir: str = "LR") -> None:
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
        buttons = widgets.HBox([self.back_button, self.step_button, self.reset_button, self.counter])
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

    def _static_positions(self) -> list[int]:
        total = self.steps.total
        if total <= self.static_steps:
            return list(range(1, total + 1))
        return [1, 2, 3, total - 1, total]

    def static_bundle(self) -> dict[str, str]:
        """The graph after each step (a few of them for long graphs), with the explanations."""
        parts = [
            '<div class="micrograd-static-widget">',
            f"<p><b>Backpropagation, one node at a time.</b> <em>{html.escape(RUN_NOTE)}</em></p>",
            f"<p>{LEGEND}</p>",
        ]
        shown = self._static_positions()
        for previous, position in zip([0, *shown], shown):
            if position - previous > 1:
                parts.append(f"<p>… {position - previous - 1} more steps …</p>")
            explanation = self.steps.explanation_at(position)
            parts.append(
                f'<pre style="white-space:pre-wrap">{html.escape(explanation)}</pre>'
                + svg_image_tag(self.svg(position), alt=explanation.splitlines()[0])
            )
        parts.append("</div>")
        return {"text/html": "\n".join(parts)}

    def summary(self) -> str:
        return (
            f"Backprop stepper: {self.steps.total} steps through the graph of {name_of(self.steps.root)} "
            f"({len(self.steps.nodes)} values). Run the notebook and press Step."
        )


def backprop_stepper(root: Any, rankdir: str = "LR") -> BackpropStepper:
    """Step backward through the graph of ``root`` one node at a time (``root.grad`` etc. untouched)."""
    return BackpropStepper(root, rankdir)


__all__ = [
    "BackpropStepper",
    "BackpropSteps",
    "DerivativeExplorer",
    "SecantInfo",
    "backprop_stepper",
    "central_slope",
    "derivative_explorer",
    "secant_info",
    "secant_slope",
    "with_static_fallback",
]
