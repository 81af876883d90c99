"""Whether the suite runs from a source checkout, for the tests that read the checkout's files.

The suite is installed as ``jaxnn_parity_tests`` (``jaxnn parity`` runs it from there);
tests of the docs, the README, the Makefile and the packaging read files that only a
checkout has and are skipped, saying so, when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parent
_ROOT = SUITE.parent
CHECKOUT: Path | None = (
    _ROOT if (_ROOT / "pyproject.toml").is_file() and (_ROOT / "twinlab").is_dir() else None
)
"""The source checkout's root, or None when the suite runs from an install."""

needs_checkout = pytest.mark.skipif(
    CHECKOUT is None,
    reason="reads the source checkout's files (docs, README, Makefile, pyproject.toml), "
    "which an installed suite does not have",
)
