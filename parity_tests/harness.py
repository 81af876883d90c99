"""The comparison harness: the one place that owns tolerances.

Every parity test compares two real computations (torch and JAX) with the
helpers below; no test carries its own magic number. Failures name the element,
both values, the absolute and relative error and the tolerance with its reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jax
import numpy as np


@dataclass(frozen=True)
class Tolerance:
    """``|actual - expected| <= atol + rtol * |expected|``, element-wise, with the reason."""

    rtol: float
    atol: float
    why: str
    # What the tolerance is for, filled by tolerance() and printed(); read only by the
    # measurement records (JAXNN_PARITY_RECORD), never by the comparison itself.
    kind: str = ""
    dtype: str = ""

    def __str__(self) -> str:
        return f"rtol={self.rtol:g}, atol={self.atol:g}"


# (dtype, kind) -> tolerance. Kinds:
#   "op":    one forward value or one gradient;
#   "curve": a training trajectory (losses and parameters over steps; in
#            float32 only its first 20 steps are compared this tightly);
#   "metric": the final metrics of a whole training run (loss, accuracy, parameters).
TOLERANCES: dict[tuple[str, str], Tolerance] = {
    ("float64", "op"): Tolerance(
        1e-10,
        1e-12,
        "float64 is the algorithm check: the same math in another library differs only "
        "by summation order, ~1e-16 relative; atol covers values that cancel to ~0",
    ),
    ("float64", "curve"): Tolerance(
        1e-10,
        1e-12,
        "float64 trajectories stay within ~1e-15 over hundreds of SGD steps; 1e-10 is "
        "the project's contract for whole curves",
    ),
    ("float32", "op"): Tolerance(
        1e-5,
        1e-6,
        "float32 eps is 1.2e-7; MKL/oneDNN and XLA:CPU/Eigen sum dot products in "
        "different orders, giving ~1e-6 relative on reductions of a few thousand terms; "
        "atol for outputs that cancel to ~0 from O(1) inputs",
    ),
    ("float32", "curve"): Tolerance(
        1e-4,
        1e-5,
        "per-step float32 differences (~1e-6) compound through the updates; measured "
        "drift is ~1e-5 after 20 steps and 1.8e-4 after 300 SGD-momentum steps",
    ),
    ("float32", "metric"): Tolerance(
        1e-3,
        1e-4,
        "a float32 run's final metric (loss, parameters) after hundreds of steps: the "
        "per-step differences compound (measured 1.8e-4 relative after 300 SGD-momentum "
        "steps); the margin leaves 5x headroom",
    ),
    ("float64", "member"): Tolerance(
        1e-12,
        1e-14,
        "a vmapped multi-seed member against its own single run: the same kernels on the "
        "same batches, batched; the contract is 1e-12 (measured ~1e-16)",
    ),
    ("float32", "member"): Tolerance(
        1e-4,
        1e-5,
        "a vmapped float32 member against its own run: batched kernels may sum in another "
        "order, compounding like a curve (the float32 curve tolerance)",
    ),
    ("float64", "metric"): Tolerance(
        1e-10, 1e-12, "float64 runs agree to ~1e-15 relative, whole runs included"
    ),
}
TOLERANCES = {
    (dtype, kind): dataclasses.replace(tol, kind=kind, dtype=dtype)
    for (dtype, kind), tol in TOLERANCES.items()
}


# Significance level for distribution checks (Kolmogorov-Smirnov) of random draws, which
# never match across frameworks. Seeds are fixed, so each test is deterministic; a correct
# distribution passes at any seed with probability 1 - 1e-6, while a wrong family, scale or
# bound is still rejected at the few thousand draws the tests use.
STATISTICAL_ALPHA = 1e-6


def scaled(tol: Tolerance, expected: Any) -> Tolerance:
    """``tol`` with its ``atol`` raised to ``rtol * max |expected|`` when that is larger.

    For an input gradient that mixes every element with every other (attention's
    softmax): each element is a sum of terms as large as the tensor's largest entry, so
    one that cancels to a small value carries float32 rounding of that size, not of its
    own. Measured on ``SelfAttention(64)`` at float32 (input gradient up to 18): torch's
    and JAX's errors against float64 are both ~5e-6 absolute at elements near 0.01,
    and their difference is the same size; an element-wise ``rtol`` would call that a
    mismatch. A no-op for tensors of scale ~1.
    """
    scale = (
        float(np.max(np.abs(np.asarray(expected, dtype=np.float64)))) if np.size(expected) else 0.0
    )
    return dataclasses.replace(tol, atol=max(tol.atol, tol.rtol * scale))


def tolerance(dtype: str, kind: str = "op") -> Tolerance:
    """The tolerance for comparing ``dtype`` results of the given kind."""
    try:
        return TOLERANCES[(dtype, kind)]
    except KeyError:
        known = ", ".join(f"{d}/{k}" for d, k in TOLERANCES)
        raise KeyError(f"no tolerance for {dtype}/{kind}; known: {known}") from None


def printed(decimals: int) -> Tolerance:
    """Tolerance for a value the seed printed rounded to ``decimals`` places.

    The printed digits only pin the true value to within half a unit of the
    last place; float32 rounding of the computation is far below that.
    """
    return Tolerance(
        0.0,
        0.5 * 10.0**-decimals * (1 + 1e-6),
        f"the seed printed {decimals} decimals, which pin the value to +-half a unit "
        "in the last place",
        kind="printed",
    )


def to_numpy(x: Any) -> np.ndarray:
    """NumPy copy of a torch tensor, JAX array, NumPy array or Python value."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # torch, without importing it here
        x = x.detach().cpu()
        if str(x.dtype) == "torch.bfloat16":
            x = x.float()
        return np.array(x.numpy(), copy=True)
    if isinstance(x, jax.Array):
        return np.array(jax.device_get(x), copy=True)
    return np.array(x, copy=True)


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
    if _recorder is not None and not _recorder.active:
        with _recorder.comparison("assert_close", name, tol):
            return assert_close(actual, expected, tol, name=name)
    a, e = to_numpy(actual), to_numpy(expected)
    if a.shape != e.shape:
        raise _shape_error(name, a, e)
    if a.dtype.kind == "b" or e.dtype.kind == "b":
        assert_equal(a, e, name=name)
        return
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    nan_a, nan_e = np.isnan(a64), np.isnan(e64)
    with np.errstate(invalid="ignore"):
        inf_mismatch = (np.isinf(a64) | np.isinf(e64)) & (a64 != e64)
        diff = np.abs(a64 - e64)
        bound = tol.atol + tol.rtol * np.abs(e64)
        bad = (nan_a != nan_e) | inf_mismatch | (~nan_a & ~nan_e & ~np.isinf(e64) & (diff > bound))
    if _recorder is not None:
        _recorder.measure(diff, e64, (a.dtype.name, e.dtype.name))
    if not bad.any():
        return
    finite_bad = bad & np.isfinite(diff)
    if finite_bad.any():
        excess = np.where(finite_bad, diff - bound, -np.inf)
        worst = np.unravel_index(int(np.argmax(excess)), a.shape) if a.shape else ()
    else:
        worst = np.unravel_index(int(np.argmax(bad)), a.shape) if a.shape else ()
    av, ev = float(a64[worst]), float(e64[worst])
    abs_err = abs(av - ev)
    rel_err = abs_err / abs(ev) if ev != 0 and math.isfinite(ev) else math.inf
    raise AssertionError(
        f"{name}: {int(bad.sum())} of {a.size} elements outside tolerance ({tol})\n"
        f"  worst at index {_fmt_index(tuple(int(i) for i in worst))}: actual={av!r}, "
        f"expected={ev!r}, abs err={abs_err:.3g}, rel err={rel_err:.3g}\n"
        f"  tolerance reason: {tol.why}"
    )


def assert_equal(actual: Any, expected: Any, *, name: str = "value") -> None:
    """Asserts identical shapes and values (for integers, booleans, indices, exact floats).

    dtypes are not compared: torch's int64 and JAX's int32 hold the same values.
    """
    if _recorder is not None and not _recorder.active:
        with _recorder.comparison("assert_equal", name, None):
            return assert_equal(actual, expected, name=name)
    a, e = to_numpy(actual), to_numpy(expected)
    if a.shape != e.shape:
        raise _shape_error(name, a, e)
    same = a == e
    if a.dtype.kind in "fc" and e.dtype.kind in "fc":
        same |= np.isnan(a) & np.isnan(e)
    if _recorder is not None:
        _recorder.measure_exact(a, e, same)
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
    """JAX equals torch exactly; both equal the seed's ``golden`` value when there is one."""
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
    """JAX close to torch; both close to the seed's ``golden`` value when there is one.

    ``golden_tol`` (default ``tol``) is usually :func:`printed` for a rounded print.
    """
    with _recording_as("assert_twins_close"):
        assert_close(jax_value, torch_value, tol, name=name)
    if golden is not None:
        expected = np.asarray(golden, dtype=np.float64)
        with _recording_as("assert_twins_close", role="golden"):
            assert_close(torch_value, expected, golden_tol or tol, name=f"torch {name}")
            assert_close(jax_value, expected, golden_tol or tol, name=f"jax {name}")


def _leaf_name(path) -> str:
    parts = []
    for entry in path:
        for attr in ("key", "name", "idx"):
            if hasattr(entry, attr):
                parts.append(str(getattr(entry, attr)))
                break
        else:
            parts.append(str(entry))
    return ".".join(parts) or "<root>"


def assert_tree_close(actual: Any, expected: Any, tol: Tolerance, *, name: str = "tree") -> None:
    """Compares two pytrees leaf by leaf; structures (paths) must match."""
    if _recorder is not None and not _recorder.active:
        with _recorder.comparison("assert_tree_close", name, tol):
            return assert_tree_close(actual, expected, tol, name=name)
    a_leaves = {_leaf_name(p): v for p, v in jax.tree_util.tree_flatten_with_path(actual)[0]}
    e_leaves = {_leaf_name(p): v for p, v in jax.tree_util.tree_flatten_with_path(expected)[0]}
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
    if _recorder is not None and not _recorder.active:
        with _recorder.comparison("assert_state_dict_close", name, tol):
            return assert_state_dict_close(actual, expected, tol, name=name)
    _check_keys(name, actual, expected)
    for key, value in expected.items():
        assert_close(actual[key], value, tol, name=f"{name}[{key!r}]")


def max_abs_diff(actual: Any, expected: Any) -> float:
    """The largest absolute element-wise difference (for reports, not for asserting)."""
    a, e = to_numpy(actual).astype(np.float64), to_numpy(expected).astype(np.float64)
    if a.shape != e.shape:
        raise _shape_error("max_abs_diff", a, e)
    return float(np.max(np.abs(a - e))) if a.size else 0.0


# ---------------------------------------------------------------------------------------
# Measurement records for `jaxnn parity` (examples/parity.py) and its HTML report.
#
# With JAXNN_PARITY_RECORD=<dir> in the environment, every comparison above also records
# what it measured for the running test (conftest.py sets the test and writes the records
# to <dir> when the session ends). Without it `_recorder` stays None and each comparator
# pays one `is not None` test.
#
# One record per outermost comparison: assert_tree_close / assert_state_dict_close record
# the worst of their leaves under their own name; assert_twins_close / assert_twins_equal
# record the JAX-vs-torch comparison with role "twin" and the checks against the seed's
# printed value with role "golden". A tolerance of kind "printed" is a golden check too.
# Fields: max_abs = max |actual - expected| over finite elements; max_rel = max of
# |actual - expected| / |expected| over finite elements with expected != 0 (element-wise;
# large where values cancel to ~0); scale = max |expected|; rtol, atol: the tolerance it
# was held to. "passed" is False for a comparison that raised, which a test may expect
# (pytest.raises around a documented difference).
# ---------------------------------------------------------------------------------------

RECORD_ENV = "JAXNN_PARITY_RECORD"


class Recorder:
    """Collects one measurement record per outermost harness comparison of the running test."""

    def __init__(self) -> None:
        self.nodeid = ""
        self.mode = ""  # the test's `mode` parameter, when it has one
        self.records: list[dict[str, Any]] = []
        self._open: dict[str, Any] | None = None
        self._as: tuple[str, str] | None = None

    @property
    def active(self) -> bool:
        """Whether a comparison is open (nested comparisons add to its record)."""
        return self._open is not None

    def start_test(self, nodeid: str, mode: str = "") -> None:
        self.nodeid, self.mode = nodeid, mode

    @contextlib.contextmanager
    def comparison(self, func: str, name: str, tol: Tolerance | None) -> Iterator[None]:
        """Opens the record of one comparison; it is kept whether the comparison passes."""
        role = "twin"
        if self._as is not None:
            func, role = self._as
        if tol is not None and tol.kind == "printed":
            role = "golden"
        record = {
            "nodeid": self.nodeid,
            "comparison": func,
            "name": str(name),
            "kind": tol.kind if tol is not None else "exact",
            "mode": (tol.dtype if tol is not None else "") or self.mode,
            "role": role,
            "rtol": tol.rtol if tol is not None else 0.0,
            "atol": tol.atol if tol is not None else 0.0,
            "max_abs": 0.0,
            "max_rel": 0.0,
            "scale": 0.0,
            "size": 0,
            "dtypes": [],
            "passed": False,
        }
        self._open = record
        try:
            yield
            record["passed"] = True
        finally:
            self._open = None
            if not record["mode"]:
                record["mode"] = _mode_of(record.pop("dtypes"))
            else:
                record.pop("dtypes")
            self.records.append(record)

    def _update(self, diff: np.ndarray, expected: np.ndarray, dtypes: tuple[str, str]) -> None:
        record = self._open
        if record is None:
            return
        record["size"] += int(diff.size)
        record["dtypes"].extend(dtypes)
        finite = np.isfinite(diff) & np.isfinite(expected)
        if not finite.any():
            return
        d, e = diff[finite], np.abs(expected[finite])
        record["max_abs"] = max(record["max_abs"], float(d.max()))
        record["scale"] = max(record["scale"], float(e.max()))
        nonzero = e > 0
        if nonzero.any():
            record["max_rel"] = max(record["max_rel"], float((d[nonzero] / e[nonzero]).max()))

    def measure(self, diff: np.ndarray, expected64: np.ndarray, dtypes: tuple[str, str]) -> None:
        """Adds an assert_close leaf: ``diff = |actual - expected|`` in float64."""
        self._update(np.asarray(diff), np.asarray(expected64), dtypes)

    def measure_exact(self, actual: np.ndarray, expected: np.ndarray, same: np.ndarray) -> None:
        """Adds an assert_equal leaf; non-numeric values count 1 per differing element."""
        dtypes = (actual.dtype.name, expected.dtype.name)
        try:
            # complex128 keeps the imaginary parts of complex values; |a - e| is real.
            wide = np.complex128 if "complex" in dtypes[0] + dtypes[1] else np.float64
            a, e = actual.astype(wide), expected.astype(wide)
            with np.errstate(invalid="ignore", over="ignore"):
                diff = np.where(np.asarray(same), 0.0, np.abs(a - e))
            e = np.abs(e)
        except (TypeError, ValueError):
            e = np.ones(np.shape(same))
            diff = np.where(np.asarray(same), 0.0, 1.0)
        self._update(diff, e, dtypes)


def _mode_of(dtypes: list[str]) -> str:
    """A comparison outside the `mode` fixture: its precision from the compared arrays."""
    if "float64" in dtypes:
        return "float64"
    if any(d in ("float32", "float16", "bfloat16") for d in dtypes):
        return "float32"
    return "exact"


_recorder: Recorder | None = Recorder() if os.environ.get(RECORD_ENV) else None


def recorder() -> Recorder | None:
    """The active recorder, or None when JAXNN_PARITY_RECORD is not set."""
    return _recorder


@contextlib.contextmanager
def _recording_as(func: str, role: str = "twin") -> Iterator[None]:
    """The next outermost comparison is recorded as ``func`` with ``role``."""
    if _recorder is None or _recorder.active:
        yield
        return
    _recorder._as = (func, role)
    try:
        yield
    finally:
        _recorder._as = None
