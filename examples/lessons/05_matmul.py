# %% [markdown]
# # 05 · Matrix multiplication
#
# `torch.mm`, `torch.matmul` and `@` on matrices, vectors and batches, the linear layer
# `y = x @ W + b`, a manual MLP and simplified attention (S1 1043-1450, S4 337-344,
# S4 556-568, S4 1957-1973). `@` and `jnp.matmul` follow the same rules as torch's. What differs
# most: `jnp` has no 2-D-only `mm` and its `dot` is lenient (it promotes ints to floats and
# multiplies matrices), where `torch.mm` and `torch.dot` reject such inputs; and JAX may
# use reduced-precision matmuls on accelerators unless `set_numerics` asks for full float32.

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

jaxnn.config.set_numerics("float32")  # jax_default_matmul_precision="highest"
torch_ref.config.set_numerics("float32")  # TF32 off
F = jaxnn.functional
rng = np.random.default_rng(0)

# %% torch.mm on (3, 4) @ (4, 2), and the two entries the notebook checks by hand (S1 1073-1126)
A_values = [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]
B_values = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
# torch
A, B = torch.tensor(A_values), torch.tensor(B_values)
C = torch.mm(A, B)
# jax
j_A, j_B = jnp.array(A_values), jnp.array(B_values)
j_C = j_A @ j_B  # jnp has no mm; matmul accepts 2-D like mm
show("torch.mm(A, B)", C, j_C)
show("C[0, 0] = 50, C[1, 1] = 140", (C[0, 0], C[1, 1]), (j_C[0, 0], j_C[1, 1]))

# %% matmul, @ and mm give bit-identical results within each framework (S1 1158-1183)
# torch
A = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
B = torch.tensor([[7.0, 8.0], [9.0, 10.0], [11.0, 12.0]])
result1, result2, result3 = torch.matmul(A, B), A @ B, torch.mm(A, B)
print(f"  torch all equal? {torch.equal(result1, result2) and torch.equal(result2, result3)}")
# jax
j_A, j_B = jnp.array(A.tolist()), jnp.array(B.tolist())
j1, j2, j3 = jnp.matmul(j_A, j_B), j_A @ j_B, jnp.dot(j_A, j_B)
print(f"  jax all equal? {bool(jnp.array_equal(j1, j2) and jnp.array_equal(j2, j3))}")
show("matmul(A, B) = [[58, 64], [139, 154]]", result1, j1)

# %% Vector @ matrix and matrix @ vector give vectors; torch.mm refuses 1-D (S1 1185-1227)
# torch
vector = torch.tensor([1.0, 2.0, 3.0])
matrix = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
matrix2 = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
t_vm = (vector @ matrix, matrix2 @ vector)
try:
    torch.mm(vector, matrix)
except RuntimeError as e:
    print(f"  torch.mm(vector, matrix): RuntimeError: {e}")
# jax
j_vector, j_matrix = jnp.array([1.0, 2.0, 3.0]), jnp.array(matrix.tolist())
j_matrix2 = jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
j_vm = (j_vector @ j_matrix, j_matrix2 @ j_vector)
show("vector @ matrix, matrix @ vector", t_vm, j_vm)

# %% A 1-D @ 1-D product is a 0-d dot product; integer dot stays integer (S1 1229-1247, S4 338-341)
# torch
v1, v2 = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0])
t_dots = (v1 @ v2, torch.dot(v1, v2))
t_int = torch.dot(torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6]))  # tensor(32), int64
# jax
j_v1, j_v2 = jnp.array([1.0, 2.0, 3.0]), jnp.array([4.0, 5.0, 6.0])
j_dots = (j_v1 @ j_v2, jnp.dot(j_v1, j_v2))
j_int = jnp.dot(jnp.array([1, 2, 3]), jnp.array([4, 5, 6]))  # int32 without x64
show("v1 @ v2, torch.dot(v1, v2) = 32.", t_dots, j_dots)
show("torch.dot(int, int) = tensor(32)", t_int, j_int)

# %% An integer matmul stays integer: matrix1 @ matrix1.T = [[14, 32], [32, 77]] (S4 524-568)
# torch
matrix1 = torch.tensor([[1, 2, 3], [4, 5, 6]])
multiply = matrix1 @ matrix1.T  # the notebook's matrix2 is matrix1's transpose
# jax
j_matrix1 = jnp.array([[1, 2, 3], [4, 5, 6]])
j_multiply = j_matrix1 @ j_matrix1.T
show("integer matrix1 @ matrix2", multiply, j_multiply)

# %% torch.dot refuses mixed dtypes and 2-D; jnp.dot promotes and multiplies matrices
# torch
try:
    torch.dot(torch.tensor([1, 2, 3]), v2)
except RuntimeError as e:
    print(f"  torch.dot(int, float): RuntimeError: {e}")
t_mixed = torch.tensor([1, 2, 3]).float() @ v2  # the explicit cast torch needs
# jax
j_mixed = jnp.dot(jnp.array([1, 2, 3]), j_v2)  # promotes the ints silently
show("dot of int and float vectors", t_mixed, j_mixed)

# %% Batched matmul: only the last two dims multiply (S1 1255-1293)
batch_A_np = np.arange(1, 19, dtype=np.float32).reshape(3, 2, 3)
batch_B_np = np.arange(1, 19, dtype=np.float32).reshape(3, 3, 2)
# torch
batch_A, batch_B = torch.tensor(batch_A_np), torch.tensor(batch_B_np)
batch_result = batch_A @ batch_B
manual_result = batch_A[0] @ batch_B[0]
# jax
j_batch_A, j_batch_B = jnp.asarray(batch_A_np), jnp.asarray(batch_B_np)
j_batch_result = j_batch_A @ j_batch_B
j_manual = j_batch_A[0] @ j_batch_B[0]
show("batch_A @ batch_B (3, 2, 2)", batch_result, j_batch_result)
show("batch_A[0] @ batch_B[0]", manual_result, j_manual)

# %% A batch times one matrix broadcasts over the batch; in JAX that is also a vmap (S1 1295-1317)
batch_np = rng.standard_normal((4, 3, 2)).astype(np.float32)
single_np = rng.standard_normal((2, 5)).astype(np.float32)
# torch
batch, single = torch.tensor(batch_np), torch.tensor(single_np)
result = batch @ single
# jax
j_batch, j_single = jnp.asarray(batch_np), jnp.asarray(single_np)
j_result = j_batch @ j_single
j_vmapped = jax.vmap(lambda m: m @ j_single)(j_batch)
show("batch @ single (4, 3, 5)", result, j_result)
show("... = vmap(lambda m: m @ single)", result, j_vmapped)

# %% The CS336 shapes: (16, 32) @ (32, 2) and (4, 8, 16, 32) @ (32, 2) (S4 1957-1973)
# torch
y2 = torch.ones(16, 32) @ torch.ones(32, 2)
y4 = torch.ones(4, 8, 16, 32) @ torch.ones(32, 2)
assert y4.size() == torch.Size([4, 8, 16, 2])
# jax
j_y2 = jnp.ones((16, 32)) @ jnp.ones((32, 2))
j_y4 = jnp.ones((4, 8, 16, 32)) @ jnp.ones((32, 2))
assert j_y4.shape == (4, 8, 16, 2)
show("ones(16, 32) @ ones(32, 2)", y2, j_y2)
show("ones(4, 8, 16, 32) @ ones(32, 2)", y4, j_y4)

# %% y = x @ W + b is what nn.Linear does, with W stored transposed (S1 1323-1368)
x_np = rng.standard_normal((32, 10)).astype(np.float32)
# torch
linear_layer = nn.Linear(10, 5)
y_layer = linear_layer(torch.tensor(x_np))
y_manual = torch.tensor(x_np) @ linear_layer.weight.T + linear_layer.bias
# jax
j_layer = jaxnn.nn.Linear(10, 5, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(j_layer, linear_layer.state_dict())  # torch's parameters
j_y = j_layer(jnp.asarray(x_np))
j_manual = jnp.asarray(x_np) @ j_layer.kernel[...] + j_layer.bias[...]  # kernel is (in, out)
show("nn.Linear(10, 5)(x)", y_layer, j_y)
show("x @ W.T + b  vs  x @ kernel + b", y_manual, j_manual)

# %% A three-layer MLP by matmuls and relu, 20 -> 15 -> 10 -> 3 (S1 1370-1401)
# The notebook draws unscaled randn weights; scaled by 1/sqrt(fan_in) here so that the float32
# outputs stay O(1) and summation order cannot dominate (the unscaled case reaches ~100).
sizes = [(20, 15), (15, 10), (10, 3)]
Ws = [(rng.standard_normal(s) / np.sqrt(s[0])).astype(np.float32) for s in sizes]
bs = [rng.standard_normal(s[1]).astype(np.float32) for s in sizes]
x_np = rng.standard_normal((16, 20)).astype(np.float32)
# torch
W1, W2, W3 = (torch.tensor(w) for w in Ws)
b1, b2, b3 = (torch.tensor(b) for b in bs)
h1 = torch.relu(torch.tensor(x_np) @ W1 + b1)
h2 = torch.relu(h1 @ W2 + b2)
output = h2 @ W3 + b3
# jax
jW1, jW2, jW3 = (jnp.asarray(w) for w in Ws)
jb1, jb2, jb3 = (jnp.asarray(b) for b in bs)
j_h1 = F.relu(jnp.asarray(x_np) @ jW1 + jb1)
j_h2 = F.relu(j_h1 @ jW2 + jb2)
j_output = j_h2 @ jW3 + jb3
show("manual MLP output (16, 3)", output, j_output)

# %% Simplified attention: Q @ K^T, softmax over the last dim, then @ V (S1 1403-1450)
# Weights scaled by 1/sqrt(D): with the notebook's unscaled randn the softmax is almost one-hot
# (inventory §5), and tiny score differences would move its weights.
D = 64
x_np = rng.standard_normal((2, 8, D)).astype(np.float32)
W_np = [(rng.standard_normal((D, D)) / np.sqrt(D)).astype(np.float32) for _ in range(3)]
# torch
x = torch.tensor(x_np)
Q, K, V = (x @ torch.tensor(w) for w in W_np)
attention_scores = Q @ K.transpose(-2, -1)
attention_weights = torch.softmax(attention_scores / (D**0.5), dim=-1)
attention_output = attention_weights @ V
# jax
j_x = jnp.asarray(x_np)
j_Q, j_K, j_V = (j_x @ jnp.asarray(w) for w in W_np)
j_scores = j_Q @ jnp.swapaxes(j_K, -2, -1)
j_attention = F.softmax(j_scores / (D**0.5), dim=-1) @ j_V
show("attention output (2, 8, 64)", attention_output, j_attention)
