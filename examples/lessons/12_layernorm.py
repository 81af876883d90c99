# %% [markdown]
# # 12 · LayerNorm
# `nn.LayerNorm` normalises each sample over its last dimensions,
# y = (x − μ) / √(var + eps) · γ + β with the biased variance, then scales and shifts.
# The lesson follows the notebook's LayerNorm tour (S1 7676-7991, worked example E47).
# The frameworks differ most in their defaults: Flax's `nnx.LayerNorm` uses epsilon 1e-6
# and a one-pass variance, so `jaxnn.nn.LayerNorm` configures it to torch's eps 1e-5, the
# two-pass variance and torch-shaped γ, β.

# %% Setup: float32 on both sides, full-precision matmuls
import jax.numpy as jnp
import numpy as np
import torch
import torch.nn as nn
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")

# %% The initial parameters: γ (torch `weight`, Flax `scale`) is ones, β (`bias`) is zeros
# torch
feature_dim = 5
layer_norm = nn.LayerNorm(feature_dim)
t_params = (layer_norm.weight, layer_norm.bias)
# jax
ln = jaxnn.nn.LayerNorm(feature_dim)
j_params = (ln.scale[...], ln.bias[...])
show("LayerNorm(5) weight/scale and bias", t_params, j_params)

# %% One sample: the notebook prints [-1.4142, -0.7071, 0, 0.7071, 1.4142]
# torch
x = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
normalized = layer_norm(x)
print(normalized)
# jax
xj = jnp.array([1.0, 2.0, 3.0, 4.0, 5.0])
normalized_j = ln(xj)
show("layer_norm(x), x = [1..5]", normalized, normalized_j)

# %% The notebook's manual formula (x − mean) / std uses the population std (`unbiased=False`)
# torch
mean = x.mean()
std = x.std(unbiased=False)  # Population std, not sample std
manual = (x - mean) / std
# jax
manual_j = (xj - xj.mean()) / xj.std()  # jnp.std defaults to ddof=0, torch's unbiased=False
show("manual (x - mean) / std", manual, manual_j)

# %% The manual formula omits eps, so LayerNorm is slightly smaller: the gap is eps's effect
# torch
gap = manual - layer_norm(x)
print(f"Match? {torch.allclose(manual, layer_norm(x), atol=1e-5)}")
# jax
gap_j = manual_j - ln(xj)
show("manual - LayerNorm: the effect of eps", gap, gap_j)

# %% A batch: each row is normalised on its own, whatever its scale
batch_np = np.array(
    [[1.0, 2.0, 3.0, 4.0, 5.0], [10.0, 20.0, 30.0, 40.0, 50.0], [-5.0, -3.0, 0.0, 3.0, 5.0]],
    dtype=np.float32,
)
# torch
batch = torch.tensor(batch_np)
normalized_batch = layer_norm(batch)
stats = (normalized_batch.mean(dim=1), normalized_batch.std(dim=1, unbiased=False))
# jax
normalized_batch_j = ln(jnp.asarray(batch_np))
stats_j = (normalized_batch_j.mean(axis=1), normalized_batch_j.std(axis=1))
show("layer_norm(batch) (3, 5)", normalized_batch, normalized_batch_j)
show("per-sample mean and std after", stats, stats_j)

# %% Flax's own `nnx.LayerNorm` is torch's LayerNorm only with torch's eps set to 1e-6
# torch
t_eps6 = nn.LayerNorm(5, eps=1e-6)(batch)
# jax
j_flax = nnx.LayerNorm(5, rngs=nnx.Rngs(0))(jnp.asarray(batch_np))  # epsilon=1e-6 default
show("nn.LayerNorm(eps=1e-6) vs nnx.LayerNorm()", t_eps6, j_flax)

# %% `normalized_shape=[3, 4]` normalises over the last two dims; γ and β are (3, 4)
x34 = np.random.default_rng(0).standard_normal((2, 3, 4), dtype=np.float32)
# torch
ln34 = nn.LayerNorm([3, 4])
out34 = ln34(torch.from_numpy(x34))
# jax
ln34_j = jaxnn.nn.LayerNorm([3, 4])
out34_j = ln34_j(jnp.asarray(x34))
show("LayerNorm([3, 4]) on (2, 3, 4)", out34, out34_j)
show("its weight/scale shape (3, 4)", ln34.weight, ln34_j.scale[...])

# %% Gradients flow through μ and σ: d(sum(y · w))/dx, γ and β
w = np.random.default_rng(1).standard_normal((3, 5), dtype=np.float32)
# torch
xb = torch.tensor(batch_np, requires_grad=True)
(layer_norm(xb) * torch.from_numpy(w)).sum().backward()
t_grads = (xb.grad, layer_norm.weight.grad, layer_norm.bias.grad)
# jax
grad_fn = nnx.grad(lambda model, x: (model(x) * w).sum(), argnums=(0, 1))
g_model, g_x = grad_fn(ln, jnp.asarray(batch_np))
j_grads = (g_x, g_model.scale[...], g_model.bias[...])
show("grads: input, weight, bias", t_grads, j_grads)

# %% The notebook's post-norm TransformerBlock: LayerNorm(ff2(GELU(ff1(x))) + x)
x_tb = np.random.default_rng(2).standard_normal((2, 10, 512), dtype=np.float32)
# torch
torch.manual_seed(0)
block = torch_ref.models.TransformerBlock(d_model=512, d_ff=2048)
out_tb = block(torch.from_numpy(x_tb))
# jax
block_j = jaxnn.models.TransformerBlock(512, 2048, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(block_j, block.state_dict())  # torch's parameters, copied
out_tb_j = block_j(jnp.asarray(x_tb))
show("TransformerBlock(512, 2048) (2, 10, 512)", out_tb, out_tb_j)
print("parameters:", jaxnn.nn.count_parameters(block_j))
