"""``nn.Embedding`` / ``F.embedding`` twins (inventory §1.12; S1 7367-7674, §3.2 Embedding).

Forward lookups and table gradients against torch (with and without
``padding_idx``), the padding row's gradient rule, frozen pretrained tables in
a training step, index errors, the N(0, 1) initialisation and state-dict round
trips.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx
from scipy import stats

import jaxnn
import torch_ref
from twincore import harness

from .components import EMBEDDING

pytestmark = EMBEDDING


def _twins(num, dim, mode, padding_idx=None):
    torch.manual_seed(0)
    t = torch.nn.Embedding(num, dim, padding_idx=padding_idx).to(mode.torch)
    j = jaxnn.nn.Embedding(num, dim, padding_idx=padding_idx, dtype=mode.jnp, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    return t, j


def _table_grad(model, grads):
    """A gradient State laid out as torch's ``{name: grad}`` via the conversion table."""
    clone = nnx.clone(model)
    nnx.update(clone, grads)
    return jaxnn.interop.state_dict(clone)


@pytest.mark.parametrize(
    "padding_idx, jit",
    [(None, True), (0, True), (-1, True), (0, False)],
    ids=["no_pad", "pad0", "pad-1", "pad0_eager"],
)
def test_embedding_forward_and_table_gradient(mode, rng, padding_idx, jit):
    t, j = _twins(10, 4, mode, padding_idx)
    with torch.no_grad():  # a non-zero padding row: its gradient must still be zero
        t.weight.copy_(torch.tensor(mode.array(rng.normal(size=(10, 4)))))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    ids = np.array([[1, 4, 2, 7, 0], [3, 8, 5, 2, 9], [0, 1, 1, 4, 9]])  # S1 7467-7471, with 9
    g = mode.array(rng.normal(size=ids.shape + (4,)))
    out_t = t(torch.tensor(ids))
    out_t.backward(torch.tensor(g))

    def loss(model):
        out = model(jnp.asarray(ids))
        return jnp.sum(out * g), out

    grad_fn = nnx.value_and_grad(loss, has_aux=True)
    (_, out_j), grads = (nnx.jit(grad_fn) if jit else grad_fn)(j)
    harness.assert_equal(out_j, out_t.detach(), name="lookup")
    mode.assert_close(_table_grad(j, grads)["weight"], t.weight.grad, name="table grad")
    if padding_idx is not None:
        row = padding_idx % 10
        harness.assert_equal(t.weight.grad[row], np.zeros(4), name="torch padding grad")
        harness.assert_equal(grads["embedding"][...][row], np.zeros(4), name="jax padding grad")


@pytest.mark.parametrize(
    "ids",
    [np.array(3), np.array([0, 2, 5, 1]), np.array([[3, 5], [1, 1]], np.int32)],
    ids=["0d", "1d", "int32"],
)
def test_embedding_index_shapes_and_dtypes(mode, ids):
    # Output shape is ids.shape + (dim,); torch accepts int64 and int32, as jaxnn does.
    t, j = _twins(6, 3, mode)
    harness.assert_equal(j(jnp.asarray(ids)), t(torch.from_numpy(ids)).detach())


def test_embedding_accepts_any_integer_dtype_where_torch_needs_int32_or_int64():
    t, j = _twins(6, 3, _Float32())
    ids = np.array([0, 5, 2], np.uint8)
    with pytest.raises(RuntimeError, match="Long, Int; but got torch.ByteTensor"):
        t(torch.from_numpy(ids))
    harness.assert_equal(j(ids), t(torch.from_numpy(ids.astype(np.int64))).detach())


def test_embedding_seed_lookup_is_indexing():
    # S1 7397-7461: weight (10, 4), 40 parameters; embedding(id) equals weight[id] ("Same
    # result? True", "Match? True"); a (3, 5) batch embeds to (3, 5, 4).
    t, j = _twins(10, 4, _Float32())
    assert tuple(t.weight.shape) == tuple(j.embedding.shape) == (10, 4)
    assert jaxnn.nn.count_parameters(j) == sum(p.numel() for p in t.parameters()) == 40
    token = 3
    harness.assert_equal(j(jnp.array([token]))[0], j.embedding[...][token])
    harness.assert_equal(t(torch.tensor([token])).squeeze().detach(), t.weight[token].detach())
    batch = np.array([[1, 4, 2, 7, 0], [3, 8, 5, 2, 9], [0, 1, 1, 4, 6]])
    out_j, out_t = j(batch), t(torch.tensor(batch))
    assert out_j.shape == tuple(out_t.shape) == (3, 5, 4)
    harness.assert_equal(out_j[0, 0], j.embedding[...][batch[0, 0]])
    harness.assert_equal(out_t[0, 0].detach(), t.weight[batch[0, 0]].detach())


def test_embedding_seed_padding_row_zero_at_init_with_zero_gradient():
    # S1 7612-7647 with jaxnn's own init: the padding row prints [[0., 0., 0., 0.]], the
    # padded batch embeds to (2, 6, 4) and its last token is all zeros ("All zeros? True").
    # After a backward through that batch the padding row's gradient is zero in both.
    sequences = np.array([[3, 5, 7, 2, 0, 0], [1, 4, 0, 0, 0, 0]])
    t = torch.nn.Embedding(10, 4, padding_idx=0)
    j = jaxnn.nn.Embedding(10, 4, padding_idx=0, rngs=nnx.Rngs(0))
    zeros = np.zeros((1, 4))
    harness.assert_twins_equal(j(jnp.array([0])), t(torch.tensor([0])).detach(), golden=zeros)
    assert np.all(np.asarray(j(jnp.array([5]))) != 0)
    out_t = t(torch.tensor(sequences))
    out_t.sum().backward()
    grads = nnx.grad(lambda m: jnp.sum(m(jnp.asarray(sequences))))(j)
    out_j = j(sequences)
    assert out_j.shape == tuple(out_t.shape) == (2, 6, 4)
    assert bool(jnp.all(out_j[0, -1] == 0)) and bool((out_t[0, -1] == 0).all())
    harness.assert_equal(t.weight.grad[0], np.zeros(4), name="torch padding grad")
    harness.assert_equal(grads["embedding"][...][0], np.zeros(4), name="jax padding grad")
    # Every other row's gradient counts its uses: token 4 appears once, token 1 once.
    harness.assert_equal(grads["embedding"][...], t.weight.grad, name="all rows")


def test_embedding_padding_output_is_nonzero_once_the_row_is_overwritten():
    # Notebook error (inventory §5 44): padding_idx does not "always output zeros"; it zeroes the
    # row at init and masks its gradient. A pretrained table keeps its padding row's values.
    table = np.arange(1.0, 7.0, dtype=np.float32).reshape(3, 2)
    t = torch.nn.Embedding.from_pretrained(torch.tensor(table), freeze=False, padding_idx=1)
    j = jaxnn.nn.Embedding.from_pretrained(table, freeze=False, padding_idx=1)
    ids = np.array([1, 1, 2])
    out_t = t(torch.tensor(ids))
    harness.assert_twins_equal(j(ids), out_t.detach(), golden=table[ids])
    out_t.sum().backward()
    grads = nnx.grad(lambda m: jnp.sum(m(jnp.asarray(ids))))(j)
    expected = [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
    harness.assert_twins_equal(grads["embedding"][...], t.weight.grad, golden=expected)


class _Float32:
    """The float32 half of the ``mode`` fixture, for tests that need only one precision."""

    name = "float32"
    torch = torch.float32
    jnp = jnp.float32


class TorchBagClassifier(torch.nn.Module):
    """The notebook's TextClassifier (S1 7495-7544) at a small size, with a given table."""

    def __init__(self, table, freeze):
        super().__init__()
        self.embedding = torch.nn.Embedding.from_pretrained(table, freeze=freeze)
        self.fc1 = torch.nn.Linear(table.shape[1], 2)

    def forward(self, token_ids):
        return self.fc1(self.embedding(token_ids).mean(dim=1))  # (B, T, D) -> (B, D) -> (B, 2)


class BagClassifier(nnx.Module):
    def __init__(self, table, freeze, *, rngs):
        self.embedding = jaxnn.nn.Embedding.from_pretrained(table, freeze=freeze)
        self.fc1 = jaxnn.nn.Linear(table.shape[1], 2, dtype=table.dtype, rngs=rngs)

    def __call__(self, token_ids):
        return self.fc1(jnp.mean(self.embedding(token_ids), axis=1))  # (B, T, D) -> (B, D)


@pytest.mark.parametrize("freeze", [True, False], ids=["frozen", "trainable"])
def test_embedding_from_pretrained_frozen_gets_no_update_in_fit(mode, rng, freeze):
    table = mode.array(rng.normal(size=(5, 3)))
    torch.manual_seed(0)
    t = TorchBagClassifier(torch.tensor(table), freeze).to(mode.torch)
    j = BagClassifier(table, freeze, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict())
    assert isinstance(j.embedding.embedding, jaxnn.nn.Frozen) == freeze
    assert t.embedding.weight.requires_grad == (not freeze)
    trainable_t = sum(p.numel() for p in t.parameters() if p.requires_grad)
    assert jaxnn.nn.count_parameters(j, trainable_only=True) == trainable_t
    batches = [(rng.integers(0, 5, size=(4, 6)), rng.integers(0, 2, size=4)) for _ in range(2)]
    t_losses = torch_ref.train.fit(
        t,
        torch.optim.SGD([p for p in t.parameters() if p.requires_grad], lr=0.5),
        F.cross_entropy,
        [(torch.tensor(x), torch.tensor(y)) for x, y in batches],
        1,
    ).losses
    result = jaxnn.train.fit(
        j,
        jaxnn.optim.sgd(lr=0.5),
        jaxnn.functional.cross_entropy,
        [(jnp.asarray(x), jnp.asarray(y)) for x, y in batches],
        1,
    )
    mode.assert_close(result.losses, t_losses, kind="curve", name="losses")
    mode.assert_state_dict_close(jaxnn.interop.state_dict(j), t.state_dict(), kind="curve")
    table_after = jaxnn.interop.state_dict(j)["embedding.weight"]
    if freeze:
        harness.assert_equal(table_after, table, name="frozen table")
        harness.assert_equal(t.embedding.weight.detach(), table, name="torch frozen table")
    else:
        assert not np.array_equal(table_after, table)


def test_embedding_seed_weight_data_assignment_then_freeze():
    # S1 7562-7606: `embedding.weight.data = pretrained_vectors` then
    # `embedding.weight.requires_grad = False`. jaxnn: load_state_dict + jaxnn.nn.freeze.
    pretrained = np.arange(1, 16, dtype=np.float32).reshape(5, 3) / 10
    t = torch.nn.Embedding(5, 3)
    source = torch.tensor(pretrained)
    t.weight.data = source
    t.weight.requires_grad = False
    j = jaxnn.nn.Embedding(5, 3, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, {"weight": pretrained})
    jaxnn.nn.freeze(j)
    assert isinstance(j.embedding, jaxnn.nn.Frozen) and not t.weight.requires_grad
    harness.assert_twins_equal(
        jaxnn.interop.state_dict(j)["weight"], t.weight.detach(), golden=pretrained
    )
    assert jaxnn.nn.count_parameters(j, trainable_only=True) == 0
    assert not jax.tree.leaves(nnx.state(j, nnx.Param))  # nothing for nnx.grad or optax
    # `.data =` aliases the source in torch (inventory §5 44); load_state_dict copies.
    source.add_(1.0)
    harness.assert_equal(t.weight.detach(), pretrained + 1, name="torch follows its source")
    harness.assert_equal(jaxnn.interop.state_dict(j)["weight"], pretrained, name="jaxnn copy")


def test_embedding_out_of_range_raises_when_concrete_and_fills_nan_under_jit():
    t, j = _twins(10, 4, _Float32())
    for bad in (10, -1):
        ids = np.array([1, bad])
        with pytest.raises(IndexError, match="index out of range in self"):
            t(torch.tensor(ids))
        with pytest.raises(IndexError, match=f"index {bad} is out of range for num_embeddings"):
            j(ids)
    # Under jit the values are unknown: out-of-range rows (negative ones too, which
    # jnp.take would wrap) are NaN; valid rows are untouched.
    out = nnx.jit(lambda m, ids: m(ids))(j, jnp.array([10, -1, 2]))
    assert np.isnan(np.asarray(out[:2])).all()
    harness.assert_equal(out[2], t.weight[2].detach())


def test_embedding_rejects_float_indices():
    t, j = _twins(10, 4, _Float32())
    with pytest.raises(RuntimeError, match="Long, Int; but got torch.FloatTensor"):
        t(torch.tensor([1.0]))
    with pytest.raises(TypeError, match="indices must be an integer array; got dtype float32"):
        j(np.array([1.0], np.float32))


def test_embedding_rejects_bad_constructor_arguments():
    for padding_idx in (10, -11):
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            torch.nn.Embedding(10, 4, padding_idx=padding_idx)
        with pytest.raises(ValueError, match="Embedding: Padding_idx must be within"):
            jaxnn.nn.Embedding(10, 4, padding_idx=padding_idx, rngs=nnx.Rngs(0))
    assert torch.nn.Embedding(10, 4, padding_idx=-1).padding_idx == 9
    assert jaxnn.nn.Embedding(10, 4, padding_idx=-1, rngs=nnx.Rngs(0)).padding_idx == 9
    with pytest.raises(ValueError, match="Embedding: num_embeddings must be a non-negative int"):
        jaxnn.nn.Embedding(-1, 4, rngs=nnx.Rngs(0))
    with pytest.raises(ValueError, match="Embedding: embedding_dim must be a non-negative int"):
        jaxnn.nn.Embedding(3, 2.5, rngs=nnx.Rngs(0))
    for option in ({"max_norm": 1.0}, {"scale_grad_by_freq": True}, {"sparse": True}):
        with pytest.raises(NotImplementedError, match=f"Embedding: {next(iter(option))}"):
            jaxnn.nn.Embedding(10, 4, rngs=nnx.Rngs(0), **option)
    with pytest.raises(ValueError, match="Shape of weight does not match"):
        jaxnn.nn.Embedding(3, 2, _weight=np.ones((2, 3), np.float32), rngs=None)
    with pytest.raises(AssertionError, match="Embeddings parameter is expected to be 2-dim"):
        torch.nn.Embedding.from_pretrained(torch.ones(3))
    with pytest.raises(ValueError, match="Embeddings parameter is expected to be 2-dimensional"):
        jaxnn.nn.Embedding.from_pretrained(np.ones(3, np.float32))


def test_embedding_from_pretrained_accepts_torch_tensors_and_keeps_the_dtype(mode):
    table = torch.arange(6, dtype=mode.torch).reshape(3, 2)
    j = jaxnn.nn.Embedding.from_pretrained(table)
    t = torch.nn.Embedding.from_pretrained(table)
    assert j.embedding[...].dtype == mode.jnp
    harness.assert_equal(j(np.array([2, 0])), t(torch.tensor([2, 0])))


def test_embedding_init_matches_torch_distribution():
    # torch draws the table from N(0, 1); Flax's Embed default (variance scaling, std
    # 1/sqrt(dim)) would fail the same KS test.
    torch.manual_seed(0)
    torch_draws = torch.nn.Embedding(1000, 4).weight.detach().numpy().ravel()
    jax_draws = np.asarray(jaxnn.nn.Embedding(1000, 4, rngs=nnx.Rngs(0)).embedding[...]).ravel()
    result = stats.ks_2samp(jax_draws, torch_draws)
    assert result.pvalue > harness.STATISTICAL_ALPHA, f"KS p={result.pvalue:.2e}"
    flax_draws = np.asarray(nnx.Embed(1000, 4, rngs=nnx.Rngs(0)).embedding[...]).ravel()
    assert stats.ks_2samp(flax_draws, torch_draws).pvalue < harness.STATISTICAL_ALPHA


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_embedding_state_dict_round_trips_are_bit_exact(dtype):
    torch.manual_seed(0)
    t = torch.nn.Embedding(7, 3, padding_idx=2).to(getattr(torch, dtype))
    with jax.enable_x64(dtype == "float64"):
        j = jaxnn.nn.Embedding(7, 3, padding_idx=2, dtype=dtype, rngs=nnx.Rngs(0))
        assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict()) == ["weight"]
        jaxnn.interop.load_state_dict(j, t.state_dict())
        back = jaxnn.interop.state_dict(j)
        t2 = torch.nn.Embedding(7, 3).to(getattr(torch, dtype))
        t2.load_state_dict({k: torch.from_numpy(v) for k, v in back.items()})
        assert torch.equal(t2.weight, t.weight) and back["weight"].dtype == np.dtype(dtype)
        own = jaxnn.nn.Embedding(7, 3, dtype=dtype, rngs=nnx.Rngs(1))
        before = jaxnn.interop.state_dict(own)
        t.load_state_dict({k: torch.from_numpy(v) for k, v in before.items()})
        j2 = jaxnn.nn.Embedding(7, 3, dtype=dtype, rngs=nnx.Rngs(2))
        jaxnn.interop.load_state_dict(j2, t.state_dict())
        np.testing.assert_array_equal(jaxnn.interop.state_dict(j2)["weight"], before["weight"])


def test_functional_embedding_matches_torch(mode, rng):
    weight = mode.array(rng.normal(size=(6, 3)))
    ids = np.array([[0, 5, 5], [2, 0, 1]])
    g = mode.array(rng.normal(size=(2, 3, 3)))
    wt = torch.tensor(weight, requires_grad=True)
    out_t = F.embedding(torch.tensor(ids), wt, padding_idx=-1)
    out_t.backward(torch.tensor(g))

    def loss(w):
        return jnp.sum(jaxnn.functional.embedding(jnp.asarray(ids), w, padding_idx=-1) * g)

    out_j = jaxnn.functional.embedding(jnp.asarray(ids), jnp.asarray(weight), padding_idx=-1)
    harness.assert_equal(out_j, out_t.detach())
    mode.assert_close(jax.grad(loss)(jnp.asarray(weight)), wt.grad, name="weight grad")
    harness.assert_equal(wt.grad[5], np.zeros(3), name="torch row 5 (padding -1)")


class TorchTextClassifier(torch.nn.Module):
    """The notebook's TextClassifier (S1 7495-7544), vocab 50, dim 8, hidden 6, 5 classes."""

    def __init__(self, vocab_size, embedding_dim, hidden_dim, num_classes):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, embedding_dim)
        self.fc1 = torch.nn.Linear(embedding_dim, hidden_dim)
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(hidden_dim, num_classes)

    def forward(self, token_ids):
        return self.fc2(self.relu(self.fc1(self.embedding(token_ids).mean(dim=1))))


class TextClassifier(nnx.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, num_classes, *, dtype, rngs):
        self.embedding = jaxnn.nn.Embedding(vocab_size, embedding_dim, dtype=dtype, rngs=rngs)
        self.fc1 = jaxnn.nn.Linear(embedding_dim, hidden_dim, dtype=dtype, rngs=rngs)
        self.relu = jaxnn.nn.ReLU()
        self.fc2 = jaxnn.nn.Linear(hidden_dim, num_classes, dtype=dtype, rngs=rngs)

    def __call__(self, token_ids):
        pooled = jnp.mean(self.embedding(token_ids), axis=1)  # (B, T, D) -> (B, D)
        return self.fc2(self.relu(self.fc1(pooled)))


def test_text_classifier_forward_and_gradients(mode, rng):
    torch.manual_seed(0)
    t = TorchTextClassifier(50, 8, 6, 5).to(mode.torch)
    j = TextClassifier(50, 8, 6, 5, dtype=mode.jnp, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    ids = rng.integers(0, 50, size=(4, 10))  # torch.randint(0, 1000, (4, 10)) in the notebook
    y = rng.integers(0, 5, size=4)
    logits_t = t(torch.tensor(ids))
    F.cross_entropy(logits_t, torch.tensor(y)).backward()

    def loss(model):
        logits = model(jnp.asarray(ids))
        return jaxnn.functional.cross_entropy(logits, jnp.asarray(y)), logits

    (_, logits_j), grads = nnx.jit(nnx.value_and_grad(loss, has_aux=True))(j)
    assert logits_j.shape == (4, 5)
    mode.assert_close(logits_j, logits_t, name="logits")
    mode.assert_state_dict_close(
        _table_grad(j, grads), {k: p.grad for k, p in t.named_parameters()}, name="gradients"
    )
