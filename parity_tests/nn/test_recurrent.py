"""``nn.RNN``, ``nn.LSTM``, ``nn.GRU`` twins (inventory §1.12; S3 66, LSTM template 327-348).

Every case copies torch's initial parameters into the jaxnn layer and compares
the output, the final states and the gradients w.r.t. the input, the initial
states and every parameter (in torch's layout), eager and under ``nnx.jit``.
"""

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx
from scipy import stats

import jaxnn
from twincore import harness

from .components import RECURRENT

# torch's own notice that its oneDNN kernel lacks projections; it falls back to its reference path.
pytestmark = [
    pytest.mark.filterwarnings("ignore:LSTM with projections is not supported"),
    RECURRENT,
]

H_IN, HIDDEN, LENGTH, BATCH = 3, 4, 4, 2

# name -> (class name, extra constructor arguments)
LAYERS = {
    "rnn_tanh": ("RNN", {"nonlinearity": "tanh"}),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
    "lstm": ("LSTM", {}),
    "lstm_proj": ("LSTM", {"proj_size": 2}),
    "gru": ("GRU", {}),
}

# Three configurations that together switch every option on and off:
# (constructor arguments, batched input, initial state given). Each compile costs
# about 0.3 s per scanned direction, so the grid is small and each case compiles once.
FULL = ({"num_layers": 2, "batch_first": True, "bidirectional": True}, True, True)
PLAIN = ({"bias": False}, True, False)
UNBATCHED = ({"num_layers": 2, "batch_first": True}, False, True)
CONFIGS = {"2layer-bf-bi-h0": FULL, "1layer-nobias": PLAIN, "2layer-unbatched-h0": UNBATCHED}
# ReLU differs from tanh only in the nonlinearity, projections only in weight_hr.
GRID = [
    (layer, config)
    for layer in LAYERS
    for config in CONFIGS
    if not (layer == "rnn_relu" and config != "1layer-nobias")
    and not (layer == "lstm_proj" and config != "2layer-bf-bi-h0")
]


def _twins(layer, options, mode, seed=0):
    cls, extra = LAYERS[layer]
    kwargs = {**extra, **options}
    torch.manual_seed(seed)
    t = getattr(torch.nn, cls)(H_IN, HIDDEN, **kwargs).to(mode.torch)
    j = getattr(jaxnn.nn, cls)(H_IN, HIDDEN, **kwargs, dtype=mode.jnp, rngs=nnx.Rngs(seed))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    return t, j


def _shapes(t, batched):
    """Input, initial-state and result shapes of a torch recurrent layer, by torch's rules."""
    rows = (2 if t.bidirectional else 1) * t.num_layers
    h_out = t.proj_size or t.hidden_size
    batch = (BATCH,) if batched else ()
    if not batched:
        x = (LENGTH, H_IN)
    else:
        x = (BATCH, LENGTH, H_IN) if t.batch_first else (LENGTH, BATCH, H_IN)
    states = [(rows, *batch, h_out)]
    if isinstance(t, torch.nn.LSTM):
        states.append((rows, *batch, t.hidden_size))
    output = x[:-1] + ((2 if t.bidirectional else 1) * h_out,)
    return x, states, [output, *states]


def _flat(result):
    """``(output, h_n)`` or ``(output, (h_n, c_n))`` as a flat list."""
    output, state = result
    return [output, *state] if isinstance(state, tuple) else [output, state]


def _pack(states, is_lstm):
    if not states:
        return None
    return tuple(states) if is_lstm else states[0]


def _torch_run(t, x, states, cotangents):
    """torch's results and the gradients of ``sum(result * cotangent)``."""
    xt = torch.tensor(x, requires_grad=True)
    st = [torch.tensor(s, requires_grad=True) for s in states]
    hx = _pack(st, isinstance(t, torch.nn.LSTM))
    results = _flat(t(xt) if hx is None else t(xt, hx))
    sum((r * torch.tensor(c)).sum() for r, c in zip(results, cotangents, strict=True)).backward()
    param_grads = {k: p.grad for k, p in t.named_parameters()}
    return results, xt.grad, [s.grad for s in st], param_grads


def _jax_run_fn(is_lstm, cotangents):
    """``(model, x, states) -> (results, (param grads, x grad, state grads))``."""

    def loss(model, x, states):
        results = _flat(model(x, _pack(states, is_lstm)))
        total = sum(jnp.sum(r * c) for r, c in zip(results, cotangents, strict=True))
        return total, results

    def run(model, x, states):
        grad_fn = nnx.grad(loss, argnums=(0, 1, 2), has_aux=True)
        grads, results = grad_fn(model, x, states)
        return results, grads

    return run


def _param_grads_torch_layout(model, grads):
    shadow = nnx.clone(model)
    nnx.update(shadow, grads)
    return jaxnn.interop.state_dict(shadow)


def _check_forward_and_gradients(mode, rng, layer, config, jit):
    kwargs, batched, with_state = CONFIGS[config]
    t, j = _twins(layer, kwargs, mode)
    x_shape, state_shapes, result_shapes = _shapes(t, batched)
    x = mode.array(rng.normal(size=x_shape))
    states = [mode.array(rng.normal(size=s)) for s in state_shapes] if with_state else []
    cotangents = [mode.array(rng.normal(size=s)) for s in result_shapes]
    expected, x_grad_t, state_grads_t, param_grads_t = _torch_run(t, x, states, cotangents)

    run = _jax_run_fn(isinstance(t, torch.nn.LSTM), [jnp.asarray(c) for c in cotangents])
    if jit:
        run = nnx.jit(run)
    results, (param_grads, x_grad, state_grads) = run(
        j, jnp.asarray(x), [jnp.asarray(s) for s in states]
    )
    for k, (actual, want) in enumerate(zip(results, expected, strict=True)):
        name = "output" if k == 0 else ("h_n", "c_n")[k - 1]
        assert actual.shape == tuple(want.shape), name
        mode.assert_close(actual, want, name=name)
    mode.assert_close(x_grad, x_grad_t, name="input grad")
    assert len(state_grads) == len(state_grads_t)
    for k, (actual, want) in enumerate(zip(state_grads, state_grads_t, strict=True)):
        mode.assert_close(actual, want, name=f"{('h0', 'c0')[k]} grad")
    mode.assert_state_dict_close(
        _param_grads_torch_layout(j, param_grads), param_grads_t, name="param grads"
    )


@pytest.mark.parametrize("layer, config", GRID, ids=[f"{a}-{b}" for a, b in GRID])
def test_recurrent_forward_and_gradients_under_jit(mode, rng, layer, config):
    _check_forward_and_gradients(mode, rng, layer, config, jit=True)


@pytest.mark.parametrize("layer", ["rnn_tanh", "lstm", "gru"])
def test_recurrent_forward_and_gradients_eager(mode, rng, layer):
    # The same jitted core runs eagerly; one case per gate layout checks the eager wrapper.
    _check_forward_and_gradients(mode, rng, layer, "1layer-nobias", jit=False)


class TorchLSTMTemplate(torch.nn.Module):
    """S3 334-343, verbatim apart from the sizes the notebook leaves undefined."""

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = torch.nn.LSTM(input_size, hidden_size, batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, output_size)

    def forward(self, x):
        out, (h, c) = self.rnn(x)
        return self.fc(out[:, -1, :])


class JaxLSTMTemplate(nnx.Module):
    """The same model in jaxnn: identical attribute names, so identical state-dict keys."""

    def __init__(self, input_size, hidden_size, output_size, *, dtype=None, rngs):
        self.rnn = jaxnn.nn.LSTM(input_size, hidden_size, batch_first=True, dtype=dtype, rngs=rngs)
        self.fc = jaxnn.nn.Linear(hidden_size, output_size, dtype=dtype, rngs=rngs)

    def __call__(self, x):
        out, (h, c) = self.rnn(x)
        return self.fc(out[:, -1, :])


def test_lstm_template_last_step_then_linear(mode, rng):
    # Inventory E09: (B, T, F) input; the notebook names no sizes, F=8, H=8 and 3 classes here.
    torch.manual_seed(0)
    t = TorchLSTMTemplate(8, 8, 3).to(mode.torch)
    j = JaxLSTMTemplate(8, 8, 3, dtype=mode.jnp, rngs=nnx.Rngs(0))
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict())
    jaxnn.interop.load_state_dict(j, t.state_dict())
    x = mode.array(rng.normal(size=(4, 5, 8)))
    y = rng.integers(0, 3, size=4)
    logits_t = t(torch.tensor(x))
    torch.nn.functional.cross_entropy(logits_t, torch.tensor(y)).backward()

    def loss(model, x):
        logits = model(x)
        return jaxnn.functional.cross_entropy(logits, jnp.asarray(y)), logits

    mode.assert_close(j(jnp.asarray(x)), logits_t, name="eager logits")
    grads, logits = nnx.jit(nnx.grad(loss, has_aux=True))(j, jnp.asarray(x))
    mode.assert_close(logits, logits_t, name="jit logits")
    mode.assert_state_dict_close(
        _param_grads_torch_layout(j, grads),
        {k: p.grad for k, p in t.named_parameters()},
        name="jit gradients",
    )


def test_lstm_batch_first_changes_output_only(rng):
    # batch_first transposes `output`; h_n and c_n stay (num_layers, N, H) (inventory §1.12).
    x = rng.normal(size=(LENGTH, BATCH, H_IN)).astype(np.float32)
    torch.manual_seed(0)
    t = torch.nn.LSTM(H_IN, HIDDEN)
    out_t, (h_t, c_t) = t(torch.tensor(x))
    for batch_first, x_in in [(False, x), (True, np.swapaxes(x, 0, 1))]:
        j = jaxnn.nn.LSTM(H_IN, HIDDEN, batch_first=batch_first, rngs=nnx.Rngs(0))
        jaxnn.interop.load_state_dict(j, t.state_dict())
        out, (h, c) = j(x_in)
        tol = harness.tolerance("float32")
        expected_out = out_t if not batch_first else out_t.transpose(0, 1)
        harness.assert_close(out, expected_out, tol, name=f"batch_first={batch_first} output")
        harness.assert_close(h, h_t, tol, name=f"batch_first={batch_first} h_n")
        harness.assert_close(c, c_t, tol, name=f"batch_first={batch_first} c_n")
        assert h.shape == c.shape == (1, BATCH, HIDDEN)


def test_recurrent_empty_batch_like_torch():
    # N = 0 is allowed by torch (an empty output); L = 0 is not (see the bad-input tests).
    torch.manual_seed(0)
    t = torch.nn.GRU(H_IN, HIDDEN)
    j = jaxnn.nn.GRU(H_IN, HIDDEN, rngs=nnx.Rngs(0))
    x = np.zeros((LENGTH, 0, H_IN), np.float32)
    out_t, h_t = t(torch.tensor(x))
    out, h_n = j(x)
    harness.assert_equal(out, out_t.detach(), name="output")
    harness.assert_equal(h_n, h_t.detach(), name="h_n")


def test_recurrent_mixed_dtypes_promote_where_torch_refuses(rng):
    # torch requires the input dtype to equal the parameters'; JAX promotes, as its Linear does.
    x = rng.normal(size=(LENGTH, BATCH, H_IN))
    torch.manual_seed(0)
    t = torch.nn.GRU(H_IN, HIDDEN)
    with pytest.raises(ValueError, match="does not match weight dtype"):
        t(torch.tensor(x))
    with jax.enable_x64(True):
        j = jaxnn.nn.GRU(H_IN, HIDDEN, rngs=nnx.Rngs(0))
        jaxnn.interop.load_state_dict(j, t.state_dict())
        out, h_n = j(x)
        assert out.dtype == h_n.dtype == jnp.float64
        expected, _ = t.double()(torch.tensor(x))
        harness.assert_close(out, expected, harness.tolerance("float64"))


# ---- initialisation --------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("RNN", {"num_layers": 2, "bidirectional": True}),
        ("LSTM", {"num_layers": 2, "bidirectional": True, "proj_size": 2}),
        ("GRU", {"num_layers": 2, "bidirectional": True}),
    ],
    ids=["rnn", "lstm", "gru"],
)
def test_recurrent_init_matches_torch_distribution(cls, kwargs):
    # torch draws every parameter from U(-1/sqrt(H), 1/sqrt(H)), weight_hr included. Many
    # small layers (shapes the other tests compile anyway) give thousands of draws per kind.
    bound = 1 / np.sqrt(HIDDEN)
    torch.manual_seed(0)
    rngs = nnx.Rngs(0)
    t, j = {}, {}
    for _ in range(40):
        t_sd = getattr(torch.nn, cls)(H_IN, HIDDEN, **kwargs).state_dict()
        j_sd = jaxnn.interop.state_dict(getattr(jaxnn.nn, cls)(H_IN, HIDDEN, **kwargs, rngs=rngs))
        assert list(j_sd) == list(t_sd)
        for key in t_sd:
            kind = key.split("_l")[0]
            t.setdefault(kind, []).append(t_sd[key].numpy().ravel())
            j.setdefault(kind, []).append(j_sd[key].ravel())
    assert ("weight_hr" in t) == (cls == "LSTM")
    for kind in t:
        jv, tv = np.concatenate(j[kind]), np.concatenate(t[kind])
        assert np.all(np.abs(jv) <= bound) and np.all(np.abs(tv) <= bound), kind
        result = stats.ks_2samp(jv, tv)
        assert result.pvalue > harness.STATISTICAL_ALPHA, f"{kind}: KS p={result.pvalue:.2e}"


def test_recurrent_init_streams_differ_between_parameters():
    # Each parameter gets its own key: no two tensors of the same shape are equal.
    j = jaxnn.interop.state_dict(jaxnn.nn.GRU(4, 4, num_layers=2, rngs=nnx.Rngs(0)))
    values = [v.tobytes() for v in j.values()]
    assert len(set(values)) == len(values)


# ---- state dict -------------------------------------------------------------------------

ROUND_TRIP = [
    pytest.param("RNN", {"num_layers": 2, "bidirectional": True, "nonlinearity": "relu"}, id="rnn"),
    pytest.param("LSTM", {"num_layers": 2, "bidirectional": True, "proj_size": 2}, id="lstm"),
    pytest.param("GRU", {"num_layers": 2, "bias": False}, id="gru-nobias"),
]


@pytest.mark.parametrize("cls, kwargs", ROUND_TRIP)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_recurrent_state_dict_round_trips_are_bit_exact(cls, kwargs, dtype):
    torch.manual_seed(0)
    t = getattr(torch.nn, cls)(H_IN, HIDDEN, **kwargs).to(getattr(torch, dtype))
    with jax.enable_x64(dtype == "float64"):
        j = getattr(jaxnn.nn, cls)(H_IN, HIDDEN, **kwargs, dtype=dtype, rngs=nnx.Rngs(1))
        own = jaxnn.interop.state_dict(j)
        assert list(own) == list(t.state_dict())
        for key, value in t.state_dict().items():
            assert own[key].shape == tuple(value.shape) and own[key].dtype == np.dtype(dtype), key
        # torch -> jaxnn -> torch
        assert repr(jaxnn.interop.load_state_dict(j, t.state_dict())) == (
            "<All keys matched successfully>"
        )
        back = jaxnn.interop.state_dict(j)
        t2 = getattr(torch.nn, cls)(H_IN, HIDDEN, **kwargs).to(getattr(torch, dtype))
        t2.load_state_dict({k: torch.from_numpy(v) for k, v in back.items()})
        for key, value in t.state_dict().items():
            assert torch.equal(t2.state_dict()[key], value), key
        # jaxnn -> torch -> jaxnn, from jaxnn's own initialisation
        t2.load_state_dict({k: torch.from_numpy(v) for k, v in own.items()})
        j2 = getattr(jaxnn.nn, cls)(H_IN, HIDDEN, **kwargs, dtype=dtype, rngs=nnx.Rngs(2))
        jaxnn.interop.load_state_dict(j2, t2.state_dict())
        for key, value in jaxnn.interop.state_dict(j2).items():
            np.testing.assert_array_equal(value, own[key], err_msg=key)


def test_recurrent_parameter_counts_match_torch():
    for cls, kwargs in [(p.values[0], p.values[1]) for p in ROUND_TRIP]:
        j = getattr(jaxnn.nn, cls)(H_IN, HIDDEN, **kwargs, rngs=nnx.Rngs(0))
        t = getattr(torch.nn, cls)(H_IN, HIDDEN, **kwargs)
        count = sum(p.numel() for p in t.parameters())
        assert jaxnn.nn.count_parameters(j) == count, cls
        assert [n for n, _ in jaxnn.nn.named_parameters(j)] == [n for n, _ in t.named_parameters()]


# ---- inter-layer dropout ----------------------------------------------------------------


def _dropout_probe(mode, framework, p):
    """A 2-layer ReLU RNN whose second layer copies its (dropped-out) input.

    Layer 0 sees positive inputs through positive weights, so its outputs are
    > 0; layer 1 has W_ih = I, W_hh = 0, no bias, so its output is the dropout
    mask applied to layer 0's output, scaled by 1/(1-p): every element is
    either 0 or the eval-mode value / (1-p).
    """
    size = 8
    state = {
        "weight_ih_l0": np.full((size, size), 0.5),
        "weight_hh_l0": np.full((size, size), 0.1),
        "bias_ih_l0": np.full(size, 0.2),
        "bias_hh_l0": np.full(size, 0.1),
        "weight_ih_l1": np.eye(size),
        "weight_hh_l1": np.zeros((size, size)),
        "bias_ih_l1": np.zeros(size),
        "bias_hh_l1": np.zeros(size),
    }
    state = {k: mode.array(v) for k, v in state.items()}
    kwargs = {"num_layers": 2, "nonlinearity": "relu", "dropout": p}
    if framework == "torch":
        torch.manual_seed(0)
        model = torch.nn.RNN(size, size, **kwargs).to(mode.torch)
        model.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
        return model
    model = jaxnn.nn.RNN(size, size, **kwargs, dtype=mode.jnp, rngs=nnx.Rngs(0, dropout=1))
    jaxnn.interop.load_state_dict(model, state)
    return model


def test_recurrent_dropout_is_identity_in_eval_mode(mode, rng):
    torch.manual_seed(0)
    t = torch.nn.LSTM(H_IN, HIDDEN, num_layers=2, dropout=0.5).to(mode.torch)
    j = jaxnn.nn.LSTM(H_IN, HIDDEN, num_layers=2, dropout=0.5, dtype=mode.jnp, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    assert t.training and not j.deterministic  # both start in training mode
    t.eval()
    j.eval()
    assert j.deterministic
    x = mode.array(rng.normal(size=(LENGTH, BATCH, H_IN)))
    out_t, (h_t, c_t) = t(torch.tensor(x))
    for how, fn in [("eager", lambda m, x: m(x)), ("jit", nnx.jit(lambda m, x: m(x)))]:
        out, (h, c) = fn(j, jnp.asarray(x))
        mode.assert_close(out, out_t, name=f"{how} output")
        mode.assert_close(h, h_t, name=f"{how} h_n")
        mode.assert_close(c, c_t, name=f"{how} c_n")


def test_recurrent_dropout_in_training_zeroes_a_fraction_p_and_rescales(mode, rng):
    # Masks never match across frameworks: both sides must zero a Binomial(n, p) count of
    # layer 0's outputs and scale the rest by exactly 1/(1-p); layer 0's h_n is not dropped.
    p = 0.3
    x = mode.array(rng.uniform(0.5, 1.0, size=(5, 40, 8)))
    for framework in ("torch", "jax"):
        model = _dropout_probe(mode, framework, p)
        runs = []
        if framework == "torch":
            model.eval()
            clean, clean_h = (v.detach() for v in model(torch.tensor(x)))
            model.train()
            for _ in range(2):
                runs.append(tuple(v.detach() for v in model(torch.tensor(x))))
        else:
            model.eval()
            clean, clean_h = model(x)
            model.train()
            step = nnx.jit(lambda m, x: m(x))
            for _ in range(2):
                runs.append(step(model, jnp.asarray(x)))
        clean, clean_h = harness.to_numpy(clean), harness.to_numpy(clean_h)
        assert np.all(clean > 0), framework
        masks = []
        for out, h_n in runs:
            out = harness.to_numpy(out)
            dropped = out == 0
            masks.append(dropped)
            mode.assert_close(
                np.where(dropped, 0, out),
                np.where(dropped, 0, clean / (1 - p)),
                name=f"{framework} kept outputs",
            )
            mode.assert_close(h_n[0], clean_h[0], name=f"{framework} layer 0 h_n")
            test = stats.binomtest(int(dropped.sum()), dropped.size, p)
            assert test.pvalue > harness.STATISTICAL_ALPHA, f"{framework}: p={test.pvalue:.2e}"
        # A fresh mask on every call (torch's global generator; jaxnn's dropout stream).
        assert np.any(masks[0] != masks[1]), framework


def test_recurrent_dropout_one_is_exact_in_training(mode, rng):
    # p = 1 drops everything: deterministic, so train-mode outputs and gradients are comparable.
    torch.manual_seed(0)
    t = torch.nn.GRU(H_IN, HIDDEN, num_layers=2, dropout=1.0).to(mode.torch)
    j = jaxnn.nn.GRU(H_IN, HIDDEN, num_layers=2, dropout=1.0, dtype=mode.jnp, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    x = mode.array(rng.normal(size=(LENGTH, BATCH, H_IN)))
    cotangents = [mode.array(rng.normal(size=s)) for s in _shapes(t, True)[2]]
    expected, x_grad_t, _, param_grads_t = _torch_run(t, x, [], cotangents)
    run = nnx.jit(_jax_run_fn(False, [jnp.asarray(c) for c in cotangents]))
    results, (param_grads, x_grad, _) = run(j, jnp.asarray(x), [])
    for actual, want in zip(results, expected, strict=True):
        mode.assert_close(actual, want)
    mode.assert_close(x_grad, x_grad_t, name="input grad")
    mode.assert_state_dict_close(_param_grads_torch_layout(j, param_grads), param_grads_t)


def test_recurrent_dropout_with_one_layer_warns_like_torch():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        torch.nn.LSTM(H_IN, HIDDEN, dropout=0.5)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        jaxnn.nn.LSTM(H_IN, HIDDEN, dropout=0.5, rngs=nnx.Rngs(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jaxnn.nn.LSTM(H_IN, HIDDEN, num_layers=2, dropout=0.5, rngs=nnx.Rngs(0))


# ---- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        (LENGTH, BATCH, H_IN + 1),
        (LENGTH, H_IN + 1),
        (2, LENGTH, BATCH, H_IN),
        (H_IN,),
        (0, BATCH, H_IN),
    ],
    ids=["feature-size", "unbatched-feature-size", "4d", "1d", "empty-sequence"],
)
def test_recurrent_rejects_bad_input_shape(shape):
    torch.manual_seed(0)
    t = torch.nn.LSTM(H_IN, HIDDEN)
    j = jaxnn.nn.LSTM(H_IN, HIDDEN, rngs=nnx.Rngs(0))
    # torch raises ValueError for the rank and RuntimeError for the sizes.
    with pytest.raises((ValueError, RuntimeError)):
        t(torch.zeros(shape))
    expected = r"\(L, N, 3\) or unbatched \(L, 3\)"
    for how, fn in [("eager", j), ("jit", nnx.jit(lambda m, x: m(x)))]:
        args = (jnp.zeros(shape),) if how == "eager" else (j, jnp.zeros(shape))
        with pytest.raises(
            ValueError,
            match=rf"LSTM: expected .*{expected}.*got shape "
            + rf"\({', '.join(map(str, shape))},?\)",
        ):
            fn(*args)


def test_recurrent_batch_first_names_its_layout_in_errors():
    j = jaxnn.nn.GRU(H_IN, HIDDEN, batch_first=True, rngs=nnx.Rngs(0))
    with pytest.raises(ValueError, match=r"GRU: expected input of shape \(N, L, 3\)"):
        j(jnp.zeros((BATCH, LENGTH, H_IN + 1)))


@pytest.mark.parametrize(
    "cls, batched, hx_shapes, message",
    [
        (
            "GRU",
            True,
            [(2, BATCH, HIDDEN)],
            r"GRU: expected h0 of shape \(1, 2, 4\) for batched "
            r"input; got shape \(2, 2, 4\)",
        ),
        (
            "RNN",
            True,
            [(1, HIDDEN)],
            r"RNN: expected h0 of shape \(1, 2, 4\) for batched "
            r"input; got shape \(1, 4\)",
        ),
        (
            "RNN",
            False,
            [(1, BATCH, HIDDEN)],
            r"RNN: expected h0 of shape \(1, 4\) for unbatched "
            r"input; got shape \(1, 2, 4\)",
        ),
        (
            "LSTM",
            True,
            [(1, BATCH, HIDDEN), (1, BATCH, HIDDEN + 1)],
            r"LSTM: expected c0 of "
            r"shape \(1, 2, 4\) for batched input; got shape \(1, 2, 5\)",
        ),
    ],
    ids=["gru-layers", "rnn-unbatched-h0", "rnn-batched-h0", "lstm-c0"],
)
def test_recurrent_rejects_bad_initial_state(cls, batched, hx_shapes, message):
    torch.manual_seed(0)
    t = getattr(torch.nn, cls)(H_IN, HIDDEN)
    j = getattr(jaxnn.nn, cls)(H_IN, HIDDEN, rngs=nnx.Rngs(0))
    x_shape = (LENGTH, BATCH, H_IN) if batched else (LENGTH, H_IN)
    hx = [np.zeros(s, np.float32) for s in hx_shapes]
    hx_t = tuple(torch.tensor(h) for h in hx) if cls == "LSTM" else torch.tensor(hx[0])
    with pytest.raises(RuntimeError):
        t(torch.zeros(x_shape), hx_t)
    hx_j = tuple(hx) if cls == "LSTM" else hx[0]
    with pytest.raises(ValueError, match=message):
        j(jnp.zeros(x_shape), hx_j)
    with pytest.raises(ValueError, match=message):
        nnx.jit(lambda m, x, h: m(x, h))(j, jnp.zeros(x_shape), hx_j)


def test_lstm_rejects_a_single_state():
    # torch unpacks the tensor along dim 0 and fails on the missing second element.
    torch.manual_seed(0)
    t = torch.nn.LSTM(H_IN, HIDDEN)
    with pytest.raises(IndexError):
        t(torch.zeros(LENGTH, BATCH, H_IN), torch.zeros(1, BATCH, HIDDEN))
    j = jaxnn.nn.LSTM(H_IN, HIDDEN, rngs=nnx.Rngs(0))
    with pytest.raises(ValueError, match=r"LSTM: expected hx to be a pair \(h0, c0\)"):
        j(jnp.zeros((LENGTH, BATCH, H_IN)), jnp.zeros((1, BATCH, HIDDEN)))


@pytest.mark.parametrize(
    "cls, kwargs, argument",
    [
        ("LSTM", {"input_size": 0}, "input_size"),
        ("GRU", {"hidden_size": 0}, "hidden_size"),
        ("RNN", {"num_layers": 0}, "num_layers"),
        ("LSTM", {"dropout": 1.5}, "dropout"),
        ("GRU", {"dropout": -0.1}, "dropout"),
        ("LSTM", {"proj_size": -1}, "proj_size"),
        ("LSTM", {"proj_size": HIDDEN}, "proj_size"),
        ("RNN", {"nonlinearity": "sigmoid"}, "nonlinearity"),
    ],
)
def test_recurrent_rejects_bad_constructor_arguments(cls, kwargs, argument):
    arguments = {"input_size": H_IN, "hidden_size": HIDDEN, **kwargs}
    with pytest.raises(ValueError):
        getattr(torch.nn, cls)(**arguments)
    with pytest.raises(ValueError, match=rf"{cls}: .*{argument}"):
        getattr(jaxnn.nn, cls)(**arguments, rngs=nnx.Rngs(0))


def test_recurrent_rejects_non_int_sizes():
    # torch raises TypeError for a float size; the twin raises ValueError like every jaxnn layer.
    with pytest.raises(TypeError, match="input_size should be of type int"):
        torch.nn.GRU(2.5, HIDDEN)
    with pytest.raises(ValueError, match="GRU: input_size must be a positive int; got 2.5"):
        jaxnn.nn.GRU(2.5, HIDDEN, rngs=nnx.Rngs(0))
