"""The five source notebooks, and how ``jaxnn list``, the lessons and the docs cite them.

A reference ``S3 290-323`` is source S3, lines 290 to 323 (1-based, as ``cat -n`` numbers
them); ``E08`` is worked example 8, in the order ``jaxnn list`` shows them (E01-E61).
"""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "S0": '"Important Stuff", a Jupyter notebook with its outputs',
    "S1": '"PyTorch Learning Notebook", a Jupyter notebook (few cells ran)',
    "S2": '"Basics of PyTorch", a note with expected outputs as comments',
    "S3": '"PyTorch Notes", a cheat-sheet of pipeline templates',
    "S4": '"NumPy & PyTorch for Dummies", a blog post',
}
"""Each source's tag and what it is."""

LEGEND = (
    "References: 'S3 290-323' = source notebook S3, lines 290-323 (S0-S4: the five PyTorch "
    "notebooks this project twins); 'E08' = worked example 8 (E01-E61)."
)
"""One line that explains the references, for the header of ``jaxnn list`` and the lessons."""


def describe() -> str:
    """The sources, one per line: ``S0  "Important Stuff", ...``."""
    return "\n".join(f"{tag}  {what}" for tag, what in SOURCES.items())
