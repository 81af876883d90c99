"""``nn.LayerNorm`` / ``nn.BatchNorm1d`` and their functional twins (inventory §1.12;
S1 7676-7991 LayerNorm, S1 8262-8302 BatchNorm1d in WellRegularizedNetwork; §3.2 LayerNorm).

Forward outputs and gradients (input and every parameter) against torch, eager and
under jit; the notebook's LayerNorm values; BatchNorm1d's running statistics over
several training steps, then evaluation; state-dict keys and round trips.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from twincore import harness

from .components import NORMALIZATION

pytestmark = NORMALIZATION


def _grads_as_torch(model, grads, torch_module):
    """A gradient State laid out as torch's ``{name: grad}`` (parameters only)."""
    clone = nnx.clone(model)
    nnx.update(clone, grads)
    sd = jaxnn.interop.state_dict(clone)
    return {name: sd[name] for name, _ in torch_module.named_parameters()}


def _randomize(torch_module, rng, dtype):
    # Non-trivial affine parameters, so their gradients and effect are actually checked.
    with torch.no_grad():
        for p in torch_module.parameters():
            p.copy_(torch.tensor(rng.normal(size=tuple(p.shape)).astype(dtype)))


def _forward_and_grads(model, x, g, jit):
    """``model(x)`` and the gradients of ``sum(model(x) * g)`` w.r.t. parameters and input."""

    def loss(model, x):
        out = model(x)
        return jnp.sum(out * g), out

    fn = nnx.value_and_grad(loss, argnums=(0, 1), has_aux=True)
    (_, out), (grads, x_grad) = (nnx.jit(fn) if jit else fn)(model, jnp.asarray(x))
    return out, grads, x_grad


def _torch_forward_and_grads(module, x, g):
    module.zero_grad()
    xt = torch.tensor(x, requires_grad=True)
    out = module(xt)
    out.backward(torch.tensor(g))
    return out.detach(), {k: p.grad for k, p in module.named_parameters()}, xt.grad


# ------------------------------------------------------------------------------ LayerNorm

LAYER_NORM_CASES = [
    ((5,), (3, 5), {}),
    ([3, 4], (2, 3, 4), {}),
    (4, (4,), {}),
    (6, (2, 3, 6), {"elementwise_affine": False}),
    (6, (2, 6), {"bias": False}),
]


@pytest.mark.parametrize(
    "normalized_shape, shape, kwargs, jit",
    [case + (True,) for case in LAYER_NORM_CASES] + [LAYER_NORM_CASES[1] + (False,)],
    ids=["last_dim", "last_two", "unbatched", "no_affine", "no_bias", "last_two_eager"],
)
def test_layer_norm_forward_and_gradients(mode, rng, normalized_shape, shape, kwargs, jit):
    t = torch.nn.LayerNorm(normalized_shape, **kwargs).to(mode.torch)
    _randomize(t, rng, mode.np)
    j = jaxnn.nn.LayerNorm(normalized_shape, **kwargs, dtype=mode.jnp)
    jaxnn.interop.load_state_dict(j, t.state_dict())
    x = mode.array(rng.normal(size=shape) * 3 + 1)
    g = mode.array(rng.normal(size=shape))
    out_t, grads_t, x_grad_t = _torch_forward_and_grads(t, x, g)
    out_j, grads_j, x_grad_j = _forward_and_grads(j, x, g, jit)
    mode.assert_close(out_j, out_t, name="output")
    mode.assert_close(x_grad_j, x_grad_t, name="input grad")
    mode.assert_state_dict_close(_grads_as_torch(j, grads_j, t), grads_t, name="param grads")


def test_layer_norm_seed_single_sample_values():
    # S1 7710-7745: gamma ones(5), beta zeros(5); x = [1..5] has mean 3.0000 and biased std
    # 1.4142; LayerNorm gives [-1.4142, -0.7071, 0, 0.7071, 1.4142] with mean 0.000000.
    t, j = torch.nn.LayerNorm(5), jaxnn.nn.LayerNorm(5)
    harness.assert_twins_equal(j.scale[...], t.weight.detach(), golden=np.ones(5))
    harness.assert_twins_equal(j.bias[...], t.bias.detach(), golden=np.zeros(5))
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0], np.float32)
    harness.assert_twins_close(
        jnp.mean(x), torch.tensor(x).mean(), harness.tolerance("float32"), 3.0, harness.printed(4)
    )
    harness.assert_twins_close(
        jnp.std(x),  # ddof=0: torch's std(unbiased=False)
        torch.tensor(x).std(unbiased=False),
        harness.tolerance("float32"),
        1.4142,
        harness.printed(4),
    )
    out_t = t(torch.tensor(x)).detach()
    out_j = j(x)
    expected = [-1.4142, -0.7071, 0.0, 0.7071, 1.4142]
    harness.assert_twins_close(
        out_j, out_t, harness.tolerance("float32"), expected, harness.printed(4)
    )
    harness.assert_twins_close(
        jnp.mean(out_j), out_t.mean(), harness.tolerance("float32"), 0.0, harness.printed(6)
    )


def test_layer_norm_eps_makes_std_slightly_below_one(mode, rng):
    # S1 7729-7745 / inventory §3.2, §3.5: the output's biased std is sqrt(v / (v + eps)),
    # ~0.9999975 for x = [1..5] (v = 2), not 1: the notebook's formula (S1 7686) omits eps.
    samples = mode.array(np.vstack([np.arange(1.0, 6.0), rng.normal(size=(3, 5)) * 0.01]))
    t, j = torch.nn.LayerNorm(5).to(mode.torch), jaxnn.nn.LayerNorm(5, dtype=mode.jnp)
    out_t, out_j = t(torch.tensor(samples)).detach(), j(samples)
    v = np.var(samples.astype(np.float64), axis=1)
    expected = np.sqrt(v / (v + 1e-5))
    mode.assert_twins_close(
        jnp.std(out_j, axis=1), out_t.std(dim=1, unbiased=False), golden=expected, name="std"
    )
    assert float(jnp.std(out_j[0])) < 1.0 and float(out_t[0].std(unbiased=False)) < 1.0


def test_layer_norm_seed_manual_formula_without_eps():
    # S1 7747-7784: (x - mean) / std without eps matches nn.LayerNorm under the notebook's own
    # allclose(atol=1e-5) ("Match? True"); the gap is eps's effect, ~3.5e-6.
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0], np.float32)
    xt = torch.tensor(x)
    manual_t = (xt - xt.mean()) / xt.std(unbiased=False)
    manual_j = (x - jnp.mean(x)) / jnp.std(x)
    ln_t, ln_j = torch.nn.LayerNorm(5)(xt).detach(), jaxnn.nn.LayerNorm(5)(x)
    assert torch.allclose(manual_t, ln_t, atol=1e-5)
    assert bool(jnp.allclose(manual_j, ln_j, atol=1e-5))
    harness.assert_close(manual_j - ln_j, manual_t - ln_t, harness.tolerance("float32"))
    assert float(jnp.max(jnp.abs(manual_j - ln_j))) > 0  # eps does change the result


def test_layer_norm_seed_batch_values():
    # S1 7790-7824: per-sample statistics before (3.00/1.41, 30.00/14.14, 0.00/3.69) and the
    # normalised rows after.
    batch = np.array(
        [[1.0, 2.0, 3.0, 4.0, 5.0], [10.0, 20.0, 30.0, 40.0, 50.0], [-5.0, -3.0, 0.0, 3.0, 5.0]],
        np.float32,
    )
    bt = torch.tensor(batch)
    tol = harness.tolerance("float32")
    harness.assert_twins_close(
        jnp.mean(batch, axis=1), bt.mean(dim=1), tol, [3.0, 30.0, 0.0], harness.printed(2)
    )
    harness.assert_twins_close(
        jnp.std(batch, axis=1),
        bt.std(dim=1, unbiased=False),
        tol,
        [1.41, 14.14, 3.69],
        harness.printed(2),
    )
    expected = [
        [-1.4142, -0.7071, 0.0, 0.7071, 1.4142],
        [-1.4142, -0.7071, 0.0, 0.7071, 1.4142],
        [-1.3558, -0.8135, 0.0, 0.8135, 1.3558],
    ]
    out_t = torch.nn.LayerNorm(5)(bt).detach()
    harness.assert_twins_close(
        jaxnn.nn.LayerNorm(5)(batch), out_t, tol, expected, harness.printed(4)
    )


def test_layer_norm_two_dims_has_torch_shaped_parameters():
    # S1 7930-7944: LayerNorm([3, 4]) normalises over the last two dims of (2, 3, 4); its
    # weight and bias are (3, 4) in torch, and stay (3, 4) here (Flax would flatten them).
    t, j = torch.nn.LayerNorm([3, 4]), jaxnn.nn.LayerNorm([3, 4])
    sd = jaxnn.interop.state_dict(j)
    assert list(sd) == list(t.state_dict()) == ["weight", "bias"]
    assert sd["weight"].shape == tuple(t.weight.shape) == (3, 4) == j.scale.shape
    x = np.random.default_rng(1).normal(size=(2, 3, 4)).astype(np.float32)
    out = j(x)
    assert out.shape == tuple(t(torch.tensor(x)).shape) == (2, 3, 4)
    # Each sample has mean 0 over the 12 values (not per row of 4).
    harness.assert_close(jnp.mean(out, axis=(1, 2)), np.zeros(2), harness.tolerance("float32"))
    assert float(jnp.max(jnp.abs(jnp.mean(out, axis=2)))) > harness.tolerance("float32").atol


def test_layer_norm_flax_defaults_are_not_torch():
    # nnx.LayerNorm's defaults differ from torch twice, and each is caught on its own input:
    # epsilon 1e-6 on x = [1..5] (variance 2, so eps shows in float64), the one-pass variance
    # E[x^2] - E[x]^2 on inputs offset to 1e4 (~3e-8 relative off in float64, where [1..5]
    # is exact). jaxnn.nn.LayerNorm configures epsilon=1e-5 and use_fast_variance=False.
    rng = np.random.default_rng(0)
    small = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    offset = 1e4 + rng.normal(size=(4, 5))

    def flax_layer_norm(**kwargs):
        return nnx.LayerNorm(5, param_dtype=jnp.float64, rngs=nnx.Rngs(0), **kwargs)

    with jax.enable_x64(True):
        for x, flax_default in (
            (small, flax_layer_norm(use_fast_variance=False)),  # epsilon 1e-6 only
            (offset, flax_layer_norm(epsilon=1e-5)),  # one-pass variance only
        ):
            torch_out = torch.nn.LayerNorm(5).double()(torch.tensor(x)).detach()
            ours = jaxnn.nn.LayerNorm(5, dtype=jnp.float64)(x)
            harness.assert_close(ours, torch_out, harness.tolerance("float64"))
            with pytest.raises(AssertionError, match="outside tolerance"):
                harness.assert_close(flax_default(x), torch_out, harness.tolerance("float64"))


def test_layer_norm_rejects_bad_shapes():
    t, j = torch.nn.LayerNorm(5), jaxnn.nn.LayerNorm(5)
    x = np.ones((3, 4), np.float32)
    with pytest.raises(RuntimeError, match=r"expected input with shape \[\*, 5\]"):
        t(torch.tensor(x))
    with pytest.raises(
        ValueError, match=r"LayerNorm: expected input with shape \(\*, 5\).*\(3, 4\)"
    ):
        j(x)
    with pytest.raises(ValueError, match=r"expected input with shape \(\*, 3, 4\)"):
        jaxnn.nn.LayerNorm([3, 4])(np.ones(4, np.float32))
    # torch accepts an empty normalized_shape and fails at the first call; jaxnn at once.
    with pytest.raises(RuntimeError, match="at least 1-dimensional"):
        torch.nn.LayerNorm([])(torch.ones(2))
    for bad in ([], -1, [3, 2.5], "5"):
        with pytest.raises(ValueError, match="LayerNorm: normalized_shape must be"):
            jaxnn.nn.LayerNorm(bad)


def test_functional_layer_norm_matches_torch(mode, rng):
    x = mode.array(rng.normal(size=(2, 3, 4)))
    w, b = mode.array(rng.normal(size=(3, 4))), mode.array(rng.normal(size=(3, 4)))
    g = mode.array(rng.normal(size=(2, 3, 4)))
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out_t = F.layer_norm(xt, [3, 4], wt, bt)
    out_t.backward(torch.tensor(g))

    def loss(x, w, b):
        return jnp.sum(jaxnn.functional.layer_norm(x, (3, 4), w, b) * g)

    grads = jax.grad(loss, argnums=(0, 1, 2))(*map(jnp.asarray, (x, w, b)))
    mode.assert_close(jaxnn.functional.layer_norm(x, [3, 4], w, b), out_t, name="output")
    for name, got, want in zip(("x", "weight", "bias"), grads, (xt, wt, bt), strict=True):
        mode.assert_close(got, want.grad, name=f"{name} grad")
    mode.assert_close(jaxnn.functional.layer_norm(x, 4), F.layer_norm(torch.tensor(x), [4]))
    with pytest.raises(ValueError, match=r"layer_norm\(\): weight must have shape \(3, 4\)"):
        jaxnn.functional.layer_norm(x, [3, 4], w[0])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layer_norm_state_dict_round_trips_are_bit_exact(dtype, rng):
    t = torch.nn.LayerNorm([2, 3]).to(getattr(torch, dtype))
    with jax.enable_x64(dtype == "float64"):
        _randomize(t, rng, dtype)
        j = jaxnn.nn.LayerNorm([2, 3], dtype=dtype)
        # Initial values equal torch's (ones and zeros, no randomness).
        harness.assert_state_dict_close(
            jaxnn.interop.state_dict(j),
            torch.nn.LayerNorm([2, 3]).state_dict(),
            harness.tolerance(dtype),
        )
        jaxnn.interop.load_state_dict(j, t.state_dict())
        back = jaxnn.interop.state_dict(j)
        for key, value in t.state_dict().items():
            assert back[key].dtype == np.dtype(dtype)
            np.testing.assert_array_equal(back[key], value.numpy(), err_msg=key)
        t2 = torch.nn.LayerNorm([2, 3]).to(getattr(torch, dtype))
        t2.load_state_dict({k: torch.from_numpy(v) for k, v in back.items()})
        j2 = jaxnn.nn.LayerNorm([2, 3], dtype=dtype)
        jaxnn.interop.load_state_dict(j2, t2.state_dict())
        for key, value in jaxnn.interop.state_dict(j2).items():
            np.testing.assert_array_equal(value, back[key], err_msg=key)


# ---------------------------------------------------------------------------- BatchNorm1d

BATCH_NORM_CASES = [
    ((6, 3), {}),
    ((4, 3, 5), {"momentum": None}),
    ((5, 3), {"affine": False, "momentum": 0.3}),
]


@pytest.mark.parametrize(
    "shape, kwargs", BATCH_NORM_CASES, ids=["NC", "NCL_cumulative", "no_affine"]
)
def test_batch_norm1d_running_stats_over_training_steps_then_eval(mode, rng, shape, kwargs):
    torch.manual_seed(0)
    t = torch.nn.BatchNorm1d(3, **kwargs).to(mode.torch)
    _randomize(t, rng, mode.np)
    j = jaxnn.nn.BatchNorm1d(3, **kwargs, dtype=mode.jnp)
    jaxnn.interop.load_state_dict(j, t.state_dict())
    step = nnx.jit(lambda m, x, g: _forward_and_grads(m, x, g, jit=False))
    for i in range(4):
        x = mode.array(rng.normal(size=shape) * (i + 1) + i)  # moving statistics
        g = mode.array(rng.normal(size=shape))
        out_t, grads_t, x_grad_t = _torch_forward_and_grads(t, x, g)
        out_j, grads_j, x_grad_j = step(j, x, g)
        mode.assert_close(out_j, out_t, name=f"step {i} output")
        mode.assert_close(x_grad_j, x_grad_t, name=f"step {i} input grad")
        mode.assert_state_dict_close(_grads_as_torch(j, grads_j, t), grads_t, name="param grads")
        mode.assert_state_dict_close(
            jaxnn.interop.state_dict(j), t.state_dict(), name=f"state after step {i}"
        )
    assert int(j.num_batches_tracked[...]) == int(t.num_batches_tracked) == 4
    t.eval()
    j.eval()
    x = mode.array(rng.normal(size=shape))
    mode.assert_close(j(x), t(torch.tensor(x)).detach(), name="eval output")
    mode.assert_close(nnx.jit(lambda m, x: m(x))(j, x), t(torch.tensor(x)).detach(), name="jit")
    mode.assert_state_dict_close(jaxnn.interop.state_dict(j), t.state_dict(), name="eval state")


def test_batch_norm1d_running_variance_is_unbiased_and_momentum_weights_the_batch():
    # The documented rule: new = (1 - m) * old + m * batch, with the batch's unbiased variance.
    x = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]], np.float32)
    t, j = torch.nn.BatchNorm1d(2), jaxnn.nn.BatchNorm1d(2)
    t(torch.tensor(x))
    j(x)
    tol = harness.tolerance("float32")
    expected_mean = 0.9 * 0.0 + 0.1 * x.mean(axis=0)
    expected_var = 0.9 * 1.0 + 0.1 * x.var(axis=0, ddof=1)
    harness.assert_twins_close(j.mean[...], t.running_mean, tol, expected_mean)
    harness.assert_twins_close(j.var[...], t.running_var, tol, expected_var)


def test_batch_norm1d_without_running_stats_uses_batch_stats_in_eval(mode, rng):
    t = torch.nn.BatchNorm1d(3, track_running_stats=False).to(mode.torch)
    j = jaxnn.nn.BatchNorm1d(3, track_running_stats=False, dtype=mode.jnp)
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict()) == ["weight", "bias"]
    t.eval()
    j.eval()
    x = mode.array(rng.normal(size=(5, 3)) + 2)
    mode.assert_close(j(x), t(torch.tensor(x)).detach())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batch_norm1d_state_dict_keys_and_round_trips(dtype, rng):
    torch.manual_seed(0)
    t = torch.nn.BatchNorm1d(4).to(getattr(torch, dtype))
    for _ in range(3):  # non-trivial running statistics and num_batches_tracked = 3
        t(torch.tensor(rng.normal(size=(5, 4)).astype(dtype)))
    with jax.enable_x64(dtype == "float64"):
        j = jaxnn.nn.BatchNorm1d(4, dtype=dtype)
        sd = jaxnn.interop.state_dict(j)
        assert list(sd) == list(t.state_dict())  # weight, bias, running_mean, running_var, nbt
        for key, value in torch.nn.BatchNorm1d(4).state_dict().items():  # torch's initial state
            harness.assert_equal(sd[key], value, name=key)
        jaxnn.interop.load_state_dict(j, t.state_dict())
        back = jaxnn.interop.state_dict(j)
        # int64 like torch with 64-bit types on; int32 without (same value).
        assert back["num_batches_tracked"].dtype == np.dtype(
            "int64" if dtype == "float64" else "int32"
        )
        for key, value in t.state_dict().items():
            harness.assert_equal(back[key], value, name=key)
            assert back[key].shape == tuple(value.shape)
        t2 = torch.nn.BatchNorm1d(4).to(getattr(torch, dtype))
        t2.load_state_dict({k: torch.from_numpy(v) for k, v in back.items()})
        for key, value in t.state_dict().items():
            assert torch.equal(t2.state_dict()[key], value), key
        j2 = jaxnn.nn.BatchNorm1d(4, dtype=dtype)
        jaxnn.interop.load_state_dict(j2, t2.state_dict())
        for key, value in jaxnn.interop.state_dict(j2).items():
            np.testing.assert_array_equal(value, back[key], err_msg=key)


def test_batch_norm1d_rejects_bad_input():
    t, j = torch.nn.BatchNorm1d(3), jaxnn.nn.BatchNorm1d(3)
    for shape in [(1, 3), (1, 3, 1)]:
        with pytest.raises(ValueError, match="Expected more than 1 value per channel when train"):
            t(torch.ones(shape))
        with pytest.raises(ValueError, match="BatchNorm1d: Expected more than 1 value per chan"):
            j(np.ones(shape, np.float32))
    for shape in [(4, 3, 2, 2), (3,)]:
        with pytest.raises(ValueError, match="expected 2D or 3D input"):
            t(torch.ones(shape))
        with pytest.raises(ValueError, match=r"BatchNorm1d: expected input of shape \(N, 3\)"):
            j(np.ones(shape, np.float32))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        t(torch.ones(4, 4))
    with pytest.raises(ValueError, match=r"\(N, 3, L\); got \(4, 4\)"):
        j(np.ones((4, 4), np.float32))
    # A single sample is fine in evaluation mode, in both.
    t.eval()
    j.eval()
    single = np.ones((1, 3), np.float32)
    harness.assert_close(j(single), t(torch.tensor(single)).detach(), harness.tolerance("float32"))
    for bad in (-1, 2.5):
        with pytest.raises(ValueError, match="BatchNorm1d: num_features must be"):
            jaxnn.nn.BatchNorm1d(bad)


def test_batch_norm1d_flax_batchnorm_defaults_are_not_torch():
    # nnx.BatchNorm's momentum 0.99 weights the old value and its running variance is the
    # biased one; jaxnn.nn.BatchNorm1d follows torch.
    x = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]], np.float32)
    t = torch.nn.BatchNorm1d(2)
    t(torch.tensor(x))
    flax_bn = nnx.BatchNorm(2, rngs=nnx.Rngs(0))
    flax_bn(x)
    ours = jaxnn.nn.BatchNorm1d(2)
    ours(x)
    tol = harness.tolerance("float32")
    harness.assert_close(ours.var[...], t.running_var, tol)
    with pytest.raises(AssertionError, match="outside tolerance"):
        harness.assert_close(flax_bn.var[...], t.running_var, tol)


def test_functional_batch_norm_and_running_stats_match_torch(mode, rng):
    x = mode.array(rng.normal(size=(4, 3, 2)) + 1)
    w, b = mode.array(rng.normal(size=3)), mode.array(rng.normal(size=3))
    rm, rv = mode.array(rng.normal(size=3)), mode.array(rng.uniform(0.5, 2, size=3))
    rm_t, rv_t = torch.tensor(rm), torch.tensor(rv)  # torch updates these in place
    xt = torch.tensor(x)
    wt, bt = torch.tensor(w), torch.tensor(b)
    out_t = F.batch_norm(xt, rm_t, rv_t, wt, bt, training=True, momentum=0.2)
    out_j = jaxnn.functional.batch_norm(x, rm, rv, w, b, training=True, momentum=0.2)
    new_rm, new_rv = jaxnn.functional.batch_norm_running_stats(x, rm, rv, momentum=0.2)
    mode.assert_close(out_j, out_t, name="training output")
    mode.assert_close(new_rm, rm_t, name="running_mean")
    mode.assert_close(new_rv, rv_t, name="running_var")
    eval_t = F.batch_norm(xt, rm_t, rv_t, wt, bt, training=False)
    mode.assert_close(jaxnn.functional.batch_norm(x, new_rm, new_rv, w, b), eval_t, name="eval")
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(xt, None, None, training=False)
    with pytest.raises(ValueError, match="running_mean must be defined in evaluation mode"):
        jaxnn.functional.batch_norm(x, None, None, training=False)


# --------------------------------------------- WellRegularizedNetwork (S1 8262-8302, E48)


class TorchWellRegularizedNetwork(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, 512)
        self.bn1 = torch.nn.BatchNorm1d(512)
        self.relu1 = torch.nn.ReLU()
        self.dropout1 = torch.nn.Dropout(0.5)
        self.fc2 = torch.nn.Linear(512, 256)
        self.bn2 = torch.nn.BatchNorm1d(256)
        self.relu2 = torch.nn.ReLU()
        self.dropout2 = torch.nn.Dropout(0.3)
        self.fc3 = torch.nn.Linear(256, 10)

    def forward(self, x):
        x = self.dropout1(self.relu1(self.bn1(self.fc1(x))))
        x = self.dropout2(self.relu2(self.bn2(self.fc2(x))))
        return self.fc3(x)


class WellRegularizedNetwork(nnx.Module):
    """The twin, with optional keep-masks for the two dropout layers (parity only)."""

    def __init__(self, *, dtype, rngs):
        self.fc1 = jaxnn.nn.Linear(784, 512, dtype=dtype, rngs=rngs)
        self.bn1 = jaxnn.nn.BatchNorm1d(512, dtype=dtype)
        self.relu1 = jaxnn.nn.ReLU()
        self.dropout1 = jaxnn.nn.Dropout(0.5, rngs=rngs)
        self.fc2 = jaxnn.nn.Linear(512, 256, dtype=dtype, rngs=rngs)
        self.bn2 = jaxnn.nn.BatchNorm1d(256, dtype=dtype)
        self.relu2 = jaxnn.nn.ReLU()
        self.dropout2 = jaxnn.nn.Dropout(0.3, rngs=rngs)
        self.fc3 = jaxnn.nn.Linear(256, 10, dtype=dtype, rngs=rngs)

    def __call__(self, x, masks=(None, None)):
        x = self.dropout1(self.relu1(self.bn1(self.fc1(x))), mask=masks[0])
        x = self.dropout2(self.relu2(self.bn2(self.fc2(x))), mask=masks[1])
        return self.fc3(x)


def _capture_torch_masks(model):
    """Forward hooks reading each dropout's keep-mask from its input and output.

    Where the input is 0 (after ReLU) the output is 0 either way; keeping those
    positions changes no value and no gradient that reaches a parameter.
    """
    masks = []

    def hook(_, inputs, output):
        masks.append(((output != 0) | (inputs[0] == 0)).numpy())

    for layer in (model.dropout1, model.dropout2):
        layer.register_forward_hook(hook)
    return masks


def test_well_regularized_network_train_and_eval(mode, rng):
    torch.manual_seed(0)
    t = TorchWellRegularizedNetwork().to(mode.torch)
    j = WellRegularizedNetwork(dtype=mode.jnp, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict())
    x = mode.array(rng.normal(size=(8, 784)))
    y = rng.integers(0, 10, size=8)
    masks = _capture_torch_masks(t)
    t.train()
    logits_t = t(torch.tensor(x))
    F.cross_entropy(logits_t, torch.tensor(y)).backward()

    def loss(model):
        logits = model(jnp.asarray(x), masks=tuple(masks))
        return jaxnn.functional.cross_entropy(logits, jnp.asarray(y)), logits

    (_, logits_j), grads = nnx.jit(nnx.value_and_grad(loss, has_aux=True))(j)
    mode.assert_close(logits_j, logits_t, name="train logits")
    mode.assert_state_dict_close(
        _grads_as_torch(j, grads, t), {k: p.grad for k, p in t.named_parameters()}
    )
    mode.assert_state_dict_close(jaxnn.interop.state_dict(j), t.state_dict(), name="running stats")
    t.eval()
    j.eval()
    x_eval = mode.array(rng.normal(size=(3, 784)))
    mode.assert_close(j(x_eval), t(torch.tensor(x_eval)).detach(), name="eval logits")


def test_batch_norm1d_running_stats_follow_fit_like_torch(mode, rng):
    # jaxnn.train carries the running statistics as non-parameter state through the jitted
    # step (torch mutates its buffers); after fit both models agree in train and eval state.
    torch.manual_seed(0)
    t = torch.nn.Sequential(
        torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.ReLU(), torch.nn.Linear(6, 3)
    ).to(mode.torch)
    rngs = nnx.Rngs(0)
    j = jaxnn.nn.Sequential(
        jaxnn.nn.Linear(4, 6, dtype=mode.jnp, rngs=rngs),
        jaxnn.nn.BatchNorm1d(6, dtype=mode.jnp),
        jaxnn.nn.ReLU(),
        jaxnn.nn.Linear(6, 3, dtype=mode.jnp, rngs=rngs),
    )
    jaxnn.interop.load_state_dict(j, t.state_dict())
    batches = [(mode.array(rng.normal(size=(5, 4))), rng.integers(0, 3, size=5)) for _ in range(3)]
    t_losses = torch_ref.train.fit(
        t,
        torch.optim.SGD(t.parameters(), lr=0.1),
        F.cross_entropy,
        [(torch.tensor(x), torch.tensor(y)) for x, y in batches],
        2,
    ).losses
    result = jaxnn.train.fit(
        j,
        jaxnn.optim.sgd(lr=0.1),
        jaxnn.functional.cross_entropy,
        [(jnp.asarray(x), jnp.asarray(y)) for x, y in batches],
        2,
    )
    mode.assert_close(result.losses, t_losses, kind="curve", name="losses")
    sd = jaxnn.interop.state_dict(j)
    harness.assert_equal(sd["1.num_batches_tracked"], t.state_dict()["1.num_batches_tracked"])
    assert int(sd["1.num_batches_tracked"]) == 6
    mode.assert_state_dict_close(sd, t.state_dict(), kind="curve")
    t.eval()
    j.eval()
    x = mode.array(rng.normal(size=(4, 4)))
    mode.assert_close(j(x), t(torch.tensor(x)).detach(), kind="curve", name="eval logits")
