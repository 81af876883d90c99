"""The command's argument types and ``jaxnn run``'s flags."""

from __future__ import annotations

import argparse
import math
from pathlib import Path


def int_at_least(minimum: int, what: str):
    """An argparse type: an integer >= ``minimum``, described as ``what`` in errors."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return value

    return parse


positive_int = int_at_least(1, "a positive integer")
non_negative_int = int_at_least(0, "a non-negative integer")


def learning_rate(text: str) -> float:
    """An argparse type: a finite, non-negative number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite, non-negative number, got {text}")
    return value


def add_run_arguments(run: argparse.ArgumentParser) -> None:
    """``jaxnn run``'s flags: the example, its framework and precision, and each setting."""
    run.add_argument("name", help="example name (see 'jaxnn list')")
    run.add_argument("--framework", choices=("jax", "torch", "both"), help="default: both")
    run.add_argument("--dtype", choices=("float32", "float64"), help="default: float32")
    run.add_argument("--epochs", type=non_negative_int, help="override the notebook's epoch count")
    run.add_argument("--batch-size", type=positive_int, help="override the notebook's batch size")
    run.add_argument("--lr", type=learning_rate, help="override the notebook's learning rate")
    run.add_argument("--seed", type=non_negative_int, help="override the notebook's RNG seed")
    run.add_argument(
        "--out", type=Path, help="directory for metrics.json and curves.png (created if missing)"
    )
    run.add_argument(
        "--data-dir",
        type=Path,
        help="MNIST's IDX files (in DIR or DIR/MNIST/raw, raw or .gz) for the MNIST examples, "
        "instead of the bundled 28x28 digits; nothing is downloaded",
    )
    run.add_argument(
        "--train-subset",
        type=positive_int,
        help="train on the first N training samples only",
    )
    run.add_argument(
        "--checkpoint-every",
        type=positive_int,
        metavar="K",
        help="save the JAX train state every K steps under OUT (with --out, --framework jax)",
    )
    run.add_argument(
        "--resume",
        type=Path,
        metavar="DIR",
        help="continue the checkpointed run in DIR with its own settings; writes its outputs there",
    )
    run.add_argument(
        "--seeds",
        type=int_at_least(1, "a number of seeds >= 1"),
        metavar="K",
        help="train K initialisations (RNG seeds SEED..SEED+K-1) together, JAX in one vmapped "
        "program, torch one after another; examples trained with jaxnn.train.fit",
    )
    run.add_argument(
        "--devices",
        type=int_at_least(1, "a device count >= 1"),
        metavar="N",
        help="split each JAX batch over N devices, parameters replicated (on CPU: N host "
        "devices, made before JAX starts)",
    )
