"""The suite's measurement records for ``jaxnn parity`` (``pytest --parity-records DIR``).

A pytest plugin that the suite's ``conftest.py`` registers when the option is given.
Every process that runs tests (an xdist worker, or the only process) switches on
:mod:`twincore.recording` and writes what each harness comparison measured to
``DIR/measurements-<worker>.jsonl`` when its session ends. The process that sees every
test's report (the xdist controller, or the only process) writes each test's
:class:`~twinlab.parity.summary.Outcome`, with the component its ``component`` marker
names, to ``DIR/outcomes-<worker>.jsonl``. Every process that collects the suite writes the
components of every test it collected, selected by ``-k`` or not, to
``DIR/components-<worker>.json`` (the report's "not in this run" line). Tests that produce
records of their own (the lessons' ``show()`` lines, the worked examples' runs) write them
under ``DIR`` through the ``parity_records`` fixture.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from twincore import recording
from twincore.atomic import atomic_write
from twinlab.parity.summary import Component, Outcome

_RANK = {"passed": 0, "skipped": 1, "xfailed": 1, "xpassed": 2, "failed": 3, "error": 4}


def component_of(item: pytest.Item) -> Component | None:
    """The component a test's closest ``component`` marker names (a parameter's, else its
    module's), or None for a test of the tools themselves."""
    marker = item.get_closest_marker("component")
    if marker is None:
        return None
    return Component(*marker.args, **marker.kwargs)


class ParityRecords:
    """The plugin: records comparisons and outcomes into ``directory``."""

    def __init__(self, directory: Path, *, is_worker: bool):
        self.directory = Path(directory)
        self.is_worker = is_worker
        self.outcomes: dict[str, Outcome] = {}
        self.recorder = recording.start()
        self.collected: dict[str, dict] = {}  # component name -> its fields, of every test

    def _collect(self, items) -> None:
        for item in items:
            component = component_of(item)
            if component is not None:
                self.collected.setdefault(component.name, vars(component))

    def pytest_deselected(self, items):
        self._collect(items)  # what -k or -m left out: the suite declares it all the same

    def pytest_collection_finish(self, session):
        self._collect(session.items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        callspec = getattr(item, "callspec", None)
        mode = callspec.params.get("mode", "") if callspec is not None else ""
        self.recorder.start_test(item.nodeid, mode if isinstance(mode, str) else "")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        component = component_of(item)
        if component is not None:  # travels to the xdist controller with the report
            outcome.get_result().user_properties.append(("component", vars(component)))

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            outcome = report.outcome
            if hasattr(report, "wasxfail"):
                outcome = "xfailed" if report.skipped else "xpassed"
        elif report.failed:
            outcome = "error"
        elif report.skipped:
            outcome = "skipped"
        else:
            outcome = "passed"
        component = dict(report.user_properties).get("component")
        previous = self.outcomes.get(report.nodeid)
        if previous is None or _RANK[outcome] >= _RANK[previous.outcome]:
            self.outcomes[report.nodeid] = Outcome(
                report.nodeid, outcome, Component(**component) if component else None
            )

    def pytest_sessionfinish(self, session):
        self.directory.mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        if self.recorder.records:
            lines = "".join(json.dumps(r.to_json()) + "\n" for r in self.recorder.records)
            atomic_write(self.directory / f"measurements-{worker}.jsonl", lines)
        if self.collected:
            components = sorted(self.collected.values(), key=lambda c: c["name"])
            atomic_write(self.directory / f"components-{worker}.json", json.dumps(components))
        if not self.is_worker and self.outcomes:
            lines = "".join(json.dumps(o.to_json()) + "\n" for o in self.outcomes.values())
            atomic_write(self.directory / f"outcomes-{worker}.jsonl", lines)
