"""micrograd from scratch: a tiny scalar autograd engine and the course built on it.

The most used names are available here directly::

    from micrograd import Value, MLP, SGD

and the modules hold the rest: ``micrograd.engine`` (``Value``, ``no_grad``,
``topological_order``), ``micrograd.nn`` (``Module``, ``Neuron``, ``Layer``,
``MLP``), ``micrograd.losses``, ``micrograd.optim`` (``SGD``, ``Adam``),
``micrograd.data`` (toy datasets), ``micrograd.viz`` and ``micrograd.gradcheck``.
"""

from micrograd.engine import Value, no_grad, zero_grad
from micrograd.nn import MLP, Layer, Module, Neuron
from micrograd.optim import SGD, Adam

__all__ = ["MLP", "SGD", "Adam", "Layer", "Module", "Neuron", "Value", "no_grad", "zero_grad"]
__version__ = "1.0.0"
