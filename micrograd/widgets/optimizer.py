"""The optimizer explorer (chapter 10): several optimizers race on one 2-D surface.

In the spirit of Distill's "Why Momentum Really Works": pick a surface, move the
learning rate, the momentum and Adam's beta1/beta2, and the paths of gradient
descent, momentum, Nesterov momentum and Adam redraw together on a contour plot,
next to their losses step by step.

* :data:`SURFACES`: an ill-conditioned quadratic, Rosenbrock's banana valley and
  a saddle. Each surface's formula is ONE Python function that works on
  ``Value`` s (for the gradients) and on numpy arrays (for the contours).
* :func:`trajectory` runs one optimizer of :mod:`micrograd.optim` on the
  surface, with ``Value`` parameters and ``backward()``: the explorer has no
  update rule of its own. :func:`race` runs all of :data:`OPTIMIZERS`.
* :func:`draw_paths` draws the paths over the contours, :func:`draw_losses` the
  loss curves, :func:`draw_race` both side by side;
  :func:`sweep_player` precomputes a slider over one setting for the book;
  :class:`OptimizerExplorer` wires it all to ipywidgets, and
  :func:`optimizer_explorer` returns it with that player as its static copy.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from PIL import Image

from micrograd.engine import Value
from micrograd.optim import SGD, Adam, Optimizer
from micrograd.widgets.player import RUN_NOTE, frame_player, png_base64, with_static_fallback

__all__ = [
    "OPTIMIZERS",
    "SURFACES",
    "OptimizerExplorer",
    "Path",
    "Settings",
    "Surface",
    "draw_losses",
    "draw_paths",
    "draw_race",
    "optimizer_explorer",
    "race",
    "race_summary",
    "small_png_tag",
    "sweep_player",
    "trajectory",
]

#: A path stops when a coordinate grows beyond this: the optimizer diverged.
DIVERGED = 1e6


# ---------------------------------------------------------------------------
# Surfaces
# ---------------------------------------------------------------------------


def quadratic(x: Any, y: Any) -> Any:
    """f = x²/2 + 10 y²: curvature 1 along x and 20 along y (condition number 20)."""
    return 0.5 * x**2 + 10.0 * y**2


def rosenbrock(x: Any, y: Any) -> Any:
    """f = (1 − x)² + 100 (y − x²)²: a curved, flat-bottomed valley; minimum 0 at (1, 1)."""
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def saddle(x: Any, y: Any) -> Any:
    """f = x²/2 + y⁴/4 − y²/2: a saddle at (0, 0), minima −1/4 at (0, ±1)."""
    return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2


@dataclass(frozen=True)
class Settings:
    """The explorer's knobs: two learning rates (SGD family, Adam), momentum, Adam's betas, steps."""

    lr: float = 0.05
    adam_lr: float = 0.1
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    steps: int = 100

    def describe(self) -> str:
        return (
            f"lr {self.lr:g}, momentum {self.momentum:g}; Adam lr {self.adam_lr:g}, "
            f"betas ({self.beta1:g}, {self.beta2:g}); {self.steps} steps"
        )


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface f(x, y), where to start, and how to draw it."""

    name: str
    formula: str
    f: Callable[[Any, Any], Any]
    start: tuple[float, float]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    minimum: tuple[float, float]
    minimum_value: float
    settings: Settings  # good starting values for the sliders

    def __call__(self, x: Any, y: Any) -> Any:
        return self.f(x, y)


SURFACES: dict[str, Surface] = {
    "quadratic": Surface(
        "ill-conditioned quadratic",
        "f = x²/2 + 10 y²",
        quadratic,
        start=(-4.5, 1.2),
        x_range=(-5.0, 5.0),
        y_range=(-2.0, 2.0),
        minimum=(0.0, 0.0),
        minimum_value=0.0,
        settings=Settings(lr=0.06, adam_lr=0.2, momentum=0.7, steps=60),
    ),
    "rosenbrock": Surface(
        "Rosenbrock's valley",
        "f = (1 − x)² + 100 (y − x²)²",
        rosenbrock,
        start=(-1.5, 2.0),
        x_range=(-2.0, 2.0),
        y_range=(-1.0, 3.0),
        minimum=(1.0, 1.0),
        minimum_value=0.0,
        settings=Settings(lr=0.001, adam_lr=0.2, momentum=0.9, steps=300),
    ),
    "saddle": Surface(
        "a saddle",
        "f = x²/2 + y⁴/4 − y²/2",
        saddle,
        start=(-2.5, 0.001),
        x_range=(-3.0, 3.0),
        y_range=(-1.6, 1.6),
        minimum=(0.0, 1.0),
        minimum_value=-0.25,
        settings=Settings(lr=0.1, adam_lr=0.1, momentum=0.9, steps=80),
    ),
}


def surface_named(surface: Surface | str) -> Surface:
    """The surface itself, or the one of ``SURFACES`` with that name (a clear error for an unknown one)."""
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}; choose one of {', '.join(SURFACES)}")
    return SURFACES[surface]


# ---------------------------------------------------------------------------
# Trajectories, computed with the package's own optimizers
# ---------------------------------------------------------------------------

#: name -> (colour, how to build it from the parameters and the settings)
OPTIMIZERS: dict[str, tuple[str, Callable[[list[Value], Settings], Optimizer]]] = {
    "gradient descent": ("#1f77b4", lambda ps, s: SGD(ps, lr=s.lr)),
    "momentum": ("#ff7f0e", lambda ps, s: SGD(ps, lr=s.lr, momentum=s.momentum)),
    # with momentum 0, Nesterov is plain gradient descent (PyTorch refuses nesterov=True there)
    "Nesterov": ("#2ca02c", lambda ps, s: SGD(ps, lr=s.lr, momentum=s.momentum, nesterov=s.momentum > 0)),
    "Adam": ("#d62728", lambda ps, s: Adam(ps, lr=s.adam_lr, betas=(s.beta1, s.beta2))),
}


@dataclass
class Path:
    """Where one optimizer went: the points (step 0 is the start), f at each, and whether it blew up."""

    name: str
    xs: list[float]
    ys: list[float]
    losses: list[float]
    diverged: bool = False

    @property
    def steps(self) -> int:
        return len(self.xs) - 1


def trajectory(
    surface: Surface | str, make: Callable[[list[Value]], Optimizer], steps: int, name: str = ""
) -> Path:
    """Run ``make([x, y])`` (an optimizer over two Values) for ``steps`` steps from the surface's start.

    Each step is the training loop: ``loss = f(x, y)``, ``zero_grad()``,
    ``backward()``, ``step()``. The path stops early, marked ``diverged``, when
    a coordinate leaves [-1e6, 1e6] or stops being a number.
    """
    surface = surface_named(surface)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    x, y = Value(surface.start[0]), Value(surface.start[1])
    optimizer = make([x, y])
    path = Path(name, [x.data], [y.data], [])
    for _ in range(steps):
        loss = surface(x, y)
        path.losses.append(loss.data)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if not (abs(x.data) <= DIVERGED and abs(y.data) <= DIVERGED):  # also catches nan
            path.diverged = True
            break
        path.xs.append(x.data)
        path.ys.append(y.data)
    if not path.diverged:
        path.losses.append(surface(x.data, y.data))
    return path


def race(surface: Surface | str, settings: Settings | None = None) -> list[Path]:
    """Every optimizer of :data:`OPTIMIZERS` from the same start, with the same settings."""
    surface = surface_named(surface)
    settings = settings or surface.settings
    return [
        trajectory(surface, lambda ps, make=make: make(ps, settings), settings.steps, name)
        for name, (_, make) in OPTIMIZERS.items()
    ]


def race_summary(surface: Surface | str, paths: Sequence[Path]) -> str:
    """One line per optimizer: where it ended and how far above the minimum (or when it diverged)."""
    surface = surface_named(surface)
    lines = []
    for path in paths:
        if path.diverged:
            lines.append(f"{path.name:16} diverged at step {path.steps + 1}")
        else:
            gap = path.losses[-1] - surface.minimum_value
            lines.append(
                f"{path.name:16} ({path.xs[-1]:+.3f}, {path.ys[-1]:+.3f})  f - f_min = {max(gap, 0.0):.2e}"
            )
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Pictures
# ---------------------------------------------------------------------------


def _contour_grid(surface: Surface, n: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs = np.linspace(*surface.x_range, n)
    ys = np.linspace(*surface.y_range, n)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return grid_x, grid_y, surface(grid_x, grid_y) - surface.minimum_value


def draw_paths(ax: Axes, surface: Surface | str, paths: Sequence[Path], title: str | None = None) -> None:
    """The paths over the contours of f (levels spaced evenly in log(f − f_min)), start ● and minimum ★."""
    surface = surface_named(surface)
    grid_x, grid_y, heights = _contour_grid(surface)
    levels = np.geomspace(max(heights.max(), 1e-3) * 1e-5, heights.max(), 16)
    ax.contour(grid_x, grid_y, heights, levels=levels, colors="0.7", linewidths=0.6)
    ax.plot(*surface.minimum, marker="*", color="k", markersize=10, linestyle="none")
    ax.plot(*surface.start, marker="o", color="k", markersize=5, linestyle="none")
    for path in paths:
        colour = OPTIMIZERS.get(path.name, ("k", None))[0]
        ax.plot(path.xs, path.ys, "-o", color=colour, markersize=2, linewidth=1.2, label=path.name)
    ax.set_xlim(*surface.x_range)
    ax.set_ylim(*surface.y_range)
    ax.set_title(f"{surface.name}: {surface.formula}" if title is None else title, fontsize=9)
    ax.tick_params(labelsize=7)


def draw_losses(ax: Axes, surface: Surface | str, paths: Sequence[Path]) -> None:
    """f − f_min step by step on a log scale; a diverged path ends in ×, off the top."""
    surface = surface_named(surface)
    for path in paths:
        colour = OPTIMIZERS.get(path.name, ("k", None))[0]
        gaps = np.maximum(np.array(path.losses) - surface.minimum_value, 1e-12)
        ax.semilogy(range(len(gaps)), gaps, color=colour, linewidth=1.3, label=path.name)
        if path.diverged:
            ax.plot(len(gaps) - 1, gaps[-1], "x", color=colour, markersize=8)
    top = max((path.losses[0] for path in paths), default=1.0) - surface.minimum_value
    ax.set_ylim(1e-12, max(top, 1e-3) * 1e4)  # a diverging path leaves through the top
    # plain-text labels every 4 decades and no minor ticks: log axes' default 10^k labels
    # are typeset with mathtext, which made drawing several times slower
    ax.yaxis.set_major_locator(FixedLocator([10.0**k for k in range(-12, 17, 4)]))
    ax.yaxis.set_major_formatter(FuncFormatter(_decade_label))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_title("f − f_min (log scale)", fontsize=9)
    ax.set_xlabel("step", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="lower left")


def _decade_label(value: float, _position: Any = None) -> str:
    exponent = round(math.log10(value))
    return "1" if exponent == 0 else f"1e{exponent}"


def draw_race(fig: Figure, surface: Surface | str, paths: Sequence[Path], title: str = "") -> None:
    """Left: the paths over the contours of f. Right: f − f_min step by step (log scale)."""
    fig.clear()
    contour_ax, loss_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1]})
    draw_paths(contour_ax, surface, paths)
    draw_losses(loss_ax, surface, paths)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.13, top=0.84 if title else 0.9, wspace=0.2)


def _figure() -> Figure:
    return Figure(figsize=(8.4, 3.4))


def small_png_tag(fig: Figure, alt: str, dpi: int = 80, colors: int = 64) -> str:
    """An ``<img>`` of the figure as a PNG with a palette of ``colors`` colours: about 4x smaller.

    Line plots on white need few colours, and the player holds one image per frame. The
    figure is drawn straight into pixels (Agg) and encoded once.
    """
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[..., :3]
    image = Image.fromarray(pixels).quantize(colors=colors, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    data = base64.b64encode(out.getvalue()).decode("ascii")
    return (
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto">'
    )


# ---------------------------------------------------------------------------
# The static copy: a slider over one setting
# ---------------------------------------------------------------------------

_SETTING_NAMES = tuple(f.name for f in fields(Settings))


def sweep_player(
    surface: Surface | str,
    vary: str,
    values: Sequence[float],
    settings: Settings | None = None,
    dpi: int = 80,
) -> str:
    """A player with a slider over ``vary`` (a :class:`Settings` field), one precomputed frame per value."""
    surface = surface_named(surface)
    if vary not in _SETTING_NAMES:
        raise ValueError(f"vary must be one of {', '.join(_SETTING_NAMES)}, got {vary!r}")
    if not values:
        raise ValueError("values must hold at least one value to show")
    base = settings or surface.settings
    frames, captions = [], []
    for value in values:
        current = replace(base, **{vary: value})
        paths = race(surface, current)
        fig = _figure()
        draw_race(fig, surface, paths, title=current.describe())
        frames.append(small_png_tag(fig, f"{surface.name}, {vary} = {value:g}", dpi=dpi))
        captions.append(f"<pre>{html.escape(race_summary(surface, paths))}</pre>")
    return frame_player(
        frames,
        captions,
        title=f"Optimizers on {surface.name} as {vary} changes",
        controls="slider",
        slider_label=vary,
        slider_values=[f"{vary} = {value:g}" for value in values],
    )


# ---------------------------------------------------------------------------
# The live explorer
# ---------------------------------------------------------------------------


class OptimizerExplorer(widgets.VBox):
    """A surface menu, sliders for lr, momentum, Adam's lr and betas and the steps; the race redrawn live."""

    def __init__(self, surface: Surface | str = "quadratic", settings: Settings | None = None) -> None:
        surface = surface_named(surface)
        settings = settings or surface.settings
        self.surface_menu = widgets.Dropdown(
            options=[(s.name, key) for key, s in SURFACES.items()],
            value=next((k for k, s in SURFACES.items() if s is surface), "quadratic"),
            description="surface",
        )
        self._custom = surface if surface not in SURFACES.values() else None
        self._quiet = False
        wide = {"description_width": "6em"}

        def log_slider(value: float, low: int, high: int, description: str) -> widgets.FloatLogSlider:
            return widgets.FloatLogSlider(
                value=value, base=10, min=low, max=high, step=0.05, description=description,
                continuous_update=False, readout_format=".3g", style=wide,
            )  # fmt: skip

        self.lr = log_slider(settings.lr, -4, 0, "lr (SGD)")
        self.adam_lr = log_slider(settings.adam_lr, -3, 0, "lr (Adam)")
        self.momentum = widgets.FloatSlider(
            value=settings.momentum, min=0.0, max=0.99, step=0.01, description="momentum",
            continuous_update=False, style=wide,
        )  # fmt: skip
        self.beta1 = widgets.FloatSlider(
            value=settings.beta1, min=0.0, max=0.99, step=0.01, description="β1",
            continuous_update=False, style=wide,
        )  # fmt: skip
        self.beta2 = widgets.FloatSlider(
            value=settings.beta2, min=0.5, max=0.9999, step=0.0001, description="β2",
            continuous_update=False, readout_format=".4f", style=wide,
        )  # fmt: skip
        self.steps = widgets.IntSlider(
            value=settings.steps, min=1, max=400, description="steps", continuous_update=False, style=wide
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="840px"))
        self.readout = widgets.HTML()
        self.figure = _figure()
        sliders = [self.lr, self.momentum, self.adam_lr, self.beta1, self.beta2, self.steps]
        super().__init__(
            children=[
                self.surface_menu,
                widgets.HBox([widgets.VBox(sliders[:3]), widgets.VBox(sliders[3:])]),
                self.image,
                self.readout,
            ]
        )
        self.surface_menu.observe(self._new_surface, names="value")
        for slider in sliders:
            slider.observe(self._refresh, names="value")
        self._refresh()

    @property
    def surface(self) -> Surface:
        return self._custom or SURFACES[self.surface_menu.value]

    @property
    def settings(self) -> Settings:
        """The sliders' current values."""
        return Settings(
            lr=self.lr.value,
            adam_lr=self.adam_lr.value,
            momentum=self.momentum.value,
            beta1=self.beta1.value,
            beta2=self.beta2.value,
            steps=self.steps.value,
        )

    def _new_surface(self, _change: Any = None) -> None:
        """A new surface brings its own good starting values for the sliders (and one redraw)."""
        self._custom = None
        self._quiet = True
        try:
            for name in _SETTING_NAMES:
                getattr(self, name).value = getattr(self.surface.settings, name)
        finally:
            self._quiet = False
        self._refresh()

    def _refresh(self, _change: Any = None) -> list[Path] | None:
        if self._quiet:
            return None
        paths = race(self.surface, self.settings)
        draw_race(self.figure, self.surface, paths)
        self.image.value = base64.b64decode(png_base64(self.figure, dpi=90))
        self.readout.value = f"<pre>{html.escape(race_summary(self.surface, paths))}</pre>"
        return paths


def optimizer_explorer(
    surface: Surface | str = "quadratic",
    vary: str = "lr",
    values: Sequence[float] | None = None,
    settings: Settings | None = None,
) -> Any:
    """The live explorer, with a static player over ``vary`` (a :class:`Settings` field) for the book.

    ``values`` default to the learning rates 0.01 … 0.105 for ``vary="lr"`` (on
    the quadratic, 0.1 is the edge of stability for gradient descent: 2 / 20).
    """
    surface = surface_named(surface)
    if values is None:
        if vary != "lr":
            raise ValueError("give the values to show for the static copy, e.g. values=[0.0, 0.5, 0.9]")
        values = [0.01, 0.05, 0.07, 0.09, 0.1, 0.105]
    values = list(values)
    live = OptimizerExplorer(surface, settings)
    player = sweep_player(surface, vary, values, settings)
    text = f"Optimizer explorer on {surface.name} ({(settings or surface.settings).describe()})"
    return with_static_fallback(
        live, static=lambda: {"text/html": player + f"<p><em>{html.escape(RUN_NOTE)}</em></p>"}, text=text
    )
