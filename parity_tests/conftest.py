"""Parity-suite setup: numerics before any op, and the float64/float32 mode fixture."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import jaxnn.config
import torch_ref.config
from jaxnn.atomic import atomic_write
from parity_tests import harness

# Before any JAX or torch operation: torch shares the GPU (no JAX preallocation),
# full-precision matmuls, TF32 off.
jaxnn.config.share_device_with_torch()
jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
# One thread per torch process: pytest-xdist already runs one worker per core.
torch.set_num_threads(1)


@dataclass(frozen=True)
class Mode:
    """One precision mode of a parity test: dtypes for each side and its tolerances."""

    name: str

    @property
    def np(self) -> Any:
        return np.dtype(self.name)

    @property
    def jnp(self) -> Any:
        return jnp.dtype(self.name)

    @property
    def torch(self) -> torch.dtype:
        return torch_ref.config.torch_dtype(self.name)

    def tol(self, kind: str = "op") -> harness.Tolerance:
        return harness.tolerance(self.name, kind)

    def array(self, x: Any) -> np.ndarray:
        """``x`` as a NumPy array of this mode's dtype: the one input both sides receive."""
        return np.asarray(x, dtype=self.np)

    def assert_close(self, actual: Any, expected: Any, kind: str = "op", name: str = "value"):
        harness.assert_close(actual, expected, self.tol(kind), name=name)

    def assert_twins_close(
        self, jax_value, torch_value, golden=None, golden_tol=None, kind="op", name="value"
    ):
        harness.assert_twins_close(
            jax_value, torch_value, self.tol(kind), golden, golden_tol, name=name
        )

    def assert_tree_close(self, actual: Any, expected: Any, kind: str = "op", name: str = "tree"):
        harness.assert_tree_close(actual, expected, self.tol(kind), name=name)

    def assert_state_dict_close(self, actual, expected, kind: str = "op", name: str = "state_dict"):
        harness.assert_state_dict_close(actual, expected, self.tol(kind), name=name)


@pytest.fixture(params=["float64", "float32"])
def mode(request) -> Mode:
    """Runs the test twice: float64 (64-bit JAX types on) and float32."""
    with jax.enable_x64(request.param == "float64"):
        yield Mode(request.param)


@pytest.fixture
def x64():
    """For a test that runs a command in this process with ``--dtype float64``, which turns
    on 64-bit types for the whole process: the suite's setting comes back afterwards, so
    later tests in the same worker do not silently build float64 arrays."""
    before = jax.config.jax_enable_x64
    with jax.enable_x64(True):
        yield
    jax.config.update("jax_enable_x64", before)


@pytest.fixture
def rng() -> np.random.Generator:
    """A NumPy generator with a fixed seed: inputs are made once here and fed to both sides."""
    return np.random.default_rng(0)


# --- Measurement records for `jaxnn parity` (JAXNN_PARITY_RECORD=<dir>; see harness.py) ---
# Each process that runs tests (an xdist worker, or the only process) writes its comparison
# records to <dir>/measurements-<worker>.jsonl when its session ends; the process that sees
# every test's report (the xdist controller, or the only process) writes each test's outcome
# to <dir>/outcomes-<worker>.jsonl. Lesson tests hand over the show() records their lesson
# subprocess wrote, as <dir>/lessons/<lesson>.json, so the report need not run them again.

_OUTCOMES: dict[str, str] = {}
_OUTCOME_RANK = {"passed": 0, "skipped": 1, "xfailed": 1, "xpassed": 2, "failed": 3, "error": 4}


def _record_dir() -> str | None:
    return os.environ.get(harness.RECORD_ENV) or None


def _worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    recorder = harness.recorder()
    if recorder is not None:
        callspec = getattr(item, "callspec", None)
        mode = callspec.params.get("mode", "") if callspec is not None else ""
        recorder.start_test(item.nodeid, mode if isinstance(mode, str) else "")


_LESSONS_TEST = "parity_tests.test_lessons"


def pytest_runtest_makereport(item, call):
    # test_lessons.py runs the lesson with its show() records written to tmp_path/records.json.
    module = getattr(getattr(item, "module", None), "__name__", "")
    if _record_dir() is None or call.when != "call" or module != _LESSONS_TEST:
        return
    tmp_path = item.funcargs.get("tmp_path")
    name = getattr(getattr(item, "callspec", None), "params", {}).get("name")
    if tmp_path is None or name is None or not (tmp_path / "records.json").exists():
        return
    target = Path(_record_dir()) / "lessons"
    target.mkdir(parents=True, exist_ok=True)
    atomic_write(target / f"{name}.json", (tmp_path / "records.json").read_bytes())


def pytest_runtest_logreport(report):
    if _record_dir() is None:
        return
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
    previous = _OUTCOMES.get(report.nodeid, "passed")
    if _OUTCOME_RANK[outcome] >= _OUTCOME_RANK[previous]:
        _OUTCOMES[report.nodeid] = outcome


def pytest_sessionfinish(session, exitstatus):
    directory = _record_dir()
    if directory is None:
        return
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    worker = _worker_id()
    recorder = harness.recorder()
    if recorder is not None and recorder.records:
        lines = "".join(json.dumps(r) + "\n" for r in recorder.records)
        atomic_write(out / f"measurements-{worker}.jsonl", lines)
    is_worker = hasattr(session.config, "workerinput")
    if not is_worker and _OUTCOMES:
        lines = "".join(
            json.dumps({"nodeid": k, "outcome": v}) + "\n" for k, v in _OUTCOMES.items()
        )
        atomic_write(out / f"outcomes-{worker}.jsonl", lines)
