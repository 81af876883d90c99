"""Initialisation: default layer init and ``torch.nn.init`` twins (inventory §1.11, §3.2, App. A).

Notebook lines: S1 4556-4610 (xavier_uniform_, kaiming_normal_, normal_, constant_,
zeros_), S1 5414-5454 (bias initialisation), S4 1472-1475 (manual ``randn * 0.01``).

Random streams never match across frameworks, so the check is statistical: a
one-sample Kolmogorov-Smirnov test of each side against the distribution given
by torch's documented formula (fans and gains from torch's own helpers), a
two-sample test jaxnn vs torch (thousands of draws at fixed seeds), and the
exact support bound. Gains, fans, constant fills, errors and the notebook's
derived values (§3.2) are compared exactly on both sides.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx
from scipy import stats

import jaxnn
from twincore import harness

from .components import INIT

pytestmark = INIT


def _torch_linear_samples(in_features, out_features, n_layers):
    torch.manual_seed(0)
    w, b = [], []
    for _ in range(n_layers):
        layer = torch.nn.Linear(in_features, out_features)
        w.append(layer.weight.detach().numpy().ravel())
        b.append(layer.bias.detach().numpy().ravel())
    return np.concatenate(w), np.concatenate(b)


def _jax_linear_samples(in_features, out_features, n_layers):
    rngs = nnx.Rngs(0)
    w, b = [], []
    for _ in range(n_layers):
        layer = jaxnn.nn.Linear(in_features, out_features, rngs=rngs)
        w.append(np.asarray(layer.kernel[...]).ravel())
        b.append(np.asarray(layer.bias[...]).ravel())
    return np.concatenate(w), np.concatenate(b)


def test_linear_init_matches_torch_distribution():
    in_features = 50
    bound = 1 / np.sqrt(in_features)
    tw, tb = _torch_linear_samples(in_features, 40, 4)
    jw, jb = _jax_linear_samples(in_features, 40, 4)
    for name, j, t in [("weight", jw, tw), ("bias", jb, tb)]:
        assert np.all(np.abs(j) <= bound) and np.all(np.abs(t) <= bound), name
        result = stats.ks_2samp(j, t)
        assert result.pvalue > harness.STATISTICAL_ALPHA, f"{name}: KS p={result.pvalue:.2e}"


def test_linear_init_is_not_flax_default():
    # Flax's default lecun-normal kernel and zero bias would fail the same KS test.
    in_features = 50
    tw, tb = _torch_linear_samples(in_features, 40, 4)
    flax_layer = nnx.Linear(in_features, 160, rngs=nnx.Rngs(0))
    kernel = np.asarray(flax_layer.kernel[...]).ravel()
    assert stats.ks_2samp(kernel, tw).pvalue < harness.STATISTICAL_ALPHA
    assert np.all(np.asarray(flax_layer.bias[...]) == 0) and np.any(tb != 0)


# --- torch.nn.init twins (inventory §1.11 "initialisation functions"; S1 4556-4610, 5414-5454) ---

TORCH_LINEAR_SHAPE = (64, 50)  # torch weight (out, in); the jaxnn kernel is (50, 64)
TORCH_CONV_SHAPE = (16, 8, 3, 3)  # torch OIHW; the jaxnn Conv2d kernel is HWIO (3, 3, 8, 16)


def _jax_layout(torch_shape):
    """torch (out, in, *receptive field) -> Flax (*receptive field, in, out)."""
    out_f, in_f, *rf = torch_shape
    return (*rf, in_f, out_f)


def _uniform_spec(bound_of):
    return lambda w: ("uniform", -bound_of(w), bound_of(w))


def _normal_spec(mean, std_of):
    return lambda w: ("normal", mean, std_of(w))


def _fans(w):
    return torch.nn.init._calculate_fan_in_and_fan_out(w)


def _kaiming_std(w, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    fan = _fans(w)[0 if mode == "fan_in" else 1]
    return torch.nn.init.calculate_gain(nonlinearity, a) / np.sqrt(fan)


# case -> (torch.nn.init function name, kwargs shared by torch and jaxnn, the expected
# distribution from torch's documented formulas, evaluated with torch's own fan and gain
# helpers on the torch weight)
INIT_CASES = {
    "xavier_uniform": (
        "xavier_uniform_",
        {},
        _uniform_spec(lambda w: np.sqrt(6 / sum(_fans(w)))),
    ),
    "xavier_uniform_gain_relu": (
        "xavier_uniform_",
        {"gain": np.sqrt(2)},
        _uniform_spec(lambda w: np.sqrt(2) * np.sqrt(6 / sum(_fans(w)))),
    ),
    "xavier_normal": (
        "xavier_normal_",
        {},
        _normal_spec(0.0, lambda w: np.sqrt(2 / sum(_fans(w)))),
    ),
    "kaiming_uniform": (
        "kaiming_uniform_",
        {},
        _uniform_spec(lambda w: np.sqrt(3) * _kaiming_std(w)),
    ),
    "kaiming_uniform_a_sqrt5": (
        "kaiming_uniform_",
        {"a": np.sqrt(5)},
        _uniform_spec(lambda w: 1 / np.sqrt(_fans(w)[0])),  # torch's Linear/Conv default
    ),
    "kaiming_uniform_fan_out_relu": (
        "kaiming_uniform_",
        {"mode": "fan_out", "nonlinearity": "relu"},
        _uniform_spec(lambda w: np.sqrt(3) * _kaiming_std(w, 0, "fan_out", "relu")),
    ),
    "kaiming_normal": ("kaiming_normal_", {}, _normal_spec(0.0, lambda w: _kaiming_std(w))),
    "kaiming_normal_fan_out_tanh": (
        "kaiming_normal_",
        {"mode": "fan_out", "nonlinearity": "tanh"},
        _normal_spec(0.0, lambda w: _kaiming_std(w, 0, "fan_out", "tanh")),
    ),
    "normal_std_0.01": ("normal_", {"mean": 0.0, "std": 0.01}, _normal_spec(0.0, lambda w: 0.01)),
    "normal_mean_2_std_3": ("normal_", {"mean": 2.0, "std": 3.0}, _normal_spec(2.0, lambda w: 3.0)),
    "uniform_-2_0.5": ("uniform_", {"a": -2.0, "b": 0.5}, lambda w: ("uniform", -2.0, 0.5)),
}


def _reference_distribution(spec):
    family, a, b = spec
    return stats.uniform(a, b - a) if family == "uniform" else stats.norm(a, b)


# Every case on a Linear-shaped weight; the fan-based ones also on a Conv2d-shaped (HWIO) one.
DISTRIBUTION_GRID = [(case, TORCH_LINEAR_SHAPE) for case in INIT_CASES] + [
    (case, TORCH_CONV_SHAPE)
    for case, (name, _, _) in INIT_CASES.items()
    if name.startswith(("xavier", "kaiming"))
]


@pytest.mark.parametrize(
    "case, torch_shape",
    DISTRIBUTION_GRID,
    ids=[f"{c}-{'hwio' if len(s) == 4 else '2d'}" for c, s in DISTRIBUTION_GRID],
)
def test_init_function_matches_torch_distribution(case, torch_shape):
    name, kwargs, spec_of = INIT_CASES[case]
    torch.manual_seed(0)
    w = torch.empty(torch_shape)
    assert getattr(torch.nn.init, name)(w, **kwargs) is w
    variable = nnx.Param(jnp.zeros(_jax_layout(torch_shape)))
    assert getattr(jaxnn.nn.init, name)(variable, **kwargs, key=jax.random.key(0)) is variable
    t, j = w.numpy().ravel(), np.asarray(variable[...]).ravel()
    spec = spec_of(w)
    reference = _reference_distribution(spec)
    for side, draws in [("jaxnn", j), ("torch", t)]:
        result = stats.kstest(draws, reference.cdf)
        assert result.pvalue > harness.STATISTICAL_ALPHA, f"{side} vs {spec}: p={result.pvalue:.2e}"
        if spec[0] == "uniform":  # support [a, b), exactly as the formula says
            assert draws.min() >= spec[1] and draws.max() < spec[2], side
        else:  # the formula's std: (n - 1) s^2 / std^2 ~ chi2(n - 1), two-sided
            n = draws.size
            chi2 = (n - 1) * np.var(draws.astype(np.float64), ddof=1) / spec[2] ** 2
            pvalue = 2 * min(stats.chi2.cdf(chi2, n - 1), stats.chi2.sf(chi2, n - 1))
            assert pvalue > harness.STATISTICAL_ALPHA, f"{side} std vs {spec}: p={pvalue:.2e}"
    result = stats.ks_2samp(j, t)
    assert result.pvalue > harness.STATISTICAL_ALPHA, f"jaxnn vs torch: p={result.pvalue:.2e}"


def test_kaiming_normal_is_untruncated_unlike_jax_he_normal():
    # torch draws an untruncated normal. jax.nn.initializers.he_normal draws a normal truncated
    # at +-2 and rescaled by 1/0.87962566 to keep the variance: no draw beyond ~2.27 std.
    torch_shape = TORCH_LINEAR_SHAPE
    std = _kaiming_std(torch.empty(torch_shape))
    torch.manual_seed(0)
    t = torch.nn.init.kaiming_normal_(torch.empty(torch_shape)).numpy() / std
    j = jaxnn.nn.init.kaiming_normal_(
        nnx.Param(jnp.zeros(_jax_layout(torch_shape))), key=jax.random.key(0)
    )[...]
    j = np.asarray(j) / std
    he = np.asarray(jax.nn.initializers.he_normal()(jax.random.key(0), _jax_layout(torch_shape)))
    he = he / std
    truncation = 2 / 0.87962566103423978  # jax's variance-preserving truncation constant
    assert np.abs(he).max() <= truncation * (1 + 1e-6)
    assert np.sum(np.abs(j) > truncation) > 0 and np.sum(np.abs(t) > truncation) > 0
    assert stats.ks_2samp(j.ravel(), t.ravel()).pvalue > harness.STATISTICAL_ALPHA


def test_kaiming_uniform_a_sqrt5_reproduces_torch_linear_default():
    # torch's nn.Linear default is kaiming_uniform_(weight, a=sqrt(5)): the jaxnn twin applied to
    # a jaxnn Linear kernel draws from the same distribution as torch's freshly built layers.
    tw, _ = _torch_linear_samples(50, 40, 4)
    layer = jaxnn.nn.Linear(50, 160, rngs=nnx.Rngs(0))
    jaxnn.nn.init.kaiming_uniform_(layer.kernel, a=np.sqrt(5), key=jax.random.key(1))
    j = np.asarray(layer.kernel[...]).ravel()
    assert np.all(np.abs(j) <= 1 / np.sqrt(50))
    assert stats.ks_2samp(j, tw).pvalue > harness.STATISTICAL_ALPHA


NONLINEARITIES = [
    ("linear", None),
    ("conv1d", None),
    ("conv2d", None),
    ("conv3d", None),
    ("conv_transpose1d", None),
    ("conv_transpose2d", None),
    ("conv_transpose3d", None),
    ("sigmoid", None),
    ("tanh", None),
    ("relu", None),
    ("leaky_relu", None),
    ("leaky_relu", 0.2),
    ("leaky_relu", 1),
    ("leaky_relu", np.sqrt(5)),
    ("selu", None),
]


@pytest.mark.parametrize("nonlinearity, param", NONLINEARITIES)
def test_calculate_gain_equals_torch(nonlinearity, param):
    expected = torch.nn.init.calculate_gain(nonlinearity, param)
    actual = jaxnn.nn.init.calculate_gain(nonlinearity, param)
    harness.assert_equal(actual, expected)
    assert type(actual) is type(expected)  # torch returns the int 1 for linear functions


@pytest.mark.parametrize(
    "nonlinearity, param, message",
    [
        ("softmax", None, "Unsupported nonlinearity softmax"),
        ("leaky_relu", True, "negative_slope True not a valid number"),
        ("leaky_relu", "0.1", "negative_slope 0.1 not a valid number"),
    ],
)
def test_calculate_gain_rejects_like_torch(nonlinearity, param, message):
    for fn in (torch.nn.init.calculate_gain, jaxnn.nn.init.calculate_gain):
        with pytest.raises(ValueError, match=message):
            fn(nonlinearity, param)


@pytest.mark.parametrize(
    "torch_shape",
    [(5, 3), (1, 7), TORCH_CONV_SHAPE, (4, 2, 5), (6, 3, 2, 2, 2), (3, 0)],
    ids=["linear", "linear_1_out", "conv2d", "conv1d", "conv3d", "empty"],
)
def test_fan_in_and_fan_out_match_torch_for_both_layouts(torch_shape):
    expected = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(torch_shape))
    # jaxnn kernel layout (Linear (in, out), Conv HWIO ...) with the default axes
    kernel = nnx.Param(jnp.zeros(_jax_layout(torch_shape)))
    assert jaxnn.nn.init.calculate_fan_in_and_fan_out(kernel) == expected
    # a variable kept in torch's layout (recurrent weights) with torch's axes
    verbatim = nnx.Param(jnp.zeros(torch_shape))
    assert jaxnn.nn.init.calculate_fan_in_and_fan_out(verbatim, in_axis=1, out_axis=0) == expected


def test_fan_in_and_fan_out_of_jaxnn_linear_kernel_match_torch_linear_weight():
    layer = jaxnn.nn.Linear(3, 5, rngs=nnx.Rngs(0))
    expected = torch.nn.init._calculate_fan_in_and_fan_out(torch.nn.Linear(3, 5).weight)
    assert jaxnn.nn.init.calculate_fan_in_and_fan_out(layer.kernel) == expected == (3, 5)


def test_fans_of_manual_in_out_parameter_differ_from_torch_reading():
    # The E15 model stores W1 as (784, 128) and computes x @ W1 (S4 1472). torch's init reads
    # dim 1 as fan_in (128) whatever the use; jaxnn reads the (in, out) kernel layout (784).
    w1 = torch.empty(784, 128)
    assert torch.nn.init._calculate_fan_in_and_fan_out(w1) == (128, 784)
    variable = nnx.Param(jnp.zeros((784, 128)))
    assert jaxnn.nn.init.calculate_fan_in_and_fan_out(variable) == (784, 128)
    assert jaxnn.nn.init.calculate_fan_in_and_fan_out(variable, in_axis=1, out_axis=0) == (
        128,
        784,
    )


@pytest.mark.parametrize(
    "name", ["xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]
)
def test_fan_based_init_rejects_1d_like_torch(name):
    message = "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
    with pytest.raises(ValueError, match=message):
        getattr(torch.nn.init, name)(torch.empty(5))
    with pytest.raises(ValueError, match=message):
        getattr(jaxnn.nn.init, name)(nnx.Param(jnp.zeros(5)), key=jax.random.key(0))


@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
def test_kaiming_rejects_unknown_mode_and_accepts_upper_case(name):
    message = r"Mode fan_avg not supported, please use one of \['fan_in', 'fan_out'\]"
    with pytest.raises(ValueError, match=message):
        getattr(torch.nn.init, name)(torch.empty(3, 4), mode="fan_avg")
    with pytest.raises(ValueError, match=message):
        getattr(jaxnn.nn.init, name)(
            nnx.Param(jnp.zeros((4, 3))), mode="fan_avg", key=jax.random.key(0)
        )
    getattr(torch.nn.init, name)(torch.empty(3, 4), mode="FAN_OUT")
    getattr(jaxnn.nn.init, name)(
        nnx.Param(jnp.zeros((4, 3))), mode="FAN_OUT", key=jax.random.key(0)
    )


def test_uniform_and_normal_reject_bad_ranges_like_torch():
    cases = [
        ("uniform_", {"a": 1.0, "b": 0.0}, r"uniform_ expects to return a \[from, to\) range"),
        ("normal_", {"mean": 0.0, "std": -1.0}, "normal expects std >= 0.0, but found std -1"),
    ]
    for name, kwargs, message in cases:
        with pytest.raises(RuntimeError, match=message):
            getattr(torch.nn.init, name)(torch.empty(3, 4), **kwargs)
        with pytest.raises(RuntimeError, match=message):
            getattr(jaxnn.nn.init, name)(
                nnx.Param(jnp.zeros((4, 3))), **kwargs, key=jax.random.key(0)
            )


def test_degenerate_uniform_and_normal_are_constant_on_both_sides():
    t_u = torch.nn.init.uniform_(torch.empty(3, 4), 0.25, 0.25)
    t_n = torch.nn.init.normal_(torch.empty(3, 4), 0.25, 0.0)
    j_u = jaxnn.nn.init.uniform_(nnx.Param(jnp.zeros((4, 3))), 0.25, 0.25, key=jax.random.key(0))
    j_n = jaxnn.nn.init.normal_(nnx.Param(jnp.zeros((4, 3))), 0.25, 0.0, key=jax.random.key(0))
    for j, t in [(j_u, t_u), (j_n, t_n)]:
        harness.assert_twins_equal(j[...], t.T, golden=np.full((4, 3), 0.25, np.float32))


@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
def test_kaiming_on_zero_element_tensor_warns_and_is_a_no_op_like_torch(name):
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert getattr(torch.nn.init, name)(torch.empty(5, 0)).shape == (5, 0)
    variable = nnx.Param(jnp.zeros((0, 5)))
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert getattr(jaxnn.nn.init, name)(variable, key=jax.random.key(0)) is variable
    assert variable.shape == (0, 5)


@pytest.mark.parametrize("name", ["xavier_uniform_", "xavier_normal_"])
def test_xavier_on_zero_element_tensor_is_a_no_op_where_torch_divides_by_zero(name):
    # (0, 5): both leave the empty tensor as it is.
    assert getattr(torch.nn.init, name)(torch.empty(0, 5)).shape == (0, 5)
    assert getattr(jaxnn.nn.init, name)(
        nnx.Param(jnp.zeros((5, 0))), key=jax.random.key(0)
    ).shape == (
        5,
        0,
    )
    # (0, 0): torch computes 2 / (fan_in + fan_out) = 2 / 0; jaxnn has nothing to fill.
    with pytest.raises(ZeroDivisionError):
        getattr(torch.nn.init, name)(torch.empty(0, 0))
    variable = nnx.Param(jnp.zeros((0, 0)))
    assert getattr(jaxnn.nn.init, name)(variable, key=jax.random.key(0)) is variable


def test_init_functions_need_a_variable_and_a_key():
    # torch fills any tensor in place; a JAX array is immutable, so the twin needs the variable.
    with pytest.raises(TypeError, match="expected an nnx.Variable such as layer.kernel"):
        jaxnn.nn.init.zeros_(jnp.zeros((3, 4)))
    with pytest.raises(TypeError, match="key must be a jax.random key or an nnx.Rngs"):
        jaxnn.nn.init.normal_(nnx.Param(jnp.zeros((3, 4))), key=0)
    with pytest.raises(TypeError):
        jaxnn.nn.init.normal_(nnx.Param(jnp.zeros((3, 4))))  # key is keyword-only and required


def test_init_key_may_be_an_nnx_rngs_params_stream():
    a = jaxnn.nn.init.xavier_normal_(nnx.Param(jnp.zeros((4, 3))), key=nnx.Rngs(3))
    b = jaxnn.nn.init.xavier_normal_(nnx.Param(jnp.zeros((4, 3))), key=nnx.Rngs(3).params())
    harness.assert_equal(a[...], b[...])


RANDOM_INITS = [
    ("xavier_uniform_", {}),
    ("xavier_normal_", {}),
    ("kaiming_uniform_", {}),
    ("kaiming_normal_", {}),
    ("normal_", {"std": 0.01}),
    ("uniform_", {"a": -1.0}),
]


@pytest.mark.parametrize("name, kwargs", RANDOM_INITS)
def test_init_functions_write_in_place_keeping_shape_and_dtype(mode, name, kwargs):
    torch.manual_seed(0)
    t_layer = torch.nn.Linear(3, 5).to(mode.torch)
    j_layer = jaxnn.nn.Linear(3, 5, dtype=mode.jnp, rngs=nnx.Rngs(0))
    before = np.asarray(j_layer.kernel[...])
    assert getattr(torch.nn.init, name)(t_layer.weight, **kwargs) is t_layer.weight
    returned = getattr(jaxnn.nn.init, name)(j_layer.kernel, **kwargs, key=jax.random.key(1))
    assert returned is j_layer.kernel  # the layer's own variable was overwritten
    assert j_layer.kernel[...].dtype == mode.jnp and t_layer.weight.dtype == mode.torch
    assert j_layer.kernel.shape == (3, 5) and tuple(t_layer.weight.shape) == (5, 3)
    assert not np.array_equal(np.asarray(j_layer.kernel[...]), before)
    # The forward pass reads the new values, as torch's does after init.*_.
    x = mode.array(np.ones((2, 3)))
    mode.assert_close(
        j_layer(jnp.asarray(x)), x @ np.asarray(j_layer.kernel[...]) + np.asarray(j_layer.bias[...])
    )


def test_init_function_under_nnx_jit_updates_the_layer():
    layer = jaxnn.nn.Linear(4, 3, rngs=nnx.Rngs(0))

    @nnx.jit
    def reinit(layer, key):
        jaxnn.nn.init.kaiming_uniform_(layer.kernel, nonlinearity="relu", key=key)

    reinit(layer, jax.random.key(5))
    eager = jaxnn.nn.init.kaiming_uniform_(
        nnx.Param(jnp.zeros((4, 3), jnp.float32)), nonlinearity="relu", key=jax.random.key(5)
    )
    harness.assert_close(layer.kernel[...], eager[...], harness.tolerance("float32"))


@pytest.mark.parametrize(
    "name, args, value", [("zeros_", (), 0.0), ("ones_", (), 1.0), ("constant_", (0.5,), 0.5)]
)
def test_constant_fills_are_exact_on_both_sides(mode, name, args, value):
    t = getattr(torch.nn.init, name)(torch.empty(4, 3, dtype=mode.torch), *args)
    j = getattr(jaxnn.nn.init, name)(nnx.Param(jnp.zeros((3, 4), mode.jnp)), *args)
    assert j[...].dtype == mode.jnp
    harness.assert_twins_equal(j[...], t.T, golden=mode.array(np.full((3, 4), value)))


def _seed_layers(mode, n):
    torch.manual_seed(0)
    rngs = nnx.Rngs(0)
    t = [torch.nn.Linear(10, 5).to(mode.torch) for _ in range(n)]
    j = [jaxnn.nn.Linear(10, 5, dtype=mode.jnp, rngs=rngs) for _ in range(n)]
    return t, j


def test_seed_xavier_then_zeros_bias(mode):
    # S1 4575-4583: xavier_uniform_(layer.weight); zeros_(layer.bias); bias is [0., 0., 0., 0., 0.]
    (t,), (j,) = _seed_layers(mode, 1)
    torch.nn.init.xavier_uniform_(t.weight)
    torch.nn.init.zeros_(t.bias)
    jaxnn.nn.init.xavier_uniform_(j.kernel, key=jax.random.key(0))
    jaxnn.nn.init.zeros_(j.bias)
    harness.assert_twins_equal(j.bias[...], t.bias, golden=mode.array([0.0] * 5))
    bound = np.sqrt(6 / (10 + 5))
    assert np.all(np.abs(np.asarray(j.kernel[...])) <= bound)
    assert torch.all(t.weight.abs() <= bound)


def test_seed_kaiming_normal_and_constant_weights(mode):
    # S1 4586-4610: kaiming_normal_, normal_(std=0.01), constant_(weight, 0.5), constant_(bias, 0.)
    # -> layer3.weight[0, :3] = [0.5, 0.5, 0.5], layer3.bias = zeros.
    (t1, t2, t3), (j1, j2, j3) = _seed_layers(mode, 3)
    torch.nn.init.kaiming_normal_(t1.weight)
    torch.nn.init.normal_(t2.weight, mean=0, std=0.01)
    torch.nn.init.constant_(t3.weight, 0.5)
    torch.nn.init.constant_(t3.bias, 0.0)
    jaxnn.nn.init.kaiming_normal_(j1.kernel, key=jax.random.key(1))
    jaxnn.nn.init.normal_(j2.kernel, mean=0, std=0.01, key=jax.random.key(2))
    jaxnn.nn.init.constant_(j3.kernel, 0.5)
    jaxnn.nn.init.constant_(j3.bias, 0.0)
    # torch's weight[0, :3] (row 0 of (out, in)) is column 0 of the (in, out) kernel
    harness.assert_twins_equal(j3.kernel[:3, 0], t3.weight[0, :3], golden=mode.array([0.5] * 3))
    harness.assert_twins_equal(j3.bias[...], t3.bias, golden=mode.array([0.0] * 5))


def test_seed_bias_initialisation_strategies(mode):
    # S1 5433-5453: zeros_ -> zeros; constant_(bias, 0.1) -> five 0.1s;
    # bias.data = tensor([0.0, 0.1, 0.2, 0.3, 0.4]) -> those values (jaxnn: bias[...] = ...).
    (t1, t2, t3), (j1, j2, j3) = _seed_layers(mode, 3)
    torch.nn.init.zeros_(t1.bias)
    torch.nn.init.constant_(t2.bias, 0.1)
    custom = mode.array([0.0, 0.1, 0.2, 0.3, 0.4])
    t3.bias.data = torch.tensor(custom)
    jaxnn.nn.init.zeros_(j1.bias)
    jaxnn.nn.init.constant_(j2.bias, 0.1)
    j3.bias[...] = jnp.asarray(custom)
    harness.assert_twins_equal(j1.bias[...], t1.bias, golden=mode.array([0.0] * 5))
    harness.assert_twins_equal(j2.bias[...], t2.bias, golden=mode.array([0.1] * 5))
    harness.assert_twins_equal(j3.bias[...], t3.bias, golden=custom)
