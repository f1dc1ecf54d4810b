"""The training playground (chapter 11): logic, drawing and widget wiring, without a browser."""

from __future__ import annotations

import random
import struct
import xml.etree.ElementTree as ET
import zlib

import numpy as np
import pytest

from micrograd.data import batches
from micrograd.widgets.playground import (
    ACTIVATIONS,
    DATASETS,
    Playground,
    PlaygroundNet,
    Settings,
    TrainingPlayground,
    heatmap_png,
    make_dataset,
    training_playground,
)


@pytest.mark.parametrize("name", DATASETS)
def test_datasets_are_binary_and_deterministic(name):
    """[ch11] Every dataset: labels 0/1, both present, the same for the same seed."""
    X, y = make_dataset(name, n_samples=60, noise=0.1, seed=1)
    assert len(X) == len(y) == 60 and set(y) == {0, 1}
    assert make_dataset(name, 60, 0.1, 1) == (X, y)
    assert make_dataset(name, 60, 0.1, 2) != (X, y)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_numpy_forward_matches_the_engine(activation):
    """[ch11] forward_numpy gives the Value forward pass's scores (the playground draws with it)."""
    random.seed(5)
    net = PlaygroundNet((5, 3), activation)
    points = [[random.uniform(-2, 2), random.uniform(-2, 2)] for _ in range(20)]
    engine = [net(p).data for p in points]
    assert net.forward_numpy(np.array(points)) == pytest.approx(engine, rel=1e-12, abs=1e-12)


def test_relu_net_is_the_mlp():
    """[ch11] With ReLU and the same seed, PlaygroundNet computes what nn.MLP computes."""
    from micrograd.nn import MLP

    random.seed(1337)
    mlp = MLP(2, [16, 16, 1])
    random.seed(1337)
    net = PlaygroundNet((16, 16), "relu")
    assert len(net.parameters()) == len(mlp.parameters()) == 337
    for x in ([0.5, -1.0], [2.0, 0.25]):
        assert net(x).data == pytest.approx(mlp(x).data, rel=1e-12)


def test_no_hidden_layer_is_logistic_regression():
    """[ch11] hidden=() leaves one linear neuron: 3 parameters."""
    assert len(Playground(hidden=()).net.parameters()) == 3


def test_same_settings_same_run_and_global_random_untouched():
    """[ch11] A run is a function of its settings; Python's random state is saved and restored."""
    random.seed(42)
    expected = random.random()
    random.seed(42)
    a = Playground(dataset="xor", hidden=(4,))
    a.run(15)
    assert random.random() == expected
    b = Playground(dataset="xor", hidden=(4,))
    b.run(15)
    assert a.history == b.history
    assert [p.data for p in a.net.parameters()] == [p.data for p in b.net.parameters()]


def test_training_lowers_the_loss_and_splits_the_data():
    """[ch11] Steps lower the loss on moons; the split follows train_fraction; history grows by one a step."""
    p = Playground(dataset="moons", n_samples=100, train_fraction=0.7, batch_size=10)
    assert (len(p.X_train), len(p.X_test)) == (70, 30)
    p.run(150)
    assert p.steps == 150 and len(p.history["train"]) == len(p.history["test"]) == 151
    assert p.history["train"][-1] < 0.6 * p.history["train"][0]
    assert p.history["test_acc"][-1] > 0.85
    assert p.epoch == 22  # 7 batches of 10 per epoch: 150 steps run into epoch 22


def test_step_is_one_sgd_update_on_one_batch():
    """[ch11] One step moves every parameter by -lr * grad of the batch loss (L2 included)."""
    p = Playground(batch_size=4, lr=0.5, l2=0.01, hidden=(3,))
    seed = p.settings.seed * 100_003 + 1  # the first epoch's order
    X_batch, y_batch = next(iter(batches(p.X_train, p.y_train, 4, seed=seed)))
    loss = p.training_loss(X_batch, y_batch)
    p.net.zero_grad()
    loss.backward()
    expected = [q.data - 0.5 * q.grad for q in p.net.parameters()]
    assert p.step() == pytest.approx(loss.data)
    assert [q.data for q in p.net.parameters()] == pytest.approx(expected)


def test_configure_keeps_the_weights_reset_restarts():
    """[ch11] lr / L2 / batch size change without starting over; reset goes back to step 0."""
    p = Playground()
    p.run(3)
    weights = [q.data for q in p.net.parameters()]
    p.configure(lr=0.01, l2=0.001, batch_size=20)
    assert p.optimizer.lr == 0.01 and [q.data for q in p.net.parameters()] == weights
    with pytest.raises(ValueError, match="use reset"):
        p.configure(dataset="xor")
    p.reset(dataset="circles")
    assert p.steps == 0 and len(p.history["train"]) == 1 and p.settings.dataset == "circles"


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"dataset": "swiss roll"}, ValueError, "dataset must be one of"),
        ({"activation": "gelu"}, ValueError, "activation must be one of"),
        ({"train_fraction": 0}, ValueError, "train_fraction"),
        ({"train_fraction": 1.0}, ValueError, "test points"),
        ({"lr": 0}, ValueError, "learning rate"),
        ({"lr": "fast"}, TypeError, "lr"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"hidden": 8}, TypeError, "hidden must be a list"),
        ({"hidden": (8, 0)}, ValueError, "hidden layer width"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"l2": -1}, ValueError, "l2"),
    ],
)
def test_bad_settings(changes, error, words):
    """[ch11] Impossible settings fail when made, with the name of the setting."""
    with pytest.raises(error, match=words):
        Settings(**changes)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_heatmap_png_is_a_valid_png_with_the_right_colours():
    """[ch11] Orange for negative scores, blue for positive, white at 0; row 0 of the grid at the bottom."""
    scores = np.array([[-5.0, 0.0, 5.0], [5.0, 5.0, 5.0]])  # bottom row first
    data = heatmap_png(scores)
    assert _png_size(data) == (3, 2)
    # decode the single IDAT chunk
    length = struct.unpack(">I", data[33:37])[0]
    raw = zlib.decompress(data[41 : 41 + length])
    rows = [raw[i * 10 + 1 : (i + 1) * 10] for i in range(2)]  # filter byte + 3 RGB pixels
    top, bottom = rows
    assert top[0:3] == top[3:6] == top[6:9]  # the all-positive row is drawn on top
    left, middle, right = bottom[0:3], bottom[3:6], bottom[6:9]
    assert middle == bytes([255, 255, 255])
    assert left[0] > left[2] and right[2] > right[0]  # orange-ish, blue-ish


def test_render_svg_is_well_formed_and_deterministic():
    """[ch11] One SVG with the heatmap image, the points and two loss curves; same state, same text."""
    p = Playground(n_samples=50)
    p.run(5)
    svg = p.render_svg()
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert len(root.findall(f"{ns}image")) == 1
    assert len(root.findall(f"{ns}polyline")) == 2
    dots = sum(path.get("d").count("h0") for path in root.findall(f"{ns}path"))
    assert dots == 2 * 50  # every point drawn twice (edge, then colour)
    q = Playground(n_samples=50)
    q.run(5)
    assert q.render_svg() == svg
    assert "step 5" in p.caption()


def test_replay_frames():
    """[ch11] replay renders one frame per requested step count, from a fresh start."""
    p = Playground(n_samples=40)
    p.run(7)
    frames, captions = p.replay([0, 2, 5])
    assert len(frames) == len(captions) == 3
    assert captions[0].startswith("step 0") and captions[2].startswith("step 5")
    with pytest.raises(ValueError, match="increase"):
        p.replay([3, 1])


def test_widget_controls_drive_the_playground():
    """[ch11] Step trains, a data control resets, lr changes in place, Run without an event loop runs 100."""
    w = TrainingPlayground(Settings(n_samples=40, batch_size=10))
    w.step_button.click()
    w.step_button.click()
    assert w.playground.steps == 2 and "step 2" in w.status.value
    assert w.picture.value.startswith("<svg")
    w.lr.value = 0.03
    assert w.playground.steps == 2 and w.playground.optimizer.lr == 0.03
    w.dataset.value = "xor"
    assert w.playground.steps == 0 and w.playground.settings.dataset == "xor"
    w.layers.value = 1
    w.neurons.value = 3
    assert w.playground.settings.hidden == (3,)
    w.run_button.value = True  # no running event loop here: a fixed burst of steps
    assert w.playground.steps == 100 and w.run_button.value is False
    w.reset_button.click()
    assert w.playground.steps == 0


def test_training_playground_static_copy():
    """[ch11] The output carries the live widget and a player replaying the run (deterministic, small)."""
    box = training_playground(n_samples=40, replay_steps=(0, 3, 6))
    bundle = box._repr_mimebundle_()
    html = bundle["text/html"]
    assert html.count('class="mg-frame"') == 3 and "mg-player" in html
    assert html.count('<img src="data:image/svg+xml;base64,') == 3  # frames as images of their SVG
    assert "Training playground: moons" in html
    assert training_playground(n_samples=40, replay_steps=(0, 3, 6))._repr_mimebundle_()["text/html"] == html
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Training playground")


def test_default_player_is_small():
    """[ch11] The book's replay with the default settings stays under 300 KB."""
    html = training_playground()._repr_mimebundle_()["text/html"]
    assert html.count('class="mg-frame"') == 11
    assert len(html) < 300_000


def test_run_inside_an_event_loop_steps_until_paused():
    """[ch11] In a kernel (a running asyncio loop) Run trains in the background until Pause."""
    import asyncio

    async def scenario():
        w = TrainingPlayground(Settings(n_samples=40, batch_size=10))
        w.run_button.value = True
        assert w.run_button.description == "⏸ Pause"
        for _ in range(200):
            await asyncio.sleep(0.01)
            if w.playground.steps >= 3:
                break
        w.run_button.value = False  # Pause
        await asyncio.sleep(0.05)
        steps = w.playground.steps
        await asyncio.sleep(0.05)
        return w, steps

    w, steps = asyncio.run(scenario())
    assert steps >= 3 and w.playground.steps == steps  # it stopped
    assert w.run_button.description == "▶ Run"


def test_training_that_diverges_stops_and_names_the_step():
    """[ch11] lr 100, linear units: the loss turns NaN at step 8; the playground says so (no NaN pictures)."""
    p = Playground(Settings(activation="linear", lr=100.0, n_samples=40))
    with pytest.raises(FloatingPointError, match="diverged at step 8: the loss is nan.*learning rate"):
        p.run(300)
    assert p.steps == 7
    w = TrainingPlayground(Settings(activation="linear", lr=100.0, n_samples=40))
    w.run_button.value = True  # no event loop: a burst of at most 100 steps, which stops at the divergence
    assert w.playground.steps == 7 and w.run_button.value is False
    assert "training diverged at step 8" in w.status.value
    w.step_button.click()  # Step says it again instead of raising in the callback
    assert w.playground.steps == 7 and "diverged" in w.status.value


def test_run_stops_on_kernel_interrupt():
    """[ch11] Kernel › Interrupt sends SIGINT; the Run loop (running between cells) takes it and stops."""
    import asyncio
    import os
    import signal

    handler_before = signal.getsignal(signal.SIGINT)

    async def scenario():
        w = TrainingPlayground(Settings(n_samples=40, batch_size=10))
        w.run_button.value = True
        for _ in range(300):
            await asyncio.sleep(0.01)
            if w.playground.steps >= 3:
                break
        os.kill(os.getpid(), signal.SIGINT)  # what Jupyter's Interrupt does
        for _ in range(100):
            await asyncio.sleep(0.01)
            if not w.run_button.value:
                break
        steps = w.playground.steps
        await asyncio.sleep(0.1)
        return w, steps

    w, steps = asyncio.run(scenario())
    assert 3 <= steps < TrainingPlayground.MAX_RUN_STEPS and w.playground.steps == steps
    assert w.run_button.value is False and w.run_button.description == "▶ Run"
    assert "Interrupted" in w.status.value
    assert signal.getsignal(signal.SIGINT) is handler_before  # the usual handler is back


def test_reset_draws_new_weights_and_keeps_the_data():
    """[ch11] The Reset button: step 0, the same data, new weights (different on every press)."""
    w = TrainingPlayground(Settings(n_samples=40))
    first = [q.data for q in w.playground.net.parameters()]
    data = (w.playground.X_train, w.playground.y_train)
    w.step_button.click()
    w.reset_button.click()
    second = [q.data for q in w.playground.net.parameters()]
    w.reset_button.click()
    third = [q.data for q in w.playground.net.parameters()]
    assert w.playground.steps == 0 and (w.playground.X_train, w.playground.y_train) == data
    assert first != second and second != third and first != third
    fresh = Playground(Settings(n_samples=40))
    assert [q.data for q in fresh.net.parameters()] == first  # the settings alone still give the same run


def test_interrupt_stops_the_run_in_a_real_kernel():
    """[ch11] In ipykernel the Run loop trains between cells (the kernel is Idle, SIGINT ignored):
    Kernel › Interrupt must still stop it."""
    import time

    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")

    def run(code):
        msg_id = kc.execute(code)
        out = []
        while True:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append("ERROR " + msg["content"]["evalue"])
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out)

    try:
        run(
            "from micrograd.widgets.playground import TrainingPlayground, Settings\n"
            "w = TrainingPlayground(Settings(n_samples=40))\nw.run_button.value = True"
        )
        for _ in range(100):  # until the loop has taken a few steps
            time.sleep(0.1)
            if int(run("print(w.playground.steps)")) >= 3:
                break
        km.interrupt_kernel()
        time.sleep(1.0)
        stopped_at = run("print(w.playground.steps, w.run_button.value)").split()
        time.sleep(1.0)
        later = run("print(w.playground.steps, w.status.value)")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert stopped_at[1] == "False" and int(stopped_at[0]) < TrainingPlayground.MAX_RUN_STEPS
    assert later.startswith(stopped_at[0] + " Interrupted.")  # no step after the interrupt
