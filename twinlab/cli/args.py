"""``jaxnn run``'s flags."""

from __future__ import annotations

import argparse

from twinlab.arguments import (
    batch_size,
    int_at_least,
    learning_rate,
    non_negative_int,
    path,
    positive_int,
    seed,
)


def add_run_arguments(run: argparse.ArgumentParser) -> None:
    """``jaxnn run``'s flags: the example, its framework and precision, and each setting."""
    run.add_argument("name", help="example name (see 'jaxnn list')")
    run.add_argument("--framework", choices=("jax", "torch", "both"), help="default: both")
    run.add_argument("--dtype", choices=("float32", "float64"), help="default: float32")
    run.add_argument(
        "--precision",
        choices=("float32", "bf16-mixed", "fp16-mixed"),
        help="mixed precision for training (torch.autocast + GradScaler and their JAX twin): "
        "float32 parameters, linear/conv layers in bfloat16 or float16 (fp16 with dynamic "
        "loss scaling), the loss in float32; default: float32",
    )
    run.add_argument("--epochs", type=non_negative_int, help="override the notebook's epoch count")
    run.add_argument("--batch-size", type=batch_size, help="override the notebook's batch size")
    run.add_argument("--lr", type=learning_rate, help="override the notebook's learning rate")
    run.add_argument("--seed", type=seed, help="override the notebook's RNG seed")
    run.add_argument(
        "--on-nonfinite",
        choices=("stop", "skip"),
        help="a step whose loss or gradient is NaN or infinite: stop there (default; exit "
        "code 3) or skip its update and keep training",
    )
    run.add_argument(
        "--out", type=path, help="directory for metrics.json and curves.png (created if missing)"
    )
    run.add_argument(
        "--data-dir",
        type=path,
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
        type=path,
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
