"""Checkpoints of the JAX side's ``fit``, and resuming from the newest intact one.

Layout under ``settings.checkpoint_dir``: ``checkpoints/`` (the train states, one per saved
step, see :func:`jaxnn.checkpoint.save_train_state`) and ``progress/<step>.json`` (the loss
history up to that step and the settings the run was started with). The state is written
first, so a progress file names a step whose state is on disk: the progress file commits the
step. A crash at any moment leaves every committed step whole; a step saved but not yet
committed is saved again, whole, when the resumed run reaches it.

Resuming takes the newest committed step whose files are intact; a damaged one (a file cut
short, deleted or corrupted) is passed over with a one-line warning, and a run left with no
intact step restarts from step 0 and says so. A step saved with other settings than the ones
``run.json`` holds is refused, naming what differs.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from jaxnn_examples.example import Settings
from twincore.atomic import atomic_write, remove_leftovers
from twinlab.errors import CLIError


def checkpointing(settings: Settings, model, tx, precision: str = "float32") -> dict[str, Any]:
    """``fit``'s checkpoint arguments for ``settings``: save the train state every
    ``checkpoint_every`` steps, and resume from the newest intact checkpoint."""
    if not settings.checkpoint_dir:
        return {}
    import jaxnn

    root = Path(settings.checkpoint_dir)
    states, progress = root / "checkpoints", root / "progress"
    progress.mkdir(parents=True, exist_ok=True)
    for directory in (root, states, progress):  # what writes killed by a crash left
        remove_leftovers(directory)
    run = run_settings(settings)

    def save(checkpoint) -> None:
        jaxnn.checkpoint.save_train_state(states, checkpoint.state, step=checkpoint.step)
        record = {
            "step": checkpoint.step,
            "losses": checkpoint.losses,
            "skipped": checkpoint.skipped,
            "settings": run,
        }
        atomic_write(progress / f"{checkpoint.step}.json", json.dumps(record))

    return {
        "checkpoint_every": settings.checkpoint_every or 0,
        "on_checkpoint": save if settings.checkpoint_every else None,
        "resume": _newest_intact(root, model, tx, precision),
    }


def run_settings(settings: Settings) -> dict[str, Any]:
    """What a checkpoint must have been trained with to resume under ``settings``: all of
    them but where the run's directory is (it may have been moved)."""
    run = dataclasses.asdict(settings)
    run.pop("checkpoint_dir")
    return run


def _committed_steps(root: Path) -> tuple[list[int], list[int]]:
    """``(steps with a progress record, steps with a saved state)`` under the run's ``root``."""
    import jaxnn

    progress = root / "progress"
    recorded = [int(p.stem) for p in progress.glob("*.json") if p.stem.isdigit()]
    return sorted(recorded), jaxnn.checkpoint.checkpoint_steps(root / "checkpoints")


def _newest_intact(root: Path, model, tx, precision: str):
    import jaxnn
    from jaxnn.checkpoint.train_state import StateMismatchError

    recorded, saved = _committed_steps(root)
    steps = sorted(set(recorded) & set(saved), reverse=True)
    if not steps:
        if recorded:  # (a run with no record at all is one `--resume` already warned of)
            _warn(
                f"{root}: the checkpoints of steps {recorded} are gone: training restarts "
                "from step 0"
            )
        return None
    like = jaxnn.train.TrainState.create(model, tx, precision)[1]
    for i, step in enumerate(steps):
        if i + 1 < len(steps):
            fallback = f"resuming from step {steps[i + 1]}"
        else:
            fallback = "no intact checkpoint is left: training restarts from step 0"
        try:
            record = _progress(root, step)
            state = jaxnn.checkpoint.restore_train_state(root / "checkpoints", like, step=step)
        except StateMismatchError as error:
            raise CLIError(f"--resume {root}: {error}") from None
        except (jaxnn.checkpoint.CheckpointError, _Damaged) as error:
            if isinstance(error, _Damaged):
                why = str(error)
            else:  # orbax's own words, not the restore's long explanation
                cause = error.__cause__ if isinstance(error.__cause__, Exception) else error
                why = f"{type(cause).__name__}: {_first_line(cause)}"
            _warn(f"{root}: the checkpoint for step {step} is damaged ({why}); {fallback}")
            continue
        return jaxnn.train.Checkpoint(step, state, record["losses"], record["skipped"])
    return None


class _Damaged(ValueError):
    """A progress record that cannot be read."""


def check_settings(settings: Settings) -> None:
    """Refuses to resume under ``settings`` (from ``run.json``) a run whose newest readable
    progress record was trained with other settings, naming each one that differs."""
    root = Path(settings.checkpoint_dir)
    run = run_settings(settings)
    recorded = sorted(int(p.stem) for p in (root / "progress").glob("*.json") if p.stem.isdigit())
    for step in reversed(recorded):
        try:
            trained = _progress(root, step).get("settings")
        except _Damaged:  # the resume passes it over, and says so
            continue
        if trained is None or trained == run:  # (records of earlier versions hold none)
            return
        differ = sorted(k for k in run.keys() | trained.keys() if run.get(k) != trained.get(k))
        what = "; ".join(
            f"{k} is {run.get(k)!r} in run.json, {trained.get(k)!r} in the checkpoint"
            for k in differ
        )
        raise CLIError(
            f"--resume {root}: run.json does not match the checkpoint for step {step}: {what}. "
            "Put back the run.json the run was started with"
        )


def _progress(root: Path, step: int) -> dict[str, Any]:
    path = root / "progress" / f"{step}.json"
    try:
        record = json.loads(path.read_text())
        if not isinstance(record, dict) or not isinstance(record.get("settings", {}), dict):
            raise ValueError("not a progress record")
        losses, skipped = record["losses"], record["skipped"]
        if len(losses) != step or not all(isinstance(v, int | float) for v in losses):
            raise ValueError(f"{len(losses)} losses for step {step}")
        if not all(isinstance(s, int) for s in skipped):
            raise ValueError("its skipped steps are not integers")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise _Damaged(f"progress/{path.name} is unreadable: {_first_line(error)}") from None
    return record


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else "no message")[:160]


def _warn(message: str) -> None:
    print(f"jaxnn: warning: {message}", file=sys.stderr, flush=True)
