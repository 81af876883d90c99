"""The real-size section of ``jaxnn bench``: whole ``jaxnn run`` jobs on MNIST-sized IDX files,
torch and JAX each in a process of its own, timed from outside (start-up, data loading and
evaluation included), as a user who types the command waits for it."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

# The examples the section runs by default and their epochs: E14 as the notebook trains it
# (5 epochs), the seeds' CNN for one epoch (its notebook has no training; two would double
# a section that is already the longest part of a run).
REAL_SIZE_RUNS = (("mnist_two_hidden", 5), ("cnn_template", 1))
MNIST_TRAIN, MNIST_TEST = 60_000, 10_000  # MNIST's split sizes
GENERATED_SEED = 0
MAX_SHIFT = 2  # pixels a generated image is moved from its bundled digit, each way
# The side's own time as `jaxnn run` reports it under "final" (data, training, evaluation);
# the rest of a process's wall time is the interpreter's start-up, imports and checks.
_REPORTED_LINE = re.compile(r"^wall time \(s\)\s+([0-9.]+)\s*$", re.MULTILINE)


def parse_runs(text: str) -> list[tuple[str, int]]:
    """``"NAME[:EPOCHS],..."`` as ``[(name, epochs)]``; a name without epochs gets the
    epochs :data:`REAL_SIZE_RUNS` gives it, or 1. Raises ValueError naming the bad item."""
    defaults = dict(REAL_SIZE_RUNS)
    runs = []
    for item in (t for t in text.split(",") if t):
        name, _, epochs = item.partition(":")
        try:
            count = int(epochs) if epochs else defaults.get(name, 1)
        except ValueError:
            count = 0
        if not name or count < 1:
            raise ValueError(f"expected NAME or NAME:EPOCHS (a positive integer); got {item!r}")
        runs.append((name, count))
    if not runs:
        raise ValueError(f"expected a comma-separated list of NAME[:EPOCHS]; got {text!r}")
    return runs


def _idx_bytes(array: np.ndarray) -> bytes:
    """``array`` (uint8) as an IDX file: magic ``0x0000 08 D``, D big-endian sizes, the bytes."""
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, ">i4").tobytes()
    return header + np.ascontiguousarray(array, np.uint8).tobytes()


def generated_split(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` MNIST-like uint8 images ``(count, 28, 28)`` and their labels: the bundled
    28x28 digits drawn with replacement, each moved by up to :data:`MAX_SHIFT` pixels."""
    from twincore.data.bundled import load_digits

    digits, labels = load_digits(28)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(digits), count)
    shifts = rng.integers(-MAX_SHIFT, MAX_SHIFT + 1, (count, 2))
    images = digits[pick]
    # One roll per distinct shift: 25 vectorised moves instead of one per image.
    for dy, dx in {(int(a), int(b)) for a, b in shifts}:
        rows = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
        images[rows] = np.roll(images[rows], (dy, dx), axis=(1, 2))
    return images, labels[pick].astype(np.uint8)


def write_generated_mnist(directory: Path, train: int, test: int, seed: int = GENERATED_SEED):
    """Writes MNIST's four IDX files (uncompressed, which the IDX reader takes as it takes
    ``.gz``) into ``directory``: ``train`` and ``test`` generated images
    (:func:`generated_split`), each file whole or not at all. The same arguments give the
    same bytes."""
    from twincore.atomic import atomic_write
    from twincore.data.idx import MNIST_FILES

    directory.mkdir(parents=True, exist_ok=True)
    for split, count, split_seed in ((True, train, seed), (False, test, seed + 1)):
        images, labels = generated_split(count, split_seed)
        image_name, label_name = MNIST_FILES[split]
        atomic_write(directory / image_name, _idx_bytes(images))
        atomic_write(directory / label_name, _idx_bytes(labels))
    return directory


def timed_run(
    name: str, framework: str, data_dir: Path, epochs: int, dtype: str
) -> tuple[float, float | None]:
    """``(wall seconds, reported seconds)`` of ``jaxnn run NAME --framework FRAMEWORK`` in a
    fresh interpreter: the wall time from its start to its exit, and the side's time as its
    report prints it ("wall time (s)": data, training and evaluation; None if absent).
    Raises RuntimeError with the end of its output if it fails."""
    argv = [sys.executable, "-m", "twinlab.cli", "run", name, "--framework", framework]
    argv += ["--dtype", dtype, "--epochs", str(epochs), "--data-dir", str(data_dir)]
    start = time.perf_counter()
    child = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if child.returncode:
        tail = (child.stdout + child.stderr)[-2000:]
        raise RuntimeError(
            f"the real-size run {' '.join(argv[2:])} failed (exit {child.returncode}):\n{tail}"
        )
    reported = _REPORTED_LINE.search(child.stdout)
    return seconds, float(reported.group(1)) if reported else None


def real_size_section(
    runs: Sequence[tuple[str, int]],
    *,
    data_dir: Path | None,
    dtype: str,
    repeats: int = 1,
    train: int = MNIST_TRAIN,
    test: int = MNIST_TEST,
    with_torch: bool = True,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Each example's whole ``jaxnn run``, torch then JAX, ``repeats`` times (round robin),
    on the IDX files in ``data_dir`` or, without one, on ``train`` + ``test`` generated
    images written to a temporary directory for the section. ``ratio`` is torch's median
    seconds over JAX's: how many times faster JAX finished the job."""
    frameworks = ("torch", "jax") if with_torch else ("jax",)
    with tempfile.TemporaryDirectory(prefix="jaxnn-bench-mnist-") as scratch:
        if data_dir is None:
            say(f"real size: writing {train:,} + {test:,} generated MNIST-like IDX images")
            directory = write_generated_mnist(Path(scratch), train, test)
            data = {"dir": None, "generated": True, "train_images": train, "test_images": test}
        else:
            from twincore.data.idx import load_mnist

            directory = data_dir
            sizes = [len(load_mnist(data_dir, train=split)[1]) for split in (True, False)]
            data = {"dir": os.fspath(data_dir), "generated": False}
            data.update(train_images=sizes[0], test_images=sizes[1])
        entries = []
        total, done = len(runs) * len(frameworks) * repeats, 0
        for name, epochs in runs:
            seconds: dict[str, list[float]] = {f: [] for f in frameworks}
            reported: dict[str, list[float | None]] = {f: [] for f in frameworks}
            for _ in range(repeats):
                for framework in frameworks:
                    done += 1
                    say(
                        f"real size [{done}/{total}]: jaxnn run {name} --epochs {epochs} "
                        f"--framework {framework} ..."
                    )
                    took, side = timed_run(name, framework, directory, epochs, dtype)
                    seconds[framework].append(took)
                    reported[framework].append(side)
                    say(f"real size [{done}/{total}]: {name} {framework}: {took:.1f} s")
            entry: dict[str, Any] = {"example": name, "epochs": epochs}
            for framework in frameworks:
                entry[f"{framework}_s"] = seconds[framework]
                entry[f"{framework}_median_s"] = statistics.median(seconds[framework])
                entry[f"{framework}_reported_s"] = reported[framework]
            entry["ratio"] = entry["torch_median_s"] / entry["jax_median_s"] if with_torch else None
            entries.append(entry)
    return {"data": data, "dtype": dtype, "repeats": repeats, "runs": entries}
