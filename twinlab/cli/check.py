"""``jaxnn check FILE.py:NAME``: a torch model of your own against its automatic JAX twin.

Imports ``NAME`` (a ``torch.nn.Module`` class built without arguments, or a function that
returns a module) from ``FILE.py``, converts it with ``jaxnn.interop.from_torch`` and compares
the two: forward output, gradients under ``--loss`` and a ``--steps``-step training curve with
``--optimizer``, in ``--dtype`` float32, float64 or both. One row per tensor; exit code 0 when
every tensor is within its tolerance, 1 when one is not (the last line names the worst), 2 for
bad input (the file, the name, the shapes, an op jaxnn has no twin for).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np

from twinlab.arguments import int_at_least, output_file_problem, path
from twinlab.errors import CLIError

DTYPES = {"float32": ("float32",), "float64": ("float64",), "both": ("float64", "float32")}


def _ints(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected integers separated by commas, got {text!r}"
        ) from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive sizes, got {text!r}")
    return values


def _range(text: str) -> tuple[int, int]:
    try:
        low, high = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH (integers), got {text!r}") from None
    if high <= low:
        raise argparse.ArgumentTypeError(f"expected LOW < HIGH, got {text!r}")
    return low, high


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """``jaxnn check``'s arguments."""
    parser.add_argument("target", metavar="FILE.py:NAME", help="the model: a class or a factory")
    parser.add_argument(
        "--input-shape", type=_ints, required=True, metavar="N,C,...", help="e.g. 8,1,28,28"
    )
    parser.add_argument(
        "--input-dtype",
        choices=("float", "int64", "int32"),
        default="float",
        help="float: normal samples in the model's dtype (default); int64/int32: token ids",
    )
    parser.add_argument(
        "--input-range",
        type=_range,
        default=(0, 10),
        metavar="LOW,HIGH",
        help="the integer inputs' range, HIGH excluded (default 0,10)",
    )
    parser.add_argument(
        "--loss",
        default="projection",
        help="projection (default: sum(output * w), w fixed and random), sum, mse_loss, l1_loss, "
        "cross_entropy or nll_loss; targets are made to fit the output. The training curve "
        "takes mse_loss for projection and sum",
    )
    parser.add_argument(
        "--optimizer", default="sgd", help="sgd (default), adam, adamw or rmsprop, torch's defaults"
    )
    parser.add_argument("--lr", type=float, default=0.01, help="default: 0.01")
    parser.add_argument(
        "--steps", type=int_at_least(0, "a number of steps >= 0"), default=20, help="default: 20"
    )
    parser.add_argument("--dtype", choices=tuple(DTYPES), default="both", help="default: both")
    parser.add_argument("--seed", type=int_at_least(0, "a seed >= 0"), default=0)
    parser.add_argument("--html", type=path, metavar="FILE", help="also write the tables here")


def check_command(args: argparse.Namespace) -> int:
    """Loads, converts and compares the model; prints one table per comparison."""
    if args.html is not None and (problem := output_file_problem(args.html, "--html")):
        raise CLIError(problem)
    import jax
    import torch

    import jaxnn
    from jaxnn.interop import UnsupportedTorchOp
    from jaxnn.interop.compare import LOSSES, OPTIMIZERS

    # (checked here, not by argparse: the lists live with the API, which imports JAX)
    if args.loss not in LOSSES:
        raise CLIError(f"--loss {args.loss}: expected one of {', '.join(LOSSES)}")
    if args.optimizer not in OPTIMIZERS:
        raise CLIError(f"--optimizer {args.optimizer}: expected one of {', '.join(OPTIMIZERS)}")
    build = _load(args.target)

    results = []
    for dtype in DTYPES[args.dtype]:
        with jax.enable_x64(dtype == "float64"):
            torch.manual_seed(args.seed)
            model = _build(build, args.target).to(getattr(torch, dtype))
            rng = np.random.default_rng(args.seed)
            x = _input(args, dtype, rng)
            try:
                twin = jaxnn.interop.from_torch(model, example_inputs=x)
            except (UnsupportedTorchOp, ValueError) as err:
                raise CLIError(f"{args.target}: {err}") from None
            out = np.asarray(_first(twin(x)))
            other = _input(args, dtype, rng)
            batches = [(x, _target(args, out, dtype, rng)), (other, _target(args, out, dtype, rng))]
            _progress(f"{dtype}: forward")
            results.append(jaxnn.interop.compare_forward(model, twin, x))
            _progress(f"{dtype}: gradients under {args.loss}")
            target = batches[0][1] if args.loss not in ("projection", "sum") else None
            results.append(
                jaxnn.interop.compare_gradients(
                    model, twin, x, loss=args.loss, target=target, seed=args.seed
                )
            )
            if args.steps:
                _progress(f"{dtype}: {args.steps} steps of {args.optimizer}")
                results.append(
                    jaxnn.interop.compare_training(
                        model,
                        twin,
                        batches,
                        loss=_curve_loss(args.loss),
                        optimizer=args.optimizer,
                        lr=args.lr,
                        steps=args.steps,
                    )
                )
    for result in results:
        print(result.text(), end="\n\n")
    if args.html is not None:
        from twincore.atomic import atomic_write

        args.html.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(args.html, "\n".join(r.html() for r in results))
        print(f"wrote {args.html}")
    failures = [row for result in results for row in result.failures]
    if not failures:
        print(f"{args.target}: every tensor within its tolerance")
        return 0
    worst = max(failures, key=lambda row: row.max_rel)
    print(f"jaxnn: check failed: {len(failures)} tensors differ; worst: {worst.describe()}")
    return 1


def _progress(what: str) -> None:
    print(f"checking {what} ...", file=sys.stderr, flush=True)


def _load(target: str):
    """``FILE.py:NAME`` -> the object NAME of FILE.py."""
    file, sep, name = target.rpartition(":")
    if not sep or not file or not name:
        raise CLIError(f"{target}: expected FILE.py:NAME (a model class or a factory function)")
    source = Path(file)
    if not source.is_file():
        raise CLIError(f"{target}: no file {source}")
    spec = importlib.util.spec_from_file_location(f"_jaxnn_check_{source.stem}", source)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise CLIError(
            f"{target}: importing {source} failed: {type(err).__name__}: {err}"
        ) from None
    if not hasattr(module, name):
        import torch

        found = sorted(
            n
            for n, v in vars(module).items()
            if isinstance(v, type)
            and issubclass(v, torch.nn.Module)
            and v.__module__ == module.__name__
        )
        raise CLIError(
            f"{target}: {source} has no {name!r}; its model classes: {', '.join(found) or 'none'}"
        )
    return getattr(module, name)


def _build(build, target: str) -> Any:
    import torch

    if not callable(build):
        raise CLIError(f"{target}: a {type(build).__name__}, not a model class or a factory")
    try:
        model = build()
    except TypeError as err:
        raise CLIError(
            f"{target}: calling it without arguments failed ({err}); give check a factory "
            "instead: def make(): return YourModel(...), then FILE.py:make"
        ) from None
    if not isinstance(model, torch.nn.Module):
        raise CLIError(f"{target}: made a {type(model).__name__}, not a torch.nn.Module")
    return model


def _input(args, dtype: str, rng: np.random.Generator) -> np.ndarray:
    if args.input_dtype == "float":
        return rng.normal(size=args.input_shape).astype(dtype)
    low, high = args.input_range
    return rng.integers(low, high, size=args.input_shape).astype(args.input_dtype)


def _first(out):
    return out[0] if isinstance(out, (tuple, list)) else out


def _target(args, out: np.ndarray, dtype: str, rng: np.random.Generator):
    """Targets for the loss, made to fit the model's output."""
    if args.loss in ("cross_entropy", "nll_loss"):
        if out.ndim < 1:
            raise CLIError(f"--loss {args.loss} needs class scores; the model gives a scalar")
        classes = out.shape[1] if out.ndim > 1 else out.shape[0]
        shape = out.shape[:1] + out.shape[2:] if out.ndim > 1 else ()
        return rng.integers(0, classes, size=shape)
    return rng.normal(size=out.shape).astype(dtype)


def _curve_loss(loss: str) -> str:
    """Training needs a loss of (output, target); "projection" and "sum" train on MSE."""
    return "mse_loss" if loss in ("projection", "sum") else loss
