"""Parity tests for inventory §1.1: tensor creation, dtypes, properties, printing, NumPy bridge.

Notebook lines: S0 9-38 (printed); S1 63-156 (printed), 189-269 (printed), 609-615, 1857-1860,
1952-1960, 5829, 8588, 6864, 9363; S2 251; S4 226, 290, 338-341, 513-519, 832, 1941-1972.

dtype rule: torch's ``torch.tensor`` makes Python floats float32 and ints int64 whatever
the precision mode; ``jaxnn.functional.tensor`` follows it where JAX allows (int64 needs
64-bit types). Everything else compares values, not dtypes.
"""

from __future__ import annotations

import math
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import jaxnn
import jaxnn.config
import torch_ref
from jaxnn import functional as jf
from twincore import harness

from .components import CREATION

pytestmark = CREATION

# Random draws never match across frameworks, so the random constructors are checked for
# their distribution on each side with a one-sample Kolmogorov-Smirnov test at the
# harness's significance level.
N_DRAWS = 4096


def _np_dtype(dtype: torch.dtype) -> np.dtype:
    """The NumPy dtype of a torch dtype."""
    return torch.empty(0, dtype=dtype).numpy().dtype


def _x64() -> bool:
    return jaxnn.config.x64_enabled()


def _default_int():
    # torch's int64 where JAX has 64-bit types on, int32 where it does not.
    return jnp.int64 if _x64() else jnp.int32


def _ks_passes(sample: np.ndarray, cdf) -> bool:
    """One-sample KS test: is ``sample`` consistent with the distribution ``cdf``?"""
    x = np.sort(np.asarray(sample, dtype=np.float64).ravel())
    n = x.size
    f = np.vectorize(cdf, otypes=[np.float64])(x)
    d = max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))
    critical = math.sqrt(-math.log(harness.STATISTICAL_ALPHA / 2) / 2) / math.sqrt(n)
    return d <= critical


def _normal_cdf(v: float) -> float:
    return 0.5 * (1.0 + math.erf(v / math.sqrt(2.0)))


def _uniform_cdf(v: float) -> float:
    return min(max(v, 0.0), 1.0)


# ---------------------------------------------------------------------------- torch.tensor


def test_tensor_python_floats_give_float32_in_both_modes(mode):
    data = [1.0, 2.0, 3.0, 4.0]  # S1 63
    t, j = torch.tensor(data), jf.tensor(data)
    harness.assert_equal(t, [1.0, 2.0, 3.0, 4.0])  # printed S1 76: tensor([1., 2., 3., 4.])
    harness.assert_equal(j, [1.0, 2.0, 3.0, 4.0])
    assert t.dtype == torch.float32
    assert j.dtype == jnp.float32
    # Why the twin exists: jnp.asarray follows the precision mode (float64 under x64).
    assert jnp.asarray(data).dtype == mode.jnp


def test_tensor_python_ints_give_int64_where_jax_allows(mode):
    data = [[1, 2, 3], [4, 5, 6]]  # S1 70
    t, j = torch.tensor(data), jf.tensor(data)
    printed = [[1, 2, 3], [4, 5, 6]]  # S1 79-81
    harness.assert_equal(t, printed)
    harness.assert_equal(j, printed)
    assert t.dtype == torch.int64  # printed S4 518 for a 3-D int tensor
    assert j.dtype == _default_int()  # int32 unless 64-bit types are on


def test_tensor_0d_has_empty_shape(mode):
    t, j = torch.tensor(2), jf.tensor(2)  # S4 290
    assert tuple(t.shape) == () == j.shape  # printed S4 291: torch.Size([])
    harness.assert_equal(j, t)


@pytest.mark.parametrize(
    "data",
    [
        [[1.0, 2, 3], [4, 5, 6]],  # S4 1941: a mixed list is float32
        [1, True],
        [1.5, True],
        [True, False],
        [1j, 2],
        (1, 2.5),
        [],
        [[]],
        2.0,
        np.float64(2.0),
        [np.float64(1.0), 2.0],  # NumPy scalars keep their dtype inside lists
        [np.float32(1.0), 2],
        [np.int32(1), np.int32(2)],
        [np.int32(1), 2],
        [np.int8(1), np.uint8(2)],
        np.array([[1.0, 2.0]], dtype=np.float64),
    ],
    ids=lambda d: repr(d).replace(" ", ""),
)
def test_tensor_dtype_inference_matches_torch(mode, data):
    t, j = torch.tensor(data), jf.tensor(data)
    # JAX narrows 64-bit types when x64 is off; with it on, the dtypes are identical.
    assert j.dtype == jax.dtypes.canonicalize_dtype(_np_dtype(t.dtype))
    harness.assert_equal(j, t)


def test_dot_product_of_python_ints_stays_integer():
    a, b = np.array([1, 2, 3]), np.array([4, 5, 6])  # S4 338-341
    harness.assert_equal(torch.dot(torch.tensor(a), torch.tensor(b)), 32)  # printed S4 341
    harness.assert_equal(jnp.dot(jnp.asarray(a), jnp.asarray(b)), 32)
    assert not torch.dot(torch.tensor(a), torch.tensor(b)).is_floating_point()
    assert jnp.issubdtype(jnp.dot(jnp.asarray(a), jnp.asarray(b)).dtype, jnp.integer)


def test_tensor_explicit_dtype_seed_values(mode):
    data = [1, 2, 3]
    for td, jd in [(torch.int32, jnp.int32), (torch.float32, jnp.float32)]:
        t, j = torch.tensor(data, dtype=td), jf.tensor(data, dtype=jd)
        harness.assert_equal(t, [1, 2, 3])  # printed S1 120-124
        harness.assert_equal(j, [1, 2, 3])
        assert j.dtype == jd
    t = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)  # printed S1 126-127
    assert t.dtype == torch.float64
    if mode.name == "float64":
        j = jf.tensor([1.0, 2.0, 3.0], dtype=jnp.float64)
        assert j.dtype == jnp.float64
    else:
        # Without 64-bit types JAX cannot hold float64: it warns and falls back to float32.
        with pytest.warns(UserWarning, match="float64"):
            j = jf.tensor([1.0, 2.0, 3.0], dtype=jnp.float64)
        assert j.dtype == jnp.float32
    harness.assert_equal(j, t)


def test_tensor_int64_values_beyond_int32_need_x64(mode):
    big = [2**40, -(2**40)]
    t = torch.tensor(big)
    if mode.name == "float64":
        harness.assert_equal(jf.tensor(big), t)
    else:
        # jnp.array would wrap these silently; the twin refuses instead of corrupting them.
        with pytest.raises(OverflowError, match="jax_enable_x64"):
            jf.tensor(big)
        with pytest.raises(OverflowError, match="jax_enable_x64"):
            jf.tensor(np.array(big))
        assert int(jnp.array(np.array(big))[0]) != 2**40


def test_tensor_rejects_ragged_lists_like_torch():
    with pytest.raises(ValueError):
        torch.tensor([[1, 2], [3]])
    with pytest.raises(ValueError):
        jf.tensor([[1, 2], [3]])


# ---------------------------------------------------------------------------- NumPy bridge


def test_tensor_from_numpy_array_keeps_dtype_and_copies(mode):
    numpy_array = np.array([10, 20, 30, 40, 50])  # S1 87
    t, j = torch.tensor(numpy_array), jf.tensor(numpy_array)
    numpy_array[0] = -1  # neither copy sees a later write to the source
    printed = [10, 20, 30, 40, 50]  # S1 94-96
    harness.assert_equal(t, printed)
    harness.assert_equal(j, printed)
    assert t.dtype == torch.int64
    assert j.dtype == _default_int()


def test_from_numpy_shares_memory_while_jax_copies():
    source = np.arange(4.0)
    shared = torch.from_numpy(source)
    # The host-to-device transfer may run asynchronously: mutating the NumPy source before
    # it completes is a race, so wait for the copy first.
    copied = jnp.asarray(source).block_until_ready()
    source[0] = 100.0
    harness.assert_equal(shared, [100.0, 1.0, 2.0, 3.0])  # torch aliases the NumPy buffer
    harness.assert_equal(copied, [0.0, 1.0, 2.0, 3.0])  # JAX owns an immutable copy


def test_numpy_of_tensor_shares_memory_while_numpy_of_jax_is_read_only():
    t = torch.arange(4.0)
    view = t.numpy()
    view[0] = 7.0
    harness.assert_equal(t, [7.0, 1.0, 2.0, 3.0])
    j = jnp.arange(4.0)
    out = np.asarray(j)
    assert not out.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        out[0] = 7.0
    writable = np.array(j)  # the twin of t.numpy().copy()
    writable[0] = 7.0
    harness.assert_equal(j, [0.0, 1.0, 2.0, 3.0])


def test_numpy_of_0d_is_a_0d_ndarray():
    tn, jn = torch.tensor(3.0).numpy(), np.asarray(jnp.array(3.0))  # S1 609-615
    assert type(tn) is np.ndarray and type(jn) is np.ndarray
    assert tn.shape == () == jn.shape
    harness.assert_equal(jn, tn)


# ---------------------------------------------------------------------------- constructors


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 8, 16, 32), (0, 3)])
def test_zeros_ones_values_and_default_dtype(mode, shape):
    tz, to = torch.zeros(*shape), torch.ones(*shape)
    jz, jo = jnp.zeros(shape, dtype=jnp.float32), jnp.ones(shape, dtype=jnp.float32)
    harness.assert_equal(jz, tz)  # S0 27-35 printed all-zero 3x3 and all-one 2x4
    harness.assert_equal(jo, to)
    harness.assert_equal(tz, np.zeros(shape))
    harness.assert_equal(to, np.ones(shape))
    assert tz.dtype == torch.float32
    # torch's default float is float32 in every mode; jnp's follows x64, so the twin
    # names dtype=jnp.float32 where the float32 matters.
    assert jnp.zeros(shape).dtype == mode.jnp


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 8, 16, 32), (0, 3)])
def test_zeros_ones_twins_take_torchs_arguments(mode, shape):
    # torch.zeros(3, 3) pastes as jaxnn.functional.zeros(3, 3): sizes as separate ints or
    # one tuple, float32 whatever the mode (jnp.zeros(3, 3) would read 3 as a dtype).
    for tf, jfn in ((torch.zeros, jf.zeros), (torch.ones, jf.ones)):
        t = tf(*shape)
        for j in (jfn(*shape), jfn(shape), jfn(list(shape))):
            harness.assert_equal(j, t)
            assert j.dtype == jnp.float32 and t.dtype == torch.float32
        harness.assert_equal(jfn(*shape, dtype=mode.jnp), tf(*shape, dtype=mode.torch))
        assert jfn(*shape, dtype=mode.jnp).dtype == mode.jnp
    with pytest.raises(ValueError, match=r"zeros\(\): sizes must be non-negative ints"):
        jf.zeros(2, -1)
    with pytest.raises(ValueError, match=r"ones\(\): sizes must be non-negative ints"):
        jf.ones(2.5)


def test_arange_ints_and_floats(mode):
    t, j = torch.arange(12), jnp.arange(12)  # S4 226
    harness.assert_equal(j, t)
    assert t.dtype == torch.int64 and j.dtype == _default_int()
    matrix = np.zeros((4, 3))
    harness.assert_equal(jnp.arange(len(matrix)), torch.arange(len(matrix)))  # S1 8588
    tf = torch.arange(0.0, 1.0, 0.1, dtype=mode.torch)
    jfl = jnp.arange(0.0, 1.0, 0.1, dtype=mode.jnp)
    assert tuple(tf.shape) == jfl.shape  # the end is excluded on both sides
    mode.assert_close(jfl, tf)


@pytest.mark.parametrize("start,end,steps", [(-5, 5, 100), (-3, 3, 13), (-5, 5, 1000), (0, 10, 50)])
def test_linspace_includes_both_ends(mode, start, end, steps):
    t = torch.linspace(start, end, steps, dtype=mode.torch)
    j = jnp.linspace(start, end, steps, dtype=mode.jnp)
    # torch fills the two halves from opposite ends and jnp steps from the start, so the
    # interiors may differ in the last bit: compared with a tolerance, never exactly.
    mode.assert_close(j, t)
    for x in (t, j):
        harness.assert_equal(x[0], start)
        harness.assert_equal(x[-1], end)


def test_linspace_symmetric_range_holds_zero(mode):
    t = torch.linspace(-3, 3, 13, dtype=mode.torch)  # S1 6864
    j = jnp.linspace(-3, 3, 13, dtype=mode.jnp)
    harness.assert_equal(t[6], 0.0)  # torch's symmetric fill makes the middle exactly 0
    mode.assert_close(j[6], t[6])  # jnp only guarantees start + 6 * step, ~0 within rounding
    column_t = torch.linspace(0, 10, 50, dtype=mode.torch).reshape(-1, 1)  # S1 9363
    column_j = jnp.linspace(0, 10, 50, dtype=mode.jnp).reshape(-1, 1)
    assert tuple(column_t.shape) == (50, 1) == column_j.shape
    mode.assert_close(column_j, column_t)


def test_rand_is_uniform_on_the_unit_interval_on_each_side(mode):
    torch.manual_seed(0)
    t = torch.rand(N_DRAWS, dtype=mode.torch)
    j = jax.random.uniform(jax.random.key(0), (N_DRAWS,), dtype=mode.jnp)
    assert tuple(torch.rand((1, 50)).shape) == (1, 50)  # S4 832
    assert t.dtype == mode.torch and j.dtype == mode.jnp
    for sample in (harness.to_numpy(t), harness.to_numpy(j)):
        assert sample.min() >= 0.0 and sample.max() < 1.0  # U[0, 1): 1 is excluded
        assert _ks_passes(sample, _uniform_cdf)


def test_randn_is_standard_normal_on_each_side(mode):
    torch.manual_seed(0)
    t = torch.randn(N_DRAWS, dtype=mode.torch)
    j = jax.random.normal(jax.random.key(0), (N_DRAWS,), dtype=mode.jnp)
    assert t.dtype == mode.torch and j.dtype == mode.jnp
    assert _ks_passes(harness.to_numpy(t), _normal_cdf)
    assert _ks_passes(harness.to_numpy(j), _normal_cdf)
    # And a wrong scale is caught, so the check has teeth.
    assert not _ks_passes(2.0 * harness.to_numpy(t), _normal_cdf)


def test_randint_excludes_high_on_each_side():
    torch.manual_seed(0)
    t = torch.randint(0, 10, (500, 1))  # S2 251: randint(0, 10, (64,))
    j = jax.random.randint(jax.random.key(0), (500, 1), 0, 10)
    for sample in (harness.to_numpy(t), harness.to_numpy(j)):
        assert set(sample.ravel().tolist()) == set(range(10))  # all of [0, 10), never 10
    # S1 5829: randint(2, 6, (n, 1)).float(); the twin casts with astype.
    tf = torch.randint(2, 6, (500, 1)).float()
    jfl = jax.random.randint(jax.random.key(1), (500, 1), 2, 6).astype(jnp.float32)
    assert tf.dtype == torch.float32 and jfl.dtype == jnp.float32
    for sample in (harness.to_numpy(tf), harness.to_numpy(jfl)):
        assert sample.shape == (500, 1)
        assert set(sample.ravel().tolist()) == {2.0, 3.0, 4.0, 5.0}


# ---------------------------------------------------------------------------- properties


@pytest.mark.parametrize(
    "data,shape",
    [
        ([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], (2, 3)),  # S1 133, printed 146-156
        ([1, 2, 3, 4, 5], (5,)),  # S1 193, printed 201-203
        ([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]], (4, 3)),  # S1 211, printed 225-234
        ([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]], (3, 2, 2)),  # S1 240, 255-269
    ],
)
def test_tensor_properties_seed_values(data, shape):
    t, j = torch.tensor(data), jf.tensor(data)
    # torch.Size is a tuple subclass; JAX shapes are plain tuples.
    assert t.shape == shape == j.shape
    assert t.size() == shape  # torch's size() is the shape ...
    assert j.size == t.numel() == math.prod(shape)  # ... JAX's .size is numel()
    assert t.ndim == len(shape) == j.ndim
    assert len(t) == shape[0] == len(j)
    for d in range(len(shape)):
        assert t.size(d) == shape[d] == j.shape[d]
        assert t.size(d - len(shape)) == j.shape[d - len(shape)]
    assert isinstance(t, torch.Tensor) and isinstance(j, jax.Array)  # S1 77


def test_tensor_float_dtype_and_device_properties():
    t = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    j = jf.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.dtype == torch.float32 and j.dtype == jnp.float32  # printed S1 151
    # The notebook's 'cuda:0' needs a GPU; the CPU twins: t.to('cpu') <-> jax.device_put.
    cpu = jax.devices("cpu")[0]
    assert t.to("cpu").device.type == "cpu" == jax.device_put(j, cpu).device.platform


def test_tensor_data_dtype_device_is_tensor_then_device_put(mode):
    # S3 13: `torch.tensor(data, dtype, device)`. jaxnn.functional.tensor takes the data and
    # the dtype; the device is a second step, jax.device_put (the array is then committed).
    data = [[1.0, 2.0, 3.0], [0.5, 1.0, 1.5]]
    t = torch.tensor(data, dtype=mode.torch, device="cpu")
    cpu = jax.devices("cpu")[0]
    j = jax.device_put(jf.tensor(data, dtype=mode.jnp), cpu)
    harness.assert_twins_equal(np.asarray(j), t.numpy(), golden=np.array(data), name="values")
    assert j.dtype == mode.jnp and t.dtype == mode.torch
    assert t.device.type == "cpu" and j.devices() == {cpu}


# ---------------------------------------------------------------------------- scalars, lists


def test_item_and_tolist_give_python_values():
    predictions = [0, 1, 2, 1, 0, 2, 1, 0]  # S1 1857
    t, j = torch.tensor(predictions), jf.tensor(predictions)
    assert t.tolist() == predictions == j.tolist()  # printed by S1 1860
    assert type(t[2].item()) is int and type(j[2].item()) is int
    assert t[2].item() == 2 == j[2].item()
    tf, jfl = torch.tensor([[0.5, 1.5]]), jf.tensor([[0.5, 1.5]])
    assert tf.tolist() == [[0.5, 1.5]] == jfl.tolist()
    assert type(tf[0, 1].item()) is float and type(jfl[0, 1].item()) is float


def test_fstring_of_0d_float32_formats_the_python_float():
    scores = [0.2, 0.8, 0.5, 0.3, 0.9, 0.1]  # S1 1952
    t, j = torch.tensor(scores), jf.tensor(scores)
    # S1 1959-1960 prints `{max_value}`: a 0-d tensor formats item(), the float32 0.9
    # widened to a Python float. JAX 0-d arrays do the same in this version.
    assert f"{t.max()}" == "0.8999999761581421" == f"{j.max()}"
    assert f"{t.max():.1f}" == "0.9" == f"{j.max():.1f}"  # S1 2039-2042 style spec
    assert t.max().item() == float(np.float32(0.9)) == j.max().item()


def test_clone_is_an_independent_copy(mode):
    x = mode.array([1.0, 2.0, 3.0])
    t = torch.tensor(x)
    t_clone = t.clone()
    t.add_(1.0)  # in place: the clone does not see it
    j = jnp.asarray(x)
    j_clone = j  # JAX arrays are immutable, so sharing one is already safe
    j = j + 1.0  # the functional twin of add_ rebinds the name
    mode.assert_close(j_clone, t_clone)
    mode.assert_close(j, t)
    harness.assert_equal(t_clone, x)


# ---------------------------------------------------------------------------- print options

_NUMBER = re.compile(r"-?\d+\.?\d*(?:e[+-]\d+)?")


@pytest.fixture
def print_state():
    """Restores NumPy's and torch's print options after the test (both are process-wide)."""
    saved = np.get_printoptions()
    yield
    np.set_printoptions(**saved)
    torch.set_printoptions(profile="default", sci_mode=None)


def _numbers(text: str) -> list[str]:
    body = text[text.index("[") : text.rindex("]") + 1]  # leave out "dtype=float32"
    return _NUMBER.findall(body)


def _printed(values, dtype=np.float32) -> tuple[str, str]:
    return str(jnp.asarray(values, dtype)), str(torch.tensor(values, dtype=torch.float32))


SMALL = [1e-5, 0.5, 123.456]


def test_set_printoptions_sci_mode_false_stops_scientific_notation(print_state):
    # S4 2146: torch.set_printoptions(sci_mode=False) before printing small probabilities.
    jax_text, torch_text = _printed(SMALL)
    assert "e-05" in jax_text and "e-05" in torch_text  # both pick scientific by default
    jaxnn.set_printoptions(sci_mode=False)
    torch_ref.set_printoptions(sci_mode=False)
    jax_text, torch_text = _printed(SMALL)
    assert not re.search(r"e[+-]", jax_text) and not re.search(r"e[+-]", torch_text)
    jaxnn.set_printoptions(precision=4, sci_mode=False)
    torch_ref.set_printoptions(precision=4, sci_mode=False)
    jax_text, torch_text = _printed(SMALL)
    assert [float(n) for n in _numbers(jax_text)] == [float(n) for n in _numbers(torch_text)]
    assert _numbers(torch_text) == ["0.0000", "0.5000", "123.4560"]


def test_set_printoptions_sci_mode_true_prints_torchs_numbers(print_state):
    for precision in (4, 2):
        jaxnn.set_printoptions(precision=precision, sci_mode=True)
        torch_ref.set_printoptions(precision=precision, sci_mode=True)
        jax_text, torch_text = _printed(SMALL)
        assert _numbers(jax_text) == _numbers(torch_text)  # 1.0000e-05, 5.0000e-01, ...
    jaxnn.set_printoptions()  # torch assigns sci_mode on every call: back to automatic
    assert "e+02" not in str(jnp.asarray([0.5, 1.5], np.float32))


@pytest.mark.parametrize(
    "options",
    [
        dict(threshold=10, edgeitems=2),
        dict(profile="short"),
        dict(profile="full"),
        dict(profile="default", edgeitems=1),
    ],
    ids=str,
)
def test_set_printoptions_summarises_like_torch(print_state, options):
    # 1 to 150.875 in eighths: exact in 4 digits, and no automatic scientific notation on
    # either side (torch switches when max / min > 1000, NumPy by its own rule).
    values = 1 + np.arange(1200, dtype=np.float32) / 8
    jaxnn.set_printoptions(**options)
    torch_ref.set_printoptions(**options)
    jax_text, torch_text = _printed(values)
    assert ("..." in jax_text) == ("..." in torch_text)
    jax_numbers = [float(n) for n in _numbers(jax_text)]
    assert jax_numbers == [float(n) for n in _numbers(torch_text)]
    assert len(jax_numbers) in (
        1200,
        2 * options.get("edgeitems", 2 if "short" in str(options) else 3),
    )


def test_set_printoptions_bad_arguments(print_state):
    with pytest.raises(ValueError, match="profile must be one of"):
        jaxnn.set_printoptions(profile="long")
    with pytest.raises(TypeError, match="sci_mode must be a bool or None"):
        jaxnn.set_printoptions(sci_mode="False")
    with pytest.raises(TypeError, match="precision must be a number or None"):
        jaxnn.set_printoptions(precision="4")
