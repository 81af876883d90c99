"""``torch.set_printoptions`` twin: how arrays print, through NumPy's print options."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

# torch's profiles (torch/_tensor_str.py): precision, threshold, edgeitems, linewidth.
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def _check_number(name: str, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise TypeError(f"set_printoptions: {name} must be a number or None; got {value!r}")


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Sets how arrays print, with torch's arguments; JAX arrays print through NumPy.

    What maps to what (``np.set_printoptions``, process-wide, as torch's are):

    - ``precision``, ``threshold``, ``edgeitems``, ``linewidth``: NumPy's options of the
      same names, with the same meaning (digits after the point; the element count above
      which an array is summarised with ``...``; items shown at each edge then; characters
      per line).
    - ``profile``: ``"default"`` (precision 4, threshold 1000, edgeitems 3, linewidth 80),
      ``"short"`` (2, 1000, 2, 80) or ``"full"`` (4, inf, 3, 80), set first, as in torch;
      the other arguments then override. ``"default"`` is torch's default, not NumPy's
      (precision 8, linewidth 75).
    - ``sci_mode``: ``False`` is NumPy's ``suppress=True`` (fixed point, never ``1e-05``);
      ``True`` prints every float in scientific notation with ``precision`` digits (a
      NumPy ``formatter``); ``None`` restores the automatic choice. torch assigns
      ``sci_mode`` on every call, so a call without it returns to automatic, as here.

    What does not map: the layout around the numbers (``Array([...], dtype=float32)`` in
    JAX, ``tensor([...])`` in torch), and torch's rule of one common format per tensor:
    NumPy's automatic mode decides per array too, but by its own thresholds. The options
    are NumPy's, so NumPy arrays print the same way; ``np.printoptions(...)`` (a context
    manager) or ``np.set_printoptions(**saved)`` restores them.

    Raises:
      ValueError: an unknown ``profile``.
      TypeError: a number argument that is not a number.

    PyTorch twin: ``torch.set_printoptions`` (S4 2146: ``torch.set_printoptions(sci_mode=False)``).
    """
    for name, value in (
        ("precision", precision),
        ("threshold", threshold),
        ("edgeitems", edgeitems),
        ("linewidth", linewidth),
    ):
        _check_number(name, value)
    if sci_mode is not None and not isinstance(sci_mode, bool):
        raise TypeError(f"set_printoptions: sci_mode must be a bool or None; got {sci_mode!r}")
    options: dict[str, Any] = {}
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(
                f"set_printoptions: profile must be one of {sorted(_PROFILES)}; got {profile!r}"
            )
        keys = ("precision", "threshold", "edgeitems", "linewidth")
        options.update(zip(keys, _PROFILES[profile], strict=True))
    given = {
        "precision": precision,
        "threshold": threshold,
        "edgeitems": edgeitems,
        "linewidth": linewidth,
    }
    options.update({k: v for k, v in given.items() if v is not None})
    if options.get("threshold") == math.inf:
        options["threshold"] = np.iinfo(np.intp).max  # NumPy wants an int: never summarise
    digits = int(options.get("precision", np.get_printoptions()["precision"]))
    options["suppress"] = sci_mode is False
    options["formatter"] = (
        {"float_kind": lambda x: np.format_float_scientific(x, precision=digits, unique=False)}
        if sci_mode
        else None
    )
    np.set_printoptions(**options)


__all__ = ["set_printoptions"]
