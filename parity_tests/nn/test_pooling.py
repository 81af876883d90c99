"""``nn.MaxPool2d`` / ``F.max_pool2d`` twins.

Inventory §1.12 (row ``nn.MaxPool2d``: stride defaults to the kernel, floor mode 26→13,
11→5), parity-rules (Flax's stride defaults to 1); S3 307, 310 (E08).
"""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import linen, nnx

import jaxnn
from twincore import harness

from .components import MAXPOOL2D

pytestmark = MAXPOOL2D

# MaxPool2d kwargs; inputs are (2, 3, 7, 8) unless the name says unbatched.
CONFIGS = {
    "kernel2": {"kernel_size": 2},
    "kernel3_stride2_padding1": {"kernel_size": 3, "stride": 2, "padding": 1},
    "kernel2x3_stride2x1_dilation2_padding1": {
        "kernel_size": (2, 3),
        "stride": (2, 1),
        "dilation": 2,
        "padding": 1,
    },
    "ceil_mode": {"kernel_size": 3, "stride": 2, "ceil_mode": True},
    "ceil_mode_padding1": {"kernel_size": 2, "padding": 1, "ceil_mode": True},
    "unbatched": {"kernel_size": 2},
}


def _input_shape(config):
    return (3, 7, 8) if config == "unbatched" else (2, 3, 7, 8)


def _torch_pool(x, cotangent, **kwargs):
    """``max_pool2d`` output and the input gradient of ``sum(out * cotangent)``."""
    xt = torch.tensor(x, requires_grad=True)
    out = F.max_pool2d(xt, **kwargs)
    values = out[0] if isinstance(out, tuple) else out
    (values * torch.tensor(cotangent)).sum().backward()
    return out, xt.grad


def _jax_pool(pool, x, cotangent, jit=True):
    """``pool(x)`` and the input gradient of ``sum(values * cotangent)``, in one call."""

    def loss(x):
        out = pool(x)
        values = out[0] if isinstance(out, tuple) else out
        return jnp.sum(values * cotangent), out

    run = jax.grad(loss, has_aux=True)
    grad, out = (jax.jit(run) if jit else run)(jnp.asarray(x))
    return out, grad


def _check_layer(mode, rng, config, jit):
    kwargs = CONFIGS[config]
    x = mode.array(rng.normal(size=_input_shape(config)))  # continuous: no ties
    out_shape = tuple(F.max_pool2d(torch.tensor(x), **kwargs).shape)
    cotangent = mode.array(rng.uniform(0.5, 1.5, size=out_shape))
    out_t, grad_t = _torch_pool(x, cotangent, **kwargs)
    out_j, grad_j = _jax_pool(jaxnn.nn.MaxPool2d(**kwargs), x, cotangent, jit)
    mode.assert_close(out_j, out_t, name="output")
    mode.assert_close(grad_j, grad_t, name="input grad")


@pytest.mark.parametrize("config", list(CONFIGS))
def test_max_pool2d_forward_and_gradients_jit(mode, rng, config):
    _check_layer(mode, rng, config, jit=True)


@pytest.mark.parametrize("config", ["kernel2", "ceil_mode_padding1"])
def test_max_pool2d_forward_and_gradients_eager(mode, rng, config):
    # Eager runs op by op (a compile per primitive and shape), so only two configurations.
    _check_layer(mode, rng, config, jit=False)


@pytest.mark.parametrize("config", ["kernel3_stride2_padding1", "ceil_mode_padding1", "unbatched"])
def test_max_pool2d_return_indices(mode, rng, config):
    kwargs = CONFIGS[config]
    x = mode.array(rng.normal(size=_input_shape(config)))
    out_shape = tuple(F.max_pool2d(torch.tensor(x), **kwargs).shape)
    cotangent = mode.array(rng.uniform(0.5, 1.5, size=out_shape))
    (values_t, indices_t), grad_t = _torch_pool(x, cotangent, **kwargs, return_indices=True)
    (values_j, indices_j), grad_j = _jax_pool(
        lambda x: jaxnn.functional.max_pool2d(x, **kwargs, return_indices=True), x, cotangent
    )
    mode.assert_close(values_j, values_t, name="values")
    harness.assert_equal(indices_j, indices_t, name="indices")
    mode.assert_close(grad_j, grad_t, name="input grad")


def test_max_pool2d_ties_send_the_gradient_to_the_first_maximum(mode):
    # Windows full of equal values (as after a ReLU): torch keeps the first maximum in
    # row-major window order and gives it the whole gradient, with or without indices.
    x = mode.array([[[[1, 1, 2, 0], [1, 0, 2, 2], [0, 0, 3, 3], [0, 0, 3, 3]]]])
    cotangent = mode.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    (values_t, indices_t), grad_t = _torch_pool(x, cotangent, kernel_size=2, return_indices=True)
    values_j, grad_j = _jax_pool(jaxnn.nn.MaxPool2d(2), x, cotangent)
    harness.assert_equal(values_j, values_t)
    mode.assert_close(grad_j, grad_t, name="grad")
    (values_j, indices_j), grad_j = _jax_pool(
        jaxnn.nn.MaxPool2d(2, return_indices=True), x, cotangent
    )
    mode.assert_close(grad_j, grad_t, name="grad, return_indices")
    harness.assert_equal(indices_j, indices_t)
    harness.assert_equal(indices_t, [[[[0, 2], [8, 10]]]])
    harness.assert_equal(values_j, values_t)


# Inputs full of ties, (2, 3, 8, 9): odd width, so tiling windows leave a column out.
TIES = {
    # an all-zero window after a ReLU is the common case in a CNN
    "relu": lambda rng: np.maximum(rng.normal(size=(2, 3, 8, 9)) - 0.5, 0.0),
    "integers_0_to_2": lambda rng: rng.integers(0, 3, size=(2, 3, 8, 9)).astype(float),
    "all_equal": lambda rng: np.full((2, 3, 8, 9), 0.25),
    "repeated_rows": lambda rng: np.repeat(rng.integers(-2, 2, size=(2, 3, 4, 9)), 2, axis=2),
}
TIE_CONFIGS = {
    "kernel2": {"kernel_size": 2},
    "kernel3_stride2": {"kernel_size": 3, "stride": 2},
    "kernel3_stride2_padding1": {"kernel_size": 3, "stride": 2, "padding": 1},
    "ceil_mode_padding1": {"kernel_size": 2, "padding": 1, "ceil_mode": True},
    "kernel2x3_stride1x2_dilation2": {"kernel_size": (2, 3), "stride": (1, 2), "dilation": 2},
}


@pytest.mark.parametrize("config", list(TIE_CONFIGS))
@pytest.mark.parametrize("ties", list(TIES))
def test_max_pool2d_ties_match_torch(mode, rng, ties, config):
    # Values, indices and the gradient (a random upstream gradient, so a gradient sent to
    # the wrong element or split among tied ones shows) with many tied maxima per window.
    kwargs = TIE_CONFIGS[config]
    x = mode.array(TIES[ties](rng))
    out_shape = tuple(F.max_pool2d(torch.tensor(x), **kwargs).shape)
    cotangent = mode.array(rng.uniform(0.5, 1.5, size=out_shape))
    (values_t, indices_t), grad_t = _torch_pool(x, cotangent, **kwargs, return_indices=True)
    values_j, grad_j = _jax_pool(jaxnn.nn.MaxPool2d(**kwargs), x, cotangent)
    harness.assert_equal(values_j, values_t, name="values")
    mode.assert_close(grad_j, grad_t, name="input grad")
    (_, indices_j), grad_j = _jax_pool(
        jaxnn.nn.MaxPool2d(**kwargs, return_indices=True), x, cotangent
    )
    harness.assert_equal(indices_j, indices_t, name="indices")
    mode.assert_close(grad_j, grad_t, name="input grad, return_indices")


def test_max_pool2d_tie_test_tells_a_split_gradient_from_torchs(mode, rng):
    # Power of the test above: a plain reshape-and-max pooling, whose gradient splits
    # among tied maxima, fails it on the ReLU input, while the twin passes.
    x = mode.array(TIES["relu"](rng))
    cotangent = mode.array(rng.uniform(0.5, 1.5, size=(2, 3, 4, 4)))
    _, grad_t = _torch_pool(x, cotangent, kernel_size=2)

    def reshape_max(x):
        return x[:, :, :, :8].reshape(2, 3, 4, 2, 4, 2).max(axis=(3, 5))

    _, grad_split = _jax_pool(reshape_max, x, cotangent)
    with pytest.raises(AssertionError):
        mode.assert_close(grad_split, grad_t, name="split-among-ties grad")
    _, grad_j = _jax_pool(jaxnn.nn.MaxPool2d(2), x, cotangent)
    mode.assert_close(grad_j, grad_t, name="input grad")


NAN = np.nan
NAN_WINDOWS = {
    "one_nan": [[1.0, NAN], [5.0, 2.0]],
    "two_nans": [[NAN, 7.0], [NAN, 2.0]],
    "all_nan": [[NAN, NAN], [NAN, NAN]],
    "nan_then_larger": [[NAN, 1.0], [9.0, 3.0]],
}


@pytest.mark.parametrize("window", list(NAN_WINDOWS))
def test_max_pool2d_nan_windows_match_torch(mode, window):
    # torch keeps a tap when `val > maxval || isnan(val)`: the value is NaN, and the index
    # and the gradient go to the last NaN of the window in row-major order.
    x = mode.array([[NAN_WINDOWS[window]]])
    cotangent = mode.array([[[[1.0]]]])
    (values_t, indices_t), grad_t = _torch_pool(x, cotangent, kernel_size=2, return_indices=True)
    (values_j, indices_j), grad_j = _jax_pool(
        jaxnn.nn.MaxPool2d(2, return_indices=True), x, cotangent
    )
    harness.assert_equal(values_j, values_t)
    harness.assert_equal(indices_j, indices_t)
    harness.assert_equal(grad_j, grad_t)
    _, grad_j = _jax_pool(jaxnn.nn.MaxPool2d(2), x, cotangent)
    harness.assert_equal(grad_j, grad_t)


def test_max_pool2d_nan_in_overlapping_windows_matches_torch(mode, rng):
    # Overlapping, padded windows sharing NaNs: each window picks its own last NaN.
    x = rng.integers(0, 3, size=(1, 2, 7, 7)).astype(float)
    x[0, 0, 2, 3] = x[0, 0, 3, 3] = x[0, 1, 0, 0] = x[0, 1, 6, 5] = NAN
    x = mode.array(x)
    kwargs = {"kernel_size": 3, "stride": 2, "padding": 1}
    cotangent = mode.array(rng.uniform(0.5, 1.5, size=(1, 2, 4, 4)))
    (values_t, indices_t), grad_t = _torch_pool(x, cotangent, **kwargs, return_indices=True)
    (values_j, indices_j), grad_j = _jax_pool(
        jaxnn.nn.MaxPool2d(**kwargs, return_indices=True), x, cotangent
    )
    harness.assert_equal(values_j, values_t)
    harness.assert_equal(indices_j, indices_t)
    mode.assert_close(grad_j, grad_t, name="input grad")


@pytest.mark.parametrize("config", ["kernel2", "kernel3_stride2_padding1"])
def test_max_pool2d_vmap_forward_mode_and_second_order(mode, rng, config):
    # Plain jnp with a custom JVP rule: vmap over unbatched images equals the batched call,
    # forward mode is the transpose of the gradient, and a second derivative (zero almost
    # everywhere: pooling is piecewise linear) can be taken.
    kwargs = TIE_CONFIGS[config]
    x = jnp.asarray(mode.array(TIES["integers_0_to_2"](rng)))
    pool = jaxnn.nn.MaxPool2d(**kwargs)
    batched = jax.jit(pool)(x)
    harness.assert_equal(jax.jit(jax.vmap(pool))(x), batched)
    tangent = jnp.asarray(mode.array(rng.normal(size=x.shape)))
    cotangent = jnp.asarray(mode.array(rng.normal(size=batched.shape)))
    _, t_out = jax.jit(lambda x, t: jax.jvp(pool, (x,), (t,)))(x, tangent)
    grad = jax.jit(jax.grad(lambda x: jnp.sum(pool(x) * cotangent)))(x)
    mode.assert_close(jnp.sum(t_out * cotangent), jnp.sum(tangent * grad), name="<jvp, g>")
    hvp = jax.jit(jax.grad(lambda x: jnp.sum(jax.grad(lambda x: jnp.sum(pool(x) ** 2))(x))))(x)
    harness.assert_equal(hvp, 2 * jax.grad(lambda x: jnp.sum(pool(x)))(x))


def test_max_pool2d_bfloat16_matches_torch(rng):
    # Pooling keeps the dtype that reaches it (as under bf16 autocast): values, indices and
    # the routed gradient are exact in bfloat16 too.
    x = np.maximum(rng.normal(size=(2, 3, 8, 9)), 0.0).astype(np.float32)
    cotangent = rng.uniform(0.5, 1.5, size=(2, 3, 4, 4)).astype(np.float32)
    xt = torch.tensor(x, dtype=torch.bfloat16, requires_grad=True)
    values_t, indices_t = F.max_pool2d(xt, 2, return_indices=True)
    (values_t * torch.tensor(cotangent, dtype=torch.bfloat16)).sum().backward()
    (values_j, indices_j), grad_j = _jax_pool(
        jaxnn.nn.MaxPool2d(2, return_indices=True),
        jnp.asarray(x, jnp.bfloat16),
        jnp.asarray(cotangent, jnp.bfloat16),
    )
    assert values_j.dtype == grad_j.dtype == jnp.bfloat16
    harness.assert_equal(np.asarray(values_j, np.float32), values_t.float())
    harness.assert_equal(indices_j, indices_t)
    harness.assert_equal(np.asarray(grad_j, np.float32), xt.grad.float())


def test_max_pool2d_pads_with_minus_infinity(mode, rng):
    # All-negative input: zero padding would make border outputs 0; torch pads with -inf.
    x = mode.array(-rng.uniform(1.0, 2.0, size=(1, 2, 4, 4)))
    expected = torch.nn.MaxPool2d(3, stride=1, padding=1)(torch.tensor(x))
    got = jaxnn.nn.MaxPool2d(3, stride=1, padding=1)(x)
    mode.assert_close(got, expected)
    assert np.all(np.asarray(got) < 0) and torch.all(expected < 0)


def test_max_pool2d_all_minus_infinity_window_index(mode):
    # torch starts each window at its first in-bounds element and keeps it unless a larger
    # one (or a NaN) follows, so a window of -inf picks the first in-bounds position.
    x = mode.array([[[[-np.inf, -np.inf], [-np.inf, 1.0]]]])
    values_t, indices_t = F.max_pool2d(torch.tensor(x), 2, padding=1, return_indices=True)
    values_j, indices_j = jax.jit(jaxnn.nn.MaxPool2d(2, padding=1, return_indices=True))(x)
    harness.assert_equal(indices_j, indices_t)
    harness.assert_equal(indices_t, [[[[0, 1], [2, 3]]]])
    harness.assert_equal(values_j, values_t)


@pytest.mark.parametrize("wide", [False, True], ids=["32-bit", "64-bit-types-on"])
def test_max_pool2d_integer_input(rng, wide):
    # torch pools integer tensors; the padding value is then the dtype's minimum. With 64-bit
    # types on, an untyped minimum would be int64 and reduce_window would refuse int32 input.
    x = rng.integers(-50, 50, size=(1, 2, 5, 5))
    expected = F.max_pool2d(torch.tensor(x), 3, stride=2, padding=1)
    with jax.enable_x64(wide):
        for dtype in (jnp.int32, jnp.int64) if wide else (jnp.int32,):
            got = jaxnn.functional.max_pool2d(jnp.asarray(x, dtype), 3, stride=2, padding=1)
            assert got.dtype == dtype
            harness.assert_equal(got, expected)


def test_max_pool2d_empty_batch():
    # torch allows a zero-size batch (but not zero channels or pixels).
    out_t = F.max_pool2d(torch.zeros(0, 3, 4, 4), 2)
    assert jaxnn.functional.max_pool2d(jnp.zeros((0, 3, 4, 4)), 2).shape == out_t.shape
    values, indices = jaxnn.functional.max_pool2d(jnp.zeros((0, 3, 4, 4)), 2, return_indices=True)
    assert values.shape == indices.shape == out_t.shape


# --- the notebook's MaxPool2d(2) (S3 307, 310) ----------------------------------------------------


@pytest.mark.parametrize("size, expected", [(26, 13), (11, 5)])
def test_max_pool2d_floor_mode_sizes(size, expected):
    # Inventory §1.12: floor mode, 26 -> 13 and 11 -> 5 in the CNN template.
    shape_t = torch.nn.MaxPool2d(2)(torch.zeros(1, 1, size, size)).shape
    shape_j = jaxnn.nn.MaxPool2d(2)(jnp.zeros((1, 1, size, size))).shape
    assert tuple(shape_j) == tuple(shape_t) == (1, 1, expected, expected)


def test_max_pool2d_stride_defaults_to_kernel_size():
    # Flax's max_pool defaults to stride 1 (26 -> 25): the twin must not inherit that.
    t, j = torch.nn.MaxPool2d(2), jaxnn.nn.MaxPool2d(2)
    assert t.stride == 2 and j.stride == (2, 2)
    assert linen.max_pool(jnp.zeros((1, 26, 26, 1)), (2, 2)).shape == (1, 25, 25, 1)


def test_max_pool2d_has_no_parameters():
    assert jaxnn.interop.state_dict(jaxnn.nn.MaxPool2d(2)) == {}
    assert dict(torch.nn.MaxPool2d(2).state_dict()) == {}
    assert jax.tree.leaves(nnx.state(jaxnn.nn.MaxPool2d(2))) == []


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"kernel_size": 0}, "kernel_size must be positive"),
        ({"kernel_size": (2, 2, 2)}, "kernel_size must be an int or a pair"),
        ({"kernel_size": 2, "stride": 0}, "stride must be positive"),
        ({"kernel_size": 2, "dilation": 0}, "dilation must be positive"),
        ({"kernel_size": 2, "padding": -1}, "padding must be non-negative"),
        ({"kernel_size": 2, "padding": 2}, "padding should be at most half of kernel size"),
        ({"kernel_size": 3, "padding": 2, "dilation": 2}, "padding should be at most half"),
    ],
)
def test_max_pool2d_rejects_invalid_arguments(kwargs, match):
    # torch checks these in the forward pass; jaxnn already in the constructor.
    with pytest.raises((RuntimeError, ValueError)):
        torch.nn.MaxPool2d(**kwargs)(torch.zeros(1, 1, 6, 6))
    with pytest.raises(ValueError, match=f"MaxPool2d: {match}"):
        jaxnn.nn.MaxPool2d(**kwargs)
    with pytest.raises(ValueError, match=f"max_pool2d: {match}"):
        jaxnn.functional.max_pool2d(jnp.zeros((1, 1, 6, 6)), **kwargs)


@pytest.mark.parametrize("shape", [(6, 6), (1, 1, 1, 6, 6)], ids=["2d", "5d"])
def test_max_pool2d_wrong_rank_names_layer_and_shape(shape):
    with pytest.raises(RuntimeError):
        torch.nn.MaxPool2d(2)(torch.zeros(shape))
    with pytest.raises(ValueError, match=re.escape(f"got input of shape {shape}")) as info:
        jax.jit(jaxnn.nn.MaxPool2d(2))(jnp.zeros(shape))
    assert str(info.value).startswith("MaxPool2d: expected 3D (unbatched) or 4D (batched)")


@pytest.mark.parametrize(
    "shape, match",
    [
        ((1, 1, 1, 1), r"given input shape \(1, 1, 1, 1\), the calculated output size \(0, 0\)"),
        ((1, 0, 4, 4), r"expected non-empty C, H and W dims .* \(1, 0, 4, 4\)"),
    ],
    ids=["too_small", "zero_channels"],
)
def test_max_pool2d_input_too_small_or_empty(shape, match):
    with pytest.raises(RuntimeError):
        torch.nn.MaxPool2d(2)(torch.zeros(shape))
    with pytest.raises(ValueError, match=f"MaxPool2d: {match}"):
        jaxnn.nn.MaxPool2d(2)(jnp.zeros(shape))
