"""The edge cases of the tensor engine, the losses and the optimizers, against PyTorch itself.

The other tests check these cases against PyTorch's documented formulas; this one
runs PyTorch (the Python of ``tests/torch_snippets.py``: ``$MICROGRAD_TORCH_PYTHON``,
else ``.venv-torch/bin/python`` from ``scripts/torch_env.sh``) and compares the numbers.
Skipped, loudly, without that Python; a failure under ``MICROGRAD_REQUIRE_TORCH=1``.
"""

from __future__ import annotations

import os
import warnings

import pytest

from tests import torch_snippets

COMPARISONS = """\
import math
import numpy as np
import torch
import torch.nn.functional as F

from micrograd import losses, tensor_nn
from micrograd.engine import Value
from micrograd.optim import SGD, Adam, AdamW
from micrograd.tensor import Tensor

results = {}


def close(a, b, rtol=1e-12):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.allclose(a, b, rtol=rtol, atol=0, equal_nan=True))


# Adam and AdamW count steps per parameter: one parameter's first gradient arrives at step 3
for ours_cls, torch_cls, wd in ((Adam, torch.optim.Adam, 0.1), (AdamW, torch.optim.AdamW, 0.3)):
    early_g = [0.5, -0.3, 0.8, 0.1, -0.6, 0.4]
    late_g = [None, None, 2.0, -1.0, 0.5, 1.5]
    ours = [Value(1.0), Value(-2.0)]
    theirs = [torch.tensor(1.0, dtype=torch.float64, requires_grad=True),
              torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)]
    opt_o = ours_cls(ours, lr=0.1, weight_decay=wd)
    opt_t = torch_cls(theirs, lr=0.1, weight_decay=wd)
    for ge, gl in zip(early_g, late_g):
        ours[0].grad, ours[1].grad = ge, gl
        theirs[0].grad = torch.tensor(ge, dtype=torch.float64)
        theirs[1].grad = None if gl is None else torch.tensor(gl, dtype=torch.float64)
        opt_o.step()
        opt_t.step()
    results[f"{ours_cls.__name__} late parameter"] = close([p.data for p in ours], [p.item() for p in theirs])

# zero_grad: a parameter the loss stops using stays where it is (momentum included)
used_o, unused_o = Tensor([1.0, 2.0]), Tensor([3.0])
used_t = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
unused_t = torch.tensor([3.0], dtype=torch.float64, requires_grad=True)
opt_o = SGD([used_o, unused_o], lr=0.1, momentum=0.9)
opt_t = torch.optim.SGD([used_t, unused_t], lr=0.1, momentum=0.9)
(used_o * used_o + unused_o).sum().backward()
(used_t * used_t + unused_t).sum().backward()
opt_o.step()
opt_t.step()
for _ in range(3):
    opt_o.zero_grad()
    opt_t.zero_grad()
    (used_o * used_o).sum().backward()
    (used_t * used_t).sum().backward()
    opt_o.step()
    opt_t.step()
results["zero_grad and an unused parameter"] = (
    close(used_o.data, used_t.detach().numpy()) and close(unused_o.data, unused_t.detach().numpy())
)

# binary cross-entropy of probabilities at the extremes: the value and PyTorch's clamped gradient
for p, y in ((0.0, 1.0), (1.0, 0.0), (1e-50, 1.0), (1.0 - 2**-50, 0.0), (1.0, 1.0), (0.3, 1.0), (0.3, 0.25)):
    v = Value(p)
    loss = losses.binary_cross_entropy([v], [y])
    loss.backward()
    pt = torch.tensor([p], dtype=torch.float64, requires_grad=True)
    lt = F.binary_cross_entropy(pt, torch.tensor([y], dtype=torch.float64))
    lt.backward()
    results[f"BCE p={p!r} y={y}"] = close(loss.data, lt.item()) and close(v.grad, pt.grad.item(), rtol=1e-9)

# binary cross-entropy from logits at |z| = 1000, in float64 and float32
for dtype, tdtype in ((np.float64, torch.float64), (np.float32, torch.float32)):
    z = np.array([-1000.0, -800.0, 0.5, 800.0, 1000.0], dtype=dtype)
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0], dtype=dtype)
    zo = Tensor(z)
    lo = tensor_nn.binary_cross_entropy_with_logits(zo, y)
    lo.backward()
    zt = torch.tensor(z, requires_grad=True)
    lt = F.binary_cross_entropy_with_logits(zt, torch.tensor(y))
    lt.backward()
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    results[f"BCE with logits {dtype.__name__}"] = (
        close(lo.item(), lt.item(), rtol) and close(zo.grad, zt.grad.numpy(), rtol) and lo.dtype == dtype
    )

# logsumexp of a row of -inf (and a row with +inf)
rows = np.array([[-np.inf, -np.inf], [0.0, 1.0], [np.inf, 0.0]])
results["logsumexp of -inf"] = close(
    Tensor(rows).logsumexp(axis=1).data, torch.logsumexp(torch.tensor(rows), dim=1).numpy()
)

# a**0 at 0, sigmoid and tanh far out, 1-D @ 1-D
a = Tensor([0.0, 2.0])
(a**0).sum().backward()
at = torch.tensor([0.0, 2.0], dtype=torch.float64, requires_grad=True)
(at**0).sum().backward()
results["a**0 at 0"] = close(a.grad, at.grad.numpy())
# (moderate x: far out PyTorch's 1 - t**2 and y * (1 - y) cancel to 0, where ours stay accurate)
x = np.array([-5.0, -1.0, 0.5, 2.0, 5.0])
for name in ("sigmoid", "tanh"):
    xo = Tensor(x)
    getattr(xo, name)().sum().backward()
    xt = torch.tensor(x, requires_grad=True)
    getattr(torch, name)(xt).sum().backward()
    results[f"{name} slope"] = close(xo.grad, xt.grad.numpy(), rtol=1e-10)
u, w = Tensor([1.0, 2.0, 3.0]), Tensor([4.0, 5.0, 6.0])
(u @ w).backward()
ut = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
wt = torch.tensor([4.0, 5.0, 6.0], dtype=torch.float64, requires_grad=True)
(ut @ wt).backward()
results["1-D @ 1-D"] = close(u.grad, ut.grad.numpy()) and close(w.grad, wt.grad.numpy())

for name, ok in results.items():
    print(f"{name}: {ok}")
"""


def test_edge_cases_agree_with_pytorch():
    try:
        _, results = torch_snippets.run_groups([[COMPARISONS]])
    except torch_snippets.NoTorch as error:
        reason = f"PYTORCH COMPARISON NOT RUN: {error}. Run scripts/torch_env.sh to check it."
        if os.environ.get("MICROGRAD_REQUIRE_TORCH") == "1":
            pytest.fail(reason + " (MICROGRAD_REQUIRE_TORCH=1)")
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    (result,) = results[0]
    assert result["error"] is None, result["error"]
    lines = result["output"].strip().splitlines()
    assert len(lines) == 17, lines  # every comparison ran
    failed = [line for line in lines if not line.endswith(": True")]
    assert not failed, failed
