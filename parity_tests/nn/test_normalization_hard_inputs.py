"""LayerNorm on hard inputs, against torch: property tests (hypothesis) over offset, wide,
tied and non-finite values, with empty and size-1 dimensions; forward values, input and
parameter gradients; both dtypes.

Normalising values far from zero (mean ``1e4``, unit spread) cancels terms of size
``|x| / std``: every float32 implementation rounds at that size, torch's own CPU kernels
against each other included. Those comparisons use the ``offset`` tolerance, scaled to the
cancelled terms; the float32 gap to torch is documented in ``jaxnn.nn.LayerNorm`` and pinned
here, and the float64 comparison is tight enough to tell a two-pass variance from a one-pass
``E[x^2] - E[x]^2``.
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

EPS = 1e-5  # both frameworks' default, used throughout


def _params(draw, shape, dtype):
    """Affine parameters or a cotangent: ordinary random values (never the zeros hypothesis
    prefers, under which a wrong statistic has no effect), so the input carries the hardness."""
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


def _row_scales(x: np.ndarray, axes: tuple[int, ...]) -> tuple[float, float]:
    """``(cond, rstd_cond)``: the largest ``1 + max|x| / std`` of a normalised group (the size
    of the terms a normalisation cancels, relative to its O(1) result) and the largest
    ``(1 + max|x| / std) / std`` (the same for the input gradient, which carries another
    ``1 / std``), from float64 statistics of the finite values."""
    x = np.where(np.isfinite(x), x, 0.0).astype(np.float64)
    if not x.size:
        return 0.0, 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        rstd = 1 / np.sqrt(np.var(x, axis=axes, keepdims=True) + EPS)
        cond = 1 + np.max(np.abs(x), axis=axes, keepdims=True) * rstd
    return float(np.nanmax(cond)), float(np.nanmax(rstd * cond))


def _offset_tol(mode, terms: float) -> harness.Tolerance:
    return harness.scaled(mode.tol("offset"), np.asarray(terms))


# (input shape, normalized_shape): an empty batch, a size-1 normalised dimension, two
# normalised dimensions. Few, because JAX compiles once per shape and dtype (~2 s each here);
# drawn shapes would make this file take minutes.
LAYER_NORM_SHAPES = [((2, 2, 5), (2, 5)), ((3, 1), (1,)), ((0, 4), (4,))]
MODULE_SHAPES = LAYER_NORM_SHAPES[:2]


KINDS = (*FINITE_KINDS, "noisy offset")


@st.composite
def noisy_offset_arrays(draw, dtype, shape):
    """Unit spread with full-length mantissas around a mean far from zero. hard_arrays'
    ``offset`` kind draws simple spreads (0, 1, -3, 0.5 ...), whose squares and sums float64
    holds exactly, so a one-pass variance is exact on them; random digits are not."""
    mean = draw(st.sampled_from(OFFSETS))
    seed = draw(st.integers(0, 2**32 - 1))
    return (mean + np.random.default_rng(seed).normal(size=shape)).astype(dtype)


def _layer_norm_case(mode, data, kind, shapes=LAYER_NORM_SHAPES):
    """Input, normalized_shape, weight, bias and cotangent for one drawn LayerNorm case."""
    shape, normalized = data.draw(st.sampled_from(shapes), label="shapes")
    if kind == "noisy offset":
        x = data.draw(noisy_offset_arrays(mode.np, shape), label="x")
    else:
        x = data.draw(hard_arrays(mode.np, kind, shape), label="x")
    w, b = _params(data.draw, normalized, mode.np), _params(data.draw, normalized, mode.np)
    g = _params(data.draw, shape, mode.np)
    return x, normalized, w, b, g


def _torch_layer_norm(x, normalized, w, b, g):
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = F.layer_norm(xt, list(normalized), wt, bt, EPS)
    out.backward(torch.tensor(g))
    return out.detach(), xt.grad, wt.grad, bt.grad


def _with_grads(fn):
    """``fn(x, w, b)`` and its gradients for the cotangent ``g``, jitted."""

    def loss(x, w, b, g):
        out = fn(x, w, b)
        return jnp.sum(out * g), out

    grad = jax.value_and_grad(loss, argnums=(0, 1, 2), has_aux=True)

    @jax.jit
    def out_and_grads(x, w, b, g):
        (_, out), grads = grad(x, w, b, g)
        return out, *grads

    return out_and_grads


# One jitted function per (normalized_shape, dtype), kept across examples and tests.
_functional_layer_norm = {}


def _module_loss(module, x, g):
    out = module(x)
    return jnp.sum(out * g), out


_module_out_and_grads = nnx.jit(nnx.value_and_grad(_module_loss, argnums=(0, 1), has_aux=True))


def _jax_layer_norm(x, normalized, w, b, g, layer):
    """Output and gradients of ``sum(layer_norm(x) * g)``: ``layer`` is ``"functional"`` or
    ``"module"`` (``jaxnn.nn.LayerNorm``, Flax's own code configured to torch)."""
    if layer == "module":
        module = jaxnn.nn.LayerNorm(list(normalized), dtype=x.dtype)
        module.scale[...], module.bias[...] = jnp.asarray(w), jnp.asarray(b)
        (_, out), (grads, dx) = _module_out_and_grads(module, jnp.asarray(x), jnp.asarray(g))
        return out, dx, grads["scale"][...], grads["bias"][...]
    key = (normalized, x.dtype.name)
    if key not in _functional_layer_norm:
        _functional_layer_norm[key] = _with_grads(
            lambda x, w, b: jaxnn.functional.layer_norm(x, normalized, w, b, EPS)
        )
    return _functional_layer_norm[key](*map(jnp.asarray, (x, w, b, g)))


def _torch_nan_groups(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """The finite normalised groups torch's CPU kernel may turn to NaN: those holding a value
    whose square overflows the dtype. Its Welford combine multiplies such a square, grown to
    ``inf``, by a zero count (``inf * 0``); jaxnn's two-pass statistics stay finite."""
    with np.errstate(over="ignore"):
        square = np.square(np.where(np.isfinite(x), x, 0))
    return np.any(np.isinf(square), axis=axes, keepdims=True)


def _assert_layer_norm_like_torch(mode, x, normalized, w, b, g, layer):
    axes = tuple(range(x.ndim - len(normalized), x.ndim))
    cond, rstd_cond = _row_scales(x, axes)
    batch = tuple(range(x.ndim - len(normalized)))
    abs_g = np.abs(g.astype(np.float64))
    g_sum = float(np.max(abs_g.sum(axis=batch))) if x.size else 0.0
    w_max = float(np.max(np.abs(w))) if w.size else 0.0
    g_max = float(np.max(abs_g)) if x.size else 0.0
    out_t, dx_t, dw_t, db_t = (t.numpy() for t in _torch_layer_norm(x, normalized, w, b, g))
    jax_values = _jax_layer_norm(x, normalized, w, b, g, layer)
    out_j, dx_j, dw_j, db_j = (np.asarray(a) for a in jax_values)
    nan_groups = np.broadcast_to(_torch_nan_groups(x, axes), x.shape)
    if nan_groups.any():  # the documented difference, pinned; the other groups still compared
        assert np.isfinite(out_j[nan_groups]).all()
        out_t, out_j, dx_t, dx_j = (np.where(nan_groups, 0, a) for a in (out_t, out_j, dx_t, dx_j))
        dw_t = dw_j  # torch's is NaN: it sums over the NaN groups
    # Each quantity against the terms it cancels: y = (x - mean) * rstd * w + b; the input
    # gradient ~ g * w * rstd * (x - mean) * rstd; the weight gradient sums g * x̂ over the batch.
    harness.assert_close(out_j, out_t, _offset_tol(mode, w_max * cond), name="output")
    harness.assert_close(
        dx_j, dx_t, _offset_tol(mode, g_max * w_max * rstd_cond), name="input grad"
    )
    harness.assert_close(dw_j, dw_t, _offset_tol(mode, g_sum * cond), name="weight grad")
    mode.assert_close(db_j, db_t, name="bias grad")


@pytest.mark.parametrize("layer", ["functional", "module"])
@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_layer_norm_matches_torch_on_hard_inputs(mode, kind, layer, data):
    shapes = MODULE_SHAPES if layer == "module" else LAYER_NORM_SHAPES
    x, normalized, w, b, g = _layer_norm_case(mode, data, kind, shapes)
    _assert_layer_norm_like_torch(mode, x, normalized, w, b, g, layer)


@given(data=st.data())
def test_layer_norm_puts_nan_where_torch_does(mode, data):
    # A non-finite value in a normalised group makes that group's mean or variance
    # non-finite: the whole group is NaN in both, its neighbours are untouched.
    x, normalized, w, b, g = _layer_norm_case(mode, data, "nonfinite")
    _assert_layer_norm_like_torch(mode, x, normalized, w, b, g, "functional")


# ------------------------------------------------------- float32 offset inputs (documented)


@pytest.mark.parametrize("mean", [1e3, 1e4])
def test_layer_norm_float32_offset_gap_to_torch_is_the_documented_one(mean):
    # torch's CPU kernel takes the mean and variance by float32 Welford (8-lane vectorised with
    # AVX2, so torch differs from itself between CPU capabilities), jaxnn by float32 two-pass
    # sums: each rounds the mean at |mean| * 6e-8, which normalisation turns into an absolute
    # error of ~1e-7 * |mean| / std. The two are equally far from float64 and that far from
    # each other: outside the plain float32 tolerance (docstring of jaxnn.nn.LayerNorm).
    x = (mean + np.random.default_rng(0).normal(size=(64, 768))).astype(np.float32)
    ref = F.layer_norm(torch.tensor(x, dtype=torch.float64), [768]).numpy()
    out_t = F.layer_norm(torch.tensor(x), [768]).numpy()
    out_j = jaxnn.nn.LayerNorm(768)(x)
    cond, _ = _row_scales(x, (1,))
    tol = harness.scaled(harness.tolerance("float32", "offset"), np.asarray(cond))
    harness.assert_close(out_t, ref, tol, name="torch float32 against float64")
    harness.assert_close(out_j, ref, tol, name="jaxnn float32 against float64")
    harness.assert_close(out_j, out_t, tol, name="jaxnn against torch")
    with pytest.raises(AssertionError, match="outside tolerance"):
        harness.assert_close(out_j, out_t, harness.tolerance("float32"))


def _one_pass_layer_norm(x, normalized, w, b, eps=EPS):
    axes = tuple(range(x.ndim - len(normalized), x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x), axis=axes, keepdims=True) - jnp.square(mean)
    return (x - mean) * jax.lax.rsqrt(var + eps) * w + b


def test_offset_tolerance_tells_a_one_pass_variance_from_torch():
    # The float64 offset comparison above is meant to catch E[x^2] - E[x]^2: at mean 1e4 it is
    # off by ~3e-8 relative, the two-pass statistics by ~1e-15 of the cancelled terms.
    rng = np.random.default_rng(0)
    x = 1e4 + rng.uniform(-3, 3, size=(4, 5))
    w, b = rng.normal(size=5), rng.normal(size=5)
    with jax.enable_x64(True):
        out_t = F.layer_norm(torch.tensor(x), [5], torch.tensor(w), torch.tensor(b)).numpy()
        cond, _ = _row_scales(x, (1,))
        tol = harness.scaled(harness.tolerance("float64", "offset"), np.abs(w).max() * cond)
        harness.assert_close(jaxnn.functional.layer_norm(x, 5, w, b), out_t, tol)
        with pytest.raises(AssertionError, match="outside tolerance"):
            harness.assert_close(_one_pass_layer_norm(x, (5,), w, b), out_t, tol)


def test_layer_norm_where_torch_gives_nan_for_a_huge_mean():
    # Documented in jaxnn.nn.LayerNorm: a group whose mean squared overflows (|mean| > 1.8e19
    # in float32) is NaN in torch (CPU) and normalised in jaxnn, in both dtypes' ranges.
    for dtype, big in (("float32", 2e19), ("float64", 2e154)):
        x = np.array([[big, big, big], [big, 1.0, -big / 3], [1.0, 2.0, 3.0]], dtype)
        with jax.enable_x64(dtype == "float64"):
            out_t = F.layer_norm(torch.tensor(x), [3]).numpy()
            out_j = np.asarray(jaxnn.functional.layer_norm(x, 3))
        np.testing.assert_array_equal(_torch_nan_groups(x, (1,))[:, 0], [True, True, False])
        assert np.isnan(out_t[0]).all()  # mean squared overflows
        harness.assert_equal(out_j[0], np.zeros(3))  # a constant group normalises to 0
        harness.assert_close(out_j[1:], out_t[1:], harness.tolerance(dtype))
