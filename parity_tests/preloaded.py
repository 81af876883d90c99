"""Child processes that start with torch, JAX and the project already imported.

The tests that need a process of their own (a run killed at a crash point, a lesson run
as a script, a command's exit code) would each spend seconds importing torch, JAX, flax,
orbax and matplotlib before doing anything. Here a fork server imports them once per test
worker, and every child is a fork of it: a fresh process (its own JAX backend, its own
signal handlers, its own exit code, killable) that starts where an import would have
ended. The fork server imports modules only, so it runs no thread a fork could copy in the
middle of its work, and no JAX backend exists yet when a child starts.

:func:`run` has ``subprocess.run``'s shape: ``run(["-c", code, *args])`` or
``run(["-m", module, *args])`` in place of ``[sys.executable, "-c", code, *args]``, with
the output captured as text, and the return code negative for a signal as ``subprocess``
gives it.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

PRELOAD = [
    "numpy",
    "torch",
    "jax",
    "jax.numpy",
    "flax.nnx",
    "optax",
    "orbax.checkpoint",
    "matplotlib.pyplot",
    "safetensors",
    "twinlab.cli",
    "jaxnn",
    "jaxnn.nn",
    "jaxnn.train",
    "jaxnn.checkpoint",
    "torch_ref",
    "torch_ref.train",
    "jaxnn_examples",
]
"""What every child starts with: the slow imports of a command run or a lesson."""

_context = None


def _forkserver():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _child(argv: list[str], cwd: str | None, stdout: str, stderr: str) -> None:
    # Runs in the forked child: the output goes to files (buffered as a pipe's would be, so
    # a killed child loses what a killed subprocess loses), then the code runs as __main__.
    for fd, path in ((1, stdout), (2, stderr)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    if cwd is not None:
        os.chdir(cwd)
    how, what, *args = argv
    sys.path.insert(0, "")  # as `python -c` and `python -m` do
    try:
        if how == "-c":
            sys.argv = ["-c", *args]
            code = compile(what, "<string>", "exec")
            exec(code, {"__name__": "__main__", "__builtins__": __builtins__})
        else:
            sys.argv = [what, *args]
            runpy.run_module(what, run_name="__main__", alter_sys=True)
    finally:
        # A forked child leaves by os._exit, which skips these; an interpreter runs them.
        atexit._run_exitfuncs()


def run(
    argv: list[str], *, cwd: str | Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Runs ``python *argv`` (``-c CODE …`` or ``-m MODULE …``) in a preloaded child and
    returns its exit code (negative for a signal) and its output, as text."""
    if len(argv) < 2 or argv[0] not in ("-c", "-m"):
        raise ValueError(f"argv must be ['-c', CODE, ...] or ['-m', MODULE, ...], got {argv!r}")
    with tempfile.TemporaryDirectory(prefix="preloaded-") as tmp:
        out, err = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
        process = _forkserver().Process(
            target=_child, args=(list(argv), None if cwd is None else str(cwd), out, err)
        )
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired([sys.executable, *argv], timeout)
        return subprocess.CompletedProcess(
            [sys.executable, *argv],
            process.exitcode,
            Path(out).read_text(errors="replace"),
            Path(err).read_text(errors="replace"),
        )
