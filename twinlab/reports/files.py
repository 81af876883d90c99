"""The files ``jaxnn run --out DIR`` writes, each one atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jaxnn_examples.example import Example
from twincore.atomic import atomic_write
from twinlab.records import SideResult
from twinlab.reports import plots


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
        written.append(curves)
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
        f"{example.name} ({metrics['dtype']}): {example.title}",
        steps_per_epoch=n_steps // epochs if epochs and n_steps % epochs == 0 else None,
    )


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
