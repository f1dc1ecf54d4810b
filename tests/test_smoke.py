"""The seed example of the course, against both engines."""


def test_seed_example(Value):  # noqa: N803
    x = Value(2.0)
    y = Value(-3.0)
    z = x * y + x**2
    z.backward()
    assert (z.data, x.grad, y.grad) == (-2.0, 1.0, 2.0)
