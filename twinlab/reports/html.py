"""The parity report: one self-contained HTML page (``jaxnn parity --html FILE``).

The page is built from three measured sources, nothing typed by hand:

* the parity suite's records (``build/parity/records/``, see ``twinlab.parity``):
  the component table with each component's worst relative Δ and test outcomes;
* the lessons (``jaxnn_examples.lessons``): each cell's torch and JAX code, read from
  the lesson's source by :func:`jaxnn_examples.lessons.cells`, next to the differences
  its ``show()`` calls measured in the suite's run of the lesson
  (:mod:`twinlab.reports.lesson_records`); a lesson the run left out (``-k``) is shown
  folded, without measurements;
* the worked examples' runs (``<records>/examples/*.json``, written by the suite's
  examples test): their differences and loss curves.

This module gathers those into plain dicts; the page itself is the jinja2 templates in
``twinlab/reports/templates/`` (``report.html.j2`` and its ``_*.html.j2`` partials), which
escape every value through autoescape. The lessons' prose is CommonMark
(:mod:`twinlab.reports.markdown_html`).

Self-contained: the CSS (``templates/report.css``) is inline, there is no script, and
plots are ``data:image/png;base64`` images. To stay small (< 15 MB) each training
example gets one plot, of its float32 run (float64 differences are ~1e-16 and are in
the table): about 80 KB per plot.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jinja2

from jaxnn_examples import lessons
from twinlab.parity.suite import collect_meta
from twinlab.parity.summary import CLASSES, MODES, ComponentResult, Results, format_delta
from twinlab.reports.lesson_records import (  # noqa: F401  (re-exported: the report's API)
    LESSON_TIMEOUT_S,
    lesson_records,
    run_lesson,
    show_row,
)
from twinlab.reports.markdown_html import inline, markdown

MAX_PLOTS = 80  # ~80 KB each: the page stays far below 15 MB
# The component table's columns (%): component, torch API, jaxnn API, 6 Δ columns, status.
COLUMN_WIDTHS = [15, 22, 24] + [5.2] * (len(MODES) * len(CLASSES)) + [7.8]


def _num(value: float) -> str:
    return "0" if value == 0 else f"{value:.1e}"


@cache
def environment() -> jinja2.Environment:
    """The templates of ``twinlab/reports/templates``: HTML autoescaped, undefined names an
    error (a misspelt key fails the render instead of leaving a blank)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("twinlab.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _num
    env.globals.update(CLASSES=CLASSES, MODES=MODES, COLUMN_WIDTHS=COLUMN_WIDTHS)
    return env


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- components -----------------------------------------------------------------------


def component_rows(rows: Iterable[ComponentResult], *, group: bool = False) -> list[dict]:
    """The component table's rows; with ``group`` each row that starts a new lesson carries
    that lesson's name (the main table's group rows)."""
    out, lesson = [], None
    for r in rows:
        c = r.component
        starts = group and c.lesson != lesson
        lesson = c.lesson
        deltas = []
        for mode in MODES:
            for cls in CLASSES:
                w = r.delta(mode, cls)
                title = f"{w.where} ({w.count} comparisons)" if w and w.count else None
                deltas.append({"text": format_delta(w), "title": title})
        status = r.status
        out.append(
            {
                "group": c.lesson if starts else None,
                "slug": c.slug,
                "name": c.name,
                "modules": ", ".join(r.modules),
                "torch": c.torch,
                "jaxnn": c.jaxnn,
                "deltas": deltas,
                "status": status,
                "status_class": "pass"
                if status.startswith("pass")
                else "fail"
                if status.startswith("FAIL")
                else "muted",
                "tests": r.tests,
            }
        )
    return out


# --- lessons --------------------------------------------------------------------------


def _code_cell(lesson: str, cell: lessons.Cell, records: list[dict]) -> dict:
    folded = "\n".join(x for x in (cell.setup, cell.torch, cell.jax, cell.check) if x)
    return {
        "kind": "code",
        "id": f"{lesson}-L{cell.first_line}",
        "title": inline(cell.title) if cell.title else "",
        "plain_title": cell.title,
        "compares": cell.compares,
        "setup": cell.setup,
        "torch": cell.torch,
        "jax": cell.jax,
        "shows": [show_row(r) for r in records],
        # A cell that compares nothing (imports, helpers) is folded, so the comparisons lead.
        "folded": folded,
        "folded_lines": folded.count("\n") + 1,
    }


def lesson_outcome(results: Results, name: str) -> str | None:
    """The outcome of the suite's test of lesson ``name`` in this run; None if it did not run."""
    for test, outcome in results.outcomes.items():
        if test.split("::", 1)[0].endswith("test_lessons.py") and test.endswith(f"[{name}]"):
            return outcome
    return None


def lesson_section(name: str, shown: tuple[list[dict] | None, str], results: Results) -> dict:
    """One lesson's section: its prose and cells, each comparing cell with the show()
    records measured on its lines, and the lesson's components."""
    path = lessons.path(name)
    cells = lessons.cells(path.read_text()) if path.exists() else []
    title = inline(name.replace("_", " "))
    if cells and cells[0].kind == "markdown" and cells[0].title:
        title = inline(cells[0].title)
    records, error = shown
    ran = records is not None
    records = records or []
    blocks = []
    for i, cell in enumerate(cells):
        if cell.kind == "markdown":
            blocks.append({"kind": "markdown", "html": markdown(cell.markdown, skip_title=i == 0)})
        else:
            mine = [r for r in records if cell.first_line <= r.get("line", -1) <= cell.last_line]
            blocks.append(_code_cell(name, cell, mine))
    within = [show_row(r)["within"] for r in records]
    return {
        "name": name,
        "title": title,
        "exists": path.exists(),
        "ran": ran,
        # A lesson left out of the run (-k) shows its code without measurements, folded.
        "error": error if ran or not error.startswith("not run") else "",
        "blocks": blocks,
        "shown": len(records),
        "shown_out": sum(1 for w in within if w is False),
        "components": component_rows(results.of_lesson(name)),
        # Its components whose tests this run left out: named, not listed as "not run" rows.
        "components_not_run": [c.name for c in results.not_run if c.lesson == name],
    }


# --- worked examples ------------------------------------------------------------------


def _example_runs(examples_dir: Path) -> dict[str, dict[str, dict]]:
    runs: dict[str, dict[str, dict]] = {}
    for path in sorted(Path(examples_dir).glob("*-float*.json")):
        record = json.loads(path.read_text())
        runs.setdefault(record["example"], {})[record["dtype"]] = record
    return runs


def _example_value(run: dict | None, key: str) -> dict:
    if run is None:
        return {"text": "not run", "muted": True}
    if key == "max_rel_loss_diff" and not run["steps"]:
        return {"text": "—", "muted": False}
    return {"text": _num(run[key]), "muted": False}


def examples_section(examples_dir: Path, max_plots: int = MAX_PLOTS) -> dict:
    """The worked examples' table (one row per example, float64 and float32 Δs) and at most
    ``max_plots`` loss-curve plots, one per training example."""
    from jaxnn_examples import EXAMPLES
    from twinlab.reports.plots import curves_png

    runs = _example_runs(examples_dir)
    rows, plots = [], []
    for name, example in EXAMPLES.items():
        got = runs.get(name, {})
        steps = next((r["steps"] for r in got.values()), None)
        deltas = [
            _example_value(got.get(dtype), key)
            for dtype in ("float64", "float32")
            for key in ("max_rel_loss_diff", "max_scaled_value_diff")
        ]
        rows.append(
            {
                "name": name,
                "title": example.title,
                "source": example.source,
                "steps": steps if steps else "—",
                "ran": bool(got),
                "deltas": deltas,
            }
        )
        run = got.get("float32") or got.get("float64")
        if run and run.get("torch_loss") and len(run["torch_loss"]) >= 2 and len(plots) < max_plots:
            png = curves_png(run["torch_loss"], run.get("jax_loss"), f"{name} ({run['dtype']})")
            plots.append({"name": name, "title": example.title, "src": png_data_uri(png)})
    return {"dir": _rel(examples_dir), "has_runs": bool(runs), "rows": rows, "plots": plots}


# --- the page -------------------------------------------------------------------------


def header(results: Results, records_dir: Path | None) -> dict:
    """The run's facts for the page's header; this machine's when the records carry none."""
    meta = results.meta or collect_meta([], None)
    versions = ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items())
    rows = [
        ("date", meta.get("date", "")),
        ("versions", versions),
        ("device", meta.get("device", "")),
        ("python", f"{meta.get('python', '')} on {meta.get('platform', '')}"),
        ("command", meta.get("command") or "(not recorded)"),
    ]
    if records_dir is not None:
        rows.append(("records", _rel(records_dir)))
    return {"rows": rows, "recorded": bool(results.meta)}


def run_summary(results: Results, lesson_sections: list[dict], examples: dict) -> list[dict]:
    """What this run ran, for the top of the page: tests by outcome, lessons, components and
    worked examples, each with what was left out (a ``-k`` run)."""
    failed = results.failed
    tests = (
        f"{len(results.outcomes)} run: {results.count('passed')} passed, {failed} failed, "
        f"{results.count('skipped', 'xfailed')} skipped; {results.measurements} comparisons "
        "recorded"
    )
    ran = [lesson["name"] for lesson in lesson_sections if lesson["ran"]]
    lessons_line = f"{len(ran)} of {len(lesson_sections)} run"
    if 0 < len(ran) < len(lesson_sections):
        lessons_line += ": " + ", ".join(ran)
    out = sum(lesson["shown_out"] for lesson in lesson_sections)
    shown = sum(lesson["shown"] for lesson in lesson_sections)
    if ran:
        lessons_line += f"; {shown} comparison{'s' if shown != 1 else ''}, " + (
            f"{out} outside their tolerance" if out else "all within their tolerance"
        )
    covered = len(results.components)
    total = covered + len(results.not_run)
    components = f"{covered} covered" + (f" of the suite's {total}" if results.declared else "")
    failing = [r.component.name for r in results.components if r.failed]
    if failing:
        components += f"; failing: {', '.join(failing)}"
    run_examples = sum(1 for row in examples["rows"] if row["ran"])
    return [
        {"key": "tests", "value": tests, "bad": bool(failed)},
        {"key": "lessons", "value": lessons_line, "bad": bool(out)},
        {"key": "components", "value": components, "bad": bool(failing)},
        {
            "key": "worked examples",
            "value": f"{run_examples} of {len(examples['rows'])} run",
            "bad": False,
        },
    ]


def render(
    results: Results,
    records_dir: Path | None = None,
    *,
    examples_dir: Path | None = None,
    lesson_names: Iterable[str] = lessons.LESSONS,
    run_lessons: bool = False,
    max_plots: int = MAX_PLOTS,
) -> str:
    """The whole page as a string (see the module docstring). ``examples_dir`` defaults
    to the records' ``examples/``, where the suite's example runs wrote their measurements.
    A lesson the records hold no run of is shown without measurements, or, with
    ``run_lessons``, run here first (``jaxnn parity`` never does: it reports what it ran)."""
    if examples_dir is None:
        examples_dir = (records_dir or Path("build/parity/records")) / "examples"
    names = list(lesson_names)
    shown = lesson_records(records_dir, names, run=run_lessons)
    for name in names:
        outcome = lesson_outcome(results, name)
        if shown[name][0] is None and outcome not in (None, "passed"):
            why = f"the lesson's test {outcome} in this run (pytest's output says why)"
            shown[name] = ([], why)
    sections = [lesson_section(n, shown[n], results) for n in names]
    examples = examples_section(examples_dir, max_plots)
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            header=header(results, records_dir),
            summary=run_summary(results, sections, examples),
            components=component_rows(results.components, group=True),
            components_not_run=[c.name for c in results.not_run],
            lessons=sections,
            examples=examples,
        )
    )


def write(
    path: str | os.PathLike, results: Results, records_dir: Path | None = None, **kwargs
) -> Path:
    """Renders the page and writes it to ``path`` atomically; returns the path."""
    from twincore.atomic import atomic_write

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, render(results, records_dir, **kwargs))
