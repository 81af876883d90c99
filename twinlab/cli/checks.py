"""``jaxnn run``'s checks of its flags against the example, each before any work starts.

Each failure is a :class:`~twinlab.errors.CLIError`: one line naming what was
wrong and what would work.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

import numpy as np

from jaxnn_examples import EXAMPLES
from jaxnn_examples.example import Example, Settings
from twinlab.cli.args import add_run_arguments
from twinlab.engine.batches import batch_sizes
from twinlab.errors import CLIError

RUN_FILE = "run.json"  # what a checkpointed run was started with, for --resume
SETTINGS = (
    "epochs",
    "batch_size",
    "lr",
    "seed",
    "data_dir",
    "train_subset",
    "on_nonfinite",
    "precision",
)
"""The settings ``jaxnn run`` takes as flags (``--devices`` aside)."""


def torch_installed() -> bool:
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):  # a broken or deliberately blocked install
        return False


def out_dir(out: Path) -> Path:
    """``--out``: created if missing, and writable."""
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CLIError(f"--out {out}: cannot create directory ({err.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise CLIError(f"--out {out}: directory is not writable")
    return out


def data_dir(path: Path, example: Example) -> str:
    """``--data-dir`` as a string once both MNIST splits load from it."""
    if "mnist" not in example.tags:
        readers = ", ".join(n for n, ex in EXAMPLES.items() if "mnist" in ex.tags)
        raise CLIError(
            f"--data-dir: example {example.name!r} does not read MNIST (these do: {readers})"
        )
    if not path.is_dir():
        raise CLIError(f"--data-dir {path}: not a directory")
    if not os.access(path, os.R_OK | os.X_OK):
        raise CLIError(f"--data-dir {path}: directory is not readable")
    from twincore.data.idx import IDXError, load_mnist

    for train in (True, False):
        try:
            load_mnist(path, train=train)
        except (FileNotFoundError, IDXError) as err:
            raise CLIError(f"--data-dir {path}: {err}") from None
    return str(path)


def resume_settings(args: argparse.Namespace, example: Example) -> tuple[str, dict]:
    """``(dtype, settings fields)`` of the checkpointed run in ``args.resume``."""
    given = [f"--{k.replace('_', '-')}" for k in (*SETTINGS, "out", "checkpoint_every", "dtype")]
    given = [flag for flag in given if getattr(args, flag[2:].replace("-", "_")) is not None]
    if given:
        raise CLIError(
            "--resume continues a run with the settings it was started with; "
            f"drop {', '.join(given)}"
        )
    if args.framework not in (None, "jax"):
        raise CLIError("--resume continues a --framework jax run; drop --framework")
    run_file = args.resume / RUN_FILE
    try:
        saved = json.loads(run_file.read_text())
        name, dtype, fields = saved["example"], saved["dtype"], dict(saved["config"])
    except FileNotFoundError:
        raise CLIError(
            f"--resume {args.resume}: no {RUN_FILE}; start the run with "
            "--checkpoint-every K --out DIR first"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CLIError(f"--resume {args.resume}: unreadable {RUN_FILE} ({err})") from None
    if name != example.name:
        raise CLIError(f"--resume {args.resume}: that run is of {name!r}, not {example.name!r}")
    fields.pop("dtype", None)
    _check_saved_settings(args.resume, name, dtype, fields)
    fields["checkpoint_dir"] = str(args.resume.absolute())
    if not any((args.resume / "progress").glob("*.json")):  # each saved step has one
        print(
            f"jaxnn: warning: {args.resume} holds no checkpoint (the run stopped before its "
            "first one was complete): training restarts from step 0",
            file=sys.stderr,
            flush=True,
        )
    return dtype, fields


class _SavedSettings(argparse.ArgumentParser):
    def error(self, message: str):
        raise CLIError(message)


def _check_saved_settings(directory: Path, name: str, dtype: object, fields: dict) -> None:
    """A ``run.json`` edited by hand gets the checks its flags got: each setting is parsed
    again by the flag it came from, and a setting jaxnn does not have is refused."""
    flags = (*SETTINGS, "checkpoint_every", "devices")
    unknown = sorted(set(fields) - set(flags) - {"checkpoint_dir"})
    argv = [name, "--dtype", str(dtype)]
    for key in flags:
        if fields.get(key) is not None:
            argv += [f"--{key.replace('_', '-')}", str(fields[key])]
    parser = _SavedSettings(prog="run.json", add_help=False)
    add_run_arguments(parser)
    try:
        if unknown:
            raise CLIError(f"settings jaxnn does not have: {', '.join(unknown)}")
        parser.parse_args(argv)
    except CLIError as err:
        raise CLIError(f"--resume {directory}: {RUN_FILE} was edited: {err}") from None


def checkpointing(example: Example, framework: str, out: Path | None) -> None:
    """``--checkpoint-every``: a resumable example, the JAX side alone, a fresh ``--out``."""
    if out is None:
        raise CLIError("--checkpoint-every needs --out DIR, where the checkpoints go")
    if framework != "jax":
        raise CLIError("--checkpoint-every checkpoints the JAX side; add --framework jax")
    if not example.resumable:
        able = ", ".join(n for n, ex in EXAMPLES.items() if ex.resumable)
        labels = example.variant_labels
        how = (
            f"trains {len(labels)} models one after another ({', '.join(labels)})"
            if labels
            else "trains with its own loop"
        )
        raise CLIError(
            f"--checkpoint-every: example {example.name!r} {how} and cannot resume "
            f"(these can: {able})"
        )
    if (out / RUN_FILE).exists() or (out / "checkpoints").exists():
        raise CLIError(
            f"--out {out} holds a checkpointed run already; continue it with --resume {out} "
            "or choose another --out"
        )


def precision_fits(example: Example, settings: Settings, seeds: int | None) -> None:
    """``--precision``: float32 parameters (so not with ``--dtype float64``), a training
    example, one run (not ``--seeds``)."""
    policy = settings.precision
    if policy is None:
        return
    if settings.dtype != "float32":
        raise CLIError(
            f"--precision {policy} keeps the parameters in float32; drop --dtype {settings.dtype}"
        )
    if policy == "float32":
        return
    if example.recipe is None:
        trained = ", ".join(n for n, ex in EXAMPLES.items() if ex.recipe is not None)
        raise CLIError(
            f"--precision {policy}: example {example.name!r} trains nothing (these train: "
            f"{trained})"
        )
    if seeds is not None:
        raise CLIError(
            f"--precision {policy} cannot be combined with --seeds (the vmapped multi-seed "
            "step has no mixed precision); drop one of them"
        )


def precision_model_fits(example: Example, settings: Settings, framework: str) -> None:
    """``--precision``: every parameter of the example's model sits in a layer both twins
    cast alike (checked on the JAX model, or the torch one for a torch-only run). After the
    numerics are set: it builds the model."""
    if settings.policy == "float32":
        return
    from jaxnn_examples.specs import build_jax, build_torch

    try:
        if framework == "torch":
            import torch_ref

            torch_ref.train.precision.check_castable(
                build_torch(example.recipe.model), settings.policy
            )
        else:
            from flax import nnx

            import jaxnn

            model = build_jax(example.recipe.model, dtype=np.float32, rngs=nnx.Rngs(0))
            jaxnn.train.precision.check_castable(model, settings.policy)
    except ValueError as err:  # "precision 'P': <why>; use precision 'float32'"
        why = str(err).split(": ", 1)[-1].rsplit("; use", 1)[0]
        raise CLIError(
            f"--precision {settings.policy}: example {example.name!r}: {why}; "
            "use --precision float32"
        ) from None


def lr_fits(settings: Settings) -> None:
    """``--lr`` within the range of the run's dtype (torch cannot even multiply a float32
    parameter by 1e308)."""
    largest = float(np.finfo(settings.dtype).max)
    if settings.lr > largest:
        raise CLIError(
            f"--lr {settings.lr:g} is larger than {settings.dtype}'s largest number "
            f"({largest:.3g}); use a smaller rate or --dtype float64"
        )


def data_fits(example: Example, settings: Settings) -> None:
    """A training example's data loads with these settings (``--train-subset`` no larger than
    the data) and makes at least one step per epoch (a ``--batch-size`` larger than the data
    with the last partial batch dropped would train nothing and exit 0)."""
    recipe = example.recipe
    if recipe is None:
        return
    try:
        n = len(recipe.load_data(settings).x_train)
    except ValueError as err:
        raise CLIError(f"--train-subset {settings.train_subset}: {err}") from None
    if settings.epochs and not batch_sizes(recipe, settings, n):
        raise CLIError(
            f"--batch-size {settings.batch_size}: the {n} training samples make no full batch "
            "and this example drops the last partial one, so nothing would train; use a "
            f"batch size of at most {n}"
        )


def _able(what: str) -> str:
    """The examples that can take ``--seeds`` (``"seeds"``) or ``--devices``, listed."""
    return ", ".join(
        name
        for name, ex in EXAMPLES.items()
        if ex.recipe is not None and (what != "seeds" or not ex.recipe.variants)
    )


def seeds_and_devices(args: argparse.Namespace, example: Example) -> None:
    """``--seeds`` and ``--devices`` only where the engine can honour them."""
    recipe = example.recipe
    if args.seeds is not None:
        if args.checkpoint_every is not None or args.resume is not None:
            raise CLIError(
                "--seeds trains K fresh runs together and cannot checkpoint or resume; "
                "drop --checkpoint-every/--resume"
            )
        if recipe is None:
            raise CLIError(
                f"--seeds: example {example.name!r} does not train with jaxnn.train.fit "
                f"(these train one model with it: {_able('seeds')})"
            )
        if recipe.variants:
            raise CLIError(
                f"--seeds: example {example.name!r} trains {len(recipe.variants)} models one "
                f"after another (these train one model with jaxnn.train.fit: {_able('seeds')})"
            )
    if args.devices is not None:
        if args.checkpoint_every is not None or args.resume is not None:
            raise CLIError(
                "--devices cannot be combined with --checkpoint-every/--resume "
                "(checkpoints hold one device's state)"
            )
        if recipe is None:
            raise CLIError(
                f"--devices: example {example.name!r} does not train with jaxnn.train.fit, "
                f"so its batches cannot be split (these can: {_able('devices')})"
            )
