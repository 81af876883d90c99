"""The coverage table (issue 16): every inventory §1 row with its JAX twin, its tests and its
doc page, checked against the code, and ``docs/coverage.md`` its current rendering."""

from __future__ import annotations

import ast
import importlib
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from ..checkout import CHECKOUT, SUITE, needs_checkout
from . import coverage_page
from .inventory_rows import ROWS, SECTIONS, TOTAL

SECTION_ROWS = {
    "1.1": 13,
    "1.2": 9,
    "1.3": 6,
    "1.4": 5,
    "1.5": 5,
    "1.6": 5,
    "1.7": 3,
    "1.8": 8,
    "1.9": 8,
    "1.10": 16,
    "1.11": 14,
    "1.12": 11,
    "1.13": 8,
    "1.14": 6,
    "1.15": 11,
    "1.16": 8,
    "1.17": 10,
    "1.18": 9,
    "1.19": 9,
    "1.21": 5,
    "1.22": 13,
    "1.23": 2,
    "1.24": 15,
}
"""How many rows each §1 section of the inventory has (the inventory's own tables, counted)."""


def _id(row) -> str:
    return f"{row.section}-{row.component[:40]}"


def _resolve(name: str) -> object:
    """The object a dotted name denotes: the longest importable module, then attributes."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(f"no module in {name!r} imports")


def _is_path(entry: str) -> bool:
    return "/" in entry or entry.endswith((".py", ".md"))


@cache
def _test_names(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))


def test_every_row_of_the_inventory_is_listed():
    assert len(ROWS) == TOTAL == 199
    assert Counter(r.section for r in ROWS) == SECTION_ROWS
    assert list(SECTION_ROWS) == [s for s in SECTIONS if s != "1.20"]
    keys = [(r.section, r.component) for r in ROWS]
    assert len(keys) == len(set(keys)), "a component is listed twice in its section"
    order = list(SECTIONS)
    assert [order.index(r.section) for r in ROWS] == sorted(order.index(r.section) for r in ROWS)


@pytest.mark.parametrize("row", [r for r in ROWS if r.twin], ids=_id)
def test_every_twin_resolves(row):
    for entry in row.twin:
        if _is_path(entry):
            if CHECKOUT is None:
                pytest.skip("a twin that is a file of the source checkout")
            assert (CHECKOUT / entry).is_file(), f"{row.component}: no file {entry}"
        else:
            _resolve(entry)  # raises ImportError / AttributeError naming what is missing


@pytest.mark.parametrize("row", [r for r in ROWS if r.tests], ids=_id)
def test_every_test_exists(row):
    assert 1 <= len(row.tests) <= 3
    for test in row.tests:
        path, _, name = test.partition("::")
        assert path.startswith("parity_tests/") and name.startswith("test_"), test
        file = SUITE / path.removeprefix("parity_tests/")
        assert file.is_file(), f"{row.component}: no test module {path}"
        assert name in _test_names(file), f"{row.component}: {path} has no {name}"


@needs_checkout
@pytest.mark.parametrize("row", [r for r in ROWS if r.doc], ids=_id)
def test_every_doc_names_one_of_its_rows_tests(row):
    page = CHECKOUT / row.doc
    assert page.is_file() and page.parent.name == "docs", f"{row.component}: no page {row.doc}"
    assert page.name != "coverage.md", "the doc is the page that shows the row, not this table"
    text = page.read_text(encoding="utf-8")
    assert any(f"`{t}`" in text for t in row.tests), (
        f"{row.doc} names none of {row.component!r}'s tests {list(row.tests)}"
    )


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_every_row_is_complete(row):
    """A row has a twin, a test and a doc, and nothing pending. Fails while work is pending."""
    assert not row.pending, f"§{row.section} {row.component}: pending: {row.pending}"
    assert row.twin and row.tests and row.doc, f"§{row.section} {row.component} is incomplete"


def test_pending_rows_say_what_is_missing():
    for row in ROWS:
        if not (row.twin and row.tests and row.doc):
            assert row.pending, f"§{row.section} {row.component} lacks a part and says nothing"


def test_the_inventory_parser_reads_sections_tables_and_bullets():
    text = """\
## 1. Component inventory
### 1.1 Tensors
| component | API | where | semantics |
|---|---|---|---|
| `zeros` | `torch.zeros(3)` | S0 27 | float32 |
| `ones` | `torch.ones(3)` | S0 28, 30-31 | float32 |
### 1.24 Concepts
- **Define-by-run.** S3 3-7; S1 2656-2693.
- **Other documentation:**
  - Logits (S1 8990-9271).
## 2. Complete worked examples
| not | a | row | here |
"""
    rows = coverage_page.parse_inventory(text)
    assert [(r.section, r.component, r.where) for r in rows] == [
        ("1.1", "`zeros`", "S0 27"),
        ("1.1", "`ones`", "S0 28, 30-31"),
        ("1.24", "Define-by-run", "S3 3-7; S1 2656-2693"),
        ("1.24", "Other documentation", ""),
        ("1.24", "Logits", "S1 8990-9271"),
    ]


def test_sync_report_names_added_removed_renamed_and_moved_rows():
    parsed = [coverage_page.InventoryRow(r.section, r.component, r.where) for r in ROWS]
    assert coverage_page.sync_report(parsed) == []
    first, second, last = parsed[0], parsed[1], parsed[-1]
    changed = [
        coverage_page.InventoryRow(first.section, "tensor from lists", first.where),
        coverage_page.InventoryRow(second.section, second.component, "S9 1"),
        *parsed[2:-1],
        coverage_page.InventoryRow("1.23", "A new concept", "S1 1"),
    ]
    assert coverage_page.sync_report(changed) == [
        f"renamed in §1.1: {first.component!r} -> 'tensor from lists'",
        f"removed from §1.24: {last.component!r}",
        "added to §1.23: 'A new concept'",
        f"seed lines changed in §1.1 {second.component!r}: 'S9 1'",
    ]


def test_page_counts_complete_rows():
    first = coverage_page.render().splitlines()[0]
    done = sum(coverage_page.complete(r) for r in ROWS)
    assert first == f"{done}/{TOTAL} rows have a twin, a test and a doc"


@needs_checkout
def test_page_is_current():
    """docs/coverage.md is generated from inventory_rows.py; regenerate it if this fails."""
    assert coverage_page.DOC.read_text(encoding="utf-8") == coverage_page.render(), (
        f"docs/coverage.md is stale: run `python -m {coverage_page.PAGE_MODULE}`"
    )
