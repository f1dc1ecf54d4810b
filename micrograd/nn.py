"""Neurons, layers and multi-layer perceptrons built from ``Value`` s.

The classes and their signatures follow the reference micrograd (0.1.0):

* ``Neuron(nin, nonlin=True)`` computes ``relu(w · x + b)`` (or just
  ``w · x + b`` when ``nonlin=False``), with weights drawn from
  ``random.uniform(-1, 1)`` and the bias starting at 0;
* ``Layer(nin, nout, **kwargs)`` is ``nout`` independent neurons that all see
  the same input (the keyword arguments go to each ``Neuron``); it returns a
  list of outputs, or a single ``Value`` when ``nout == 1``;
* ``MLP(nin, nouts)`` stacks layers of sizes ``nouts``; every layer but the
  last uses ReLU, the last one is linear (its outputs are raw scores).

Seed Python's ``random`` module (``random.seed(1337)``) before building a model
to get the same weights every time: the weights are drawn in the same order as
the reference micrograd draws them, so the same seed gives the same network.

A neuron's sum ``w · x + b`` is made with :func:`micrograd.engine.weighted_sum`,
one graph node instead of the ``2 * nin`` nodes of ``w0*x0 + w1*x1 + ...``: the
value and the gradients are the same, and the network runs several times faster.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from numbers import Real

from micrograd.engine import Number, Value, weighted_sum, zero_grad


class Module:
    """Anything with parameters: ``parameters()`` lists them, ``zero_grad()`` resets their grads."""

    def parameters(self) -> list[Value]:
        """Every trainable ``Value`` of this module (none for the base class)."""
        return []

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0 (grads accumulate, so do this before each ``backward``)."""
        zero_grad(self.parameters())


class Neuron(Module):
    """One neuron: ``out = relu(sum_i w_i * x_i + b)``, or without the ReLU when ``nonlin=False``."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        _check_size("nin", nin)
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        if type(x) is not list or len(x) != len(self.w):  # (the common case costs one test)
            _check_inputs(self, x, len(self.w))
        act = weighted_sum(self.w, x, self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons side by side, each seeing the whole input."""

    def __init__(self, nin: int, nout: int, **kwargs: bool) -> None:
        _check_size("nout", nout)
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        if type(x) is not list or len(x) != len(self.neurons[0].w):
            _check_inputs(self, x, len(self.neurons[0].w))
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` maps 2 inputs to 1 score.

    Layer ``i`` maps ``sizes[i]`` inputs to ``sizes[i + 1]`` outputs, where
    ``sizes = [nin] + nouts``; all layers use ReLU except the last.
    """

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        if isinstance(nouts, int) or len(nouts) == 0:
            raise TypeError(f"MLP(nin, nouts) needs a list of layer sizes such as [16, 16, 1], got {nouts!r}")
        sizes = [nin] + list(nouts)
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        _check_inputs(self, x, len(self.layers[0].neurons[0].w))
        for layer in self.layers:
            if isinstance(x, Value):  # a hidden layer of width 1 gave a single Value
                x = [x]
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def _check_inputs(module: Module, x: object, nin: int) -> None:
    """The input must be a list (or tuple) of ``nin`` numbers or Values: say so at the learner's call."""
    if isinstance(x, (Value, str, bytes)) or not hasattr(x, "__len__"):
        one = " (for one input write model([x]))" if nin == 1 and isinstance(x, (Value, Real)) else ""
        raise TypeError(
            f"{_signature(module)} takes a list of {nin} input{'s' * (nin != 1)} (numbers or Values), "
            f"got {type(x).__name__}: {x!r}{one}"
        )
    if len(x) != nin:
        text = repr(list(x))
        text = text if len(text) <= 60 else text[:56] + "...]"
        raise ValueError(f"{_signature(module)} takes {nin} input{'s' * (nin != 1)}, got {len(x)}: {text}")


def _signature(module: Module) -> str:
    """How the module was built, e.g. ``MLP(2, [16, 16, 1])``, for error messages."""
    if isinstance(module, MLP):
        nin = len(module.layers[0].neurons[0].w)
        return f"MLP({nin}, {[len(layer.neurons) for layer in module.layers]})"
    if isinstance(module, Layer):
        return f"Layer({len(module.neurons[0].w)}, {len(module.neurons)})"
    if isinstance(module, Neuron):
        return f"Neuron({len(module.w)})"
    return type(module).__name__


def _check_size(name: str, size: object) -> None:
    """Layer sizes must be positive ints (a float or 0 is a typo that would fail later, obscurely)."""
    if isinstance(size, bool) or not isinstance(size, int):
        raise TypeError(f"{name} must be an int, got {type(size).__name__}: {size!r}")
    if size < 1:
        raise ValueError(f"{name} must be at least 1, got {size}")
