"""The data loader's section: ``jaxnn.data.DataLoader`` batches per second, from the host and
``on_device``, against the steps per second ``jaxnn-step`` consumes."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

from twinlab.bench.models import ModelSpec, model_specs, synthetic_data
from twinlab.bench.rows import Row
from twinlab.bench.timing import repeat_seconds


def loader_rate(
    spec: ModelSpec, batch: int, steps: int, dtype: str, repeats: int, *, on_device: bool
) -> float:
    """Batches per second of a shuffling ``jaxnn.data.DataLoader`` over ``spec``'s samples,
    each batch on the device when it comes out (what a training loop consumes): gathered
    on the host and copied over, or with ``on_device`` gathered from device-resident arrays."""
    import jax

    import jaxnn

    x, y = synthetic_data(spec, batch, steps, dtype, seed=1)
    loader = jaxnn.data.DataLoader(
        jaxnn.data.TensorDataset(x, y), batch, shuffle=True, seed=0, on_device=on_device
    )

    def run():
        batch = None
        for batch in loader:  # noqa: B007 - the last batch is waited for below
            pass
        jax.block_until_ready(batch)

    return len(loader) / statistics.median(repeat_seconds({"loader": run}, repeats)["loader"])


def loader_section(
    rows: list[Row],
    models: Sequence[str],
    batch_sizes: Sequence[int],
    *,
    dtype: str,
    repeats: int,
    say: Callable[[str], None],
) -> list[dict[str, Any]]:
    """The MNIST MLP's loader at each batch size, host-gathered and ``on_device``, over as
    many batches as its ``jaxnn-step`` repeat (none when the run leaves the MLP out)."""
    loader: list[dict[str, Any]] = []
    if "mnist_mlp" not in models:
        return loader
    spec = model_specs()["mnist_mlp"]
    for b in batch_sizes:
        trained = next(
            r for r in rows if (r.model, r.batch_size, r.variant) == ("mnist_mlp", b, "jaxnn-step")
        )
        for on_device in (False, True):
            say(f"data loader, batch {b}" + (", on_device" if on_device else ""))
            rate = loader_rate(
                spec, b, trained.steps_per_repeat, dtype, repeats, on_device=on_device
            )
            loader.append(
                {
                    "model": "mnist_mlp",
                    "batch_size": b,
                    "on_device": on_device,
                    "batches_per_s": rate,
                    "training_steps_per_s": trained.steps_per_s,
                    "ratio_to_training": rate / trained.steps_per_s,
                }
            )
    return loader
