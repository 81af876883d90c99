"""Many initialisations of one recipe: torch one after another, JAX in one vmapped program."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from jaxnn_examples.example import Settings
from jaxnn_examples.recipe import Recipe, Variant
from jaxnn_examples.specs import build_jax, build_jax_from
from twincore.nonfinite import NonFiniteLossError
from twinlab.engine.batches import check_split
from twinlab.engine.jax_side import evaluate, jax_batches, optimizer
from twinlab.engine.torch_side import train_variant
from twinlab.errors import Diverged
from twinlab.records import FRAMEWORKS, SeedsResult, SideResult


def seed_list(settings: Settings, k: int) -> list[int]:
    """The RNG seeds of a ``k``-member run: ``settings.seed, settings.seed + 1, ...``."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"seeds must be >= 1; got {k!r}")
    return [settings.seed + i for i in range(k)]


def check_one_model(recipe: Recipe) -> None:
    """A multi-seed run trains one model per member: not a recipe of several variants."""
    if recipe.variants:
        raise ValueError(
            "a multi-seed run needs a recipe that trains one model; this one trains "
            f"{len(recipe.variants)} in a row ({', '.join(v.label for v in recipe.variants)})"
        )


def torch_seeds(recipe: Recipe, settings: Settings, k: int) -> SeedsResult:
    """``k`` torch runs one after another, member ``i`` drawn after
    ``torch.manual_seed(settings.seed + i)``; every member reads the batches in the order of
    ``settings.seed`` (the order the JAX side's one vmapped program feeds all members)."""
    import torch

    check_one_model(recipe)
    data = recipe.load_data(settings)
    result = SeedsResult([])
    for seed in seed_list(settings, k):
        torch.manual_seed(seed)
        member = SideResult([], {}, {}, initial_state={})
        result.train_time_s += train_variant(recipe, settings, Variant(""), data, member)
        result.members.append(member)
    return result


def jax_seeds(
    recipe: Recipe, settings: Settings, k: int, inits: list[dict[str, np.ndarray]] | None = None
) -> SeedsResult:
    """``k`` members trained together by ``jaxnn.parallel.fit_seeds``: one vmapped program.

    Member ``i`` starts from ``inits[i]`` (torch member ``i``'s parameters) when given, else
    from ``nnx.Rngs(settings.seed + i)`` (its own dropout stream too). Every member sees the
    same batches, in the order of ``settings.seed``; for an example that does not shuffle,
    member ``i`` is therefore the single run with RNG seed ``settings.seed + i``. With
    ``settings.devices`` each batch is split over that many devices.
    """
    from flax import nnx

    import jaxnn

    check_one_model(recipe)
    jaxnn.config.require_dtype(settings.dtype)  # the entry point sets numerics
    seeds = seed_list(settings, k)
    if inits is not None and len(inits) != k:
        raise ValueError(f"inits: one state dict per member; got {len(inits)} for {k} seeds")
    data = recipe.load_data(settings)
    check_split(recipe, settings, len(data.x_train))
    loss_fn = getattr(jaxnn.functional, recipe.loss)
    dtype = np.dtype(settings.dtype)
    if inits is None:
        models = [build_jax(recipe.model, dtype=dtype, rngs=nnx.Rngs(s)) for s in seeds]
    else:
        models = [build_jax_from(recipe.model, dtype, init, rngs=nnx.Rngs(0)) for init in inits]
    name, lr, kwargs = recipe.optimizer_of(Variant(""), settings)
    tx = optimizer(name)(lr=lr, **kwargs)
    loader = jax_batches(recipe, settings, data)
    start = time.perf_counter()
    fitted = jaxnn.parallel.fit_seeds(
        models, tx, loss_fn, loader, settings.epochs, on_nonfinite=settings.fit_on_nonfinite
    )
    result = SeedsResult([], train_time_s=time.perf_counter() - start)
    for i, model in enumerate(models):  # fit_seeds wrote each member back into its module
        losses = [float(v) for v in fitted.losses[i]]
        final, state, _ = evaluate(recipe, data, model, loss_fn, losses)
        result.members.append(SideResult(losses, final, state))
    return result


def run_seeds(
    recipe: Recipe, framework: str, settings: Settings, k: int, *, torch_init: bool = False
) -> dict[str, SeedsResult]:
    """:func:`torch_seeds` and/or :func:`jax_seeds` (``"both"``: torch first, JAX member
    ``i`` from torch member ``i``'s initial parameters), each timed whole. ``torch_init``: a
    JAX-only run's member ``i`` starts from the parameters torch member ``i`` would draw."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}; got {framework!r}")
    seed_list(settings, k)
    check_one_model(recipe)
    if settings.policy != "float32":
        raise ValueError(
            f"a multi-seed run trains in float32; got precision {settings.policy!r} "
            "(jaxnn.parallel.fit_seeds has no mixed-precision step)"
        )
    results: dict[str, SeedsResult] = {}
    inits = None
    if framework == "jax" and torch_init:
        from twinlab.engine.torch_side import draw_initial

        inits = [draw_initial(recipe, replace(settings, seed=s)) for s in seed_list(settings, k)]
    if framework in ("torch", "both"):
        import torch._dynamo  # noqa: F401  (import time is not run time; see run_example)

        import torch_ref  # noqa: F401

        start = time.perf_counter()
        try:
            results["torch"] = torch_seeds(recipe, settings, k)
        except NonFiniteLossError as error:
            raise Diverged("torch", error) from error
        results["torch"].wall_time_s = time.perf_counter() - start
        inits = [m.initial_state for m in results["torch"].members]
    if framework in ("jax", "both"):
        start = time.perf_counter()
        try:
            results["jax"] = jax_seeds(recipe, settings, k, inits)
        except NonFiniteLossError as error:
            raise Diverged("JAX", error) from error
        results["jax"].wall_time_s = time.perf_counter() - start
    return results
