"""Measurement records: what each harness comparison measured, for the parity report.

Off by default. ``start()`` (the parity suite calls it when pytest runs with
``--parity-records DIR``) switches it on for the process; from then on every
outermost comparison of :mod:`twincore.harness` adds one :class:`Measurement`
to the :class:`Recorder`, whether it passes or not.

One record per outermost comparison: ``assert_tree_close`` / ``assert_state_dict_close``
record the worst of their leaves under their own name; ``assert_twins_close`` /
``assert_twins_equal`` record the JAX-vs-torch comparison with role ``"twin"`` and
the checks against a value the notebook printed with role ``"golden"``. A tolerance
of kind ``"printed"`` is a golden check too.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from twincore.tolerance import Tolerance


@dataclass
class Measurement:
    """What one comparison measured.

    Attributes:
      test: the pytest node id of the running test.
      comparison: the harness function (``"assert_close"``, ``"assert_twins_close"``, ...).
      name: the name the test gave the compared value.
      kind: the tolerance's kind (``"op"``, ``"curve"``, ``"metric"``, ``"member"``,
        ``"printed"``), or ``"exact"`` for an exact comparison.
      mode: ``"float64"``, ``"float32"`` or ``"exact"``.
      role: ``"twin"`` (JAX against torch) or ``"golden"`` (against a printed value).
      rtol, atol: the tolerance it was held to.
      max_abs: ``max |actual - expected|`` over finite elements.
      max_rel: max of ``|actual - expected| / |expected|`` over finite elements with
        ``expected != 0`` (element-wise; large where values cancel to ~0).
      scale: ``max |expected|``.
      size: how many elements were compared.
      passed: False for a comparison that raised, which a test may expect
        (``pytest.raises`` around a documented difference).
    """

    test: str
    comparison: str
    name: str
    kind: str
    mode: str
    role: str
    rtol: float
    atol: float
    max_abs: float = 0.0
    max_rel: float = 0.0
    scale: float = 0.0
    size: int = 0
    passed: bool = False

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Measurement:
        """A record read back; raises ``TypeError``/``KeyError`` for one of another shape."""
        return cls(**record)


class Recorder:
    """Collects one :class:`Measurement` per outermost comparison of the running test."""

    def __init__(self) -> None:
        self.test = ""
        self.mode = ""  # the test's `mode` parameter, when it has one
        self.records: list[Measurement] = []
        self._open: Measurement | None = None
        self._dtypes: list[str] = []
        self._as: tuple[str, str] | None = None

    @property
    def active(self) -> bool:
        """Whether a comparison is open (nested comparisons add to its record)."""
        return self._open is not None

    def start_test(self, test: str, mode: str = "") -> None:
        self.test, self.mode = test, mode

    @contextlib.contextmanager
    def comparison(self, func: str, name: str, tol: Tolerance | None) -> Iterator[None]:
        """Opens the record of one comparison; it is kept whether the comparison passes."""
        role = "twin"
        if self._as is not None:
            func, role = self._as
        if tol is not None and tol.kind == "printed":
            role = "golden"
        record = Measurement(
            test=self.test,
            comparison=func,
            name=str(name),
            kind=tol.kind if tol is not None else "exact",
            mode=(tol.dtype if tol is not None else "") or self.mode,
            role=role,
            rtol=tol.rtol if tol is not None else 0.0,
            atol=tol.atol if tol is not None else 0.0,
        )
        self._open, self._dtypes = record, []
        try:
            yield
            record.passed = True
        finally:
            self._open = None
            if not record.mode:
                record.mode = _mode_of(self._dtypes)
            self.records.append(record)

    @contextlib.contextmanager
    def recording_as(self, func: str, role: str = "twin") -> Iterator[None]:
        """The next outermost comparison is recorded as ``func`` with ``role``."""
        if self.active:
            yield
            return
        self._as = (func, role)
        try:
            yield
        finally:
            self._as = None

    def _update(self, diff: np.ndarray, expected: np.ndarray, dtypes: tuple[str, str]) -> None:
        record = self._open
        if record is None:
            return
        record.size += int(diff.size)
        self._dtypes.extend(dtypes)
        finite = np.isfinite(diff) & np.isfinite(expected)
        if not finite.any():
            return
        d, e = diff[finite], np.abs(expected[finite])
        record.max_abs = max(record.max_abs, float(d.max()))
        record.scale = max(record.scale, float(e.max()))
        nonzero = e > 0
        if nonzero.any():
            record.max_rel = max(record.max_rel, float((d[nonzero] / e[nonzero]).max()))

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


_recorder: Recorder | None = None


def start() -> Recorder:
    """Switches recording on for this process (once) and returns the recorder."""
    global _recorder
    if _recorder is None:
        _recorder = Recorder()
    return _recorder


def recorder() -> Recorder | None:
    """The recorder, or None while recording is off."""
    return _recorder
