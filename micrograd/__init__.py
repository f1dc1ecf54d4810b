"""micrograd from scratch: a tiny scalar autograd engine and the course built on it.

The most used names are available here directly::

    from micrograd import Value, MLP, SGD

and the modules hold the rest: ``micrograd.engine`` (``Value``, ``grad``, ``no_grad``,
``topological_order``), ``micrograd.nn`` (``Module``, ``Neuron``, ``Layer``,
``MLP``), ``micrograd.losses``, ``micrograd.optim`` (``SGD``, ``Adam``, ``AdamW``
and the learning-rate schedules), ``micrograd.data`` (toy datasets, splits and
mini-batches), ``micrograd.metrics``, ``micrograd.train`` (prediction without a
graph, decision boundaries), ``micrograd.viz``, ``micrograd.gradcheck``,
``micrograd.forward`` (dual numbers), ``micrograd.tensor`` and
``micrograd.tensor_nn`` (the numpy tensor engine), ``micrograd.gpu`` (Numba's
CUDA simulator) and ``micrograd.widgets`` (the explorers).
"""

from micrograd.engine import Value, grad, no_grad, zero_grad
from micrograd.nn import MLP, Layer, Module, Neuron
from micrograd.optim import SGD, Adam, AdamW

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "Layer",
    "Module",
    "Neuron",
    "Value",
    "grad",
    "no_grad",
    "zero_grad",
]
__version__ = "1.0.0"
