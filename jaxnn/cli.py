"""The ``jaxnn`` command: ``jaxnn list`` and ``jaxnn run NAME``.

Every user error (unknown example, bad flag, unusable ``--out`` or ``--data-dir``,
missing torch) ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_USAGE = 2


class CLIError(Exception):
    """A user error: reported as one line on stderr with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + error
        raise CLIError(f"{message} (see '{self.prog} --help')")


def _int_at_least(minimum: int, what: str):
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


_positive_int = _int_at_least(1, "a positive integer")
_non_negative_int = _int_at_least(0, "a non-negative integer")


def _learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite, non-negative number, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jaxnn",
        description="The seeds' worked examples in JAX and torch, side by side.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    sub.add_parser("list", help="list the worked examples")
    run = sub.add_parser("run", help="run one worked example")
    run.add_argument("name", help="example name (see 'jaxnn list')")
    run.add_argument("--framework", choices=("jax", "torch", "both"), default="both")
    run.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    run.add_argument("--epochs", type=_non_negative_int, help="override the seed's epoch count")
    run.add_argument("--batch-size", type=_positive_int, help="override the seed's batch size")
    run.add_argument("--lr", type=_learning_rate, help="override the seed's learning rate")
    run.add_argument("--seed", type=_non_negative_int, help="override the seed's random seed")
    run.add_argument("--out", type=Path, help="directory for metrics.json (created if missing)")
    run.add_argument(
        "--data-dir",
        type=Path,
        help="MNIST's IDX files (in DIR or DIR/MNIST/raw, raw or .gz) for the MNIST examples, "
        "instead of the bundled 28x28 digits; nothing is downloaded",
    )
    run.add_argument(
        "--train-subset",
        type=_positive_int,
        help="train on the first N training samples only",
    )
    return parser


def _torch_installed() -> bool:
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):  # a broken or deliberately blocked install
        return False


def _check_out_dir(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CLIError(f"--out {out}: cannot create directory ({err.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise CLIError(f"--out {out}: directory is not writable")
    return out


def _check_data_dir(data_dir: Path, example) -> str:
    """``data_dir`` as a string once both MNIST splits load from it, else a CLIError."""
    if "mnist" not in example.tags:
        from examples import EXAMPLES

        readers = ", ".join(n for n, ex in EXAMPLES.items() if "mnist" in ex.tags)
        raise CLIError(
            f"--data-dir: example {example.name!r} does not read MNIST (these do: {readers})"
        )
    if not data_dir.is_dir():
        raise CLIError(f"--data-dir {data_dir}: not a directory")
    if not os.access(data_dir, os.R_OK | os.X_OK):
        raise CLIError(f"--data-dir {data_dir}: directory is not readable")
    from jaxnn.data import IDXError, load_mnist

    for train in (True, False):
        try:
            load_mnist(data_dir, train=train)
        except (FileNotFoundError, IDXError) as err:
            raise CLIError(f"--data-dir {data_dir}: {err}") from None
    return str(data_dir)


def _cmd_list() -> int:
    from examples import EXAMPLES

    width = max(len(n) for n in EXAMPLES)
    for ex in EXAMPLES.values():
        print(f"{ex.name:<{width}}  {ex.title}")
        print(f"{'':<{width}}    seed: {ex.seed_ref}; model: {ex.model}")
        print(f"{'':<{width}}    data: {ex.data}")
        print(f"{'':<{width}}    prints: {ex.prints}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from examples import EXAMPLES

    if args.name not in EXAMPLES:
        raise CLIError(f"unknown example {args.name!r}; available: {', '.join(sorted(EXAMPLES))}")
    if args.framework in ("torch", "both") and not _torch_installed():
        raise CLIError(
            f"--framework {args.framework} needs PyTorch, which is not installed "
            "(pip install 'jaxnn[torch]'), or use --framework jax"
        )
    out = _check_out_dir(args.out) if args.out is not None else None
    example = EXAMPLES[args.name]
    data_dir = _check_data_dir(args.data_dir, example) if args.data_dir is not None else None

    import jaxnn.config
    from examples import runner

    jaxnn.config.set_numerics(args.dtype)  # before the first JAX operation
    if args.framework != "jax":
        import torch_ref.config

        torch_ref.config.set_numerics(args.dtype)
    overrides = {
        k: v
        for k, v in (
            ("epochs", args.epochs),
            ("batch_size", args.batch_size),
            ("lr", args.lr),
            ("seed", args.seed),
            ("data_dir", data_dir),
            ("train_subset", args.train_subset),
        )
        if v is not None
    }
    config = dataclasses.replace(example.defaults, dtype=args.dtype, **overrides)
    metrics = runner.run(example, args.framework, config)
    print(runner.format_report(example, metrics))
    if out is not None:
        path = runner.write_metrics(out, metrics)
        print(f"\nwrote {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``jaxnn`` console command; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        if args.command == "list":
            return _cmd_list()
        return _cmd_run(args)
    except CLIError as err:
        print(f"jaxnn: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `jaxnn run ... | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("jaxnn: interrupted; no output files were written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
