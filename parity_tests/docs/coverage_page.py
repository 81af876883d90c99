"""``docs/coverage.md``: every inventory §1 row with its JAX twin, its tests and its doc page.

The rows live in :mod:`.inventory_rows` (``ROWS``); :func:`render` turns them into the page,
whose first line counts the rows that have all three. ``test_coverage_page.py`` checks that
the page is current, that every twin resolves, every test exists and every doc page names
one of its row's tests.

The inventory (the specification's §1 component table) is not part of the repository, so the
row list is kept in step with it by hand: ``--inventory PATH`` parses an ``inventory.md`` with
the rules below and lists the rows added, removed or renamed against ``ROWS``.

Regenerate the page, from a source checkout, with ``python -m parity_tests.docs.coverage_page``.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..checkout import CHECKOUT
from .inventory_rows import ROWS, SECTIONS, TOTAL, Row

DOC = CHECKOUT / "docs" / "coverage.md" if CHECKOUT is not None else None
PAGE_MODULE = "parity_tests.docs.coverage_page"
DOC_TEST_ID = "parity_tests/docs/test_coverage_page.py::test_page_is_current"


# ------------------------------------------------------------------ parsing inventory §1


@dataclass(frozen=True)
class InventoryRow:
    """One row of inventory §1 as :func:`parse_inventory` reads it."""

    section: str
    component: str
    where: str


_SECTION = re.compile(r"### (1\.\d+) (.*)")
_SEED_REFS = re.compile(r"S[0-4] [\d][\d,\- ]*\d|S[0-4] \d")
_BULLET_SECTION = "1.24"


def _bullet(text: str) -> tuple[str, str]:
    """A §1.24 bullet's (component, where): its name without emphasis, and its seed lines."""
    plain = text.replace("**", "").strip()
    name = re.split(r" \(S\d|\. |[.:]$", plain, maxsplit=1)[0].strip()
    where = "; ".join(m.group(0).strip(" ,") for m in _SEED_REFS.finditer(plain))
    return name, where


def parse_inventory(text: str) -> list[InventoryRow]:
    """The rows of §1 of ``inventory.md``, in order.

    A row is every table line of §1.1–§1.23 that is neither a header (a line followed by the
    ``|---`` separator) nor a separator, plus every bullet of §1.24 (sub-bullets included).
    """
    start, end = text.index("## 1. "), text.index("## 2. ")
    lines = text[start:end].splitlines()
    rows: list[InventoryRow] = []
    section = None
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1)
        elif line.startswith("| ") and not following.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            where = cells[2] if len(cells) > 2 else ""
            rows.append(InventoryRow(section, cells[0], where))
        elif section == _BULLET_SECTION and re.match(r"\s*- ", line):
            rows.append(InventoryRow(section, *_bullet(line.strip()[2:])))
    return rows


def sync_report(parsed: list[InventoryRow], rows: tuple[Row, ...] = ROWS) -> list[str]:
    """What changed between an inventory's rows and ``rows``: one line per difference.

    A row is matched by (section, component); a component that is gone where another appeared
    at the same place in its section is reported as renamed, and a changed seed-line cell as
    moved.
    """
    ours = [(r.section, r.component) for r in rows]
    theirs = [(r.section, r.component) for r in parsed]
    report: list[str] = []
    removed = [key for key in ours if key not in theirs]
    added = [key for key in theirs if key not in ours]
    for key in list(removed):
        position = [k for k in ours if k[0] == key[0]].index(key)
        same_section = [k for k in theirs if k[0] == key[0]]
        other = same_section[position] if position < len(same_section) else None
        if other in added:
            report.append(f"renamed in §{key[0]}: {key[1]!r} -> {other[1]!r}")
            removed.remove(key)
            added.remove(other)
    report += [f"removed from §{s}: {c!r}" for s, c in removed]
    report += [f"added to §{s}: {c!r}" for s, c in added]
    where = {(r.section, r.component): r.where for r in parsed}
    for row in rows:
        new = where.get((row.section, row.component))
        if new is not None and new != row.where:
            report.append(f"seed lines changed in §{row.section} {row.component!r}: {new!r}")
    return report


# ------------------------------------------------------------------------------ the page


def complete(row: Row) -> bool:
    """Whether ``row`` has a twin, a test and a doc page and nothing pending."""
    return bool(row.twin and row.tests and row.doc and not row.pending)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(items: tuple[str, ...]) -> str:
    return "<br>".join(f"`{item}`" for item in items)


def _doc_link(doc: str) -> str:
    name = Path(doc).name
    return f"[{name}]({name})"


INTRO = f"""\
# Coverage: every inventory §1 row, its JAX twin, its test and its doc

Generated from `parity_tests/docs/inventory_rows.py` by `python -m {PAGE_MODULE}`;
do not edit by hand. One table per section of the inventory's §1: the notebooks' components
with their seed lines (`S1 63` is line 63 of notebook S1). *JAX twin* is what a user writes
in JAX; a file path there is the lesson or example that shows a concept.
`parity_tests/docs/test_coverage_page.py` checks that each twin imports (or the file
exists), each test exists and each doc page names one of its row's tests;
`{DOC_TEST_ID}` checks that this page is current.
§1.20 (saving and loading) is prose pointing at the `state_dict` row of §1.11 and has no
rows of its own.
"""


def render(rows: tuple[Row, ...] = ROWS) -> str:
    """``docs/coverage.md``: the count, then one table per §1 section."""
    done = sum(complete(r) for r in rows)
    lines = [f"{done}/{len(rows)} rows have a twin, a test and a doc", "", INTRO]
    pending = [r for r in rows if not complete(r)]
    if pending:
        lines.append(
            f"**Pending ({len(pending)}):** "
            + "; ".join(f"§{r.section} {_cell(r.component)}" for r in pending)
            + ".\n"
        )
    for section, title in SECTIONS.items():
        members = [r for r in rows if r.section == section]
        if not members:
            continue
        lines += [
            f"## §{section} {title}",
            "",
            "| component | seed lines | JAX twin | test(s) | doc |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in members:
            twin = _code(r.twin) if r.twin else "—"
            tests = _code(r.tests) if r.tests else "—"
            doc = _doc_link(r.doc) if r.doc else "—"
            if r.pending:
                tests = f"**pending:** {_cell(r.pending)}" + (f"<br>{tests}" if r.tests else "")
            lines.append(
                f"| {_cell(r.component)} | {_cell(r.where) or '—'} | {twin} | {tests} | {doc} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {PAGE_MODULE}", description=__doc__)
    parser.add_argument(
        "--inventory",
        type=Path,
        metavar="PATH",
        help="parse this inventory.md and list the rows that differ from ROWS (writes nothing)",
    )
    args = parser.parse_args(argv)
    if args.inventory is not None:
        parsed = parse_inventory(args.inventory.read_text(encoding="utf-8"))
        counts = Counter(r.section for r in parsed)
        print(f"{args.inventory}: {len(parsed)} rows in §1 ({len(ROWS)} in inventory_rows.py)")
        report = sync_report(parsed)
        print("\n".join(report) if report else "inventory_rows.py matches it row for row")
        if set(counts) - set(SECTIONS):
            print(f"sections without a title in SECTIONS: {sorted(set(counts) - set(SECTIONS))}")
        raise SystemExit(1 if report else 0)
    from twincore.atomic import atomic_write

    if DOC is None:
        raise SystemExit(f"{PAGE_MODULE}: writes docs/coverage.md, so run it in a source checkout")
    atomic_write(DOC, render())
    done = sum(complete(r) for r in ROWS)
    print(f"wrote {DOC.relative_to(CHECKOUT)} ({done}/{TOTAL} rows complete)")


if __name__ == "__main__":
    main()
