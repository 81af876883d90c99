"""Whole JAX training states saved and restored with orbax, for resuming a run (JAX only).

Parameters, optimizer state, step counter and the module's other state (running
statistics, dropout RNG keys and counters) are written together under
``directory/<step>``. torch keeps that state in the model and the optimizer, so the
torch twin has no counterpart; its equivalent is ``torch.save`` of a dict of state dicts.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

import jax
import numpy as np

from jaxnn.train.state import TrainState
from twincore.atomic import fsync_directory
from twincore.crashpoints import crash_point
from twincore.safetensors import CheckpointError

ITEM = "default"
"""The folder of a step that holds the state (the name orbax's CheckpointManager gives it, so
steps saved by earlier versions restore too)."""


def _checkpointer():
    import orbax.checkpoint as ocp

    # Synchronous: when save returns, every file of the state is written.
    return ocp, ocp.Checkpointer(ocp.StandardCheckpointHandler())


def save_train_state(
    directory: str | os.PathLike, state: TrainState, *, step: int | None = None
) -> Path:
    """Saves a full training state with orbax under ``directory/<step>``; returns that path.

    Parameters, optimizer state, step counter and the module's other state
    (running statistics, dropout RNG keys and counters) are written together,
    into a temporary directory (``.<step>.<random>.tmp``) that is renamed to
    ``<step>`` once complete: a crash at any moment leaves the step whole or
    absent, and a killed save's temporary directory is never read as a step. A
    step that exists already is replaced in one rename (the old one is set aside
    first and deleted after), so a step a crashed run left behind is saved again
    whole.

    Args:
      directory: the run's checkpoint directory (created if missing).
      state: a :class:`jaxnn.train.TrainState`.
      step: the checkpoint's number (default: ``state.step``).

    PyTorch twin: ``torch.save({"model": model.state_dict(), "optimizer":
    optimizer.state_dict(), "step": step}, path)``, not used by the seeds.
    """
    if not isinstance(state, TrainState):
        raise TypeError(f"save_train_state() takes a TrainState; got {type(state).__name__}")
    step = int(jax.device_get(state.step)) if step is None else int(step)
    if step < 0:
        raise ValueError(f"save_train_state(): step must be >= 0; got {step}")
    directory = Path(directory).absolute()
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / str(step)
    ocp, checkpointer = _checkpointer()
    fresh = Path(tempfile.mkdtemp(dir=directory, prefix=f".{step}.", suffix=".tmp"))
    old = None
    try:
        crash_point(f"checkpoint {step}: started")
        checkpointer.save(fresh / ITEM, args=ocp.args.StandardSave(state))
        crash_point(f"checkpoint {step}: state written")
        if final.exists():
            old = Path(tempfile.mkdtemp(dir=directory, prefix=f".{step}.", suffix=".tmp"))
            os.replace(final, old / "replaced")
            crash_point(f"checkpoint {step}: old state set aside")
        os.replace(fresh, final)
        crash_point(f"checkpoint {step}: committed")
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    fsync_directory(directory)
    return final


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
    steps = checkpoint_steps(directory)
    if not steps:
        raise FileNotFoundError(f"{directory}: no checkpoints")
    step = steps[-1] if step is None else int(step)
    if step not in steps:
        raise FileNotFoundError(f"{directory}: no checkpoint for step {step}; saved steps: {steps}")
    ocp, checkpointer = _checkpointer()
    path = directory / str(step) / ITEM
    try:
        with _quiet_absl():  # orbax logs a damaged step's metadata as a warning, then fails
            saved = getattr(checkpointer.metadata(path).item_metadata, "tree", None)
        if saved is None:
            raise ValueError(f"no readable array metadata in {path}")
    except Exception as error:  # orbax/tensorstore raise ValueError, JSONDecodeError, ...
        raise _damaged(directory, step, error) from error
    _check_like(directory, step, saved, like)
    abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, like)
    try:
        restored = checkpointer.restore(path, args=ocp.args.StandardRestore(abstract))
    except Exception as error:
        raise _damaged(directory, step, error) from error
    if not isinstance(restored, TrainState):
        raise CheckpointError(
            f"{directory}: the checkpoint for step {step} holds a {type(restored).__name__}, "
            "not a TrainState"
        )
    return restored


class StateMismatchError(CheckpointError):
    """A checkpoint whose arrays differ in dtype or shape from ``like``'s: saved by another
    model, optimizer or precision. A :class:`CheckpointError` (a ValueError)."""


@contextlib.contextmanager
def _quiet_absl():
    logger = logging.getLogger("absl")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _damaged(directory: Path, step: int, error: Exception) -> CheckpointError:
    first = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
    return CheckpointError(
        f"{directory}: cannot restore the checkpoint for step {step} from "
        f"{directory / str(step)}: a file in it is missing, truncated or corrupted, "
        "or it was saved from another model or optimizer than `like`. "
        f"orbax said: {type(error).__name__}: {first}"
    )


def _arrays(tree) -> collections.Counter:
    """How many floating-point arrays of each (dtype, shape) ``tree`` holds."""
    found = collections.Counter()
    for leaf in jax.tree.leaves(tree):
        dtype, shape = getattr(leaf, "dtype", None), getattr(leaf, "shape", None)
        if dtype is None or shape is None or jax.dtypes.issubdtype(dtype, jax.dtypes.prng_key):
            continue  # RNG keys: orbax stores their data, not the key type
        if jax.dtypes.issubdtype(dtype, np.floating):
            found[(np.dtype(dtype).name, tuple(shape))] += 1
    return found


def _check_like(directory: Path, step: int, saved, like: TrainState) -> None:
    """Refuses a checkpoint whose floating-point arrays differ from ``like``'s in dtype or
    shape: orbax would cast them silently (a float32 run resumed as float64)."""
    there, here = _arrays(saved), _arrays(like)
    if there == here:
        return

    def listing(counts):
        return ", ".join(f"{n} {d}{list(s)}" for (d, s), n in sorted(counts.items())[:4])

    raise StateMismatchError(
        f"{directory}: the checkpoint for step {step} does not match this model and "
        f"optimizer: it holds {listing(there - here)} where they have {listing(here - there)}"
    )


def checkpoint_steps(directory: str | os.PathLike) -> list[int]:
    """The steps saved by :func:`save_train_state` under ``directory``, oldest first.

    ``[]`` when there is no such directory. An interrupted save leaves no step: a step is
    committed by renaming its temporary directory.
    """
    directory = Path(directory).absolute()
    if not directory.is_dir():
        return []
    return sorted(
        int(p.name)
        for p in directory.iterdir()
        if p.name.isdigit() and p.name.isascii() and (p / ITEM).is_dir()
    )
