"""The mutation runner on a tiny fake repository: one mutant caught, one missed.

The fake repository's package is named ``jaxnn`` on purpose: its tests pass only if the
copy's package, not the checkout's installed one, is what they import.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from .mutant import Mutant, MutantError
from .runner import run, select

PACKAGE = "def double(x):\n    return 2 * x\n\n\ndef untested(x):\n    return x + 1\n"
TESTS = "import jaxnn\n\n\ndef test_double():\n    assert jaxnn.double(3) == 6\n"
ITEMS = ("jaxnn", "tests", "pyproject.toml")

CAUGHT = Mutant(
    "double-plus", "jaxnn/__init__.py", "return 2 * x", "return 2 + x", "adds", ("tests",)
)
MISSED = Mutant(
    "untested-minus", "jaxnn/__init__.py", "return x + 1", "return x - 1", "subtracts", ("tests",)
)


@pytest.fixture
def fake(tmp_path, monkeypatch) -> Path:
    # The fake's pytest runs need none of the installed plugins, which take seconds to load.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    root = tmp_path / "repo"
    (root / "jaxnn").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "jaxnn" / "__init__.py").write_text(PACKAGE)
    (root / "tests" / "test_double.py").write_text(TESTS)
    (root / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    return root


def _run(mutants, root, baseline=True) -> tuple[int, str]:
    out = io.StringIO()
    status = run(
        mutants, root, items=ITEMS, packages=("jaxnn",), timeout=120, baseline=baseline, out=out
    )
    return status, out.getvalue()


def test_a_caught_and_a_missed_mutant_are_told_apart(fake):
    status, out = _run([CAUGHT, MISSED], fake)
    assert status == 1, out
    lines = out.splitlines()
    assert "jaxnn imported from it" in lines[0]
    assert lines[1].startswith("baseline: the listed tests pass unmutated")
    assert lines[2].startswith("[1/2] caught") and "double-plus" in lines[2]
    assert lines[2].endswith("by tests/test_double.py::test_double")
    assert lines[3].startswith("[2/2] MISSED") and "untested-minus" in lines[3]
    assert lines[4].startswith("2 mutants: 1 caught, 1 missed (untested-minus)")
    assert (fake / "jaxnn" / "__init__.py").read_text() == PACKAGE  # the checkout is untouched


def test_every_mutant_caught_exits_zero(fake):
    status, out = _run([CAUGHT], fake, baseline=False)
    assert status == 0, out
    assert "baseline" not in out
    assert "1 mutants: 1 caught, 0 missed" in out


def test_a_rotted_original_fails_before_anything_runs(fake):
    rotted = Mutant(
        "rotted", "jaxnn/__init__.py", "return 3 * x", "return 4 * x", "gone", ("tests",)
    )
    with pytest.raises(MutantError, match="rotted: the original text is not found"):
        _run([CAUGHT, rotted], fake)
    twice = Mutant("twice", "jaxnn/__init__.py", "return", "yield", "ambiguous", ("tests",))
    with pytest.raises(MutantError, match="found 2 times"):
        _run([twice], fake)


def test_tests_that_select_nothing_are_a_list_error(fake):
    empty = Mutant(
        "empty", "jaxnn/__init__.py", "return 2 * x", "return 2 + x", "adds", ("tests",), "nomatch"
    )
    status, out = _run([empty], fake, baseline=False)
    assert status == 2, out
    assert "ERROR   empty" in out and "pytest selected no test (status 5)" in out
    assert "1 mutants: 0 caught, 0 missed, 1 selected no test (empty)" in out


def test_select_by_name_words():
    assert select([CAUGHT, MISSED], None) == [CAUGHT, MISSED]
    assert select([CAUGHT, MISSED], ["plus", "nothing"]) == [CAUGHT]


def test_diff_shows_the_one_changed_line(fake):
    diff = CAUGHT.diff(fake)
    assert "--- a/jaxnn/__init__.py" in diff
    assert "-    return 2 * x\n+    return 2 + x\n" in diff
