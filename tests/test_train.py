"""micrograd.train (chapter 11): predictions without a graph, decision grids, the progress bar."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest

from micrograd.engine import Value, is_grad_enabled
from micrograd.nn import MLP
from micrograd.train import BAR_FORMAT, decision_grid, plot_decision_boundary, predict, progress


def _mlp(sizes, seed=0):
    random.seed(seed)
    return MLP(2, sizes)


def test_predict_gives_floats_and_records_no_graph():
    """[ch11] One float per input (a list per input for k outputs), computed with recording off."""
    model = _mlp([4, 1])
    X = [[0.5, -1.0], [1.0, 2.0]]
    assert predict(model, X) == [model(x).data for x in X]
    assert is_grad_enabled()  # switched back on afterwards
    model3 = _mlp([4, 3])
    out = predict(model3, X)
    assert len(out) == 2 and all(len(row) == 3 and all(type(v) is float for v in row) for row in out)


def test_predict_builds_no_graph():
    """[ch11] Inside predict, the model's output has no parents."""
    model = _mlp([4, 1])
    seen = []
    original = model.__call__

    class Spy:
        def __call__(self, x):
            out = original(x)
            seen.append(out._prev)
            return out

    predict(Spy(), [[0.1, 0.2]])
    assert seen == [()]


def test_decision_grid_covers_the_data():
    """[ch11] The grid spans the data plus the margin; Z[j, i] is the score at (xs[i], ys[j])."""
    model = _mlp([3, 1])
    X = [[-1.0, 0.0], [2.0, 1.0]]
    xs, ys, Z = decision_grid(model, X, resolution=5, margin=0.5)
    assert xs[0] == -1.5 and xs[-1] == 2.5 and ys[0] == -0.5 and ys[-1] == 1.5
    assert Z.shape == (5, 5)
    assert Z[1, 3] == pytest.approx(model([float(xs[3]), float(ys[1])]).data)
    _, _, classes = decision_grid(_mlp([3, 3]), X, resolution=4)
    assert set(np.unique(classes)) <= {0.0, 1.0, 2.0}
    with pytest.raises(ValueError, match="2-D points"):
        decision_grid(model, [[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="resolution"):
        decision_grid(model, X, resolution=1)


def test_plot_decision_boundary_draws(tmp_path):
    """[ch11] Binary and multi-class boundaries draw without error."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = [[random.uniform(-1, 1), random.uniform(-1, 1)] for _ in range(10)]
    ax = plot_decision_boundary(_mlp([4, 1]), X, [-1, 1] * 5, resolution=10, title="t")
    assert ax.get_title() == "t"
    plot_decision_boundary(_mlp([4, 3]), X, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], resolution=10)
    plt.close("all")


def test_progress_text_has_no_timings():
    """[ch11] Outside Jupyter the bar is text: the count and the postfix, never a time or a rate."""
    out = io.StringIO()
    bar = progress(range(3), desc="training", file=out)
    for _ in bar:
        bar.set_postfix(loss=0.5)
    bar.close()
    text = out.getvalue()
    assert "3/3" in text and "loss=0.5" in text
    assert "it/s" not in text and "<" not in text
    assert "elapsed" not in BAR_FORMAT and "rate" not in BAR_FORMAT


def test_check_finite_names_the_step_of_a_diverged_loss():
    """[ch11] A NaN or infinite loss stops the loop with the step; a finite one comes back as a float."""
    from micrograd.tensor import Tensor
    from micrograd.train import check_finite

    assert check_finite(Value(0.25), 3) == 0.25
    assert check_finite(Tensor([[0.5]]), 4) == 0.5
    for loss in (Value(float("nan")), Tensor(float("inf")), float("-inf")):
        with pytest.raises(FloatingPointError, match="training diverged at step 12: the loss is -?(nan|inf)"):
            check_finite(loss, 12)
    with pytest.raises(TypeError, match="one number"):
        check_finite(Tensor([1.0, 2.0]), 1)


def test_a_diverging_loop_stops_at_the_step_where_the_loss_became_inf():
    """[ch11] Gradient descent on x**4 with a step too large: x explodes; the loop stops at the first inf."""
    from micrograd.tensor import Tensor
    from micrograd.train import check_finite

    x = Tensor([3.0])
    losses = []
    diverged = pytest.raises(FloatingPointError, match="step 6: the loss is inf")
    with np.errstate(all="ignore"), diverged as caught:
        for k in range(1, 100):
            loss = (x**4).sum()
            losses.append(float(loss.data))
            check_finite(loss, k)
            x.grad = None
            loss.backward()
            x.data = x.data - 1.0 * x.grad
    assert np.isfinite(losses[:5]).all() and losses[5] == np.inf
    assert "lower the learning rate" in str(caught.value)
