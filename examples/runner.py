"""Runs an example in one framework or both, prints the side-by-side table, writes metrics.json.

``metrics.json`` schema (one object)::

    {
      "example": "toy_classifier", "dtype": "float64", "framework": "both",
      "config": {"epochs": 3, "batch_size": 2, "lr": 0.5, "seed": 123},
                                 # + "data_dir", "train_subset", "devices" when set
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

``--devices N`` adds ``"devices": N`` to ``config``: the JAX side split each batch over N
devices; the schema is otherwise the same.

``--seeds K`` trains K initialisations, seeds ``seed .. seed+K-1``
(:func:`summarize_seeds`); every member reads the batches in ``seed``'s order, since
the JAX side feeds each batch to all members in one vmapped program::

    {
      "example": "toy_full_flow", "dtype": "float64", "framework": "both",
      "config": {"epochs": 3, "batch_size": 2, "lr": 0.5, "seed": 123, "seeds": 3},
      "torch": {"train_time_s": 0.02, "wall_time_s": 0.03},  # K fit calls in a row
      "jax":   {"train_time_s": 1.9, "wall_time_s": 2.4},    # one vmapped fit_seeds call
      "members": [
        {"seed": 123,
         "torch": {"loss": [per-step losses], "final": {"train_accuracy": 1.0, ...}},
         "jax":   {... same keys ...},
         "max_abs_loss_diff": 2.2e-16, "max_abs_param_diff": 1.7e-16,  # these four only
         "max_rel_loss_diff": 2.0e-16, "max_rel_param_diff": 3.6e-16}, # when both ran
        {"seed": 124, ...}, {"seed": 125, ...}
      ],
      "max_abs_loss_diff": 3.3e-16, ...   # the four, each the worst member's, when both ran
    }

``train_time_s`` is the training alone (compilation included), ``wall_time_s`` the whole
side (data, models, final metrics).
"""

from __future__ import annotations

import dataclasses
import json
import math
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
DIFF_KEYS = ("max_abs_loss_diff", "max_abs_param_diff", "max_rel_loss_diff", "max_rel_param_diff")
OPTIONAL_FIELDS = ("data_dir", "train_subset", "checkpoint_every", "checkpoint_dir", "devices")


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
    ``devices`` (``--devices``): the JAX side splits every batch along its first
    axis over this many devices, parameters replicated (``jaxnn.train.ShardedLoader``);
    ``None``: one device, no mesh.
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
    devices: int | None = None


@dataclass
class SideResult:
    """What one framework's run produced."""

    losses: list[float]
    final: dict[str, float]
    final_state: dict[str, np.ndarray]
    initial_state: dict[str, np.ndarray] | None = None
    wall_time_s: float = 0.0


@dataclass
class SeedsResult:
    """What one framework's multi-seed run produced: one :class:`SideResult` per member, in
    seed order; ``train_time_s``: the training alone (torch: its K ``fit`` calls in a row;
    JAX: the one vmapped ``fit_seeds`` call, compilation included); ``wall_time_s``: the
    whole side, data and reports included."""

    members: list[SideResult]
    train_time_s: float = 0.0
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

    @property
    def resumable(self) -> bool:
        """Its JAX side trains one model with ``jaxnn.train.fit``, so it can checkpoint and
        resume: the engine marks its runners so (``examples.engine.runners``), whether the
        example was made by ``engine.example`` or by hand around them."""
        return bool(getattr(self.run_jax, "resumable", False))


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


def _config_fields(config: Config) -> dict[str, Any]:
    return {
        k: v
        for k, v in dataclasses.asdict(config).items()
        if k != "dtype" and not (k in OPTIONAL_FIELDS and v is None)
    }


def _differences(torch: SideResult, jax: SideResult) -> dict[str, float]:
    """The four ``max_*_diff`` fields between the two sides' curves and final parameters."""
    return {
        "max_abs_loss_diff": max_abs_diff(torch.losses, jax.losses),
        "max_abs_param_diff": max_abs_diff(torch.final_state, jax.final_state),
        "max_rel_loss_diff": max_rel_diff(jax.losses, torch.losses),
        "max_rel_param_diff": max_rel_diff(jax.final_state, torch.final_state),
    }


def summarize(example: Example, config: Config, results: dict[str, SideResult]) -> dict[str, Any]:
    """The metrics dictionary (see the module docstring) of one run."""
    framework = "both" if len(results) == 2 else next(iter(results))
    metrics: dict[str, Any] = {
        "example": example.name,
        "dtype": config.dtype,
        "framework": framework,
        "config": _config_fields(config),
    }
    for side, result in results.items():
        metrics[side] = {
            "loss": result.losses,
            "final": result.final,
            "wall_time_s": result.wall_time_s,
        }
    if framework == "both":
        metrics.update(_differences(results["torch"], results["jax"]))
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


def _hyper_parameters(metrics: dict[str, Any]) -> str:
    cfg = metrics["config"]
    text = f"{cfg['epochs']} epochs, batch {cfg['batch_size']}, lr {cfg['lr']}, "
    if "seeds" in cfg:
        last = cfg["seed"] + cfg["seeds"] - 1
        text += f"seeds {cfg['seed']}" + (f"-{last}" if last != cfg["seed"] else "")
    else:
        text += f"seed {cfg['seed']}"
    text += f", {metrics['dtype']}"
    if cfg.get("devices"):
        text += f", JAX batches split over {cfg['devices']} device(s)"
    return text


def format_report(example: Example, metrics: dict[str, Any]) -> str:
    """The side-by-side text report: per-step losses, final metrics, wall times, max |Δ|."""
    sides = [s for s in ("torch", "jax") if s in metrics]
    cfg = metrics["config"]
    n_steps = len(metrics[sides[0]]["loss"])
    lines = [f"{example.name}: {example.title} ({example.seed_ref})"]
    if not n_steps:  # a forward/backward-only example: no curve, no hyper-parameters
        lines += [f"  model {example.model}; seed {cfg['seed']}, {metrics['dtype']}", ""]
    else:
        lines += [f"  model {example.model}; {_hyper_parameters(metrics)}", ""]
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


# --- many seeds (``jaxnn run NAME --seeds K``) -------------------------------------------------


def summarize_seeds(
    example: Example, config: Config, results: dict[str, SeedsResult]
) -> dict[str, Any]:
    """The metrics dictionary of a multi-seed run (see the module docstring)."""
    framework = "both" if len(results) == 2 else next(iter(results))
    sides = [s for s in ("torch", "jax") if s in results]
    k = len(results[sides[0]].members)
    metrics: dict[str, Any] = {
        "example": example.name,
        "dtype": config.dtype,
        "framework": framework,
        "config": {**_config_fields(config), "seeds": k},
    }
    for side in sides:
        metrics[side] = {
            "train_time_s": results[side].train_time_s,
            "wall_time_s": results[side].wall_time_s,
        }
    members = []
    for i in range(k):
        member: dict[str, Any] = {"seed": config.seed + i}
        for side in sides:
            run = results[side].members[i]
            member[side] = {"loss": run.losses, "final": run.final}
        if framework == "both":
            member.update(_differences(results["torch"].members[i], results["jax"].members[i]))
        members.append(member)
    metrics["members"] = members
    if framework == "both":
        for key in DIFF_KEYS:
            metrics[key] = max(member[key] for member in members)
    return metrics


def format_seeds_report(example: Example, metrics: dict[str, Any]) -> str:
    """One line per member (final loss and metrics of the JAX side, or torch's when JAX did
    not run; max |Δ| to torch when both ran), their mean and spread, and the throughput."""
    sides = [s for s in ("torch", "jax") if s in metrics]
    shown = sides[-1]
    members = metrics["members"]
    both = len(sides) == 2
    lines = [
        f"{example.name}: {example.title} ({example.seed_ref})",
        f"  model {example.model}; {_hyper_parameters(metrics)}",
        f"  {len(members)} initialisations; every member reads the batches in seed "
        f"{metrics['config']['seed']}'s order",
        "",
    ]
    keys = ["final loss", *members[0][shown]["final"]]
    rows = []
    for member in members:
        run = member[shown]
        rows.append([run["loss"][-1] if run["loss"] else math.nan, *run["final"].values()])
    table = np.asarray(rows, np.float64)  # (K, columns)
    widths = [max(14, len(key) + 2) for key in keys]
    header = f"{'seed':>6}  " + "".join(f"{key:>{w}}" for key, w in zip(keys, widths, strict=True))
    if both:
        header += f"  {'max |Δ| loss':>13}  {'max |Δ| param':>13}"
    lines += [f"{shown} side", header]
    for member, row in zip(members, table, strict=True):
        line = f"{member['seed']:>6}  " + "".join(
            f"{v:>{w}.8g}" for v, w in zip(row, widths, strict=True)
        )
        if both:
            line += f"  {member['max_abs_loss_diff']:>13.2e}  {member['max_abs_param_diff']:>13.2e}"
        lines.append(line)
    if len(members) > 1:
        for label, values in (("mean", table.mean(0)), ("std", table.std(0, ddof=1))):
            lines.append(
                f"{label:>6}  "
                + "".join(f"{v:>{w}.8g}" for v, w in zip(values, widths, strict=True))
            )
    lines.append("")
    steps = len(members[0][shown]["loss"])
    for side in sides:
        how = "in one vmapped program" if side == "jax" else "one after another"
        seconds = metrics[side]["train_time_s"]
        rate = len(members) * steps / seconds if seconds > 0 else math.inf
        lines.append(
            f"{side}: {len(members)} members x {steps} steps {how}: {seconds:.3f} s "
            f"({rate:.4g} member-steps/s; whole side {metrics[side]['wall_time_s']:.3f} s)"
        )
    if both:
        lines.append(
            f"max |Δ| over all members: loss {metrics['max_abs_loss_diff']:.2e} "
            f"(relative {metrics['max_rel_loss_diff']:.2e}), parameters "
            f"{metrics['max_abs_param_diff']:.2e} (relative {metrics['max_rel_param_diff']:.2e})"
        )
    return "\n".join(lines)


def write_seed_outputs(out_dir: Path, example: Example, metrics: dict[str, Any]) -> list[Path]:
    """What ``jaxnn run --seeds K --out`` writes, each file atomically: ``metrics.json`` and,
    when there are steps, ``curves.png`` (every member's curve; per-member |torch - JAX|)."""
    written = [write_metrics(out_dir, metrics)]
    sides = [s for s in ("torch", "jax") if s in metrics]
    if metrics["members"] and metrics["members"][0][sides[0]]["loss"]:
        png = _member_curves_png(example, metrics, sides)
        written.append(atomic_write(out_dir / "curves.png", png))
    return written


def _member_curves_png(example: Example, metrics: dict[str, Any], sides: list[str]) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    from matplotlib.figure import Figure

    from examples.plots import ZERO_FLOOR

    both = len(sides) == 2
    fig = Figure(figsize=(7.5, 5.2 if both else 3.2), dpi=110, layout="constrained")
    axes = fig.subplots(2 if both else 1, 1, sharex=True, squeeze=False)[:, 0]
    styles = {"torch": dict(lw=2.2, alpha=0.45), "jax": dict(lw=1.0, ls="--")}
    colors = matplotlib.colormaps["viridis"](np.linspace(0, 0.9, len(metrics["members"])))
    for member, color in zip(metrics["members"], colors, strict=True):
        for side in sides:
            losses = np.asarray(member[side]["loss"], np.float64)
            label = f"seed {member['seed']}" if side == sides[-1] else None
            axes[0].plot(
                np.arange(1, losses.size + 1), losses, color=color, label=label, **styles[side]
            )
        if both:
            diff = np.abs(np.subtract(member["torch"]["loss"], member["jax"]["loss"]))
            axes[1].semilogy(
                np.arange(1, diff.size + 1), np.maximum(diff, ZERO_FLOOR), color=color, lw=1
            )
    what = " and ".join({"torch": "torch (wide)", "jax": "JAX (dashed)"}[s] for s in sides)
    axes[0].set_title(
        f"{example.name} ({metrics['dtype']}), one curve per seed: {what}", fontsize=10
    )
    axes[0].set_ylabel("loss")
    if len(metrics["members"]) <= 10:
        axes[0].legend(loc="upper right", fontsize=8)
    if both:
        axes[1].set_ylabel("|torch − JAX|")
        axes[1].set_ylim(bottom=ZERO_FLOOR / 3)
    axes[-1].set_xlabel("step")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
