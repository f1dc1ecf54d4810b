"""Optimizers: turn the gradients in ``p.grad`` into a step that changes ``p.data``.

The training loop is the same for every optimizer::

    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for step in range(100):
        loss = ...                # forward pass
        optimizer.zero_grad()     # grads accumulate, so clear them first
        loss.backward()           # fill in p.grad
        optimizer.step()          # update p.data

Every update rule is PyTorch's (``torch.optim.SGD``, ``Adam``, ``AdamW`` with their
default arguments' meaning), so numbers carry over one for one:

* :class:`SGD`: plain gradient descent, momentum (PyTorch's convention: the
  buffer is ``mu * buf + g``, not an average), Nesterov momentum, weight decay;
* :class:`Adam`: running averages of g and g**2 with bias correction, epsilon
  *outside* the square root; ``weight_decay`` adds ``wd * p`` to the gradient;
* :class:`AdamW`: Adam with *decoupled* weight decay, ``p -= lr * wd * p``
  before the Adam step;
* learning-rate schedules (:class:`LinearLR`, :class:`StepLR`,
  :class:`CosineAnnealingLR`, :class:`LambdaLR`): call ``scheduler.step()``
  after ``optimizer.step()``; each sets ``optimizer.lr`` for the next step.

``lr`` is a plain attribute, so a hand-written schedule works too
(``optimizer.lr = 1.0 - 0.9 * k / 100``). Parameters can be any objects with
``.data`` and ``.grad``: the scalar ``Value`` (floats) and the tensor engine's
parameters (NumPy or CuPy arrays) alike. The updates only use ``+ - * /`` and ``** 0.5``
and never modify an array in place (each step assigns a new ``p.data``), so the
same code serves both. A parameter whose grad is ``None`` is skipped, as in
PyTorch, and every piece of state (momentum buffer, Adam's averages and step
count) is kept per parameter, so a parameter whose first gradient arrives late
starts its own count then, as PyTorch's does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from numbers import Real
from typing import Any

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "Optimizer",
    "StepLR",
]


def _check_number(name: str, x: object, low: float, high: float = math.inf, high_ok: bool = True) -> float:
    """x as a float, or a clear error if it is not a number in [low, high] (or [low, high))."""
    if type(x) is not float:  # an int, a NumPy number, a Fraction...; a bool is not a number here
        if isinstance(x, bool) or not isinstance(x, Real):
            raise TypeError(f"{name} must be a number, got {type(x).__name__}: {x!r}")
        x = float(x)
    if not (low <= x <= high if high_ok else low <= x < high):  # (False for nan too)
        closing = "]" if high_ok else ")"
        raise ValueError(f"{name} must be in [{low}, {high}{closing}, got {x!r}")
    return x


def _check_lr(lr: object) -> float:
    """A learning rate given by the learner: a positive, finite number."""
    if isinstance(lr, bool) or not isinstance(lr, Real):
        raise TypeError(f"lr (the learning rate) must be a positive number, got {type(lr).__name__}: {lr!r}")
    if not (0.0 < float(lr) < math.inf):
        raise ValueError(f"lr (the learning rate) must be a positive number, got {lr!r}")
    return float(lr)


def _copy(x: Any) -> Any:
    """A copy of an array (so state never aliases a grad that may change in place); a number as it is.

    Anything that is not a number is taken for an array with ``.copy()``: a NumPy or a CuPy array.
    """
    return x if isinstance(x, Real) else x.copy()


def _zeros_like(x: Any) -> Any:
    """0.0 for a number, an array of zeros of the same shape, dtype and device for an array."""
    if isinstance(x, Real):
        return 0.0
    zeros = x.copy()
    zeros.fill(0)
    return zeros


class Optimizer:
    """Holds the parameters and their per-parameter ``state``; ``step()`` (in subclasses) updates them.

    ``params`` is any iterable of objects with ``.data`` and ``.grad`` (usually
    ``model.parameters()``); it is read once, so a generator works, but only a fresh one.
    """

    def __init__(self, params: Iterable[Any]) -> None:
        if hasattr(params, "parameters") and callable(params.parameters):
            raise TypeError(
                f"an optimizer takes the parameters, not the {type(params).__name__} itself: "
                "write SGD(model.parameters(), lr=...)"
            )
        if hasattr(params, "data") and hasattr(params, "grad"):
            raise TypeError(
                f"params must be an iterable of parameters, got a single {type(params).__name__}: "
                "write SGD([p], lr=...)"
            )
        try:
            self.params = list(params)
        except TypeError:
            raise TypeError(
                f"params must be an iterable of parameters (e.g. model.parameters()), "
                f"got {type(params).__name__}"
            ) from None
        if not self.params:
            raise ValueError(
                "the optimizer got no parameters: pass model.parameters() (a list, or a fresh "
                "generator; a generator that was already used up yields nothing)"
            )
        seen = set()
        for p in self.params:
            if not (hasattr(p, "data") and hasattr(p, "grad")):
                raise TypeError(
                    f"parameters must be Values or Tensors (with .data and .grad), got {type(p).__name__}"
                )
            if id(p) in seen:
                raise ValueError("a parameter appears more than once in the optimizer's parameters")
            seen.add(id(p))
        self.state: list[dict[str, Any]] = [{} for _ in self.params]
        self._lr = 1.0

    @property
    def lr(self) -> float:
        """The learning rate of the next step; set it by hand or with a schedule (any number >= 0)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _check_number("lr", value, 0.0)

    def zero_grad(self) -> None:
        """Clear the grads before the next ``backward()``: a Tensor's to ``None``, a Value's to 0.0.

        ``None`` is PyTorch's ``zero_grad()`` (``set_to_none=True``, its default):
        a parameter that the next loss does not use keeps ``grad = None`` and
        :meth:`step` leaves it alone (no momentum, no Adam step). A scalar
        ``Value`` always holds a number, so its grad becomes 0.0, and a Value
        the loss does not use is updated with a zero gradient (momentum and
        Adam's averages keep moving it); the two agree whenever every
        parameter takes part in the loss.
        """
        for p in self.params:
            if p.grad is not None:
                p.grad = 0.0 if isinstance(p.grad, Real) else None

    def _with_grads(self) -> Iterable[tuple[Any, Any, dict[str, Any]]]:
        """(parameter, its grad, its state) for every parameter that has a grad."""
        for p, state in zip(self.params, self.state, strict=True):
            if p.grad is not None:
                yield p, p.grad, state

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay.

    PyTorch's ``torch.optim.SGD``, step by step for each parameter p with gradient g::

        g = g + weight_decay * p                   # if weight_decay != 0 (L2 in the gradient)
        if momentum != 0:
            buf = g                                # on the first step
            buf = momentum * buf + (1 - dampening) * g   # on every later step
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g

    Without momentum this is plain gradient descent, ``p = p - lr * g``. With
    momentum mu the buffer is a running *sum* (not an average): a gradient that
    keeps its sign builds up speed, up to 1 / (1 - mu) times. Nesterov's version
    steps with the gradient plus the momentum of the step it is about to take.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params)
        self.lr = _check_lr(lr)
        self.momentum = _check_number("momentum", momentum, 0.0, 1.0, high_ok=False)
        self.dampening = _check_number("dampening", dampening, 0.0, 1.0)
        self.weight_decay = _check_number("weight_decay", weight_decay, 0.0)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False, got {nesterov!r}")
        if nesterov and (self.momentum == 0.0 or self.dampening != 0.0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0 (as in PyTorch)")
        self.nesterov = nesterov

    def step(self) -> None:
        """Update every parameter once, using its current grad."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        for p, g, state in self._with_grads():
            if wd != 0.0:
                g = g + wd * p.data
            if mu != 0.0:
                if "momentum_buffer" not in state:
                    buf = _copy(g)
                else:
                    buf = mu * state["momentum_buffer"] + (1.0 - self.dampening) * g
                state["momentum_buffer"] = buf
                g = g + mu * buf if self.nesterov else buf
            p.data = p.data - lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum plus a per-parameter step size.

    PyTorch's ``torch.optim.Adam``: each parameter keeps running averages of its
    gradient g and of g**2, both starting at 0; at step t = 1, 2, ...::

        g = g + weight_decay * p                 # if weight_decay != 0 (L2 in the gradient)
        m = beta1 * m + (1 - beta1) * g          # the average direction
        v = beta2 * v + (1 - beta2) * g**2       # the average squared size
        m_hat = m / (1 - beta1**t)               # bias correction: m and v start at 0
        v_hat = v / (1 - beta2**t)
        p = p - lr * m_hat / (sqrt(v_hat) + eps) # eps outside the square root

    so every parameter moves by about ``lr`` per step, whatever the scale of its
    gradient. t counts the steps of *this* parameter (those where it had a grad).
    (The code computes it in PyTorch's order: ``lr / (1 - beta1**t)``
    times ``m / (sqrt(v) / sqrt(1 - beta2**t) + eps)``; the same number up to rounding.)
    """

    decoupled = False  # AdamW sets True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params)
        self.lr = _check_lr(lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _check_number("beta1", betas[0], 0.0, 1.0, high_ok=False),
            _check_number("beta2", betas[1], 0.0, 1.0, high_ok=False),
        )
        self.eps = _check_number("eps", eps, 0.0)
        self.weight_decay = _check_number("weight_decay", weight_decay, 0.0)

    def step(self) -> None:
        """Update every parameter that has a grad once; each counts its own steps t (PyTorch's rule)."""
        beta1, beta2 = self.betas
        lr, wd = self.lr, self.weight_decay
        for p, g, state in self._with_grads():
            t = state.get("step", 0) + 1  # this parameter's steps: a late parameter starts at 1
            state["step"] = t
            if wd != 0.0:
                if self.decoupled:
                    p.data = p.data * (1.0 - lr * wd)  # AdamW: shrink p itself, before the step
                else:
                    g = g + wd * p.data  # Adam: L2 folded into the gradient
            if "m" not in state:  # m = v = 0 before the first step
                m = (1.0 - beta1) * g
                v = (1.0 - beta2) * (g * g)
            else:
                m = beta1 * state["m"] + (1.0 - beta1) * g
                v = beta2 * state["v"] + (1.0 - beta2) * (g * g)
            state["m"], state["v"] = m, v
            step_size = lr / (1.0 - beta1**t)
            denominator = v**0.5 / (1.0 - beta2**t) ** 0.5 + self.eps
            p.data = p.data - step_size * (m / denominator)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), PyTorch's ``torch.optim.AdamW``.

    Before the Adam step, each parameter shrinks by itself::

        p = p - lr * weight_decay * p            # i.e. p * (1 - lr * weight_decay)

    and the gradient stays untouched. In ``Adam(weight_decay=...)`` the decay is
    added to g and then divided by sqrt(v_hat) like the rest of the gradient, so
    parameters with large gradients are barely decayed; here every parameter
    decays at the same rate. PyTorch's default weight_decay for AdamW is 0.01.
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)


# ---------------------------------------------------------------------------
# Learning-rate schedules
# ---------------------------------------------------------------------------


class LRScheduler:
    """Sets ``optimizer.lr`` from a formula of the step count k, like ``torch.optim.lr_scheduler``.

    On creation it records the optimizer's lr as ``base_lr`` and sets ``lr_at(0)``;
    each ``step()`` (call it after ``optimizer.step()``) adds 1 to k and sets ``lr_at(k)``.
    Subclasses define :meth:`factor`; the lr is ``base_lr * factor(k)``.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"a schedule needs an optimizer (SGD, Adam, ...), got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0
        optimizer.lr = self.lr_at(0)

    def factor(self, k: int) -> float:
        raise NotImplementedError

    def lr_at(self, k: int) -> float:
        """The learning rate this schedule gives step k (k = 0 is the first step)."""
        return self.base_lr * self.factor(k)

    def step(self) -> None:
        """Move to the next step: k += 1 and ``optimizer.lr = lr_at(k)``."""
        self.last_epoch += 1
        self.optimizer.lr = self.lr_at(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        """The lr of the optimizer now, in a list (PyTorch's form: one entry per parameter group)."""
        return [self.optimizer.lr]


def _check_count(name: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")
    return n


class LinearLR(LRScheduler):
    """lr = base_lr * (start_factor + (end_factor - start_factor) * min(k, total_iters) / total_iters).

    ``torch.optim.lr_scheduler.LinearLR``. The reference micrograd demo's schedule,
    lr = 1.0 - 0.9 * k / 100, is ``LinearLR(SGD(..., lr=1.0), 1.0, 0.1, 100)``.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ) -> None:
        self.start_factor = _check_number("start_factor", start_factor, 0.0)
        if self.start_factor == 0.0:
            raise ValueError("start_factor must be > 0 (the first step would not move)")
        self.end_factor = _check_number("end_factor", end_factor, 0.0)
        self.total_iters = _check_count("total_iters", total_iters)
        super().__init__(optimizer)

    def factor(self, k: int) -> float:
        progress = min(k, self.total_iters) / self.total_iters
        return self.start_factor + (self.end_factor - self.start_factor) * progress


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (k // step_size): drop by a factor gamma every step_size steps."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = _check_count("step_size", step_size)
        self.gamma = _check_number("gamma", gamma, 0.0)
        super().__init__(optimizer)

    def factor(self, k: int) -> float:
        return self.gamma ** (k // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * k / T_max)) / 2.

    Half a cosine wave from base_lr at k = 0 down to eta_min at k = T_max
    (``torch.optim.lr_scheduler.CosineAnnealingLR``'s closed form).
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803
        self.T_max = _check_count("T_max", T_max)
        self.eta_min = _check_number("eta_min", eta_min, 0.0)
        super().__init__(optimizer)

    def lr_at(self, k: int) -> float:
        return self.eta_min + (self.base_lr - self.eta_min) * (1.0 + math.cos(math.pi * k / self.T_max)) / 2.0

    def factor(self, k: int) -> float:
        return self.lr_at(k) / self.base_lr


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(k), for any function of the step count k."""

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float]) -> None:
        if not callable(lr_lambda):
            raise TypeError(f"lr_lambda must be a function of the step k, got {type(lr_lambda).__name__}")
        self.lr_lambda = lr_lambda
        super().__init__(optimizer)

    def factor(self, k: int) -> float:
        return self.lr_lambda(k)
