"""How a recipe's training set is cut into batches, and whether they split over devices."""

from __future__ import annotations

from jaxnn_examples.example import Settings
from jaxnn_examples.recipe import Recipe


def batches(data_x, data_y, recipe: Recipe, settings: Settings, loader_cls, dataset_cls):
    """The batches one framework trains on: ``loader_cls``/``dataset_cls`` are that framework's
    ``DataLoader``/``TensorDataset`` (both draw the same NumPy order from ``settings.seed``)."""
    if recipe.batching == "full":
        return [(data_x, data_y)]
    if recipe.batching == "slices":
        n = len(data_x)
        return [
            (data_x[i : i + settings.batch_size], data_y[i : i + settings.batch_size])
            for i in range(0, n, settings.batch_size)
        ]
    return loader_cls(
        dataset_cls(data_x, data_y),
        batch_size=settings.batch_size,
        shuffle=recipe.shuffle,
        drop_last=recipe.drop_last,
        seed=settings.seed,
    )


def batch_sizes(recipe: Recipe, settings: Settings, n_samples: int) -> list[int]:
    """The sizes of one epoch's batches, in order, for ``n_samples`` training samples."""
    if recipe.batching == "full":
        return [n_samples]
    whole, last = divmod(n_samples, settings.batch_size)
    dropped = recipe.batching == "loader" and recipe.drop_last
    return [settings.batch_size] * whole + ([last] if last and not dropped else [])


def check_devices(recipe: Recipe, settings: Settings) -> None:
    """Raises ``ValueError`` unless every batch splits evenly over ``settings.devices`` devices.

    Needs only the data's length, not JAX: callers check before any device starts, and
    before the torch side spends its run.
    """
    check_split(recipe, settings, len(recipe.load_data(settings).x_train))


def check_split(recipe: Recipe, settings: Settings, n: int) -> None:
    """:func:`check_devices` for ``n`` training samples."""
    d = settings.devices
    if d is None:
        return
    if isinstance(d, bool) or not isinstance(d, int) or d < 1:
        raise ValueError(f"devices must be a positive int or None; got {d!r}")
    if recipe.batching == "full":
        if n % d:
            fix = f"e.g. --train-subset {n - n % d}" if n >= d else f"or at most {n} devices"
            raise ValueError(
                f"full-batch training puts all {n} training samples in every batch, not "
                f"divisible by {d} devices; use a multiple of {d}, {fix}"
            )
        return
    size = settings.batch_size
    if size % d:
        lower, upper = size - size % d, size - size % d + d
        raise ValueError(
            f"batch size {size} is not divisible by {d} devices; use a multiple of {d}, "
            f"e.g. {f'{lower} or {upper}' if lower else upper}"
        )
    last = batch_sizes(recipe, settings, n)[-1] if n else 0
    if last % d:
        raise ValueError(
            f"the last batch of each epoch has {last} samples ({n} training samples in "
            f"batches of {size}), not divisible by {d} devices; use a multiple of {d} for "
            f"it, e.g. --train-subset {n - last % d}"
        )
