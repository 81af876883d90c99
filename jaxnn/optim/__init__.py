"""Twins of ``torch.optim``: factories returning ``optax.GradientTransformation``
with torch's argument names, defaults and update rules; learning-rate schedules,
gradient clipping and gradient accumulation.

One section per file; keep each section's names sorted.
"""

# accumulation.py
from jaxnn.optim.accumulation import accumulate as accumulate

# adam.py
from jaxnn.optim.adam import adam as adam

# adamw.py
from jaxnn.optim.adamw import adamw as adamw

# clip.py
from jaxnn.optim.clip import clip_grad_norm as clip_grad_norm
from jaxnn.optim.clip import clip_grad_norm_ as clip_grad_norm_
from jaxnn.optim.clip import get_total_norm as get_total_norm

# lr_scheduler.py
from jaxnn.optim.lr_scheduler import cosine_annealing_lr as cosine_annealing_lr
from jaxnn.optim.lr_scheduler import exponential_lr as exponential_lr
from jaxnn.optim.lr_scheduler import step_lr as step_lr

# rmsprop.py
from jaxnn.optim.rmsprop import rmsprop as rmsprop

# sgd.py
from jaxnn.optim.sgd import sgd as sgd
