"""``jaxnn parity`` and its HTML report: records, aggregation, table, page.

The recording harness (``twincore.recording``), the aggregation and tables of
``twinlab.parity.summary``, the command of ``twinlab.parity.command`` and the page of
``twinlab.reports.html``, built from small fixture records and one real lesson run,
with its structure checked through ``html.parser``.
"""

from __future__ import annotations

import argparse
import base64
import importlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape

from jaxnn_examples import lessons
from twincore import harness, recording
from twincore.recording import Measurement
from twinlab.parity import command, suite, summary
from twinlab.parity.summary import Component, Outcome
from twinlab.reports import html as report
from twinlab.reports import markdown_html

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
REAL_LESSON = "02_shapes_and_views"  # the quickest lesson to run (~4 s)


# --- the components the suite's markers declare ----------------------------------------------


def _components(request) -> dict[str, Component]:
    from ..records import component_of

    found = {}
    for item in request.session.items:
        component = component_of(item)
        if component is not None:
            found[component.name] = component
    return found


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:n]))
        except ImportError:
            continue
        for attr in parts[n:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def test_component_apis_name_objects_that_exist(request):
    components = _components(request)
    for c in components.values():
        for dotted in re.findall(r"\b(?:jaxnn|torch)\.[\w.]*\w", c.torch + " " + c.jaxnn):
            try:
                _resolve(dotted)
            except (ImportError, AttributeError) as err:
                raise AssertionError(f"{c.name}: {dotted} does not exist ({err})") from None


def test_component_lessons_and_slugs(request):
    components = list(_components(request).values())
    assert all(c.lesson in lessons.LESSONS for c in components)
    slugs = [c.slug for c in components]
    assert len(set(slugs)) == len(slugs)


# --- recording ---------------------------------------------------------------------------


@pytest.fixture
def recorder(monkeypatch) -> recording.Recorder:
    rec = recording.Recorder()
    rec.start_test("parity_tests/nn/test_linear.py::test_fixture[float64]", "float64")
    monkeypatch.setattr(recording, "_recorder", rec)
    return rec


def test_tolerances_know_their_kind_and_dtype():
    tol = harness.tolerance("float32", "curve")
    assert (tol.kind, tol.dtype) == ("curve", "float32")
    assert harness.printed(2).kind == "printed"


def test_recorder_keeps_one_record_per_outermost_comparison(recorder):
    f64 = harness.tolerance("float64")
    expected = np.array([1.0, -2.0, 4.0])
    actual = expected + np.array([0.0, 1e-13, -2e-13])
    harness.assert_close(actual, expected, f64, name="output")
    state = {"w": expected, "b": np.zeros(2)}
    harness.assert_state_dict_close({"w": actual, "b": np.zeros(2)}, state, f64)
    harness.assert_twins_close(
        actual, expected, f64, golden=[1.0, -2.0, 4.0], golden_tol=harness.printed(1), name="y"
    )
    harness.assert_twins_equal(np.array([1, 2]), np.array([1, 2]), golden=[1, 2], name="idx")
    with pytest.raises(AssertionError):  # a documented difference: the record says it failed
        harness.assert_close(actual + 1.0, expected, f64, name="input grad")
    got = [(r.comparison, r.name, r.role, r.kind, r.passed) for r in recorder.records]
    assert got == [
        ("assert_close", "output", "twin", "op", True),
        ("assert_state_dict_close", "state_dict", "twin", "op", True),  # its 2 leaves: 1 record
        ("assert_twins_close", "y", "twin", "op", True),
        ("assert_twins_close", "torch y", "golden", "printed", True),
        ("assert_twins_close", "jax y", "golden", "printed", True),
        ("assert_twins_equal", "idx", "twin", "exact", True),
        ("assert_twins_equal", "torch idx", "golden", "exact", True),
        ("assert_twins_equal", "jax idx", "golden", "exact", True),
        ("assert_close", "input grad", "twin", "op", False),
    ]
    first = recorder.records[0]
    diff = np.abs(actual - expected)
    assert first.max_abs == diff.max() and first.scale == np.abs(expected).max()
    assert first.max_rel == (diff / np.abs(expected)).max()
    assert (first.rtol, first.atol, first.mode) == (f64.rtol, f64.atol, "float64")
    assert recorder.records[1].size == 5
    assert Measurement.from_json(json.loads(json.dumps(first.to_json()))) == first


def test_recording_is_off_until_started():
    code = "from twincore import harness, recording; print(recording.recorder() is None)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "True", out.stderr


def _measurement(**fields) -> Measurement:
    base = dict(test="t", comparison="assert_close", name="", kind="op", mode="float64")
    return Measurement(**{**base, "role": "twin", "rtol": 0.0, "atol": 0.0, **fields})


def test_classification_follows_the_documented_rule():
    def cls(name, kind="op"):
        return summary.classify(_measurement(name=name, kind=kind))

    for name in (
        "input grad",
        "x.grad",
        "parameter gradients",
        "dL/dw",
        "side dz/dx",
        "dx",
        "d/da with b constant is b",
        "d mean",
        "d(std + var)",
        "step 3 input grad",
    ):
        assert cls(name) == "gradient", name
    for name in (
        "loss curve",
        "losses",
        "model first 20 steps",
        "x after each step",
        "torch epoch 1",
        "weights after 5 steps",
    ):
        assert cls(name) == "curve", name
    for name in ("output", "dim 0", "dead rows", "values", "indices", "loss", "state_dict"):
        assert cls(name) == "forward", name
    assert cls("input grad", kind="curve") == "curve"  # a trajectory's tolerance decides
    assert cls("final parameters", kind="metric") == "curve"


def test_relative_delta_switches_to_atol_over_rtol_below_it():
    record = dict(max_abs=2e-7, scale=4.0, rtol=1e-5, atol=1e-6)
    assert summary.relative(_measurement(**record)) == 2e-7 / 4.0
    tiny = dict(record, scale=3e-8)  # values that cancel to ~0: the harness's atol rules
    assert summary.relative(_measurement(**tiny)) == 2e-7 / (1e-6 / 1e-5)
    assert summary.relative(_measurement(**dict(record, scale=0.0, rtol=0.0))) == 2e-7


# --- aggregation and the page --------------------------------------------------------------


def _measure(test, name, mode, max_abs, scale, *, kind="op", role="twin", passed=True):
    tol = harness.tolerance(mode, kind)
    return {
        "test": test,
        "comparison": "assert_close",
        "name": name,
        "kind": kind,
        "mode": mode,
        "role": role,
        "rtol": tol.rtol,
        "atol": tol.atol,
        "max_abs": max_abs,
        "max_rel": max_abs / scale,
        "scale": scale,
        "size": 4,
        "passed": passed,
    }


@pytest.fixture
def records(tmp_path) -> Path:
    """A records directory as a recording run writes it, for three components."""
    out = tmp_path / "records"
    out.mkdir()
    lin = "parity_tests/nn/test_linear.py::test_linear[{}]"
    sgd = "parity_tests/optim/test_sgd.py::test_sgd[{}]"
    red = "parity_tests/functional/test_reduction.py::test_std[float32]"
    measurements = [
        _measure(lin.format("float64"), "output", "float64", 2e-16, 2.0),
        _measure(lin.format("float64"), "weight grad", "float64", 3e-16, 1.0),
        _measure(lin.format("float32"), "output", "float32", 1e-7, 1.0),
        _measure(lin.format("float32"), "torch output", "float32", 0.04, 1.0, role="golden"),
        _measure(sgd.format("float64"), "loss curve", "float64", 4e-16, 1.0, kind="curve"),
        _measure(red, "value", "float32", 1.5, 10.0, passed=False),  # expected: test passed
        _measure(red.replace("std", "mean"), "value", "float32", 0.5, 1.0, passed=False),
    ]
    linear = Component("nn.Linear", "torch.nn.Linear", "jaxnn.nn.Linear", "09_layers")
    sgd_c = Component(
        "SGD", "torch.optim.SGD", "jaxnn.optim.sgd", "15_optimizers_and_learning_rate"
    )
    reductions = Component("Reductions", "torch.sum", "jnp.sum", "04_reductions_and_argmax")
    outcomes = [
        Outcome(lin.format("float64"), "passed", linear),
        Outcome(lin.format("float32"), "passed", linear),
        Outcome(sgd.format("float64"), "passed", sgd_c),
        Outcome(red, "passed", reductions),
        Outcome(red.replace("std", "mean"), "failed", reductions),
        Outcome("parity_tests/cli/test_cli.py::test_b", "passed", None),
    ]
    (out / "measurements-gw0.jsonl").write_text("".join(json.dumps(m) + "\n" for m in measurements))
    (out / "outcomes-main.jsonl").write_text(
        "".join(json.dumps(o.to_json()) + "\n" for o in outcomes)
    )
    (out / "lessons").mkdir()
    meta = suite.collect_meta(["pytest", "fixture"], 1)
    (out / "meta.json").write_text(json.dumps(meta))
    return out


def test_load_aggregates_worst_twin_delta_per_class_and_mode(records):
    results = summary.load(records)
    by_name = {r.component.name: r for r in results.components}
    linear, sgd, red = by_name["nn.Linear"], by_name["SGD"], by_name["Reductions"]
    assert linear.delta("float64", "forward").value == 1e-16
    assert linear.delta("float64", "gradient").value == 3e-16
    assert linear.delta("float32", "forward").value == 1e-7  # the golden 0.04 is left out
    assert sgd.delta("float64", "curve").value == 4e-16
    assert linear.status == "pass" and sgd.status == "pass"
    # the expected failure (inside a passing test) is left out; the failed test's counts
    assert red.delta("float32", "forward").value == 0.5
    assert red.status == "FAIL (1 of 2)"
    assert list(by_name) == ["Reductions", "nn.Linear", "SGD"]  # the lessons' order
    assert linear.modules == ["parity_tests/nn/test_linear.py"]
    table = summary.format_tables(results)
    assert "FAIL (1 of 2)" in table and "test_cli" not in table
    assert re.search(r"nn\.Linear .* 1\.0e-16 +3\.0e-16 +— +pass", table)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.imgs, self.urls, self.tags = set(), [], [], []
        self.lesson_rows = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids.add(a["id"])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        for key in ("src", "href", "data", "poster", "srcset"):
            if key in a and tag != "img":
                self.urls.append(a[key])


def _render(records, tmp_path, examples_dir, **kwargs) -> str:
    path = report.write(
        tmp_path / "report.html",
        summary.load(records),
        records,
        examples_dir=examples_dir,
        run_lessons=False,
        **kwargs,
    )
    return path.read_text()


@pytest.fixture
def examples_dir(tmp_path) -> Path:
    out = tmp_path / "examples"
    out.mkdir()
    losses = [1.0, 0.5, 0.25, 0.125]
    runs = [
        ("toy_classifier", "float32", losses, [v * (1 + 1e-7) for v in losses]),
        ("linear_forward", "float64", [], []),
    ]
    for name, dtype, t, j in runs:
        record = {
            "example": name,
            "dtype": dtype,
            "steps": len(t),
            "max_rel_loss_diff": 1e-7,
            "max_scaled_value_diff": 2e-7,
            "max_abs_param_diff": 1e-7,
            "torch_loss": t,
            "jax_loss": j,
        }
        (out / f"{name}-{dtype}.json").write_text(json.dumps(record))
    return out


def test_page_has_every_component_and_lesson_and_only_embedded_images(
    records, tmp_path, examples_dir
):
    shown, error = report.run_lesson(REAL_LESSON)  # one real lesson run
    assert error == "", error
    (records / "lessons" / f"{REAL_LESSON}.json").write_text(json.dumps(shown))
    page = _render(records, tmp_path, examples_dir)
    parser = _Page()
    parser.feed(page)

    results = summary.load(records)
    missing = [
        r.component.name
        for r in results.components
        if f"component-{r.component.slug}" not in parser.ids
    ]
    assert not missing, f"components without a row: {missing}"
    assert not [n for n in lessons.LESSONS if f"lesson-{n}" not in parser.ids]
    assert {"components", "examples", "example-toy_classifier"} <= parser.ids

    assert len(parser.imgs) == 1  # the one training example with a curve
    for src in parser.imgs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1], validate=True).startswith(PNG_SIGNATURE)
    assert all(u.startswith("#") for u in parser.urls), parser.urls  # in-page links only
    assert not {"script", "link", "iframe", "object", "embed"} & set(parser.tags)
    assert not re.search(r"url\(|@import|https?://", page)

    # The real lesson: each comparing cell's code, read from the source, side by side with
    # the differences its show() lines measured.
    cells = [c for c in lessons.cells(lessons.path(REAL_LESSON).read_text()) if c.compares]
    section = page[page.index(f'id="lesson-{REAL_LESSON}"') :]
    section = section[: section.index("</section>")]
    for cell in cells:
        assert f'id="{REAL_LESSON}-L{cell.first_line}"' in section
        assert f"<pre>{escape(cell.torch)}</pre>" in section
        assert f"<pre>{escape(cell.jax)}</pre>" in section
    for record in shown:
        assert escape(record["label"]) in section
    assert len(page.encode()) < 15 * 2**20


def test_lesson_prose_is_commonmark_with_no_markup_links_or_images():
    text = (
        "# 07 · Autograd\n\nThe *uncommitted* arrays; `x**2` and <b>bold</b> "
        "[docs](https://example.org) ![plot](http://example.org/a.png)\n\n## Notes\n\n- one\n- two"
    )
    got = markdown_html.markdown(text, skip_title=True)
    assert "Autograd" not in got  # the title is the section's heading
    assert "<em>uncommitted</em>" in got and "<code>x**2</code>" in got
    assert "&lt;b&gt;bold&lt;/b&gt;" in got  # lesson text cannot inject markup
    assert "docs" in got and "plot" in got and "example.org" not in got
    assert "<h4>Notes</h4>" in got and "<li>one</li>" in got  # "##" sits under the <h2>
    # A cell's title is prose with arithmetic: no emphasis, code spans still.
    title = "y = x**2 at 3 and z = (x**2 + 1)**3; 64*5*5 features; `nn.Conv2d(1, 32, 3)` <i>"
    assert markdown_html.inline(title) == (
        "y = x**2 at 3 and z = (x**2 + 1)**3; 64*5*5 features; "
        "<code>nn.Conv2d(1, 32, 3)</code> &lt;i&gt;"
    )


def test_missing_lesson_renders_a_note_not_a_crash(records, tmp_path, examples_dir, monkeypatch):
    empty = tmp_path / "no_lessons"
    empty.mkdir()
    monkeypatch.setattr(lessons, "DIR", empty)
    page = _render(records, tmp_path, examples_dir)
    assert page.count("Lesson missing:") == len(lessons.LESSONS)


def test_parity_command_from_records_prints_the_tables_and_fails_on_failures(records, capsys):
    args = argparse.Namespace(from_records=records, html=None, keyword=None)
    assert command.parity_command(args) == 1  # the fixture holds one failed test
    out = capsys.readouterr().out
    assert "float64 (the algorithm check" in out and "float32 (the frameworks'" in out
    for name in ("nn.Linear", "SGD", "Reductions"):
        assert name in out


def test_parity_command_errors_are_one_line_with_exit_code_2(tmp_path, capsys, monkeypatch):
    args = argparse.Namespace(from_records=tmp_path / "nowhere", html=None, keyword=None)
    assert command.parity_command(args) == 2
    assert "--from-records" in capsys.readouterr().err

    def not_installed():
        raise FileNotFoundError("the parity suite (package jaxnn_parity_tests) is not installed")

    monkeypatch.setattr(suite, "suite_dir", not_installed)
    args = argparse.Namespace(from_records=None, html=None, keyword=None)
    assert command.parity_command(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("jaxnn: error: the parity suite (package jaxnn_parity_tests)")
    assert err.count("\n") == 1


def test_parity_command_runs_the_installed_suite_with_records(tmp_path):
    line = suite.pytest_command(tmp_path / "records", "linear")
    assert line[line.index("--parity-records") + 1] == str(tmp_path / "records")
    assert Path(line[3]) == suite.suite_dir()
    assert (suite.suite_dir() / "conftest.py").is_file()


def test_parity_runs_workers_for_the_whole_suite_and_pytest_alone_for_a_subset(tmp_path):
    def workers(line):
        return line[line.index("-n") + 1 :][:3] if "-n" in line else None

    records = tmp_path / "records"
    assert workers(suite.pytest_command(records)) == ["auto", "--maxprocesses", "4"]
    assert workers(suite.pytest_command(records, "linear")) is None
    assert workers(suite.pytest_command(records, "linear", workers=3))[0] == "3"
    assert workers(suite.pytest_command(records, workers=1)) is None


def test_parity_keeps_the_last_records_when_pytest_stops_before_the_tests(tmp_path, monkeypatch):
    # A typo in -k stops pytest before any test runs (exit code 3); the run records beside
    # the last one, so --from-records still has the last good records afterwards.
    records = tmp_path / "build" / "parity" / "records"
    records.mkdir(parents=True)
    last = json.dumps(Outcome("parity_tests/nn/test_linear.py::test_x", "passed").to_json())
    (records / "outcomes-main.jsonl").write_text(last + "\n")
    monkeypatch.chdir(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "twinlab.cli", "parity", "-k", "((("],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode not in (0, 1), run.stdout[-2000:]
    assert run.stderr.strip().splitlines()[-1].startswith("jaxnn: error: pytest stopped")
    assert (records / "outcomes-main.jsonl").read_text() == last + "\n"
    assert not (records.parent / "records.new").exists()


# --- what a run ran: the summary, and what a subset (-k) left out -------------------------


def _declare(records: Path, *extra: Component) -> None:
    """The suite's collected components, as a recording run writes them: the fixture's three
    and ``extra`` ones whose tests the run left out."""
    results = summary.load(records)
    declared = [vars(r.component) for r in results.components] + [vars(c) for c in extra]
    (records / "components-gw0.json").write_text(json.dumps(declared))


def _ran_lesson(records: Path, name: str) -> list[dict]:
    """Records of lesson ``name`` as if its test had run: one show() in its first comparing
    cell, and its test's outcome."""
    cell = next(c for c in lessons.cells(lessons.path(name).read_text()) if c.compares)
    shown = [
        {
            "label": "y = x**2 at 3",
            "line": cell.first_line + 1,
            "shape": [3],
            "parts": 1,
            "torch_dtype": "float32",
            "jax_dtype": "float32",
            "max_abs_diff": 1e-8,
            "max_abs_value": 9.0,
            "exact_diff": 0.0,
            "kind": "op",
        }
    ]
    (records / "lessons" / f"{name}.json").write_text(json.dumps(shown))
    test = f"parity_tests/examples/test_lessons.py::test_lesson_runs[{name}]"
    with (records / "outcomes-main.jsonl").open("a") as f:
        f.write(json.dumps(Outcome(test, "passed").to_json()) + "\n")
    return shown


def test_subset_page_opens_with_what_ran_and_collapses_the_rest(records, tmp_path, examples_dir):
    graph = Component("no_grad, detach", "torch.no_grad", "jax.lax.stop_gradient", "07_autograd")
    adam = Component(
        "Adam", "torch.optim.Adam", "jaxnn.optim.adam", "15_optimizers_and_learning_rate"
    )
    _declare(records, graph, adam)
    _ran_lesson(records, "07_autograd")
    page = _render(records, tmp_path, examples_dir)

    # The first screen: the summary, before any table.
    top = page[page.index('id="summary"') : page.index('id="components"')]
    assert "7 run: 6 passed, 1 failed, 0 skipped" in top
    assert f"1 of {len(lessons.LESSONS)} run: 07_autograd; 1 comparison, all within" in top
    assert "3 covered of the suite&#39;s 5; failing: Reductions" in top
    assert "1 of " in top and "worked examples" in top

    # The component table holds the three that ran; the two left out are one line.
    table = page[page.index('id="components"') : page.index('id="lesson-')]
    assert table.count('class="component"') == 3
    assert "not run" not in table
    assert "2 components not in this run" in table and "no_grad, detach, Adam" in table

    # Lesson 07 ran: its comparison counts, and its component left out is named as such.
    section = page[page.index('id="lesson-07_autograd"') :]
    section = section[: section.index("</section>")]
    assert "1 comparison:" in section and "all within their tolerance" in section
    assert "Tests not in this run: no_grad, detach." in section
    assert "not run" not in section.replace("not in this run", "")
    assert '<details class="not-run">' not in section
    # Every other lesson is folded: its code, no measurements.
    folded = page.count("Not in this run: its code, without measurements")
    assert folded == len(lessons.LESSONS) - 1
    # Worked examples: the two that ran, and one line for the rest.
    examples = page[page.index('id="examples"') :]
    assert examples.count('<tr id="example-') == 2
    from jaxnn_examples import EXAMPLES

    assert f"{len(EXAMPLES) - 2} worked examples not in this run" in examples


def test_a_lesson_whose_test_failed_says_so(records, tmp_path, examples_dir):
    test = "parity_tests/examples/test_lessons.py::test_lesson_runs[06_gather]"
    with (records / "outcomes-main.jsonl").open("a") as f:
        f.write(json.dumps(Outcome(test, "failed").to_json()) + "\n")
    page = _render(records, tmp_path, examples_dir)
    section = page[page.index('id="lesson-06_gather"') :]
    section = section[: section.index("</section>")]
    assert "the lesson&#39;s test failed in this run" in section
    assert "Not in this run" not in section


def test_parity_from_records_runs_nothing(records, tmp_path, examples_dir, monkeypatch, capsys):
    import subprocess as subprocess_module

    from twinlab.reports import lesson_records

    def refuse(*args, **kwargs):
        raise AssertionError(f"--from-records started something: {args} {kwargs}")

    for target, name in [
        (suite, "run_pytest"),
        (lesson_records, "run_lesson"),
        (report, "run_lesson"),
        (subprocess_module, "run"),
        (subprocess_module, "call"),
        (subprocess_module, "Popen"),
    ]:
        monkeypatch.setattr(target, name, refuse)
    _ran_lesson(records, "02_shapes_and_views")
    out = tmp_path / "page.html"
    args = argparse.Namespace(from_records=records, html=out, keyword=None)
    assert command.parity_command(args) == 1  # the fixture's failed test
    page = out.read_text()
    assert 'id="lesson-02_shapes_and_views"' in page
    assert f"1 of {len(lessons.LESSONS)} run: 02_shapes_and_views" in page
    assert f"wrote {out}" in capsys.readouterr().out


def test_markdown_emphasis_code_and_underscores_in_cells_and_titles():
    cell = (
        "Squares: `x**2` in code, x**2 and y**2 as prose, **bold**, _emphasis_, __strong__, "
        "snake_case_name and `__init__`."
    )
    got = markdown_html.markdown(cell)
    assert "<code>x**2</code>" in got and "<code>__init__</code>" in got
    assert "<strong>bold</strong>" in got and "<em>emphasis</em>" in got
    assert "<strong>strong</strong>" in got and "snake_case_name" in got
    # A cell title is prose with arithmetic: ** and _ are what they say, code spans stay.
    for title, expected in [
        ("y = x**2 at 3", "y = x**2 at 3"),
        ("z = (x**2 + 1)**3 and 2**3**4", "z = (x**2 + 1)**3 and 2**3**4"),
        ("safe_add moves _both_ operands", "safe_add moves _both_ operands"),
        ("`a_b**c` then **d**", "<code>a_b**c</code> then **d**"),
    ]:
        assert markdown_html.inline(title) == expected
    # The real lesson title the issue saw as "y = x 2 at 3": no bold in the page's heading.
    name = "07_autograd"
    section = report.lesson_section(name, (None, "not run"), summary.Results([], {}, 0, {}))
    titles = [b["title"] for b in section["blocks"] if b["kind"] == "code"]
    chain = next(t for t in titles if "chain rule" in t)
    assert "y = x**2 at 3 and z = (x**2 + 1)**3 at 2" in chain and "<strong>" not in chain


SUBSET = "02_shapes_and_views or test_listing"
"""One small lesson (its test is named after it) and one test file of the tools."""


def test_parity_k_runs_only_the_matching_tests_and_lessons(tmp_path):
    # The command's own process may not run a lesson for the report: only pytest runs them,
    # as tests, when -k selects them.
    code = (
        "import sys\n"
        "from twinlab.reports import lesson_records\n"
        "def refuse(name):\n"
        "    raise SystemExit(f'the report ran lesson {name} itself')\n"
        "lesson_records.run_lesson = refuse\n"
        "from twinlab.cli import main\n"
        # Two workers: the records of a run split over processes are merged (a -k alone runs
        # in one process).
        f"sys.exit(main(['parity', '-k', {SUBSET!r}, '--workers', '2', '--html', 'r.html']))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=900
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    records = tmp_path / "build" / "parity" / "records"
    assert sorted(p.name for p in (records / "lessons").iterdir()) == [
        "02_shapes_and_views.json"  # no other lesson ran
    ]
    results = summary.load(records)
    modules = {test.split("::")[0].rsplit("/", 1)[-1] for test in results.outcomes}
    assert modules == {"test_listing.py", "test_lessons.py"}
    lesson_tests = [t for t in results.outcomes if "test_lessons.py::" in t]
    assert len(lesson_tests) == 1 and lesson_tests[0].endswith("[02_shapes_and_views]")
    assert len(results.not_run) == len(results.declared) > 0  # no component's tests selected
    page = (tmp_path / "r.html").read_text()
    top = page[: page.index('id="components"')]
    assert f"1 of {len(lessons.LESSONS)} run: 02_shapes_and_views" in top
    assert f"{len(results.outcomes)} run: {len(results.outcomes)} passed, 0 failed" in top
    assert page.count("Not in this run: its code") == len(lessons.LESSONS) - 1
    assert f"{len(results.declared)} components not in this run" in page
