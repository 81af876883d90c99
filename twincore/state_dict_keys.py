"""How a state dict's keys miss a model's, in torch's words: what both twins' loaders report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def key_mismatches(
    expected: Iterable[str], given: Mapping[str, Any], strict: bool
) -> tuple[list[str], list[str], list[str]]:
    """``(missing, unexpected, errors)``: the model's keys the state dict lacks, the state
    dict's keys the model lacks, and, when ``strict``, torch's error lines for them
    (``Unexpected key(s) in state_dict: "a", "b"`` first, then ``Missing key(s) ...``)."""
    expected = list(expected)
    missing = [k for k in expected if k not in given]
    unexpected = [k for k in given if k not in set(expected)]
    errors = []
    if strict and unexpected:
        errors.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected))
    if strict and missing:
        errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing))
    return missing, unexpected, errors
