# %% [markdown]
# # 02 · Shapes and views
#
# Reshaping with `-1`, `view`, flattening, `unsqueeze`/`squeeze`, indexing, transposes,
# `cat` and `expand` (S1 290-406, S4 214-329, S4 511-556, S0 15). The shapes and values are
# the same in both frameworks. What differs most: a torch `view` (and a basic slice) shares
# memory with the original, so writing through it changes the original; JAX arrays are
# immutable and never alias, so a write is an explicit `.at[...].set()` that returns a new array.

# %%
import jax.numpy as jnp
import numpy as np
import torch

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
F = jaxnn.functional

# %% reshape to (3, 4), (4, 3), (2, 3, 2) and (3, -1): -1 infers one dimension (S1 302-350)
values = list(range(1, 13))
# torch
original = torch.tensor(values)
t_shapes = (original.reshape(3, 4), original.reshape(4, 3), original.reshape(2, 3, 2))
t_auto = original.reshape(3, -1)
# jax
j_original = jnp.array(values)
j_shapes = (j_original.reshape(3, 4), j_original.reshape(4, 3), j_original.reshape(2, 3, 2))
j_auto = j_original.reshape(3, -1)
show("reshape(3, 4), (4, 3), (2, 3, 2)", t_shapes, j_shapes)
show("reshape(3, -1)", t_auto, j_auto)

# %% A size that does not fit raises in both, with different exception types (S1 333-335)
# torch
try:
    original.reshape(2, 3, 4)
except RuntimeError as e:
    print(f"  torch RuntimeError: {e}")
t_fallback = original.reshape(2, 3, 2)
# jax
try:
    j_original.reshape(2, 3, 4)
except TypeError as e:
    print(f"  jax   TypeError: {str(e).splitlines()[0]}")
j_fallback = j_original.reshape(2, 3, 2)
show("the shape that fits: (2, 3, 2)", t_fallback, j_fallback)

# %% view() shares memory: writing through it changes the original; JAX writes explicitly
# torch
viewed = original.view(2, 6)
viewed[0, 0] = 999
t_after = original.clone()
original[0] = 1  # the notebook's reset (S1 387)
# jax
j_viewed = j_original.reshape(2, 6).at[0, 0].set(999)  # a new array
j_after = j_viewed.reshape(-1)  # the "original" only changes if rebound to the update
show("original after viewed[0, 0] = 999", t_after, j_after)
print(f"  torch original[0] after the write: {t_after[0].item()}; jax original: {j_original[0]}")

# %% Flattening and adding a batch dimension with -1 (S1 389-406)
# torch
matrix = torch.tensor([[1, 2, 3], [4, 5, 6]])
single_sample = torch.tensor([1, 2, 3, 4])
t_flat = (matrix.reshape(-1), matrix.flatten(), single_sample.reshape(1, -1))
# jax
j_matrix = jnp.array([[1, 2, 3], [4, 5, 6]])
j_single = jnp.array([1, 2, 3, 4])
j_flat = (j_matrix.reshape(-1), F.flatten(j_matrix), j_single.reshape(1, -1))
show("reshape(-1), flatten(), reshape(1, -1)", t_flat, j_flat)

# %% unsqueeze(0) adds a batch dimension, squeeze(0) removes it; also on 0-d (S4 272-299)
# torch
tensor = torch.tensor([1, 2, 3, 4, 5])
with_batch = tensor.unsqueeze(0)
back_to_original = with_batch.squeeze(0)
batch = torch.tensor(2).unsqueeze(0)
t_sq = (with_batch, back_to_original, batch, batch.squeeze(0))
# jax
j_tensor = jnp.array([1, 2, 3, 4, 5])
j_with_batch = jnp.expand_dims(j_tensor, 0)
j_back = F.squeeze(j_with_batch, 0)
j_batch = jnp.expand_dims(jnp.array(2), 0)
j_sq = (j_with_batch, j_back, j_batch, F.squeeze(j_batch, 0))
show("unsqueeze(0), squeeze(0); 0-d -> [1] -> []", t_sq, j_sq)

# %% squeeze(d) on a dim that is not 1 is a no-op in torch; jnp.squeeze raises, F.squeeze doesn't
# torch
t_noop = with_batch.squeeze(1)  # shape stays [1, 5]
# jax
try:
    jnp.squeeze(j_with_batch, axis=1)
except ValueError as e:
    print(f"  jnp.squeeze raises ValueError: {e}")
j_noop = F.squeeze(j_with_batch, 1)
show("squeeze(1) of shape [1, 5]", t_noop, j_noop)

# %% view(5, 1) and view(-1, 1); arange(12).view(2, -1) (S4 224-234, 301-314)
# torch
tensor = torch.tensor([0, 1, 2, 3, 4])
t_views = (tensor.view(5, 1), tensor.view(-1, 1), torch.arange(12).view(2, -1))
# jax
j_tensor = jnp.array([0, 1, 2, 3, 4])
j_views = (j_tensor.reshape(5, 1), j_tensor.reshape(-1, 1), jnp.arange(12).reshape(2, -1))
show("view(5, 1), view(-1, 1), view(2, -1)", t_views, j_views)

# %% Indexing: an integer drops a dimension, a slice keeps it (S4 319-329)
data = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]
# torch
tensor = torch.tensor(data)
t_idx = (tensor[1, 2], tensor[1][2], tensor[-1], tensor[:2, 1:3])
# jax
j_tensor = jnp.array(data)
j_idx = (j_tensor[1, 2], j_tensor[1][2], j_tensor[-1], j_tensor[:2, 1:3])
show("t[1, 2], t[1][2], t[-1], t[:2, 1:3]", t_idx, j_idx)

# %% A basic slice is a view in torch too: row += 100 changes the matrix (S4 236-256)
# torch
ary = torch.tensor([[1, 2, 3], [4, 5, 6]])
first_row_view = ary[0]
first_row_view += 100
# jax
j_ary = jnp.array([[1, 2, 3], [4, 5, 6]])
j_ary = j_ary.at[0].add(100)  # row += 100 on a JAX slice would only rebind the slice
show("ary after ary[0] += 100", ary, j_ary)

# %% Transposes: x.T on 2-D (S0 15) and K.transpose(-2, -1) on 3-D (S1 1434)
K = np.random.default_rng(0).standard_normal((2, 8, 4)).astype(np.float32)
# torch
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
t_T = (x.T, torch.tensor(K).transpose(-2, -1))
# jax
j_x = jnp.array([[1.0, 2.0], [3.0, 4.0]])
j_T = (j_x.T, jnp.swapaxes(jnp.asarray(K), -2, -1))
show("x.T, K.transpose(-2, -1)", t_T, j_T)

# %% torch.cat of five (n, 1) columns along dim=1 (S1 5835)
columns = np.random.default_rng(1).standard_normal((5, 6, 1)).astype(np.float32)
# torch
square_feet, bedrooms, bathrooms, age, distance = (torch.tensor(c) for c in columns)
X_houses = torch.cat([square_feet, bedrooms, bathrooms, age, distance], dim=1)
# jax
X_j = jnp.concatenate([jnp.asarray(c) for c in columns], axis=1)
show("cat([...], dim=1) -> (6, 5)", X_houses, X_j)

# %% expand with -1 keeps a size; torch returns a view, JAX broadcasts (S1 8531-8543)
idx = [[1, 3], [0, 4]]
# torch
indices = torch.tensor(idx)
indices_expanded = indices.unsqueeze(-1).expand(-1, -1, 3)
# jax
j_expanded = F.expand(jnp.expand_dims(jnp.array(idx), -1), -1, -1, 3)
show("unsqueeze(-1).expand(-1, -1, 3)", indices_expanded, j_expanded)
