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
gives it; :class:`Child` is the ``Popen`` of a child to signal while it runs. A test that
checks what a command imports needs a fresh interpreter instead.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import runpy
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

PRELOAD = [
    "numpy",
    "torch",
    # torch.optim's first optimizer imports it (3.6 s CPU here, as much as torch itself): every
    # child that trains the torch twin would pay that again.
    "torch._dynamo",
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
    # Signals as a new interpreter has them: the fork server hands its children the SIGINT
    # disposition it started with, and started from a worker that ignored SIGINT at that
    # moment (SIG_IGN survives exec), every child would ignore Ctrl-C.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
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


def _check(argv: list[str]) -> list[str]:
    if len(argv) < 2 or argv[0] not in ("-c", "-m"):
        raise ValueError(f"argv must be ['-c', CODE, ...] or ['-m', MODULE, ...], got {argv!r}")
    return list(argv)


class Child:
    """A started child, with the parts of ``subprocess.Popen`` the tests use: ``pid``,
    ``returncode``, ``send_signal``, ``kill``, ``wait`` and ``communicate``."""

    def __init__(self, argv: list[str], *, cwd: str | Path | None = None):
        self.args = [sys.executable, *_check(argv)]
        self._files = tempfile.TemporaryDirectory(prefix="preloaded-")
        self._out = os.path.join(self._files.name, "stdout")
        self._err = os.path.join(self._files.name, "stderr")
        where = None if cwd is None else str(cwd)
        self._process = _forkserver().Process(
            target=_child, args=(list(argv), where, self._out, self._err)
        )
        self._process.start()
        self._output: tuple[str, str] | None = None

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:  # as Popen: never signal a pid that may be reused
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(self.args, timeout)
        return self.returncode

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Waits for the child; returns its output (text) and removes the files it was in."""
        self.wait(timeout)
        if self._output is None:
            try:
                out = Path(self._out).read_text(errors="replace")
                self._output = out, Path(self._err).read_text(errors="replace")
            finally:
                self._files.cleanup()
        return self._output


def run(
    argv: list[str], *, cwd: str | Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Runs ``python *argv`` (``-c CODE …`` or ``-m MODULE …``) in a preloaded child and
    returns its exit code (negative for a signal) and its output, as text."""
    child = Child(argv, cwd=cwd)
    try:
        out, err = child.communicate(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)
