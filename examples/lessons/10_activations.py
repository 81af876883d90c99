# %% [markdown]
# # 10 · Activations
#
# ReLU (module and functional forms, the dying-ReLU demo), GELU, sigmoid, tanh, LeakyReLU and
# softmax with `dim` and temperature (S1 6586-6800, S1 6806-6904, S1 7018-7332, S1 6565-6583).
# `jaxnn.nn` and `jaxnn.functional` keep torch's names; plain `jax.nn` is the twin where its
# defaults agree. What differs most: torch's `nn.GELU()` is the exact erf form, while
# `jax.nn.gelu` defaults to the tanh approximation (4e-4 apart at x = -3), so the twin passes
# `approximate=False`; and `jax.nn.leaky_relu` has gradient 1 at 0 where torch has the slope.

# %%
import jax
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
JF = jaxnn.functional
points = [-3.0, -1.5, -0.5, 0.0, 0.5, 1.5, 3.0]

# %% ReLU zeroes the negatives; module and function give the same values (S1 6621-6633, 6713-6730)
# torch
relu = nn.ReLU()
x = torch.tensor(points)
t_relu = (relu(x), F.relu(x))
# jax
j_x = jnp.array(points)
j_relu = (jaxnn.nn.ReLU()(j_x), jax.nn.relu(j_x))
show("nn.ReLU()(x), F.relu(x)", t_relu, j_relu)

# %% ReLU over linspace(-5, 5, 100): 50 zeros and 50 positives (S1 6640-6650)
# torch
y = relu(torch.linspace(-5, 5, 100))
t_counts = ((y == 0).sum(), (y > 0).sum())
# jax
j_y = jax.nn.relu(jnp.linspace(-5, 5, 100))
j_counts = ((j_y == 0).sum(), (j_y > 0).sum())
show("zeros, positives", t_counts, j_counts)

# %% Dying ReLU: weights -1, bias -10, positive inputs: output and gradients all zero (S1 6761-6784)
x_np = np.abs(np.random.default_rng(0).standard_normal((10, 5))).astype(np.float32)
# torch
layer = nn.Linear(5, 1)
with torch.no_grad():
    layer.weight.fill_(-1.0)
    layer.bias.fill_(-10.0)
post_activation = F.relu(layer(torch.tensor(x_np)))
post_activation.sum().backward()
# jax
j_layer = jaxnn.nn.Linear(5, 1, rngs=nnx.Rngs(0))
j_layer.kernel[...] = jnp.full((5, 1), -1.0)  # fill_ becomes writing a new array
j_layer.bias[...] = jnp.full((1,), -10.0)
j_post = JF.relu(j_layer(jnp.asarray(x_np)))
j_wgrad = jax.grad(lambda k: JF.relu(jnp.asarray(x_np) @ k + j_layer.bias[...]).sum())(
    j_layer.kernel[...]
)
show("post-activation (all zero)", post_activation, j_post)
show("weight gradient (all zero)", layer.weight.grad, j_wgrad.T)

# %% GELU is exact in torch; jax.nn.gelu needs approximate=False (S1 6835-6847)
# torch
gelu = nn.GELU()
g = gelu(torch.tensor(points))
# jax
j_g = jaxnn.nn.GELU()(jnp.array(points))  # = jax.nn.gelu(x, approximate=False)
j_tanh = jax.nn.gelu(jnp.array(points))  # the default: tanh approximation
print(f"  jax.nn.gelu default at -3: {j_tanh[0]:.5f} vs exact {j_g[0]:.5f}")
# float32 at x = -3: torch's CPU kernel computes 0.5 x (1 + erf(x / sqrt 2)), which cancels;
# JAX uses erfc. They are ~5e-7 apart, JAX's value the closer to float64.
show("nn.GELU()(x), exact erf form", g, j_g)

# %% torch's tanh approximation is jax.nn.gelu's default
# torch
g_tanh = nn.GELU(approximate="tanh")(torch.tensor(points))
# jax
j_g_tanh = jax.nn.gelu(jnp.array(points))
show("GELU(approximate='tanh')", g_tanh, j_g_tanh)

# %% GELU minus ReLU on linspace(-3, 3, 13), and GELU's minimum on (-5, 5) (S1 6858-6902)
# torch
x = torch.linspace(-3, 3, 13)
diff = gelu(x) - relu(x)
gelu_output = gelu(torch.linspace(-5, 5, 1000))
# jax
j_x = jnp.linspace(-3, 3, 13)
j_diff = JF.gelu(j_x) - JF.relu(j_x)
j_gelu_output = JF.gelu(jnp.linspace(-5, 5, 1000))
show("gelu(x) - relu(x)", diff, j_diff)
show("gelu_output.min() = -0.1700", gelu_output.min(), j_gelu_output.min())

# %% Sigmoid, tanh and LeakyReLU: values and gradients (S1 6575 table, 6792)
# torch
x = torch.tensor(points, requires_grad=True)
t_acts = (torch.sigmoid(x), torch.tanh(x), F.leaky_relu(x, 0.01))
sum(a.sum() for a in t_acts).backward()
# jax
j_x = jnp.array(points)
j_acts = (JF.sigmoid(j_x), JF.tanh(j_x), JF.leaky_relu(j_x, 0.01))
j_grad = jax.grad(lambda x: sum(a.sum() for a in (JF.sigmoid(x), JF.tanh(x), JF.leaky_relu(x))))(
    j_x
)
show("sigmoid, tanh, leaky_relu", t_acts, j_acts)
show("gradient of their sum", x.grad, j_grad)

# %% LeakyReLU's gradient at 0 is the slope in torch; jax.nn.leaky_relu gives 1 there
# torch
z = torch.tensor(0.0, requires_grad=True)
F.leaky_relu(z, 0.01).backward()
# jax
j_dz = jax.grad(lambda z: JF.leaky_relu(z, 0.01))(0.0)  # tests x > 0, like torch
print(f"  jax.nn.leaky_relu gradient at 0: {jax.grad(jax.nn.leaky_relu)(0.0)}")
show("d leaky_relu / dx at 0 = 0.01", z.grad, j_dz)

# %% Softmax turns logits into probabilities: [0.6590, 0.2424, 0.0986] (S1 7056-7109)
# torch
softmax = nn.Softmax(dim=-1)
logits = torch.tensor([2.0, 1.0, 0.1])
probs = softmax(logits)
manual = torch.exp(logits) / torch.exp(logits).sum()
# jax
j_logits = jnp.array([2.0, 1.0, 0.1])
j_probs = jaxnn.nn.Softmax(dim=-1)(j_logits)  # = jax.nn.softmax(x, axis=-1)
j_manual = jnp.exp(j_logits) / jnp.exp(j_logits).sum()
show("nn.Softmax(dim=-1)(logits)", probs, j_probs)
show("exp(x) / sum(exp(x))", manual, j_manual)

# %% dim=1 normalises each row, dim=0 each column; equal logits give 0.2 each (S1 7115-7165)
batch = [
    [2.0, 1.0, 0.1, -1.0, -2.0],
    [0.5, 0.5, 0.5, 0.5, 0.5],
    [5.0, 1.0, 1.0, 1.0, 1.0],
    [-1.0, -1.0, -1.0, -1.0, -1.0],
]
# torch
batch_logits = torch.tensor(batch)
probs_dim1 = nn.Softmax(dim=1)(batch_logits)
probs_dim0 = nn.Softmax(dim=0)(batch_logits)
# jax
j_batch = jnp.array(batch)
j_dim1, j_dim0 = JF.softmax(j_batch, dim=1), JF.softmax(j_batch, dim=0)
show("softmax(dim=1)", probs_dim1, j_dim1)
show("softmax(dim=0)", probs_dim0, j_dim0)
show(
    "row sums, column sums",
    (probs_dim1.sum(dim=1), probs_dim0.sum(dim=0)),
    (j_dim1.sum(1), j_dim0.sum(0)),
)

# %% Temperature: dividing the logits by T sharpens (T < 1) or softens (T > 1) (S1 7300-7329)
# torch
t_temps = tuple(F.softmax(logits / temp, dim=0) for temp in (0.5, 1.0, 2.0))
# jax
j_temps = tuple(JF.softmax(j_logits / temp, dim=0) for temp in (0.5, 1.0, 2.0))
show("softmax(logits / T), T = 0.5, 1, 2", t_temps, j_temps)
