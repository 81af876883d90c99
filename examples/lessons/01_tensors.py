# %% [markdown]
# # 01 · Tensors
#
# Creating tensors from Python lists and NumPy arrays, their dtypes and properties, and the
# basic arithmetic of the first notebook cells (S0 5-38, S1 57-156, S4 511-519). Most torch
# creation calls carry over to `jnp` unchanged; `jaxnn.functional.tensor` copies torch's
# dtype inference. The difference that matters most: torch makes Python ints int64 and floats
# float32 in every mode, while JAX follows its precision mode (int32 without `jax_enable_x64`),
# so the lessons compare values, not dtypes.

# %%
import jax
import jax.numpy as jnp
import numpy as np
import torch

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
F = jaxnn.functional

# %% A tensor from a list of floats, and the notebook's first operations (S0 9-15)
# torch
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
t_ops = (x + 2, x * 3, x.mean(), x.T)
# jax
x = F.tensor([[1.0, 2.0], [3.0, 4.0]])
j_ops = (x + 2, x * 3, x.mean(), x.T)
show("x + 2, x * 3, x.mean(), x.T", t_ops, j_ops)
print("  printed by the notebook: tensor(2.5000);", "jax mean:", j_ops[2])

# %% Python ints give int64 in torch but int32 in JAX without x64 (S1 63-81, S4 518)
# torch
tensor_1d = torch.tensor([1.0, 2.0, 3.0, 4.0])
tensor_2d = torch.tensor([[1, 2, 3], [4, 5, 6]])
# jax
j_1d = F.tensor([1.0, 2.0, 3.0, 4.0])
j_2d = F.tensor([[1, 2, 3], [4, 5, 6]])
show("tensor([1., 2., 3., 4.])", tensor_1d, j_1d)
show("tensor([[1, 2, 3], [4, 5, 6]])", tensor_2d, j_2d)
print(f"  type: {type(tensor_1d).__name__} vs {type(j_1d).__name__}")

# %% From a NumPy array: both copy and keep the integer values (S1 85-96)
numpy_array = np.array([10, 20, 30, 40, 50])
# torch
tensor_from_numpy = torch.tensor(numpy_array)
# jax
j_from_numpy = F.tensor(numpy_array)
show("torch.tensor(numpy_array)", tensor_from_numpy, j_from_numpy)

# %% Explicit dtypes; float64 in JAX needs 64-bit types switched on (S1 100-127)
# torch
int_tensor = torch.tensor([1, 2, 3], dtype=torch.int32)
float_tensor = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float32)
double_tensor = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
# jax
j_int = F.tensor([1, 2, 3], dtype=jnp.int32)
j_float = F.tensor([1.0, 2.0, 3.0], dtype=jnp.float32)
with jax.enable_x64(True):  # without it JAX warns and silently gives float32
    j_double = F.tensor([1.0, 2.0, 3.0], dtype=jnp.float64)
show("dtype=int32", int_tensor, j_int)
show("dtype=float32", float_tensor, j_float)
show("dtype=float64", double_tensor, j_double)

# %% Properties: shape, size(), dtype, ndim, numel (S1 131-156); JAX's .size is numel()
# torch
sample_tensor = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
t_props = (list(sample_tensor.shape), sample_tensor.ndim, sample_tensor.numel())
# jax
sample = F.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
j_props = (list(sample.shape), sample.ndim, sample.size)
show("shape, ndim, numel()", t_props, j_props)
print(f"  torch {sample_tensor.shape} | jax {sample.shape} (a plain tuple)")

# %% zeros and ones: name the dtype in JAX, whose default follows the x64 mode (S0 27-35)
# torch
t_zo = (torch.zeros(3, 3), torch.ones(2, 4))
# jax
j_zo = (jnp.zeros((3, 3), dtype=jnp.float32), jnp.ones((2, 4), dtype=jnp.float32))
show("zeros(3, 3), ones(2, 4)", t_zo, j_zo)

# %% randn never matches across frameworks: draw once in NumPy and feed both (S0 29)
x = np.random.default_rng(0).standard_normal((3, 3)).astype(np.float32)
# torch
t_rand = torch.tensor(x)
# jax
j_rand = jnp.asarray(x)  # jax.random.normal(key, (3, 3)) would give other numbers
show("shared N(0, 1) draw", t_rand, j_rand)

# %% Ranges: arange excludes the end, linspace includes both ends (S4 226, S1 6642)
# torch
t_arange, t_linspace = torch.arange(12), torch.linspace(-5, 5, 100)
# jax
j_arange, j_linspace = jnp.arange(12), jnp.linspace(-5, 5, 100)
show("arange(12)", t_arange, j_arange)
show("linspace(-5, 5, 100): interior points may differ", t_linspace, j_linspace)

# %% 0-d tensors, .item() and the f-string of a float32 0.9 (S1 1952-1960, S4 513)
# torch
scores = torch.tensor([0.2, 0.8, 0.5, 0.3, 0.9, 0.1])
max_value = scores.max()
# jax
j_scores = F.tensor([0.2, 0.8, 0.5, 0.3, 0.9, 0.1])
j_max = j_scores.max()
show("scores.max() (0-d)", max_value, j_max)
print(f"  Maximum value: torch {max_value} | jax {j_max}")
print(f"  .item(): {max_value.item()!r} | {j_max.item()!r}; .tolist(): {scores.tolist()[:2]}")

# %% Element-wise maths and comparisons give the same values and bool masks (S1 1865)
x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0], dtype=np.float32)
# torch
t = torch.tensor(x)
t_math = (t**2, (t - 3) ** 2, t.abs(), torch.exp(t), t > 0)
# jax
j = jnp.asarray(x)
j_math = (j**2, (j - 3) ** 2, jnp.abs(j), jnp.exp(j), j > 0)
show("x**2, (x-3)**2, abs, exp, x > 0", t_math, j_math)

# %% Back to NumPy: torch shares memory, JAX gives a read-only view (S1 609-615)
# torch
t = torch.tensor([1.0, 2.0])
t_np = t.numpy()
t_np[0] = 5.0  # writes into the tensor's storage: t is now [5., 2.]
# jax
j = jnp.array([1.0, 2.0])
j_np = np.array(j)  # a writable copy; np.asarray(j) would be read-only
j_np[0] = 5.0  # j stays [1., 2.]
print(f"  after the write: torch tensor {t.tolist()} | jax array {j.tolist()}")
show("the NumPy array after the write", t_np, j_np)
