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
    # row-major window order; XLA's select-and-scatter and the index path do the same.
    x = mode.array([[[[1, 1, 2, 0], [1, 0, 2, 2], [0, 0, 3, 3], [0, 0, 3, 3]]]])
    cotangent = mode.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    (values_t, indices_t), grad_t = _torch_pool(x, cotangent, kernel_size=2, return_indices=True)
    values_j, grad_j = _jax_pool(jaxnn.nn.MaxPool2d(2), x, cotangent)
    harness.assert_equal(values_j, values_t)
    mode.assert_close(grad_j, grad_t, name="grad, reduce_window path")
    (values_j, indices_j), grad_j = _jax_pool(
        jaxnn.nn.MaxPool2d(2, return_indices=True), x, cotangent
    )
    mode.assert_close(grad_j, grad_t, name="grad, return_indices path")
    harness.assert_equal(indices_j, indices_t)
    harness.assert_equal(indices_t, [[[[0, 2], [8, 10]]]])
    harness.assert_equal(values_j, values_t)


def test_max_pool2d_nan_gradient_differs_without_indices(mode):
    # Documented difference: a window with a NaN pools to NaN in both, but torch sends the
    # gradient to the NaN while lax.reduce_window's gradient goes to the largest finite
    # element. The return_indices path follows torch.
    x = mode.array([[[[1.0, np.nan], [5.0, 2.0]]]])
    cotangent = mode.array([[[[1.0]]]])
    (values_t, indices_t), grad_t = _torch_pool(x, cotangent, kernel_size=2, return_indices=True)
    harness.assert_equal(grad_t, [[[[0.0, 1.0], [0.0, 0.0]]]])
    values_j, grad_j = _jax_pool(jaxnn.nn.MaxPool2d(2), x, cotangent)
    harness.assert_equal(values_j, values_t)
    harness.assert_equal(grad_j, [[[[0.0, 0.0], [1.0, 0.0]]]])
    (values_j, indices_j), grad_j = _jax_pool(
        jaxnn.nn.MaxPool2d(2, return_indices=True), x, cotangent
    )
    harness.assert_equal(grad_j, grad_t)
    harness.assert_equal(indices_j, indices_t)
    harness.assert_equal(values_j, values_t)


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
