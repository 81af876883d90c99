"""Where the suite's time goes: ``pytest parity_tests --compile-profile DIR`` writes one JSON
line per test (wall and CPU seconds, and JAX's own compile measurements: XLA compile,
lowering to MLIR, tracing, programs compiled, persistent-cache hits) to
``DIR/<worker>-<pid>.jsonl``; ``python -m parity_tests.compile_profile DIR`` sums them per
file. Give each run a new or empty ``DIR``: every file in it is summed.

The compile figures are JAX's ``jax.monitoring`` durations (wall time of each event, on the
worker's thread), so they mean CPU time only on a machine with a core per worker. Processes
a test starts (lessons, crash points, bench runs) are in its wall time, not its CPU time.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import time
from pathlib import Path

import jax.monitoring
import pytest

EVENTS = {
    "/jax/core/compile/backend_compile_duration": "compile_s",
    "/jax/core/compile/jaxpr_to_mlir_module_duration": "lower_s",
    "/jax/core/compile/jaxpr_trace_duration": "trace_s",
    "/jax/compilation_cache/cache_retrieval_time_sec": "cache_read_s",
}
"""The duration events summed per test, under their column names."""
COUNTED = {"compile_s": "programs", "cache_read_s": "cache_hits"}
"""Columns whose number of events is a column of its own."""
COLUMNS = ("tests", "wall_s", "cpu_s", "compile_s", "lower_s", "trace_s", "programs")


class CompileProfile:
    """The pytest plugin: per-test sums of :data:`EVENTS`, one JSON line per test."""

    def __init__(self, directory: Path, worker: str):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{worker}.jsonl"
        self.totals: collections.Counter = collections.Counter()
        jax.monitoring.register_event_duration_secs_listener(self.listen)

    def close(self) -> None:
        jax.monitoring.unregister_event_duration_listener(self.listen)

    def listen(self, event: str, seconds: float, **_) -> None:
        column = EVENTS.get(event)
        if column is not None:
            self.totals[column] += seconds
            if column in COUNTED:
                self.totals[COUNTED[column]] += 1

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.totals.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        record = {
            "test": item.nodeid,
            "wall_s": time.perf_counter() - wall,
            "cpu_s": time.process_time() - cpu,
            **self.totals,
        }
        with self.path.open("a") as out:  # a line per test: a killed run keeps what it measured
            out.write(json.dumps(record) + "\n")


def register(config) -> None:
    directory = config.getoption("compile_profile")
    if directory is not None:
        worker = getattr(config, "workerinput", {}).get("workerid", "main")
        plugin = CompileProfile(Path(directory), f"{worker}-{os.getpid()}")
        config.pluginmanager.register(plugin, "compile-profile")


def per_file(records: list[dict]) -> dict[str, collections.Counter]:
    """The records summed per test file, with a test count."""
    files: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for record in records:
        sums = files[record["test"].split("::")[0]]
        sums["tests"] += 1
        sums.update({k: v for k, v in record.items() if k != "test"})
    return files


def read(directory: Path) -> list[dict]:
    paths = sorted(Path(directory).glob("*.jsonl"))
    if not paths:
        raise SystemExit(f"{directory}: no *.jsonl here; run pytest with --compile-profile DIR")
    return [json.loads(line) for path in paths for line in path.read_text().splitlines()]


def table(files: dict[str, collections.Counter], top: int) -> str:
    total = sum(files.values(), collections.Counter())
    rows = sorted(files.items(), key=lambda kv: -kv[1]["wall_s"])[:top] + [("all", total)]
    lines = [f"{'file':58} " + " ".join(f"{c:>10}" for c in COLUMNS)]
    for name, sums in rows:
        cells = (
            f"{sums[c]:10.0f}" if c in ("tests", "programs") else f"{sums[c]:10.1f}"
            for c in COLUMNS
        )
        lines.append(f"{name[-58:]:58} " + " ".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m parity_tests.compile_profile")
    parser.add_argument("directory", type=Path, help="the --compile-profile directory")
    parser.add_argument("--top", type=int, default=30, help="files shown (default 30)")
    args = parser.parse_args(argv)
    print(table(per_file(read(args.directory)), args.top))


if __name__ == "__main__":
    main()
