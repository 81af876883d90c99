"""Activations on hard inputs: ReLU, LeakyReLU, Sigmoid, Tanh, GELU (both forms), property-based.

Magnitudes across the dtype's range (``1e-30 ... 1e30``), ``nan`` and ``+-inf`` among ordinary
values, exact ties at 0 and +-0: each functional twin and its module, forward and gradient,
against real torch. Strategies from ``parity_tests/hard_inputs.py``; the hypothesis profile
decides how many examples run.

Every activation runs in one jitted program over a fixed shape, so a test compiles once per
dtype however many examples hypothesis draws (a compile costs far more than an example).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st

import jaxnn
import jaxnn.functional as JF
from twincore import harness

from ..hard_inputs import hard_arrays, torch_value_and_grad
from .components import ACTIVATIONS

pytestmark = ACTIVATIONS

SHAPE = (3, 5)
NEGATIVE_SLOPE = 0.2

# name -> (jaxnn functional, jaxnn module, torch functional)
ACTIVATION_TWINS = {
    "relu": (JF.relu, jaxnn.nn.ReLU(), TF.relu),
    "leaky_relu": (
        lambda x: JF.leaky_relu(x, NEGATIVE_SLOPE),
        jaxnn.nn.LeakyReLU(NEGATIVE_SLOPE),
        lambda x: TF.leaky_relu(x, NEGATIVE_SLOPE),
    ),
    "sigmoid": (JF.sigmoid, jaxnn.nn.Sigmoid(), torch.sigmoid),
    "tanh": (JF.tanh, jaxnn.nn.Tanh(), torch.tanh),
    "gelu": (JF.gelu, jaxnn.nn.GELU(), TF.gelu),
    "gelu_tanh": (
        lambda x: JF.gelu(x, approximate="tanh"),
        jaxnn.nn.GELU(approximate="tanh"),
        lambda x: TF.gelu(x, approximate="tanh"),
    ),
}


SATURATING = ("sigmoid", "tanh", "gelu_tanh")
"""Activations whose gradient is formed as ``cot * (1 - t**2)`` (or ``1 - s``, ``1 + t``) from
a ``t`` near +-1: a difference of terms as large as the cotangent, where torch's and XLA's
float32 ``tanh`` (last-ulp differences near saturation: XLA's reaches 1.0 first) give errors
of that size, not of the small result. Compared with ``harness.scaled`` against the
cotangent (see ``test_gelu_tanh_float32_gradient_is_closer_to_float64_than_torchs``)."""


def cotangent(shape, dtype):
    """An output gradient that is not all ones, so each element's own factor shows."""
    return (np.arange(int(np.prod(shape))) % 3 + 1).reshape(shape).astype(dtype)


def without_subnormals(x):
    """``x`` with subnormal values set to 0: XLA on CPU flushes them (see the pinning test
    below), which is the platform's arithmetic, not a twin's."""
    x = x.copy()
    x[(x != 0) & (np.abs(x) < np.finfo(x.dtype).tiny)] = 0
    return x


@jax.jit
def jax_activations(x, cot):
    """Every activation's value, input gradient and module output, in one program."""
    out = {}
    for name, (functional, module, _) in ACTIVATION_TWINS.items():
        value, vjp = jax.vjp(functional, x)
        out[name] = (value, vjp(cot)[0], module(x))
    return out


@pytest.mark.parametrize("kind", ["wide", "nonfinite", "ties"])
@given(data=st.data())
def test_activations_forward_and_gradient_on_hard_inputs(mode, kind, data):
    x = without_subnormals(data.draw(hard_arrays(mode.np, kind, shape=SHAPE), label="x"))
    cot = cotangent(SHAPE, mode.np)
    got = jax_activations(x, cot)
    for name, (_, module, torch_fn) in ACTIVATION_TWINS.items():
        expected, expected_grad = torch_value_and_grad(torch_fn, x, cot)
        value, grad, module_value = got[name]
        mode.assert_close(value, expected, name=f"{name}({kind})")
        grad_tol = mode.tol()
        if name in SATURATING:
            grad_tol = harness.scaled(grad_tol, cot)
        harness.assert_close(grad, expected_grad, grad_tol, name=f"{name}'({kind})")
        mode.assert_close(module_value, expected, name=f"{type(module).__name__}({kind})")


def test_relu_gradient_at_nan_is_torchs():
    # torch's threshold_backward zeroes the gradient where the output is <= 0, which NaN is
    # not: the gradient passes through a NaN input. jax.nn.relu's rule (x > 0) stopped it.
    x = np.array([np.nan, -1.0, 0.0, 2.0, np.inf, -np.inf])
    _, expected_grad = torch_value_and_grad(TF.relu, x, np.ones_like(x))
    grad = jax.grad(lambda v: jnp.sum(JF.relu(v)))(jnp.asarray(x, jnp.float32))
    harness.assert_equal(grad, expected_grad)
    harness.assert_equal(expected_grad, [1.0, 0.0, 0.0, 1.0, 1.0, 0.0])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_subnormal_inputs_are_zero_to_xla_on_cpu(dtype):
    # A documented platform difference, pinned: XLA's CPU backend treats subnormal inputs as
    # zero (denormals-are-zero), torch keeps them. relu of the smallest positive subnormal is
    # 0 in JAX and the subnormal itself in torch; its gradient 0 against torch's 1.
    tiny = np.array([np.nextafter(0, 1, dtype=dtype)], dtype)
    with jax.enable_x64(dtype == "float64"):
        value = jax.jit(JF.relu)(tiny)
        grad = jax.grad(lambda v: jnp.sum(JF.relu(v)))(jnp.asarray(tiny))
    expected, expected_grad = torch_value_and_grad(TF.relu, tiny, np.ones_like(tiny))
    harness.assert_equal(expected, tiny)
    harness.assert_equal(expected_grad, [1.0])
    harness.assert_equal(value, [0.0])
    harness.assert_equal(grad, [0.0])


def test_gelu_tanh_float32_gradient_is_closer_to_float64_than_torchs():
    # A documented difference, pinned: torch's float32 GeluBackward (tanh) forms 1 + tanh(u)
    # and 1 - tanh(u)^2 from a tanh near +-1 and loses digits there (1.0e-6 absolute near
    # |x| = 4.9); jaxnn forms them as 2 sigmoid(+-2u) and stays within 2e-7 of float64.
    x = np.linspace(-10, 10, 4001).astype(np.float32)
    ones = np.ones_like(x)
    torch32 = torch_value_and_grad(lambda v: TF.gelu(v, approximate="tanh"), x, ones)[1]
    exact = torch_value_and_grad(
        lambda v: TF.gelu(v, approximate="tanh"), x.astype(np.float64), ones.astype(np.float64)
    )[1].numpy()
    ours = np.asarray(jax.grad(lambda v: jnp.sum(JF.gelu(v, approximate="tanh")))(x))
    assert np.max(np.abs(torch32.numpy() - exact)) > 5e-7
    assert np.max(np.abs(ours - exact)) < 2e-7


def test_tanh_gradient_at_saturation_keeps_the_inputs_other_terms():
    # tanh saturated (t = -1) under a large cotangent, beside a small second path into the same
    # input: torch's g (1 - t^2) is exactly 0 and the input's gradient is the other path's 0.9.
    # JAX's own tanh rule adds +-2g as two terms, so in float32 the 0.9 added between them was
    # lost (gradient 0); in an LSTM the cell state's gradient came out 0 instead of 0.94.
    c = np.array([-6e11], np.float32)
    big = np.float32(1e11)

    def through(tanh, v):
        return tanh(v) * big + v * 0.9

    t = torch.tensor(c, requires_grad=True)
    through(torch.tanh, t).sum().backward()
    grad = jax.grad(lambda v: jnp.sum(through(JF.tanh, v)))(jnp.asarray(c))
    harness.assert_equal(t.grad, [np.float32(0.9)])
    harness.assert_equal(grad, t.grad)
