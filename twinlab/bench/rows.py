"""A row of the table (one model x batch size x variant) and what follows from its timings."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Row:
    """One model x batch size x variant."""

    model: str
    batch_size: int
    variant: str
    steps_per_repeat: int
    steps_per_s: float | None = None
    repeat_s: list[float] = field(default_factory=list)
    compile_s: float | None = None
    program_bytes: int | None = None  # XLA's memory analysis: arguments + outputs + temps
    device_peak_bytes: int | None = None  # the allocator's high-water mark, where reported
    flops_per_step: float | None = None
    achieved_flops: float | None = None
    fraction_of_peak: float | None = None
    ratio_to_torch: float | None = None
    # max |difference| of the trained parameters from jaxnn-step's after the same steps,
    # over max |jaxnn-step's parameter|: the JAX variants did the same work.
    param_diff_rel: float | None = None
    unroll: int | bool | None = None  # jaxnn-fused: lax.scan's unroll (True: no loop)
    note: str = ""


def finish_rows(rows: list[Row], peak_flops: float) -> None:
    """Steps/s, FLOP/s, fraction of the peak and the ratio to torch of every row."""
    cells: dict[tuple[str, int], dict[str, Row]] = {}
    for row in rows:
        cells.setdefault((row.model, row.batch_size), {})[row.variant] = row
    for cell in cells.values():
        flops = cell["jaxnn-step"].flops_per_step if "jaxnn-step" in cell else None
        for row in cell.values():
            if row.variant == "torch":
                row.flops_per_step = flops  # the same model math as the jaxnn step
            if row.repeat_s:
                row.steps_per_s = row.steps_per_repeat / statistics.median(row.repeat_s)
                if row.flops_per_step:
                    row.achieved_flops = row.flops_per_step * row.steps_per_s
                    row.fraction_of_peak = row.achieved_flops / peak_flops
        base = cell.get("torch")
        if base is not None and base.steps_per_s:
            for row in cell.values():
                if row.steps_per_s:
                    row.ratio_to_torch = row.steps_per_s / base.steps_per_s
