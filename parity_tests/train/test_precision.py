"""Mixed precision: ``jaxnn.train.precision`` against ``torch.autocast`` and
``torch.amp.GradScaler`` on CPU (inventory §1.17, "mixed precision pattern", S1 3871-3889).

The same models, weights and batches go to both; bf16/fp16 results are compared with the
``bf16-mixed``/``fp16-mixed`` tolerances of ``twincore.tolerance`` (measured worst cases with
their headroom, explained there), scaled to each tensor's largest element. The loss scaler
is checked step by step against torch's own ``GradScaler`` fed the same gradients.
"""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from jaxnn.train import precision as jp
from jaxnn_examples.example import Settings
from jaxnn_examples.mnist import images
from torch_ref.train import precision as tp
from twincore import harness
from twincore.data.toy import toy_data

from .components import PRECISION

pytestmark = PRECISION

MIXED = ("bf16-mixed", "fp16-mixed")


def _digits(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n`` of the bundled 28x28 digits, ``ToTensor()`` only (mnist_two_hidden's)."""
    data = images(Settings(epochs=1, batch_size=64, lr=0.01, seed=0), normalize=False)
    return data.x_train[:n], data.y_train[:n]


def _toy() -> tuple[np.ndarray, np.ndarray]:
    toy = toy_data(np.dtype("float32"))
    return toy.X_train, toy.y_train


MODELS = {
    # name: (torch model, its JAX twin, data)
    "mnist_two_hidden": (
        lambda: torch_ref.models.MNIST(256, 128),
        lambda: jaxnn.models.MNIST(256, 128, rngs=nnx.Rngs(0)),
        lambda: _digits(64),
    ),
    "toy_classifier": (
        lambda: torch_ref.models.NeuralNetwork(2, 2),
        lambda: jaxnn.models.NeuralNetwork(2, 2, rngs=nnx.Rngs(0)),
        _toy,
    ),
}


def _twins(name: str, seed: int):
    make_torch, make_jax, data = MODELS[name]
    torch.manual_seed(seed)
    tmodel, jmodel = make_torch(), make_jax()
    jaxnn.interop.load_state_dict(jmodel, tmodel.state_dict())
    return tmodel, jmodel, data()


def _torch_forward_backward(model, policy, x, y):
    model.zero_grad()
    with tp.autocast(policy):
        out = model(torch.from_numpy(x))
        loss = F.cross_entropy(out, torch.from_numpy(y))
    loss.backward()
    grads = {k: p.grad.numpy().copy() for k, p in model.named_parameters()}
    return out.detach().float().numpy(), loss.detach().numpy(), grads, out.dtype


def _jax_forward_backward(model, policy, x, y):
    graphdef, params, rest = nnx.split(model, nnx.Param, ...)

    def loss_fn(params):
        m = nnx.merge(graphdef, params, rest, copy=True)
        out = jp.autocast(m, policy)(jnp.asarray(x))
        return jaxnn.functional.cross_entropy(out.astype(jnp.float32), jnp.asarray(y)), out

    (loss, out), grads = jax.jit(jax.value_and_grad(loss_fn, has_aux=True))(params)
    grads = jaxnn.interop.state_dict(nnx.merge(graphdef, grads, rest))
    return np.asarray(out.astype(jnp.float32)), np.asarray(loss), grads, out.dtype


def test_policies_are_float32_parameters_with_16_bit_compute():
    assert jp.PRECISIONS is tp.PRECISIONS  # one table, in the neutral core
    assert not jp.as_precision("float32").mixed and jp.as_precision(None).name == "float32"
    bf16, fp16 = jp.as_precision("bf16-mixed"), jp.as_precision("fp16-mixed")
    assert (bf16.param_dtype, bf16.compute_dtype, bf16.output_dtype) == (
        "float32",
        "bfloat16",
        "float32",
    )
    assert bf16.loss_scaling is None  # bfloat16 has float32's range: nothing to scale
    assert fp16.compute_dtype == "float16" and fp16.loss_scaling == jp.LossScaling()


def test_autocast_casts_the_layers_torch_autocast_casts():
    """Linear and Conv2d compute in bf16 in both; Embedding stays float32 in both (torch lists
    no ``embedding``); ReLU and max pooling keep the dtype that reaches them."""
    torch.manual_seed(0)
    t_layers = {
        "linear": torch.nn.Linear(4, 3),
        "conv": torch.nn.Conv2d(1, 2, 3),
        "embedding": torch.nn.Embedding(5, 3),
    }
    j_layers = {
        "linear": jaxnn.nn.Linear(4, 3, rngs=nnx.Rngs(0)),
        "conv": jaxnn.nn.Conv2d(1, 2, 3, rngs=nnx.Rngs(0)),
        "embedding": jaxnn.nn.Embedding(5, 3, rngs=nnx.Rngs(0)),
    }
    rng = np.random.default_rng(0)
    inputs = {
        "linear": rng.normal(size=(2, 4)).astype(np.float32),
        "conv": rng.normal(size=(2, 1, 6, 6)).astype(np.float32),
        "embedding": np.array([1, 4]),
    }
    for name, tlayer in t_layers.items():
        jlayer = j_layers[name]
        jaxnn.interop.load_state_dict(jlayer, tlayer.state_dict())
        with tp.autocast("bf16-mixed"):
            t_out = tlayer(torch.from_numpy(inputs[name]))
            t_relu = F.relu(t_out)
        j_out = jp.autocast(jlayer, "bf16-mixed")(jnp.asarray(inputs[name]))
        assert str(t_out.dtype).removeprefix("torch.") == j_out.dtype.name, name
        assert str(t_relu.dtype).removeprefix("torch.") == jax.nn.relu(j_out).dtype.name
        assert jlayer.kernel.dtype == jnp.float32 if name != "embedding" else True
        tol = harness.scaled(harness.tolerance("bf16-mixed"), t_out.detach().float().numpy())
        harness.assert_close(j_out.astype(jnp.float32), t_out.detach().float(), tol, name=name)


@pytest.mark.parametrize("policy", MIXED)
@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forward_loss_and_gradients_match_torch_autocast(name, policy, seed):
    tmodel, jmodel, (x, y) = _twins(name, seed)
    t_out, t_loss, t_grads, t_dtype = _torch_forward_backward(tmodel, policy, x, y)
    j_out, j_loss, j_grads, j_dtype = _jax_forward_backward(jmodel, policy, x, y)
    assert str(t_dtype).removeprefix("torch.") == j_dtype.name  # the logits' dtype
    tol = harness.tolerance(policy)
    harness.assert_close(j_out, t_out, harness.scaled(tol, t_out), name="logits")
    harness.assert_close(j_loss, t_loss, tol, name="loss")
    for key, t_grad in t_grads.items():
        assert j_grads[key].dtype == np.float32  # gradients of float32 parameters
        harness.assert_close(
            j_grads[key], t_grad, harness.scaled(tol, t_grad), name=f"{key} gradient"
        )


def test_the_bf16_tolerance_tells_bf16_from_float32():
    """The comparison has power: JAX's float32 gradients are not within the bf16 tolerance of
    torch's bf16 ones (the rounding of 16-bit compute is far larger than the tolerance)."""
    tmodel, jmodel, (x, y) = _twins("mnist_two_hidden", 0)
    _, _, t_grads, _ = _torch_forward_backward(tmodel, "bf16-mixed", x, y)
    _, _, j_grads, _ = _jax_forward_backward(jmodel, "float32", x, y)
    key = "fc1.weight"
    with pytest.raises(AssertionError, match="fc1.weight"):
        tol = harness.scaled(harness.tolerance("bf16-mixed"), t_grads[key])
        harness.assert_close(j_grads[key], t_grads[key], tol, name=key)


def _loaders(x, y, batch_size: int, seed: int = 9):
    jl = jaxnn.data.DataLoader(jaxnn.data.TensorDataset(x, y), batch_size, shuffle=True, seed=seed)
    tl = torch_ref.data.DataLoader(
        torch_ref.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
        batch_size,
        shuffle=True,
        seed=seed,
    )
    return tl, jl


# (model, samples, batch size, lr, epochs): the seeds' settings; 25 and 6 steps, within the
# curve tolerances' 25.
CURVES = {
    "mnist_two_hidden": ("mnist_two_hidden", 1600, 64, 0.01, 1),
    "toy_classifier": ("toy_classifier", None, 2, 0.5, 3),
}


@pytest.mark.parametrize("policy", MIXED)
@pytest.mark.parametrize("case", sorted(CURVES))
def test_training_curve_matches_torch_autocast(case, policy):
    name, n, batch_size, lr, epochs = CURVES[case]
    tmodel, jmodel, _ = _twins(name, 0)
    x, y = _digits(n) if n else _toy()
    tl, jl = _loaders(x, y, batch_size)
    momentum = 0.9 if name == "mnist_two_hidden" else 0.0
    t_losses = torch_ref.train.fit(
        tmodel,
        torch.optim.SGD(tmodel.parameters(), lr=lr, momentum=momentum),
        F.cross_entropy,
        tl,
        epochs,
        precision=policy,
    ).losses
    result = jaxnn.train.fit(
        jmodel,
        jaxnn.optim.sgd(lr=lr, momentum=momentum),
        jaxnn.functional.cross_entropy,
        jl,
        epochs,
        precision=policy,
    )
    assert len(result.losses) == len(t_losses) <= 25
    tol = harness.tolerance(policy, "curve")
    harness.assert_close(result.losses, t_losses, tol, name="loss curve")
    for key, value in tmodel.state_dict().items():
        expected = value.numpy()
        actual = jaxnn.interop.state_dict(jmodel)[key]
        harness.assert_close(actual, expected, harness.scaled(tol, expected), name=key)


# --- the loss scaler ---------------------------------------------------------------------


def test_grad_scaler_defaults_are_torchs():
    torch_scaler = torch.amp.GradScaler("cpu")
    settings = jp.LossScaling()
    assert settings.init_scale == torch_scaler.get_scale() == 2.0**16
    assert settings.growth_factor == torch_scaler.get_growth_factor() == 2.0
    assert settings.backoff_factor == torch_scaler.get_backoff_factor() == 0.5
    assert settings.growth_interval == torch_scaler.get_growth_interval() == 2000
    assert tp.grad_scaler("fp16-mixed").is_enabled()
    assert not tp.grad_scaler("bf16-mixed").is_enabled()
    assert jp.grad_scaler("bf16-mixed") is None


# Scaled gradients fed to both scalers, one row per step: finite, an injected inf, a NaN,
# then clean steps enough to grow twice (growth_interval 3).
GRADIENTS = [
    [1.0, -2.0],
    [np.inf, 1.0],
    [3.0, np.nan],
    [0.5, 0.25],
    [4.0, 8.0],
    [-1.0, 2.0],
    [2.0, 2.0],
    [1.0, 1.0],
    [-np.inf, 0.0],
    [6.0, -4.0],
]


@pytest.mark.parametrize("init_scale", [2.0**16, 2.0**127, 3.0])
def test_loss_scaler_state_machine_matches_torch_grad_scaler(init_scale):
    """Identical scaled gradients into ``torch.amp.GradScaler("cpu")`` (stepping an SGD
    optimizer) and into the pure JAX scaler: after every step the same scale, growth count,
    unscaled gradient, skipped-or-not decision and parameters. ``2**127`` checks that the
    scale never grows past float32's range (it would be inf); 3.0 a scale that is not a power
    of two."""
    settings = jp.LossScaling(init_scale=init_scale, growth_interval=3)
    torch_scaler = torch.amp.GradScaler(
        "cpu", init_scale=init_scale, growth_factor=2.0, backoff_factor=0.5, growth_interval=3
    )
    param = torch.nn.Parameter(torch.tensor([1.0, 1.0]))
    optimizer = torch.optim.SGD([param], lr=0.1)
    torch_scaler.scale(torch.tensor(1.0))  # torch makes its scale on the first scale()

    scaler = jp.GradScaler(settings)
    state = scaler.init()
    params = jnp.array([1.0, 1.0])
    for i, row in enumerate(GRADIENTS):
        grad = np.asarray(row, np.float32)
        param.grad = torch.from_numpy(grad.copy())
        torch_scaler.step(optimizer)  # unscales, skips optimizer.step() on inf/NaN
        torch_unscaled = param.grad.numpy().copy()
        torch_scaler.update()

        unscaled, found_inf = scaler.unscale(state, {"w": jnp.asarray(grad)})
        params = jnp.where(found_inf, params, params - 0.1 * unscaled["w"])  # skipped, not zeroed
        state = jax.jit(scaler.update)(state, found_inf)

        assert bool(found_inf) == (not np.isfinite(grad).all()), f"step {i}"
        if found_inf:  # a skipped step's unscaled gradient is never used
            pass
        elif 1.0 / init_scale >= np.finfo(np.float32).tiny:
            harness.assert_equal(
                np.asarray(unscaled["w"]), torch_unscaled, name=f"step {i} unscaled gradient"
            )
        else:  # XLA:CPU flushes subnormals to zero: 1 / 2**127 is 0 there, 5.9e-39 in torch
            harness.assert_close(
                np.asarray(unscaled["w"]),
                torch_unscaled,
                harness.tolerance("float32"),
                name=f"step {i} unscaled gradient",
            )
        assert float(state.scale) == torch_scaler.get_scale(), f"step {i} scale"
        assert int(state.growth_tracker) == torch_scaler._get_growth_tracker(), f"step {i}"
        # torch's SGD adds -lr * g in one fused op; here two roundings: float32 op tolerance.
        harness.assert_close(
            np.asarray(params),
            param.detach().numpy(),
            harness.tolerance("float32"),
            name=f"step {i} params",
        )
    assert float(state.scale) < float(np.finfo(np.float32).max)


def test_fp16_train_step_skips_overflowing_steps_like_torch():
    """The whole fp16 step, loss scaling included, against torch's AMP loop: a scale of 2**24
    overflows float16 in the backward pass (max 65504), so both skip the first steps (the
    parameters stay, not stepped with zeros), halve the scale each time, then train once the
    scale fits; a growth interval of 2 grows it again."""
    policy = jp.Precision(
        "fp16-mixed",
        compute_dtype="float16",
        loss_scaling=jp.LossScaling(init_scale=2.0**24, growth_interval=2),
    )
    tmodel, jmodel, (x, y) = _twins("toy_classifier", 0)
    tx = jaxnn.optim.sgd(lr=0.5)
    graphdef, state = jaxnn.train.TrainState.create(jmodel, tx, policy)
    step = jaxnn.train.make_train_step(
        graphdef, tx, jaxnn.functional.cross_entropy, precision=policy
    )
    optimizer = torch.optim.SGD(tmodel.parameters(), lr=0.5)
    torch_scaler = tp.grad_scaler(policy)
    batch = (jnp.asarray(x), jnp.asarray(y))
    torch_batch = (torch.from_numpy(x), torch.from_numpy(y))
    skipped, scales = [], []
    for i in range(14):
        before = torch_scaler.get_scale()
        t_loss = torch_ref.train.train_step(
            tmodel, optimizer, F.cross_entropy, torch_batch, precision=policy, scaler=torch_scaler
        )
        state, metrics = step(state, batch)
        assert float(metrics["loss_scale"]) == before, f"step {i}"
        skipped.append(bool(metrics["scaler_skipped"]))
        scales.append(before)
        assert bool(metrics["finite"])  # a step the scaler skips is not a non-finite step
        tol = harness.tolerance("fp16-mixed", "curve")
        harness.assert_close(metrics["loss"], t_loss, tol, name=f"step {i} loss")
        for key, value in tmodel.state_dict().items():
            expected = value.numpy()
            actual = jaxnn.interop.state_dict(state.merge(graphdef))[key]
            harness.assert_close(
                actual, expected, harness.scaled(tol, expected), name=f"step {i} {key}"
            )
    assert float(state.loss_scale.scale) == torch_scaler.get_scale()
    assert skipped[0] and not all(skipped)  # some steps overflowed, later ones trained
    assert int(state.step) == skipped.count(False)  # skipped steps are not optimizer steps
    assert max(scales[skipped.index(False) :]) > min(scales)  # the scale grew again


def test_a_jitted_function_traces_each_policy_apart():
    """The policy lives in the layers' static attributes, so one ``jax.jit`` function traced
    with a float32 model and called with a bf16 one computes in bf16 (no stale trace)."""
    model = jaxnn.nn.Linear(3, 2, rngs=nnx.Rngs(0))
    forward = nnx.jit(lambda m, x: m(x))
    x = jnp.ones((1, 3))
    assert forward(model, x).dtype == jnp.float32
    half = jp.autocast(nnx.clone(model), "bf16-mixed")
    assert forward(half, x).dtype == jnp.bfloat16
    assert forward(model, x).dtype == jnp.float32


def test_float32_policy_is_the_plain_step():
    tmodel, jmodel, (x, y) = _twins("toy_classifier", 0)
    del tmodel
    tx = jaxnn.optim.sgd(lr=0.5)
    graphdef, state = jaxnn.train.TrainState.create(jmodel, tx, "float32")
    assert state.loss_scale is None
    plain = jaxnn.train.make_train_step(graphdef, tx, jaxnn.functional.cross_entropy)
    policy = jaxnn.train.make_train_step(
        graphdef, tx, jaxnn.functional.cross_entropy, precision="float32"
    )
    copy = jax.tree.map(jnp.copy, state)
    a, _ = plain(state, (x, y))
    b, _ = policy(copy, (x, y))
    harness.assert_tree_close(b.params, a.params, harness.printed(15))


def test_custom_policy_keeps_its_name_in_errors():
    bad = dataclasses.replace(jp.as_precision("bf16-mixed"), name="mine")
    model = jaxnn.models.ModuleWithParameter(rngs=nnx.Rngs(0))
    with pytest.raises(ValueError, match="precision 'mine'"):
        jp.check_castable(model, bad)
    with pytest.raises(ValueError, match="precision 'mine'"):
        tp.check_castable(torch_ref.models.ModuleWithParameter(), bad)
