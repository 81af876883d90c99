"""The comparison harness: two real computations, element by element, against a tolerance.

Every parity check compares torch and JAX (or a value the notebook printed)
with the functions below; the tolerance comes from :mod:`twincore.tolerance`.
Failures name the element, both values, the absolute and relative error and
the tolerance with its reason. NumPy only: values are torch tensors, JAX arrays
or NumPy arrays, taken through :func:`twincore.arrays.to_numpy`.

The whole comparison API in one namespace: the tolerances (``tolerance``,
``printed``, ``scaled``) and difference metrics (``max_abs_diff``,
``max_rel_diff``) are re-exported here::

    from twincore import harness

    harness.assert_close(jax_out, torch_out, harness.tolerance("float64"))
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from twincore import recording
from twincore.arrays import to_numpy as to_numpy
from twincore.diff import max_abs_diff as max_abs_diff
from twincore.diff import max_rel_diff as max_rel_diff
from twincore.tolerance import STATISTICAL_ALPHA as STATISTICAL_ALPHA
from twincore.tolerance import TOLERANCES as TOLERANCES
from twincore.tolerance import Tolerance as Tolerance
from twincore.tolerance import printed as printed
from twincore.tolerance import scaled as scaled
from twincore.tolerance import tolerance as tolerance


@contextlib.contextmanager
def _recording_as(func: str, role: str = "twin") -> Iterator[None]:
    """The next outermost comparison is recorded as ``func`` with ``role`` (when recording)."""
    rec = recording.recorder()
    if rec is None:
        yield
        return
    with rec.recording_as(func, role):
        yield


def _fmt_index(index: tuple[int, ...]) -> str:
    return "()" if not index else "(" + ", ".join(str(i) for i in index) + ")"


def _shape_error(name: str, actual: np.ndarray, expected: np.ndarray) -> AssertionError:
    return AssertionError(
        f"{name}: shape {tuple(actual.shape)} (actual) != {tuple(expected.shape)} (expected)"
    )


def assert_close(actual: Any, expected: Any, tol: Tolerance, *, name: str = "value") -> None:
    """Asserts element-wise closeness; shapes must match exactly (no broadcasting).

    NaNs must sit at the same positions in both; infinities must be equal.
    On failure the message gives the number of bad elements, the worst one's
    index, both values, its absolute and relative error, and the tolerance.
    """
    if (rec := recording.recorder()) is not None and not rec.active:
        with rec.comparison("assert_close", name, tol):
            return assert_close(actual, expected, tol, name=name)
    a, e = to_numpy(actual), to_numpy(expected)
    if a.shape != e.shape:
        raise _shape_error(name, a, e)
    if a.dtype.kind == "b" or e.dtype.kind == "b":
        assert_equal(a, e, name=name)
        return
    check = element_check(a, e, tol)
    if (rec := recording.recorder()) is not None:
        rec.measure(check.diff, check.expected, (a.dtype.name, e.dtype.name))
    if check.bad_count == 0:
        return
    raise AssertionError(
        f"{name}: {check.bad_count} of {a.size} elements outside tolerance ({tol})\n"
        f"  worst at index {_fmt_index(check.worst)}: actual={check.worst_actual!r}, "
        f"expected={check.worst_expected!r}, abs err={check.worst_abs:.3g}, "
        f"rel err={check.worst_rel:.3g}\n"
        f"  tolerance reason: {tol.why}"
    )


@dataclass(frozen=True)
class ElementCheck:
    """Two same-shaped float arrays checked element by element against a tolerance: how many
    elements are outside it, and the worst one (the most outside, else the largest error)."""

    diff: np.ndarray  # |actual - expected| in float64
    expected: np.ndarray  # in float64
    bad_count: int
    worst: tuple[int, ...]
    worst_actual: float
    worst_expected: float

    @property
    def worst_abs(self) -> float:
        return abs(self.worst_actual - self.worst_expected)

    @property
    def worst_rel(self) -> float:
        ev = self.worst_expected
        return self.worst_abs / abs(ev) if ev != 0 and math.isfinite(ev) else math.inf


def element_check(actual: np.ndarray, expected: np.ndarray, tol: Tolerance) -> ElementCheck:
    """The check :func:`assert_close` makes (and ``twincore.comparison`` reports): NaNs at
    the same places, equal infinities, ``|a - e| <= atol + rtol * |e|`` elsewhere."""
    a64, e64 = actual.astype(np.float64), expected.astype(np.float64)
    nan_a, nan_e = np.isnan(a64), np.isnan(e64)
    with np.errstate(invalid="ignore"):
        inf_mismatch = (np.isinf(a64) | np.isinf(e64)) & (a64 != e64)
        diff = np.abs(a64 - e64)
        bound = tol.atol + tol.rtol * np.abs(e64)
        bad = (nan_a != nan_e) | inf_mismatch | (~nan_a & ~nan_e & ~np.isinf(e64) & (diff > bound))
    shape = a64.shape
    if not a64.size:
        return ElementCheck(diff, e64, 0, (), math.nan, math.nan)
    finite_bad = bad & np.isfinite(diff)
    if finite_bad.any():
        worst = np.unravel_index(int(np.argmax(np.where(finite_bad, diff - bound, -np.inf))), shape)
    elif bad.any():
        worst = np.unravel_index(int(np.argmax(bad)), shape)
    else:  # all within: the largest error
        worst = np.unravel_index(int(np.argmax(np.where(np.isfinite(diff), diff, -1.0))), shape)
    worst = tuple(int(i) for i in worst) if shape else ()
    return ElementCheck(diff, e64, int(bad.sum()), worst, float(a64[worst]), float(e64[worst]))


def assert_equal(actual: Any, expected: Any, *, name: str = "value") -> None:
    """Asserts identical shapes and values (for integers, booleans, indices, exact floats).

    dtypes are not compared: torch's int64 and JAX's int32 hold the same values.
    """
    if (rec := recording.recorder()) is not None and not rec.active:
        with rec.comparison("assert_equal", name, None):
            return assert_equal(actual, expected, name=name)
    a, e = to_numpy(actual), to_numpy(expected)
    if a.shape != e.shape:
        raise _shape_error(name, a, e)
    same = a == e
    if a.dtype.kind in "fc" and e.dtype.kind in "fc":
        same |= np.isnan(a) & np.isnan(e)
    if (rec := recording.recorder()) is not None:
        rec.measure_exact(a, e, same)
    bad = ~same
    if not np.any(bad):
        return
    worst = np.unravel_index(int(np.argmax(bad)), a.shape) if a.shape else ()
    raise AssertionError(
        f"{name}: {int(np.sum(bad))} of {a.size} elements differ (exact comparison)\n"
        f"  first at index {_fmt_index(tuple(int(i) for i in worst))}: "
        f"actual={a[worst].item()!r}, expected={e[worst].item()!r}"
    )


def assert_twins_equal(jax_value: Any, torch_value: Any, golden: Any = None, *, name="value"):
    """JAX equals torch exactly; both equal the notebook's ``golden`` value when there is one."""
    with _recording_as("assert_twins_equal"):
        assert_equal(jax_value, torch_value, name=name)
    if golden is not None:
        with _recording_as("assert_twins_equal", role="golden"):
            assert_equal(torch_value, np.asarray(golden), name=f"torch {name}")
            assert_equal(jax_value, np.asarray(golden), name=f"jax {name}")


def assert_twins_close(
    jax_value: Any,
    torch_value: Any,
    tol: Tolerance,
    golden: Any = None,
    golden_tol: Tolerance | None = None,
    *,
    name: str = "value",
) -> None:
    """JAX close to torch; both close to the notebook's ``golden`` value when there is one.

    ``golden_tol`` (default ``tol``) is usually :func:`printed` for a rounded print.
    """
    with _recording_as("assert_twins_close"):
        assert_close(jax_value, torch_value, tol, name=name)
    if golden is not None:
        expected = np.asarray(golden, dtype=np.float64)
        with _recording_as("assert_twins_close", role="golden"):
            assert_close(torch_value, expected, golden_tol or tol, name=f"torch {name}")
            assert_close(jax_value, expected, golden_tol or tol, name=f"jax {name}")


def _leaves(tree: Any, path: str = "") -> dict[str, Any]:
    """The leaves of nested mappings, lists and tuples, by dotted path."""
    if isinstance(tree, Mapping):
        items = ((str(k), v) for k, v in tree.items())
    elif isinstance(tree, (list, tuple)):
        items = ((str(i), v) for i, v in enumerate(tree))
    else:
        return {path or "<root>": tree}
    leaves: dict[str, Any] = {}
    for key, value in items:
        leaves.update(_leaves(value, f"{path}.{key}" if path else key))
    return leaves


def assert_tree_close(actual: Any, expected: Any, tol: Tolerance, *, name: str = "tree") -> None:
    """Compares two trees (nested dicts, lists, tuples) leaf by leaf; their paths must match."""
    if (rec := recording.recorder()) is not None and not rec.active:
        with rec.comparison("assert_tree_close", name, tol):
            return assert_tree_close(actual, expected, tol, name=name)
    a_leaves, e_leaves = _leaves(actual), _leaves(expected)
    _check_keys(name, a_leaves, e_leaves)
    for key, value in e_leaves.items():
        assert_close(a_leaves[key], value, tol, name=f"{name}[{key}]")


def _check_keys(name: str, actual: Mapping, expected: Mapping) -> None:
    missing = [k for k in expected if k not in actual]
    unexpected = [k for k in actual if k not in expected]
    if missing or unexpected:
        raise AssertionError(
            f"{name}: keys differ; missing from actual: {missing}; "
            f"unexpected in actual: {unexpected}"
        )


def assert_state_dict_close(
    actual: Mapping[str, Any],
    expected: Mapping[str, Any],
    tol: Tolerance,
    *,
    name: str = "state_dict",
) -> None:
    """Compares two state dicts (torch tensors or arrays): same keys, shapes and values."""
    if (rec := recording.recorder()) is not None and not rec.active:
        with rec.comparison("assert_state_dict_close", name, tol):
            return assert_state_dict_close(actual, expected, tol, name=name)
    _check_keys(name, actual, expected)
    for key, value in expected.items():
        assert_close(actual[key], value, tol, name=f"{name}[{key!r}]")
