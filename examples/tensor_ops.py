"""The notebooks' tensor passages that compute something: devices, matmul networks, pooling, gather.

- ``device_matmul`` (E21, S1 419-683): the device-management demo: tensors made
  on and moved to the default device, ``safe_add``, a sum moved back to the host,
  and the timed matmul (``torch_ref.device.time_matmul`` /
  ``jaxnn.device.time_matmul``). The notebook multiplies 5000 x 5000 matrices; here
  n = 256 so the parity suite stays fast, and the product is compared, not the
  time (the report shows each side's wall time).
- ``manual_mlp`` (E22, S1 1370-1401): a 20-15-10-3 network by matrix
  multiplications (``ManualMLP``, whose parameters are the notebook's ``randn`` tensors).
- ``self_attention`` (E23, S1 1403-1450): the notebook's simplified attention,
  ``softmax(Q K^T / sqrt(64)) V`` (``SelfAttention``). Its ``randn(64, 64)``
  projections make the softmax nearly one-hot (inventory §5 item 34); the
  float32 comparison still holds at the harness's metric tolerance.
- ``global_avg_pool`` (E24, S1 1830-1852): ``mean(dim=(2, 3))`` of
  ``(2, 64, 8, 8)`` feature maps.
- ``gather_tour`` (E49, S1 8345-8709): every ``torch.gather`` example: 1-D, rows,
  columns, the true-class logits (with their gradient), sequence positions,
  gather vs indexing, top-k, embedding rows.
"""

from __future__ import annotations

import numpy as np

from jaxnn_examples.example import Example
from jaxnn_examples.forward import JaxSide, TorchSide, defaults, floats, randn, rng

# --- E21 -----------------------------------------------------------------------------------

MATMUL_N = 256  # the notebook's 5000, scaled down: the parity run compares the product


def _device_torch(t: TorchSide) -> None:
    import torch

    import torch_ref

    device = torch_ref.device.default_device()
    x = t.tensor([[1.0, 2.0], [3.0, 4.0]])
    x_on_device = torch_ref.device.to_device(x, device)  # x.to(device)
    t.record("x moved and back", x_on_device.cpu())
    a = t.tensor([1.0, 2.0, 3.0])  # CPU by default
    b = t.tensor([4.0, 5.0, 6.0]).to(device)
    t.record("a + b", (a.to(device) + b).cpu())
    y = t.tensor([3.0, 4.0]).to(device)
    t.record("safe_add", torch_ref.device.safe_add(t.tensor([1.0, 2.0]), y).cpu())
    data = t.tensor(randn(rng(t.settings), 10, 5, settings=t.settings)).to(device)
    result_numpy = data.sum().cpu().numpy()  # GPU tensors can't be converted to NumPy directly
    t.prints("data sum", result_numpy)
    timing = torch_ref.device.time_matmul(
        MATMUL_N, device, dtype=t.settings.dtype, seed=t.settings.seed
    )
    product = timing["result"].cpu()
    t.record("matmul", product)
    t.prints("matmul trace", torch.trace(product))


def _device_jax(j: JaxSide) -> None:
    import jax.numpy as jnp

    import jaxnn

    device = jaxnn.device.default_device()
    x = j.array([[1.0, 2.0], [3.0, 4.0]])
    x_on_device = jaxnn.device.to_device(x, device)
    j.record("x moved and back", np.asarray(x_on_device))  # NumPy copies to the host
    a = j.array([1.0, 2.0, 3.0])
    b = jaxnn.device.to_device(j.array([4.0, 5.0, 6.0]), device)
    j.record("a + b", jaxnn.device.to_device(a, device) + b)
    y = jaxnn.device.to_device(j.array([3.0, 4.0]), device)
    j.record("safe_add", jaxnn.device.safe_add(j.array([1.0, 2.0]), y))
    data = jaxnn.device.to_device(
        j.array(randn(rng(j.settings), 10, 5, settings=j.settings)), device
    )
    j.prints("data sum", np.asarray(data.sum()))
    timing = jaxnn.device.time_matmul(
        MATMUL_N, device, dtype=j.settings.dtype, seed=j.settings.seed
    )
    j.record("matmul", timing["result"])
    j.prints("matmul trace", jnp.trace(timing["result"]))


DEVICE_MATMUL = Example(
    "device_matmul",
    "device management and a timed matmul (E21)",
    "S1 419-683",
    f"torch.matmul of two {MATMUL_N} x {MATMUL_N} N(0, 1) matrices (the notebook: 5000)",
    "literals; N(0, 1) matrices from NumPy",
    "moved tensors, a + b = [5, 7, 9], safe_add = [4, 6], the data sum, the product",
    defaults(),
    torch_side=_device_torch,
    jax_side=_device_jax,
)


# --- E22 -----------------------------------------------------------------------------------


def _manual_mlp_torch(t: TorchSide) -> None:
    import torch

    x = t.tensor(randn(rng(t.settings), 16, 20, settings=t.settings))  # 16 samples, 20 features
    model = t.model("model", ("models.ManualMLP",))  # W1, b1, ..., b3: the notebook's randn
    with torch.no_grad():
        h1 = torch.relu(x @ model.W1 + model.b1)  # layer 1: 20 -> 15
        h2 = torch.relu(h1 @ model.W2 + model.b2)  # layer 2: 15 -> 10
        output = h2 @ model.W3 + model.b3  # layer 3: 10 -> 3
        _manual_record(t, h1, h2, output, model(x))
    t.record_params("model", model)


def _manual_mlp_jax(j: JaxSide) -> None:
    from jaxnn import functional as F

    x = j.array(randn(rng(j.settings), 16, 20, settings=j.settings))
    model = j.model("model", ("models.ManualMLP",))
    h1 = F.relu(x @ model.W1[...] + model.b1[...])
    h2 = F.relu(h1 @ model.W2[...] + model.b2[...])
    output = h2 @ model.W3[...] + model.b3[...]
    _manual_record(j, h1, h2, output, model(x))
    j.record_params("model", model)


def _manual_record(side, h1, h2, output, model_output) -> None:
    for key, value in (("h1", h1), ("h2", h2), ("output", output), ("model(x)", model_output)):
        side.record(key, value)
    for key in ("h1", "h2", "output"):
        side.prints(f"{key} features", side.state[key].shape[1])


MANUAL_MLP = Example(
    "manual_mlp",
    "a three-layer network by matrix multiplications (E22)",
    "S1 1370-1401",
    "ManualMLP: x @ W + b, 20-15-10-3, torch.relu",
    "x ~ N(0, 1) of shape (16, 20) (NumPy)",
    "shapes (16, 15), (16, 10), (16, 3)",
    defaults(),
    torch_side=_manual_mlp_torch,
    jax_side=_manual_mlp_jax,
)


# --- E23 -----------------------------------------------------------------------------------

SEQUENCE_LENGTH, EMBEDDING_DIM, ATTENTION_BATCH = 8, 64, 2


def _attention_torch(t: TorchSide) -> None:
    import torch

    x = t.tensor(
        randn(rng(t.settings), ATTENTION_BATCH, SEQUENCE_LENGTH, EMBEDDING_DIM, settings=t.settings)
    )
    model = t.model("attention", ("models.SelfAttention", EMBEDDING_DIM))
    with torch.no_grad():
        Q, K, V = x @ model.W_q, x @ model.W_k, x @ model.W_v  # (2, 8, 64)
        attention_scores = Q @ K.transpose(-2, -1)  # (2, 8, 8)
        weights = torch.softmax(attention_scores / (EMBEDDING_DIM**0.5), dim=-1)
        _attention_record(t, Q, K, V, attention_scores, weights, weights @ V, model(x))
    t.record_params("attention", model)


def _attention_jax(j: JaxSide) -> None:
    from jaxnn import functional as F

    x = j.array(
        randn(rng(j.settings), ATTENTION_BATCH, SEQUENCE_LENGTH, EMBEDDING_DIM, settings=j.settings)
    )
    model = j.model("attention", ("models.SelfAttention", EMBEDDING_DIM))
    Q, K, V = x @ model.W_q[...], x @ model.W_k[...], x @ model.W_v[...]
    attention_scores = Q @ K.swapaxes(-2, -1)  # torch: K.transpose(-2, -1)
    weights = F.softmax(attention_scores / (EMBEDDING_DIM**0.5), dim=-1)
    _attention_record(j, Q, K, V, attention_scores, weights, weights @ V, model(x))
    j.record_params("attention", model)


def _attention_record(side, Q, K, V, scores, weights, output, model_output) -> None:
    for key, value in (("Q", Q), ("K", K), ("V", V), ("attention_scores", scores)):
        side.record(key, value)
    side.record("attention_weights", weights)
    side.record("attention_output", output)
    side.record("model(x)", model_output)
    side.prints("largest attention weight (mean over rows)", np.asarray(weights).max(-1).mean())


SELF_ATTENTION = Example(
    "self_attention",
    "simplified self-attention by matrix multiplications (E23)",
    "S1 1403-1450",
    "SelfAttention(64): softmax(Q K^T / 8) V with randn(64, 64) projections",
    "x ~ N(0, 1) of shape (2, 8, 64) (NumPy)",
    "shapes: scores (2, 8, 8), output (2, 8, 64)",
    defaults(),
    torch_side=_attention_torch,
    jax_side=_attention_jax,
)


# --- E24 -----------------------------------------------------------------------------------


def _pool_torch(t: TorchSide) -> None:
    # Simulated feature maps: (batch=2, channels=64, height=8, width=8)
    feature_maps = t.tensor(randn(rng(t.settings), 2, 64, 8, 8, settings=t.settings))
    pooled = feature_maps.mean(dim=(2, 3))  # average over the spatial dimensions
    t.record("pooled", pooled)
    t.prints("pooled channels", pooled.shape[1])


def _pool_jax(j: JaxSide) -> None:
    from jaxnn import functional as F

    feature_maps = j.array(randn(rng(j.settings), 2, 64, 8, 8, settings=j.settings))
    pooled = F.mean(feature_maps, dim=(2, 3))
    j.record("pooled", pooled)
    j.prints("pooled channels", pooled.shape[1])


GLOBAL_AVG_POOL = Example(
    "global_avg_pool",
    "global average pooling with mean(dim=(2, 3)) (E24)",
    "S1 1830-1852",
    "x.mean(dim=(2, 3))",
    "feature maps ~ N(0, 1) of shape (2, 64, 8, 8) (NumPy)",
    "the pooled shape (2, 64)",
    defaults(),
    torch_side=_pool_torch,
    jax_side=_pool_jax,
)


# --- E49 -----------------------------------------------------------------------------------

# The notebook's literals (S1 8360-8640).
VALUES = [10, 20, 30, 40, 50]
MATRIX = [[10, 11, 12, 13, 14], [20, 21, 22, 23, 24], [30, 31, 32, 33, 34]]
ROW_INDEX = [[0, 2, 4], [1, 3, 4], [2, 2, 2]]
COLUMN_INDEX = [[0, 1, 2, 0, 1]]
LOGITS = [
    [2.1, 0.5, 1.3, 0.8, 1.9],
    [0.3, 3.2, 1.1, 0.9, 1.5],
    [1.8, 1.2, 0.7, 2.5, 1.0],
    [0.9, 1.4, 2.8, 1.1, 0.6],
]
TRUE_LABELS = [0, 1, 3, 2]
SEQUENCE = np.arange(1, 31).reshape(2, 5, 3)  # (2 samples, 5 positions, 3 features)
POSITIONS = [[1, 3], [0, 4]]
SQUARE = [[10, 20, 30], [40, 50, 60], [70, 80, 90]]
PER_ROW = [1, 0, 2]
TOPK_VALUES = [[3.2, 1.5, 4.8, 2.1, 5.3], [2.7, 4.2, 1.9, 5.1, 3.5]]
TOKEN_IDS = [[2, 5, 7], [1, 3, 9]]


def _gather_torch(t: TorchSide) -> None:
    import torch

    def ints(v):
        return torch.tensor(v)

    t.record("1d", torch.gather(ints(VALUES), dim=0, index=ints([0, 2, 4, 1])))
    t.record("rows", torch.gather(ints(MATRIX), dim=1, index=ints(ROW_INDEX)))
    t.record("columns", torch.gather(ints(MATRIX), dim=0, index=ints(COLUMN_INDEX)))

    logits = t.tensor(floats(LOGITS, t.settings), requires_grad=True)
    indices = ints(TRUE_LABELS).unsqueeze(1)  # shape (4, 1)
    true_class_logits = torch.gather(logits, dim=1, index=indices)
    true_class_logits.sum().backward()  # gather's gradient scatters ones back
    t.record("true_class_logits", true_class_logits.squeeze())
    t.record("grad.logits", logits.grad)

    sequence = t.tensor(floats(SEQUENCE, t.settings))
    indices_expanded = ints(POSITIONS).unsqueeze(-1).expand(-1, -1, 3)  # (2, 2, 3)
    t.record("positions", torch.gather(sequence, dim=1, index=indices_expanded))

    square, per_row = ints(SQUARE), ints(PER_ROW)
    gathered = torch.gather(square, dim=1, index=per_row.unsqueeze(1)).squeeze()
    indexed = square[torch.arange(len(square)), per_row]
    t.record("gather_vs_indexing", gathered)
    t.prints("gather equals indexing", torch.equal(gathered, indexed))

    values = t.tensor(floats(TOPK_VALUES, t.settings))
    top_k_values, top_k_indices = torch.topk(values, 3, dim=1)
    gathered_top_k = torch.gather(values, dim=1, index=top_k_indices)
    t.record("topk.values", top_k_values)
    t.record("topk.indices", top_k_indices)
    t.prints("topk values equal gathered", torch.equal(top_k_values, gathered_top_k))

    embeddings = t.tensor(randn(rng(t.settings), 10, 4, settings=t.settings))  # 10 tokens, 4 dims
    index = ints(TOKEN_IDS).unsqueeze(-1).expand(-1, -1, 4)  # (2, 3, 4)
    rows = torch.gather(embeddings.unsqueeze(0).expand(2, -1, -1), dim=1, index=index)
    t.record("embedding_rows", rows)
    _gather_prints(t)


def _gather_jax(j: JaxSide) -> None:
    import jax
    import jax.numpy as jnp

    from jaxnn import functional as F

    def ints(v):
        return jnp.asarray(np.asarray(v))

    j.record("1d", F.gather(ints(VALUES), dim=0, index=ints([0, 2, 4, 1])))
    j.record("rows", F.gather(ints(MATRIX), dim=1, index=ints(ROW_INDEX)))
    j.record("columns", F.gather(ints(MATRIX), dim=0, index=ints(COLUMN_INDEX)))

    logits = j.array(floats(LOGITS, j.settings))
    indices = ints(TRUE_LABELS)[:, None]  # torch: unsqueeze(1)

    def true_class(logits):
        picked = F.gather(logits, dim=1, index=indices)
        return picked.sum(), picked

    (_, true_class_logits), logits_grad = jax.value_and_grad(true_class, has_aux=True)(logits)
    j.record("true_class_logits", F.squeeze(true_class_logits))
    j.record("grad.logits", logits_grad)

    sequence = j.array(floats(SEQUENCE, j.settings))
    indices_expanded = F.expand(ints(POSITIONS)[..., None], -1, -1, 3)
    j.record("positions", F.gather(sequence, dim=1, index=indices_expanded))

    square, per_row = ints(SQUARE), ints(PER_ROW)
    gathered = F.squeeze(F.gather(square, dim=1, index=per_row[:, None]))
    indexed = square[jnp.arange(len(square)), per_row]
    j.record("gather_vs_indexing", gathered)
    j.prints("gather equals indexing", jnp.array_equal(gathered, indexed))

    values = j.array(floats(TOPK_VALUES, j.settings))
    top_k_values, top_k_indices = F.topk(values, 3, dim=1)
    gathered_top_k = F.gather(values, dim=1, index=top_k_indices)
    j.record("topk.values", top_k_values)
    j.record("topk.indices", top_k_indices)
    j.prints("topk values equal gathered", jnp.array_equal(top_k_values, gathered_top_k))

    embeddings = j.array(randn(rng(j.settings), 10, 4, settings=j.settings))
    index = F.expand(ints(TOKEN_IDS)[..., None], -1, -1, 4)
    rows = F.gather(F.expand(embeddings[None], 2, -1, -1), dim=1, index=index)
    j.record("embedding_rows", rows)
    _gather_prints(j)


def _gather_prints(side) -> None:
    for i, value in enumerate(side.state["true_class_logits"]):
        side.prints(f"true-class logit {i}", value)


GATHER_TOUR = Example(
    "gather_tour",
    "torch.gather: rows, columns, true-class logits, positions, top-k (E49)",
    "S1 8345-8709",
    "torch.gather / jaxnn.functional.gather",
    "the notebook's literals; a N(0, 1) embedding table (NumPy)",
    "[10, 30, 50, 20]; true-class logits [2.1, 3.2, 2.5, 2.8]; gather == indexing; topk match",
    defaults(),
    torch_side=_gather_torch,
    jax_side=_gather_jax,
)
