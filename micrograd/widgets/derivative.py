"""Chapter 1's derivative explorer: move x and h, watch the secant become the tangent.

The logic (:func:`secant_slope`, :func:`secant_info`, :class:`SecantPlot`) is
plain Python, tested without a browser; :class:`DerivativeExplorer` wires it to
ipywidgets sliders, and shows a static player (see :mod:`micrograd.widgets.player`)
on the book's page.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from micrograd.widgets.player import RUN_NOTE, StaticFallbackMixin, frame_player, png_base64, png_image_tag

STATIC_DPI, STATIC_COLORS = 80, 32  # palette PNGs: about 9 KB a frame
STATIC_H_FACTORS = (2.0, 1.0, 0.5, 0.2, 0.1, 0.05, 0.01)  # the static player's h, times the starting h

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

    def frame_values(self) -> tuple[list[float], list[float]]:
        """The x positions and the h values the static player shows.

        Three x positions: the starting x and two of the points at 20 %, 50 % and
        80 % of the x range (the one nearest x gives way to it). h shrinks from
        twice the starting h to a hundredth of it, so moving the slider to the
        right turns each secant into the tangent.
        """
        x, h = self._initial
        lo, hi = self.x_range
        spots = [lo + (hi - lo) * q for q in (0.2, 0.5, 0.8)]
        nearest = min(spots, key=lambda spot: abs(spot - x))
        hs = [h * factor for factor in STATIC_H_FACTORS]
        candidates = sorted([x, *(spot for spot in spots if spot is not nearest)])
        return [spot for spot in candidates if self._defined(spot, hs)], hs

    def _defined(self, x: float, hs: list[float]) -> bool:
        """Whether f (and f′) can be evaluated at x and x + h for every h (log at x ≤ 0 cannot)."""
        try:
            for h in hs:
                secant_info(self.f, x, h, self.df)
        except (ArithmeticError, ValueError, TypeError):
            return False
        return True

    def frame_figure(self, xs: list[float], h: float) -> tuple[Figure, list[SecantInfo]]:
        """One frame: the secant and tangent at each x in ``xs`` for this h, side by side."""
        fig = Figure(figsize=(9, 3.1))
        infos = []
        axes = fig.subplots(1, len(xs), sharey=True, squeeze=False)[0]
        for index, (ax, x) in enumerate(zip(axes, xs, strict=True)):
            info = SecantPlot(ax, self.f, self.df, self.x_range, self.name).update(x, h)
            infos.append(info)
            ax.set_ylabel(self.name if index == 0 else "")
            ax.set_title(f"x = {x:.3g}: secant {info.secant:.3f}, tangent {info.slope:.3f}", fontsize=9)
            if index:
                ax.get_legend().remove()
            else:
                ax.legend(handles=[ax.lines[1], ax.lines[2]], labels=["secant", "tangent"], fontsize=8)
        fig.subplots_adjust(left=0.07, right=0.99, bottom=0.14, top=0.9, wspace=0.06)
        return fig, infos

    def player_html(self) -> str:
        """The static page's explorer: a slider over h that swaps the plot (three x positions in each)."""
        xs, hs = self.frame_values()
        if not xs:
            x, h = self._initial
            where = f"x = {x:.4g}, x + h (h = {h:.3g})"
            return f"<p><b>{html.escape(self.name)} cannot be evaluated at {where}.</b></p>"
        frames, captions = [], []
        for h in hs:
            fig, infos = self.frame_figure(xs, h)
            alt = f"secants and tangents of {self.name} for h = {h:.3g}"
            frames.append(png_image_tag(fig, alt, dpi=STATIC_DPI, colors=STATIC_COLORS))
            lines = [
                f"x = {i.x:<5.3g} secant (f(x+h) − f(x))/h = {i.secant:9.4f}  "
                f"tangent {i.slope:8.4f}  gap {i.gap:8.4f}"
                for i in infos
            ]
            captions.append(f"<pre>{html.escape(chr(10).join(lines))}</pre>")
        return frame_player(
            frames,
            captions,
            title=f"{self.name}: as h shrinks, the secant becomes the tangent",
            controls="slider",
            slider_label="h",
            slider_values=[f"h = {h:.3g}" for h in hs],
            start=STATIC_H_FACTORS.index(1.0),
        )

    def static_bundle(self) -> dict[str, str]:
        """The book's copy: the slider player, and a note that the notebook has the live version."""
        return {"text/html": f"{self.player_html()}\n<p><em>{html.escape(RUN_NOTE)}</em></p>"}

    def summary(self) -> str:
        try:
            described = secant_info(self.f, *self._initial, self.df).describe()
        except (ArithmeticError, ValueError, TypeError) as error:
            described = f"f cannot be evaluated at the starting x and h ({error})"
        return f"Derivative explorer for {self.name}: {described}"


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
