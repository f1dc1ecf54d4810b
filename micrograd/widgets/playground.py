"""The training playground (chapter 11): TensorFlow Playground's core controls on the course's engine.

Pick a dataset (moons, circles, xor, gaussian, spiral), its noise and the
share of points kept for training; a network (hidden layers, neurons per
layer, activation); and the training (batch size, learning rate, L2). Then
Step, Run or Reset, and watch the decision boundary and the train / test loss
curves move.

The logic is :class:`Playground`, plain Python that the tests drive without a
browser: :meth:`Playground.step` is one mini-batch SGD update, done by the
engine itself (``Value`` graph, ``backward()``, :class:`micrograd.optim.SGD`);
:meth:`Playground.render_svg` draws the state as one small inline SVG.

Drawing the boundary means evaluating the network on a 40 x 40 grid after
every step, and the loss curves need the loss on every train and test point:
thousands of forward passes that will never be backpropagated. The playground
does them without the engine: :meth:`PlaygroundNet.forward_numpy` reads the
current weights (``p.data``) into numpy arrays and runs the same formulas on
all points at once (chapter 12 builds this idea into a tensor engine; a test
checks that both forward passes agree). That keeps a Run step well under the
200 ms that feel live (see ``benchmarks/bench_playground.py``).
:func:`micrograd.train.predict` is the engine's way to do the same, inside
``no_grad()``.

:func:`training_playground` returns the live widget for Jupyter, Colab and
Binder, with a static player for the book that replays a training run step by
step.
"""

from __future__ import annotations

import asyncio
import base64
import html
import random
import signal
import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from numbers import Integral, Real
from typing import Any

import ipywidgets as widgets
import numpy as np

from micrograd.data import (
    batches,
    make_circles,
    make_gaussians,
    make_moons,
    make_spirals,
    make_xor,
    train_test_split,
)
from micrograd.engine import Value
from micrograd.losses import binary_cross_entropy_with_logits, sum_of_squares
from micrograd.nn import Layer, Module
from micrograd.optim import SGD
from micrograd.train import check_finite
from micrograd.widgets.player import RUN_NOTE, frame_player, svg_image_tag, with_static_fallback

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "Playground",
    "PlaygroundNet",
    "Settings",
    "make_dataset",
    "training_playground",
]

DATASETS = ("moons", "circles", "xor", "gaussian", "spiral")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
L2_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1)
BATCH_SIZES = (1, 5, 10, 20, 50, 100, 200)
ORANGE = (245, 147, 34)  # TensorFlow Playground's colours: orange for class 0, blue for class 1
BLUE = (8, 119, 189)


def make_dataset(name: str, n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[list, list]:
    """One of the playground's datasets, centred on the origin; labels 0 and 1.

    ``noise`` goes to the dataset maker (for "gaussian" the clouds' spread is
    ``0.3 + noise``, so that noise 0 still gives clouds rather than two points).
    The moons are shifted by (-0.5, -0.25) to sit around (0, 0).
    """
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {name!r}")
    if name == "moons":
        X, y = make_moons(n_samples, noise=noise, seed=seed)
        X = [[x1 - 0.5, x2 - 0.25] for x1, x2 in X]
    elif name == "circles":
        X, y = make_circles(n_samples, noise=noise, factor=0.5, seed=seed)
    elif name == "xor":
        X, y = make_xor(n_samples, noise=noise, seed=seed)
    elif name == "gaussian":
        X, y = make_gaussians(n_samples, noise=0.3 + noise, seed=seed)
    else:
        X, y = make_spirals(n_samples, n_classes=2, noise=noise, turns=0.75, seed=seed)
    return X, y


def _choice(name: str, value: Any, options: Sequence[Any]) -> Any:
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(str, options))}; got {value!r}")
    return value


def _real(name: str, value: Any, low: float, high: float, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {value!r}")
    ok = (low < value if low_open else low <= value) and value <= high
    if not ok:
        bracket = "(" if low_open else "["
        raise ValueError(f"{name} must be in {bracket}{low}, {high}], got {value!r}")
    return float(value)


def _int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= value <= high:
        raise ValueError(f"{name} must be an int from {low} to {high}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Settings:
    """Everything the playground's controls set. Invalid values raise a clear error at creation."""

    dataset: str = "moons"
    noise: float = 0.1
    train_fraction: float = 0.5
    batch_size: int = 10
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    lr: float = 0.3
    l2: float = 0.0
    n_samples: int = 200
    seed: int = 0
    grid: int = field(default=40, repr=False)

    def __post_init__(self) -> None:
        _choice("dataset", self.dataset, DATASETS)
        _real("noise", self.noise, 0.0, 1.0)
        _real("train_fraction", self.train_fraction, 0.0, 1.0, low_open=True)
        if self.train_fraction == 1.0:
            raise ValueError("train_fraction must be below 1: the playground needs a few test points")
        _int("batch_size", self.batch_size, 1, 100_000)
        if isinstance(self.hidden, (str, bytes)) or not isinstance(self.hidden, Sequence):
            raise TypeError(f"hidden must be a list of layer widths such as (8, 8), got {self.hidden!r}")
        if len(self.hidden) > 6:
            raise ValueError(f"hidden: at most 6 hidden layers, got {len(self.hidden)}")
        for width in self.hidden:
            _int("each hidden layer width", width, 1, 64)
        object.__setattr__(self, "hidden", tuple(int(w) for w in self.hidden))
        _choice("activation", self.activation, ACTIVATIONS)
        _real("lr (the learning rate)", self.lr, 0.0, 100.0, low_open=True)
        _real("l2", self.l2, 0.0, 10.0)
        _int("n_samples", self.n_samples, 4, 5000)
        _int("seed", self.seed, 0, 2**31)
        _int("grid", self.grid, 2, 200)


class PlaygroundNet(Module):
    """An MLP with a choice of hidden activation and one linear output (a score, a logit).

    ``PlaygroundNet((8, 8), "tanh")`` is 2 -> 8 -> 8 -> 1 with tanh after each
    hidden layer; with "relu" it computes what ``MLP(2, [8, 8, 1])`` computes.
    The layers are :class:`micrograd.nn.Layer` s of linear neurons; the
    activation is applied to their outputs.
    """

    def __init__(self, hidden: Sequence[int], activation: str = "tanh", nin: int = 2) -> None:
        _choice("activation", activation, ACTIVATIONS)
        sizes = [nin, *hidden, 1]
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=False) for i in range(len(sizes) - 1)]
        self.activation = activation

    def __call__(self, x: Sequence[Value | float]) -> Value:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            out = layer(x)
            x = [out] if isinstance(out, Value) else out
            if i < last and self.activation != "linear":
                x = [getattr(v, self.activation)() for v in x]
        return x[0]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The current weights as numpy arrays: one ``(W, b)`` per layer, ``W`` of shape (nout, nin)."""
        return [
            (
                np.array([[w.data for w in n.w] for n in layer.neurons]),
                np.array([n.b.data for n in layer.neurons]),
            )
            for layer in self.layers
        ]

    def forward_numpy(self, points: np.ndarray) -> np.ndarray:
        """The scores of many points at once, shape (n,), from the current weights; no graph.

        Layer by layer: ``a = f(a @ W.T + b)``, the same sums and activations
        the ``Value`` forward pass computes, for all n points in one array.
        """
        a = np.asarray(points, dtype=float)
        weights = self.weights()
        for i, (W, b) in enumerate(weights):
            a = a @ W.T + b
            if i < len(weights) - 1:
                a = _numpy_activation(self.activation, a)
        return a[:, 0]

    def __repr__(self) -> str:
        hidden = [len(layer.neurons) for layer in self.layers[:-1]]
        return f"PlaygroundNet(hidden={hidden}, {self.activation})"


def _numpy_activation(name: str, a: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return np.tanh(a)
    if name == "relu":
        return np.maximum(a, 0.0)
    if name == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * a))  # = 1 / (1 + e**-a), without overflow
    return a


def bce_numpy(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mean binary cross-entropy from logits, ``log(1 + e**z) - y z`` (as the engine's loss)."""
    return float(np.mean(np.logaddexp(0.0, scores) - labels * scores))


class Playground:
    """The state of one training run: data, split, network, optimizer and the history of losses.

    ``Playground(dataset="xor", hidden=(4,), lr=0.3)`` takes the fields of
    :class:`Settings` as keyword arguments. The same settings always give the
    same run (Python's global ``random`` state is saved and restored around
    the weight initialisation, so it is neither used nor changed).
    """

    def __init__(self, settings: Settings | None = None, **changes: Any) -> None:
        self.settings = replace(settings or Settings(), **changes)
        self.draws = 0  # how many times Reset drew new weights (0: the weights of the settings' seed)
        self.reset()

    # ---- state ----------------------------------------------------------------------

    def reset(self, *, new_weights: bool = False, **changes: Any) -> None:
        """Data, split and weights from the settings (with ``changes`` applied); step 0.

        The weights come from the settings' seed, so the same settings give the
        same run; ``new_weights=True`` (the Reset button) draws a fresh set instead,
        from the seed and a count of the draws, still reproducible.
        """
        if changes:
            self.settings = replace(self.settings, **changes)
        if new_weights:
            self.draws += 1
        s = self.settings
        X, y = make_dataset(s.dataset, s.n_samples, s.noise, s.seed)
        self.X_train, self.X_test, self.y_train, self.y_test = train_test_split(
            X, y, test_fraction=1.0 - s.train_fraction, seed=s.seed
        )
        self._train = (np.array(self.X_train), np.array(self.y_train, dtype=float))
        self._test = (np.array(self.X_test), np.array(self.y_test, dtype=float))
        state = random.getstate()
        random.seed(s.seed if self.draws == 0 else s.seed * 1_000_003 + self.draws)
        try:
            self.net = PlaygroundNet(s.hidden, s.activation)
        finally:
            random.setstate(state)
        self.optimizer = SGD(self.net.parameters(), lr=s.lr)
        self.steps = 0
        self.epoch = 0
        self._batches: Iterator[tuple[list, list]] = iter(())
        points = np.array(X)
        lo, hi = float(points.min()) - 0.2, float(points.max()) + 0.2
        self.extent = (lo, hi)  # the square [lo, hi] x [lo, hi] that the picture shows
        self.history: dict[str, list[float]] = {"train": [], "test": [], "train_acc": [], "test_acc": []}
        self._record()

    def configure(self, **changes: Any) -> None:
        """Change the training settings (lr, l2, batch_size) without starting over, as TF Playground does."""
        allowed = {"lr", "l2", "batch_size"}
        if not set(changes) <= allowed:
            raise ValueError(
                f"configure changes only {sorted(allowed)}; use reset(...) for {sorted(changes)}"
            )
        self.settings = replace(self.settings, **changes)
        self.optimizer.lr = self.settings.lr
        if "batch_size" in changes:
            self._batches = iter(())

    # ---- training ---------------------------------------------------------------------

    def _next_batch(self) -> tuple[list, list]:
        try:
            return next(self._batches)
        except StopIteration:
            self.epoch += 1
            seed = self.settings.seed * 100_003 + self.epoch  # a new order every epoch
            self._batches = batches(self.X_train, self.y_train, self.settings.batch_size, seed=seed)
            return next(self._batches)

    def training_loss(self, X_batch: Sequence, y_batch: Sequence) -> Value:
        """The loss one step minimises: mean BCE from logits plus ``l2 * sum(p**2)``."""
        loss = binary_cross_entropy_with_logits([self.net(x) for x in X_batch], y_batch)
        if self.settings.l2:
            loss = loss + self.settings.l2 * sum_of_squares(self.net.parameters())
        return loss

    def step(self) -> float:
        """One SGD update on the next mini-batch; return that batch's training loss (before the update).

        A loss that is not finite (the weights diverged: the learning rate is too
        large) raises ``FloatingPointError`` naming the step, before any update.
        """
        X_batch, y_batch = self._next_batch()
        hint = "lower the learning rate and press Reset"
        try:
            loss = self.training_loss(X_batch, y_batch)
        except OverflowError as error:  # the engine refuses a number too large for a float
            raise FloatingPointError(f"training diverged at step {self.steps + 1}: {error}; {hint}") from None
        check_finite(loss, self.steps + 1, hint=hint)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.steps += 1
        self._record()
        return loss.data

    def run(self, steps: int) -> None:
        """``steps`` calls of :meth:`step`."""
        for _ in range(_int("steps", steps, 0, 10**7)):
            self.step()

    # ---- measuring (numpy forward passes, no graph) ------------------------------------

    def _record(self) -> None:
        with np.errstate(all="ignore"):  # diverged weights give inf / nan here; step() reports them
            self._record_losses()

    def _record_losses(self) -> None:
        for name, (X, y) in (("train", self._train), ("test", self._test)):
            scores = self.net.forward_numpy(X)
            self.history[name].append(bce_numpy(scores, y))
            self.history[f"{name}_acc"].append(float(np.mean((scores > 0) == (y > 0.5))))

    def grid(self) -> np.ndarray:
        """The network's scores on an n x n grid over the picture; row 0 is the bottom (y = lo)."""
        n = self.settings.grid
        lo, hi = self.extent
        ticks = np.linspace(lo, hi, n)
        xx, yy = np.meshgrid(ticks, ticks)
        with np.errstate(all="ignore"):  # weights that are diverging give inf / nan: drawn white
            scores = self.net.forward_numpy(np.column_stack([xx.ravel(), yy.ravel()]))
        return scores.reshape(n, n)

    def caption(self) -> str:
        """One line: step, losses and accuracies now."""
        h = self.history
        return (
            f"step {self.steps} (epoch {max(self.epoch, 1)}): train loss {h['train'][-1]:.3f}, "
            f"test loss {h['test'][-1]:.3f}, test accuracy {h['test_acc'][-1]:.0%}"
        )

    # ---- drawing ----------------------------------------------------------------------

    def render_svg(self, size: int = 240) -> str:
        """The boundary heatmap with the points (left) and the loss curves (right), as one SVG."""
        width, height = 2 * size + 60, size + 30
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img">',
            f"<title>{html.escape(self.caption())}</title>",
        ]
        parts.append(self._svg_boundary(size))
        parts.append(self._svg_curves(size + 50, size))
        parts.append("</svg>")
        return "".join(parts)

    def _svg_boundary(self, size: int) -> str:
        png = base64.b64encode(heatmap_png(self.grid())).decode("ascii")
        out = [
            f'<image x="0" y="0" width="{size}" height="{size}" preserveAspectRatio="none" '
            f'href="data:image/png;base64,{png}"/>',
            f'<rect x="0" y="0" width="{size}" height="{size}" fill="none" stroke="#999"/>',
        ]
        lo, hi = self.extent
        scale = size / (hi - lo)
        # Each point is a zero-length line with round caps (a dot), drawn twice: a wider dot in the
        # edge colour (white: train, black: test), then the class colour on top. ~12 bytes a point.
        for points, labels, edge in (
            (self.X_train, self.y_train, "#fff"),
            (self.X_test, self.y_test, "#000"),
        ):
            for cls, colour in ((0, ORANGE), (1, BLUE)):
                dots = "".join(
                    f"M{(x1 - lo) * scale:.1f} {(hi - x2) * scale:.1f}h0"
                    for (x1, x2), label in zip(points, labels, strict=True)
                    if label == cls
                )
                if dots:
                    fill = "#{:02x}{:02x}{:02x}".format(*colour)
                    out.append(
                        f'<path d="{dots}" stroke="{edge}" stroke-width="7.5" stroke-linecap="round"/>'
                    )
                    out.append(f'<path d="{dots}" stroke="{fill}" stroke-width="5" stroke-linecap="round"/>')
        out.append(
            f'<text x="2" y="{size + 14}">{len(self.X_train)} train points (white edge), '
            f"{len(self.X_test)} test (black edge)</text>"
        )
        return "".join(out)

    def _svg_curves(self, left: int, size: int) -> str:
        h = self.history
        top, plot_w, plot_h = 16, size - 10, size - 46
        n = max(len(h["train"]) - 1, 10)
        y_max = max(max(h["train"]), max(h["test"]), 0.1)
        y_max = min(y_max, 5.0)

        def xy(k: int, loss: float) -> str:
            return f"{left + k * plot_w / n:.1f},{top + plot_h * (1 - min(loss, y_max) / y_max):.1f}"

        out = [
            f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" stroke="#999"/>',
            f'<text x="{left}" y="{top - 4}">loss (top of the box: {y_max:.2f})</text>',
            f'<text x="{left}" y="{top + plot_h + 13}">0</text>',
            f'<text x="{left + plot_w}" y="{top + plot_h + 13}" text-anchor="end">step {n}</text>',
        ]
        for name, colour, dash in (("train", "#888", ""), ("test", "#000", ' stroke-dasharray="4 2"')):
            series = h[name]
            stride = max(1, len(series) // 400)  # at most ~400 vertices per line
            picked = list(range(0, len(series), stride))
            if picked[-1] != len(series) - 1:
                picked.append(len(series) - 1)
            points = " ".join(xy(k, series[k]) for k in picked)
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"{dash}/>'
            )
        legend_y = top + plot_h + 27
        out.append(
            f'<text x="{left}" y="{legend_y}"><tspan fill="#666">train {h["train"][-1]:.3f}</tspan>'
            f' <tspan font-weight="bold">test {h["test"][-1]:.3f}</tspan>'
            f" (step {self.steps})</text>"
        )
        return "".join(out)

    def replay(self, at_steps: Sequence[int], size: int = 240) -> tuple[list[str], list[str]]:
        """Reset, train, and render a frame at each step count in ``at_steps`` (increasing)."""
        self.reset()
        frames, captions = [], []
        for target in at_steps:
            if target < self.steps:
                raise ValueError(f"at_steps must increase, got {list(at_steps)}")
            self.run(target - self.steps)
            frames.append(self.render_svg(size))
            captions.append(html.escape(self.caption()))
        return frames, captions


def heatmap_png(scores: np.ndarray) -> bytes:
    """Scores on a grid (row 0 at the bottom) as an RGB PNG: orange < 0 < blue, white at 0.

    The colour is interpolated by ``tanh(score)``, rounded to 1/32 so that tiny
    float differences cannot change a pixel. A minimal PNG encoder (zlib only).
    """
    t = np.round(np.tanh(np.nan_to_num(np.asarray(scores, dtype=float))) * 32) / 32  # NaN: white
    t = t[::-1]  # PNG rows go top to bottom
    white = np.array([255.0, 255.0, 255.0])
    blue, orange = np.array(BLUE, dtype=float), np.array(ORANGE, dtype=float)
    strength = np.abs(t)[..., None] * 0.75  # never fully saturated, so the points stand out
    target = np.where(t[..., None] > 0, blue, orange)
    rgb = np.round(white + (target - white) * strength).astype(np.uint8)
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[r].tobytes() for r in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# ---------------------------------------------------------------------------------------
# The live widget
# ---------------------------------------------------------------------------------------


class TrainingPlayground(widgets.VBox):
    """The controls, Reset / Run / Step, the picture and a status line, around one :class:`Playground`."""

    MAX_RUN_STEPS = 2000  # a Run stops by itself after this many steps

    def __init__(self, settings: Settings | None = None) -> None:
        self.playground = Playground(settings)
        s = self.playground.settings
        style = {"description_width": "7em"}
        wide = widgets.Layout(width="19em")
        self.dataset = widgets.Dropdown(options=DATASETS, value=s.dataset, description="dataset", style=style)
        self.noise = widgets.FloatSlider(
            value=s.noise,
            min=0.0,
            max=0.5,
            step=0.05,
            description="noise",
            style=style,
            layout=wide,
            continuous_update=False,
        )
        self.ratio = widgets.FloatSlider(
            value=s.train_fraction,
            min=0.1,
            max=0.9,
            step=0.1,
            description="train share",
            style=style,
            layout=wide,
            continuous_update=False,
        )
        self.layers = widgets.IntSlider(
            value=len(s.hidden),
            min=0,
            max=4,
            description="hidden layers",
            style=style,
            layout=wide,
            continuous_update=False,
        )
        self.neurons = widgets.IntSlider(
            value=max(s.hidden, default=4),
            min=1,
            max=16,
            description="neurons",
            style=style,
            layout=wide,
            continuous_update=False,
        )
        self.activation = widgets.Dropdown(
            options=ACTIVATIONS, value=s.activation, description="activation", style=style
        )
        self.batch = widgets.Dropdown(
            options=BATCH_SIZES,
            value=_nearest(BATCH_SIZES, s.batch_size),
            description="batch size",
            style=style,
        )
        self.lr = widgets.Dropdown(
            options=LEARNING_RATES,
            value=_nearest(LEARNING_RATES, s.lr),
            description="learning rate",
            style=style,
        )
        self.l2 = widgets.Dropdown(
            options=L2_RATES, value=_nearest(L2_RATES, s.l2), description="L2", style=style
        )
        self.reset_button = widgets.Button(description="↺ Reset", tooltip="new weights, step 0")
        self.run_button = widgets.ToggleButton(description="▶ Run", tooltip="train until pressed again")
        self.step_button = widgets.Button(description="Step", tooltip="one mini-batch update")
        self.picture = widgets.HTML()
        self.status = widgets.HTML()
        data_box = widgets.VBox([widgets.HTML("<b>data</b>"), self.dataset, self.noise, self.ratio])
        net_box = widgets.VBox([widgets.HTML("<b>network</b>"), self.layers, self.neurons, self.activation])
        train_box = widgets.VBox([widgets.HTML("<b>training</b>"), self.batch, self.lr, self.l2])
        buttons = widgets.HBox([self.reset_button, self.run_button, self.step_button])
        super().__init__(
            children=[widgets.HBox([data_box, net_box, train_box]), buttons, self.picture, self.status]
        )
        for control in (self.dataset, self.noise, self.ratio, self.layers, self.neurons, self.activation):
            control.observe(self._rebuild, names="value")
        for control in (self.batch, self.lr, self.l2):
            control.observe(self._retune, names="value")
        self.reset_button.on_click(lambda _: self._new_weights())
        self.step_button.on_click(lambda _: self._step())
        self.run_button.observe(self._toggle_run, names="value")
        self._task: asyncio.Task | None = None
        self._draw()

    def current_settings(self) -> Settings:
        """The settings the controls show now."""
        return replace(
            self.playground.settings,
            dataset=self.dataset.value,
            noise=round(self.noise.value, 2),
            train_fraction=round(self.ratio.value, 2),
            hidden=(self.neurons.value,) * self.layers.value,
            activation=self.activation.value,
            batch_size=self.batch.value,
            lr=self.lr.value,
            l2=self.l2.value,
        )

    def _rebuild(self, _change: Any = None) -> None:
        self.playground.settings = self.current_settings()
        self.playground.reset()
        self._draw()

    def _new_weights(self) -> None:
        """Reset: step 0 with newly drawn weights (the data stay)."""
        self.playground.settings = self.current_settings()
        self.playground.reset(new_weights=True)
        self._draw()

    def _retune(self, _change: Any = None) -> None:
        self.playground.configure(batch_size=self.batch.value, lr=self.lr.value, l2=self.l2.value)

    def _step(self) -> bool:
        """One step and a redraw; False (with the reason in the status line) when training diverged."""
        try:
            self.playground.step()
        except FloatingPointError as error:
            self.status.value = f"<b>{html.escape(str(error))}</b>"
            return False
        self._draw()
        return True

    def _draw(self) -> None:
        self.picture.value = self.playground.render_svg()
        self.status.value = html.escape(self.playground.caption())

    def _toggle_run(self, change: dict) -> None:
        if change["new"]:
            self.run_button.description = "⏸ Pause"
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (a plain script): run a fixed number of steps
                for _ in range(100):
                    if not self._step():
                        break
                self.run_button.value = False
                return
            self._task = loop.create_task(self._run_loop())
        else:
            self.run_button.description = "▶ Run"

    async def _run_loop(self) -> None:
        """Step and redraw until Pause, yielding to the kernel between steps so clicks get through.

        The loop runs between cells, while the kernel shows Idle and ignores
        Kernel › Interrupt (SIGINT); so while it runs it takes SIGINT itself,
        and an interrupt stops it like Pause.
        """
        interrupted = []
        previous = _catch_sigint(lambda *_: interrupted.append(True))
        try:
            for _ in range(self.MAX_RUN_STEPS):
                if not self.run_button.value or interrupted:
                    break
                if not self._step():
                    break
                await asyncio.sleep(0.01)
        finally:
            _restore_sigint(previous)
            self.run_button.value = False
        if interrupted:
            self.status.value = html.escape(f"Interrupted. {self.playground.caption()}")


def _catch_sigint(handler: Any) -> Any:
    """Install ``handler`` for SIGINT; return the previous handler (None where signals can't be set)."""
    try:
        return (signal.signal(signal.SIGINT, handler), handler)
    except ValueError:  # not the main thread: no signals here
        return None


def _restore_sigint(saved: Any) -> None:
    """Put back the handler :func:`_catch_sigint` replaced, unless someone replaced ours since."""
    if saved is not None and signal.getsignal(signal.SIGINT) is saved[1]:
        signal.signal(signal.SIGINT, saved[0])


def _nearest(options: Sequence[float], value: float) -> float:
    return min(options, key=lambda o: abs(o - value))


#: Step counts at which the book's replay shows a frame.
REPLAY_STEPS = (0, 5, 10, 20, 40, 70, 100, 150, 200, 300, 400)


def training_playground(
    settings: Settings | None = None, replay_steps: Sequence[int] = REPLAY_STEPS, **changes: Any
) -> Any:
    """The training playground: live controls in Jupyter; in the book, a replay of one run.

    ``training_playground(dataset="xor", hidden=(4, 4))`` starts from those
    settings (any field of :class:`Settings`). The static copy trains a fresh
    playground with the same settings and shows it at ``replay_steps``.
    """
    settings = replace(settings or Settings(), **changes)
    live = TrainingPlayground(settings)

    def static() -> dict[str, str]:
        svgs, captions = Playground(settings).replay(replay_steps)
        # each frame an <img> of its SVG: hidden frames then take no layout, and no ids can clash
        frames = [
            svg_image_tag(svg, html.unescape(caption)) for svg, caption in zip(svgs, captions, strict=True)
        ]
        s = settings
        title = (
            f"Training playground: {s.dataset}, noise {s.noise:g}, 2-{'-'.join(map(str, s.hidden))}-1 "
            f"{s.activation}, batch {s.batch_size}, lr {s.lr:g}, L2 {s.l2:g}"
        )
        player = frame_player(frames, captions, title=title, controls="step")
        return {"text/html": player + f"<p><em>{html.escape(RUN_NOTE)}</em></p>"}

    text = f"Training playground ({settings.dataset}); run the notebook to train it live."
    return with_static_fallback(live, static, text)
