"""Twins of ``torch.optim``: factories returning ``optax.GradientTransformation``
with torch's argument names, defaults and update rules."""

from jaxnn.optim.sgd import sgd as sgd
