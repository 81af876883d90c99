"""``torch.nn.utils.clip_grad_norm_`` twins: a functional form and an optax transform."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import optax


def _raise_if_nonfinite(total_norm: jax.Array, norm_type: float) -> None:
    if not bool(jnp.isfinite(total_norm)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from "
            "`parameters` is non-finite, so it cannot be clipped. To disable "
            "this error and scale the gradients by the non-finite norm anyway, "
            "set `error_if_nonfinite=False`"
        )


def get_total_norm(
    grads: Any,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> jax.Array:
    """The p-norm of all gradients, as if concatenated into one vector.

    ``total = ‖(‖g_1‖_p, ..., ‖g_n‖_p)‖_p``: the norm of the leaves' norms, as torch computes it.

    Args:
      grads: a pytree of gradient arrays.
      norm_type: the ``p`` of the p-norm; ``'inf'`` or ``float('inf')`` for the max norm.
      error_if_nonfinite: raise ``RuntimeError`` if the total norm is nan or inf (under
        ``jit`` the error surfaces as ``jax.errors.JaxRuntimeError``, a ``RuntimeError``,
        raised through a ``jax.debug.callback``).
      foreach: accepted for torch's signature; selects a torch kernel, no effect here.

    Returns:
      A 0-d array; ``0.0`` for an empty tree.

    PyTorch twin: ``torch.nn.utils.get_total_norm(tensors, norm_type, error_if_nonfinite,
    foreach)``.
    """
    del foreach
    norm_type = float(norm_type)
    leaves = jax.tree.leaves(grads)
    if not leaves:
        return jnp.asarray(0.0)
    norms = jnp.stack([jnp.linalg.vector_norm(g, ord=norm_type) for g in leaves])
    total_norm = jnp.linalg.vector_norm(norms, ord=norm_type)
    if error_if_nonfinite:
        if isinstance(total_norm, jax.core.Tracer):
            jax.debug.callback(_raise_if_nonfinite, total_norm, norm_type)
        else:  # eager: raise here, not through a callback that logs its own traceback first
            _raise_if_nonfinite(total_norm, norm_type)
    return total_norm


def clip_grad_norm_(
    grads: Any,
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> tuple[Any, jax.Array]:
    """Scales gradients so that their total norm is at most about ``max_norm``.

    ``grads * min(max_norm / (total_norm + 1e-6), 1)``, with ``total_norm`` from
    :func:`get_total_norm`. The ``1e-6`` makes the clipped norm slightly below ``max_norm``.

    Args:
      grads: a pytree of gradient arrays.
      max_norm: the largest total norm kept.
      norm_type: the ``p`` of the p-norm; ``'inf'`` for the max norm.
      error_if_nonfinite: raise ``RuntimeError`` if the total norm is nan or inf.
      foreach: accepted for torch's signature; no effect here.

    Returns:
      ``(clipped_grads, total_norm)``; ``total_norm`` is the norm *before* clipping, as torch
      returns it.

    PyTorch twin: ``torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type,
    error_if_nonfinite, foreach)``, which scales each ``p.grad`` in place and returns only the
    norm; JAX arrays are immutable, so the clipped tree is returned.
    """
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_coef = jnp.minimum(max_norm / (total_norm + 1e-6), 1.0)
    clipped = jax.tree.map(lambda g: g * clip_coef.astype(g.dtype), grads)
    return clipped, total_norm


def clip_grad_norm(
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> optax.GradientTransformation:
    """An optax transform applying :func:`clip_grad_norm_` to the incoming gradients.

    Put it first in the chain, where torch calls ``clip_grad_norm_`` between
    ``loss.backward()`` and ``optimizer.step()``::

        tx = optax.chain(clip_grad_norm(1.0), jaxnn.optim.adam(lr=1e-3))

    Args:
      max_norm: the largest total norm kept.
      norm_type: the ``p`` of the p-norm; ``'inf'`` for the max norm.
      error_if_nonfinite: raise ``RuntimeError`` if the total norm is nan or inf.
      foreach: accepted for torch's signature; no effect here.

    Returns:
      A stateless ``optax.GradientTransformation``.

    PyTorch twin: ``torch.nn.utils.clip_grad_norm_``. Not ``optax.clip_by_global_norm``:
    that scales by ``max_norm / total_norm`` (no ``1e-6``) and only when ``total_norm >
    max_norm``, and always uses the 2-norm of all leaves at once.
    """

    def init_fn(params):
        del params
        return optax.EmptyState()

    def update_fn(updates, state, params=None):
        del params
        clipped, _ = clip_grad_norm_(updates, max_norm, norm_type, error_if_nonfinite, foreach)
        return clipped, state

    return optax.GradientTransformation(init_fn, update_fn)
