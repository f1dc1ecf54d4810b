"""Chapter 10 — Optimizers."""

from __future__ import annotations

import math

from micrograd.exercises.core import Exercise, expect_close, expect_close_sequence, register

# ---- 10.1 one step of SGD with momentum (PyTorch's convention) ------------------


def momentum_step(
    p: float,
    grad: float,
    buf: float | None,
    lr: float,
    momentum: float,
) -> tuple[float, float]:
    """One step of SGD with momentum for one parameter, as in torch.optim.SGD.

    buf = grad on the first step (buf is None), else momentum * buf + grad;
    then p = p - lr * buf. Returns (new p, new buf).
    """
    buf = grad if buf is None else momentum * buf + grad
    return p - lr * buf, buf


_MOMENTUM_CASES = [  # (p, grad, buf, lr, momentum)
    (1.0, 0.5, None, 0.1, 0.9),
    (0.95, 0.5, 0.5, 0.1, 0.9),
    (0.855, -1.0, 0.95, 0.1, 0.9),
    (2.0, 3.0, -1.0, 0.01, 0.0),
    (0.0, 2.0, None, 0.5, 0.5),
    (-1.0, 0.25, 4.0, 0.2, 0.99),
]


def _check_momentum_step(answer) -> None:
    for p, grad, buf, lr, momentum in _MOMENTUM_CASES:
        case = f"momentum_step(p={p}, grad={grad}, buf={buf}, lr={lr}, momentum={momentum})"
        expected = momentum_step(p, grad, buf, lr, momentum)
        got = answer(p, grad, buf, lr, momentum)
        expect_close_sequence(got, expected, f"{case} (returns (new p, new buf))", rel=1e-12, abs_tol=1e-15)


def _momentum_by_package(p, grad, buf, lr, momentum):  # the package's SGD takes the step
    from micrograd.engine import Value
    from micrograd.optim import SGD

    v = Value(p)
    v.grad = grad
    SGD([v], lr=lr, momentum=momentum).step()
    return v.data, grad


register(
    Exercise(
        id="10.1",
        title="one step of SGD with momentum",
        checker=_check_momentum_step,
        reference=momentum_step,
        shortcuts={
            "micrograd.optim.SGD": _momentum_by_package,
        },
        hints=[
            "First the buffer, then the parameter. On the first step (buf is None) the buffer is just grad.",
            "PyTorch's buffer is a running sum, not an average: buf = momentum * buf + grad.",
            "buf = grad if buf is None else momentum * buf + grad; return p - lr * buf, buf",
        ],
        wrong_answers=[
            # an exponential average, as in Adam's m: (1 - momentum) * grad
            lambda p, g, b, lr, mu: (
                p - lr * (mu * (b or 0.0) + (1 - mu) * g),
                mu * (b or 0.0) + (1 - mu) * g,
            ),
            # steps with the old buffer, then updates it
            lambda p, g, b, lr, mu: (p - lr * (g if b is None else b), g if b is None else mu * b + g),
            # the learning rate inside the buffer (Sutskever's form): a different buf
            lambda p, g, b, lr, mu: (
                p - (lr * g if b is None else mu * b + lr * g),
                lr * g if b is None else mu * b + lr * g,
            ),
            # up the slope instead of down
            lambda p, g, b, lr, mu: (
                p + lr * (g if b is None else mu * b + g),
                g if b is None else mu * b + g,
            ),
        ],
    )
)

# ---- 10.2 one Adam step, with bias correction -----------------------------------


def adam_step(
    p: float,
    grad: float,
    m: float,
    v: float,
    t: int,
    lr: float = 0.001,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[float, float, float]:
    """Adam's step number t (1 for the first) for one parameter.

    m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t);  v_hat = v / (1 - beta2**t)
    p = p - lr * m_hat / (sqrt(v_hat) + eps), eps outside the square root.
    Returns (new p, new m, new v).
    """
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return p - lr * m_hat / (math.sqrt(v_hat) + eps), m, v


_ADAM_CASES = [  # (p, grad, m, v, t, lr, beta1, beta2, eps)
    (1.0, 0.5, 0.0, 0.0, 1, 0.1, 0.9, 0.999, 1e-8),
    (0.9, -1.0, 0.05, 0.00025, 2, 0.1, 0.9, 0.999, 1e-8),
    (1.0, 1e-8, 0.0, 0.0, 1, 0.1, 0.9, 0.999, 1e-8),  # a tiny gradient: eps matters
    (-2.0, 3.0, 0.4, 2.5, 10, 0.01, 0.9, 0.999, 1e-8),
    (0.5, -0.2, 0.1, 0.05, 3, 0.05, 0.5, 0.9, 1e-6),
]


def _check_adam_step(answer) -> None:
    for p, grad, m, v, t, lr, beta1, beta2, eps in _ADAM_CASES:
        case = f"adam_step({p}, {grad}, {m}, {v}, {t}, {lr}, {beta1}, {beta2}, {eps})"
        expected = adam_step(p, grad, m, v, t, lr, beta1, beta2, eps)
        got = answer(p, grad, m, v, t, lr, beta1, beta2, eps)
        expect_close_sequence(
            got, expected, f"{case} (returns (new p, new m, new v))", rel=1e-9, abs_tol=1e-15
        )


def _no_correction(p, g, m, v, t, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g**2
    return p - lr * m / (math.sqrt(v) + eps), m, v


def _eps_inside(p, g, m, v, t, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g**2
    return p - lr * (m / (1 - b1**t)) / math.sqrt(v / (1 - b2**t) + eps), m, v


def _next_t(p, g, m, v, t, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    return adam_step(p, g, m, v, t + 1, lr, b1, b2, eps)  # counts the step twice


def _no_sqrt(p, g, m, v, t, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g**2
    return p - lr * (m / (1 - b1**t)) / (v / (1 - b2**t) + eps), m, v


def _adamw_by_package(p, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):  # AdamW, no decay
    from micrograd.engine import Value
    from micrograd.optim import AdamW

    x = Value(p)
    x.grad = grad
    AdamW([x], lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=0.0).step()
    return x.data, m, v


def _adam_by_package(p, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):  # the package's Adam
    from micrograd.engine import Value
    from micrograd.optim import Adam

    x = Value(p)
    x.grad = grad
    Adam([x], lr=lr, betas=(beta1, beta2), eps=eps).step()
    return x.data, m, v


register(
    Exercise(
        id="10.2",
        title="one Adam step, with bias correction",
        checker=_check_adam_step,
        reference=adam_step,
        shortcuts={
            "micrograd.optim.Adam": _adam_by_package,
            "micrograd.optim.AdamW": _adamw_by_package,
        },
        hints=[
            "Update the two averages first: m with grad (weight 1 - beta1), v with grad**2 (1 - beta2).",
            "Bias correction divides by 1 - beta**t, t the step number: at t = 1, m_hat is exactly grad.",
            "The step is lr * m_hat / (sqrt(v_hat) + eps): eps is added after the square root, not inside.",
        ],
        wrong_answers=[_no_correction, _eps_inside, _next_t, _no_sqrt],
    )
)

# ---- 10.3 a cosine learning-rate schedule ---------------------------------------


def cosine_lr(
    k: int,
    base_lr: float,
    total: int,
    min_lr: float = 0.0,
) -> float:
    """Step k's learning rate: half a cosine from base_lr down to min_lr.

    lr = min_lr + (base_lr - min_lr) * (1 + cos(pi * k / total)) / 2,
    base_lr at k = 0 and min_lr at k = total (torch's CosineAnnealingLR).
    """
    wave = (1 + math.cos(math.pi * k / total)) / 2  # from 1 down to 0
    return min_lr + (base_lr - min_lr) * wave


_COSINE_CASES = [  # (k, base_lr, total, min_lr)
    (0, 0.1, 100, 0.0),
    (50, 0.1, 100, 0.0),
    (100, 0.1, 100, 0.0),
    (25, 1.0, 100, 0.0),
    (10, 0.5, 40, 0.1),
    (40, 0.5, 40, 0.1),
    (3, 2.0, 7, 0.25),
]


def _check_cosine(answer) -> None:
    for k, base_lr, total, min_lr in _COSINE_CASES:
        case = f"cosine_lr(k={k}, base_lr={base_lr}, total={total}, min_lr={min_lr})"
        expected = cosine_lr(k, base_lr, total, min_lr)
        expect_close(answer(k, base_lr, total, min_lr), expected, case, rel=1e-9, abs_tol=1e-12)


def _cosine_by_package(k, base_lr, total, min_lr=0.0):  # the package's schedule
    from micrograd.engine import Value
    from micrograd.optim import SGD, CosineAnnealingLR

    schedule = CosineAnnealingLR(SGD([Value(0.0)], lr=base_lr), T_max=total, eta_min=min_lr)
    return schedule.lr_at(k)


register(
    Exercise(
        id="10.3",
        title="a cosine learning-rate schedule",
        checker=_check_cosine,
        reference=cosine_lr,
        shortcuts={
            "micrograd.optim.CosineAnnealingLR": _cosine_by_package,
        },
        hints=[
            "cos goes from 1 to -1 as its argument goes from 0 to pi: use pi * k / total.",
            "(1 + cos(...)) / 2 goes from 1 down to 0; scale it to the range from min_lr to base_lr.",
            "return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * k / total)) / 2",
        ],
        wrong_answers=[
            lambda k, b, n, lo=0.0: lo + (b - lo) * (1 + math.cos(k / n)) / 2,  # forgot pi
            lambda k, b, n, lo=0.0: lo + (b - lo) * math.cos(math.pi * k / (2 * n)),  # a quarter wave
            lambda k, b, n, lo=0.0: b + (lo - b) * k / n,  # linear decay
            lambda k, b, n, lo=0.0: b * (1 + math.cos(math.pi * k / n)) / 2,  # ignores min_lr
        ],
    )
)
