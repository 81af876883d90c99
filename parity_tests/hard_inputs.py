"""Hard inputs for the property-based parity tests: the values where two correct-looking
implementations part ways.

Each *kind* names one way an input can be hard:

- ``wide``: magnitudes across the dtype's range, ``1e-30 … 1e30`` with either sign (both
  dtypes hold them; squares and exponentials overflow to ``inf`` in both twins alike).
- ``logits``: large logits, up to ``±1e4``: ``log(softmax(x))`` gives ``-inf`` where
  ``log_softmax`` gives a number.
- ``offset``: unit spread around a mean far from zero (``±1e4``): one-pass variance and
  naive sums lose digits that two-pass forms keep.
- ``ties``: a few distinct values repeated, and neighbours one ulp apart: max, argmax,
  top-k, sort and max pooling must follow torch's tie rules.
- ``nonfinite``: ``nan``, ``inf`` and ``-inf`` among ordinary values: they must come out
  where torch puts them.
- ``masked``: ordinary values with ``-inf`` masks, whole rows included (a fully masked
  softmax row is NaN in torch).

``hard_arrays`` draws arrays of a kind; ``hard_shapes`` draws shapes that include empty and
size-1 dimensions. The hypothesis profiles (``ci``, the default, and ``thorough``) are
registered in ``conftest.py``: tests leave ``max_examples`` to the profile.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from twincore import harness

KINDS = ("wide", "logits", "offset", "ties", "nonfinite", "masked")
"""Every kind of hard input :func:`hard_arrays` draws."""

FINITE_KINDS = ("wide", "logits", "offset", "ties")
"""The kinds with no ``nan`` or ``inf`` in them."""

OFFSETS = (1e4, -1e4, 1e3)
"""Means of the ``offset`` kind: far from zero, with unit spread around them."""


def _wide() -> st.SearchStrategy[float]:
    return st.builds(
        lambda sign, exponent, mantissa: sign * mantissa * 10.0**exponent,
        st.sampled_from((-1.0, 1.0)),
        st.integers(-30, 30),
        st.floats(1.0, 10.0, exclude_max=True),
    )


def _logits() -> st.SearchStrategy[float]:
    return st.one_of(st.floats(-1e4, 1e4), st.sampled_from((-1e4, 1e4, 0.0)))


def _ties(dtype: np.dtype) -> st.SearchStrategy[float]:
    one_up = float(np.nextafter(dtype.type(1), dtype.type(2)))
    one_down = float(np.nextafter(dtype.type(1), dtype.type(0)))
    return st.sampled_from((0.0, -0.0, 1.0, one_up, one_down, -1.0, 2.5))


def _ordinary() -> st.SearchStrategy[float]:
    return st.floats(-10.0, 10.0)


def _nonfinite() -> st.SearchStrategy[float]:
    return st.one_of(_ordinary(), st.sampled_from((np.nan, np.inf, -np.inf)))


def _masked() -> st.SearchStrategy[float]:
    return st.one_of(_ordinary(), st.just(-np.inf))


def hard_shapes(
    min_dims: int = 1, max_dims: int = 3, min_side: int = 0, max_side: int = 5
) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes with empty (``min_side=0``) and size-1 dimensions among them."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


@st.composite
def hard_arrays(
    draw,
    dtype: str | np.dtype,
    kind: str,
    shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
) -> np.ndarray:
    """An array of ``dtype`` whose values are hard in the way ``kind`` names.

    ``shape`` is a shape, a strategy for one, or None for :func:`hard_shapes`'s default.
    The values are drawn in float64 and rounded once to ``dtype``. ``masked`` arrays with
    two or more dimensions have a whole last-axis row set to ``-inf`` when hypothesis picks
    one.
    """
    dtype = np.dtype(dtype)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if shape is None:
        shape = hard_shapes()
    if isinstance(shape, st.SearchStrategy):
        shape = draw(shape)
    if kind == "offset":
        mean = draw(st.sampled_from(OFFSETS))
        spread = draw(hnp.arrays(np.float64, shape, elements=st.floats(-3.0, 3.0)))
        return (mean + spread).astype(dtype)
    elements = {
        "wide": _wide,
        "logits": _logits,
        "ties": lambda: _ties(dtype),
        "nonfinite": _nonfinite,
        "masked": _masked,
    }[kind]()
    values = draw(hnp.arrays(np.float64, shape, elements=elements))
    if kind == "masked" and values.ndim >= 2 and values.size and draw(st.booleans()):
        row = draw(st.integers(0, values.size // values.shape[-1] - 1))
        values.reshape(-1, values.shape[-1])[row] = -np.inf
    return values.astype(dtype)


def integer_arrays(
    dtype: str | np.dtype = "int64",
    shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
    low: int = -100,
    high: int = 100,
) -> st.SearchStrategy[np.ndarray]:
    """Integer inputs, for the ops torch accepts them in."""
    return hnp.arrays(
        np.dtype(dtype), hard_shapes() if shape is None else shape, elements=st.integers(low, high)
    )


def ordinary(draw, shape, dtype):
    """Weights, biases or a cotangent: magnitudes in [0.5, 2) with random signs, drawn by seed.
    Bounded away from 0 so that products with the smallest wide inputs (1e-30) stay normal
    numbers in float32: XLA on CPU flushes subnormals to zero, torch keeps them (a platform
    difference pinned in test_activation_hard_inputs.py), which is not what this file tests."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return (rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.5, 2.0, size=shape)).astype(dtype)


def assert_close_to_terms(actual, expected, terms, tol, name):
    """``|actual - expected| <= (atol + rtol) * terms`` element-wise, where ``terms`` is the
    sum of the magnitudes each element adds up (computed in float64 from the finite inputs):
    both sides are divided by it, so NaN and inf must still sit in the same places."""
    terms = np.where(np.asarray(terms) > 0, terms, 1.0)
    harness.assert_close(
        np.asarray(actual, np.float64) / terms,
        np.asarray(expected, np.float64) / terms,
        tol,
        name=f"{name} / sum of its terms' magnitudes",
    )


def torch_value_and_grad(fn, x, cot):
    """torch's value of ``fn(x)`` and the gradient of ``x`` for the output gradient ``cot``."""
    t = torch.tensor(x, requires_grad=True)
    y = fn(t)
    y.backward(torch.tensor(cot))
    return y.detach(), t.grad
