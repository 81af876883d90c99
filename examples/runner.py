"""Runs an example in one framework or both, prints the side-by-side table, writes metrics.json.

``metrics.json`` schema (one object)::

    {
      "example": "toy_classifier", "dtype": "float64", "framework": "both",
      "config": {"epochs": 3, "batch_size": 2, "lr": 0.5, "seed": 123},
                                         # + "data_dir", "train_subset" when set
      "torch": {"loss": [per-step losses], "final": {"train_accuracy": 1.0, ...},
                "wall_time_s": 0.04},
      "jax":   {... same keys ...},
      "max_abs_loss_diff": 1.8e-16,      # these four only when both ran
      "max_abs_param_diff": 2.2e-16,
      "max_rel_loss_diff": 3.2e-16,      # relative to torch's largest loss
      "max_rel_param_diff": 4.1e-16      # per tensor, relative to its largest |value|
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
# Left out of metrics.json when None.
OPTIONAL_FIELDS = ("data_dir", "train_subset", "checkpoint_every", "checkpoint_dir")


@dataclass(frozen=True)
class Config:
    """Hyper-parameters of one run; every field can be overridden from the command line.

    ``data_dir`` (``--data-dir``): a directory of MNIST's IDX files for the MNIST
    examples, which otherwise train on the bundled 28x28 digits.
    ``train_subset`` (``--train-subset``): train on the first this many
    training samples only (``None``: all of them).
    ``checkpoint_every``/``checkpoint_dir`` (``--checkpoint-every``, ``--resume``):
    the JAX side saves its train state every this many steps under
    ``checkpoint_dir`` and, when that already holds a checkpoint, resumes from
    the latest one (examples with ``Example.resumable`` only).
    """

    epochs: int
    batch_size: int
    lr: float
    seed: int
    dtype: str = "float32"
    data_dir: str | None = None
    train_subset: int | None = None
    checkpoint_every: int | None = None
    checkpoint_dir: str | None = None


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
    resumable: bool = False
    """Its JAX side trains one model with ``jaxnn.train.fit``, so it can checkpoint and resume."""


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


def max_rel_diff(a: list[float] | dict[str, np.ndarray], b) -> float:
    """The largest difference relative to scale: ``max |a - b| / max |b|`` over a loss curve,
    and per tensor for state dicts (the worst tensor). Per-element ratios would blow up where
    a loss or a parameter nears zero, absolute differences on diverging runs (E56)."""
    if isinstance(a, dict):
        return max((max_rel_diff(a[k], b[k]) for k in a if np.size(a[k])), default=0.0)
    x, y = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if x.shape != y.shape:
        raise ValueError(f"cannot compare shapes {x.shape} and {y.shape}")
    if not x.size:
        return 0.0
    return float(np.max(np.abs(x - y)) / max(float(np.max(np.abs(y))), 1e-300))


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
        metrics["max_rel_loss_diff"] = max_rel_diff(results["jax"].losses, results["torch"].losses)
        metrics["max_rel_param_diff"] = max_rel_diff(
            results["jax"].final_state, results["torch"].final_state
        )
    return metrics


def run(example: Example, framework: str, config: Config) -> dict[str, Any]:
    """Runs ``example`` and returns the metrics dictionary (see the module docstring)."""
    return summarize(example, config, run_sides(example, framework, config))


def _loss_table(example: Example, metrics, sides, n_steps) -> list[str]:
    """Losses side by side: per step for short runs; per epoch (mean loss, as the seeds log
    it, and the largest per-step |Δ|) for longer ones; every k-th row past ``MAX_ROWS``."""
    cfg = metrics["config"]
    runs = example.runs or ("",)
    per_run = n_steps // len(runs)
    per_epoch = max(1, per_run // cfg["epochs"]) if cfg["epochs"] else 1
    curves = [np.asarray(metrics[s]["loss"], np.float64) for s in sides]
    by_epoch = n_steps > MAX_ROWS and per_epoch > 1
    rows = []  # (run, epoch, first step label, values, |Δ|)
    if by_epoch:
        for start in range(0, n_steps, per_epoch):
            run, step = divmod(start, per_run) if per_run else (0, start)
            chunk = [c[start : start + per_epoch] for c in curves]
            delta = float(np.max(np.abs(chunk[0] - chunk[1]))) if len(chunk) == 2 else None
            rows.append(
                (run, step // per_epoch, str(len(chunk[0])), [c.mean() for c in chunk], delta)
            )
    else:
        for i in range(n_steps):
            run, step = divmod(i, per_run) if per_run else (0, i)
            values = [c[i] for c in curves]
            delta = abs(values[0] - values[1]) if len(values) == 2 else None
            rows.append((run, step // per_epoch, str(step % per_epoch), values, delta))
    if len(rows) > MAX_ROWS:  # every k-th row and the last; the full curves are in metrics.json
        k = -(-len(rows) // MAX_ROWS)
        rows = rows[::k] + ([rows[-1]] if (len(rows) - 1) % k else [])
    run_width = max(len(r) for r in runs)
    what = "mean loss" if by_epoch else "loss"
    header = f"{'run':>{run_width}} " if example.runs else ""
    header += f"{'epoch':>5} {'steps' if by_epoch else 'batch':>5}  "
    header += "  ".join(f"{s + ' ' + what:>24}" for s in sides)
    if len(sides) == 2:
        header += f"  {'max |Δ|' if by_epoch else '|Δ|':>9}"
    lines = [header]
    for run, epoch, step, values, delta in rows:
        row = f"{runs[min(run, len(runs) - 1)]:>{run_width}} " if example.runs else ""
        row += f"{epoch + 1:>5} {step:>5}  " + "  ".join(f"{v:>24.16g}" for v in values)
        if delta is not None:
            row += f"  {delta:>9.2e}"
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
        what = "parameters" if n_steps else "values (outputs, gradients)"
        rows = [("loss", "loss")] if n_steps else []
        rows.append(("param", what))
        width = max(len(w) for _, w in rows)
        lines.append(f"{'max |Δ|':<{width + 10}} {'absolute':>10}  {'relative':>10}")
        for key, label in rows:
            lines.append(
                f"  {label:<{width + 8}} {metrics[f'max_abs_{key}_diff']:>10.2e}  "
                f"{metrics[f'max_rel_{key}_diff']:>10.2e}"
            )
    return "\n".join(lines)


def write_metrics(out_dir: Path, metrics: dict[str, Any]) -> Path:
    """Writes ``out_dir/metrics.json`` atomically."""
    return atomic_write(out_dir / "metrics.json", json.dumps(metrics, indent=2) + "\n")


def write_outputs(
    out_dir: Path, example: Example, metrics: dict[str, Any], results: dict[str, SideResult]
) -> list[Path]:
    """Everything ``jaxnn run --out`` writes, each file atomically: ``metrics.json``; for a
    training example also ``curves.png`` and each side's final parameters,
    ``params-<side>.safetensors`` (torch's key names; loads into either twin)."""
    written = [write_metrics(out_dir, metrics)]
    curves = write_curves(out_dir, example, metrics)
    if curves is not None:
        from jaxnn.checkpoint import save_safetensors

        written.append(curves)
        for side, result in results.items():
            written.append(
                save_safetensors(result.final_state, out_dir / f"params-{side}.safetensors")
            )
    return written


def write_curves(out_dir: Path, example: Example, metrics: dict[str, Any]) -> Path | None:
    """Writes ``out_dir/curves.png`` atomically: the loss curves of the sides that ran,
    overlaid, and ``|torch - JAX|`` per step on a log axis. ``None`` for an example with no
    loss curve (a forward/backward demo)."""
    from examples.plots import write_curves as plot

    sides = [s for s in ("torch", "jax") if s in metrics]
    n_steps = len(metrics[sides[0]]["loss"])
    if not n_steps:
        return None
    epochs = metrics["config"]["epochs"] * max(1, len(example.runs))
    return plot(
        out_dir / "curves.png",
        metrics.get("torch", {}).get("loss"),
        metrics.get("jax", {}).get("loss"),
        f"{example.name} ({metrics['dtype']}): {example.title}",
        steps_per_epoch=n_steps // epochs if epochs and n_steps % epochs == 0 else None,
    )
