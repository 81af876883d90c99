"""The files ``jaxnn run --out DIR`` writes, each one atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jaxnn_examples.example import Example
from twincore.atomic import atomic_write
from twinlab.records import SideResult
from twinlab.reports import plots
from twinlab.reports.predictions import write_predictions


def write_metrics(out_dir: Path, metrics: dict[str, Any]) -> Path:
    """Writes ``out_dir/metrics.json`` atomically."""
    return atomic_write(out_dir / "metrics.json", json.dumps(metrics, indent=2) + "\n")


def write_outputs(
    out_dir: Path, example: Example, metrics: dict[str, Any], results: dict[str, SideResult]
) -> list[Path]:
    """Everything ``jaxnn run --out`` writes, each file atomically: ``metrics.json``; for a
    training example also ``curves.png``, for an image classifier ``predictions.png`` (its
    first test images with true and predicted labels), and each side's final parameters,
    ``params-<side>.safetensors`` (torch's key names; loads into either twin)."""
    written = [write_metrics(out_dir, metrics)]
    curves = write_curves(out_dir, example, metrics)
    if curves is not None:
        written.append(curves)
        shown = _shown_side(results)
        if shown is not None:
            side, predictions = shown
            what = f"{example.name} ({_numerics(metrics)}), {side}'s predictions"
            written.append(write_predictions(out_dir / "predictions.png", predictions, what))
        for side, result in results.items():
            written.append(_save_params(side, result, out_dir / f"params-{side}.safetensors"))
    return written


def write_curves(out_dir: Path, example: Example, metrics: dict[str, Any]) -> Path | None:
    """Writes ``out_dir/curves.png`` atomically: the loss curves of the sides that ran,
    overlaid, and ``|torch - JAX|`` per step on a log axis. ``None`` for an example with no
    loss curve (a forward/backward demo)."""
    sides = [s for s in ("torch", "jax") if s in metrics]
    n_steps = len(metrics[sides[0]]["loss"])
    if not n_steps:
        return None
    epochs = metrics["config"]["epochs"] * max(1, len(example.variant_labels))
    return plots.write_curves(
        out_dir / "curves.png",
        metrics.get("torch", {}).get("loss"),
        metrics.get("jax", {}).get("loss"),
        f"{example.name} ({_numerics(metrics)}): {example.title}",
        steps_per_epoch=n_steps // epochs if epochs and n_steps % epochs == 0 else None,
    )


def _numerics(metrics: dict[str, Any]) -> str:
    """``float64``, or ``float32`` with its mixed-precision policy when one was used."""
    precision = metrics["config"].get("precision")
    return f"{metrics['dtype']}, {precision}" if precision else metrics["dtype"]


def _shown_side(results: dict[str, SideResult]):
    """``(side name, its shown predictions)``: JAX's, or torch's when JAX did not run;
    ``None`` when no side has any (not an image classifier)."""
    for side, name in (("jax", "JAX"), ("torch", "torch")):
        if side in results and results[side].shown is not None:
            return name, results[side].shown
    return None


def write_seed_outputs(out_dir: Path, example: Example, metrics: dict[str, Any]) -> list[Path]:
    """What ``jaxnn run --seeds K --out`` writes, each file atomically: ``metrics.json`` and,
    when there are steps, ``curves.png`` (every member's curve; per-member |torch - JAX|)."""
    written = [write_metrics(out_dir, metrics)]
    sides = [s for s in ("torch", "jax") if s in metrics]
    if metrics["members"] and metrics["members"][0][sides[0]]["loss"]:
        png = plots.member_curves_png(example, metrics, sides)
        written.append(atomic_write(out_dir / "curves.png", png))
    return written


def _save_params(side: str, result: SideResult, path: Path) -> Path:
    """A side's final state dict through its own twin's writer (the files are byte-identical),
    so that a torch-only run never imports JAX."""
    if side == "torch":
        import torch

        from torch_ref.checkpoint import save_safetensors as save_torch

        return save_torch({k: torch.from_numpy(v) for k, v in result.final_state.items()}, path)
    from jaxnn.checkpoint import save_safetensors

    return save_safetensors(result.final_state, path)
