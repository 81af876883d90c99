# %% [markdown]
# # 06 · gather
#
# `torch.gather(input, dim, index)`: along `dim`, each output element reads the input at the
# position its index names; the output has the index's shape (S1 8360-8700). JAX's
# `jnp.take_along_axis` is the closest twin, and `jaxnn.functional.gather` keeps torch's
# argument names and rules. What differs most: torch only needs `index.size(d) <= input.size(d)`
# outside `dim`, while `take_along_axis` needs shapes that broadcast, so an index smaller than the
# input (a (1, 2, 3) index into (2, 10, 4)) raises in `jnp` and works in torch and in the twin.

# %%
import jax
import jax.numpy as jnp
import numpy as np
import torch
import torch.nn.functional as torch_F

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
F = jaxnn.functional

# %% 1-D gather: out[i] = values[indices[i]] (S1 8379-8400)
# torch
values = torch.tensor([10, 20, 30, 40, 50])
indices = torch.tensor([0, 2, 4, 1])
gathered = torch.gather(values, dim=0, index=indices)
# jax
j_gathered = F.gather(jnp.array([10, 20, 30, 40, 50]), 0, jnp.array([0, 2, 4, 1]))
show("gather(values, 0, [0, 2, 4, 1])", gathered, j_gathered)

# %% 2-D along dim=1: each row picks its own columns, repeats allowed (S1 8406-8439)
matrix_values = [[10, 11, 12, 13, 14], [20, 21, 22, 23, 24], [30, 31, 32, 33, 34]]
index_values = [[0, 2, 4], [1, 3, 4], [2, 2, 2]]
# torch
matrix = torch.tensor(matrix_values)
gathered = torch.gather(matrix, dim=1, index=torch.tensor(index_values))
# jax
j_matrix = jnp.array(matrix_values)
j_gathered = F.gather(j_matrix, 1, jnp.array(index_values))
j_take = jnp.take_along_axis(j_matrix, jnp.array(index_values), axis=1)  # same here
show("gather(matrix, dim=1, index)", gathered, j_gathered)
show("... = jnp.take_along_axis(axis=1)", gathered, j_take)

# %% 2-D along dim=0: the output has the index's shape (1, 5) (S1 8441-8461)
# torch
gathered = torch.gather(matrix, dim=0, index=torch.tensor([[0, 1, 2, 0, 1]]))
# jax
j_gathered = F.gather(j_matrix, 0, jnp.array([[0, 1, 2, 0, 1]]))
show("gather(matrix, dim=0, (1, 5) index)", gathered, j_gathered)

# %% The logit of each sample's true class: gather(logits, 1, labels.unsqueeze(1)) (S1 8467-8506)
logit_values = [
    [2.1, 0.5, 1.3, 0.8, 1.9],
    [0.3, 3.2, 1.1, 0.9, 1.5],
    [1.8, 1.2, 0.7, 2.5, 1.0],
    [0.9, 1.4, 2.8, 1.1, 0.6],
]
# torch
logits = torch.tensor(logit_values)
true_labels = torch.tensor([0, 1, 3, 2])
true_class_logits = torch.gather(logits, dim=1, index=true_labels.unsqueeze(1))
# jax
j_logits, j_labels = jnp.array(logit_values), jnp.array([0, 1, 3, 2])
j_true = F.gather(j_logits, 1, jnp.expand_dims(j_labels, 1))
show("true-class logits [2.1, 3.2, 2.5, 2.8]", true_class_logits, j_true)

# %% -gather(log_softmax) is the per-sample cross-entropy (S1 8692 pattern)
# torch
t_nll = -torch.gather(torch_F.log_softmax(logits, dim=1), 1, true_labels.unsqueeze(1))
# jax
j_nll = -F.gather(F.log_softmax(j_logits, dim=1), 1, jnp.expand_dims(j_labels, 1))
show("-gather(log_softmax(logits), 1, labels)", t_nll, j_nll)

# %% Expand the index over the feature dimension to pick whole rows (S1 8512-8561)
sequence_np = np.arange(1, 31, dtype=np.float32).reshape(2, 5, 3)
# torch
sequence = torch.tensor(sequence_np)
indices = torch.tensor([[1, 3], [0, 4]])
indices_expanded = indices.unsqueeze(-1).expand(-1, -1, 3)
selected = torch.gather(sequence, dim=1, index=indices_expanded)
# jax
j_sequence = jnp.asarray(sequence_np)
j_expanded = F.expand(jnp.expand_dims(jnp.array([[1, 3], [0, 4]]), -1), -1, -1, 3)
j_selected = F.gather(j_sequence, 1, j_expanded)
show("gather(sequence, 1, expanded index)", selected, j_selected)

# %% gather equals advanced indexing matrix[arange(n), indices] (S1 8567-8593)
# torch
matrix = torch.tensor([[10, 20, 30], [40, 50, 60], [70, 80, 90]])
indices = torch.tensor([1, 0, 2])
gathered = torch.gather(matrix, dim=1, index=indices.unsqueeze(1))
indexed = matrix[torch.arange(len(matrix)), indices]
# jax
j_matrix, j_indices = jnp.array(matrix.tolist()), jnp.array([1, 0, 2])
j_gathered = F.gather(j_matrix, 1, jnp.expand_dims(j_indices, 1))
j_indexed = j_matrix[jnp.arange(len(j_matrix)), j_indices]
show("gather(...).squeeze() = [20, 40, 90]", gathered.squeeze(), j_gathered.squeeze())
show("matrix[arange(n), indices]", indexed, j_indexed)

# %% topk, then gather with its indices, reproduces the top values (S1 8609-8634)
topk_values = [[3.2, 1.5, 4.8, 2.1, 5.3], [2.7, 4.2, 1.9, 5.1, 3.5]]
# torch
values = torch.tensor(topk_values)
top_k_values, top_k_indices = torch.topk(values, 3, dim=1)
gathered_top_k = torch.gather(values, dim=1, index=top_k_indices)
# jax
j_values = jnp.array(topk_values)
j_top = F.topk(j_values, 3, dim=1)
j_gathered_top_k = F.gather(j_values, 1, j_top.indices)
show("topk(values, 3, dim=1)", (top_k_values, top_k_indices), j_top)
show("gather(values, 1, top_k_indices)", gathered_top_k, j_gathered_top_k)

# %% An embedding lookup by gather on an expanded table; in JAX plainly table[ids] (S1 8636-8664)
table = np.random.default_rng(0).standard_normal((10, 4)).astype(np.float32)
ids = np.array([[2, 5, 7], [1, 3, 9]])
# torch
embeddings, token_ids = torch.tensor(table), torch.tensor(ids)
indices = token_ids.unsqueeze(-1).expand(-1, -1, 4)
gathered_embeddings = torch.gather(embeddings.unsqueeze(0).expand(2, -1, -1), dim=1, index=indices)
# jax
j_table, j_ids = jnp.asarray(table), jnp.asarray(ids)
j_index = F.expand(jnp.expand_dims(j_ids, -1), -1, -1, 4)
j_embeddings = F.gather(F.expand(jnp.expand_dims(j_table, 0), 2, -1, -1), 1, j_index)
show("gather on expanded table (2, 3, 4)", gathered_embeddings, j_embeddings)
show("... = table[ids]", gathered_embeddings, j_table[j_ids])

# %% An index smaller than the input outside dim: torch and F.gather accept, take_along_axis raises
inp = np.arange(2 * 10 * 4, dtype=np.float32).reshape(2, 10, 4)
idx = np.array([[[0, 9, 3], [5, 5, 1]]])  # (1, 2, 3): smaller in dims 0 and 2
# torch
t_small = torch.gather(torch.tensor(inp), 1, torch.tensor(idx))
# jax
try:
    jnp.take_along_axis(jnp.asarray(inp), jnp.asarray(idx), axis=1)
except ValueError as e:
    print(f"  jnp.take_along_axis: ValueError: {str(e)[:70]}")
j_small = F.gather(jnp.asarray(inp), 1, jnp.asarray(idx))  # crops the input first, like torch
show("gather with a (1, 2, 3) index", t_small, j_small)

# %% The gradient of gather adds up on repeated indices (column 2 picked three times)
x_np = np.random.default_rng(1).standard_normal((3, 5)).astype(np.float32)
index_np = np.array(index_values)
# torch
x = torch.tensor(x_np, requires_grad=True)
torch.gather(x, 1, torch.tensor(index_np)).sum().backward()
# jax
j_grad = jax.grad(lambda x: F.gather(x, 1, jnp.asarray(index_np)).sum())(jnp.asarray(x_np))
show("d/dx gather(x, 1, index).sum()", x.grad, j_grad)
