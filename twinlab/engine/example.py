"""One example run in torch, in JAX, or both: the engine's entry point."""

from __future__ import annotations

import time
from collections.abc import Callable

from jaxnn_examples.example import Example, Settings
from twincore.nonfinite import NonFiniteLossError
from twinlab.engine.demo import demo_jax, demo_torch
from twinlab.engine.jax_side import train_jax
from twinlab.engine.torch_side import train_torch
from twinlab.errors import Diverged
from twinlab.records import FRAMEWORKS, SideResult


def run_example(
    example: Example, framework: str, settings: Settings, *, torch_init: bool = False
) -> dict[str, SideResult]:
    """Runs ``example`` in ``framework`` (``"both"``: torch first, JAX from torch's initial
    parameters), each side timed whole. ``torch_init``: a JAX-only run starts from the
    parameters torch draws (:func:`torch_initial`), as the JAX side of ``"both"`` does,
    instead of jaxnn's own (a different random stream, so a different curve)."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}; got {framework!r}")
    results: dict[str, SideResult] = {}
    init = None
    if framework == "jax" and torch_init:
        init = torch_initial(example, settings)
    if framework in ("torch", "both"):
        # Import time is not run time: torch's first optimizer also imports its
        # compiler stack (torch._dynamo, about a second), so import it here.
        import torch._dynamo  # noqa: F401

        import torch_ref  # noqa: F401

        results["torch"] = _timed("torch", lambda: _torch(example, settings))
        init = results["torch"].initial_state
    if framework in ("jax", "both"):
        results["jax"] = _timed("JAX", lambda: _jax(example, settings, init))
    return results


def torch_initial(example: Example, settings: Settings) -> dict:
    """What the torch side of a run of both hands the JAX side: its initial parameters (and a
    demo's draws). A one-model recipe draws its model only; a recipe of several variants draws
    each after the one before trained (dropout uses torch's generator in between) and a demo
    draws as it goes, so those run their torch side."""
    import torch_ref  # noqa: F401
    from twinlab.engine.torch_side import draw_initial

    if example.recipe is not None and not example.recipe.variants:
        return draw_initial(example.recipe, settings)
    return _torch(example, settings).initial_state


def _torch(example: Example, settings: Settings) -> SideResult:
    if example.recipe is not None:
        return train_torch(example.recipe, settings)
    return demo_torch(example, settings)


def _jax(example: Example, settings: Settings, init) -> SideResult:
    if example.recipe is not None:
        return train_jax(example.recipe, settings, init)
    return demo_jax(example, settings, init)


def _timed(side: str, fn: Callable[[], SideResult]) -> SideResult:
    """``fn()``, timed; a non-finite stop becomes :class:`~twinlab.errors.Diverged` naming
    the side."""
    start = time.perf_counter()
    try:
        result = fn()
    except NonFiniteLossError as error:
        raise Diverged(side, error) from error
    result.wall_time_s = time.perf_counter() - start
    return result
