"""The Newton explorer (chapter 15): Newton's method against gradient descent on a 2-D surface.

Both start from the same point. Gradient descent steps along −∇f, scaled by a learning
rate; Newton's method solves H d = −∇f with the Hessian H that ``micrograd.grad(...,
create_graph=True)`` gives, and steps by d. Step by step, the explorer draws both paths
on the contour plot and f − f_min beside it.

* :func:`newton_step` and :func:`gradient_step`: one step of each, with the engine's
  ``grad`` (gradient descent: first order; Newton: grad of grad);
* :func:`paths`: both paths from a start, :func:`summary` one line per method;
* :func:`draw` the picture after ``k`` steps; :func:`step_player` precomputes every
  ``k`` for the book; :class:`NewtonExplorer` is the live version (surface, start,
  learning rate, steps shown), and :func:`newton_explorer` returns it with the player
  as its static copy.

The surfaces are chapter 10's (:data:`micrograd.widgets.optimizer.SURFACES`): an
ill-conditioned quadratic (Newton needs one step), Rosenbrock's valley, and a saddle
(where Newton, which looks for any point with ∇f = 0, can walk to the saddle).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from micrograd.engine import Value, grad
from micrograd.widgets.optimizer import SURFACES, Surface, small_png_tag, surface_named
from micrograd.widgets.player import RUN_NOTE, frame_player, png_base64, with_static_fallback

__all__ = [
    "COLOURS",
    "SETUPS",
    "NewtonExplorer",
    "Race",
    "Setup",
    "draw",
    "gradient_step",
    "newton_explorer",
    "newton_step",
    "paths",
    "solve",
    "step_player",
    "summary",
]

COLOURS = {"Newton": "#d62728", "gradient descent": "#1f77b4"}
DIVERGED = 1e6


@dataclass(frozen=True)
class Setup:
    """Where both methods start, gradient descent's learning rate, and how many steps to take."""

    start: tuple[float, float]
    lr: float
    steps: int


#: good starting settings per surface (surface keys of chapter 10's explorer)
SETUPS: dict[str, Setup] = {
    "quadratic": Setup(start=(-4.5, 1.2), lr=0.09, steps=12),
    "rosenbrock": Setup(start=(-1.2, 1.0), lr=0.0015, steps=12),
    "saddle": Setup(start=(-2.5, 0.3), lr=0.3, steps=12),
}


def solve(matrix: Sequence[Sequence[float]], rhs: Sequence[float]) -> list[float]:
    """x with matrix @ x = rhs, by Gaussian elimination with partial pivoting (pure Python).

    Raises ZeroDivisionError when the matrix is singular (a pivot below 1e-12 of the largest entry).
    """
    n = len(rhs)
    rows = [[float(v) for v in row] + [float(b)] for row, b in zip(matrix, rhs, strict=True)]
    scale = max((abs(v) for row in rows for v in row[:n]), default=0.0) or 1.0
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) <= 1e-12 * scale:
            raise ZeroDivisionError("the Hessian is singular: Newton's step is undefined")
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(col + 1, n):
            factor = rows[r][col] / rows[col][col]
            rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    x = [0.0] * n
    for r in reversed(range(n)):
        x[r] = (rows[r][n] - sum(rows[r][c] * x[c] for c in range(r + 1, n))) / rows[r][r]
    return x


def newton_step(f: Callable[..., Value], point: Sequence[float]) -> list[float]:
    """x − H⁻¹ ∇f(x): the gradient and Hessian by grad and grad of grad, then H d = −∇f solved."""
    xs = [Value(p) for p in point]
    first = grad(f(*xs), xs, create_graph=True)
    hessian = [[g.data for g in grad(df, xs)] for df in first]
    d = solve(hessian, [-df.data for df in first])
    return [p + di for p, di in zip(point, d, strict=True)]


def gradient_step(f: Callable[..., Value], point: Sequence[float], lr: float) -> list[float]:
    """x − lr ∇f(x)."""
    xs = [Value(p) for p in point]
    return [p - lr * g.data for p, g in zip(point, grad(f(*xs), xs), strict=True)]


@dataclass
class Race:
    """The points each method visited (step 0 is the start) and why a path stopped early."""

    points: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    stopped: dict[str, str] = field(default_factory=dict)


def paths(surface: str | Surface, setup: Setup) -> Race:
    """Newton's method and gradient descent from ``setup.start`` for ``setup.steps`` steps each."""
    surface = surface_named(surface)
    if isinstance(setup.steps, bool) or not isinstance(setup.steps, int) or setup.steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {setup.steps!r}")
    race = Race()
    methods = {
        "Newton": lambda p: newton_step(surface.f, p),
        "gradient descent": lambda p: gradient_step(surface.f, p, setup.lr),
    }
    for name, step in methods.items():
        point = [float(setup.start[0]), float(setup.start[1])]
        race.points[name] = [(point[0], point[1])]
        for k in range(setup.steps):
            try:
                point = step(point)
            except (ZeroDivisionError, OverflowError):
                race.stopped[name] = f"stopped at step {k + 1}: singular Hessian or overflow"
                break
            if not all(abs(v) <= DIVERGED for v in point):  # also catches nan
                race.stopped[name] = f"diverged at step {k + 1}"
                break
            race.points[name].append((point[0], point[1]))
    return race


def _value(surface: Surface, point: tuple[float, float]) -> float:
    return float(surface.f(point[0], point[1]))


def summary(surface: str | Surface, race: Race, k: int | None = None) -> str:
    """One line per method after ``k`` steps (all by default): where it is and f − f_min."""
    surface = surface_named(surface)
    lines = []
    for name, points in race.points.items():
        shown = points if k is None else points[: k + 1]
        x, y = shown[-1]
        gap = max(_value(surface, (x, y)) - surface.minimum_value, 0.0)
        note = f"  ({race.stopped[name]})" if name in race.stopped and len(shown) == len(points) else ""
        lines.append(f"{name:16} step {len(shown) - 1:2}: ({x:+.4f}, {y:+.4f})  f - f_min = {gap:.2e}{note}")
    return "\n".join(lines)


def draw(fig: Figure, surface: str | Surface, race: Race, k: int) -> None:
    """Left: both paths up to step k on the contours. Right: f − f_min per step (log scale)."""
    surface = surface_named(surface)
    fig.clear()
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1]})
    xs = np.linspace(*surface.x_range, 140)
    ys = np.linspace(*surface.y_range, 140)
    gx, gy = np.meshgrid(xs, ys)
    heights = surface.f(gx, gy) - surface.minimum_value
    top = max(float(heights.max()), 1e-3)
    shifted = heights - min(float(heights.min()), 0.0) + top * 1e-6  # positive, for log-spaced levels
    left.contour(gx, gy, shifted, levels=np.geomspace(top * 1e-5, shifted.max(), 16), colors="0.75",
                 linewidths=0.6)  # fmt: skip
    left.plot(*surface.minimum, marker="*", color="k", markersize=10, linestyle="none")
    longest = max(len(p) for p in race.points.values())
    for name, points in race.points.items():
        shown = points[: k + 1]
        px, py = zip(*shown, strict=True)
        left.plot(px, py, "-o", color=COLOURS[name], markersize=3, linewidth=1.3, label=name)
        gaps = [max(_value(surface, p) - surface.minimum_value, 1e-16) for p in shown]
        right.semilogy(range(len(gaps)), gaps, "-o", color=COLOURS[name], markersize=3, label=name)
    left.set_xlim(*surface.x_range)
    left.set_ylim(*surface.y_range)
    left.set_title(f"{surface.name}: {surface.formula}", fontsize=9)
    left.legend(fontsize=7, loc="upper right")
    right.set_xlim(-0.5, longest - 0.5)
    right.set_ylim(1e-16, top * 10)
    right.set_title(f"f − f_min after {k} step{'s' if k != 1 else ''}", fontsize=9)
    right.set_xlabel("step", fontsize=8)
    for ax in (left, right):
        ax.tick_params(labelsize=7)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.9, wspace=0.2)


def _figure() -> Figure:
    return Figure(figsize=(8.4, 3.4))


def step_player(surface: str | Surface = "rosenbrock", setup: Setup | None = None, dpi: int = 72) -> str:
    """A step-by-step player: frame k shows both paths after k steps (k = 0 … setup.steps)."""
    surface = surface_named(surface)
    setup = setup or SETUPS.get(_key(surface), SETUPS["rosenbrock"])
    race = paths(surface, setup)
    count = max(len(p) for p in race.points.values())
    frames, captions = [], []
    for k in range(count):
        fig = _figure()
        draw(fig, surface, race, k)
        frames.append(small_png_tag(fig, f"Newton and gradient descent on {surface.name}, step {k}", dpi=dpi))
        captions.append(f"<pre>{html.escape(summary(surface, race, k))}</pre>")
    start = f"({setup.start[0]:g}, {setup.start[1]:g})"
    return frame_player(
        frames,
        captions,
        title=f"Newton vs gradient descent (lr {setup.lr:g}) on {surface.name} from {start}",
        controls="step",
    )


def _key(surface: Surface) -> str:
    return next((key for key, s in SURFACES.items() if s is surface), "")


class NewtonExplorer(widgets.VBox):
    """Surface, start x and y, gradient descent's learning rate, the steps taken and the step shown."""

    def __init__(self, surface: str = "rosenbrock", setup: Setup | None = None) -> None:
        setup = setup or SETUPS[surface if surface in SETUPS else "rosenbrock"]
        wide = {"description_width": "7em"}
        self.surface_menu = widgets.Dropdown(
            options=[(SURFACES[key].name, key) for key in SETUPS], value=surface, description="surface"
        )
        self.x0 = widgets.FloatSlider(value=setup.start[0], min=-3, max=3, step=0.05, description="start x",
                                      continuous_update=False, style=wide)  # fmt: skip
        self.y0 = widgets.FloatSlider(value=setup.start[1], min=-2, max=3, step=0.05, description="start y",
                                      continuous_update=False, style=wide)  # fmt: skip
        self.lr = widgets.FloatLogSlider(value=setup.lr, base=10, min=-4, max=0, step=0.05,
                                         description="lr (GD)", continuous_update=False,
                                         readout_format=".3g", style=wide)  # fmt: skip
        self.steps = widgets.IntSlider(value=setup.steps, min=1, max=60, description="steps",
                                       continuous_update=False, style=wide)  # fmt: skip
        self.shown = widgets.IntSlider(value=setup.steps, min=0, max=setup.steps, description="show step",
                                       style=wide)  # fmt: skip
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="840px"))
        self.readout = widgets.HTML()
        self.figure = _figure()
        self._quiet = False
        self.race = Race()
        controls = widgets.HBox(
            [
                widgets.VBox([self.surface_menu, self.x0, self.y0]),
                widgets.VBox([self.lr, self.steps, self.shown]),
            ]
        )
        super().__init__(children=[controls, self.image, self.readout])
        self.surface_menu.observe(self._new_surface, names="value")
        for slider in (self.x0, self.y0, self.lr, self.steps):
            slider.observe(self._recompute, names="value")
        self.shown.observe(self._redraw, names="value")
        self._recompute()

    @property
    def setup(self) -> Setup:
        return Setup(start=(self.x0.value, self.y0.value), lr=self.lr.value, steps=self.steps.value)

    def _new_surface(self, _change: Any = None) -> None:
        setup = SETUPS[self.surface_menu.value]
        self._quiet = True
        try:
            self.x0.value, self.y0.value = setup.start
            self.lr.value, self.steps.value = setup.lr, setup.steps
        finally:
            self._quiet = False
        self._recompute()

    def _recompute(self, _change: Any = None) -> None:
        if self._quiet:
            return
        self.race = paths(self.surface_menu.value, self.setup)
        self._quiet = True
        try:
            self.shown.max = self.steps.value
            self.shown.value = self.steps.value
        finally:
            self._quiet = False
        self._redraw()

    def _redraw(self, _change: Any = None) -> None:
        if self._quiet:
            return
        surface = self.surface_menu.value
        draw(self.figure, surface, self.race, self.shown.value)
        self.image.value = base64.b64decode(png_base64(self.figure, dpi=90))
        self.readout.value = f"<pre>{html.escape(summary(surface, self.race, self.shown.value))}</pre>"


def newton_explorer(surface: str = "rosenbrock", setup: Setup | None = None) -> Any:
    """The live explorer, with a step-by-step player of the same race as its static copy for the book."""
    if surface not in SETUPS:
        raise ValueError(f"unknown surface {surface!r}; choose one of {', '.join(SETUPS)}")
    setup = setup or SETUPS[surface]
    live = NewtonExplorer(surface, setup)
    player = step_player(surface, setup)
    text = f"Newton explorer on {SURFACES[surface].name} (start {setup.start}, lr {setup.lr:g})"
    return with_static_fallback(
        live, static=lambda: {"text/html": player + f"<p><em>{html.escape(RUN_NOTE)}</em></p>"}, text=text
    )
