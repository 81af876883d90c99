"""Timed repeats taken round robin, and the number of steps that makes a repeat last a while."""

from __future__ import annotations

import time
from collections.abc import Callable

MIN_STEPS, MAX_STEPS = 4, 2000
PROBE_STEPS = 3  # steps of the probe run that sizes a repeat


def repeat_seconds(runs: dict[str, Callable[[], None]], repeats: int) -> dict[str, list[float]]:
    """The seconds of each of ``repeats`` timed calls of every ``run`` (each must block until
    its work is done), after one untimed warm-up call of each. The repeats go round robin
    (a, b, c, a, b, c, ...) so that a noisy neighbour slows every variant alike."""
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def steps_for(seconds_per_step: float, seconds: float) -> int:
    """Steps that take about ``seconds``, kept within ``MIN_STEPS`` and ``MAX_STEPS``."""
    return int(min(MAX_STEPS, max(MIN_STEPS, round(seconds / seconds_per_step))))


def probe_seconds_per_step(run: Callable[[], None], steps: int = PROBE_STEPS) -> float:
    """Seconds per step of ``run`` (which takes ``steps`` steps), timed once after a warm-up."""
    run()  # warm-up: torch's first steps allocate, JAX's compile
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) / steps
