"""What a lesson prints after a torch line and its JAX twin: the measured difference.

Lessons call :func:`show` with the torch value and the JAX value; it prints one
line (label, shape, dtypes, max |Δ|) and keeps a :class:`Shown` record in
:data:`SHOWN`. ``python -m jaxnn_examples.lessons NAME --records FILE`` runs a
lesson and writes those records, which the lessons' test checks against the
tolerances and the HTML report (``jaxnn parity --html``) places next to the
cell's code.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import jax
import numpy as np

from twincore.arrays import is_torch_tensor, to_numpy


@dataclass(frozen=True)
class Shown:
    """One comparison a lesson made."""

    label: str
    line: int  # the line of the show(...) call in the lesson's source
    shape: tuple[int, ...]  # of the value; for a tuple, list or dict: of its first leaf
    parts: int  # how many tensors the value holds (1, or more for a tuple, list or dict)
    torch_dtype: str
    jax_dtype: str
    max_abs_diff: float
    max_abs_value: float  # the largest |torch value|: what a relative tolerance scales
    exact_diff: float  # the largest |Δ| among integer and boolean values, which must be 0
    kind: str  # what the parity suite's tolerance for it is called: "op", "curve", "metric"


SHOWN: list[Shown] = []
"""Every comparison this process's lesson made, in order."""

KINDS = ("op", "curve", "metric")


def _leaves(value: Any) -> list[Any]:
    if is_torch_tensor(value):
        return [value]
    if isinstance(value, (tuple, list)):  # torch's (values, indices), (out, (h, c)), ...
        return [leaf for v in value for leaf in _leaves(v)]
    if isinstance(value, dict):
        return [leaf for k in sorted(value) for leaf in _leaves(value[k])]
    return jax.tree_util.tree_leaves(value)


def _numpy(value: Any) -> np.ndarray:
    array = to_numpy(value)
    return array.astype(np.int64) if array.dtype.kind == "b" else array


def _dtype(value: Any) -> str:
    return str(getattr(value, "dtype", type(value).__name__)).replace("torch.", "")


def show(label: str, torch_value: Any, jax_value: Any, kind: str = "op") -> float:
    """Prints ``label``, shape, both dtypes and ``max |torch - JAX|``; returns the difference.

    Values may be tensors/arrays, Python numbers, or matching tuples, lists and
    dicts of them (torch's ``(values, indices)``, an LSTM's ``(out, (h, c))``).
    Shapes must agree: a shape mismatch is a lesson bug and raises ``ValueError``.
    ``kind`` names the parity suite's tolerance the difference is held to: ``"op"``
    for one operation, ``"curve"`` for a few training steps, ``"metric"`` for the
    end of a training run.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    t_leaves, j_leaves = _leaves(torch_value), _leaves(jax_value)
    if len(t_leaves) != len(j_leaves):
        raise ValueError(f"{label}: torch gives {len(t_leaves)} values, JAX {len(j_leaves)}")
    diff, scale, exact, shapes = 0.0, 0.0, 0.0, []
    for t, j in zip(t_leaves, j_leaves, strict=True):
        a, b = _numpy(t), _numpy(j)
        if a.shape != b.shape:
            raise ValueError(f"{label}: torch shape {a.shape} but JAX shape {b.shape}")
        shapes.append(a.shape)
        if a.size:
            a64, b64 = a.astype(np.float64), b.astype(np.float64)
            leaf_diff = float(np.max(np.abs(a64 - b64)))
            if a.dtype.kind in "iub" and b.dtype.kind in "iub":
                exact = max(exact, leaf_diff)
            diff = max(diff, leaf_diff)
            scale = max(scale, float(np.max(np.abs(a64))))
    record = Shown(
        label=label,
        # The caller's line, from its frame alone: inspect.stack() reads the source of every
        # frame on the stack, seconds per lesson.
        line=sys._getframe(1).f_lineno,
        shape=tuple(shapes[0]) if shapes else (),
        parts=len(shapes),
        torch_dtype=_dtype(t_leaves[0]) if t_leaves else "-",
        jax_dtype=_dtype(j_leaves[0]) if j_leaves else "-",
        max_abs_diff=diff,
        max_abs_value=scale,
        exact_diff=exact,
        kind=kind,
    )
    SHOWN.append(record)
    shape_text = (
        ("x".join(map(str, shapes[0])) or "scalar") if len(shapes) == 1 else f"{len(shapes)} values"
    )
    if len(SHOWN) == 1:
        print(header())
    print(row(label, shape_text, record.torch_dtype, record.jax_dtype, f"{diff:.2e}"))
    return diff


LABEL_WIDTH = 44
"""The label column; a longer label wraps onto lines of its own above its row."""

COLUMNS = (("compared", LABEL_WIDTH, "<"), ("shape", 12, ">"), ("torch", 10, "<"), ("JAX", 10, "<"))
"""(name, width, alignment) of each column before max |Δ|."""


def row(label: str, shape: str, torch_dtype: str, jax_dtype: str, diff: str) -> str:
    """One line of the table (the lines of a long label wrapped above it): the label, the
    value's shape, each side's dtype and max |Δ|, in columns that never shift."""
    import textwrap

    parts = textwrap.wrap(label, LABEL_WIDTH, break_on_hyphens=False) or [""]
    cells = (parts[-1], shape, torch_dtype, jax_dtype)
    line = "  " + " ".join(
        f"{_cut(c, w):{a}{w}}" for c, (_, w, a) in zip(cells, COLUMNS, strict=True)
    )
    return "\n".join([*(f"  {p}" for p in parts[:-1]), f"{line}  {diff}"])


def _cut(text: str, width: int) -> str:
    """``text`` in ``width`` characters at most, a cut marked "…" (the columns never shift)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def header() -> str:
    """The legend and column names printed above a lesson's first comparison."""
    import textwrap

    from jaxnn_examples.sources import LEGEND

    names = " ".join(f"{n:{a}{w}}" for n, w, a in COLUMNS)
    legend = (
        "Each row compares a torch value with its JAX twin: its shape ('N values' for a tuple), "
        "each side's dtype, and max |Δ|, the largest |torch - JAX| over its elements. " + LEGEND
    )
    lines = textwrap.wrap(
        legend, 88, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False
    )
    return "\n".join([*lines, "", f"  {names}  max |Δ|"])
