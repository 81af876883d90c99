"""``jaxnn bench``: the command's flags and its one function."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from twinlab.arguments import output_file_problem, path
from twinlab.bench.matmul_peak import MATMUL_SIZE
from twinlab.bench.models import BATCH_SIZES, MODELS
from twinlab.bench.real_size import MNIST_TRAIN, REAL_SIZE_RUNS, parse_runs
from twinlab.errors import CLIError


def _choices(allowed: Sequence[str]):
    def parse(text: str) -> list[str]:
        items = [t for t in text.split(",") if t]
        bad = [t for t in items if t not in allowed]
        if bad or not items:
            raise argparse.ArgumentTypeError(
                f"expected a comma-separated list from {', '.join(allowed)}; got {text!r}"
            )
        return items

    return parse


def _batch_sizes(text: str) -> list[int]:
    try:
        sizes = [int(t) for t in text.split(",") if t]
    except ValueError:
        sizes = []
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of positive integers; got {text!r}"
        )
    return sizes


def _positive(kind, what):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text}")
        return value

    return parse


def _runs(text: str) -> list[tuple[str, int]]:
    try:
        return parse_runs(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``jaxnn bench`` options."""
    parser.add_argument(
        "--models",
        type=_choices(MODELS),
        default=list(MODELS),
        help=f"comma-separated, from {', '.join(MODELS)} (default: all)",
    )
    parser.add_argument(
        "--batch-sizes",
        type=_batch_sizes,
        default=list(BATCH_SIZES),
        help="comma-separated (default: 2,64,1024)",
    )
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument(
        "--repeats",
        type=_positive(int, "a positive integer"),
        default=5,
        help="timed repeats per variant after a warm-up; steps/s uses their median (default 5)",
    )
    parser.add_argument(
        "--seconds",
        type=_positive(float, "a positive number"),
        default=0.5,
        help="aim for a torch repeat of about this long (default 0.5)",
    )
    parser.add_argument(
        "--steps",
        type=_positive(int, "a positive integer"),
        help="steps per repeat for every cell, instead of sizing them from --seconds",
    )
    parser.add_argument(
        "--matmul-size",
        type=_positive(int, "a positive integer"),
        default=MATMUL_SIZE,
        help=f"side of the square matmul that measures the peak (default {MATMUL_SIZE})",
    )
    parser.add_argument(
        "--seeds",
        type=_positive(int, "a positive integer"),
        default=16,
        help="members of the multi-seed measurement (default 16)",
    )
    default_runs = ",".join(f"{name}:{epochs}" for name, epochs in REAL_SIZE_RUNS)
    parser.add_argument(
        "--real-size",
        type=_runs,
        default=list(REAL_SIZE_RUNS),
        metavar="NAME[:EPOCHS],...",
        help="the real-size section: these MNIST examples run end to end by 'jaxnn run', "
        f"torch and JAX each in a process of its own, timed from outside (default: {default_runs})",
    )
    parser.add_argument(
        "--no-real-size", action="store_true", help="leave the real-size section out"
    )
    parser.add_argument(
        "--data-dir",
        type=path,
        metavar="DIR",
        help="MNIST's four IDX files for the real-size section (as 'jaxnn run --data-dir' "
        "takes them); default: MNIST-sized generated images in a temporary directory",
    )
    parser.add_argument(
        "--real-size-images",
        type=_positive(int, "a positive integer"),
        default=MNIST_TRAIN,
        metavar="N",
        help=f"training images to generate without --data-dir (default {MNIST_TRAIN:,}, "
        "MNIST's; test images: one sixth as many, MNIST's share)",
    )
    parser.add_argument(
        "--real-size-repeats",
        type=_positive(int, "a positive integer"),
        default=1,
        metavar="N",
        help="runs of each example and framework, taken round robin; the section compares "
        "medians (default 1)",
    )
    parser.add_argument("--json", type=path, metavar="FILE", help="also write the result here")


def _check_real_size(args: argparse.Namespace) -> None:
    """The real-size flags, before minutes of measuring: MNIST examples, readable IDX files."""
    if args.no_real_size:
        if args.data_dir is not None:
            raise CLIError("--data-dir is the real-size section's data; drop --no-real-size")
        return
    from jaxnn_examples import EXAMPLES

    readers = [name for name, example in EXAMPLES.items() if "mnist" in example.tags]
    for name, _ in args.real_size:
        if name not in readers:
            raise CLIError(
                f"--real-size: {name!r} is not an example that reads MNIST; expected one of "
                f"{', '.join(readers)}"
            )
    if args.data_dir is not None:
        if not args.data_dir.is_dir():
            raise CLIError(f"--data-dir {args.data_dir}: not a directory")
        from twincore.data.idx import IDXError, load_mnist

        for train in (True, False):
            try:
                load_mnist(args.data_dir, train=train)
            except (FileNotFoundError, IDXError) as err:
                raise CLIError(f"--data-dir {args.data_dir}: {err}") from None


def bench_command(args: argparse.Namespace) -> int:
    """Checks ``--json`` before minutes of measuring, runs the benchmark and prints the table;
    with ``--json FILE`` also writes the result."""
    from twinlab.bench.run import run_bench
    from twinlab.bench.table import format_table

    if args.json is not None and (problem := output_file_problem(args.json, "--json")):
        raise CLIError(problem)
    _check_real_size(args)
    result = run_bench(
        args.models,
        args.batch_sizes,
        dtype=args.dtype,
        repeats=args.repeats,
        seconds=args.seconds,
        steps=args.steps,
        matmul_size=args.matmul_size,
        seeds=args.seeds,
        real_size=() if args.no_real_size else args.real_size,
        data_dir=args.data_dir,
        real_size_images=args.real_size_images,
        real_size_repeats=args.real_size_repeats,
        progress=lambda message: print(f"bench: {message}", file=sys.stderr, flush=True),
    )
    print(format_table(result))
    if args.json is not None:
        from twincore.atomic import atomic_write

        args.json.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(args.json, json.dumps(result, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0
