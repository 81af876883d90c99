"""A comparison's result as an object: one row per tensor, each against its tolerance.

:func:`compare` measures one pair of tensors the way :func:`twincore.harness.assert_close`
checks it (the same element check, the same tolerances), but returns a :class:`Row` instead
of raising: the largest absolute and relative difference, the tolerance and its reason,
whether every element is within it, and the worst element's two values. A
:class:`Comparison` gathers rows (a model's output, its gradients, its training curve) and
renders them as text, Markdown or HTML; :meth:`Comparison.assert_ok` raises on the first row
that fails, naming it. NumPy only; ``jaxnn.interop.compare`` builds these from a torch and a
JAX model.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

from twincore.arrays import to_numpy
from twincore.diff import max_abs_diff, max_rel_diff
from twincore.harness import element_check
from twincore.tolerance import Tolerance


@dataclass(frozen=True)
class Row:
    """One tensor compared: ``actual`` (JAX) against ``expected`` (torch)."""

    name: str
    kind: str  # "forward", "gradient", "curve", "parameters" ...
    shape: tuple[int, ...]
    max_abs: float
    max_rel: float
    tol: Tolerance
    outside: int  # elements outside the tolerance (a shape mismatch counts every one)
    worst: tuple[int, ...]
    worst_actual: float
    worst_expected: float

    @property
    def ok(self) -> bool:
        return self.outside == 0

    def describe(self) -> str:
        """One line: the row, and where it fails, its worst element."""
        head = f"{self.kind} {self.name}: max |Δ| {self.max_abs:.3g} (relative {self.max_rel:.3g})"
        if self.ok:
            return f"{head}, within {self.tol}"
        return (
            f"{head}: {self.outside} elements outside {self.tol}; worst at {list(self.worst)}: "
            f"JAX {self.worst_actual!r}, torch {self.worst_expected!r}"
        )


def compare(name: str, kind: str, actual: Any, expected: Any, tol: Tolerance) -> Row:
    """``actual`` (JAX) against ``expected`` (torch) under ``tol``, as a :class:`Row`."""
    a, e = to_numpy(actual), to_numpy(expected)
    if a.shape != e.shape:
        return Row(
            name,
            kind,
            tuple(e.shape),
            math.inf,
            math.inf,
            tol,
            max(e.size, 1),
            (),
            *(
                math.nan,
                math.nan,
            ),
        )
    check = element_check(a, e, tol)
    return Row(
        name,
        kind,
        tuple(e.shape),
        max_abs_diff(a, e),
        max_rel_diff(a, e),
        tol,
        check.bad_count,
        check.worst,
        check.worst_actual,
        check.worst_expected,
    )


@dataclass(frozen=True)
class Comparison:
    """Rows of one comparison (a model's forward pass, gradients or training curve)."""

    title: str
    rows: tuple[Row, ...]

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def failures(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if not row.ok)

    def __add__(self, other: Comparison) -> Comparison:
        return Comparison(f"{self.title}; {other.title}", self.rows + other.rows)

    def assert_ok(self) -> None:
        """Raises AssertionError naming every failing row (the first one's worst element)."""
        if self.ok:
            return
        failing = self.failures
        lines = [f"{self.title}: {len(failing)} of {len(self.rows)} tensors differ"]
        lines += [f"  {row.describe()}" for row in failing]
        lines.append(f"  tolerance reason: {failing[0].tol.why}")
        raise AssertionError("\n".join(lines))

    def _cells(self) -> list[list[str]]:
        return [
            [
                row.kind,
                row.name,
                "x".join(map(str, row.shape)) or "scalar",
                f"{row.max_abs:.3g}",
                f"{row.max_rel:.3g}",
                str(row.tol),
                "ok" if row.ok else f"FAIL ({row.outside})",
            ]
            for row in self.rows
        ]

    HEADER = ("what", "tensor", "shape", "max |Δ|", "relative", "tolerance", "")

    def text(self) -> str:
        """A plain table, one row per tensor, then the verdict."""
        cells = [list(self.HEADER), *self._cells()]
        widths = [max(len(c[i]) for c in cells) for i in range(len(self.HEADER))]
        lines = [self.title, ""]
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells
        ]
        verdict = "all within tolerance" if self.ok else self.failures[0].describe()
        return "\n".join([*lines, "", verdict])

    def markdown(self) -> str:
        """A Markdown table, one row per tensor."""
        header = [h.replace("|", "\\|") for h in self.HEADER]
        lines = [f"**{self.title}**", "", "| " + " | ".join(header) + " |"]
        lines.append("|" + " --- |" * len(self.HEADER))
        for cell in self._cells():
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cell) + " |")
        return "\n".join(lines) + "\n"

    def html(self) -> str:
        """A standalone HTML page with the table and each tolerance's reason."""
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.HEADER)
        body = "".join(
            f'<tr class="{"ok" if row.ok else "fail"}">'
            + "".join(f"<td>{html.escape(c)}</td>" for c in cell)
            + "</tr>"
            for row, cell in zip(self.rows, self._cells(), strict=True)
        )
        reasons = sorted({row.tol.why for row in self.rows})
        notes = "".join(f"<li>{html.escape(r)}</li>" for r in reasons)
        return (
            "<!doctype html><meta charset=utf-8>"
            f"<title>{html.escape(self.title)}</title>"
            "<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:left}"
            ".fail{background:#fdd}</style>"
            f"<h1>{html.escape(self.title)}</h1><table><tr>{head}</tr>{body}</table>"
            f"<h2>Tolerances</h2><ul>{notes}</ul>\n"
        )
