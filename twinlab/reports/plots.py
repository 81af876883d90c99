"""Loss curves of the two frameworks, overlaid, with their difference on a log axis."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from jaxnn_examples.example import Example
from twincore.atomic import atomic_write

# Differences of exactly zero have no place on a log axis; they are drawn at this floor.
ZERO_FLOOR = 1e-18


def curves_png(
    torch_losses: Sequence[float] | None,
    jax_losses: Sequence[float] | None,
    title: str,
    *,
    steps_per_epoch: int | None = None,
) -> bytes:
    """:func:`curves_figure` as a PNG."""
    buffer = io.BytesIO()
    curves_figure(torch_losses, jax_losses, title, steps_per_epoch=steps_per_epoch).savefig(
        buffer, format="png"
    )
    return buffer.getvalue()


def curves_figure(
    torch_losses: Sequence[float] | None,
    jax_losses: Sequence[float] | None,
    title: str,
    *,
    steps_per_epoch: int | None = None,
):
    """The loss curves of the sides that ran (top) and ``|torch - JAX|`` per step on a log
    axis (bottom, only when both ran; exact agreement is drawn at ``ZERO_FLOOR``), as a
    matplotlib ``Figure`` whose constrained layout keeps every label clear of the others."""
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    from matplotlib.figure import Figure

    given = (("torch", torch_losses), ("JAX", jax_losses))
    curves = {k: np.asarray(v, np.float64) for k, v in given if v is not None and len(v)}
    if not curves:
        raise ValueError("curves_figure: no loss curve to plot")
    both = len(curves) == 2
    fig = Figure(figsize=(7.5, 5.2 if both else 3.2), dpi=110, layout="constrained")
    axes = fig.subplots(2 if both else 1, 1, sharex=True, squeeze=False)[:, 0]
    steps = np.arange(1, len(next(iter(curves.values()))) + 1)
    styles = {"torch": dict(color="#ee4c2c", lw=2.2), "JAX": dict(color="#1f5fbf", lw=1.2, ls="--")}
    for name, losses in curves.items():
        axes[0].plot(steps[: losses.size], losses, label=name, **styles[name])
    axes[0].set_ylabel("loss")
    axes[0].set_title(title, fontsize=10)
    axes[0].legend(loc="upper right")
    if np.all(np.concatenate(list(curves.values())) > 0):
        axes[0].set_yscale("log")
    if both:
        diff = np.abs(curves["torch"] - curves["JAX"])
        axes[1].semilogy(steps, np.maximum(diff, ZERO_FLOOR), color="#444", lw=1)
        axes[1].set_ylabel("|torch − JAX|")
        finite = diff[np.isfinite(diff)]  # a step where a side's loss was NaN is left undrawn
        top = float(finite.max()) * 10 if finite.size else 1.0
        axes[1].set_ylim(ZERO_FLOOR / 3, max(top, 1e-14))
        if np.any(diff == 0):
            # A legend inside the axes, not a free label: matplotlib places it clear of the
            # ticks and of the other labels, and it says what the floor line means.
            label = f"|Δ| = 0, drawn at {ZERO_FLOOR:.0e}"
            axes[1].axhline(ZERO_FLOOR, color="#999", lw=0.8, ls=":", label=label)
            axes[1].legend(loc="best", fontsize=8, framealpha=0.9)
    if steps_per_epoch and steps_per_epoch < steps.size:
        for ax in axes:
            for edge in range(steps_per_epoch, steps.size, steps_per_epoch):
                ax.axvline(edge + 0.5, color="#bbb", lw=0.6, zorder=0)
    axes[-1].set_xlabel("step" + (" (grey lines: epochs)" if steps_per_epoch else ""))
    return fig


def write_curves(path: str | os.PathLike, *args, **kwargs) -> Path:
    """Writes :func:`curves_png` to ``path`` atomically."""
    return atomic_write(path, curves_png(*args, **kwargs))


def member_curves_png(example: Example, metrics: dict[str, Any], sides: list[str]) -> bytes:
    """A PNG: every member's loss curve (top) and its |torch - JAX| per step (bottom, when
    both ran), one colour per RNG seed."""
    import io

    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    from matplotlib.figure import Figure

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
