# %% [markdown]
# # 04 · Reductions and argmax
#
# `sum`, `mean`, `max`/`min` with `dim` and `keepdim`, standard deviation, `argmax` and `topk`
# (S1 715-1013, S1 1548-1876, S1 1944-2281, S4 332-335). `dim` becomes `axis` and `keepdim`
# `keepdims` in `jnp`; `jaxnn.functional` keeps torch's names where `jnp` lacks torch's
# semantics. What differs most: `torch.std` divides by N - 1 while `jnp.std` divides by N
# (`ddof=0`), so the notebook's `tensor(15.8114)` becomes 14.1421 with plain `jnp.std`.

# %%
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

matrix_values = [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]

# %% sum over everything, dim=0, dim=1, dim=-1 and keepdim=True (S1 1548-1598)
# torch
x = torch.tensor(matrix_values)
t_sums = (x.sum(), x.sum(dim=0), x.sum(dim=1), x.sum(dim=-1), x.sum(dim=1, keepdim=True))
# jax
j = jnp.array(matrix_values)
j_sums = (j.sum(), j.sum(axis=0), j.sum(axis=1), j.sum(axis=-1), j.sum(axis=1, keepdims=True))
show("sum(), dim=0, 1, -1, keepdim", t_sums, j_sums)

# %% mean over everything and per dim; a tuple of dims pools feature maps (S1 1604-1642, 1842)
maps = np.random.default_rng(0).standard_normal((2, 64, 8, 8)).astype(np.float32)
# torch
t_means = (x.mean(), x.mean(dim=0), x.mean(dim=1))
pooled = torch.tensor(maps).mean(dim=(2, 3))
# jax
j_means = (F.mean(j), F.mean(j, dim=0), F.mean(j, dim=1))
j_pooled = F.mean(jnp.asarray(maps), dim=(2, 3))
show("mean(), mean(dim=0), mean(dim=1)", t_means, j_means)
show("feature_maps.mean(dim=(2, 3))", pooled, j_pooled)

# %% mean of an integer tensor raises in torch; jnp.mean silently gives a float (S1 1910)
# torch
predictions = torch.tensor([0, 1, 2, 1, 0, 2, 1, 0])
targets = torch.tensor([0, 1, 2, 2, 0, 2, 1, 1])
try:
    predictions.mean()
except RuntimeError as e:
    print(f"  torch: {str(e).splitlines()[0][:80]}")
correct = predictions == targets
t_acc = (correct.sum(), correct.float().mean())
# jax
j_pred = jnp.array([0, 1, 2, 1, 0, 2, 1, 0])
j_correct = j_pred == jnp.array([0, 1, 2, 2, 0, 2, 1, 1])
print(f"  jnp.mean(ints) = {jnp.mean(j_pred)}; jaxnn.functional.mean raises like torch")
j_acc = (j_correct.sum(), F.mean(j_correct.astype(jnp.float32)))
show("correct.sum()", t_acc[0], j_acc[0])
show("correct.float().mean()", t_acc[1], j_acc[1])

# %% max/min with dim return (values, indices); jnp.max returns only the values (S1 1644-1738)
# torch
max_dim0, max_dim1 = x.max(dim=0), x.max(dim=1)
values, indices = x.min(dim=1)
# jax
j_max0, j_max1 = F.max(j, dim=0), F.max(j, dim=1)  # ValuesIndices(values, indices)
j_values, j_indices = F.min(j, dim=1)
show("x.max(dim=0)", max_dim0, j_max0)
show("x.max(dim=1)", max_dim1, j_max1)
show("values, indices = x.min(dim=1)", (values, indices), (j_values, j_indices))

# %% std is unbiased (N - 1) in torch; jnp.std needs ddof=1 (S4 332-335: tensor(15.8114))
# torch
data = torch.tensor([10.0, 20.0, 30.0, 40.0, 50.0])
t_std = (data.mean(), data.std(), data.std(unbiased=False))
# jax
j_data = jnp.array([10.0, 20.0, 30.0, 40.0, 50.0])
j_std = (j_data.mean(), F.std(j_data), jnp.std(j_data))  # jnp.std(x, ddof=1) = F.std(x)
show("mean, std(), std(unbiased=False)", t_std, j_std)
print(f"  torch std {t_std[1]:.4f} | jnp.std {jnp.std(j_data):.4f} | F.std {F.std(j_data):.4f}")

# %% Feature standardisation with mean/std over dim=0, keepdim=True (S1 1767-1799)
features = [[10.0, 100.0, 1000.0], [15.0, 150.0, 1500.0], [12.0, 120.0, 1200.0]]
features.append([18.0, 180.0, 1800.0])
# torch
data = torch.tensor(features)
feature_mean = data.mean(dim=0, keepdim=True)
feature_std = data.std(dim=0, keepdim=True)
normalized = (data - feature_mean) / feature_std
# jax
j_data = jnp.array(features)
j_normalized = (j_data - F.mean(j_data, 0, keepdim=True)) / F.std(j_data, 0, keepdim=True)
show("(data - mean) / std, dim=0", normalized, j_normalized)

# %% argmax: flattened without dim, first index on ties, int64 in torch (S1 1948-1996)
# torch
scores = torch.tensor([0.2, 0.8, 0.5, 0.3, 0.9, 0.1])
duplicates = torch.tensor([3.0, 7.0, 7.0, 2.0, 7.0, 1.0])
t_arg = (torch.argmax(scores), torch.argmax(duplicates))
# jax
j_scores = jnp.array([0.2, 0.8, 0.5, 0.3, 0.9, 0.1])
j_duplicates = jnp.array([3.0, 7.0, 7.0, 2.0, 7.0, 1.0])
j_arg = (jnp.argmax(j_scores), jnp.argmax(j_duplicates))
show("argmax(scores), argmax(duplicates)", t_arg, j_arg)

# %% argmax along dim=1 (one class per sample), dim=0, and on 3-D tensors (S1 2002-2113)
class_scores = [[0.2, 0.7, 0.1], [0.8, 0.1, 0.1], [0.1, 0.2, 0.7], [0.3, 0.5, 0.2]]
seq = np.array(
    [[[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]],
     [[0.3, 0.5, 0.2], [0.1, 0.1, 0.8], [0.7, 0.2, 0.1], [0.2, 0.6, 0.2]]],
    dtype=np.float32,
)  # fmt: skip
# torch
cs, sequence_scores = torch.tensor(class_scores), torch.tensor(seq)
t_dims = (torch.argmax(cs), torch.argmax(cs, dim=1), torch.argmax(cs, dim=0))
t_seq = (torch.argmax(sequence_scores, dim=-1), torch.argmax(sequence_scores, dim=1))
# jax
jcs, j_seq = jnp.array(class_scores), jnp.asarray(seq)
j_dims = (jnp.argmax(jcs), jnp.argmax(jcs, axis=1), jnp.argmax(jcs, axis=0))
j_seqs = (jnp.argmax(j_seq, axis=-1), jnp.argmax(j_seq, axis=1))
show("argmax(), dim=1, dim=0", t_dims, j_dims)
show("3-D argmax dim=-1, dim=1", t_seq, j_seqs)

# %% argmax(logits) equals argmax(softmax(logits)), and gives the accuracy (S1 2120-2243)
rng = np.random.default_rng(1)
logits_np = rng.standard_normal((10, 4)).astype(np.float32)
labels = np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 1])
# torch
logits = torch.tensor(logits_np)
probabilities = torch_F.softmax(logits, dim=1)
preds = torch.argmax(probabilities, dim=1)
accuracy = (preds == torch.tensor(labels)).float().mean()
# jax
j_logits = jnp.asarray(logits_np)
j_preds = jnp.argmax(F.softmax(j_logits, dim=1), axis=1)
j_accuracy = (j_preds == jnp.asarray(labels)).astype(jnp.float32).mean()
print(f"  same as argmax(logits)? {torch.equal(preds, torch.argmax(logits, dim=1))}")
show("argmax(softmax(logits), dim=1)", preds, j_preds)
show("accuracy", accuracy, j_accuracy)

# %% topk returns sorted (values, indices); lax.top_k works on the last axis only (S1 2264-2281)
probs_np = np.array([0.05, 0.3, 0.1, 0.02, 0.25, 0.08, 0.04, 0.06, 0.07, 0.03], np.float32)
# torch
probs = torch.tensor(probs_np)
top_probs, top_indices = torch.topk(probs, 3)
topk_result = torch.topk(probs, 1).indices[0]
# jax
j_top = F.topk(jnp.asarray(probs_np), 3)  # ValuesIndices, any dim
j_top1 = F.topk(jnp.asarray(probs_np), 1).indices[0]
show("torch.topk(probabilities, 3)", (top_probs, top_indices), j_top)
show("topk(p, 1).indices[0] (= argmax)", topk_result, j_top1)
