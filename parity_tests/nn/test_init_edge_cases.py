"""``jaxnn.nn.init`` on edge cases: degenerate and huge fans, extreme gains, refused dtypes.

Draws never match across frameworks (see the parity rules), so these tests compare what both
sides *compute* before drawing: the bounds of every ``uniform_`` and the mean and std of every
``normal_`` that ``kaiming_*``/``xavier_*`` ask for, caught on their way into the draw, for
size-1 and zero-size dimensions and fans up to ``1e6``; then the errors both raise; then the
shape of the distribution itself at a fan of ``1e6`` (Kolmogorov-Smirnov, two samples).
"""

import math
import warnings

import numpy as np
import pytest
import torch
from flax import nnx
from scipy import stats

import jaxnn.nn.init as init
from twincore import harness

from .components import INIT

pytestmark = INIT

FAN_FUNCTIONS = ("kaiming_uniform_", "kaiming_normal_", "xavier_uniform_", "xavier_normal_")

# torch layout (out, in, *receptive field); the jaxnn variable has the same shape, read with
# in_axis=1, out_axis=0.
SHAPES = [
    (1, 1),
    (1, 7),
    (7, 1),
    (3, 4, 1, 1),
    (2, 3, 1),
    (1, 1_000_000),
    (1_000_000, 1),
    (1000, 1000),
    (1, 1000, 1000),
]

# (function, keyword arguments): gains and slopes from 0 to 1e30, both modes, every gain rule.
ARGUMENTS = [
    ("xavier_uniform_", {}),
    ("xavier_uniform_", {"gain": 0.0}),
    ("xavier_uniform_", {"gain": 1e-30}),
    ("xavier_uniform_", {"gain": 1e30}),
    ("xavier_normal_", {"gain": init.calculate_gain("tanh")}),
    ("xavier_normal_", {"gain": 0.0}),
    ("xavier_normal_", {"gain": 1e30}),
    ("kaiming_uniform_", {}),
    ("kaiming_uniform_", {"a": math.sqrt(5)}),
    ("kaiming_uniform_", {"a": 1e10, "mode": "fan_out"}),
    ("kaiming_uniform_", {"a": -0.5, "mode": "FAN_OUT"}),
    ("kaiming_normal_", {"nonlinearity": "relu"}),
    ("kaiming_normal_", {"nonlinearity": "selu", "mode": "fan_out"}),
    ("kaiming_normal_", {"a": 1e-8, "nonlinearity": "leaky_relu"}),
]


def _torch_calls(name, shape, dtype, kwargs, monkeypatch):
    calls = []
    monkeypatch.setattr(
        torch.Tensor, "uniform_", lambda t, a, b, generator=None: calls.append((a, b)) or t
    )
    monkeypatch.setattr(
        torch.Tensor, "normal_", lambda t, mean, std, generator=None: calls.append((mean, std)) or t
    )
    getattr(torch.nn.init, name)(torch.empty(shape, dtype=dtype), **kwargs)
    return calls


def _jax_calls(name, shape, dtype, kwargs, monkeypatch):
    calls = []
    monkeypatch.setattr(init, "_uniform", lambda v, a, b, key: calls.append((a, b)) or v)
    monkeypatch.setattr(init, "_normal", lambda v, mean, std, key: calls.append((mean, std)) or v)
    variable = nnx.Param(np.zeros(shape, dtype))
    getattr(init, name)(variable, **kwargs, key=nnx.Rngs(0), in_axis=1, out_axis=0)
    return calls


@pytest.mark.parametrize("shape", SHAPES, ids=["x".join(map(str, s)) for s in SHAPES])
@pytest.mark.parametrize("name, kwargs", ARGUMENTS)
def test_init_distribution_parameters_are_torchs(mode, monkeypatch, name, kwargs, shape):
    # The bounds (uniform) or mean and std (normal) both sides pass to their draw, bit for bit:
    # both compute them in Python floats from the same fans, in the same order.
    expected = _torch_calls(name, shape, mode.torch, kwargs, monkeypatch)
    got = _jax_calls(name, shape, mode.np, kwargs, monkeypatch)
    assert len(expected) == 1
    harness.assert_equal(np.array(got, np.float64), np.array(expected, np.float64))


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0), (2, 0, 3), (4, 3, 0)])
@pytest.mark.parametrize("name", FAN_FUNCTIONS)
def test_init_on_zero_size_dims_like_torch(name, shape):
    # kaiming_*: torch warns and leaves an empty tensor alone, and so does jaxnn. xavier_*: torch
    # fills an empty tensor (a no-op) unless both fans are 0, where it divides by zero; jaxnn
    # leaves every empty variable alone (documented on xavier_uniform_).
    both_fans_zero = shape[0] * math.prod(shape[2:]) == 0 and shape[1] * math.prod(shape[2:]) == 0
    variable = nnx.Param(np.ones(shape, np.float32))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            getattr(torch.nn.init, name)(torch.ones(shape))
            torch_error = None
        except ZeroDivisionError as error:
            torch_error = error
        torch_warnings = [str(w.message) for w in caught]
        caught.clear()
        out = getattr(init, name)(variable, key=nnx.Rngs(0), in_axis=1, out_axis=0)
        jax_warnings = [str(w.message) for w in caught]
    assert (torch_error is not None) == (name.startswith("xavier") and both_fans_zero)
    assert jax_warnings == torch_warnings
    assert out is variable and out[...].shape == shape


@pytest.mark.parametrize(
    "name, gain, error",
    [
        ("xavier_uniform_", -1.0, r"uniform_ expects to return a \[from, to\) range"),
        ("xavier_normal_", -1.0, r"normal expects std >= 0.0, but found std -0.5345"),
        ("xavier_uniform_", math.nan, "from is out of bounds for float"),
        ("xavier_normal_", math.nan, "normal expects std >= 0.0, but found std nan"),
        ("xavier_uniform_", math.inf, "from is out of bounds for float"),
        ("xavier_uniform_", 1e39, "from is out of bounds for float"),
    ],
)
def test_init_refuses_negative_nan_and_infinite_gains_like_torch(name, gain, error):
    # A NaN gain filled the variable with NaN before (torch refuses); an infinite or float32-
    # overflowing uniform bound too. xavier_normal_ with an infinite std is accepted by both.
    with pytest.raises(RuntimeError, match=error):
        getattr(torch.nn.init, name)(torch.zeros(4, 3), gain=gain)
    with pytest.raises(RuntimeError, match=error):
        getattr(init, name)(nnx.Param(np.zeros((4, 3), np.float32)), gain=gain, key=nnx.Rngs(0))


def test_uniform_bounds_are_checked_against_the_variables_dtype():
    # 1e39 overflows float32, not float64: torch refuses the first and fills the second.
    torch.nn.init.uniform_(torch.zeros(3, dtype=torch.float64), -1e39, 1e39)
    with pytest.raises(RuntimeError, match="from is out of bounds for float"):
        torch.nn.init.uniform_(torch.zeros(3), -1e39, 1e39)
    with pytest.raises(RuntimeError, match="from is out of bounds for float"):
        init.uniform_(nnx.Param(np.zeros(3, np.float32)), -1e39, 1e39, key=nnx.Rngs(0))


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool"])
@pytest.mark.parametrize("name", FAN_FUNCTIONS)
def test_init_refuses_integer_and_bool_variables_like_torch(name, dtype):
    # Both refuse to draw floats into an integer or bool tensor, with different exception
    # types: torch NotImplementedError ("... not implemented for 'Long'"), jaxnn ValueError
    # (jax.random's "must be a float dtype").
    with pytest.raises(NotImplementedError, match="not implemented for"):
        getattr(torch.nn.init, name)(torch.zeros(4, 3, dtype=getattr(torch, dtype)))
    with pytest.raises(ValueError, match="must be a float"):
        getattr(init, name)(nnx.Param(np.zeros((4, 3), dtype)), key=nnx.Rngs(0))


@pytest.mark.parametrize("name", ["kaiming_uniform_", "xavier_normal_"])
def test_init_distribution_at_fan_one_million_is_torchs(mode, name):
    # The draws themselves at a fan of 1e6 (bound 2.4e-3, std 1.4e-3): the same distribution
    # as torch's, by a two-sample KS test, and within torch's bound.
    shape = (1, 1_000_000)
    torch.manual_seed(0)
    expected = getattr(torch.nn.init, name)(torch.empty(shape, dtype=mode.torch)).numpy()
    variable = nnx.Param(np.zeros(shape, mode.np))
    got = np.asarray(getattr(init, name)(variable, key=nnx.Rngs(0), in_axis=1, out_axis=0)[...])
    assert got.dtype == mode.np
    if name == "kaiming_uniform_":
        bound = math.sqrt(3.0) * math.sqrt(2.0) / math.sqrt(shape[1])
        assert np.abs(got).max() <= bound and np.abs(expected).max() <= bound
    result = stats.ks_2samp(got.ravel(), expected.ravel())
    assert result.pvalue > harness.STATISTICAL_ALPHA, f"KS p={result.pvalue:.2e}"
