"""The parity report: one self-contained HTML page (``jaxnn parity --html FILE``).

The page is built from three measured sources, nothing typed by hand:

* the parity suite's records (``build/parity/records/``, see ``twinlab.parity``):
  the component table with each component's worst relative Δ and test outcomes;
* the lessons (``jaxnn_examples.lessons``): each cell's torch and JAX code, read from
  the lesson's source by :func:`jaxnn_examples.lessons.cells`, next to the differences
  its ``show()`` calls measured. Those records come from the suite's run of the lesson
  (its lessons test writes them to ``<records>/lessons/<name>.json``) or, when that
  run did not happen (``-k``), from running the lesson here in a subprocess;
* the worked examples' runs (``<records>/examples/*.json``, written by the suite's
  examples test): their differences and loss curves.

Self-contained: the CSS is inline, there is no script, and plots are
``data:image/png;base64`` images. To stay small (< 15 MB) each training example
gets one plot, of its float32 run (float64 differences are ~1e-16 and are in
the table): about 80 KB per plot.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jaxnn_examples import lessons

from twinlab.parity.suite import collect_meta
from twinlab.parity.summary import CLASSES, MODES, Results, format_delta

LESSON_TIMEOUT_S = 300
MAX_PLOTS = 80  # ~80 KB each: the page stays far below 15 MB

CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  color: #1d1d1f; background: #fafafa; margin: 0; }
main { max-width: 1360px; margin: 0 auto; padding: 20px 20px 64px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 40px 0 8px; padding-top: 12px; border-top: 2px solid #ddd; }
h3 { font-size: 17px; margin: 24px 0 6px; }
code, pre { font: 13px/1.45 "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre { margin: 0; padding: 8px 10px; background: #fff; border: 1px solid #e3e3e3;
  border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
p code, li code, td code { background: #eef0f3; padding: 0 3px; border-radius: 3px; }
table { border-collapse: collapse; margin: 8px 0 16px; background: #fff; font-size: 13.5px; }
table.components { width: 100%; table-layout: fixed; font-size: 13px; }
table.components code { font-size: 12px; background: none; padding: 0; }
table.components td.num { font-size: 12px; padding: 3px 4px; }
table.components th { font-size: 12.5px; padding: 3px 4px; }
table.components small { display: block; color: #666; font-size: 11.5px; }
th, td { border: 1px solid #e0e0e0; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; }
td.num { text-align: right; font-family: "DejaVu Sans Mono", Menlo, monospace;
  white-space: nowrap; }
tr.group td { background: #f6f7f9; font-weight: 600; }
.pass { color: #17702b; font-weight: 600; }
.fail { color: #b3261e; font-weight: 700; }
.muted { color: #666; }
.note { background: #fff7e0; border: 1px solid #f0d890; padding: 6px 10px; border-radius: 4px; }
.cell { margin: 14px 0 22px; }
.cell h4 { font-size: 15px; font-weight: 600; margin: 0 0 6px; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
.pair .side > div { font-size: 12px; font-weight: 700; letter-spacing: .05em;
  text-transform: uppercase; margin-bottom: 2px; }
.torch > div { color: #c8401e; } .jax > div { color: #1f5fbf; }
.torch pre { border-left: 4px solid #ee4c2c; } .jax pre { border-left: 4px solid #1f5fbf; }
.setup pre { background: #f6f6f6; margin-bottom: 6px; }
details.setup summary { cursor: pointer; font-size: 14px; color: #444; }
.check { margin-top: 4px; }
.check table { margin: 4px 0 0; }
.plots { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; }
.plots figure { margin: 0; background: #fff; border: 1px solid #e3e3e3; padding: 6px; }
.plots img { width: 100%; height: auto; }
.plots figcaption { font-size: 13px; }
nav { font-size: 14px; margin: 12px 0; line-height: 1.7; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links: text only, no external references
]


def _inline(text: str) -> str:
    out = _e(text)
    for pattern, replacement in _INLINE:
        out = pattern.sub(replacement, out)
    return out


def markdown(text: str, *, skip_title: bool = False) -> str:
    """A small Markdown subset (headings, paragraphs, lists, inline code/bold/italic) as HTML."""
    blocks, paragraph, items = [], [], []

    def flush() -> None:
        if paragraph:
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for n, line in enumerate(text.splitlines()):
        stripped = line.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        if heading:
            flush()
            if not (skip_title and n == 0):
                level = min(len(heading.group(1)) + 2, 6)
                blocks.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif re.match(r"^[-*]\s+", stripped):
            if paragraph:
                flush()
            items.append(re.sub(r"^[-*]\s+", "", stripped))
        elif not stripped:
            flush()
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + stripped
        else:
            if items:
                flush()
            paragraph.append(stripped)
    flush()
    return "\n".join(blocks)


# --- lessons --------------------------------------------------------------------------


def run_lesson(name: str) -> tuple[list[dict] | None, str]:
    """Runs one lesson in a subprocess; returns (its show() records, "") or (None, error)."""
    with tempfile.TemporaryDirectory(prefix=f"jaxnn-lesson-{name}-") as tmp:
        target = Path(tmp) / "records.json"
        command = [sys.executable, "-m", "jaxnn_examples.lessons", name, "--records", str(target)]
        try:
            run = subprocess.run(
                command, capture_output=True, text=True, cwd=tmp, timeout=LESSON_TIMEOUT_S
            )
        except subprocess.TimeoutExpired:
            return None, f"the lesson did not finish within {LESSON_TIMEOUT_S} s"
        if run.returncode != 0:
            return None, f"the lesson failed (exit code {run.returncode}):\n{run.stderr[-2000:]}"
        if not target.exists():
            return None, "the lesson ran but wrote no show() records"
        return json.loads(target.read_text()), ""


def lesson_records(
    records_dir: Path | None, names: Iterable[str], *, run: bool = True, workers: int = 4
) -> dict[str, tuple[list[dict] | None, str]]:
    """Each lesson's show() records: from the suite's run when it recorded them, else (if
    ``run``) by running the lesson here, several at a time."""
    found: dict[str, tuple[list[dict] | None, str]] = {}
    to_run = []
    for name in names:
        saved = records_dir / "lessons" / f"{name}.json" if records_dir else None
        if not lessons.path(name).exists():
            found[name] = (None, "missing")
        elif saved is not None and saved.exists():
            found[name] = (json.loads(saved.read_text()), "")
        elif run:
            to_run.append(name)
        else:
            found[name] = (None, "not run: the records hold no run of this lesson")
    if to_run:
        print(f"running {len(to_run)} lesson(s) for their measurements ...", flush=True)
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(to_run)))) as pool:
            for name, result in zip(to_run, pool.map(run_lesson, to_run), strict=True):
                found[name] = result
    return found


def _tolerance_note(record: dict) -> tuple[str, bool | None, float]:
    """The harness tolerance a show() record is held to, whether it is within it, and the
    relative Δ by the component table's convention."""
    from twincore import harness

    dtype = str(record.get("torch_dtype", ""))
    diff, scale = record["max_abs_diff"], record.get("max_abs_value", 0.0)
    if re.match(r"^(u?int\d*|bool|int)$", dtype):
        return "exact", diff == 0, diff / scale if scale else diff
    precision = "float64" if dtype in ("float64", "float") else "float32"
    try:
        tol = harness.tolerance(precision, record.get("kind", "op"))
    except KeyError:
        return "?", None, diff / scale if scale else diff
    bound = tol.atol + tol.rtol * scale
    return f"{precision}/{tol.kind}", diff <= bound, diff / max(scale, tol.atol / tol.rtol)


def _show_table(records: list[dict]) -> str:
    rows = []
    for r in records:
        tol, ok, rel = _tolerance_note(r)
        verdict = {True: '<span class="pass">within</span>', False: '<span class="fail">OUT</span>'}
        shape = "×".join(map(str, r.get("shape", []))) or "scalar"
        if r.get("parts", 1) > 1:
            shape = f"{r['parts']} values"
        rows.append(
            f"<tr><td>{_e(r['label'])}</td><td>{_e(shape)}</td>"
            f"<td>{_e(r.get('torch_dtype', ''))} / {_e(r.get('jax_dtype', ''))}</td>"
            f'<td class="num">{_num(r["max_abs_diff"])}</td><td class="num">{_num(rel)}</td>'
            f"<td>{_e(tol)} {verdict.get(ok, '')}</td></tr>"
        )
    return (
        '<div class="check"><table><tr><th>show()</th><th>shape</th><th>torch / JAX dtype</th>'
        "<th>max |Δ|</th><th>relative Δ</th><th>tolerance</th></tr>"
        + "".join(rows)
        + "</table></div>"
    )


def _num(value: float) -> str:
    return "0" if value == 0 else f"{value:.1e}"


def _code_cell(lesson: str, cell: lessons.Cell, records: list[dict]) -> str:
    parts = [f'<div class="cell" id="{_e(lesson)}-L{cell.first_line}">']
    if cell.title:
        parts.append(f"<h4>{_inline(cell.title)}</h4>")
    if cell.setup and cell.compares:
        parts.append(f'<div class="setup"><pre>{_e(cell.setup)}</pre></div>')
    if cell.compares:
        parts.append(
            '<div class="pair">'
            f'<div class="side torch"><div>torch</div><pre>{_e(cell.torch)}</pre></div>'
            f'<div class="side jax"><div>JAX</div><pre>{_e(cell.jax)}</pre></div></div>'
        )
        if records:
            parts.append(_show_table(records))
        else:
            parts.append('<p class="muted">no measurement recorded for this cell</p>')
    else:
        # A cell that compares nothing (imports, helpers): folded, so the comparisons lead.
        code = "\n".join(x for x in (cell.setup, cell.torch, cell.jax, cell.check) if x)
        lines = code.count("\n") + 1
        summary = _e(cell.title) if cell.title else "setup"
        parts.append(
            f'<details class="setup"><summary>{summary} <span class="muted">({lines} lines)'
            f"</span></summary><pre>{_e(code)}</pre></details>"
        )
    parts.append("</div>")
    return "\n".join(parts)


def _lesson_section(name: str, shown: tuple[list[dict] | None, str], results: Results) -> str:
    out = [f'<section class="lesson" id="lesson-{_e(name)}">']
    path = lessons.path(name)
    title = name.replace("_", " ")
    cells = lessons.cells(path.read_text()) if path.exists() else []
    if cells and cells[0].kind == "markdown" and cells[0].title:
        title = cells[0].title
    out.append(f"<h2>{_inline(title)}</h2>")
    out.append(f'<p class="muted">examples/lessons/{_e(name)}.py</p>')
    records, error = shown
    if not path.exists():
        out.append(
            f'<p class="note">Lesson missing: examples/lessons/{_e(name)}.py does not '
            "exist yet.</p>"
        )
    elif error:
        out.append(f'<div class="note">Measurements unavailable: <pre>{_e(error)}</pre></div>')
    records = records or []
    for i, cell in enumerate(cells):
        if cell.kind == "markdown":
            out.append(markdown(cell.markdown, skip_title=i == 0))
            continue
        mine = [r for r in records if cell.first_line <= r.get("line", -1) <= cell.last_line]
        out.append(_code_cell(name, cell, mine))
    comps = results.of_lesson(name)
    out.append(f"<h3>Components of this lesson ({len(comps)})</h3>")
    if comps:
        out.append(_component_table(comps, anchors=False))
    else:
        out.append(
            '<p class="muted">No parity-test module of its own: the lesson\'s cells and '
            "the worked examples measure it.</p>"
        )
    out.append("</section>")
    return "\n".join(out)


# --- components -----------------------------------------------------------------------


def _status_html(status: str) -> str:
    cls = "pass" if status.startswith("pass") else "fail" if status.startswith("FAIL") else "muted"
    return f'<span class="{cls}">{_e(status)}</span>'


def _component_table(rows, *, anchors: bool, group: bool = False) -> str:
    """The component table: the page's main one (``anchors``: row ids, lesson group rows,
    test modules as tooltips) or a lesson's (test modules under each name)."""
    widths = [15, 22, 24] + [5.2] * 6 + [7.8]
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    head = (
        "<tr><th rowspan=2>component</th><th rowspan=2>torch API</th><th rowspan=2>jaxnn API</th>"
        "<th colspan=3>float64 relative Δ</th><th colspan=3>float32 relative Δ</th>"
        "<th rowspan=2>status (tests)</th></tr><tr>"
        + "".join(f"<th>{k}</th>" for k in CLASSES) * 2
        + "</tr>"
    )
    body, lesson = [], None
    for r in rows:
        c = r.component
        if group and c.lesson != lesson:
            lesson = c.lesson
            body.append(
                f'<tr class="group"><td colspan=10><a href="#lesson-{_e(lesson)}">'
                f"{_e(lesson)}</a></td></tr>"
            )
        deltas = []
        for mode in MODES:
            for cls in CLASSES:
                w = r.delta(mode, cls)
                title = f' title="{_e(w.where)} ({w.count} comparisons)"' if w and w.count else ""
                deltas.append(f'<td class="num"{title}>{_e(format_delta(w))}</td>')
        modules = ", ".join(r.modules)
        if anchors:
            name = f'<td title="{_e(modules)}">{_e(c.name)}</td>'
        else:
            name = f"<td>{_e(c.name)}<small>{_e(modules)}</small></td>"
        rid = f' id="component-{c.slug}"' if anchors else ""
        body.append(
            f'<tr{rid} class="component" data-component="{_e(c.name)}">{name}'
            f"<td><code>{_e(c.torch)}</code></td><td><code>{_e(c.jaxnn)}</code></td>"
            f"{''.join(deltas)}<td>{_status_html(r.status)} "
            f'<span class="muted">({r.tests})</span></td></tr>'
        )
    return f'<table class="components"><colgroup>{cols}</colgroup>{head}{"".join(body)}</table>'


# --- worked examples ------------------------------------------------------------------


def _example_runs(examples_dir: Path) -> dict[str, dict[str, dict]]:
    runs: dict[str, dict[str, dict]] = {}
    for path in sorted(Path(examples_dir).glob("*-float*.json")):
        record = json.loads(path.read_text())
        runs.setdefault(record["example"], {})[record["dtype"]] = record
    return runs


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _examples_section(examples_dir: Path, max_plots: int = MAX_PLOTS) -> str:
    from jaxnn_examples import EXAMPLES

    from twinlab.reports.plots import curves_png

    runs = _example_runs(examples_dir)
    out = ['<section id="examples"><h2>Worked examples</h2>']
    out.append(
        "<p>Every worked example of the seeds run in torch and in JAX from the same initial "
        "parameters, data and batch order (<code>parity_tests/examples/test_examples.py"
        "</code>, which "
        f"wrote these measurements to <code>{_e(_rel(examples_dir))}</code>). Loss Δ: the "
        "largest relative difference over the loss curve; parameter Δ: over the final "
        "parameters (or a forward example's outputs), max |torch − JAX| of a tensor divided "
        "by its largest |value|. One plot per training example, of its float32 run.</p>"
    )
    if not runs:
        out.append(
            '<p class="note">No example measurements found: run the parity suite '
            "(without -k) to produce them.</p></section>"
        )
        return "\n".join(out)
    head = (
        "<tr><th>example</th><th>seed lines</th><th>steps</th><th>float64 loss Δ</th>"
        "<th>float64 param Δ</th><th>float32 loss Δ</th><th>float32 param Δ</th></tr>"
    )
    rows, plots = [], []
    for name, example in EXAMPLES.items():
        got = runs.get(name, {})
        steps = next((r["steps"] for r in got.values()), None)

        def cell(dtype: str, key: str, got=got) -> str:
            r = got.get(dtype)
            if r is None:
                return '<td class="num muted">not run</td>'
            if key == "max_rel_loss_diff" and not r["steps"]:
                return '<td class="num">—</td>'
            return f'<td class="num">{_num(r[key])}</td>'

        rows.append(
            f'<tr id="example-{_e(name)}"><td><code>{_e(name)}</code>: {_e(example.title)}</td>'
            f'<td>{_e(example.source)}</td><td class="num">{_e(steps if steps else "—")}</td>'
            + cell("float64", "max_rel_loss_diff")
            + cell("float64", "max_scaled_value_diff")
            + cell("float32", "max_rel_loss_diff")
            + cell("float32", "max_scaled_value_diff")
            + "</tr>"
        )
        run = got.get("float32") or got.get("float64")
        if run and run.get("torch_loss") and len(run["torch_loss"]) >= 2 and len(plots) < max_plots:
            png = curves_png(run["torch_loss"], run.get("jax_loss"), f"{name} ({run['dtype']})")
            plots.append(
                f'<figure><img alt="loss curves of {_e(name)}" src="{png_data_uri(png)}">'
                f"<figcaption><code>{_e(name)}</code>: {_e(example.title)}</figcaption></figure>"
            )
    out.append(f"<table>{head}{''.join(rows)}</table>")
    if plots:
        out.append("<h3>Loss curves (float32)</h3>")
        out.append('<div class="plots">' + "".join(plots) + "</div>")
    else:
        out.append('<p class="muted">No loss curves in the measurements.</p>')
    out.append("</section>")
    return "\n".join(out)


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- the page -------------------------------------------------------------------------


def _header(results: Results, records_dir: Path | None) -> str:
    meta = results.meta or collect_meta([], None)
    recorded = bool(results.meta)
    versions = ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items())
    passed = sum(1 for v in results.outcomes.values() if v == "passed")
    skipped = sum(1 for v in results.outcomes.values() if v in ("skipped", "xfailed"))
    rows = [
        ("date", meta.get("date", "")),
        ("versions", versions),
        ("device", meta.get("device", "")),
        ("python", f"{meta.get('python', '')} on {meta.get('platform', '')}"),
        ("command", meta.get("command") or "(not recorded)"),
        (
            "tests",
            f"{len(results.outcomes)} run: {passed} passed, {results.failed} failed, "
            f"{skipped} skipped; {results.measurements} comparisons recorded",
        ),
    ]
    if records_dir is not None:
        rows.append(("records", _rel(records_dir)))
    note = (
        ""
        if recorded
        else (
            '<p class="note">The records carry no run metadata; date, versions and device are '
            "this machine's now.</p>"
        )
    )
    table = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return (
        "<header><h1>jaxnn parity report</h1>"
        "<p>The PyTorch learning notebooks' components, reimplemented in JAX (Flax NNX + "
        "optax), measured against PyTorch. Every number on this page comes from a run: the "
        "parity test suite's comparisons (torch and JAX fed the same NumPy inputs), the "
        "lessons' <code>show()</code> lines and the worked examples' training runs. The code "
        "shown is read from the lesson files, not retyped.</p>"
        f"<table>{table}</table>{note}</header>"
    )


def render(
    results: Results,
    records_dir: Path | None = None,
    *,
    examples_dir: Path | None = None,
    lesson_names: Iterable[str] = lessons.LESSONS,
    run_lessons: bool = True,
    max_plots: int = MAX_PLOTS,
) -> str:
    """The whole page as a string (see the module docstring). ``examples_dir`` defaults
    to the records' ``examples/``, where the suite's example runs wrote their measurements."""
    if examples_dir is None:
        examples_dir = (records_dir or Path("build/parity/records")) / "examples"
    names = list(lesson_names)
    shown = lesson_records(records_dir, names, run=run_lessons)
    nav = " · ".join(f'<a href="#lesson-{_e(n)}">{_e(n.replace("_", " "))}</a>' for n in names)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>jaxnn parity report</title><style>{CSS}</style></head><body><main>",
        _header(results, records_dir),
        f'<nav><strong>Contents:</strong> <a href="#components">components</a> · {nav} · '
        '<a href="#examples">worked examples</a></nav>',
        '<section id="components"><h2>Components</h2>',
        "<p>Relative Δ: for each comparison the suite made, max |JAX − torch| over the "
        "tensor divided by max |torch| (by the tolerance's atol/rtol instead where all of "
        "torch's values are smaller, as the harness's tolerance is absolute there, so a "
        "passing comparison reads at most twice its rtol); each "
        "cell is the worst of the component's comparisons of that kind (hover for where). "
        "Forward: outputs and values; gradient: comparisons of gradients; curve: training "
        "trajectories and end-of-run metrics. Checks against values the seeds printed are "
        "not included (they measure the seeds' rounding). '—': nothing of that kind "
        "compared.</p>",
        _component_table(results.components, anchors=True, group=True),
        "</section>",
        *(_lesson_section(n, shown[n], results) for n in names),
        _examples_section(examples_dir, max_plots),
        "</main></body></html>",
    ]
    return "\n".join(parts)


def write(
    path: str | os.PathLike, results: Results, records_dir: Path | None = None, **kwargs
) -> Path:
    """Renders the page and writes it to ``path`` atomically; returns the path."""
    from twincore.atomic import atomic_write

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, render(results, records_dir, **kwargs))
