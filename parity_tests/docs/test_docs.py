"""The twin tables in docs/ must point at tests that exist: a row without a test proves nothing."""

import ast
import functools
import re
from pathlib import Path

import pytest

from ..checkout import CHECKOUT, needs_checkout

ROOT = CHECKOUT or Path()
DOCS = sorted((ROOT / "docs").glob("*.md"))
pytestmark = needs_checkout
REFERENCE = re.compile(r"`(parity_tests/[\w/]+\.py)::(\w+)`")


@functools.cache  # a doc names hundreds of tests in a few files
def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_referenced_test_exists(doc):
    references = REFERENCE.findall(doc.read_text())
    assert references, f"{doc.name} names no tests"
    missing = [
        f"{file}::{name}"
        for file, name in references
        if not (ROOT / file).exists() or name not in _test_names(ROOT / file)
    ]
    assert not missing, f"{doc.name} points at tests that do not exist: {missing}"


def test_readme_links_every_doc():
    readme = (ROOT / "README.md").read_text()
    for doc in DOCS:
        assert f"docs/{doc.name}" in readme, f"README does not link docs/{doc.name}"


def test_readme_lists_every_lesson():
    from jaxnn_examples.lessons import LESSONS

    readme = (ROOT / "README.md").read_text()
    missing = [name for name in LESSONS if f"examples/lessons/{name}.py" not in readme]
    assert not missing, f"README does not list the lessons {missing}"


def test_readme_demo_is_the_makefile_demo():
    """The Quick start shows the command `make demo` runs, not an older one."""
    makefile = (ROOT / "Makefile").read_text()
    command = re.search(r"^demo:.*\n\t\$\(BIN\)/(jaxnn run .+)$", makefile, re.M).group(1)
    assert f"`{command}`" in (ROOT / "README.md").read_text()


def test_parity_api_page_lists_the_converters_registry():
    from twinlab.reports import parity_api_doc

    page = (ROOT / parity_api_doc.PAGE).read_text()
    assert page == parity_api_doc.page(page), "run python -m twinlab.reports.parity_api_doc"
