"""Whole JAX training states saved and restored with orbax, for resuming a run (JAX only).

Parameters, optimizer state, step counter and the module's other state (running
statistics, dropout RNG keys and counters) are written together under
``directory/<step>``. torch keeps that state in the model and the optimizer, so the
torch twin has no counterpart; its equivalent is ``torch.save`` of a dict of state dicts.
"""

from __future__ import annotations

import os
from pathlib import Path

import jax

from jaxnn.train.state import TrainState
from twincore.safetensors import CheckpointError


def _step_manager(directory: Path, *, create: bool):
    import orbax.checkpoint as ocp

    options = ocp.CheckpointManagerOptions(
        enable_async_checkpointing=False,  # saved and committed before save returns
        create=create,
        max_to_keep=None,
    )
    return ocp, ocp.CheckpointManager(directory, options=options)


def save_train_state(
    directory: str | os.PathLike, state: TrainState, *, step: int | None = None
) -> Path:
    """Saves a full training state with orbax under ``directory/<step>``; returns that path.

    Parameters, optimizer state, step counter and the module's other state
    (running statistics, dropout RNG keys and counters) are written together.
    orbax writes into a temporary directory and renames it when complete, and
    the save is synchronous: when this returns the checkpoint is on disk.

    Args:
      directory: the run's checkpoint directory (created if missing).
      state: a :class:`jaxnn.train.TrainState`.
      step: the checkpoint's number (default: ``state.step``). Saving a number
        that already exists raises.

    PyTorch twin: ``torch.save({"model": model.state_dict(), "optimizer":
    optimizer.state_dict(), "step": step}, path)``, not used by the seeds.
    """
    if not isinstance(state, TrainState):
        raise TypeError(f"save_train_state() takes a TrainState; got {type(state).__name__}")
    step = int(jax.device_get(state.step)) if step is None else int(step)
    directory = Path(directory).absolute()
    ocp, manager = _step_manager(directory, create=True)
    with manager:
        if step in manager.all_steps():
            raise FileExistsError(f"{directory}: a checkpoint for step {step} already exists")
        manager.save(step, args=ocp.args.StandardSave(state), force=True)
        manager.wait_until_finished()
    return directory / str(step)


def restore_train_state(
    directory: str | os.PathLike, like: TrainState, *, step: int | None = None
) -> TrainState:
    """Restores a training state saved by :func:`save_train_state`.

    Args:
      directory: the run's checkpoint directory.
      like: a state of the same structure, shapes and dtypes, e.g. from
        ``TrainState.create(fresh_model, tx)``; only its structure is used.
      step: which checkpoint (default: the latest).

    Returns:
      The saved :class:`jaxnn.train.TrainState`; use it with the graphdef that
      came with ``like``.

    Raises:
      FileNotFoundError: no such directory, no checkpoint in it, or no
        checkpoint for ``step``.
      CheckpointError: (a ValueError) a file inside the step's directory is
        missing, truncated or corrupted, or the checkpoint does not match
        ``like``; the message names the directory and the step. Nothing is
        returned in part.

    PyTorch twin: ``model.load_state_dict(ckpt["model"])`` and
    ``optimizer.load_state_dict(ckpt["optimizer"])``.
    """
    directory = Path(directory).absolute()
    if not directory.is_dir():
        raise FileNotFoundError(f"no checkpoint directory at {directory}")
    ocp, manager = _step_manager(directory, create=False)
    with manager:
        steps = manager.all_steps()
        if not steps:
            raise FileNotFoundError(f"{directory}: no checkpoints")
        step = manager.latest_step() if step is None else int(step)
        if step not in steps:
            raise FileNotFoundError(
                f"{directory}: no checkpoint for step {step}; saved steps: {sorted(steps)}"
            )
        abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, like)
        try:
            restored = manager.restore(step, args=ocp.args.StandardRestore(abstract))
        except Exception as error:  # orbax/tensorstore raise ValueError, JSONDecodeError, ...
            first = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
            raise CheckpointError(
                f"{directory}: cannot restore the checkpoint for step {step} from "
                f"{directory / str(step)}: a file in it is missing, truncated or corrupted, "
                "or it was saved from another model or optimizer than `like`. "
                f"orbax said: {type(error).__name__}: {first}"
            ) from error
    if not isinstance(restored, TrainState):
        raise CheckpointError(
            f"{directory}: the checkpoint for step {step} holds a {type(restored).__name__}, "
            "not a TrainState"
        )
    return restored


def checkpoint_steps(directory: str | os.PathLike) -> list[int]:
    """The steps saved by :func:`save_train_state` under ``directory``, oldest first.

    ``[]`` when there is no such directory. An interrupted save leaves no step: orbax
    commits a step by renaming its temporary directory.
    """
    directory = Path(directory).absolute()
    if not directory.is_dir():
        return []
    _, manager = _step_manager(directory, create=False)
    with manager:
        return sorted(int(s) for s in manager.all_steps())
