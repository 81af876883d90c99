"""The side-by-side text report of a run, as ``jaxnn run`` prints it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from jaxnn_examples.example import Example
from twincore.tolerance import tolerance

MAX_ROWS = 25  # steps shown in the printed table


def _loss_table(example: Example, metrics, sides, n_steps) -> list[str]:
    """Losses side by side: per step for short runs; per epoch (mean loss, as the notebooks log
    it, and the largest per-step |Δ|) for longer ones; every k-th row past ``MAX_ROWS``."""
    cfg = metrics["config"]
    labels = example.variant_labels or ("",)
    per_variant = n_steps // len(labels)
    per_epoch = max(1, per_variant // cfg["epochs"]) if cfg["epochs"] else 1
    curves = [np.asarray(metrics[s]["loss"], np.float64) for s in sides]
    by_epoch = n_steps > MAX_ROWS and per_epoch > 1
    rows = []  # (variant, epoch, first step label, values, |Δ|)
    if by_epoch:
        for start in range(0, n_steps, per_epoch):
            variant, step = divmod(start, per_variant) if per_variant else (0, start)
            chunk = [c[start : start + per_epoch] for c in curves]
            delta = float(np.max(np.abs(chunk[0] - chunk[1]))) if len(chunk) == 2 else None
            rows.append(
                (variant, step // per_epoch, str(len(chunk[0])), [c.mean() for c in chunk], delta)
            )
    else:
        for i in range(n_steps):
            variant, step = divmod(i, per_variant) if per_variant else (0, i)
            values = [c[i] for c in curves]
            delta = abs(values[0] - values[1]) if len(values) == 2 else None
            rows.append((variant, step // per_epoch, str(step % per_epoch), values, delta))
    if len(rows) > MAX_ROWS:  # every k-th row and the last; the full curves are in metrics.json
        k = -(-len(rows) // MAX_ROWS)
        rows = rows[::k] + ([rows[-1]] if (len(rows) - 1) % k else [])
    label_width = max(len(label) for label in labels)
    what = "mean loss" if by_epoch else "loss"
    header = f"{'variant':>{label_width}} " if example.variant_labels else ""
    header += f"{'epoch':>5} {'steps' if by_epoch else 'batch':>5}  "
    header += "  ".join(f"{s + ' ' + what:>24}" for s in sides)
    if len(sides) == 2:
        header += f"  {'max |Δ|' if by_epoch else '|Δ|':>9}"
    lines = [header]
    for variant, epoch, step, values, delta in rows:
        row = (
            f"{labels[min(variant, len(labels) - 1)]:>{label_width}} "
            if example.variant_labels
            else ""
        )
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
    if cfg.get("precision") not in (None, "float32"):
        text += f" parameters, {cfg['precision']} (torch.autocast twin)"
    if cfg.get("devices"):
        text += f", JAX batches split over {cfg['devices']} device(s)"
    return text


def format_report(example: Example, metrics: dict[str, Any]) -> str:
    """The side-by-side text report: per-step losses, final metrics, wall times, max |Δ|."""
    sides = [s for s in ("torch", "jax") if s in metrics]
    cfg = metrics["config"]
    n_steps = len(metrics[sides[0]]["loss"])
    lines = [f"{example.name}: {example.title} ({example.source})"]
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
        lines += _stated_parity(cfg)
    return "\n".join(lines)


CURVE_STEPS = 25
"""The steps a mixed-precision curve tolerance covers (twincore.tolerance says why)."""


def _stated_parity(cfg: dict[str, Any]) -> list[str]:
    """Under a mixed-precision policy: the parity the suite states for its training curves
    (the differences grow with the steps once a 16-bit rounding flips)."""
    policy = cfg.get("precision")
    if policy in (None, "float32"):
        return []
    tol = tolerance(policy, "curve")
    return [
        f"stated parity ({policy}, first {CURVE_STEPS} steps): {tol} of each tensor's "
        "largest element (twincore.tolerance; parity_tests/train/test_precision.py)"
    ]


# --- many seeds (``jaxnn run NAME --seeds K``) -------------------------------------------------


def format_seeds_report(example: Example, metrics: dict[str, Any]) -> str:
    """One line per member (final loss and metrics of the JAX side, or torch's when JAX did
    not run; max |Δ| to torch when both ran), their mean and spread, and the throughput."""
    sides = [s for s in ("torch", "jax") if s in metrics]
    shown = sides[-1]
    members = metrics["members"]
    both = len(sides) == 2
    lines = [
        f"{example.name}: {example.title} ({example.source})",
        f"  model {example.model}; {_hyper_parameters(metrics)}",
        f"  {len(members)} initialisations; every member reads the batches in seed "
        f"{metrics['config']['seed']}'s order",
        "",
    ]
    keys = ["final loss", *members[0][shown]["final"]]
    rows = []
    for member in members:
        trained = member[shown]
        rows.append(
            [trained["loss"][-1] if trained["loss"] else math.nan, *trained["final"].values()]
        )
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
