"""micrograd.nn: Module, Neuron, Layer, MLP (chapter 7).

The expected outputs are computed here with plain floats, the way the
reference micrograd computes them (``b + w_0*x_0 + w_1*x_1 + ...`` then ReLU),
and gradients are compared with central differences.
"""

from __future__ import annotations

import gc
import random
import weakref

import pytest

from micrograd.engine import Value
from micrograd.nn import MLP, Layer, Module, Neuron


def neuron_by_hand(neuron, xs):
    """relu(b + sum w_i x_i) on floats, summed in the reference's order."""
    total = neuron.b.data
    for w, x in zip(neuron.w, xs, strict=True):
        total = total + w.data * x
    return max(total, 0.0) if neuron.nonlin else total


def mlp_by_hand(model, xs):
    for layer in model.layers:
        xs = [neuron_by_hand(n, xs) for n in layer.neurons]
    return xs


def test_module_base_class():
    """[ch7] A bare Module has no parameters; zero_grad does nothing then."""
    module = Module()
    assert module.parameters() == []
    module.zero_grad()


def test_neuron_parameters_and_init():
    """[ch7] Neuron(3): three weights in [-1, 1] and a bias of 0, all Values."""
    random.seed(0)
    n = Neuron(3)
    params = n.parameters()
    assert len(params) == 4 and all(isinstance(p, Value) for p in params)
    assert all(-1 <= w.data <= 1 for w in n.w)
    assert n.b.data == 0.0 and params[-1] is n.b
    assert len({w.data for w in n.w}) == 3


@pytest.mark.parametrize("nonlin", [True, False])
def test_neuron_output(nonlin):
    """[ch7] out = relu(w · x + b), or w · x + b when nonlin=False, for Value and number inputs."""
    random.seed(3)
    n = Neuron(4, nonlin=nonlin)
    n.b.data = 0.3
    for xs in ([0.5, -1.0, 2.0, 0.25], [-2.0, 1.5, -0.5, 1.0]):
        expected = neuron_by_hand(n, xs)
        assert n(xs).data == pytest.approx(expected, rel=1e-15, abs=1e-15)
        assert n([Value(x) for x in xs]).data == pytest.approx(expected, rel=1e-15, abs=1e-15)


def test_neuron_gradients():
    """[ch7] d out / d w_i = x_i, d out / d x_i = w_i, d out / d b = 1 (in the active region)."""
    random.seed(1)
    n = Neuron(3)
    n.b.data = 5.0  # keeps the ReLU active
    xs = [Value(0.5), Value(-1.5), Value(2.0)]
    out = n(xs)
    out.backward()
    assert [w.grad for w in n.w] == [x.data for x in xs]
    assert [x.grad for x in xs] == [w.data for w in n.w]
    assert n.b.grad == 1.0


def test_neuron_repr():
    """[ch7] Like the reference: ReLUNeuron(3) / LinearNeuron(3)."""
    assert repr(Neuron(3)) == "ReLUNeuron(3)"
    assert repr(Neuron(3, nonlin=False)) == "LinearNeuron(3)"


def test_layer():
    """[ch7] Layer(nin, nout): nout outputs; kwargs reach each neuron; one output comes back unwrapped."""
    layer = Layer(3, 4)
    out = layer([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 4
    assert len(layer.parameters()) == 4 * (3 + 1)
    single = Layer(3, 1, nonlin=False)
    assert isinstance(single([1.0, 2.0, 3.0]), Value)
    assert repr(single) == "Layer of [LinearNeuron(3)]"
    assert repr(Layer(2, 2)) == "Layer of [ReLUNeuron(2), ReLUNeuron(2)]"


def test_mlp_structure():
    """[ch7] MLP(2, [16, 16, 1]) has 337 parameters; ReLU everywhere but the last layer."""
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1 == 337
    assert [n.nonlin for layer in model.layers for n in layer.neurons[:1]] == [True, True, False]
    assert (
        repr(MLP(2, [2, 1])) == "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]"
    )
    assert len(set(map(id, model.parameters()))) == 337


def test_mlp_output_matches_hand_computation():
    """[ch7] The network computes the reference's math: layer after layer of relu(w · x + b)."""
    random.seed(5)
    model = MLP(3, [4, 4, 2])
    for p in model.parameters():
        p.data += 0.1  # non-zero biases too
    xs = [0.3, -1.2, 0.8]
    out = model(xs)
    expected = mlp_by_hand(model, xs)
    assert [o.data for o in out] == pytest.approx(expected, rel=1e-14, abs=1e-14)


def test_mlp_gradients_match_finite_differences():
    """[ch7] d output / d parameter by backward agrees with central differences, for every parameter."""
    random.seed(11)
    model = MLP(2, [3, 3, 1])
    xs = [0.7, -0.4]
    out = model(xs)
    model.zero_grad()
    out.backward()
    h = 1e-6
    for p in model.parameters():
        original = p.data
        p.data = original + h
        up = mlp_by_hand(model, xs)[0]
        p.data = original - h
        down = mlp_by_hand(model, xs)[0]
        p.data = original
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-8)


def test_zero_grad():
    """[ch7] zero_grad() clears every parameter's grad."""
    model = MLP(2, [3, 1])
    out = model([1.0, -2.0])
    (out * out + 1).backward()
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_hidden_layer_of_width_one():
    """[ch7] A hidden layer with one neuron hands its single Value on to the next layer."""
    random.seed(2)
    model = MLP(2, [1, 3])
    out = model([0.5, 0.5])
    assert len(out) == 3


def test_bad_sizes_and_inputs():
    """[ch7] Clear errors for wrong input lengths and impossible sizes."""
    with pytest.raises(ValueError, match="takes 2 inputs, got 3"):
        Neuron(2)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        MLP(2, [3, 1])([1.0])
    with pytest.raises(TypeError, match="list of layer sizes"):
        MLP(2, 3)
    with pytest.raises(TypeError, match="list of layer sizes"):
        MLP(2, [])
    with pytest.raises(ValueError):
        Neuron(0)
    with pytest.raises(TypeError):
        Neuron(2.5)
    with pytest.raises(ValueError):
        Layer(2, 0)
    with pytest.raises(TypeError):
        Neuron(2)(["a", 1.0])


def test_training_graph_is_freed_without_gc():
    """[ch7] A whole forward/backward pass through an MLP leaves no cycles: freed at once with GC off."""
    random.seed(0)
    model = MLP(2, [8, 8, 1])
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        out = model([Value(0.5), Value(-0.25)])
        loss = (out - 1.0) ** 2
        loss.backward()
        refs = [weakref.ref(out), weakref.ref(loss)]
        del out, loss
        assert [r() for r in refs] == [None, None]
    finally:
        if was_enabled:
            gc.enable()


@pytest.mark.parametrize(
    "model, bad, error, message",
    [
        (MLP(2, [16, 16, 1]), [0.5], ValueError, r"MLP\(2, \[16, 16, 1\]\) takes 2 inputs, got 1: \[0.5\]"),
        (MLP(2, [3, 1]), [1.0, 2.0, 3.0], ValueError, r"MLP\(2, \[3, 1\]\) takes 2 inputs, got 3"),
        (MLP(2, [3, 1]), 0.5, TypeError, r"takes a list of 2 inputs \(numbers or Values\), got float"),
        (MLP(1, [1]), Value(0.5), TypeError, r"got Value: .* \(for one input write model\(\[x\]\)\)"),
        (MLP(2, [3, 1]), "ab", TypeError, "got str"),
        (Layer(3, 2), [1.0], ValueError, r"Layer\(3, 2\) takes 3 inputs, got 1"),
        (Neuron(2), None, TypeError, r"Neuron\(2\) takes a list of 2 inputs"),
    ],
)
def test_wrong_inputs_are_reported_at_the_model_call(model, bad, error, message):
    """[ch8] A model called with the wrong number or kind of inputs names itself and what it expected."""
    with pytest.raises(error, match=message):
        model(bad)


def test_inputs_may_be_tuples_and_numpy_arrays():
    """[ch8] Any sequence of the right length works, e.g. a row of a numpy array."""
    import numpy as np

    random.seed(4)
    model = MLP(2, [3, 1])
    expected = model([0.5, -1.0]).data
    assert model((0.5, -1.0)).data == expected
    assert model(np.array([0.5, -1.0])).data == expected
