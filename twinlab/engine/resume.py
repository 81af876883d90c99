"""Checkpoints of the JAX side's ``fit``, and resuming from the latest one.

Layout under ``settings.checkpoint_dir``: ``checkpoints/`` (the orbax train states,
one per saved step) and ``progress/<step>.json`` (the loss history up to that step).
The state is written first, so a progress file names a step whose state is on disk;
a run resumes from the latest step that has both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jaxnn_examples.example import Settings
from twincore.atomic import atomic_write


def checkpointing(settings: Settings, model, tx) -> dict[str, Any]:
    """``fit``'s checkpoint arguments for ``settings``: save the train state every
    ``checkpoint_every`` steps, and resume from the latest complete checkpoint."""
    if not settings.checkpoint_dir:
        return {}
    import jaxnn

    root = Path(settings.checkpoint_dir)
    states, progress = root / "checkpoints", root / "progress"
    progress.mkdir(parents=True, exist_ok=True)

    def save(checkpoint) -> None:
        jaxnn.checkpoint.save_train_state(states, checkpoint.state, step=checkpoint.step)
        record = {
            "step": checkpoint.step,
            "losses": checkpoint.losses,
            "skipped": checkpoint.skipped,
        }
        atomic_write(progress / f"{checkpoint.step}.json", json.dumps(record))

    resume = None
    done = {int(p.stem) for p in progress.glob("*.json") if p.stem.isdigit()}
    steps = sorted(done & set(jaxnn.checkpoint.checkpoint_steps(states)))
    if steps:
        record = json.loads((progress / f"{steps[-1]}.json").read_text())
        like = jaxnn.train.TrainState.create(model, tx)[1]
        state = jaxnn.checkpoint.restore_train_state(states, like, step=steps[-1])
        resume = jaxnn.train.Checkpoint(steps[-1], state, record["losses"], record["skipped"])
    return {
        "checkpoint_every": settings.checkpoint_every or 0,
        "on_checkpoint": save if settings.checkpoint_every else None,
        "resume": resume,
    }
