"""The issue's speed targets, each read from a run's own rows: the value, the goal, met or not."""

from __future__ import annotations

from typing import Any

from twinlab.bench.models import MODELS
from twinlab.bench.rows import Row

# The issues' targets on a CPU; see `targets`.
TARGETS = {
    "jaxnn_step_vs_torch": 1.0,
    "mnist_mlp_b64_fused_vs_torch": 2.0,
    "toy_small_batch_fused_vs_torch": 5.0,
    "b1024_fraction_of_matmul_peak": 0.85,
    "jaxnn_step_vs_floor": 0.9,
    "converted_vs_step": 0.9,
    "loader_vs_training": 10.0,
    "multiseed_vs_sequential": 4.0,
    "real_size_e14_vs_torch": 1.5,
    "real_size_cnn_vs_torch": 1.0,
}
# The real-size section's examples that have a target, and its name.
REAL_SIZE_TARGETS = {
    "mnist_two_hidden": "real_size_e14_vs_torch",
    "cnn_template": "real_size_cnn_vs_torch",
}


def targets(
    rows: list[Row],
    loader: list[dict[str, Any]],
    multiseed: list[dict[str, Any]],
    real_size: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The issues' targets, each read from this run's rows and sections: what was measured,
    the goal, and whether it was met (``None`` where the run lacks the rows it needs)."""
    by = {(r.model, r.batch_size, r.variant): r for r in rows}
    out = []

    def add(name, what, value, goal):
        met = None if value is None else bool(value >= goal)
        out.append({"target": name, "what": what, "value": value, "goal": goal, "met": met})

    for r in rows:  # in the table's order
        if r.variant == "jaxnn-step" and (r.model, r.batch_size, "torch") in by:
            add(
                "jaxnn_step_vs_torch",
                f"{r.model}, batch {r.batch_size}: jaxnn-step steps/s over torch eager",
                r.ratio_to_torch,
                TARGETS["jaxnn_step_vs_torch"],
            )
    r = by.get(("mnist_mlp", 64, "jaxnn-fused"))
    add(
        "mnist_mlp_b64_fused_vs_torch",
        "MNIST MLP, batch 64: jaxnn-fused steps/s over torch eager",
        r.ratio_to_torch if r else None,
        TARGETS["mnist_mlp_b64_fused_vs_torch"],
    )
    small = [b for (m, b, v) in by if m == "toy" and b <= 8 and v == "jaxnn-fused"]
    for b in sorted(small):
        add(
            "toy_small_batch_fused_vs_torch",
            f"toy classifier, batch {b}: jaxnn-fused over torch eager",
            by[("toy", b, "jaxnn-fused")].ratio_to_torch,
            TARGETS["toy_small_batch_fused_vs_torch"],
        )
    for m in MODELS:
        cands = [by.get((m, 1024, v)) for v in ("jaxnn-step", "jaxnn-fused")]
        cands = [c for c in cands if c and c.fraction_of_peak is not None]
        if cands:
            best = max(cands, key=lambda c: c.fraction_of_peak)
            add(
                "b1024_fraction_of_matmul_peak",
                f"{m}, batch 1024: achieved FLOP/s of {best.variant} over the matmul peak",
                best.fraction_of_peak,
                TARGETS["b1024_fraction_of_matmul_peak"],
            )
    for (m, b, v), r in sorted(by.items()):
        floor = by.get((m, b, "jax-floor"))
        if v == "jaxnn-step" and r.steps_per_s and floor and floor.steps_per_s:
            add(
                "jaxnn_step_vs_floor",
                f"{m}, batch {b}: jaxnn-step steps/s over the hand-written JAX step",
                r.steps_per_s / floor.steps_per_s,
                TARGETS["jaxnn_step_vs_floor"],
            )
    for (m, b, v), r in sorted(by.items()):
        step = by.get((m, b, "jaxnn-step"))
        if v == "jaxnn-converted" and r.steps_per_s and step and step.steps_per_s:
            add(
                "converted_vs_step",
                f"{m}, batch {b}: the from_torch twin's steps/s over the hand-written twin's",
                r.steps_per_s / step.steps_per_s,
                TARGETS["converted_vs_step"],
            )
    for entry in loader:
        add(
            "loader_vs_training",
            f"{entry['model']}, batch {entry['batch_size']}: DataLoader"
            + ("(on_device=True)" if entry["on_device"] else "")
            + " batches/s over jaxnn-step steps/s",
            entry["ratio_to_training"],
            TARGETS["loader_vs_training"],
        )
    for entry in multiseed:
        add(
            "multiseed_vs_sequential",
            f"{entry['model']}, batch {entry['batch_size']}: {entry['seeds']} seeds vmapped, "
            "model-steps/s over the same runs one after another",
            entry["ratio"],
            TARGETS["multiseed_vs_sequential"],
        )
    for entry in (real_size or {}).get("runs", []):
        name = REAL_SIZE_TARGETS.get(entry["example"])
        if name is not None:
            data = real_size["data"]
            add(
                name,
                f"jaxnn run {entry['example']}, {entry['epochs']} epoch(s) on "
                f"{data['train_images']:,} IDX images: torch's wall time over JAX's",
                entry["ratio"],
                TARGETS[name],
            )
    return out
