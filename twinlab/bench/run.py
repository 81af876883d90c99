"""One ``jaxnn bench`` run: torch's cells in their own process, then JAX's, then the loader,
multi-seed, real-size and target sections, as one JSON-ready result."""

from __future__ import annotations

import resource
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from twinlab.bench.device import device_info
from twinlab.bench.jax_runners import bench_jax_cell
from twinlab.bench.loader import loader_section
from twinlab.bench.matmul_peak import MATMUL_SIZE, jax_matmul_flops
from twinlab.bench.models import BATCH_SIZES, MODELS, VARIANTS, model_specs
from twinlab.bench.real_size import MNIST_TRAIN, REAL_SIZE_RUNS, real_size_section
from twinlab.bench.rows import Row, finish_rows
from twinlab.bench.seeds import multiseed_section
from twinlab.bench.targets import targets
from twinlab.bench.torch_worker import torch_available, torch_in_child


def run_bench(
    models: Sequence[str] = MODELS,
    batch_sizes: Sequence[int] = BATCH_SIZES,
    *,
    dtype: str = "float32",
    repeats: int = 5,
    seconds: float = 0.5,
    steps: int | None = None,
    matmul_size: int = MATMUL_SIZE,
    seeds: int = 16,
    real_size: Sequence[tuple[str, int]] = REAL_SIZE_RUNS,
    data_dir: Path | None = None,
    real_size_images: int = MNIST_TRAIN,
    real_size_repeats: int = 1,
    with_torch: bool | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Runs the benchmark; returns the JSON-ready result (see
    :func:`twinlab.bench.table.format_table`).

    torch runs first, in a process of its own (:mod:`twinlab.bench.torch_worker`), and sizes
    each cell's repeat; JAX then runs the same number of steps on the same batches here.
    ``real_size``: the examples and epochs of the real-size section
    (:mod:`twinlab.bench.real_size`; empty: none), on the IDX files in ``data_dir`` or on
    ``real_size_images`` generated training images (and a sixth as many test images).
    ``with_torch=None``: when torch is installed.
    """
    import jaxnn.config

    with_torch = torch_available() if with_torch is None else with_torch
    if with_torch:  # torch's process allocates on the same GPU
        jaxnn.config.share_device_with_torch()
    jaxnn.config.set_numerics(dtype)
    specs = model_specs()
    say = progress or (lambda message: None)
    cells = [(m, b) for m in models for b in batch_sizes]
    rows: list[Row] = []
    sized: dict[tuple[str, int], int] = {}
    peak = {"size": matmul_size}
    info = device_info()
    if with_torch:
        say(f"torch: matmul peak and {len(cells)} cells, in a process of its own")
        request = {
            "cells": cells,
            "dtype": dtype,
            "repeats": repeats,
            "seconds": seconds,
            "steps": steps,
            "matmul_size": matmul_size,
        }
        done = torch_in_child(request)
        info.update(done["info"])
        peak["torch_flops"] = done["matmul_flops"]
        for cell in done["cells"]:
            row = Row(cell["model"], cell["batch_size"], "torch", cell["steps"])
            row.repeat_s, row.device_peak_bytes = cell["repeat_s"], cell["peak_bytes"]
            rows.append(row)
            sized[(row.model, row.batch_size)] = row.steps_per_repeat
    say(f"jax: matmul peak ({matmul_size}x{matmul_size})")
    peak["jax_flops"] = jax_matmul_flops(dtype, repeats, matmul_size)
    peak["flops"] = max(peak.get("torch_flops", 0.0), peak["jax_flops"])
    for i, (m, b) in enumerate(cells, start=1):
        say(f"[{i}/{len(cells)}] jax {m}, batch {b}")
        rows += bench_jax_cell(
            specs[m], b, sized.get((m, b), steps), dtype=dtype, repeats=repeats, seconds=seconds
        )
    order = {v: i for i, v in enumerate(VARIANTS)}
    rows.sort(key=lambda r: (MODELS.index(r.model), r.batch_size, order[r.variant]))
    finish_rows(rows, peak["flops"])
    loader = loader_section(rows, models, batch_sizes, dtype=dtype, repeats=repeats, say=say)
    multiseed = multiseed_section(
        rows, models, batch_sizes, seeds=seeds, dtype=dtype, repeats=repeats, say=say
    )
    real = None
    if real_size:
        real = real_size_section(
            real_size,
            data_dir=data_dir,
            dtype=dtype,
            repeats=real_size_repeats,
            train=real_size_images,
            test=-(-real_size_images // 6),  # MNIST's 10,000 test images to 60,000
            with_torch=with_torch,
            say=say,
        )
    result = {
        "device": info,
        "config": {
            "models": list(models),
            "batch_sizes": list(batch_sizes),
            "dtype": dtype,
            "repeats": repeats,
            "seconds_per_repeat": seconds,
            "steps": steps,
            "seeds": seeds,
        },
        "matmul_peak": peak,
        "rows": [asdict(r) for r in rows],
        "loader": loader,
        "multiseed": multiseed,
        "real_size": real,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    result["targets"] = targets(rows, loader, multiseed, real)
    return result
