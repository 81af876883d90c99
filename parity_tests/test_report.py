"""``jaxnn parity`` and its HTML report (issue 5, item 4): records, registry, table, page.

The recording harness (``harness.Recorder``), the component registry
(``parity_tests/components.py``), the aggregation and table of ``examples/parity.py`` and
the page of ``examples/report.py``, built from small fixture records and one real
lesson run, with its structure checked through ``html.parser``.
"""

from __future__ import annotations

import argparse
import base64
import importlib
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from examples import lessons, parity, report
from parity_tests import components, harness

TESTS_DIR = Path(__file__).resolve().parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
REAL_LESSON = "02_shapes_and_views"  # the quickest lesson to run (~4 s)


# --- the registry ------------------------------------------------------------------------


def test_every_test_module_is_one_components_or_infrastructure():
    modules = {p.stem for p in TESTS_DIR.glob("test_*.py")}
    claimed = [m for c in components.COMPONENTS for m in c.tests]
    twice = {m for m in claimed if claimed.count(m) > 1}
    assert not twice, f"test modules in more than one component: {sorted(twice)}"
    both = set(claimed) & set(components.INFRASTRUCTURE)
    assert not both, f"both a component's and infrastructure: {sorted(both)}"
    orphans = modules - set(claimed) - set(components.INFRASTRUCTURE)
    assert not orphans, f"add these to parity_tests/components.py: {sorted(orphans)}"
    ghosts = (set(claimed) | set(components.INFRASTRUCTURE)) - modules
    assert not ghosts, f"registry names test modules that do not exist: {sorted(ghosts)}"


def test_components_are_in_lesson_order_with_unique_names():
    order = [lessons.LESSONS.index(c.lesson) for c in components.COMPONENTS]  # raises if unknown
    assert order == sorted(order), "components must be grouped by lesson, in the seeds' order"
    names = [c.name for c in components.COMPONENTS]
    slugs = [c.slug for c in components.COMPONENTS]
    assert len(set(names)) == len(names) and len(set(slugs)) == len(slugs)


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


def test_component_apis_name_objects_that_exist():
    for c in components.COMPONENTS:
        for dotted in re.findall(r"\b(?:jaxnn|torch)\.[\w.]*\w", c.torch_api + " " + c.jaxnn_api):
            try:
                _resolve(dotted)
            except (ImportError, AttributeError) as err:
                raise AssertionError(f"{c.name}: {dotted} does not exist ({err})") from None


def test_module_of_reads_pytest_node_ids():
    assert components.module_of("parity_tests/test_linear.py::test_x[float64-1]") == "test_linear"
    assert components.module_of("test_sgd.py::test_y") == "test_sgd"
    assert components.module_of("parity_tests/conftest.py") is None


# --- recording ---------------------------------------------------------------------------


@pytest.fixture
def recorder(monkeypatch) -> harness.Recorder:
    rec = harness.Recorder()
    rec.start_test("parity_tests/test_linear.py::test_fixture[float64]", "float64")
    monkeypatch.setattr(harness, "_recorder", rec)
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
    got = [
        (r["comparison"], r["name"], r["role"], r["kind"], r["passed"]) for r in recorder.records
    ]
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
    assert first["max_abs"] == diff.max() and first["scale"] == np.abs(expected).max()
    assert first["max_rel"] == (diff / np.abs(expected)).max()
    assert (first["rtol"], first["atol"], first["mode"]) == (f64.rtol, f64.atol, "float64")
    assert recorder.records[1]["size"] == 5


def test_recording_is_off_without_the_environment_variable():
    env = {k: v for k, v in os.environ.items() if k != harness.RECORD_ENV}
    code = "from parity_tests import harness; print(harness.recorder() is None)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=TESTS_DIR.parent, capture_output=True, text=True
    )
    assert out.stdout.strip() == "True", out.stderr


def test_classification_follows_the_documented_rule():
    def cls(name, kind="op"):
        return parity.classify({"name": name, "kind": kind})

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
    record = {"max_abs": 2e-7, "scale": 4.0, "rtol": 1e-5, "atol": 1e-6}
    assert parity.relative(record) == 2e-7 / 4.0
    tiny = dict(record, scale=3e-8)  # values that cancel to ~0: the harness's atol rules
    assert parity.relative(tiny) == 2e-7 / (1e-6 / 1e-5)
    assert parity.relative(dict(record, scale=0.0, rtol=0.0)) == 2e-7


# --- aggregation and the page --------------------------------------------------------------


def _measure(nodeid, name, mode, max_abs, scale, *, kind="op", role="twin", passed=True):
    tol = harness.tolerance(mode, kind)
    return {
        "nodeid": nodeid,
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
    lin = "parity_tests/test_linear.py::test_linear[{}]"
    sgd = "parity_tests/test_sgd.py::test_sgd[{}]"
    red = "parity_tests/test_reduction.py::test_std[float32]"
    measurements = [
        _measure(lin.format("float64"), "output", "float64", 2e-16, 2.0),
        _measure(lin.format("float64"), "weight grad", "float64", 3e-16, 1.0),
        _measure(lin.format("float32"), "output", "float32", 1e-7, 1.0),
        _measure(lin.format("float32"), "torch output", "float32", 0.04, 1.0, role="golden"),
        _measure(sgd.format("float64"), "loss curve", "float64", 4e-16, 1.0, kind="curve"),
        _measure(red, "value", "float32", 1.5, 10.0, passed=False),  # expected: test passed
        _measure(red.replace("std", "mean"), "value", "float32", 0.5, 1.0, passed=False),
    ]
    outcomes = {
        lin.format("float64"): "passed",
        lin.format("float32"): "passed",
        sgd.format("float64"): "passed",
        red: "passed",
        red.replace("std", "mean"): "failed",
        "parity_tests/test_new_thing.py::test_a": "passed",
        "parity_tests/test_harness.py::test_b": "passed",
    }
    (out / "measurements-gw0.jsonl").write_text("".join(json.dumps(m) + "\n" for m in measurements))
    (out / "outcomes-main.jsonl").write_text(
        "".join(json.dumps({"nodeid": k, "outcome": v}) + "\n" for k, v in outcomes.items())
    )
    (out / "lessons").mkdir()
    meta = parity.collect_meta(["pytest", "fixture"], 1)
    (out / "meta.json").write_text(json.dumps(meta))
    return out


def test_load_aggregates_worst_twin_delta_per_class_and_mode(records):
    results = parity.load(records)
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
    assert by_name["nn.Conv2d"].status == "not run"
    assert dict(results.unassigned) == {"test_new_thing": 1}
    table = parity.format_tables(results)
    assert "FAIL (1 of 2)" in table and "test_new_thing" in table
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
        parity.load(records),
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

    missing = [c.name for c in components.COMPONENTS if f"component-{c.slug}" not in parser.ids]
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
        assert f"<pre>{report._e(cell.torch)}</pre>" in section
        assert f"<pre>{report._e(cell.jax)}</pre>" in section
    for record in shown:
        assert report._e(record["label"]) in section
    assert len(page.encode()) < 15 * 2**20


def test_missing_lesson_renders_a_note_not_a_crash(records, tmp_path, examples_dir, monkeypatch):
    empty = tmp_path / "no_lessons"
    empty.mkdir()
    monkeypatch.setattr(lessons, "DIR", empty)
    page = _render(records, tmp_path, examples_dir)
    assert page.count("Lesson missing:") == len(lessons.LESSONS)


def test_parity_command_from_records_prints_the_tables_and_fails_on_failures(records, capsys):
    args = argparse.Namespace(from_records=records, html=None, keyword=None)
    assert parity.main(args) == 1  # the fixture holds one failed test
    out = capsys.readouterr().out
    assert "float64 (the algorithm check" in out and "float32 (the frameworks'" in out
    for c in components.COMPONENTS:
        assert c.name in out


def test_parity_command_errors_are_one_line_with_exit_code_2(tmp_path, capsys, monkeypatch):
    args = argparse.Namespace(from_records=tmp_path / "nowhere", html=None, keyword=None)
    assert parity.main(args) == 2
    assert "--from-records" in capsys.readouterr().err
    monkeypatch.setattr(parity, "ROOT", tmp_path)  # an installed package, no checkout
    assert parity.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("jaxnn: error: jaxnn parity needs a source checkout: ")
    assert err.count("\n") == 1
