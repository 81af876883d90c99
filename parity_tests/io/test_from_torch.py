"""``jaxnn.interop.from_torch``: the JAX twin of a torch model, built with nobody's help.

Every notebook model of ``parity_tests/models/test_models.py``'s table, converted from the
torch model alone, holds torch's state dict bit for bit and matches torch's forward output and
gradients (input and every parameter) in float64 and float32, as the hand-written
``jaxnn.models`` twins do; and its output is the hand-written twin's.
"""

import jax
import numpy as np
import pytest
import torch
from flax import nnx

import jaxnn
from jaxnn.interop import UnsupportedTorchOp, from_torch

from ..model_pairs import assert_forward_and_grads_match, make_input, make_torch, pair
from ..models.test_models import KEYS_ONLY, TABLE
from ..modes import Mode
from .components import FROM_TORCH

pytestmark = FROM_TORCH

SEED_MODELS = [
    pytest.param(row.values[0], dtype, id=f"{dtype}-{row.id}")
    for row in TABLE
    for dtype in ("float64", "float32")
    # float32 for the rows whose hand-written twin is compared in float32 too (KEYS_ONLY rows
    # hold randn-scale weights or 2048-wide layers whose float32 gradients differ by
    # summation order alone; their families check them in float64)
    if dtype == "float64" or row.values[1] is not KEYS_ONLY
]


@pytest.mark.parametrize("spec, dtype", SEED_MODELS)
def test_from_torch_of_every_notebook_model_matches_torch_and_the_hand_written_twin(
    rng, spec, dtype
):
    with jax.enable_x64(dtype == "float64"):
        mode = Mode(dtype)
        t = make_torch(spec, mode.torch)
        t.eval()  # dropout masks never match across frameworks; batch norm reads its statistics
        twin = from_torch(t)
        assert repr(twin) == repr(t)  # print(from_torch(model)) is print(model)
        sd = jaxnn.interop.state_dict(twin)
        assert list(sd) == list(t.state_dict())
        for key, value in t.state_dict().items():
            # (integer buffers are int32 while JAX's 64-bit types are off, as documented)
            assert np.array_equal(sd[key], value.numpy()), key
            if value.is_floating_point():
                assert sd[key].dtype == value.numpy().dtype, key
        x = make_input(spec, mode, rng)
        assert_forward_and_grads_match(t, twin, x, mode, rng, name=f"from_torch({spec.id})")
        _, hand = pair(spec, mode)
        hand.eval()
        # Both forward passes in one compiled program (eagerly, each op would compile one).
        converted, written = nnx.jit(lambda a, b, x: (a(x), b(x)))(twin, hand, x)
        mode.assert_close(converted, written, name=f"from_torch({spec.id}) vs jaxnn.models")


def test_unsupported_layer_function_and_method_are_named():
    class Odd(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(3, 3)

        def forward(self, x):
            return torch.cumsum(self.fc(x), dim=1)

    with pytest.raises(UnsupportedTorchOp, match=r"graph node 'cumsum'.*torch\.cumsum"):
        from_torch(Odd())
    with pytest.raises(UnsupportedTorchOp, match=r"'1'.*torch.nn.PReLU has no jaxnn twin"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.PReLU()))

    class Branchy(torch.nn.Module):
        def forward(self, x):
            return x if x.sum() > 0 else -x

    with pytest.raises(UnsupportedTorchOp, match="torch.fx cannot trace its forward"):
        from_torch(Branchy())


def test_from_torch_refuses_what_is_not_a_single_dtype_model():
    with pytest.raises(TypeError, match="takes a torch.nn.Module; got Linear"):
        from_torch(nnx.eval_shape(lambda: jaxnn.nn.Linear(2, 2, rngs=nnx.Rngs(0))))
    with pytest.raises(ValueError, match="on the meta device"):
        from_torch(torch.nn.Linear(2, 2, device="meta"))
    with pytest.raises(ValueError, match="holds float16 parameters"):
        from_torch(torch.nn.Linear(2, 2).half())


# --- models nobody wrote a twin for ------------------------------------------------------------


class Residual(torch.nn.Module):
    """Residual adds around a LayerNorm'd MLP block, GELU, a learned scale."""

    def __init__(self):
        super().__init__()
        self.norm = torch.nn.LayerNorm(12)
        self.up, self.down = torch.nn.Linear(12, 24), torch.nn.Linear(24, 12)
        self.gain = torch.nn.Parameter(torch.full((12,), 0.5))

    def forward(self, x):
        h = self.down(torch.nn.functional.gelu(self.up(self.norm(x))))
        return x + self.gain * h


class Concat(torch.nn.Module):
    """Two branches concatenated, then a ModuleList of heads stacked and averaged."""

    def __init__(self):
        super().__init__()
        self.a, self.b = torch.nn.Linear(6, 4), torch.nn.Linear(6, 3)
        self.heads = torch.nn.ModuleList([torch.nn.Linear(7, 2) for _ in range(3)])

    def forward(self, x):
        h = torch.cat([torch.tanh(self.a(x)), torch.sigmoid(self.b(x))], dim=-1)
        return torch.stack([head(h) for head in self.heads], dim=0).mean(dim=0)


class Patches(torch.nn.Module):
    """Conv features reshaped and permuted into a sequence of patches, pooled, classified."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 4, 3, padding=1)
        self.head = torch.nn.Linear(4, 5)

    def forward(self, x):
        n, c, h, w = x.shape
        f = torch.relu(self.conv(x))  # (n, 4, h, w)
        seq = f.view(n, 4, h * w).permute(0, 2, 1).contiguous()  # (n, h*w, 4)
        return self.head(seq.sum(dim=1) / (h * w))


class Encoder(torch.nn.Module):
    """Token embeddings through an LSTM, the last step's hidden state into a linear head."""

    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(20, 8)
        self.lstm = torch.nn.LSTM(8, 10, batch_first=True)
        self.head = torch.nn.Linear(10, 3)

    def forward(self, tokens):
        out, (h, c) = self.lstm(self.embed(tokens))
        return self.head(out[:, -1, :] + h[-1])


class MaskedAttention(torch.nn.Module):
    """Single-head causal self-attention written with matmul, a mask and softmax."""

    def __init__(self, d=8):
        super().__init__()
        # No key bias: it adds the same q.b to a whole row of scores, which softmax ignores,
        # so its gradient is exactly 0 in theory and rounding noise in practice. Adam divides
        # that noise by its own size and the bias walks at random, differently in each
        # framework (measured 3.6e-2 relative in float32 after 20 steps).
        self.q, self.v = torch.nn.Linear(d, d), torch.nn.Linear(d, d)
        self.k = torch.nn.Linear(d, d, bias=False)
        self.out = torch.nn.Linear(d, d)
        self.register_buffer("causal", torch.tril(torch.ones(5, 5)).bool(), persistent=False)

    def forward(self, x):
        q, k, v = self.q(x), self.k(x), self.v(x)
        scores = q @ k.transpose(-2, -1) / (q.size(-1) ** 0.5)
        scores = scores.masked_fill(~self.causal, float("-inf"))
        return self.out(torch.softmax(scores, dim=-1) @ v)


OWN_MODELS = [
    pytest.param(Residual, (4, 12), id="residual"),
    pytest.param(Concat, (5, 6), id="concatenation"),
    pytest.param(Patches, (2, 2, 4, 4), id="reshape-permute"),
    pytest.param(Encoder, None, id="recurrent-encoder"),
    pytest.param(MaskedAttention, (3, 5, 8), id="masked-attention"),
]
"""Each with the input shape it takes (``None``: token ids (4, 7) below 20)."""


@pytest.mark.parametrize("make, shape", OWN_MODELS)
def test_from_torch_of_models_nobody_twinned_matches_torch(mode, rng, make, shape):
    torch.manual_seed(0)
    t = make().to(mode.torch)
    twin = from_torch(t)
    assert list(jaxnn.interop.state_dict(twin)) == list(t.state_dict())
    x = rng.integers(0, 20, size=(4, 7)) if shape is None else mode.array(rng.normal(size=shape))
    assert_forward_and_grads_match(t, twin, x, mode, rng, name=make.__name__)
    # The twin jits and vmaps like a hand-written one.
    jitted = nnx.jit(lambda m, x: m(x))(twin, x)
    mode.assert_close(jitted, twin(x), name=f"{make.__name__} under jit")
    per_example = nnx.vmap(lambda m, x: m(x[None])[0], in_axes=(None, 0))(twin, x)
    mode.assert_close(per_example, twin(x), name=f"{make.__name__} under vmap")


@pytest.mark.parametrize("make, shape", OWN_MODELS)
def test_print_of_a_converted_model_is_torchs(make, shape):
    # print(from_torch(model)) reads like print(model): the torch class names, ModuleList
    # and ModuleDict included, and every converted layer's torch text.
    torch.manual_seed(0)
    t = make()
    twin = from_torch(t)
    assert repr(twin) == repr(t)
    assert twin.eval() is twin and twin.train() is twin


@pytest.mark.parametrize("make, shape", OWN_MODELS)
def test_the_comparison_api_holds_for_each_model_over_20_training_steps(mode, rng, make, shape):
    # Forward, gradients under a loss against targets, and 20 Adam steps on two batches:
    # the public API the README shows, on models converted by from_torch.
    torch.manual_seed(0)
    t = make().to(mode.torch)
    twin = from_torch(t)

    def batch():
        x = (
            rng.integers(0, 20, size=(4, 7))
            if shape is None
            else mode.array(rng.normal(size=shape))
        )
        out = twin(x)
        return x, mode.array(rng.normal(size=out.shape))

    (x, y), other = batch(), batch()
    before = {k: v.clone() for k, v in t.state_dict().items()}
    jaxnn.interop.compare_forward(t, twin, x).assert_ok()
    jaxnn.interop.compare_gradients(t, twin, x, loss="mse_loss", target=y).assert_ok()
    curve = jaxnn.interop.compare_training(
        t, twin, [(x, y), other], loss="mse_loss", optimizer="adam", lr=1e-2, steps=20
    )
    curve.assert_ok()
    assert curve.rows[0].shape == (20,) and len(curve.rows) == 1 + len(t.state_dict())
    # Neither model was trained in place.
    for key, value in t.state_dict().items():
        assert torch.equal(value, before[key]), key
    np.testing.assert_array_equal(jaxnn.interop.state_dict(twin)[key], value.numpy())


def test_the_comparison_api_finds_a_twin_that_differs(x64):
    torch.manual_seed(0)
    t = Residual().double()
    twin = from_torch(t)
    twin.down.bias[...] = twin.down.bias[...].at[3].add(1e-6)  # one element off
    x = np.random.default_rng(0).normal(size=(4, 12))
    forward = jaxnn.interop.compare_forward(t, twin, x)
    assert not forward.ok
    grads = jaxnn.interop.compare_gradients(t, twin, x)
    assert [r.name for r in grads.failures][0] == "loss"
    with pytest.raises(AssertionError, match=r"forward output: max .* 4 elements outside"):
        forward.assert_ok()
    with pytest.raises(ValueError, match="loss must be one of"):
        jaxnn.interop.compare_gradients(t, twin, x, loss="hinge")
    with pytest.raises(ValueError, match="needs a target"):
        jaxnn.interop.compare_gradients(t, twin, x, loss="mse_loss")


def test_parameters_torch_does_not_train_stay_frozen(mode, rng):
    torch.manual_seed(0)
    t = Concat().to(mode.torch)
    t.a.requires_grad_(False)  # both of a's parameters
    t.heads[1].weight.requires_grad_(False)
    twin = from_torch(t)
    trainable = [name for name, p in t.named_parameters() if p.requires_grad]
    params = jaxnn.nn.named_parameters(twin)
    assert [name for name, v in params if isinstance(v, nnx.Param)] == trainable
    assert list(jaxnn.interop.state_dict(twin)) == list(t.state_dict())  # still saved
    x = mode.array(rng.normal(size=(5, 6)))
    y = mode.array(rng.normal(size=(5, 2)))
    grads = jaxnn.interop.compare_gradients(t, twin, x, loss="mse_loss", target=y)
    grads.assert_ok()
    assert [r.name for r in grads.rows if r.kind == "gradient"][:-1] == trainable
    curve = jaxnn.interop.compare_training(t, twin, [(x, y)], loss="mse_loss", steps=20)
    curve.assert_ok()  # the frozen ones compared too: unchanged on both sides
    assert {"a.weight", "a.bias", "heads.1.weight"} <= {r.name for r in curve.rows}


def test_module_dict_and_nested_containers_keep_torch_names(mode, rng):
    class Heads(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.trunk = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.GELU())
            self.heads = torch.nn.ModuleDict(
                {"mean": torch.nn.Linear(6, 2), "scale": torch.nn.Linear(6, 2)}
            )

        def forward(self, x):
            h = self.trunk(x)
            return self.heads["mean"](h) * torch.exp(self.heads["scale"](h))

    torch.manual_seed(0)
    t = Heads().to(mode.torch)
    twin = from_torch(t)
    assert list(jaxnn.interop.state_dict(twin)) == list(t.state_dict())
    assert twin.heads["mean"] is twin.heads.mean and len(twin.heads) == 2
    x = mode.array(rng.normal(size=(3, 4)))
    assert_forward_and_grads_match(t, twin, x, mode, rng, name="Heads")


def test_every_activation_and_loss_module_converts_with_its_configuration(mode, rng):
    nn = torch.nn
    x = mode.array(rng.normal(size=(4, 5)))
    for layer in (nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.GELU(approximate="tanh")):
        mode.assert_close(from_torch(layer)(x), layer(torch.tensor(x)), name=repr(layer))
    for layer in (nn.LeakyReLU(0.3), nn.Softmax(dim=0), nn.LogSoftmax(dim=1)):
        mode.assert_close(from_torch(layer)(x), layer(torch.tensor(x)), name=repr(layer))
    probs = 1 / (1 + np.exp(-x))
    labels = rng.integers(0, 5, size=4)
    weights = mode.array(rng.uniform(0, 1, size=(4, 5)))
    cases = [
        (nn.MSELoss(reduction="sum"), x, weights),
        (nn.L1Loss(), x, weights),
        (nn.SmoothL1Loss(beta=0.5), x, weights),
        (nn.HuberLoss(delta=0.7), x, weights),
        (nn.BCELoss(), probs, weights),
        (nn.BCEWithLogitsLoss(reduction="none"), x, weights),
        (nn.CrossEntropyLoss(label_smoothing=0.1), x, labels),
        (nn.CrossEntropyLoss(ignore_index=2), x, labels),
        (nn.NLLLoss(), np.log(probs / probs.sum(1, keepdims=True)), labels),
    ]
    for loss, inputs, target in cases:
        twin = from_torch(loss)
        expected = loss(torch.tensor(inputs), torch.tensor(target))
        mode.assert_close(twin(inputs, target), expected, name=repr(loss))


def test_the_pair_and_triplet_loss_modules_convert_with_their_configuration(mode, rng):
    nn = torch.nn
    log_p = mode.array(rng.normal(size=(4, 5)))
    log_p = log_p - np.log(np.exp(log_p).sum(1, keepdims=True))
    q = mode.array(rng.dirichlet(np.ones(5), size=4))
    for loss, target in (
        (nn.KLDivLoss(reduction="batchmean"), q),
        (nn.KLDivLoss(reduction="sum", log_target=True), np.log(q)),
    ):
        twin = from_torch(loss)
        expected = loss(torch.tensor(log_p), torch.tensor(target))
        mode.assert_close(twin(log_p, target), expected, name=repr(loss))
    x1, x2, x3 = (mode.array(rng.normal(size=(4, 5))) for _ in range(3))
    signs = np.array([1, -1, -1, 1])
    for loss, third in (
        (nn.CosineEmbeddingLoss(margin=0.2, reduction="none"), signs),
        (nn.TripletMarginLoss(margin=0.5, p=1.0, eps=1e-3, swap=True), x3),
    ):
        twin = from_torch(loss)
        expected = loss(torch.tensor(x1), torch.tensor(x2), torch.tensor(third))
        mode.assert_close(twin(x1, x2, third), expected, name=repr(loss))


class SelectAndCompare(torch.nn.Module):
    """index_select and prod (function and method), and the pair and triplet losses per row."""

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(6, 6)
        self.register_buffer("cols", torch.tensor([4, 0, 2]), persistent=False)
        self.register_buffer("others", torch.tensor([1, 5, 5]), persistent=False)
        self.register_buffer("signs", torch.tensor([1, -1, 1, -1]), persistent=False)

    def forward(self, x):
        F = torch.nn.functional
        h = self.fc(x)
        a, b = torch.index_select(h, 1, self.cols), h.index_select(1, self.others)
        columns = [
            torch.prod(torch.tanh(a), dim=1, keepdim=True),
            b.prod(1).unsqueeze(1),
            F.kl_div(F.log_softmax(a, dim=1), F.softmax(b, dim=1), reduction="none").sum(1, True),
            F.cosine_embedding_loss(a, b, self.signs, margin=0.1, reduction="none").unsqueeze(1),
            F.triplet_margin_loss(a, b, torch.tanh(b), p=3, reduction="none").unsqueeze(1),
            F.pairwise_distance(a, b, keepdim=True),
        ]
        return torch.cat(columns, dim=1)


def test_from_torch_traces_index_select_prod_and_the_pair_losses(mode, rng):
    torch.manual_seed(0)
    t = SelectAndCompare().to(mode.torch)
    twin = from_torch(t)
    x = mode.array(rng.normal(size=(4, 6)))
    assert_forward_and_grads_match(t, twin, x, mode, rng, name="SelectAndCompare")
    mode.assert_close(nnx.jit(lambda m, x: m(x))(twin, x), twin(x), name="under jit")
