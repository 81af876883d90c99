"""Long optimizer runs driven by a fixed gradient sequence, shared by the long-horizon tests.

Both sides receive the same gradients (drawn once in NumPy), so the comparison measures the
update rule alone: no loss function, no feedback from the parameters into the gradient other
than the optimizer's own (weight decay). torch runs its ordinary ``opt.step()`` loop on a
parameter of a few elements; the JAX side is one jitted ``lax.scan`` that keeps every step's
parameters and state, from which the checkpoints are read.

The optimizer state is compared field by field under torch's names (``exp_avg``,
``momentum_buffer``, ...), matched to the optax state fields that hold the same quantity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch

CHECKPOINTS = (1, 10, 100, 1000, 10_000)
"""Steps after which parameters and state are compared (the last is the run's end)."""

TORCH_TO_OPTAX = {
    "exp_avg": "mu",  # Adam, AdamW
    "exp_avg_sq": "nu",
    "max_exp_avg_sq": "nu_max",
    "square_avg": "nu",  # RMSprop (scale_by_rms / scale_by_stddev)
    "grad_avg": "mu",  # RMSprop centered (scale_by_stddev)
}
"""torch's state name -> the optax state field that holds the same array."""


def gradients(rng: np.random.Generator, steps: int, size: int, dtype) -> np.ndarray:
    """``steps`` gradients of ``size`` elements: unit normals, the same for both sides."""
    return rng.normal(size=(steps, size)).astype(dtype)


def torch_runs(
    torch_cls: type[torch.optim.Optimizer],
    groups: Sequence[dict[str, Any]],
    p0s: Sequence[np.ndarray],
    grads: Sequence[np.ndarray],
    *,
    make_scheduler: Callable[[torch.optim.Optimizer], Any] | None = None,
    steps_per_epoch: int = 1,
    checkpoints: Sequence[int] = CHECKPOINTS,
) -> list[dict[int, tuple[np.ndarray, dict[str, np.ndarray]]]]:
    """torch's loop for several runs at once, one parameter group each: set every ``.grad``,
    ``opt.step()``, and ``scheduler.step()`` every ``steps_per_epoch`` steps.

    One optimizer with a group per run, rather than one optimizer per run: the groups are
    independent (torch updates each with its own hyper-parameters), and ``Optimizer.step``'s
    fixed cost (its profiler range, hooks and kernel choice), about half of a step on a
    parameter of a few elements, is paid once per step instead of once per run.

    Returns, per run, ``{step: (parameters, state)}`` at each checkpoint; ``state`` is
    ``opt.state[p]`` with every tensor copied to NumPy.
    """
    params = [torch.tensor(p0, requires_grad=True) for p0 in p0s]
    opt = torch_cls([dict(params=[p], **kwargs) for p, kwargs in zip(params, groups, strict=True)])
    scheduler = make_scheduler(opt) if make_scheduler is not None else None
    tables = [torch.from_numpy(g) for g in grads]
    wanted, outs = set(checkpoints), [{} for _ in params]
    for i in range(len(grads[0])):
        for p, table in zip(params, tables, strict=True):
            # A view of the gradient table: torch's optimizers never write to .grad in place.
            p.grad = table[i]
        opt.step()
        if scheduler is not None and (i + 1) % steps_per_epoch == 0:
            scheduler.step()
        if i + 1 in wanted:
            for p, out in zip(params, outs, strict=True):
                state = {
                    k: v.detach().numpy().copy()
                    for k, v in opt.state[p].items()
                    if isinstance(v, torch.Tensor)
                }
                out[i + 1] = (p.detach().numpy().copy(), state)
    return outs


def jax_run(tx: optax.GradientTransformation, p0: np.ndarray, grads: np.ndarray):
    """The same loop as one jitted ``lax.scan``: every step's parameters and state, stacked."""

    @jax.jit
    def run(p0, grads):
        def step(carry, g):
            p, s = carry
            updates, s = tx.update(g, s, p)
            p = optax.apply_updates(p, updates)
            return (p, s), (p, s)

        _, history = jax.lax.scan(step, (p0, tx.init(p0)), grads)
        return history

    return run(jnp.asarray(p0), jnp.asarray(grads))


def optax_field(state: Any, name: str) -> Any:
    """The first field called ``name`` in an optax chain's state, None if there is none.

    The first, because a schedule keeps a ``count`` of its own after the optimizer's (both
    count the same steps).
    """
    if hasattr(state, "_fields"):
        if name in state._fields:
            return getattr(state, name)
        state = tuple(state)
    if isinstance(state, tuple | list):
        for part in state:
            if (found := optax_field(part, name)) is not None:
                return found
    return None


def assert_run_matches(mode, torch_out, jax_history, *, kind: str = "curve") -> None:
    """Parameters and every torch state tensor agree at each checkpoint (harness ``kind``).

    ``step`` must equal the optax ``count`` exactly where optax keeps one; ``momentum_buffer``
    (SGD, RMSprop) is the ``trace`` field of optax's momentum state.
    """
    params_j, state_j = jax_history
    for step, (params_t, state_t) in torch_out.items():
        at = step - 1
        mode.assert_close(params_j[at], params_t, kind=kind, name=f"parameters after {step}")
        for name, value_t in state_t.items():
            if name == "step":
                # RMSprop's step feeds no formula, and its optax twin keeps no count.
                count = optax_field(state_j, "count")
                if count is not None:
                    assert count[at] == value_t, f"step after {step}: {count[at]} != {value_t}"
                continue
            field = "trace" if name == "momentum_buffer" else TORCH_TO_OPTAX[name]
            value_j = optax_field(state_j, field)[at]
            mode.assert_close(value_j, value_t, kind=kind, name=f"{name} after {step}")
