"""The parity suite, wherever it is installed, run with its measurements recorded.

The suite ships as the package ``jaxnn_parity_tests`` (the ``parity_tests/``
folder of a checkout), so ``jaxnn parity`` checks an installed jax/torch upgrade
from any directory. Its ``conftest.py`` takes ``--parity-records DIR``: every
harness comparison's measurement and every test's outcome are written there.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import importlib.util
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from twinlab.machine import cpu_model

RECORDS = Path("build") / "parity" / "records"
"""Where ``jaxnn parity`` records, relative to the current directory."""


def suite_dir() -> Path:
    """The installed parity suite's directory."""
    spec = importlib.util.find_spec("jaxnn_parity_tests")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the parity suite (package jaxnn_parity_tests) is not installed; "
            "reinstall jaxnn (pip install 'jaxnn[parity]')"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def pytest_command(
    records_dir: Path, keyword: str | None = None, workers: int | None = None
) -> list[str]:
    """The pytest command line that runs the suite, recording into ``records_dir``.

    ``workers``: pytest-xdist worker processes; ``None`` is one per core (at most 4) for the
    whole suite and 1 (no workers: pytest alone) with ``keyword``. Each worker imports torch
    and JAX and collects all 4,000-odd tests before it runs any (about 16 s CPU on a 2-core
    AMD EPYC), which is more than the few tests a ``-k`` usually picks take.
    """
    command = [sys.executable, "-m", "pytest", str(suite_dir())]
    if workers is None and not keyword:
        command += ["-n", "auto", "--maxprocesses", "4"]
    elif workers is not None and workers > 1:
        command += ["-n", str(workers)]
    command += ["-q", "-p", "no:cacheprovider", "--parity-records", str(records_dir)]
    if keyword:
        command += ["-k", keyword]
    return command


def run_pytest(
    records_dir: Path, keyword: str | None = None, workers: int | None = None
) -> tuple[int, list[str]]:
    """Runs the suite with recording on, streaming its progress; returns (exit code, argv)."""
    command = pytest_command(records_dir, keyword, workers)
    print("$", " ".join(command), flush=True)
    return subprocess.call(command), command


def collect_meta(command: Sequence[str], exit_code: int | None) -> dict:
    """Date, library versions and device of this machine, for the report's header."""
    versions = {}
    for package in ("jax", "jaxlib", "flax", "optax", "torch", "numpy"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    device = f"{cpu_model()}, {os.cpu_count()} cores"
    try:
        import jax

        device = f"JAX {jax.default_backend()} ({jax.devices()[0].device_kind}); {device}"
    except Exception:  # noqa: BLE001 - a header line must not stop the report
        pass
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "versions": versions,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "device": device,
        "command": " ".join(command),
        "exit_code": exit_code,
    }
