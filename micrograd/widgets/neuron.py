"""The neuron playground (chapter 8): one neuron with two inputs, drawn over the input plane.

A neuron computes ``out = act(z)`` with ``z = w1*x1 + w2*x2 + b``. Over the
plane of inputs ``(x1, x2)`` the pre-activation ``z`` is a tilted plane, and
it is 0 on the straight **decision line** ``w1*x1 + w2*x2 + b = 0``: the
weights ``(w1, w2)`` point across the line towards growing ``z`` and set how
steep the plane is, the bias shifts the line along them. The activation only
bends the height of the plane (tanh into (-1, 1), sigmoid into (0, 1), ReLU
cuts the negative side to 0), so the line stays where it is.

* :func:`neuron_output`, :func:`neuron_grid`, :func:`decision_line` and
  :func:`closest_point` are the plain logic (tested without a browser); the
  grid is computed with ``Value`` s inside :func:`micrograd.engine.no_grad`,
  since nothing is differentiated there;
* :func:`draw_neuron` draws a heatmap of the output with the decision line;
* :class:`NeuronPlayground` wires it to sliders for w1, w2, b and a choice of
  activation; :func:`neuron_playground` returns it wrapped with a static
  player over a few settings (:data:`DEFAULT_SETTINGS`) for the book.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from micrograd.engine import Value, no_grad, weighted_sum
from micrograd.widgets.player import (
    RUN_NOTE,
    FallbackBox,
    frame_player,
    png_base64,
    png_image_tag,
    with_static_fallback,
)

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_SETTINGS",
    "NeuronPlayground",
    "NeuronSetting",
    "closest_point",
    "decision_line",
    "draw_neuron",
    "neuron_grid",
    "neuron_output",
    "neuron_playground",
    "playground_frames",
]

#: name -> the activation as a Value method (``linear`` is the identity: no activation)
ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "linear": lambda z: z,
}

#: the output at z = 0, on the decision line (the middle of each activation's colour scale)
_MIDDLE = {"tanh": 0.0, "relu": 0.0, "sigmoid": 0.5, "linear": 0.0}


def _number(name: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, Real) or not math.isfinite(x):
        raise TypeError(f"{name} must be a finite number, got {type(x).__name__}: {x!r}")
    return float(x)


def _activation(name: object) -> Callable[[Value], Value]:
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(map(repr, ACTIVATIONS))}; got {name!r}")
    return ACTIVATIONS[name]  # type: ignore[index]


@dataclass(frozen=True)
class NeuronSetting:
    """One neuron: weights ``w1, w2``, bias ``b`` and the activation's name."""

    w1: float
    w2: float
    b: float
    activation: str = "tanh"

    def __post_init__(self) -> None:
        for name in ("w1", "w2", "b"):
            object.__setattr__(self, name, _number(name, getattr(self, name)))
        _activation(self.activation)

    def formula(self) -> str:
        """``tanh(1·x1 − 0.5·x2 + 0.25)``: the neuron as a formula, numbers shown briefly."""
        z = f"{_g(self.w1)}·x1 {_signed(self.w2)}·x2 {_signed(self.b)}"
        return z if self.activation == "linear" else f"{self.activation}({z})"

    def line_text(self) -> str:
        """Where the decision line is, in words."""
        if self.w1 == 0 and self.w2 == 0:
            return "no decision line: with w = (0, 0) the output is the same everywhere"
        return f"decision line {_g(self.w1)}·x1 {_signed(self.w2)}·x2 {_signed(self.b)} = 0"


def _g(x: float) -> str:
    return f"{x:.3g}".replace("-", "−")


def _signed(x: float) -> str:
    return f"− {_g(-x)}" if x < 0 else f"+ {_g(x)}"


def neuron_output(setting: NeuronSetting, x1: float, x2: float) -> float:
    """``act(w1*x1 + w2*x2 + b)`` at one input point, computed with Values and no graph."""
    act = _activation(setting.activation)
    with no_grad():
        z = weighted_sum([Value(setting.w1), Value(setting.w2)], [float(x1), float(x2)], Value(setting.b))
        return act(z).data


def neuron_grid(
    setting: NeuronSetting, extent: float = 3.0, n: int = 41
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The output on an ``n`` × ``n`` grid over ``[-extent, extent]²``: ``(x1s, x2s, out)``.

    ``out[i, j]`` is the output at ``(x1s[j], x2s[i])`` (row i is one x2, as
    ``imshow`` with ``origin="lower"`` expects). Every point is computed with
    the package's ``Value`` inside ``no_grad()``: no graph is recorded, because
    nothing here will be differentiated.
    """
    extent = _number("extent", extent)
    if extent <= 0:
        raise ValueError(f"extent must be > 0, got {extent!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an int >= 2, got {n!r}")
    act = _activation(setting.activation)
    coords = np.linspace(-extent, extent, n)
    out = np.empty((n, n))
    w = [Value(setting.w1), Value(setting.w2)]
    b = Value(setting.b)
    with no_grad():
        for i, x2 in enumerate(coords.tolist()):
            for j, x1 in enumerate(coords.tolist()):
                out[i, j] = act(weighted_sum(w, [x1, x2], b)).data
    return coords, coords.copy(), out


def closest_point(w1: float, w2: float, b: float) -> tuple[float, float] | None:
    """The point of the line ``w1*x1 + w2*x2 + b = 0`` nearest the origin: ``-b * w / |w|²``.

    None when ``w = (0, 0)`` (there is no line).
    """
    norm2 = w1 * w1 + w2 * w2
    if norm2 == 0:
        return None
    return (-b * w1 / norm2, -b * w2 / norm2)


def decision_line(
    w1: float, w2: float, b: float, extent: float = 3.0
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The two ends of the segment of ``w1*x1 + w2*x2 + b = 0`` inside the square ``[-extent, extent]²``.

    None when ``w = (0, 0)`` or when the line misses the square.
    """
    point = closest_point(w1, w2, b)
    if point is None:
        return None
    # the line is point + t * (-w2, w1); clip t to the square, one axis at a time
    direction = (-w2, w1)
    low, high = -math.inf, math.inf
    for p, d in zip(point, direction, strict=True):
        if d == 0:
            if abs(p) > extent:
                return None
            continue
        t1, t2 = (-extent - p) / d, (extent - p) / d
        low, high = max(low, min(t1, t2)), min(high, max(t1, t2))
    if low > high:
        return None
    return (
        (point[0] + low * direction[0], point[1] + low * direction[1]),
        (point[0] + high * direction[0], point[1] + high * direction[1]),
    )


def _color_range(setting: NeuronSetting, extent: float) -> tuple[float, float]:
    """A colour scale with the decision line's output in the middle (white)."""
    if setting.activation == "tanh":
        return -1.0, 1.0
    if setting.activation == "sigmoid":
        return 0.0, 1.0
    reach = abs(setting.w1) * extent + abs(setting.w2) * extent + abs(setting.b)
    reach = max(reach, 1e-9)
    return -reach, reach


def draw_neuron(
    ax: Axes, setting: NeuronSetting, extent: float = 3.0, n: int = 41, colorbar: bool = True
) -> Any:
    """Draw the output of the neuron over the input plane, with the decision line and w.

    Blue is high, red low, white the output on the line (0, or 0.5 for
    sigmoid). The arrow is w, drawn from the line's point nearest the origin:
    it points to where z grows. Returns the image (for a colour bar).
    """
    _, _, out = neuron_grid(setting, extent, n)
    vmin, vmax = _color_range(setting, extent)
    image = ax.imshow(
        out,
        origin="lower",
        extent=(-extent, extent, -extent, extent),
        cmap="RdBu",
        vmin=vmin,
        vmax=vmax,
        interpolation="bilinear",
    )
    segment = decision_line(setting.w1, setting.w2, setting.b, extent)
    if segment is not None:
        (xa, ya), (xb, yb) = segment
        ax.plot([xa, xb], [ya, yb], color="black", linewidth=2, label="w·x + b = 0")
        px, py = closest_point(setting.w1, setting.w2, setting.b)  # type: ignore[misc]
        norm = math.hypot(setting.w1, setting.w2)
        scale = 0.25 * extent / norm  # the arrow shows w's direction at a readable length
        if abs(px) <= extent and abs(py) <= extent:
            ax.annotate(
                "",
                xy=(px + scale * setting.w1, py + scale * setting.w2),
                xytext=(px, py),
                arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 1.5},
            )
            ax.text(
                px + 1.15 * scale * setting.w1,
                py + 1.15 * scale * setting.w2,
                "w",
                fontsize=11,
                fontweight="bold",
                ha="center",
                va="center",
            )
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_aspect("equal")
    ax.set_title(setting.formula(), fontsize=10)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="output")
    return image


def _figure(setting: NeuronSetting, extent: float, n: int, size: float = 5.0) -> Figure:
    fig = Figure(figsize=(size, size * 0.82))
    draw_neuron(fig.add_subplot(), setting, extent, n)
    fig.subplots_adjust(left=0.12, right=0.84, bottom=0.12, top=0.93)  # room for the colour bar's labels
    return fig


#: the static player's frames: each shows one idea (the captions say which)
DEFAULT_SETTINGS: tuple[tuple[NeuronSetting, str], ...] = (
    (NeuronSetting(1.0, 0.0, 0.0), "w = (1, 0): the output depends on x1 only; the line is x1 = 0."),
    (NeuronSetting(1.0, 1.0, 0.0), "w = (1, 1): the line turns; w points across it, to growing output."),
    (NeuronSetting(1.0, 1.0, 1.5), "b = 1.5: the bias slides the line along w, away from the origin."),
    (NeuronSetting(3.0, 3.0, 4.5), "w and b times 3: the same line, a much sharper step across it."),
    (NeuronSetting(3.0, 3.0, 4.5, "sigmoid"), "sigmoid: the same line, outputs between 0 and 1."),
    (NeuronSetting(1.0, 1.0, 1.5, "relu"), "ReLU: 0 on one whole side of the line, growing on the other."),
    (NeuronSetting(1.0, 1.0, 1.5, "linear"), "no activation: z itself, a tilted plane."),
    (NeuronSetting(-1.0, -1.0, -1.5), "w and b negated: the same line, the two sides swapped."),
)


def playground_frames(
    settings: Sequence[tuple[NeuronSetting, str]] = DEFAULT_SETTINGS,
    extent: float = 3.0,
    n: int = 41,
    dpi: int = 72,
) -> tuple[list[str], list[str], list[str]]:
    """``(frames, captions, labels)`` for :func:`frame_player`: one PNG per setting."""
    frames, captions, labels = [], [], []
    for setting, caption in settings:
        fig = _figure(setting, extent, n)
        frames.append(png_image_tag(fig, alt=f"output of {setting.formula()}", dpi=dpi))
        captions.append(
            f"<code>{html.escape(setting.formula())}</code>: {html.escape(caption)} "
            f"<br><small>{html.escape(setting.line_text())}</small>"
        )
        labels.append(f"{setting.activation}, w = ({_g(setting.w1)}, {_g(setting.w2)}), b = {_g(setting.b)}")
    return frames, captions, labels


class NeuronPlayground(widgets.VBox):
    """Sliders for w1, w2 and b, a choice of activation, and the heatmap of the neuron's output."""

    def __init__(self, setting: NeuronSetting | None = None, extent: float = 3.0, n: int = 41) -> None:
        setting = setting or DEFAULT_SETTINGS[1][0]
        self.extent, self.n = _number("extent", extent), n
        slider = {"min": -4.0, "max": 4.0, "step": 0.1, "continuous_update": False}
        self.w1 = widgets.FloatSlider(value=setting.w1, description="w1", **slider)
        self.w2 = widgets.FloatSlider(value=setting.w2, description="w2", **slider)
        self.b = widgets.FloatSlider(value=setting.b, description="b", **slider)
        self.activation = widgets.ToggleButtons(
            options=list(ACTIVATIONS), value=setting.activation, description="activation"
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="460px"))
        self.readout = widgets.HTML()
        super().__init__(children=[self.w1, self.w2, self.b, self.activation, self.image, self.readout])
        for control in (self.w1, self.w2, self.b, self.activation):
            control.observe(self._refresh, names="value")
        self._refresh()

    @property
    def setting(self) -> NeuronSetting:
        """The neuron the controls describe now."""
        return NeuronSetting(self.w1.value, self.w2.value, self.b.value, self.activation.value)

    def _refresh(self, _change: Any = None) -> None:
        setting = self.setting
        fig = _figure(setting, self.extent, self.n)
        self.image.value = base64.b64decode(png_base64(fig, dpi=80))
        corner = neuron_output(setting, 1.0, 1.0)
        self.readout.value = (
            f"<code>{html.escape(setting.formula())}</code>; {html.escape(setting.line_text())}; "
            f"output at (1, 1): {corner:.4f}"
        )


def neuron_playground(
    setting: NeuronSetting | None = None,
    settings: Sequence[tuple[NeuronSetting, str]] = DEFAULT_SETTINGS,
    extent: float = 3.0,
) -> FallbackBox:
    """The neuron playground: live sliders in Jupyter, a player over ``settings`` in the book."""
    playground = NeuronPlayground(setting, extent)

    def static() -> dict[str, str]:
        frames, captions, labels = playground_frames(settings, extent)
        player = frame_player(
            frames,
            captions,
            title="A neuron over the input plane",
            controls="slider",
            slider_label="setting",
            slider_values=labels,
        )
        return {"text/html": player + f"<p><em>{html.escape(RUN_NOTE)}</em></p>"}

    text = f"Neuron playground: {playground.setting.formula()} (live sliders in Jupyter)"
    return with_static_fallback(playground, static, text)
