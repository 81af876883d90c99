"""BatchNorm1d on hard inputs, against torch: property tests (hypothesis) over offset, wide,
tied and non-finite values, with size-1 dimensions; training and evaluation, forward values,
input and parameter gradients, running statistics; both dtypes. An empty batch, which torch
accepts in training too, has a test of its own.

Normalising values far from zero cancels terms of size ``|x| / std``, so, as for LayerNorm
(``test_normalization_hard_inputs.py``), those comparisons use the ``offset`` tolerance scaled
to the cancelled terms. torch's CPU kernel normalises as ``x * alpha + beta`` with
``alpha = weight / std`` and ``beta = bias - mean * alpha`` (the cancellation happens in the
last add), jaxnn as ``(x - mean) / std * weight + bias``: measured on (N, C) at means 1e3 and
1e4 in float32, both are within 5e-7 of the cancelled terms from float64 and as far from each
other (``jaxnn.nn.BatchNorm1d``'s docstring); in float64 within 2e-16 of each other.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx
from hypothesis import given
from hypothesis import strategies as st

import jaxnn
from twincore import harness

from ..hard_inputs import FINITE_KINDS, OFFSETS, hard_arrays
from .components import NORMALIZATION

pytestmark = NORMALIZATION

EPS = 1e-5  # both frameworks' default
MOMENTUM = 0.1

# (N, C) or (N, C, L): ordinary, and a batch of one sample with one channel and a length
# (training needs more than one value per channel, not more than one sample). Few, because
# each shape and mode compiles once per dtype.
SHAPES = [(4, 3), (1, 1, 3)]

KINDS = (*FINITE_KINDS, "noisy offset", "nonfinite")


def _ordinary(draw, shape, dtype, low=None):
    """Parameters, running statistics or a cotangent: random values drawn by seed (never the
    zeros hypothesis prefers), so the input carries the hardness."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = rng.normal(size=shape) if low is None else rng.uniform(low, 2.0, size=shape)
    return values.astype(dtype)


def _channel_stats(x: np.ndarray):
    """Float64 per-channel ``(mean, biased var, max |x|)`` of the finite values, shaped (C,)."""
    x = np.where(np.isfinite(x), x, 0.0).astype(np.float64)
    axes = (0, *range(2, x.ndim))
    return x.mean(axis=axes), x.var(axis=axes), np.abs(x).max(axis=axes)


def _case(mode, data, kind):
    shape = data.draw(st.sampled_from(SHAPES), label="shape")
    if kind == "noisy offset":  # full-length mantissas: a one-pass variance is not exact
        mean = data.draw(st.sampled_from(OFFSETS), label="mean")
        x = (mean + _ordinary(data.draw, shape, np.float64)).astype(mode.np)
    else:
        x = data.draw(hard_arrays(mode.np, kind, shape), label="x")
    c = shape[1]
    w, b, g = (_ordinary(data.draw, s, mode.np) for s in ((c,), (c,), shape))
    # Running statistics as a trained layer holds them: the mean near the data's, and a
    # positive variance.
    mean, _, _ = _channel_stats(x)
    running_mean = (mean + _ordinary(data.draw, (c,), np.float64)).astype(mode.np)
    running_var = _ordinary(data.draw, (c,), mode.np, low=0.5)
    return x, w, b, g, running_mean, running_var


def _torch_module(x, w, b, running_mean, running_var, training):
    t = torch.nn.BatchNorm1d(x.shape[1], EPS, MOMENTUM).to(torch.from_numpy(x).dtype)
    with torch.no_grad():
        t.weight.copy_(torch.tensor(w))
        t.bias.copy_(torch.tensor(b))
        t.running_mean.copy_(torch.tensor(running_mean))
        t.running_var.copy_(torch.tensor(running_var))
    return t.train(training)


def _loss(model, x, g):
    out = model(x)
    return jnp.sum(out * g), out


# (C, dtype) -> one jitted program for both modes, kept across examples and tests. The modules
# are built inside it (building and loading one per example eagerly costs ten times more).
_programs = {}


def _jax_program(c, dtype):
    key = (c, np.dtype(dtype).name)
    if key not in _programs:

        @jax.jit
        def program(x, w, b, g, running_mean, running_var):
            results = {}
            for training in (True, False):
                m = jaxnn.nn.BatchNorm1d(c, EPS, MOMENTUM, dtype=dtype)
                m.train() if training else m.eval()
                m.scale[...], m.bias[...] = w, b
                m.mean[...], m.var[...] = running_mean, running_var
                grad = nnx.value_and_grad(_loss, argnums=(0, 1), has_aux=True)
                (_, out), (grads, dx) = grad(m, x, g)
                stats = m.mean[...], m.var[...], m.num_batches_tracked[...]
                results[training] = (out, dx, grads["scale"][...], grads["bias"][...]), stats
            return results

        _programs[key] = program
    return _programs[key]


def _run_both(x, w, b, g, running_mean, running_var, training):
    """torch's and jaxnn's ``(output, input grad, weight grad, bias grad)`` for ``sum(y * g)``
    and their running ``(mean, var, num_batches_tracked)`` after the call."""
    t = _torch_module(x, w, b, running_mean, running_var, training)
    xt = torch.tensor(x, requires_grad=True)
    out_t = t(xt)
    out_t.backward(torch.tensor(g))
    torch_side = (out_t.detach(), xt.grad, t.weight.grad, t.bias.grad)
    torch_stats = (t.running_mean, t.running_var, t.num_batches_tracked)
    program = _jax_program(x.shape[1], x.dtype)
    jax_side, jax_stats = program(x, w, b, g, running_mean, running_var)[training]
    return tuple(
        [np.asarray(a) for a in values] for values in (torch_side, jax_side, torch_stats, jax_stats)
    )


def _nonfinite_channels(x):
    return ~np.isfinite(x).all(axis=(0, *range(2, x.ndim)))


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_batch_norm1d_training_matches_torch_on_hard_inputs(mode, kind, data):
    x, w, b, g, running_mean, running_var = _case(mode, data, kind)
    torch_side, jax_side, torch_stats, jax_stats = _run_both(
        x, w, b, g, running_mean, running_var, training=True
    )
    (out_t, dx_t, dw_t, db_t), (out_j, dx_j, dw_j, db_j) = torch_side, jax_side
    mean, var, x_max = _channel_stats(x)
    with np.errstate(divide="ignore"):
        rstd = 1 / np.sqrt(var + EPS)
    # The size of the cancelled terms relative to the O(1) result, per channel: as for
    # LayerNorm, y = (x - mean) * rstd * w + b cancels terms of 1 + max|x| * rstd; the input
    # gradient carries another rstd; the weight gradient sums g * x̂ over the batch.
    cond = 1 + x_max * rstd
    w_max, g_max = np.abs(w).max(), np.abs(g).max()
    g_sum = np.abs(g.astype(np.float64)).sum(axis=(0, *range(2, x.ndim))).max()
    tol = mode.tol("offset")
    harness.assert_close(out_j, out_t, harness.scaled(tol, w_max * cond), name="output")
    harness.assert_close(dx_j, dx_t, harness.scaled(tol, g_max * w_max * rstd * cond), name="dx")
    harness.assert_close(dw_j, dw_t, harness.scaled(tol, g_sum * cond), name="weight grad")
    mode.assert_close(db_j, db_t, name="bias grad")
    # Running statistics: the mean sums values of size max|x| (op tolerance against that),
    # the unbiased variance squares deviations that carry the mean's rounding of size
    # max|x|, i.e. relative cond to the variance (offset tolerance against var * cond).
    n = x.size // x.shape[1]
    unbiased = var * n / (n - 1)
    (new_mean_t, new_var_t, count_t), (new_mean_j, new_var_j, count_j) = torch_stats, jax_stats
    harness.assert_close(
        new_mean_j, new_mean_t, harness.scaled(mode.tol(), x_max), name="running mean"
    )
    var_tol = harness.scaled(tol, MOMENTUM * unbiased * cond + running_var)
    harness.assert_close(new_var_j, new_var_t, var_tol, name="running var")
    assert int(count_j) == int(count_t) == 1
    if kind == "nonfinite":  # a nan or inf makes its whole channel NaN, in both
        bad = _nonfinite_channels(x)
        assert np.isnan(out_j[:, bad]).all()


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_batch_norm1d_evaluation_matches_torch_on_hard_inputs(mode, kind, data):
    x, w, b, g, running_mean, running_var = _case(mode, data, kind)
    torch_side, jax_side, torch_stats, jax_stats = _run_both(
        x, w, b, g, running_mean, running_var, training=False
    )
    (out_t, dx_t, dw_t, db_t), (out_j, dx_j, dw_j, db_j) = torch_side, jax_side
    # torch forms x * alpha + (b - mean * alpha), jaxnn (x - mean) * alpha + b: each rounds
    # at the size of the terms it cancels, (|x| + |mean|) * rstd * |w| + |b|.
    rstd = 1 / np.sqrt(running_var.astype(np.float64) + EPS)
    _, _, x_max = _channel_stats(x)
    terms = (x_max + np.abs(running_mean)) * rstd
    tol = mode.tol("offset")
    harness.assert_close(
        out_j, out_t, harness.scaled(tol, terms * np.abs(w) + np.abs(b)), name="output"
    )
    mode.assert_close(dx_j, dx_t, name="input grad")  # g * w * rstd: nothing cancels
    g_sum = np.abs(g.astype(np.float64)).sum(axis=(0, *range(2, x.ndim)))
    harness.assert_close(dw_j, dw_t, harness.scaled(tol, g_sum * terms), name="weight grad")
    mode.assert_close(db_j, db_t, name="bias grad")
    # Evaluation leaves every statistic as it was.
    for stats in (torch_stats, jax_stats):
        harness.assert_equal(stats[0], running_mean)
        harness.assert_equal(stats[1], running_var)
        assert int(stats[2]) == 0


def test_batch_norm1d_float32_offset_gap_to_torch_is_the_documented_one():
    # The docstring's numbers: at mean 1e4, unit spread, (64, 16) in float32, torch and jaxnn
    # are each ~1e-7 of the cancelled terms from float64 (1.3e-3 and 1.1e-3 absolute), within
    # the offset tolerance, and differ from each other (4e-4) by more than the plain float32
    # tolerance allows.
    x = (1e4 + np.random.default_rng(0).normal(size=(64, 16))).astype(np.float32)
    ref = F.batch_norm(torch.tensor(x, dtype=torch.float64), None, None, training=True).numpy()
    out_t = F.batch_norm(torch.tensor(x), None, None, training=True).numpy()
    out_j = jaxnn.functional.batch_norm(x, None, None, training=True)
    mean, var, x_max = _channel_stats(x)
    cond = 1 + x_max / np.sqrt(var + EPS)
    tol = harness.scaled(harness.tolerance("float32", "offset"), cond)
    harness.assert_close(out_t, ref, tol, name="torch float32 against float64")
    harness.assert_close(out_j, ref, tol, name="jaxnn float32 against float64")
    harness.assert_close(out_j, out_t, tol, name="jaxnn against torch")
    with pytest.raises(AssertionError, match="outside tolerance"):
        harness.assert_close(out_j, out_t, harness.tolerance("float32"))


def test_batch_norm1d_empty_batch_is_accepted_in_training_like_torch(mode):
    # torch accepts N = 0 (or L = 0) in training: the output is empty, the parameters get
    # zero gradients, the running statistics stay as they were and num_batches_tracked still
    # counts the call. jaxnn raised "Expected more than 1 value per channel" here before.
    shape = (0, 3)  # L = 0 takes the same path: no values per channel
    x, g = np.zeros(shape, mode.np), np.ones(shape, mode.np)
    w, b = mode.array([1.5, -2.0, 0.5]), mode.array([0.1, 0.2, 0.3])
    stats = mode.array([1.0, 2.0, 3.0]), mode.array([0.5, 1.0, 2.0])
    torch_side, jax_side, torch_stats, jax_stats = _run_both(x, w, b, g, *stats, True)
    (out_t, dx_t, dw_t, db_t), (out_j, dx_j, dw_j, db_j) = torch_side, jax_side
    assert out_j.shape == out_t.shape == dx_j.shape == dx_t.shape == shape
    harness.assert_equal(dw_j, dw_t)
    harness.assert_equal(db_j, db_t)
    harness.assert_equal(dw_j, np.zeros(3))
    for got, expected, before in zip(jax_stats[:2], torch_stats[:2], stats, strict=True):
        harness.assert_equal(got, expected)
        harness.assert_equal(got, before)
    assert int(jax_stats[2]) == int(torch_stats[2]) == 1
    functional = jaxnn.functional.batch_norm(x, None, None, training=True)
    assert functional.shape == F.batch_norm(torch.tensor(x), None, None, training=True).shape
    new_stats = jaxnn.functional.batch_norm_running_stats(x, *stats)
    for got, before in zip(new_stats, stats, strict=True):
        harness.assert_equal(got, before)


def test_batch_norm1d_single_value_per_channel_raises_in_training_in_both():
    # One value per channel has no batch variance: torch and jaxnn refuse it in training,
    # module and functional alike (evaluation accepts it: test_normalization.py).
    for shape in [(1, 3), (1, 3, 1)]:
        x = np.ones(shape, np.float32)
        with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
            F.batch_norm(torch.tensor(x), None, None, training=True)
        with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
            jaxnn.functional.batch_norm(x, None, None, training=True)
        with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
            jaxnn.functional.batch_norm_running_stats(x, np.zeros(3), np.ones(3))


def test_batch_norm1d_float32_variance_overflow_zeroes_the_channel_in_both():
    # A channel holding values beyond ~1.8e19 squares to inf in float32: both frameworks then
    # scale it by 1 / sqrt(inf) = 0 (float64 normalises it); the other channels are untouched.
    x = np.array([[3e25, 1.0], [-1e20, 2.0], [5.0, 4.0]], np.float32)
    out_t = F.batch_norm(torch.tensor(x), None, None, training=True).numpy()
    out_j = np.asarray(jaxnn.functional.batch_norm(x, None, None, training=True))
    harness.assert_equal(out_t[:, 0], np.zeros(3))
    harness.assert_equal(out_j[:, 0], np.zeros(3))
    harness.assert_close(out_j[:, 1], out_t[:, 1], harness.tolerance("float32"))
