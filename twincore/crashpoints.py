"""Named crash points: the places where a write of a checkpointed run can be cut short.

Every write of a checkpointed run passes one: each phase of :func:`twincore.atomic.atomic_write`
(``"run.json: created"``, ``"run.json: synced"``, ``"run.json: replaced"``) and each step of
saving a train state (``"checkpoint 4: state written"``, ...). Nothing happens at a point
unless a test armed it: :func:`die_at` makes the process die at the n-th point it passes, the
way a crash would (no cleanup, no ``finally``), or sends it SIGTERM there; :func:`record` keeps
the names of the points passed, in order, for :func:`passed`. The crash test (in the parity
suite's ``cli`` folder) dies at every point of a run in turn and resumes it.
"""

from __future__ import annotations

import os
import signal

HOW = ("exit", "kill", "term")
"""How :func:`die_at` ends the process: ``os._exit`` (nothing flushed or cleaned up), SIGKILL
(as ``kill -9``), or SIGTERM (as a scheduler or ``kill`` would; the handlers run)."""
CRASH_EXIT = 87
"""The exit code of a process that :func:`die_at` ended with ``"exit"``."""

_passed: list[str] | None = None
_target: tuple[int, str] | None = None


def crash_point(name: str) -> None:
    """Marks a point where a crash must lose nothing; a no-op unless a test armed one."""
    if _passed is None:
        return
    _passed.append(name)
    if _target is not None and len(_passed) == _target[0]:
        how = _target[1]
        if how == "exit":
            os._exit(CRASH_EXIT)
        os.kill(os.getpid(), signal.SIGKILL if how == "kill" else signal.SIGTERM)


def record() -> None:
    """Starts keeping the names of the crash points passed (see :func:`passed`)."""
    global _passed
    _passed = []


def die_at(n: int, how: str = "kill") -> None:
    """Arms the ``n``-th crash point (1-based) from now: the process dies there, ``how``."""
    global _target
    if how not in HOW or n < 1:
        raise ValueError(f"die_at: n >= 1 and how in {HOW}; got {n}, {how!r}")
    record()
    _target = (n, how)


def passed() -> list[str]:
    """The names of the crash points passed since :func:`record` or :func:`die_at`."""
    return list(_passed or [])
