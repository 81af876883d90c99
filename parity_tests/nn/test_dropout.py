"""``nn.Dropout`` / ``F.dropout`` twins (inventory §1.12, §1.14; S1 7993-8343, §3.2 Dropout).

Masks never match across frameworks, so parity is checked three ways: the
identity in evaluation mode, exact values with torch's own mask injected, and
the statistics of jaxnn's masks against the binomial law torch's follow too.
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

from .components import DROPOUT

pytestmark = DROPOUT


def _torch_dropout_with_mask(x: np.ndarray, p: float, seed: int):
    """torch's training-mode output and gradient, with the keep-mask it drew.

    The mask is read from a second call on ones at the same generator state
    (the same Bernoulli draws), so it is exact even where ``x`` is 0 or NaN.
    """
    torch.manual_seed(seed)
    keep = F.dropout(torch.ones_like(torch.from_numpy(x)), p, training=True) != 0
    torch.manual_seed(seed)
    xt = torch.tensor(x, requires_grad=True)
    out = F.dropout(xt, p, training=True)
    return out, xt, keep.numpy()


@pytest.mark.parametrize("p", [0.1, 1 / 3])
@pytest.mark.parametrize("shape", [(5, 40), (7,), ()], ids=["2d", "1d", "0d"])
def test_dropout_with_torch_mask_is_exact(mode, rng, p, shape):
    x = mode.array(rng.normal(size=shape))
    out_t, xt, keep = _torch_dropout_with_mask(x, p, seed=3)
    g = mode.array(rng.normal(size=shape))
    out_t.backward(torch.tensor(g))

    def loss(x):
        return jnp.sum(jaxnn.functional.dropout(x, p, mask=keep) * g)

    out_f = jaxnn.functional.dropout(jnp.asarray(x), p, training=True, mask=keep)
    layer = jaxnn.nn.Dropout(p, rngs=nnx.Rngs(0))
    out_m = nnx.jit(lambda m, x: m(x, mask=keep))(layer, jnp.asarray(x))
    # One multiplication by the same rounded scale 1/(1-p) on both sides: bit-exact.
    harness.assert_equal(out_f, out_t, name="F.dropout")
    harness.assert_equal(out_m, out_t, name="nn.Dropout under nnx.jit")
    mode.assert_close(jax.grad(loss)(jnp.asarray(x)), xt.grad, name="input grad")


def test_dropout_nonfinite_inputs_and_p1_follow_torch():
    # torch multiplies by the mask: a dropped NaN or inf stays NaN, a dropped -1 is -0.0, and
    # p=1 returns x * 0. nnx.Dropout selects zeros instead, which is why jaxnn has its own call.
    x = np.array([np.nan, np.inf, -np.inf, -1.0, 2.0, 0.0] * 4, np.float32)
    for p in (0.5, 1.0):
        out_t, _, keep = _torch_dropout_with_mask(x, p, seed=5)
        out_j = jaxnn.functional.dropout(jnp.asarray(x), p, mask=keep)
        harness.assert_equal(out_j, out_t.detach(), name=f"p={p}")
        np.testing.assert_array_equal(np.signbit(out_j), np.signbit(out_t.detach().numpy()))
    # p=1: the layer (training mode) gives torch's x * 0 too, with no key drawn.
    harness.assert_equal(
        jaxnn.nn.Dropout(1.0, rngs=None)(x), torch.nn.Dropout(1.0)(torch.tensor(x))
    )
    flax_out = nnx.Dropout(1.0, rngs=nnx.Rngs(0))(jnp.asarray(x))
    assert not np.isnan(flax_out).any() and np.isnan(out_t.detach().numpy()).any()


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_dropout_eval_mode_and_training_false_are_identity(mode, rng, p):
    # S1 8066-8084: eval mode returns the input unchanged; S1 8215-8231: training=False too.
    x = mode.array(rng.normal(size=(4, 6)))
    t = torch.nn.Dropout(p)
    t.eval()
    j = jaxnn.nn.Dropout(p, rngs=nnx.Rngs(0))
    j.eval()
    harness.assert_equal(j(jnp.asarray(x)), t(torch.tensor(x)), name="eval module")
    harness.assert_equal(j(jnp.asarray(x)), x, name="eval module vs input")
    out_f = jaxnn.functional.dropout(jnp.asarray(x), p, training=False)
    harness.assert_equal(out_f, F.dropout(torch.tensor(x), p, training=False), name="F")
    harness.assert_equal(out_f, x, name="F vs input")


def test_dropout_seed_ones_eval_and_functional_training_false():
    # S1 8066-8084 (zeros 0/10) and 8215-8231 (training=False gives ones(10)).
    ones = np.ones(10, np.float32)
    t = torch.nn.Dropout(p=0.5)
    t.eval()
    j = jaxnn.nn.Dropout(p=0.5, rngs=nnx.Rngs(0))
    j.eval()
    harness.assert_twins_equal(j(ones), t(torch.tensor(ones)), golden=ones, name="eval")
    harness.assert_twins_equal(
        jaxnn.functional.dropout(ones, p=0.5, training=False),
        F.dropout(torch.tensor(ones), p=0.5, training=False),
        golden=ones,
        name="training=False",
    )


def test_dropout_p0_in_training_is_identity_and_empty_input_passes_through(mode, rng):
    x = mode.array(rng.normal(size=(3, 4)))
    j = jaxnn.nn.Dropout(0.0, rngs=nnx.Rngs(0))
    harness.assert_equal(j(jnp.asarray(x)), torch.nn.Dropout(0.0)(torch.tensor(x)))
    empty = mode.array(np.ones((0, 3)))
    out = jaxnn.functional.dropout(jnp.asarray(empty), 0.5, rng=jax.random.key(0))
    harness.assert_equal(out, F.dropout(torch.tensor(empty), 0.5))


# The notebook's rates (S1 8180-8209) with its printed scale column (2 decimals).
SEED_RATES = [(0.1, 1.11), (0.3, 1.43), (0.5, 2.00), (0.7, 3.33), (0.9, 10.00)]


@pytest.mark.parametrize("p, printed_scale", SEED_RATES)
def test_dropout_training_statistics_match_binomial_law(mode, p, printed_scale):
    # The number of zeros among n independent draws is Binomial(n, p) for a correct
    # implementation. A two-sided exact binomial test at harness.STATISTICAL_ALPHA fails a
    # correct one with probability 1e-6, while at n=20000 a wrong rate (e.g. the keep rate
    # 1-p, or p off by 0.02) gives a p-value far below it.
    n = 20_000
    ones = mode.array(np.ones(n))
    torch.manual_seed(0)
    out_t = torch.nn.Dropout(p)(torch.tensor(ones)).numpy()
    out_j = np.asarray(jaxnn.nn.Dropout(p, rngs=nnx.Rngs(0))(jnp.asarray(ones)))
    for name, out in (("torch", out_t), ("jax", out_j)):
        zeros = int(np.sum(out == 0))
        result = stats.binomtest(zeros, n, p)
        assert result.pvalue > harness.STATISTICAL_ALPHA, f"{name}: binomial p={result.pvalue:.2e}"
    # Survivors are exactly x/(1-p) (one value, the same in both), the notebook's scale column.
    survivors_t, survivors_j = np.unique(out_t[out_t != 0]), np.unique(out_j[out_j != 0])
    harness.assert_twins_close(
        survivors_j,
        survivors_t,
        mode.tol(),
        golden=[printed_scale],
        golden_tol=harness.printed(2),
        name="survivor value",
    )
    harness.assert_equal(survivors_j, survivors_t, name="survivors exact")


def test_dropout_seed_scale_two_at_half():
    # S1 8090-8109: at p=0.5 every non-zero value is 2.0 and the scaling factor is 2.0.
    ones = np.ones(1000, np.float32)
    torch.manual_seed(0)
    out_t = torch.nn.Dropout(p=0.5)(torch.tensor(ones))
    out_j = jaxnn.nn.Dropout(p=0.5, rngs=nnx.Rngs(0))(ones)
    harness.assert_equal(out_t[out_t != 0], np.full(int((out_t != 0).sum()), 2.0))
    nonzero = np.asarray(out_j)[np.asarray(out_j) != 0]
    harness.assert_equal(nonzero, np.full(nonzero.size, 2.0))


def test_dropout_draws_a_new_mask_per_call_eager_and_jitted():
    # S1 8138-8176: two training-mode calls on the same input differ ("Same? False"); in
    # eval they are identical. The nnx stream advances on every call, also under nnx.jit.
    x = jnp.ones((5, 64))
    layer = jaxnn.nn.Dropout(0.5, rngs=nnx.Rngs(0))
    step = nnx.jit(lambda m, x: m(x))
    outs = [layer(x), layer(x), step(layer, x), step(layer, x)]
    for i in range(len(outs)):
        for k in range(i):
            assert not np.array_equal(outs[i], outs[k]), (i, k)
    again = jaxnn.nn.Dropout(0.5, rngs=nnx.Rngs(0))
    harness.assert_equal(again(x), outs[0], name="same seed, same first mask")
    layer.eval()
    harness.assert_equal(step(layer, x), x)


def test_functional_dropout_defaults_to_training_unlike_the_seed_claims():
    # Notebook error (inventory §5 46): S1 8224-8230 says training must be passed; torch's
    # F.dropout defaults to training=True. jaxnn keeps the default (and needs a key for it).
    ones = np.ones(1000, np.float32)
    assert (F.dropout(torch.tensor(ones), 0.5) == 0).any()
    assert (np.asarray(jaxnn.functional.dropout(ones, 0.5, rng=jax.random.key(0))) == 0).any()
    with pytest.raises(ValueError, match=r"dropout\(\): training with 0 < p < 1 needs a random"):
        jaxnn.functional.dropout(ones, 0.5)
    layer = jaxnn.nn.Dropout(0.5, rngs=None)
    with pytest.raises(ValueError, match="Dropout: training mode needs random keys"):
        layer(ones)
    first, second = layer(ones, rngs=jax.random.key(1)), layer(ones, rngs=jax.random.key(1))
    harness.assert_equal(first, second, name="a key passed to the call decides the mask")


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_probability_outside_unit_interval(p):
    message = "dropout probability has to be between 0 and 1, but got"
    with pytest.raises(ValueError, match=message):
        torch.nn.Dropout(p)
    with pytest.raises(ValueError, match="Dropout: " + message):
        jaxnn.nn.Dropout(p, rngs=nnx.Rngs(0))
    with pytest.raises(ValueError, match=r"dropout\(\): " + message):
        jaxnn.functional.dropout(np.ones(3), p, rng=jax.random.key(0))


def test_dropout_rejects_mask_of_wrong_shape_and_integer_input():
    with pytest.raises(ValueError, match=r"mask shape \(3,\) must equal input shape \(2, 3\)"):
        jaxnn.functional.dropout(np.ones((2, 3), np.float32), 0.5, mask=np.ones(3, bool))
    # torch: "result type Float can't be cast to the desired output type Long".
    with pytest.raises(RuntimeError, match="can't be cast"):
        F.dropout(torch.ones(3, dtype=torch.long), 0.5)
    with pytest.raises(TypeError, match="input must be floating"):
        jaxnn.functional.dropout(np.ones(3, np.int32), 0.5, rng=jax.random.key(0))


def test_dropout_mode_follows_train_and_eval_of_a_containing_model(mode, rng):
    # S1 4250-4291 / 6389-6417: model.eval() turns every Dropout inside a container off
    # (output equals torch's: the input), model.train() turns it back on.
    t = torch.nn.Sequential(torch.nn.Dropout(0.5), torch.nn.Dropout(0.2))
    j = jaxnn.nn.Sequential(
        jaxnn.nn.Dropout(0.5, rngs=nnx.Rngs(0)), jaxnn.nn.Dropout(0.2, rngs=nnx.Rngs(1))
    )
    x = mode.array(rng.normal(size=(4, 10)))
    t.eval()
    j.eval()
    assert j[0].deterministic is True and j[1].deterministic is True
    harness.assert_equal(j(jnp.asarray(x)), t(torch.tensor(x)), name="eval output")
    t.train()
    j.train()
    assert j[0].deterministic is False and j[1].deterministic is False
    assert (np.asarray(j(jnp.asarray(x))) == 0).any() and (t(torch.tensor(x)) == 0).any()


def test_dropout_model_draws_a_new_mask_every_fit_step(rng):
    # torch draws a fresh mask at every training step; with lr=0 the parameters never move,
    # so repeated steps on one batch give different losses only through the masks. In jaxnn
    # the stream's counter is module state that the train step carries forward.
    x = rng.normal(size=(8, 3)).astype(np.float32)
    y = rng.integers(0, 2, size=8)
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.Dropout(0.5), torch.nn.Linear(16, 2))
    rngs = nnx.Rngs(0)
    j = jaxnn.nn.Sequential(
        jaxnn.nn.Linear(3, 16, rngs=rngs),
        jaxnn.nn.Dropout(0.5, rngs=rngs),
        jaxnn.nn.Linear(16, 2, rngs=rngs),
    )
    jaxnn.interop.load_state_dict(j, t.state_dict())
    t_batches = [(torch.tensor(x), torch.tensor(y))]
    j_batches = [(jnp.asarray(x), jnp.asarray(y))]
    t_sgd = torch.optim.SGD(t.parameters(), lr=0.0)
    t_losses = torch_ref.train.fit(t, t_sgd, F.cross_entropy, t_batches, 3).losses
    j_sgd = jaxnn.optim.sgd(lr=0.0)
    j_losses = jaxnn.train.fit(j, j_sgd, jaxnn.functional.cross_entropy, j_batches, 3).losses
    assert len(set(t_losses)) == 3 and len(set(j_losses)) == 3
    t.eval()
    j.eval()
    harness.assert_close(j(x), t(torch.tensor(x)).detach(), harness.tolerance("float32"))
