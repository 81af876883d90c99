"""Multi-seed training: K initialisations of one model trained in one vmapped, jitted program."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from jaxnn.train.fit import FitResult
from jaxnn.train.state import TrainState
from jaxnn.train.step import GUARDS, Criterion, build_step
from twincore.nonfinite import NonFiniteGradientError, NonFiniteLossError


def _signature(state: TrainState) -> tuple[Any, list[tuple[tuple[int, ...], str]]]:
    """The tree structure and every leaf's ``(shape, dtype)``: what stacking needs to agree."""
    leaves, treedef = jax.tree.flatten(state)
    return treedef, [(tuple(jnp.shape(x)), str(jnp.result_type(x))) for x in leaves]


def stack_states(states: Sequence[TrainState]) -> TrainState:
    """Stacks K train states into one whose every leaf has a leading axis of size K.

    Args:
      states: K >= 1 states of the same module structure (same tree, shapes and
        dtypes; the values, e.g. from different ``nnx.Rngs`` seeds, may differ).

    Returns:
      A :class:`TrainState` whose leaf ``i`` is ``stack([s.leaf_i for s in states])``;
      member ``k`` comes back with :func:`unstack_state`.

    Raises:
      ValueError: ``"seeds must be >= 1"`` for no states; a message naming the
        first member whose structure, shapes or dtypes differ from member 0's.

    PyTorch twin: none; torch would keep K model and optimizer objects.
    """
    states = list(states)
    if not states:
        raise ValueError("seeds must be >= 1; got no members")
    tree0, leaves0 = _signature(states[0])
    for k, state in enumerate(states[1:], start=1):
        tree, leaves = _signature(state)
        if tree != tree0:
            raise ValueError(
                f"member {k} has a different structure from member 0; every member must be "
                "the same model with the same optimizer"
            )
        for i, (got, want) in enumerate(zip(leaves, leaves0, strict=True)):
            if got != want:
                raise ValueError(
                    f"member {k} leaf {i} has shape/dtype {got}, member 0 has {want}; every "
                    "member must be the same model with the same optimizer"
                )
    # jnp.stack makes fresh buffers: the vmapped step donates them, never a module's own.
    return jax.tree.map(lambda *xs: jnp.stack(xs), *states)


def unstack_state(stacked: TrainState, k: int) -> TrainState:
    """Member ``k`` of a stacked state (a copy, safe to keep after the next donating step)."""
    return jax.tree.map(lambda x: jnp.copy(x[k]), stacked)


def _check_graphdefs(graphdefs: Sequence[Any]) -> None:
    for k, graphdef in enumerate(graphdefs[1:], start=1):
        if graphdef != graphdefs[0]:
            raise ValueError(
                f"member {k} is a different model from member 0 (its module structure "
                "differs); every member must be the same model class with the same arguments"
            )


def _multi_step(graphdef: Any, tx: optax.GradientTransformation, criterion: Criterion, guard):
    # The single-member step (same loss, guard and RNG handling as fit), vmapped over the
    # state and the halted flag; the batch is shared by every member.
    step = build_step(graphdef, tx, criterion, guard)
    return jax.jit(jax.vmap(step, in_axes=(0, None, None, 0)), donate_argnums=0)


def make_multi_train_step(
    graphdef: Any,
    tx: optax.GradientTransformation,
    criterion: Criterion,
    *,
    skip_nonfinite: bool = False,
):
    """Builds ``step(stacked_state, (x, y)) -> (stacked_state, {"loss": [K], "finite": [K]})``.

    One jitted program trains all K members of a :func:`stack_states` state on
    the same batch: ``jax.vmap`` of :func:`~jaxnn.train.make_train_step`'s step
    over the state (``in_axes=(0, None, None)``). Member ``k``'s result equals
    a single step of member ``k`` alone; its dropout masks come from its own
    RNG state. The incoming stacked state's buffers are donated.

    Args:
      graphdef: the module structure (from :meth:`TrainState.create` of any member).
      tx, criterion: the optax transformation and the loss.
      skip_nonfinite: per member, drop a non-finite update (see ``make_train_step``).

    PyTorch twin: none; torch trains K seeds with a Python loop of single runs.
    """
    step = _multi_step(graphdef, tx, criterion, "skip" if skip_nonfinite else "none")

    def multi_train_step(state: TrainState, batch) -> tuple[TrainState, dict[str, jax.Array]]:
        x, y = batch
        k = int(jnp.shape(state.step)[0]) if jnp.ndim(state.step) else 0
        if k < 1:
            raise ValueError("seeds must be >= 1; the state has no member axis (use stack_states)")
        return step(state, x, y, jnp.zeros([k], bool))

    return multi_train_step


class MultiFitResult(NamedTuple):
    """What :func:`fit_seeds` returns.

    Attributes:
      losses: ``[K, steps]`` float64 NumPy array; row ``k`` is member ``k``'s curve.
      state: the stacked final state (leading axis K).
      graphdef: the shared module structure.
      skipped: per member, the 0-based steps whose update ``on_nonfinite="skip"`` dropped.
    """

    losses: np.ndarray
    state: TrainState
    graphdef: Any
    skipped: list[list[int]]

    def member(self, k: int) -> FitResult:
        """Member ``k``'s run as the :class:`FitResult` a single :func:`fit` returns."""
        return FitResult(
            [float(v) for v in self.losses[k]],
            unstack_state(self.state, k),
            self.graphdef,
            list(self.skipped[k]),
        )


def fit_seeds(
    models: Sequence[nnx.Module],
    tx: optax.GradientTransformation,
    criterion: Criterion,
    loader: Iterable,
    epochs: int,
    *,
    on_nonfinite: str = "raise",
) -> MultiFitResult:
    """Trains K models (one per seed) together on the same batches; updates each in place.

    Equivalent to ``[fit(m, tx, criterion, loader, epochs) for m in models]`` when
    the loader yields the same batches each time (same ``seed``), but the K
    updates of a step run as one vmapped, jitted program: one dispatch and one
    compilation for all members, and the host reads the losses once per epoch.

    Args:
      models: K >= 1 modules of the same class and shapes, e.g.
        ``[NeuralNetwork(2, 2, rngs=nnx.Rngs(s)) for s in range(K)]``.
      tx, criterion, loader, epochs: as in :func:`~jaxnn.train.fit`; every
        member sees every batch.
      on_nonfinite: as in :func:`~jaxnn.train.fit`, per member. With
        ``"raise"``, the first non-finite step (lowest step, then lowest member)
        raises :class:`NonFiniteLossError` / :class:`NonFiniteGradientError`
        with ``member`` set and the message prefixed by ``member k:``; every
        module is then updated, the failing ones with the state from before
        their first non-finite update.

    Returns:
      :class:`MultiFitResult` with the ``[K, steps]`` losses; ``.member(k)``
      gives member ``k`` as a :class:`FitResult`.

    Raises:
      ValueError: ``"seeds must be >= 1"`` for no models; members whose
        structure, shapes or dtypes differ.

    PyTorch twin: none built in; the torch equivalent is a Python loop of
    ``torch_ref.train.fit`` runs, one per seed.
    """
    models = list(models)
    if not models:
        raise ValueError("seeds must be >= 1; got no models")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int; got {epochs!r}")
    if on_nonfinite not in ("raise", "skip", "continue"):
        raise ValueError(
            f"on_nonfinite must be 'raise', 'skip' or 'continue'; got {on_nonfinite!r}"
        )
    created = [TrainState.create(m, tx) for m in models]
    graphdef = created[0][0]
    _check_graphdefs([g for g, _ in created])
    state = stack_states([s for _, s in created])
    del created
    num = len(models)
    guard = GUARDS[on_nonfinite]
    step = _multi_step(graphdef, tx, criterion, guard)
    halted = jnp.zeros([num], bool)
    losses: list[jax.Array] = []  # [K] each, on the device
    finite: list[jax.Array] = []
    positions: list[tuple[int, int]] = []
    fetched: list[np.ndarray] = []  # [K] each, on the host
    skipped: list[list[int]] = [[] for _ in range(num)]

    def write_back():
        for k, model in enumerate(models):
            member = unstack_state(state, k)
            nnx.update(model, member.params, member.rest)

    def sync():
        if len(losses) == len(fetched):
            return
        values, flags = jax.device_get((losses[len(fetched) :], finite[len(fetched) :]))
        for value, ok in zip(values, flags, strict=True):
            value, ok = np.asarray(value, np.float64), np.asarray(ok)
            index = len(fetched)
            epoch, batch = positions[index]
            bad = np.flatnonzero(~ok)
            if bad.size and on_nonfinite == "raise":
                write_back()  # halted members hold the state from before their bad update
                k = int(bad[0])
                history = [row[k] for row in fetched]
                last = next((float(v) for v in reversed(history) if math.isfinite(v)), None)
                loss = float(value[k])
                cls = NonFiniteLossError if not math.isfinite(loss) else NonFiniteGradientError
                error = cls(index, epoch, batch, loss, last)
                error.member = k
                error.args = (f"member {k}: {error.args[0]}",)
                raise error
            if on_nonfinite == "skip":
                for k in bad:
                    skipped[int(k)].append(index)
            fetched.append(value)

    for epoch in range(epochs):
        for batch_idx, (x, y) in enumerate(loader):
            state, metrics = step(state, x, y, halted)
            halted = metrics.get("halted", halted)
            losses.append(metrics["loss"])
            finite.append(metrics["finite"])
            positions.append((epoch, batch_idx))
        sync()
    write_back()
    table = np.stack(fetched, axis=1) if fetched else np.zeros((num, 0))
    return MultiFitResult(table, state, graphdef, skipped)
