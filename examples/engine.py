"""The shared engine of the training examples: one recipe, run by each framework.

A worked example that trains is described by a :class:`Recipe` (what model, which
loss, which optimizer, how the data is batched, what to report) and a data
builder. :func:`run_torch` runs it with the seeds' torch loop
(``torch_ref.train.fit``), :func:`run_jax` with ``jaxnn.train.fit``. Both read
the same NumPy data in the same batch order; with ``--framework both`` the JAX
side starts from a copy of torch's initial parameters.

Models are written as specs resolved by name in each framework, so one spec
builds both twins::

    ("models.NeuralNetwork", 2, 2)                 # torch_ref.models / jaxnn.models
    ("nn.Linear", 3, 1)                            # torch.nn / jaxnn.nn
    ("nn.Sequential", ("nn.Linear", 10, 20), ("nn.ReLU",), ("nn.Linear", 20, 1))

A recipe with ``variants`` trains one fresh model per variant, one after
another from one seed (the seeds' ``train_with_lr(lr)`` helpers, E56/E57).
``config.train_subset`` keeps the first that many training samples.
:func:`example` turns a recipe into an :class:`~examples.runner.Example`.

``config.devices`` splits the JAX side's batches over that many devices
(``jaxnn.train.ShardedLoader``); :func:`check_devices` says beforehand whether every
batch splits evenly. :func:`run_seed_sides` trains K initialisations of a one-model
recipe: torch one run after another, JAX in one vmapped program (``jaxnn.train.fit_seeds``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from examples.runner import FRAMEWORKS, Config, Example, SeedsResult, SideResult

ModelSpec = tuple  # (name, *args); Sequential's args are specs themselves

# jaxnn.optim factory -> torch.optim class name
TORCH_OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop"}
BATCHING = ("full", "loader", "slices")
# Report items every recipe can name (besides "parameters" and its own ``metrics``).
BUILTIN_REPORTS = (
    "train_loss",
    "test_loss",
    "train_accuracy",
    "test_accuracy",
    "initial_loss",
    "final_loss",
)


@dataclass(frozen=True)
class Data:
    """One example's arrays, built once in NumPy and handed to both frameworks.

    ``info`` holds constants a recipe's own metrics need (e.g. the mean and
    standard deviation that z-scored the targets, to report errors in the
    original units).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    info: Mapping[str, float] = field(default_factory=dict)


Predict = Callable[[np.ndarray], np.ndarray]
"""The trained model in eval mode, without gradients: NumPy inputs -> NumPy outputs."""
Metric = Callable[[Predict, Data], float]
"""A recipe's own final metric, computed the same way from each framework's ``predict``."""


@dataclass(frozen=True)
class Variant:
    """One of several models a recipe trains in a row, each from fresh parameters.

    Attributes:
      label: names the run; prefixes its final metrics and parameters (``"sgd.weight"``).
      optimizer: replaces the recipe's optimizer (``None``: keep it).
      lr_scale: the run's learning rate is ``config.lr * lr_scale``.
      optimizer_kwargs: replace the recipe's (``None``: keep them).
    """

    label: str
    optimizer: str | None = None
    lr_scale: float = 1.0
    optimizer_kwargs: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Recipe:
    """How a training example runs.

    Attributes:
      model: a model spec (see the module docstring).
      data: ``data(config) -> Data``; must honour ``config.dtype``.
      loss: a ``torch.nn.functional`` name, the same in ``jaxnn.functional``.
      optimizer: ``"sgd"``, ``"adam"``, ``"adamw"`` or ``"rmsprop"``; the
        learning rate comes from the config, other arguments from
        ``optimizer_kwargs``.
      batching: ``"full"`` (the whole training set every step, the seeds'
        full-batch loops), ``"loader"`` (a DataLoader of ``batch_size`` with
        ``shuffle``/``drop_last``) or ``"slices"`` (consecutive slices of
        ``batch_size``, no shuffle: the seeds' manual mini-batching).
      report: final metrics, from ``"train_loss"``, ``"test_loss"`` (the
        trained model, evaluated), ``"train_accuracy"``, ``"test_accuracy"``,
        ``"initial_loss"`` and ``"final_loss"`` (the first and the last
        training step's loss, as the seeds print ``losses[0]`` and
        ``loss.item()`` after their loops), ``"parameters"`` (every parameter
        element of a small model, by torch name), or a key of ``metrics``.
      threshold: how accuracy reads a one-column output: class 1 where the
        output is above ``threshold`` (0.5 for a Sigmoid output, 0.0 for
        logits; the targets are 0/1 floats). ``None`` (default): the class is
        the argmax over the outputs' second axis.
      metrics: the recipe's own report items: ``name -> metric(predict, data)``.
      variants: train one fresh model per variant, in order, after one seed;
        empty (default): one model.
    """

    model: ModelSpec
    data: Callable[[Config], Data]
    loss: str
    optimizer: str = "sgd"
    optimizer_kwargs: Mapping[str, Any] = field(default_factory=dict)
    batching: str = "full"
    shuffle: bool = False
    drop_last: bool = False
    report: tuple[str, ...] = ("train_loss",)
    threshold: float | None = None
    metrics: Mapping[str, Metric] = field(default_factory=dict)
    variants: tuple[Variant, ...] = ()

    def __post_init__(self):
        for optimizer in (self.optimizer, *(v.optimizer for v in self.variants)):
            if optimizer is not None and optimizer not in TORCH_OPTIMIZERS:
                raise ValueError(f"unknown optimizer {optimizer!r}")
        if self.batching not in BATCHING:
            raise ValueError(f"batching must be one of {BATCHING}; got {self.batching!r}")
        known = (*BUILTIN_REPORTS, "parameters", *self.metrics)
        unknown = [item for item in self.report if item not in known]
        if unknown:
            raise ValueError(f"unknown report items {unknown}; known: {known}")
        labels = [v.label for v in self.variants]
        if len(set(labels)) != len(labels) or not all(x.isidentifier() for x in labels):
            raise ValueError(f"variant labels must be unique identifiers; got {labels}")

    def runs(self) -> tuple[Variant, ...]:
        """The training runs: the variants, or one run with the recipe's own settings."""
        return self.variants or (Variant(""),)

    def optimizer_of(self, run: Variant, config: Config) -> tuple[str, float, dict[str, Any]]:
        """``(optimizer name, learning rate, keyword arguments)`` of one run."""
        kwargs = self.optimizer_kwargs if run.optimizer_kwargs is None else run.optimizer_kwargs
        return run.optimizer or self.optimizer, config.lr * run.lr_scale, dict(kwargs)


def load_data(recipe: Recipe, config: Config) -> Data:
    """The recipe's data, keeping the first ``config.train_subset`` training samples."""
    data = recipe.data(config)
    n = config.train_subset
    if n is None:
        return data
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"train_subset must be a positive int or None; got {n!r}")
    return dataclasses.replace(data, x_train=data.x_train[:n], y_train=data.y_train[:n])


def _prefixed(run: Variant, key: str) -> str:
    return f"{run.label}.{key}" if run.label else key


def _batches(data_x, data_y, recipe: Recipe, config: Config, loader_cls, dataset_cls):
    if recipe.batching == "full":
        return [(data_x, data_y)]
    if recipe.batching == "slices":
        n = len(data_x)
        return [
            (data_x[i : i + config.batch_size], data_y[i : i + config.batch_size])
            for i in range(0, n, config.batch_size)
        ]
    return loader_cls(
        dataset_cls(data_x, data_y),
        batch_size=config.batch_size,
        shuffle=recipe.shuffle,
        drop_last=recipe.drop_last,
        seed=config.seed,
    )


# --- torch ---------------------------------------------------------------------------------


def build_torch(spec: ModelSpec):
    """The torch module a spec names."""
    import torch

    import torch_ref

    name, *args = spec
    space, _, cls = name.partition(".")
    if cls == "Sequential":
        return torch.nn.Sequential(*(build_torch(s) for s in args))
    owner = {"models": torch_ref.models, "nn": torch.nn}[space]
    return getattr(owner, cls)(*args)


def run_torch(recipe: Recipe, config: Config) -> SideResult:
    """The example in torch: ``torch.manual_seed(seed)``, then per run a model and the
    seeds' loop (the models of several runs are drawn one after another)."""
    import torch

    data = load_data(recipe, config)
    torch.manual_seed(config.seed)
    result = SideResult([], {}, {}, initial_state={})
    for run in recipe.runs():
        _train_torch(recipe, config, run, data, result)
    return result


def _train_torch(recipe: Recipe, config: Config, run: Variant, data: Data, result) -> float:
    """Draws one model from torch's global generator, trains it with the seeds' loop and adds
    its curve, final metrics and states to ``result``; returns the seconds ``fit`` took."""
    import time

    import torch

    import torch_ref

    dtype = torch_ref.config.torch_dtype(config.dtype)
    as_tensor = torch.from_numpy
    x, y = as_tensor(data.x_train), as_tensor(data.y_train)
    loss_fn = getattr(torch.nn.functional, recipe.loss)
    batches = _batches(
        x, y, recipe, config, torch_ref.data.DataLoader, torch_ref.data.TensorDataset
    )
    model = build_torch(recipe.model).to(dtype)
    initial = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    name, lr, kwargs = recipe.optimizer_of(run, config)
    optimizer = getattr(torch.optim, TORCH_OPTIMIZERS[name])(model.parameters(), lr=lr, **kwargs)
    start = time.perf_counter()
    losses = torch_ref.train.fit(model, optimizer, loss_fn, batches, config.epochs).losses
    seconds = time.perf_counter() - start

    model.eval()
    state = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}

    def predict(xs):
        with torch.no_grad():
            return model(as_tensor(xs)).numpy()

    def loss_of(xs, ys):
        with torch.no_grad():
            return loss_fn(model(as_tensor(xs)), as_tensor(ys)).item()

    final = _report(recipe, data, predict, loss_of, state, losses)
    _merge(result, run, losses, final, state, initial)
    return seconds


# --- JAX -----------------------------------------------------------------------------------


def build_jax(spec: ModelSpec, *, dtype, rngs):
    """The jaxnn module a spec names."""
    import jaxnn

    name, *args = spec
    space, _, cls = name.partition(".")
    if cls == "Sequential":
        return jaxnn.nn.Sequential(*(build_jax(s, dtype=dtype, rngs=rngs) for s in args))
    owner = {"models": jaxnn.models, "nn": jaxnn.nn}[space]
    target = getattr(owner, cls)
    if space == "nn" and not _takes_rngs(target):
        return target(*args)
    return target(*args, dtype=dtype, rngs=rngs)


def _takes_rngs(cls) -> bool:
    import inspect

    return "rngs" in inspect.signature(cls.__init__).parameters


def _build_jax_from(spec: ModelSpec, dtype: np.dtype, state: dict[str, np.ndarray]):
    """The jaxnn module a spec names, holding ``state`` (torch keys and layouts).

    Its own random initialisation would be thrown away, and every draw is a
    compiled program, so the module is built abstractly (``nnx.eval_shape``)
    and its variables filled with zeros on the host before ``state`` is loaded.
    A module with other state than numbers (e.g. a dropout key) is built for real.
    """
    import jax
    from flax import nnx

    import jaxnn

    abstract = nnx.eval_shape(lambda: build_jax(spec, dtype=dtype, rngs=nnx.Rngs(0)))
    graphdef, abstract_state = nnx.split(abstract)
    leaves = jax.tree.leaves(abstract_state)
    if all(np.issubdtype(leaf.dtype, np.number) for leaf in leaves):
        zeros = jax.tree.map(lambda s: jax.device_put(np.zeros(s.shape, s.dtype)), abstract_state)
        model = nnx.merge(graphdef, zeros)
    else:
        model = build_jax(spec, dtype=dtype, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(model, state)
    return model


def run_jax(recipe: Recipe, config: Config, init: dict[str, np.ndarray] | None) -> SideResult:
    """The example in JAX; starts from ``init`` (torch's parameters) when given. With
    ``config.devices`` each batch is split over that many devices (:func:`check_devices`)."""
    from flax import nnx

    import jaxnn

    jaxnn.config.require_dtype(config.dtype)  # the entry point sets numerics
    data = load_data(recipe, config)
    _check_split(recipe, config, len(data.x_train))
    loss_fn = getattr(jaxnn.functional, recipe.loss)

    rngs = nnx.Rngs(config.seed) if init is None else None
    result = SideResult([], {}, {})
    for run in recipe.runs():
        batches = _jax_batches(recipe, config, data)
        if init is None:
            model = build_jax(recipe.model, dtype=np.dtype(config.dtype), rngs=rngs)
        else:
            prefix = _prefixed(run, "")
            model = _build_jax_from(
                recipe.model,
                np.dtype(config.dtype),
                {k[len(prefix) :]: v for k, v in init.items() if k.startswith(prefix)},
            )
        name, lr, kwargs = recipe.optimizer_of(run, config)
        tx = getattr(jaxnn.optim, name)(lr=lr, **kwargs)
        checkpoints = _checkpointing(config, model, tx)
        losses = jaxnn.train.fit(model, tx, loss_fn, batches, config.epochs, **checkpoints).losses
        final, state = _jax_final(recipe, data, model, loss_fn, losses)
        _merge(result, run, losses, final, state, None)
    return result


def _jax_batches(recipe: Recipe, config: Config, data: Data):
    """The JAX side's batches; split over ``config.devices`` devices when that is set."""
    import jax.numpy as jnp

    import jaxnn

    x, y = jnp.asarray(data.x_train), jnp.asarray(data.y_train)
    if recipe.batching == "loader":  # the loader slices NumPy arrays and places each batch
        x, y = data.x_train, data.y_train
    batches = _batches(x, y, recipe, config, jaxnn.data.DataLoader, jaxnn.data.TensorDataset)
    if config.devices is None:
        return batches
    mesh = jaxnn.train.data_mesh(config.devices)
    if isinstance(batches, list):  # full batch or fixed slices: split once, not every epoch
        return [jaxnn.train.shard_batch(batch, mesh) for batch in batches]
    return jaxnn.train.ShardedLoader(batches, mesh)


def _jax_final(recipe: Recipe, data: Data, model, loss_fn, losses):
    """``(final metrics, state dict)`` of a trained jaxnn model, evaluated in eval mode."""
    import jax.numpy as jnp

    import jaxnn

    model.eval()
    state = jaxnn.interop.state_dict(model)

    def predict(xs):
        return np.asarray(model(jnp.asarray(xs)))

    def loss_of(xs, ys):
        return float(loss_fn(model(jnp.asarray(xs)), jnp.asarray(ys)))

    return _report(recipe, data, predict, loss_of, state, losses), state


# --- data parallelism ----------------------------------------------------------------------


def batch_sizes(recipe: Recipe, config: Config, n_samples: int) -> list[int]:
    """The sizes of one epoch's batches, in order, for ``n_samples`` training samples."""
    if recipe.batching == "full":
        return [n_samples]
    whole, last = divmod(n_samples, config.batch_size)
    dropped = recipe.batching == "loader" and recipe.drop_last
    return [config.batch_size] * whole + ([last] if last and not dropped else [])


def check_devices(recipe: Recipe, config: Config) -> None:
    """Raises ``ValueError`` unless every batch splits evenly over ``config.devices`` devices.

    Needs only the data's length, not JAX: callers check before any device starts, and
    before the torch side spends its run.
    """
    _check_split(recipe, config, len(load_data(recipe, config).x_train))


def _check_split(recipe: Recipe, config: Config, n: int) -> None:
    d = config.devices
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
    size = config.batch_size
    if size % d:
        lower, upper = size - size % d, size - size % d + d
        raise ValueError(
            f"batch size {size} is not divisible by {d} devices; use a multiple of {d}, "
            f"e.g. {f'{lower} or {upper}' if lower else upper}"
        )
    last = batch_sizes(recipe, config, n)[-1] if n else 0
    if last % d:
        raise ValueError(
            f"the last batch of each epoch has {last} samples ({n} training samples in "
            f"batches of {size}), not divisible by {d} devices; use a multiple of {d} for "
            f"it, e.g. --train-subset {n - last % d}"
        )


# --- many seeds ----------------------------------------------------------------------------


def seed_list(config: Config, k: int) -> list[int]:
    """The seeds of a ``k``-member run: ``config.seed, config.seed + 1, ...``."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"seeds must be >= 1; got {k!r}")
    return [config.seed + i for i in range(k)]


def _one_model(recipe: Recipe) -> None:
    if recipe.variants:
        raise ValueError(
            "a multi-seed run needs a recipe that trains one model; this one trains "
            f"{len(recipe.variants)} in a row ({', '.join(v.label for v in recipe.variants)})"
        )


def run_torch_seeds(recipe: Recipe, config: Config, k: int) -> SeedsResult:
    """``k`` torch runs one after another, member ``i`` drawn after
    ``torch.manual_seed(config.seed + i)``; every member reads the batches in the order of
    ``config.seed`` (the order the JAX side's one vmapped program feeds all members)."""
    import torch

    _one_model(recipe)
    data = load_data(recipe, config)
    result = SeedsResult([])
    for seed in seed_list(config, k):
        torch.manual_seed(seed)
        member = SideResult([], {}, {}, initial_state={})
        result.train_time_s += _train_torch(recipe, config, Variant(""), data, member)
        result.members.append(member)
    return result


def run_jax_seeds(
    recipe: Recipe, config: Config, k: int, inits: list[dict[str, np.ndarray]] | None = None
) -> SeedsResult:
    """``k`` members trained together by ``jaxnn.train.fit_seeds``: one vmapped, jitted program.

    Member ``i`` starts from ``inits[i]`` (torch member ``i``'s parameters) when given, else
    from ``nnx.Rngs(config.seed + i)`` (its own dropout stream too). Every member sees the
    same batches, in the order of ``config.seed``; for an example that does not shuffle,
    member ``i`` is therefore the single run with seed ``config.seed + i``. With
    ``config.devices`` each batch is split over that many devices, as in :func:`run_jax`.
    """
    import time

    from flax import nnx

    import jaxnn

    _one_model(recipe)
    jaxnn.config.require_dtype(config.dtype)  # the entry point sets numerics
    seeds = seed_list(config, k)
    if inits is not None and len(inits) != k:
        raise ValueError(f"inits: one state dict per member; got {len(inits)} for {k} seeds")
    data = load_data(recipe, config)
    _check_split(recipe, config, len(data.x_train))
    loss_fn = getattr(jaxnn.functional, recipe.loss)
    dtype = np.dtype(config.dtype)
    if inits is None:
        models = [build_jax(recipe.model, dtype=dtype, rngs=nnx.Rngs(s)) for s in seeds]
    else:
        models = [_build_jax_from(recipe.model, dtype, init) for init in inits]
    name, lr, kwargs = recipe.optimizer_of(Variant(""), config)
    tx = getattr(jaxnn.optim, name)(lr=lr, **kwargs)
    batches = _jax_batches(recipe, config, data)
    start = time.perf_counter()
    fitted = jaxnn.train.fit_seeds(models, tx, loss_fn, batches, config.epochs)
    result = SeedsResult([], train_time_s=time.perf_counter() - start)
    for i, model in enumerate(models):  # fit_seeds wrote each member back into its module
        losses = [float(v) for v in fitted.losses[i]]
        final, state = _jax_final(recipe, data, model, loss_fn, losses)
        result.members.append(SideResult(losses, final, state))
    return result


def run_seed_sides(
    recipe: Recipe, framework: str, config: Config, k: int
) -> dict[str, SeedsResult]:
    """:func:`run_torch_seeds` and/or :func:`run_jax_seeds` (``"both"``: torch first, JAX
    member ``i`` from torch member ``i``'s initial parameters), each timed whole."""
    import time

    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}; got {framework!r}")
    seed_list(config, k)
    _one_model(recipe)
    results: dict[str, SeedsResult] = {}
    inits = None
    if framework in ("torch", "both"):
        import torch._dynamo  # noqa: F401  (import time is not run time; see run_sides)

        import torch_ref  # noqa: F401

        start = time.perf_counter()
        results["torch"] = run_torch_seeds(recipe, config, k)
        results["torch"].wall_time_s = time.perf_counter() - start
        inits = [m.initial_state for m in results["torch"].members]
    if framework in ("jax", "both"):
        start = time.perf_counter()
        results["jax"] = run_jax_seeds(recipe, config, k, inits)
        results["jax"].wall_time_s = time.perf_counter() - start
    return results


def _checkpointing(config: Config, model, tx) -> dict[str, Any]:
    """``fit``'s checkpoint arguments for ``config``: save the train state every
    ``checkpoint_every`` steps under ``checkpoint_dir/checkpoints`` (orbax) with the history
    so far in ``checkpoint_dir/progress/<step>.json``, and resume from the latest step that
    has both."""
    if not config.checkpoint_dir:
        return {}
    import json
    from pathlib import Path

    import jaxnn
    from jaxnn.atomic import atomic_write

    root = Path(config.checkpoint_dir)
    states, progress = root / "checkpoints", root / "progress"
    progress.mkdir(parents=True, exist_ok=True)

    def save(checkpoint) -> None:
        # The state first: a progress file names a step whose state is on disk.
        jaxnn.checkpoint.save_train_state(states, checkpoint.state, step=checkpoint.step)
        record = {
            "step": checkpoint.step,
            "losses": checkpoint.losses,
            "skipped": checkpoint.skipped,
        }
        atomic_write(progress / f"{checkpoint.step}.json", json.dumps(record))

    resume = None
    done = {int(p.stem) for p in progress.glob("*.json") if p.stem.isdigit()}
    steps = sorted(done & set(jaxnn.checkpoint.checkpoint_steps(states)))
    if steps:
        record = json.loads((progress / f"{steps[-1]}.json").read_text())
        like = jaxnn.train.TrainState.create(model, tx)[1]
        state = jaxnn.checkpoint.restore_train_state(states, like, step=steps[-1])
        resume = jaxnn.train.Checkpoint(steps[-1], state, record["losses"], record["skipped"])
    return {
        "checkpoint_every": config.checkpoint_every or 0,
        "on_checkpoint": save if config.checkpoint_every else None,
        "resume": resume,
    }


# --- reports -------------------------------------------------------------------------------


def predicted_classes(outputs: np.ndarray, threshold: float | None) -> np.ndarray:
    """Class predictions: ``outputs > threshold`` (as 0/1 floats of the outputs' shape)
    for a one-column output with a threshold, else the argmax over axis 1."""
    if threshold is None:
        return np.argmax(outputs, axis=1)
    if outputs.ndim != 2 or outputs.shape[1] != 1:
        raise ValueError(f"a threshold needs one output column; got shape {outputs.shape}")
    return (outputs > threshold).astype(outputs.dtype)


def _report(recipe: Recipe, data: Data, predict, loss_of, state, losses) -> dict[str, float]:
    final: dict[str, float] = {}
    splits = {"train": (data.x_train, data.y_train), "test": (data.x_test, data.y_test)}
    for item in recipe.report:
        if item == "parameters":
            for key, value in state.items():
                for index, element in np.ndenumerate(value):
                    suffix = "".join(f"[{i}]" for i in index)
                    final[f"{key}{suffix}"] = float(element)
        elif item in recipe.metrics:
            final[item] = float(recipe.metrics[item](predict, data))
        elif item in ("initial_loss", "final_loss"):
            if not losses:
                raise ValueError(f"report item {item!r} needs at least one training step")
            final[item] = losses[0] if item == "initial_loss" else losses[-1]
        else:
            split, _, metric = item.partition("_")
            xs, ys = splits[split]
            if xs is None:
                raise ValueError(f"report item {item!r} needs test data, which this example lacks")
            if metric == "loss":
                final[item] = loss_of(xs, ys)
            else:
                predicted = predicted_classes(predict(xs), recipe.threshold)
                final[item] = float(np.mean(predicted == ys))
    return final


def _merge(result: SideResult, run: Variant, losses, final, state, initial) -> None:
    result.losses.extend(losses)
    result.final.update({_prefixed(run, k): v for k, v in final.items()})
    result.final_state.update({_prefixed(run, k): v for k, v in state.items()})
    if initial is not None:
        result.initial_state.update({_prefixed(run, k): v for k, v in initial.items()})


def runners(recipe: Recipe):
    """``(run_torch, run_jax)`` bound to ``recipe``, as an :class:`Example` wants them.

    Each carries the recipe as ``.recipe`` (see :func:`recipe_of`).
    """

    def torch_side(config: Config) -> SideResult:
        return run_torch(recipe, config)

    def jax_side(config: Config, init: dict[str, np.ndarray] | None) -> SideResult:
        return run_jax(recipe, config, init)

    torch_side.recipe = jax_side.recipe = recipe
    # One model trained by fit: what --checkpoint-every can save and --resume continue.
    jax_side.resumable = not recipe.variants
    return torch_side, jax_side


def recipe_of(example: Example) -> Recipe | None:
    """The recipe this engine runs for ``example`` (``None``: the example has its own code).

    Examples built by hand around :func:`runners` count too, not only those of :func:`example`.
    """
    return getattr(example.run_jax, "recipe", None)


RECIPES: dict[str, Recipe] = {}
"""The recipe of every example made by :func:`example`, by example name."""


def example(
    name: str,
    title: str,
    seed_ref: str,
    model: str,
    data: str,
    prints: str,
    defaults: Config,
    recipe: Recipe,
    *,
    tags: tuple[str, ...] = (),
    test_overrides: Mapping[str, Any] | None = None,
) -> Example:
    """An :class:`~examples.runner.Example` that runs ``recipe`` in each framework.

    ``model``, ``data`` and ``prints`` describe the example for ``jaxnn list``
    (``prints``: what the seed prints and what the final metrics report).
    """
    RECIPES[name] = recipe
    run_torch, run_jax = runners(recipe)
    return Example(
        name=name,
        title=title,
        seed_ref=seed_ref,
        model=model,
        data=data,
        prints=prints,
        defaults=defaults,
        run_torch=run_torch,
        run_jax=run_jax,
        tags=tags,
        runs=tuple(v.label for v in recipe.variants),
        test_overrides=dict(test_overrides or {}),
    )


def with_dtype(config: Config, dtype: str) -> Config:
    """``config`` in another precision."""
    return dataclasses.replace(config, dtype=dtype)
