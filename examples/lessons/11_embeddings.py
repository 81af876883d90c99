# %% [markdown]
# # 11 · Embeddings
#
# `nn.Embedding` as a trainable lookup table: looking up single ids and batches, the table
# gradient, a text classifier that mean-pools embeddings, pre-trained vectors, freezing and
# `padding_idx` (S1 7367-7648). `jaxnn.nn.Embedding` subclasses Flax's `nnx.Embed` with torch's
# arguments; its table `embedding` has the layout of torch's `weight`. What differs most: torch
# initialises the table from N(0, 1) while `nnx.Embed` defaults to a variance-scaling init
# (the twin draws N(0, 1), but never torch's numbers, so each cell copies torch's table), and
# `nnx.Embed` has no `padding_idx` (the twin adds it).

# %%
import jax
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
rngs = nnx.Rngs(0)
vocab_size, embedding_dim = 10, 4

# %% An Embedding(10, 4) maps each id to a row of its (10, 4) table (S1 7397-7431)
# torch
embedding = nn.Embedding(vocab_size, embedding_dim)
token_ids = torch.tensor([0, 2, 5, 1])
embedded = embedding(token_ids)
# jax
j_embedding = jaxnn.nn.Embedding(vocab_size, embedding_dim, rngs=rngs)
jaxnn.interop.load_state_dict(j_embedding, embedding.state_dict())  # torch's N(0, 1) draws
j_embedded = j_embedding(jnp.array([0, 2, 5, 1]))
print(f"  parameters: {embedding.weight.numel()} | {jaxnn.nn.count_parameters(j_embedding)}")
show("embedding(token_ids) (4, 4)", embedded, j_embedded)

# %% The lookup is plain indexing into the table: embedding.weight[3] (S1 7440-7459)
# torch
embedded_vector = embedding(torch.tensor([3]))
direct_lookup = embedding.weight[3]
# jax
j_vector = j_embedding(jnp.array([3]))
j_direct = j_embedding.embedding[3]  # the table is called `embedding` in Flax
show("embedding([3]).squeeze()", embedded_vector.squeeze(), j_vector.squeeze())
show("embedding.weight[3]", direct_lookup, j_direct)

# %% A batch of sequences (3, 5) gives (3, 5, 4) (S1 7467-7499)
sequences = [[1, 4, 2, 7, 0], [3, 8, 5, 2, 9], [0, 1, 1, 4, 6]]
# torch
batch_sequences = torch.tensor(sequences)
embedded_batch = embedding(batch_sequences)
# jax
j_batch = j_embedding(jnp.array(sequences))
show("embedding(batch_sequences)", embedded_batch, j_batch)

# %% The table's gradient adds up the upstream gradient of every lookup of a row
upstream = np.random.default_rng(0).standard_normal((3, 5, 4)).astype(np.float32)
# torch
(embedding(batch_sequences) * torch.tensor(upstream)).sum().backward()
# jax
j_grads = nnx.grad(lambda m: (m(jnp.array(sequences)) * jnp.asarray(upstream)).sum())(j_embedding)
show("embedding.weight.grad", embedding.weight.grad, j_grads["embedding"][...])

# %% A text classifier: embed, mean over the sequence, two Linear layers (S1 7505-7554)
batch_np = np.random.default_rng(1).integers(0, 1000, (4, 10))
# torch
model = torch_ref.models.TextClassifier(
    vocab_size=1000, embedding_dim=128, hidden_dim=64, num_classes=5
)
output = model(torch.tensor(batch_np))
# jax
j_model = jaxnn.models.TextClassifier(1000, 128, 64, 5, rngs=rngs)
jaxnn.interop.load_state_dict(j_model, model.state_dict())
j_output = j_model(jnp.asarray(batch_np))
t_count, j_count = sum(p.numel() for p in model.parameters()), jaxnn.nn.count_parameters(j_model)
print(f"  parameters: {t_count} | {j_count}")
show("TextClassifier logits (4, 5)", output, j_output)

# %% Pre-trained vectors: .data = ... in torch, load_state_dict in jaxnn (S1 7560-7585)
pretrained = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9], [1.0, 1.1, 1.2], [1.3, 1.4, 1.5]]
# torch
embedding = nn.Embedding(5, 3)
pretrained_vectors = torch.tensor(pretrained)
embedding.weight.data = pretrained_vectors  # aliases pretrained_vectors
looked_up = embedding(torch.tensor([4, 0]))
# jax
j_embedding = jaxnn.nn.Embedding(5, 3, rngs=rngs)
jaxnn.interop.load_state_dict(j_embedding, {"weight": np.array(pretrained)})  # copies
j_looked_up = j_embedding(jnp.array([4, 0]))
show("embedding([4, 0]) after loading", looked_up, j_looked_up)

# %% Freezing: requires_grad = False in torch, jaxnn.nn.freeze in JAX (S1 7589-7603)
ids = np.array([1, 2, 2])
# torch
embedding.weight.requires_grad = False
frozen_out = embedding(torch.tensor(ids))
print(f"  torch: output requires grad? {frozen_out.requires_grad}")
t_trainable = sum(p.numel() for p in embedding.parameters() if p.requires_grad)
# jax
jaxnn.nn.freeze(j_embedding)  # the table becomes a jaxnn.nn.Frozen variable
j_frozen_out = j_embedding(jnp.asarray(ids))
j_frozen_grads = nnx.grad(lambda m: m(jnp.asarray(ids)).sum())(j_embedding)
print(f"  jax: gradient leaves {len(jax.tree.leaves(j_frozen_grads))}")
j_trainable = jaxnn.nn.count_parameters(j_embedding, trainable_only=True)
show("trainable parameters = 0", t_trainable, j_trainable)
show("frozen lookup", frozen_out, j_frozen_out)

# %% padding_idx=0: the row starts at zero and never gets a gradient (S1 7612-7647)
sequences = [[3, 5, 7, 2, 0, 0], [1, 4, 0, 0, 0, 0]]
# torch
embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
embedded = embedding(torch.tensor(sequences))
embedded.sum().backward()
print(f"  All zeros? {(embedded[0, -1] == 0).all().item()}")
# jax
j_embedding = jaxnn.nn.Embedding(vocab_size, embedding_dim, padding_idx=0, rngs=rngs)
jaxnn.interop.load_state_dict(j_embedding, embedding.state_dict())
j_embedded = j_embedding(jnp.array(sequences))
j_pad_grads = nnx.grad(lambda m: m(jnp.array(sequences)).sum())(j_embedding)
show("embedding(padded sequences) (2, 6, 4)", embedded, j_embedded)
show("weight.grad, row 0 stays zero", embedding.weight.grad, j_pad_grads["embedding"][...])
