"""Helpers around a training loop: predictions without a graph, decision boundaries, a progress bar.

The training loop itself stays in the learner's hands (chapter 11 writes it
out); these are the parts around it that every loop needs and nobody wants
to write twice:

* :func:`predict` runs a model on many inputs inside :func:`micrograd.engine.no_grad`,
  so no graph is recorded: a forward pass for *looking* at a model (accuracy on
  a test set, a decision boundary) costs no memory for backpropagation;
* :func:`decision_grid` evaluates a 2-input model on a grid of points, and
  :func:`plot_decision_boundary` draws the result with the data on top;
* :func:`check_finite` stops a training loop whose loss became NaN or infinite
  (the weights diverged) with a message naming the step, instead of training
  on NaN in silence;
* :func:`progress` is a ``tqdm.auto`` progress bar (a widget in Jupyter, text
  elsewhere) whose text has no timings, so a notebook's stored output is the
  same on every run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from micrograd.engine import Value, no_grad

__all__ = ["BAR_FORMAT", "check_finite", "decision_grid", "plot_decision_boundary", "predict", "progress"]


def predict(model: Any, X: Sequence[Sequence[float]]) -> list:
    """The model's outputs on every input, as plain floats, without recording a graph.

    A model with one output gives one float per input; a model with k outputs
    gives a list of k floats per input. Inside ``no_grad()`` the operations
    keep no parents and no local derivatives, so nothing is kept for a
    ``backward()`` that will never come (as ``torch.no_grad()`` in PyTorch).
    """
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise TypeError(f"predict: X must be a list of inputs, got {type(X).__name__}")
    outputs: list = []
    with no_grad():
        for x in X:
            out = model(list(x))
            outputs.append(out.data if isinstance(out, Value) else [o.data for o in out])
    return outputs


def check_finite(loss: Any, step: int, hint: str = "lower the learning rate and start again") -> float:
    """The loss as a float, or ``FloatingPointError`` naming ``step`` if it is NaN or infinite.

    ``loss`` is a ``Value``, a one-entry ``Tensor`` or a number. Once a loss is
    NaN every gradient and every weight it touches becomes NaN too, and training
    goes on producing NaN without a word; call this in the loop, after the forward pass::

        loss = ...
        check_finite(loss, k)   # FloatingPointError: training diverged at step 12: the loss is nan ...
    """
    value = getattr(loss, "data", loss)
    try:
        value = float(value.item() if hasattr(value, "item") else value)
    except (TypeError, ValueError):
        raise TypeError(f"check_finite: the loss must be one number, got {type(loss).__name__}") from None
    if not math.isfinite(value):
        raise FloatingPointError(
            f"training diverged at step {step}: the loss is {value} (the steps were too large and "
            f"the weights grew until the arithmetic overflowed); {hint}"
        )
    return value


def decision_grid(
    model: Any,
    X: Sequence[Sequence[float]],
    resolution: int = 40,
    margin: float = 0.25,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate a 2-input model on a ``resolution`` x ``resolution`` grid covering the data.

    The grid spans the points of ``X`` plus ``margin`` on every side. Returns
    ``(xs, ys, Z)``: the grid's x and y coordinates (1-D) and ``Z[j, i]``, the
    model's output at ``(xs[i], ys[j])`` -- a score for a one-output model, or
    the predicted class (the argmax) for a model with several outputs.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"decision_grid: resolution must be an int >= 2, got {resolution!r}")
    points = np.asarray(X, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"decision_grid needs 2-D points (a list of [x1, x2]), got shape {points.shape}")
    (x_lo, y_lo), (x_hi, y_hi) = points.min(axis=0) - margin, points.max(axis=0) + margin
    xs = np.linspace(x_lo, x_hi, resolution)
    ys = np.linspace(y_lo, y_hi, resolution)
    grid = [[float(x), float(y)] for y in ys for x in xs]
    outputs = predict(model, grid)
    if outputs and isinstance(outputs[0], list):
        outputs = [int(np.argmax(row)) for row in outputs]
    return xs, ys, np.asarray(outputs, dtype=float).reshape(resolution, resolution)


def plot_decision_boundary(
    model: Any,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    ax: Any = None,
    resolution: int = 40,
    title: str = "",
) -> Any:
    """Draw what the model predicts over the plane, and the data points on top; return the axes.

    One output: the region where the score is > 0 is one colour, < 0 the
    other, and the line score = 0 is the *decision boundary*. Several
    outputs: each predicted class gets its colour.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3.6))
    xs, ys, Z = decision_grid(model, X, resolution)
    points = np.asarray(X, dtype=float)
    labels = np.asarray(y)
    colours = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"]
    multiclass = isinstance(predict(model, [points[0]])[0], list)
    if multiclass:
        k = int(max(labels.max(), Z.max())) + 1
        ax.contourf(xs, ys, Z, levels=np.arange(k + 1) - 0.5, cmap=ListedColormap(colours[:k]), alpha=0.25)
        point_colours = [colours[int(c) % len(colours)] for c in labels]
    else:
        ax.contourf(xs, ys, Z > 0, levels=[-0.5, 0.5, 1.5], cmap=ListedColormap(colours[:2]), alpha=0.25)
        ax.contour(xs, ys, Z, levels=[0.0], colors="k", linewidths=1)
        point_colours = [colours[1] if c > 0 else colours[0] for c in labels]
    ax.scatter(points[:, 0], points[:, 1], c=point_colours, s=14, edgecolors="k", linewidths=0.4)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax


#: The progress bar's text: the bar, the count and the postfix, but no times or rates
#: (they change from run to run and would make the notebook's stored output differ).
BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}{postfix}"


def progress(iterable: Iterable, desc: str = "training", total: int | None = None, **kwargs: Any) -> Any:
    """``tqdm.auto.tqdm(iterable)`` with a deterministic text: a bar, the count, the postfix.

    In Jupyter it is a widget (``tqdm.notebook``), elsewhere text on stderr.
    Update its postfix with ``bar.set_postfix(loss=..., acc=...)``.
    """
    from tqdm.auto import tqdm

    kwargs.setdefault("bar_format", BAR_FORMAT)
    kwargs.setdefault("mininterval", 0.2)
    return tqdm(iterable, desc=desc, total=total, **kwargs)
