"""The mutant list fits the source: each original text occurs once, and each mutant is a change.

Cheap (no mutant runs): a refactor that moves or rewrites a listed line fails here, naming
the entry to update, instead of the mutation check failing later.
"""

from __future__ import annotations

import pytest

from ..checkout import CHECKOUT, needs_checkout
from .list import MUTANTS

pytestmark = needs_checkout


def test_there_are_at_least_thirty_mutants_with_unique_names():
    names = [m.name for m in MUTANTS]
    assert len(names) >= 30
    assert len(set(names)) == len(names), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_fits_its_file_once_and_changes_one_line(mutant):
    before, after = mutant.mutated(CHECKOUT)  # MutantError unless found exactly once
    assert after != before
    assert mutant.file.startswith("jaxnn/"), "mutants plant bugs in the JAX side"
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 1, f"a mutant changes a single line; {mutant.name} changes {changed}"
    compile(after, mutant.file, "exec")  # a syntax error would be caught for the wrong reason
    assert mutant.bug and "\n" not in mutant.bug


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_tests_exist(mutant):
    assert mutant.tests
    for test in mutant.tests:
        path = test.split("::")[0]
        assert (CHECKOUT / path).is_file(), f"{mutant.name}: no test file {path}"
