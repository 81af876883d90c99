"""Reductions on hard inputs: sum, mean, var/std (with corrections), prod, max/min (with and
without ``dim``), amax/amin, property-based.

Offset inputs (mean ``1e4``, unit spread: a one-pass variance loses every digit there),
magnitudes across the dtype's range, ``nan`` and ``+-inf``, exact and one-ulp ties (max's
gradient: to the returned index with ``dim``, split evenly without it),
empty and size-1 dimensions, integer inputs: value and gradient against real torch.

Where torch's float32 var/std is itself off (a constant slice near 1e4, one-ulp ties whose
``(x - mean) / std`` is 0 / 0 up to rounding), jaxnn is held to being at least as close to
the exact value (rational arithmetic on the same float32 inputs) as torch is. Where the
float32 squares leave float32's range, the documented behaviour of ``jaxnn.functional.var``
is pinned instead (torch's CPU kernel accumulates in double).

The JAX side of each test is one jitted program over a fixed shape, compiled once per dtype.
"""

import functools
import math
from fractions import Fraction

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import jaxnn.functional as F
from twincore import harness, tolerance

from ..hard_inputs import hard_arrays, integer_arrays
from .components import REDUCTIONS

pytestmark = REDUCTIONS

SHAPE = (3, 4)
EDGE_SHAPES = [(0, 3), (3, 0), (1, 1)]

# var/std twins: name -> (dim, correction, take_sqrt), for their exact values.
SPREADS = {
    "var(1)": (1, 1, False),
    "var(0, correction=0)": (0, 0, False),
    "std(1)": (1, 1, True),
    "std(correction=2)": (None, 2, True),
}


def spread_twins(name):
    dim, correction, take_sqrt = SPREADS[name]
    jax_fn, torch_name = (F.std, "std") if take_sqrt else (F.var, "var")
    return (
        lambda x: jax_fn(x, dim, correction=correction),
        lambda t: getattr(t, torch_name)(dim, correction=correction),
        "std" if take_sqrt else "var",
    )


# name -> (jaxnn/jnp reduction, torch reduction, what bounds its rounding): "sum" for sums of
# terms (rounding is the unit roundoff times the sum of |x|), "var"/"std" for var/std (times the
# squared or plain deviation from the mean), "value" where it is relative to the result.
REDUCTION_TWINS = {
    "sum()": (jnp.sum, torch.sum, "sum"),
    "sum(1)": (lambda x: jnp.sum(x, axis=1), lambda t: t.sum(1), "sum"),
    "mean()": (F.mean, torch.mean, "sum"),
    "mean(0, keepdim)": (lambda x: F.mean(x, 0, True), lambda t: t.mean(0, True), "sum"),
    **{name: spread_twins(name) for name in SPREADS},
    "prod(1)": (lambda x: F.prod(x, 1), lambda t: t.prod(1), "value"),
    "max()": (F.max, torch.max, "value"),
    "min()": (F.min, torch.min, "value"),
    "max(1).values": (lambda x: F.max(x, 1).values, lambda t: t.max(1).values, "value"),
    "min(0).values": (lambda x: F.min(x, 0).values, lambda t: t.min(0).values, "value"),
    "amax(1)": (lambda x: F.amax(x, 1), lambda t: t.amax(1), "value"),
    "amin()": (F.amin, torch.amin, "value"),
}
INDEX_TWINS = {
    "max(1).indices": (lambda x: F.max(x, 1).indices, lambda t: t.max(1).indices),
    "min(0).indices": (lambda x: F.min(x, 0).indices, lambda t: t.min(0).indices),
    "argmax(1)": (lambda x: jnp.argmax(x, axis=1), lambda t: t.argmax(1)),
    "argmin()": (jnp.argmin, torch.argmin),
}


def cotangent(shape, dtype):
    """An output gradient that is not constant, so each element's own share shows."""
    return (np.arange(int(np.prod(shape))) % 3 + 1).reshape(shape).astype(dtype)


def without_subnormals(x):
    """XLA on CPU reads subnormals as 0 (pinned in ``nn/test_activation_hard_inputs.py``)."""
    x = x.copy()
    x[(x != 0) & (np.abs(x) < np.finfo(x.dtype).tiny)] = 0
    return x


@functools.partial(jax.jit, static_argnames=("names", "with_indices"))
def jax_reductions(x, names=tuple(REDUCTION_TWINS), with_indices=True):
    out = {}
    for name in names:
        value, vjp = jax.vjp(REDUCTION_TWINS[name][0], x)
        out[name] = (value, vjp(cotangent(value.shape, value.dtype))[0])
    if with_indices:
        for name, (fn, _) in INDEX_TWINS.items():
            out[name] = fn(x)
    return out


def rounding_scale(x, bound, torch_value):
    """The size the rounding of a reduction is relative to (see REDUCTION_TWINS)."""
    with np.errstate(invalid="ignore", over="ignore"):
        if bound == "sum":
            return np.abs(x).sum()
        deviation = np.abs(x - np.nanmean(x)) if x.size else np.zeros(0)
        if bound == "var":
            return np.square(deviation)
        if bound == "std":
            return deviation
    return torch_value


def torch_reduction(fn, x):
    t = torch.tensor(x, requires_grad=True)
    value = fn(t)
    value.backward(torch.tensor(cotangent(tuple(value.shape), x.dtype)))
    return value.detach().numpy(), t.grad.numpy()


def exact_spread(x, name):
    """var/std and its gradient (the cotangent above) in rational arithmetic on the float
    inputs, rounded once to float64; and what float32 squares give (``float32``: each square
    rounded to float32, those below float32's smallest normal flushed to 0 as XLA does, the
    sum rounded to float32), the behaviour ``F.var`` documents. For finite inputs with
    N > correction.
    """
    dim, correction, take_sqrt = SPREADS[name]
    axes = tuple(range(x.ndim)) if dim is None else (dim,)
    rows = np.moveaxis(x, axes, tuple(range(-len(axes), 0))).astype(np.float64)
    out_shape, n = rows.shape[: x.ndim - len(axes)], math.prod(x.shape[a] for a in axes)
    rows = rows.reshape(-1, n)
    cot = cotangent(out_shape, np.float64).reshape(-1)
    dof = n - correction
    values, grads, values32, grads32 = [], [], [], []
    f32 = np.finfo(np.float32)
    for row, g in zip(rows, cot, strict=True):
        exact = [Fraction(float(v)) for v in row]
        mean = sum(exact) / n
        centred = [v - mean for v in exact]
        var = sum(c * c for c in centred) / dof
        squares32 = np.float32(np.array([float(c * c) for c in centred]).clip(0, 1e300))
        squares32[squares32 < f32.tiny] = 0
        var32 = float(np.float32(np.sum(squares32, dtype=np.float64))) / dof
        results = []
        for v in (float(var), var32):
            spread = math.sqrt(v) if take_sqrt else v
            if not take_sqrt:
                grad = [float(2 * g * c / dof) for c in centred]
            elif spread in (0.0, math.inf):
                grad = [0.0] * n
            else:
                grad = [float(g * c / dof) / spread for c in centred]
            results.append((spread, grad))
        for out, item in zip(
            (values, grads, values32, grads32), (*results[0], *results[1]), strict=True
        ):
            out.append(item)

    def shaped(values, grads):
        grads = np.moveaxis(
            np.array(grads).reshape(*out_shape, *(x.shape[a] for a in axes)),
            tuple(range(-len(axes), 0)),
            axes,
        )
        return np.array(values).reshape(out_shape), grads

    return shaped(values, grads), shaped(values32, grads32)


def exact_prod_gradient(x, name):
    """The gradient of ``prod(1)`` (the cotangent above): each element's product
    of the other elements in rational arithmetic, rounded once; for finite inputs."""
    rows = x.astype(np.float64)
    cot = cotangent((rows.shape[0],), np.float64)
    grads = []
    for row, g in zip(rows, cot, strict=True):
        exact = [Fraction(float(v)) for v in row]
        grads.append([float(g * math.prod(exact[:i] + exact[i + 1 :])) for i in range(len(row))])
    return np.array(grads).reshape(x.shape)


def closeness(got, expected, tol):
    with np.errstate(invalid="ignore"):
        return harness.element_check(np.asarray(got, np.float64), expected, tol)


def assert_close_or_closer_to_exact(got, torch_value, exact, tol, name):
    """Close to torch, or, where not, at least as close to the exact value (``exact()``, only
    computed then) as torch is."""
    if closeness(got, torch_value, tol).bad_count == 0:
        return
    exact = exact()
    ours = np.max(np.abs(np.asarray(got, np.float64) - exact))
    theirs = np.max(np.abs(np.asarray(torch_value, np.float64) - exact))
    assert ours <= theirs, (
        f"{name}: differs from torch beyond {tol} and is further from the exact value "
        f"({ours:.3g}) than torch is ({theirs:.3g}): ours={got}, torch={torch_value}, "
        f"exact={exact}"
    )


def squares_may_leave_float32(x):
    """Whether some squared deviation could pass float32's largest or smallest normal."""
    with np.errstate(over="ignore"):
        squares = np.square(x.astype(np.float64) - x.astype(np.float64).mean())
    f32 = np.finfo(np.float32)
    return bool(
        (squares > f32.max / 64).any() or ((squares > 0) & (squares < f32.tiny * 2**30)).any()
    )


def check_spread(mode, x, name, what, got, expected, value_tol, grad_tol):
    (value, grad), (expected, expected_grad) = got, expected
    label = f"{name} ({what})"
    if not (np.isfinite(x).all() and x.size > SPREADS[name][1]):
        harness.assert_close(value, expected, value_tol, name=label)
        harness.assert_close(grad, expected_grad, grad_tol, name=f"gradient of {label}")
        return
    exact = functools.cache(lambda: exact_spread(x, name))
    if mode.name == "float32" and squares_may_leave_float32(x):
        (exact_value, exact_grad), (exact32, exact32_grad) = exact()
        if closeness(exact32, exact_value, value_tol).bad_count:
            # The float32 squares leave float32's range (documented in F.var): pinned to what
            # float32 squares give. var's gradient, 2 (x - mean) / (N - correction), has no
            # square and is still torch's.
            harness.assert_close(value, exact32, value_tol, name=f"{label}, float32 squares")
            if name.startswith("std"):
                harness.assert_close(grad, exact32_grad, grad_tol, name=f"gradient of {label}")
                return
    assert_close_or_closer_to_exact(value, expected, lambda: exact()[0][0], value_tol, label)
    assert_close_or_closer_to_exact(
        grad, expected_grad, lambda: exact()[0][1], grad_tol, f"gradient of {label}"
    )


def check_reductions(mode, x, what, names=tuple(REDUCTION_TWINS), with_indices=True):
    got = jax_reductions(x, names=names, with_indices=with_indices)
    for name in names:
        bound = REDUCTION_TWINS[name][2]
        expected, expected_grad = torch_reduction(REDUCTION_TWINS[name][1], x)
        value, grad = got[name]
        tol = mode.tol()
        if bound != "value" and np.isfinite(x).all():
            tol = tolerance.scaled(tol, rounding_scale(x, bound, expected))
        if bound in ("var", "std"):
            # (x - mean) / (N - correction): the difference rounds relative to the largest
            # deviation in the row, which the largest gradient element is proportional to.
            grad_tol = tolerance.scaled(mode.tol(), expected_grad)
            check_spread(
                mode, x, name, what, (value, grad), (expected, expected_grad), tol, grad_tol
            )
            continue
        harness.assert_close(value, expected, tol, name=f"{name} ({what})")
        if name == "prod(1)" and np.isfinite(x).all():
            # A product passing through float32's subnormals: torch keeps them (and loses
            # digits there), XLA flushes them and jaxnn takes the product of the others.
            assert_close_or_closer_to_exact(
                grad,
                expected_grad,
                lambda name=name: exact_prod_gradient(x, name),
                mode.tol(),
                f"gradient of {name} ({what})",
            )
            continue
        harness.assert_close(grad, expected_grad, mode.tol(), name=f"gradient of {name} ({what})")
    if with_indices:
        for name, (_, torch_fn) in INDEX_TWINS.items():
            harness.assert_equal(got[name], torch_fn(torch.tensor(x)), name=f"{name} ({what})")


@pytest.mark.parametrize("kind", ["offset", "wide", "nonfinite", "ties"])
@given(data=st.data())
def test_reductions_on_hard_inputs(mode, kind, data):
    x = without_subnormals(data.draw(hard_arrays(mode.np, kind, shape=SHAPE), label="x"))
    check_reductions(mode, x, kind)


def test_one_pass_variance_would_lose_the_offset_inputs_digits(mode):
    # Mean 1e4, unit spread: the two-pass variance (and torch's Welford) keep it; a fixed
    # example so that the offset kind is always exercised at its worst.
    x = mode.array(1e4 + np.linspace(-1.5, 1.5, 12).reshape(SHAPE))
    check_reductions(mode, x, "mean 1e4")
    one_pass = float(np.mean(x * x) - np.mean(x) ** 2)
    true_variance = float(np.var(x.astype(np.float64)))
    two_pass = float(F.var(x, correction=0))
    assert abs(two_pass - true_variance) < abs(one_pass - true_variance) or mode.name == "float64"


def test_float32_spread_of_a_constant_offset_slice_is_exact_where_torchs_is_not():
    # A documented difference, pinned: torch's float32 full-reduction std takes a float32 mean
    # (an ulp off at 1e4) and gives 1.07e-3 for a constant array; jnp.std's float32 two-pass
    # gave 2.1e-3 (and 9.8e-4 along dim 0, where torch's double Welford gives 0). Centred on
    # one of its own elements, jaxnn's is exactly 0, and so are its gradients.
    x = np.full(SHAPE, -9998.623, np.float32)
    torch_std = torch.tensor(x).std(correction=2).item()
    assert torch_std > 1e-3
    for name in ("std(correction=2)", "std(1)", "var(0, correction=0)"):
        jax_fn, torch_fn, _ = REDUCTION_TWINS[name]
        value, grad = jax.jit(jax.value_and_grad(lambda a, f=jax_fn: jnp.sum(f(a))))(x)
        harness.assert_equal(value, 0.0, name=name)
        harness.assert_equal(grad, np.zeros(SHAPE), name=f"gradient of {name}")


def test_float32_squares_out_of_range_are_pinned():
    # Documented in F.var: float32 squares past 3.4e38 overflow, below 1.2e-38 flush to 0;
    # torch's CPU kernel accumulates float32 in double and stays finite and nonzero.
    huge = np.array([-1.0] * 11 + [-2e19], np.float32)
    tiny = np.array([0, 1e-20, 2e-20], np.float32)
    torch_values = [torch.tensor(v).std().item() for v in (huge, tiny)]
    harness.assert_close(torch_values, [5.7735026e18, 1e-20], tolerance.tolerance("float32"))
    harness.assert_equal(F.std(huge), np.inf)
    harness.assert_equal(jax.jit(jax.grad(F.std))(huge), np.zeros(12))
    harness.assert_equal(F.std(tiny), 0.0)
    harness.assert_equal(jax.jit(jax.grad(F.std))(tiny), np.zeros(3))


@given(data=st.data())
def test_reductions_on_empty_and_size_one_dims(mode, data):
    # Empty: sum 0, prod 1, mean and var NaN, as torch; max/min/argmax raise in both, so the
    # jitted program holds only the reductions torch accepts for that shape.
    shape = data.draw(st.sampled_from(EDGE_SHAPES), label="shape")
    x = data.draw(hard_arrays(mode.np, "ties", shape=shape), label="x")
    accepted = []
    for name, (jax_fn, torch_fn, _) in REDUCTION_TWINS.items():
        try:
            torch_fn(torch.tensor(x))
        except (RuntimeError, IndexError):
            # torch refuses an empty max/min; jaxnn's eager call (and jnp's) refuses it too.
            with pytest.raises((ValueError, IndexError)):
                jax_fn(jnp.asarray(x))
            continue
        accepted.append(name)
    got = jax_reductions(x, names=tuple(accepted), with_indices=False)
    for name in accepted:
        expected, expected_grad = torch_reduction(REDUCTION_TWINS[name][1], x)
        value, grad = got[name]
        mode.assert_close(value, expected, name=f"{name} of {shape}")
        mode.assert_close(grad, expected_grad, name=f"gradient of {name} of {shape}")


def test_amax_gradient_is_nan_over_a_nan_slice_as_torchs_where_jitted_jnp_max_gives_0():
    # torch.amax's backward divides by the count of elements equal to the result (0 for a nan
    # result) and multiplies by that mask: nan over the slice. jnp.max's rule is the same
    # product, which XLA rewrites as a select under jit: 0 there (nan outside jit). F.amax
    # keeps torch's nan.
    x = np.array([[np.nan] * 4, [1.0, np.nan, 2.0, 3.0], [1.0, 2.0, 3.0, 3.0]], np.float32)
    t = torch.tensor(x, requires_grad=True)
    t.amax(1).sum().backward()
    expected = [[np.nan] * 4, [np.nan] * 4, [0, 0, 0.5, 0.5]]
    harness.assert_equal(t.grad, expected, name="torch")
    ours = jax.jit(jax.grad(lambda a: jnp.sum(F.amax(a, 1))))(x)
    harness.assert_equal(ours, expected, name="F.amax")
    jitted_jnp = jax.jit(jax.grad(lambda a: jnp.sum(jnp.max(a, axis=1))))(x)
    harness.assert_equal(jitted_jnp, [[0] * 4, [0] * 4, [0, 0, 0.5, 0.5]], name="jnp.max")


@jax.jit
def prod_gradients(x):
    return {
        name: jax.grad(lambda a, f=fn: jnp.sum(f(a)))(x)
        for name, fn in (
            ("prod(1)", lambda a: F.prod(a, 1)),
            ("prod()", F.prod),
            ("prod() of the last row", lambda a: F.prod(a[2])),
        )
    }


@pytest.mark.parametrize(
    "rows",
    [
        [[np.nan, 1, 2], [np.inf, 2, 3], [-1, 2, 3]],  # no zero: result / x (nan, nan at inf)
        [[np.nan, 1, 2], [np.inf, 2, 3], [0, 2, np.inf]],  # a zero: products of the others
        [[0, 0, 3], [0, 2, np.nan], [1, 2, 3]],  # two zeros in a slice: 0 there
    ],
)
def test_prod_gradient_follows_torchs_zero_rules_with_inf_and_nan(mode, rows):
    # torch's prod_backward: no zero in the whole input -> result / x; otherwise the products
    # of the other elements; a full reduction with two or more zeros -> 0.
    x = mode.array(rows)
    grads = prod_gradients(x)
    for name, torch_fn in (
        ("prod(1)", lambda t: t.prod(1)),
        ("prod()", torch.prod),
        ("prod() of the last row", lambda t: t[2].prod()),
    ):
        t = torch.tensor(x, requires_grad=True)
        torch_fn(t).sum().backward()
        mode.assert_close(grads[name], t.grad, name=f"gradient of {name} of {rows}")


def test_empty_max_min_argmax_raise_in_both(mode):
    x = mode.array(np.zeros((0, 3)))
    for jax_call, torch_call in (
        (lambda: F.max(x), lambda: torch.tensor(x).max()),
        (lambda: F.min(x, 0), lambda: torch.tensor(x).min(0)),
        (lambda: jnp.argmax(x, axis=0), lambda: torch.tensor(x).argmax(0)),
    ):
        with pytest.raises((RuntimeError, IndexError)):
            torch_call()
        with pytest.raises((ValueError, IndexError)):
            jax_call()


def test_max_gradient_rules_with_ties_and_nan():
    # torch's rules, fixed: max(dim) sends the gradient to the returned (first) index;
    # max() splits it among the tied elements, and with a NaN sends it to the NaNs.
    x = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, np.nan, 2.0, np.nan]])
    expected = {
        "max(1).values": [[0, 1, 0, 0], [0, 1, 0, 0]],
        "max()": [[0, 0, 0, 0], [0, 0.5, 0, 0.5]],
    }
    for name, values in expected.items():
        jax_fn, torch_fn, _ = REDUCTION_TWINS[name]
        t = torch.tensor(x, requires_grad=True)
        torch_fn(t).sum().backward()
        grad = jax.jit(jax.grad(lambda a, f=jax_fn: jnp.sum(f(a))))(x.astype(np.float32))
        harness.assert_equal(t.grad, values, name=f"torch {name}")
        harness.assert_equal(grad, values, name=f"jax {name}")


def expected_integer_dtype(name, dtype, torch_dtype):
    """torch's result dtype, except for jnp.sum of unsigned integers: jnp follows NumPy's
    rule, which sums an unsigned type in the default *unsigned* integer (uint64 with 64-bit
    types on) so that the sum can neither wrap at the input's width nor change sign; torch
    sums every integer type in int64. The values agree (pinned below)."""
    if name.startswith("sum") and np.dtype(dtype).kind == "u":
        return np.dtype("uint64")
    return np.dtype(str(torch_dtype).removeprefix("torch."))


@pytest.mark.parametrize("dtype", ["uint8", "int32", "int64"])
@given(data=st.data())
def test_integer_reductions_values_and_dtypes(mode, dtype, data):
    low = 0 if dtype == "uint8" else -100
    x = data.draw(integer_arrays(dtype, shape=SHAPE, low=low, high=100), label="x")
    t = torch.tensor(x)
    pairs = {
        "sum()": (jnp.sum(x), t.sum()),
        "sum(0)": (jnp.sum(x, axis=0), t.sum(0)),
        "prod(1)": (F.prod(x, 1), t.prod(1)),
        "max(1)": (F.max(x, 1), t.max(1)),
        "max()": (F.max(x), t.max()),
        "amax(1)": (F.amax(x, 1), t.amax(1)),
        "argmax(1)": (jnp.argmax(x, axis=1), t.argmax(1)),
    }
    for name, (got, expected) in pairs.items():
        got_leaves = got if isinstance(got, tuple) else (got,)
        expected_leaves = tuple(expected) if isinstance(expected, tuple) else (expected,)
        for g, e in zip(got_leaves, expected_leaves, strict=True):
            harness.assert_equal(g, e, name=f"{name} of {dtype}")
            if mode.name == "float64":
                # 64-bit JAX types on: the result dtype is torch's (sums and products of
                # small integers widen to int64, max keeps the input's width), but for sums
                # of unsigned integers (expected_integer_dtype).
                assert np.dtype(g.dtype) == expected_integer_dtype(name, dtype, e.dtype), name


def test_jnp_sum_of_uint8_is_unsigned_where_torchs_is_int64(x64):
    # A documented difference, pinned (expected_integer_dtype): the values agree, the dtypes
    # are uint64 (jnp, NumPy's rule) and int64 (torch). 255 * 12 needs more than 8 bits.
    x = np.full(SHAPE, 255, np.uint8)
    ours, theirs = jnp.sum(x), torch.tensor(x).sum()
    harness.assert_equal(ours, 255 * 12)
    harness.assert_equal(theirs, 255 * 12)
    assert (ours.dtype, theirs.dtype) == (np.dtype("uint64"), torch.int64)
