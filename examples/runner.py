"""Runs an example in one framework or both, prints the side-by-side table, writes metrics.json.

``metrics.json`` schema (one object)::

    {
      "example": "toy_classifier", "dtype": "float64", "framework": "both",
      "config": {"epochs": 3, "batch_size": 2, "lr": 0.5, "seed": 123},
                                         # + "data_dir", "train_subset" when set
      "torch": {"loss": [per-step losses], "final": {"train_accuracy": 1.0, ...},
                "wall_time_s": 0.04},
      "jax":   {... same keys ...},
      "max_abs_loss_diff": 1.8e-16,      # only when both ran
      "max_abs_param_diff": 2.2e-16      # only when both ran
    }

An example that trains several models one after another (``Example.runs``,
e.g. one per learning rate) reports their loss curves concatenated in run
order, its final metrics and parameters prefixed with the run's label
(``"sgd.final_loss"``, ``"sgd.weight"``).

With ``--framework both`` the torch side initialises the model (under
``torch.manual_seed(seed)``) and the JAX side starts from a copy of those
parameters; both read the same NumPy data in the same batch order.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from jaxnn.atomic import atomic_write

FRAMEWORKS = ("jax", "torch", "both")
MAX_ROWS = 25  # steps shown in the printed table
OPTIONAL_FIELDS = ("data_dir", "train_subset")  # left out of metrics.json when None


@dataclass(frozen=True)
class Config:
    """Hyper-parameters of one run; every field can be overridden from the command line.

    ``data_dir`` (``--data-dir``): a directory of MNIST's IDX files for the MNIST
    examples, which otherwise train on the bundled 28x28 digits.
    ``train_subset`` (``--train-subset``): train on the first this many
    training samples only (``None``: all of them).
    """

    epochs: int
    batch_size: int
    lr: float
    seed: int
    dtype: str = "float32"
    data_dir: str | None = None
    train_subset: int | None = None


@dataclass
class SideResult:
    """What one framework's run produced."""

    losses: list[float]
    final: dict[str, float]
    final_state: dict[str, np.ndarray]
    initial_state: dict[str, np.ndarray] | None = None
    wall_time_s: float = 0.0


@dataclass(frozen=True)
class Example:
    """A worked example: what it is, and how each framework runs it."""

    name: str
    title: str
    seed_ref: str
    model: str
    data: str
    prints: str
    defaults: Config
    run_torch: Callable[[Config], SideResult]
    run_jax: Callable[[Config, dict[str, np.ndarray] | None], SideResult]
    tags: tuple[str, ...] = field(default=())
    runs: tuple[str, ...] = field(default=())
    """Labels of the models the example trains one after another (empty: one model)."""
    test_overrides: dict[str, Any] = field(default_factory=dict)
    """Config fields the parity test changes to keep a long run short (docs/examples.md)."""


def _timed(fn: Callable[[], SideResult]) -> SideResult:
    start = time.perf_counter()
    result = fn()
    result.wall_time_s = time.perf_counter() - start
    return result


def max_abs_diff(a: list[float] | dict[str, np.ndarray], b) -> float:
    """Largest absolute difference between two loss lists or two state dicts."""
    if isinstance(a, dict):
        return max((float(np.max(np.abs(a[k] - b[k]))) for k in a if a[k].size), default=0.0)
    if len(a) != len(b):
        raise ValueError(f"loss curves differ in length: {len(a)} vs {len(b)}")
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) if a else 0.0


def run_sides(example: Example, framework: str, config: Config) -> dict[str, SideResult]:
    """Runs ``example`` in ``framework`` (``"both"``: torch first, JAX from torch's init)."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}; got {framework!r}")
    results: dict[str, SideResult] = {}
    init = None
    if framework in ("torch", "both"):
        # Import time is not run time: torch's first optimizer also imports its
        # compiler stack (torch._dynamo, about a second), so import it here.
        import torch._dynamo  # noqa: F401

        import torch_ref  # noqa: F401

        results["torch"] = _timed(lambda: example.run_torch(config))
        init = results["torch"].initial_state
    if framework in ("jax", "both"):
        results["jax"] = _timed(
            lambda: example.run_jax(config, init if framework == "both" else None)
        )
    return results


def summarize(example: Example, config: Config, results: dict[str, SideResult]) -> dict[str, Any]:
    """The metrics dictionary (see the module docstring) of one run."""
    framework = "both" if len(results) == 2 else next(iter(results))
    metrics: dict[str, Any] = {
        "example": example.name,
        "dtype": config.dtype,
        "framework": framework,
        "config": {
            k: v
            for k, v in dataclasses.asdict(config).items()
            if k != "dtype" and not (k in OPTIONAL_FIELDS and v is None)
        },
    }
    for side, result in results.items():
        metrics[side] = {
            "loss": result.losses,
            "final": result.final,
            "wall_time_s": result.wall_time_s,
        }
    if framework == "both":
        metrics["max_abs_loss_diff"] = max_abs_diff(results["torch"].losses, results["jax"].losses)
        metrics["max_abs_param_diff"] = max_abs_diff(
            results["torch"].final_state, results["jax"].final_state
        )
    return metrics


def run(example: Example, framework: str, config: Config) -> dict[str, Any]:
    """Runs ``example`` and returns the metrics dictionary (see the module docstring)."""
    return summarize(example, config, run_sides(example, framework, config))


def _loss_table(example: Example, metrics, sides, n_steps) -> list[str]:
    """Per-step losses side by side: every step, or every k-th and the last for long runs."""
    cfg = metrics["config"]
    lines: list[str] = []
    runs = example.runs or ("",)
    per_run = n_steps // len(runs)
    per_epoch = max(1, per_run // cfg["epochs"]) if cfg["epochs"] else 1
    run_width = max(len(r) for r in runs)
    header = f"{'run':>{run_width}} " if example.runs else ""
    header += f"{'epoch':>5} {'batch':>5}  " + "  ".join(f"{s + ' loss':>22}" for s in sides)
    if len(sides) == 2:
        header += f"  {'|Δ|':>9}"
    lines.append(header)
    rows = list(enumerate(zip(*(metrics[s]["loss"] for s in sides), strict=True)))
    if len(rows) > MAX_ROWS:  # every k-th step and the last; the full curves are in metrics.json
        k = -(-len(rows) // MAX_ROWS)
        rows = rows[::k] + ([rows[-1]] if (len(rows) - 1) % k else [])
    for i, values in rows:
        run, step = divmod(i, per_run) if per_run else (0, i)
        epoch, batch = divmod(step, per_epoch)
        row = f"{runs[min(run, len(runs) - 1)]:>{run_width}} " if example.runs else ""
        row += f"{epoch + 1:>5} {batch:>5}  " + "  ".join(f"{v:>22.16g}" for v in values)
        if len(values) == 2:
            row += f"  {abs(values[0] - values[1]):>9.2e}"
        lines.append(row)
    return lines


def format_report(example: Example, metrics: dict[str, Any]) -> str:
    """The side-by-side text report: per-step losses, final metrics, wall times, max |Δ|."""
    sides = [s for s in ("torch", "jax") if s in metrics]
    cfg = metrics["config"]
    n_steps = len(metrics[sides[0]]["loss"])
    lines = [f"{example.name}: {example.title} ({example.seed_ref})"]
    if not n_steps:  # a forward/backward-only example: no curve, no hyper-parameters
        lines += [f"  model {example.model}; seed {cfg['seed']}, {metrics['dtype']}", ""]
    else:
        lines += [
            f"  model {example.model}; {cfg['epochs']} epochs, batch {cfg['batch_size']}, "
            f"lr {cfg['lr']}, seed {cfg['seed']}, {metrics['dtype']}",
            "",
        ]
        lines += _loss_table(example, metrics, sides, n_steps) + [""]
    keys = list(metrics[sides[0]]["final"])
    w = max([16] + [len(k) + 1 for k in keys])
    lines.append(f"{'final':<{w}}" + "".join(f"{s:>14}" for s in sides))
    for key in keys:
        lines.append(f"{key:<{w}}" + "".join(f"{metrics[s]['final'][key]:>14.6g}" for s in sides))
    lines.append(
        f"{'wall time (s)':<{w}}" + "".join(f"{metrics[s]['wall_time_s']:>14.3f}" for s in sides)
    )
    if "max_abs_loss_diff" in metrics:
        lines.append("")
        if n_steps:
            lines.append(f"max |Δ| loss:       {metrics['max_abs_loss_diff']:.3e}")
            lines.append(f"max |Δ| parameters: {metrics['max_abs_param_diff']:.3e}")
        else:
            lines.append(
                f"max |Δ| values (outputs, gradients): {metrics['max_abs_param_diff']:.3e}"
            )
    return "\n".join(lines)


def write_metrics(out_dir: Path, metrics: dict[str, Any]) -> Path:
    """Writes ``out_dir/metrics.json`` atomically."""
    return atomic_write(out_dir / "metrics.json", json.dumps(metrics, indent=2) + "\n")
