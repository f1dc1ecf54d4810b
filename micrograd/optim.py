"""Optimizers: turn the gradients in ``p.grad`` into a step that changes ``p.data``.

The training loop is the same for every optimizer::

    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for step in range(100):
        loss = ...                # forward pass
        optimizer.zero_grad()     # grads accumulate, so clear them first
        loss.backward()           # fill in p.grad
        optimizer.step()          # update p.data

``lr`` is a plain attribute: change it between steps for a learning-rate
schedule (``optimizer.lr = 1.0 - 0.9 * k / 100``). Parameters can be any
objects with ``.data`` and ``.grad`` (so the notebooks' own ``Value`` works too).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real
from typing import Any

from micrograd.engine import zero_grad


def _check_number(name: str, x: object, low: float, high: float = math.inf, high_ok: bool = True) -> float:
    """x as a float, or a clear error if it is not a number in [low, high] (or [low, high))."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{name} must be a number, got {type(x).__name__}: {x!r}")
    x = float(x)
    if not (low <= x <= high if high_ok else low <= x < high) or math.isnan(x):
        closing = "]" if high_ok else ")"
        raise ValueError(f"{name} must be in [{low}, {high}{closing}, got {x!r}")
    return x


class Optimizer:
    """Holds the parameters; ``zero_grad()`` clears their grads, ``step()`` (in subclasses) updates them."""

    def __init__(self, params: Iterable[Any]) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimizer got no parameters (did you pass model.parameters()?)")
        for p in self.params:
            if not (hasattr(p, "data") and hasattr(p, "grad")):
                raise TypeError(f"parameters must be Values (with .data and .grad), got {type(p).__name__}")

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0."""
        zero_grad(self.params)

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum.

    Without momentum:  ``p = p - lr * grad``.

    With momentum mu (the convention PyTorch uses), each parameter keeps a
    velocity v, starting at 0::

        v = mu * v + grad
        p = p - lr * v

    so a gradient that keeps its sign builds up speed (up to 1 / (1 - mu) times).
    """

    def __init__(self, params: Iterable[Any], lr: float, momentum: float = 0.0) -> None:
        super().__init__(params)
        self.lr = _check_number("lr", lr, 0.0)
        self.momentum = _check_number("momentum", momentum, 0.0, 1.0, high_ok=False)
        self.velocities = [0.0] * len(self.params)

    def step(self) -> None:
        """Update every parameter once, using its current grad."""
        lr, mu = self.lr, self.momentum
        if mu == 0.0:
            for p in self.params:
                p.data -= lr * p.grad
            return
        for i, p in enumerate(self.params):
            self.velocities[i] = mu * self.velocities[i] + p.grad
            p.data -= lr * self.velocities[i]


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum plus a per-parameter step size.

    Each parameter keeps running averages of its gradient g and of g**2; at step t::

        m = beta1 * m + (1 - beta1) * g          # the average direction
        v = beta2 * v + (1 - beta2) * g**2       # the average squared size
        m_hat = m / (1 - beta1**t)               # corrects the start at m = v = 0
        v_hat = v / (1 - beta2**t)
        p = p - lr * m_hat / (sqrt(v_hat) + eps)

    so every parameter moves by about ``lr`` per step, whatever the scale of its gradient.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params)
        self.lr = _check_number("lr", lr, 0.0)
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _check_number("beta1", betas[0], 0.0, 1.0, high_ok=False),
            _check_number("beta2", betas[1], 0.0, 1.0, high_ok=False),
        )
        self.eps = _check_number("eps", eps, 0.0)
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """Update every parameter once, using its current grad."""
        beta1, beta2 = self.betas
        self.t += 1
        correction1 = 1.0 - beta1**self.t
        correction2 = 1.0 - beta2**self.t
        for i, p in enumerate(self.params):
            g = p.grad
            self.m[i] = beta1 * self.m[i] + (1.0 - beta1) * g
            self.v[i] = beta2 * self.v[i] + (1.0 - beta2) * g * g
            m_hat = self.m[i] / correction1
            v_hat = self.v[i] / correction2
            p.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)
