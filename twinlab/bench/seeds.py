"""The multi-seed section: K members trained in one vmapped step against the same K trained
one after another, in model-steps per second."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

from twinlab.bench.models import ModelSpec, model_specs, synthetic_data
from twinlab.bench.rows import Row
from twinlab.bench.timing import MIN_STEPS, repeat_seconds


def multiseed_rate(
    spec: ModelSpec, batch: int, steps: int, seeds: int, dtype: str, repeats: int
) -> dict[str, Any]:
    """K members trained in one vmapped step (``jaxnn.parallel.make_multi_train_step``) against
    the same K trained one after another with ``make_train_step``: model-steps per second."""
    import jax
    from flax import nnx

    import jaxnn

    x, y = (jax.device_put(a) for a in synthetic_data(spec, batch, steps, dtype))
    batches = [(x[i : i + batch], y[i : i + batch]) for i in range(0, len(x), batch)]
    tx = jaxnn.optim.sgd(spec.lr)
    criterion = jaxnn.functional.cross_entropy if spec.classes else jaxnn.functional.mse_loss
    created = [
        jaxnn.train.TrainState.create(spec.jax_model(nnx.Rngs(k), dtype), tx) for k in range(seeds)
    ]
    graphdef = created[0][0]
    single = jaxnn.train.make_train_step(graphdef, tx, criterion)
    multi = jaxnn.parallel.make_multi_train_step(graphdef, tx, criterion)
    states = [state for _, state in created]
    box = {"multi": jaxnn.parallel.stack_states(states)}

    def one_after_another():
        for k in range(seeds):
            state, metrics = states[k], None
            for batch_ in batches:
                state, metrics = single(state, batch_)
            states[k] = state
            jax.block_until_ready(metrics["loss"])

    def vmapped():
        state, metrics = box["multi"], None
        for batch_ in batches:
            state, metrics = multi(state, batch_)
        box["multi"] = state
        jax.block_until_ready(metrics["loss"])

    times = repeat_seconds({"sequential": one_after_another, "vmapped": vmapped}, repeats)
    rates = {k: seeds * steps / statistics.median(t) for k, t in times.items()}
    return {
        "model": spec.name,
        "batch_size": batch,
        "seeds": seeds,
        "sequential_model_steps_per_s": rates["sequential"],
        "vmapped_model_steps_per_s": rates["vmapped"],
        "ratio": rates["vmapped"] / rates["sequential"],
    }


def multiseed_section(
    rows: list[Row],
    models: Sequence[str],
    batch_sizes: Sequence[int],
    *,
    seeds: int,
    dtype: str,
    repeats: int,
    say: Callable[[str], None],
) -> list[dict[str, Any]]:
    """:func:`multiseed_rate` of every model at batch 64 (else the run's first batch size)."""
    specs = model_specs()
    multiseed = []
    ms_batch = 64 if 64 in batch_sizes else batch_sizes[0]
    for m in models:
        cell = next(
            r for r in rows if (r.model, r.batch_size, r.variant) == (m, ms_batch, "jaxnn-step")
        )
        # K runs one after another take K times a cell's repeat; keep a repeat that long.
        ms_steps = max(MIN_STEPS, cell.steps_per_repeat // seeds)
        say(f"multi-seed: {m}, batch {ms_batch}, {seeds} seeds")
        multiseed.append(multiseed_rate(specs[m], ms_batch, ms_steps, seeds, dtype, repeats))
    return multiseed
