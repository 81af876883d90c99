# %% [markdown]
# # 13 · Dropout
# In training, `nn.Dropout(p)` zeroes each element with probability p and scales the
# survivors by 1/(1 − p); in eval mode it is the identity. The lesson follows the notebook's
# dropout tour (S1 7993-8343, worked example E48) and the `train()`/`eval()` switch (S1 4250-4291).
# What differs most: the masks. torch draws them from its global generator, JAX from an
# explicit key (`nnx.Rngs`), so the same seed gives different masks. Cells that must agree
# either inject torch's mask (`mask=`) or compare what does not depend on it.

# %% Setup: float32 on both sides, full-precision matmuls
import jax.numpy as jnp
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
torch.manual_seed(0)

# %% Training mode on ones(10): with torch's mask given to the twin, the outputs are identical
# torch
dropout = nn.Dropout(p=0.5)
x = torch.ones(10)  # All ones for easy visualization
dropout.train()  # Set to training mode
output = dropout(x)
print(f"torch: {output}")
# jax
drop = jaxnn.nn.Dropout(p=0.5, rngs=nnx.Rngs(dropout=0))  # modules start in training mode
xj = jnp.ones(10)
output_j = drop(xj, mask=output.numpy() != 0)  # torch's keep-mask, injected
print(f"jax:   {output_j}")
show("Dropout(0.5)(ones(10)), torch's mask", output, output_j)

# %% Left to draw its own mask, the twin zeroes other elements: only the kept value 2.0 agrees
# torch
kept_values = torch.unique(dropout(x))
# jax
own = drop(xj)  # a key from the `dropout` stream: another mask than torch's
print(f"torch zeros: {(output == 0).sum().item()}/10, jax zeros: {int((own == 0).sum())}/10")
kept_values_j = jnp.unique(own)
show("unique values: [0, 1/(1-p)]", kept_values, kept_values_j)

# %% Eval mode is the identity on both sides: 0/10 zeros
# torch
dropout.eval()  # Set to evaluation mode
output = dropout(x)
# jax
drop.eval()  # NNX's eval() sets deterministic=True
output_j = drop(xj)
show("Dropout(0.5).eval()(ones(10))", output, output_j)

# %% The rates table (S1 8180-8209): each rate's survivors are scaled by exactly 1/(1 − p)
x1000 = np.ones(1000, dtype=np.float32)
dropout_rates = [0.1, 0.3, 0.5, 0.7, 0.9]
keys = nnx.Rngs(dropout=1)
# torch
outputs = [nn.Dropout(p=p)(torch.from_numpy(x1000)) for p in dropout_rates]
scales = torch.stack([out.max() for out in outputs])
kept = [(out != 0).float().mean().item() for out in outputs]
# jax
outputs_j = [jaxnn.nn.Dropout(p=p, rngs=keys)(jnp.asarray(x1000)) for p in dropout_rates]
scales_j = jnp.stack([out.max() for out in outputs_j])
kept_j = [float((out != 0).mean()) for out in outputs_j]
show("kept value 1/(1-p) for p = 0.1 ... 0.9", scales, scales_j)
for p, k, kj in zip(dropout_rates, kept, kept_j, strict=True):
    print(f"  p={p:.1f}  kept: torch {k:6.1%}  jax {kj:6.1%}  (expected {1 - p:.0%})")

# %% `F.dropout` takes `training` explicitly (it defaults to True); `training=False` is identity
x10 = np.ones(10, dtype=np.float32)
# torch
output_train = F.dropout(torch.from_numpy(x10), p=0.5, training=True)
output_eval = F.dropout(torch.from_numpy(x10), p=0.5, training=False)
# jax
mask = output_train.numpy() != 0  # torch's mask; without it, pass rng=jax.random.key(...)
output_train_j = jaxnn.functional.dropout(jnp.asarray(x10), p=0.5, training=True, mask=mask)
output_eval_j = jaxnn.functional.dropout(jnp.asarray(x10), p=0.5, training=False)
show("F.dropout training=True, torch's mask", output_train, output_train_j)
show("F.dropout training=False", output_eval, output_eval_j)

# %% NetworkWithDropout: two training passes differ, two eval passes agree (the notebook's "Same?")
x5 = np.random.default_rng(0).standard_normal((5, 100), dtype=np.float32)
# torch
model = torch_ref.models.NetworkWithDropout()
model.train()
same_train = torch.equal(model(torch.from_numpy(x5)), model(torch.from_numpy(x5)))
model.eval()
output_eval1 = model(torch.from_numpy(x5))
same_eval = torch.equal(output_eval1, model(torch.from_numpy(x5)))
# jax
model_j = jaxnn.models.NetworkWithDropout(rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(model_j, model.state_dict())  # torch's parameters, copied
model_j.train()
same_train_j = bool(jnp.array_equal(model_j(jnp.asarray(x5)), model_j(jnp.asarray(x5))))
model_j.eval()
output_eval1_j = model_j(jnp.asarray(x5))
same_eval_j = bool(jnp.array_equal(output_eval1_j, model_j(jnp.asarray(x5))))
print(f"Same in train? torch {same_train}, jax {same_train_j}; in eval? {same_eval}, {same_eval_j}")
show("Same? (train, eval) = (False, True)", (same_train, same_eval), (same_train_j, same_eval_j))
show("NetworkWithDropout eval output", output_eval1, output_eval1_j)

# %% `F.dropout(x, training=self.training)` in forward: the twin keeps `deterministic` instead
# torch
model = torch_ref.models.NetworkWithFunctionalDropout()
model.eval()  # self.training = False, so F.dropout is the identity
out_f = model(torch.from_numpy(x5))
# jax
model_j = jaxnn.models.NetworkWithFunctionalDropout(rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(model_j, model.state_dict())
model_j.eval()  # sets deterministic=True
out_f_j = model_j(jnp.asarray(x5))
show("NetworkWithFunctionalDropout eval output", out_f, out_f_j)
