"""torch's gradient-accumulation pattern as ``optax.MultiSteps``."""

from __future__ import annotations

import optax


def accumulate(tx: optax.GradientTransformation, every_k: int) -> optax.GradientTransformation:
    """Applies ``tx`` once every ``every_k`` calls, to the mean of the gradients it received.

    torch's pattern::

        for i, batch in enumerate(loader):
            loss = criterion(model(x), y) / every_k      # scale the loss
            loss.backward()                              # .grad += grad / every_k
            if (i + 1) % every_k == 0:
                optimizer.step(); optimizer.zero_grad()

    Dividing each loss by ``k`` and summing the ``k`` gradients in ``.grad`` gives their mean;
    ``MultiSteps`` takes the same mean of the unscaled gradients, so the JAX loss is *not*
    divided. Calls that do not complete a group return zero updates (parameters unchanged),
    and the inner optimizer's state and step count advance only on the ``k``-th call, as
    torch's do on ``optimizer.step()``.

    Args:
      tx: the optimizer, e.g. ``jaxnn.optim.adam(lr=1e-3)``.
      every_k: mini-batches per optimizer step (torch's ``accumulation_steps``).

    Returns:
      An ``optax.GradientTransformation`` whose state is an ``optax.MultiStepsState``
      (``optax.MultiSteps(tx, every_k).has_updated(state)`` tells whether the last call
      stepped).

    PyTorch twin: the accumulation loop above. The accumulator keeps the parameters' dtype
    (``accumulator_dtype=None``); ``MultiSteps`` defaults to float32, which would round
    float64 gradients.
    """
    if not isinstance(every_k, int) or every_k < 1:
        raise ValueError(f"every_k must be a positive integer, got {every_k!r}")
    return optax.MultiSteps(
        tx, every_k_schedule=every_k, use_grad_mean=True, accumulator_dtype=None
    ).gradient_transformation()
