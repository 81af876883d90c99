"""Runs mutants one at a time in a temporary copy of the repository.

The checkout itself is never written. The copy holds the folders the tests import; each
mutant is planted in the copy, its tests run in a fresh interpreter whose working directory
and ``PYTHONPATH`` are the copy (so the copy's packages come before the checkout's editable
install; :func:`check_imports` verifies it), and the file is restored before the next one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .mutant import Mutant

COPIED = (
    "twincore",
    "jaxnn",
    "torch_ref",
    "twinlab",
    "examples",
    "parity_tests",
    "scripts",
    "pyproject.toml",
    "constraints.txt",
)
"""What the copy holds: every importable package and the pytest configuration."""

IMPORTED = ("jaxnn", "parity_tests")
"""Packages whose import must resolve inside the copy."""

_FIRST_FAILURE = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


@dataclass(frozen=True)
class Outcome:
    """What one mutant's run gave."""

    mutant: Mutant
    verdict: str
    """``caught``, ``MISSED``, or ``ERROR`` where the mutant's tests selected nothing."""
    detail: str
    seconds: float

    def line(self) -> str:
        return f"{self.verdict:6}  {self.mutant.name:32}  {self.seconds:6.1f} s  {self.detail}"


def make_copy(root: Path, items: Iterable[str] = COPIED) -> Path:
    """A temporary copy of ``items`` under ``root``, without caches and build outputs."""
    copy = Path(tempfile.mkdtemp(prefix="jaxnn-mutants-"))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.egg-info")
    for item in items:
        source = root / item
        if source.is_dir():
            shutil.copytree(source, copy / item, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, copy / item)
    return copy


def child_env(copy: Path, xla_cache: Path | None = None) -> dict[str, str]:
    """The environment of a run in ``copy``: its packages first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(copy), *filter(None, [env.get("PYTHONPATH")])])
    # Bytecode is cached in the copy (each run would otherwise recompile every module);
    # run_mutant drops the mutated module's own cache, see _write_source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if xla_cache is not None:
        # Programs the mutant does not touch are compiled once for the whole run.
        env["JAX_COMPILATION_CACHE_DIR"] = str(xla_cache)
        env["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
        env["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] = "0"
    return env


def check_imports(copy: Path, env: dict[str, str], packages: Sequence[str] = IMPORTED) -> None:
    """Raises RuntimeError unless each of ``packages`` imports from ``copy``."""
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n"
    code += "    print(importlib.import_module(name).__file__)\n"
    run = subprocess.run(
        [sys.executable, "-c", code, *packages],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if run.returncode != 0:
        raise RuntimeError(f"importing {packages} in the copy failed:\n{run.stderr[-2000:]}")
    files = run.stdout.split()
    outside = [f for f in files if not Path(f).resolve().is_relative_to(copy.resolve())]
    if outside or len(files) != len(packages):
        raise RuntimeError(f"the copy's packages are not the ones imported: {files}")


def run_pytest(
    copy: Path, env: dict[str, str], args: Sequence[str], timeout: float
) -> tuple[int | None, str]:
    """``(exit status, output)`` of pytest on ``args`` in ``copy``; status None on timeout."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-x", "-rfE"]
    try:
        run = subprocess.run(
            [*command, *args],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, ""
    return run.returncode, run.stdout + run.stderr


def judge(mutant: Mutant, status: int | None, output: str, seconds: float) -> Outcome:
    """The outcome of a mutant's run, from pytest's exit status and output."""
    if status == 0:
        return Outcome(mutant, "MISSED", "every test passed", seconds)
    if status is None:
        return Outcome(mutant, "caught", "by the timeout (a hang counts as caught)", seconds)
    if status in (4, 5):  # usage error, no tests collected: a path or -k that rotted
        last = output.strip().splitlines()[-1:] or [""]
        return Outcome(
            mutant, "ERROR", f"pytest selected no test (status {status}): {last[0]}", seconds
        )
    first = _FIRST_FAILURE.search(output)
    return Outcome(
        mutant, "caught", f"by {first.group(1) if first else f'pytest status {status}'}", seconds
    )


def run_mutant(mutant: Mutant, copy: Path, env: dict[str, str], timeout: float) -> Outcome:
    """Plants ``mutant`` in ``copy``, runs its tests and restores the file."""
    path = copy / mutant.file
    original, mutated = mutant.mutated(copy)
    _write_source(path, mutated)
    try:
        start = time.monotonic()
        status, output = run_pytest(copy, env, mutant.pytest_args(), timeout)
        return judge(mutant, status, output, time.monotonic() - start)
    finally:
        _write_source(path, original)


def _write_source(path: Path, text: str) -> None:
    """Writes a module's source and drops its cached bytecode.

    The cache is checked against the source's size and modification second, which a
    mutant and its restored original can share.
    """
    path.write_text(text)
    for cached in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
        cached.unlink()


def baseline_args(mutants: Sequence[Mutant]) -> list[str]:
    """One pytest run of every test the mutants select: they must pass before any mutant runs.

    Each mutant's ``-k`` applies to its own files only: a module's file name is one of its
    tests' keywords, so ``(test_a.py) and (x) or (test_b.py) and (y)`` selects the union.
    """
    files = list(dict.fromkeys(t.split("::")[0] for m in mutants for t in m.tests))
    terms = []
    for m in mutants:
        names = " or ".join(dict.fromkeys(Path(t.split("::")[0]).name for t in m.tests))
        terms.append(f"(({names}) and ({m.select}))" if m.select else f"({names})")
    return [*files, "-k", " or ".join(dict.fromkeys(terms))]


def select(mutants: Sequence[Mutant], words: Sequence[str] | None) -> list[Mutant]:
    if not words:
        return list(mutants)
    return [m for m in mutants if any(w in m.name for w in words)]


def run(
    mutants: Sequence[Mutant],
    root: Path,
    *,
    items: Sequence[str] = COPIED,
    packages: Sequence[str] = IMPORTED,
    timeout: float = 600.0,
    baseline: bool = True,
    xla_cache: Path | None = None,
    out=sys.stdout,
) -> int:
    """Runs ``mutants`` against a copy of ``root``; prints one line each; the exit status."""
    for m in mutants:  # fail before any run if the list has rotted
        m.mutated(root)
    copy = make_copy(root, items)
    try:
        env = child_env(copy, xla_cache)
        check_imports(copy, env, packages)
        print(f"copy of {root} in {copy}; {', '.join(packages)} imported from it", file=out)
        if baseline:
            start = time.monotonic()
            status, output = run_pytest(copy, env, baseline_args(mutants), None)
            if status != 0:
                print(output[-3000:], file=out)
                print(f"the unmutated tests fail (status {status}); nothing to judge", file=out)
                return 2
            print(
                f"baseline: the listed tests pass unmutated ({time.monotonic() - start:.1f} s)",
                file=out,
            )
        outcomes = []
        for i, mutant in enumerate(mutants, 1):
            outcome = run_mutant(mutant, copy, env, timeout)
            outcomes.append(outcome)
            print(f"[{i}/{len(mutants)}] {outcome.line()}", file=out, flush=True)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    missed = [o.mutant.name for o in outcomes if o.verdict == "MISSED"]
    errors = [o.mutant.name for o in outcomes if o.verdict == "ERROR"]
    caught = len(outcomes) - len(missed) - len(errors)
    summary = f"{len(outcomes)} mutants: {caught} caught, {len(missed)} missed"
    summary += f" ({', '.join(missed)})" if missed else ""
    summary += f", {len(errors)} selected no test ({', '.join(errors)})" if errors else ""
    total = sum(o.seconds for o in outcomes)
    print(f"{summary}; {total:.0f} s", file=out)
    return 2 if errors else 1 if missed else 0
