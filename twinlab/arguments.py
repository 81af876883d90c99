"""The ``jaxnn`` command's argument types: each parses one flag or says, in one line, what
it expected instead."""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path


def int_at_least(minimum: int, what: str, maximum: int | None = None):
    """An argparse type: an integer >= ``minimum`` (and <= ``maximum``), described as ``what``
    in errors."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"expected {what} up to {maximum}, got {value}")
        return value

    return parse


positive_int = int_at_least(1, "a positive integer")
non_negative_int = int_at_least(0, "a non-negative integer")
# Beyond these the loaders' index arithmetic overflows (torch's batch sampler takes at most
# sys.maxsize) and JAX's keys take at most a signed 64-bit seed.
batch_size = int_at_least(1, "a positive integer", maximum=2**31 - 1)
seed = int_at_least(0, "a non-negative integer", maximum=2**63 - 1)


def path(text: str) -> Path:
    """An argparse type: a non-empty path (``--out ""`` would otherwise mean the current
    directory)."""
    if not text:
        raise argparse.ArgumentTypeError("expected a path, got an empty string")
    return Path(text)


def learning_rate(text: str) -> float:
    """An argparse type: a finite, non-negative number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite, non-negative number, got {text}")
    return value


def output_file_problem(path: Path, flag: str) -> str | None:
    """Why ``flag path`` cannot be written, checked before the work that produces it (minutes
    of tests or measurements), or None. Missing parent directories are fine: they are made."""
    if path.is_dir():
        return f"{flag} {path}: is a directory; name a file"
    if path.exists() and not os.access(path, os.W_OK):
        return f"{flag} {path}: the file is not writable"
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"{flag} {path}: {parent} is not a directory"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"{flag} {path}: {parent} is not writable"
    return None
