"""``nn.RNN`` (tanh and ReLU), ``nn.LSTM``, ``nn.GRU`` on hard inputs, property-based.

Inputs and initial states across the dtype's range (``1e-30 ... 1e30``, which saturates every
gate), large logits (``+-1e4``), and ``nan``/``+-inf`` in the sequence (they must reach the
later time steps in the positions torch puts them); sequence length 1, batch 1 and hidden
size 1; an empty batch. Outputs, final states and the gradients w.r.t. the input, ``h0``
(and ``c0``) and every parameter, against real torch with the same weights, both dtypes.

Every layer runs in one jitted program per shape and dtype (a recurrent compile costs far
more than an example), so hypothesis only feeds it new values.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx
from hypothesis import given
from hypothesis import strategies as st

import jaxnn
from twincore import harness

from ..hard_inputs import hard_arrays
from .components import RECURRENT

pytestmark = RECURRENT

# name -> (class name, extra constructor arguments)
LAYERS = {
    "rnn_tanh": ("RNN", {"nonlinearity": "tanh"}),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
    "lstm": ("LSTM", {}),
    "gru": ("GRU", {}),
}

PARAMETERS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")

# (sequence length, batch, input size, hidden size)
SHAPES = {"small": (3, 2, 2, 2), "unit": (1, 1, 1, 1)}


def cotangent(shape, dtype):
    """An output gradient that is not all ones, so each element's own factor shows."""
    return (np.arange(int(np.prod(shape))) % 3 + 1).reshape(shape).astype(dtype)


def designed_weights(t, seed):
    """Weights for ``t`` whose gate sums cannot cancel by coincidence.

    Each gate row's weights and biases are distinct powers of two with signs: a signed sum of
    distinct powers of two is at least the smallest of them, so when hard inputs of equal
    magnitude meet (``x = h0 = 1e4``) a pre-activation never cancels to a small value from
    large terms, which would turn one float32 rounding of the ``1e4`` terms into a large
    relative error in both frameworks (torch's initialisation has such near-ties:
    ``w_if = -0.23797``, ``w_hf = 0.23807``). Exact in both dtypes.
    """
    rng = np.random.default_rng(seed)
    rows, h_in = t.weight_ih_l0.shape
    hidden = t.weight_hh_l0.shape[1]
    row_size = h_in + hidden + 2
    table = np.stack(
        [rng.choice((-1.0, 1.0), row_size) * 2.0 ** -rng.permutation(row_size) for _ in range(rows)]
    )
    return {
        "weight_ih_l0": table[:, :h_in],
        "weight_hh_l0": table[:, h_in : h_in + hidden],
        "bias_ih_l0": table[:, -2],
        "bias_hh_l0": table[:, -1],
    }


@functools.cache
def twins(shape_name, dtype):
    """torch layers and their jaxnn twins with the same weights, as (torch, graphdef, params)."""
    _, _, h_in, hidden = SHAPES[shape_name]
    torch_layers, weights = {}, {}
    for k, (name, (cls, extra)) in enumerate(LAYERS.items()):
        t = getattr(torch.nn, cls)(h_in, hidden, **extra).to(getattr(torch, dtype))
        weights[name] = {key: v.astype(dtype) for key, v in designed_weights(t, k).items()}
        t.load_state_dict({key: torch.tensor(v) for key, v in weights[name].items()})
        torch_layers[name] = t
    # The twins are built abstractly and given the weights under torch's names: constructing
    # them would run their initialisers eagerly, a compile per shape (~2 s of CPU per shape).
    with jax.enable_x64(dtype == "float64"):
        abstract = nnx.eval_shape(
            lambda: {
                name: getattr(jaxnn.nn, cls)(h_in, hidden, **extra, dtype=dtype, rngs=nnx.Rngs(0))
                for name, (cls, extra) in LAYERS.items()
            }
        )
    graphdef, state = nnx.split(abstract)
    params = jax.tree_util.tree_map_with_path(
        lambda path, _: weights[path[0].key][path[1].key], state
    )
    return torch_layers, graphdef, params


def _flat(result):
    output, state = result
    return [output, *state] if isinstance(state, tuple) else [output, state]


@functools.partial(jax.jit, static_argnums=(0, 1))
def jax_run(names, graphdef, params, x, h0, c0, cots):
    """Each named layer's results and gradients w.r.t. (params, x, h0, c0), in one program."""

    def loss(params, x, h0, c0, name):
        layer = nnx.merge(graphdef, params)[name]
        results = _flat(layer(x, (h0, c0) if name == "lstm" else h0))
        total = sum(jnp.sum(r * c) for r, c in zip(results, cots[name], strict=True))
        return total, results

    out = {}
    for name in names:
        grad_fn = jax.grad(functools.partial(loss, name=name), argnums=(0, 1, 2, 3), has_aux=True)
        (param_grads, *input_grads), results = grad_fn(params, x, h0, c0)
        layer_grads = nnx.merge(graphdef, param_grads)[name]
        param_grads = {key: getattr(layer_grads, key)[...] for key in PARAMETERS}
        out[name] = results, (param_grads, *input_grads)
    return out


def torch_run(t, x, h0, c0, cots):
    t.zero_grad(set_to_none=True)
    xt, ht, ct = (torch.tensor(v, requires_grad=True) for v in (x, h0, c0))
    is_lstm = isinstance(t, torch.nn.LSTM)
    results = _flat(t(xt, (ht, ct) if is_lstm else ht))
    sum((r * torch.tensor(c)).sum() for r, c in zip(results, cots, strict=True)).backward()
    state_grads = [ht.grad, ct.grad] if is_lstm else [ht.grad]
    return [r.detach().numpy() for r in results], xt.grad.numpy(), state_grads, t


def _finite_max(values, floor=1.0):
    values = np.abs(np.concatenate([np.ravel(np.asarray(v, np.float64)) for v in values]))
    values = values[np.isfinite(values)]
    return max(floor, float(values.max())) if values.size else floor


def gradient_tolerances(tol, x, h0, c0, outputs, x_grad, cots):
    """The gradients' tolerances: ``tol`` scaled against the terms each gradient sums.

    A saturated gate's derivative is formed from ``1 - t`` with ``t`` near 1 (``1 - t^2``,
    ``s (1 - s)``), where torch's and XLA's ``tanh``/``sigmoid`` differ in the last ulp of
    ``t`` (see ``SATURATING`` in ``test_activation_hard_inputs.py``): an error of one ulp
    times the gradient flowing into the gate, not of the small result. That gradient sums the
    cotangents of every later step (``L * max |cot|``) and is multiplied by the state the gate
    gates (``c`` for the forget gate, ``h`` for GRU's update gate: at most ``|h0|, |c0|``
    plus one per step); a weight's gradient multiplies it by the operand, ``x`` or the previous
    ``h``. Steps whose gates are all exactly saturated pass no gradient at all (torch's input
    gradient there is 0), so their operands are left out of the scale.
    """
    length, batch = x.shape[:2]
    active = np.any(x_grad != 0, axis=-1)  # (L, N); NaN counts as active
    rows = np.any(active, axis=0)
    gate_in = length * _finite_max(cots)
    state = _finite_max([h0[:, rows], c0[:, rows]]) + length if rows.any() else 1.0
    previous_h = np.concatenate([h0[-1:], outputs[:-1]], axis=0)[..., : h0.shape[-1]]
    grad = harness.scaled(tol, gate_in * state)
    return {
        "grad": grad,
        "weight_ih": harness.scaled(grad, gate_in * state * _finite_max([x[active]])),
        "weight_hh": harness.scaled(grad, gate_in * state * _finite_max([previous_h[active]])),
    }


def check_layers(mode, shape_name, x, h0, c0, label, names):
    torch_layers, graphdef, params = twins(shape_name, mode.name)
    length, batch, _, hidden = SHAPES[shape_name]
    state_shape = (1, batch, hidden)
    cots = {
        name: [cotangent((length, batch, hidden), mode.np)]
        + [cotangent(state_shape, mode.np)] * (2 if name == "lstm" else 1)
        for name in names
    }
    got = jax_run(names, graphdef, params, x, h0, c0, cots)
    for name in names:
        expected, x_grad_t, state_grads_t, t = torch_run(torch_layers[name], x, h0, c0, cots[name])
        results, (param_grads, x_grad, h_grad, c_grad) = got[name]
        for which, actual, want in zip(("output", "h_n", "c_n"), results, expected, strict=False):
            mode.assert_close(actual, want, name=f"{name} {which} ({label})")
        tols = gradient_tolerances(mode.tol(), x, h0, c0, expected[0], x_grad_t, cots[name])
        harness.assert_close(x_grad, x_grad_t, tols["grad"], name=f"{name} input grad ({label})")
        for which, actual, want in zip(("h0", "c0"), (h_grad, c_grad), state_grads_t, strict=False):
            harness.assert_close(actual, want, tols["grad"], name=f"{name} {which} grad ({label})")
        for key, p in t.named_parameters():
            tol = tols.get(key.removesuffix("_l0"), tols["grad"])
            harness.assert_close(param_grads[key], p.grad, tol, name=f"{name} {key} grad ({label})")


@pytest.mark.parametrize("kind", ["wide", "logits", "nonfinite"])
@given(data=st.data())
def test_recurrent_on_hard_inputs(mode, kind, data):
    length, batch, h_in, hidden = SHAPES["small"]
    x = data.draw(hard_arrays(mode.np, kind, shape=(length, batch, h_in)), label="x")
    h0 = data.draw(hard_arrays(mode.np, kind, shape=(1, batch, hidden)), label="h0")
    c0 = data.draw(hard_arrays(mode.np, kind, shape=(1, batch, hidden)), label="c0")
    check_layers(mode, "small", x, h0, c0, kind, names=("rnn_tanh", "lstm", "gru"))


@pytest.mark.parametrize("kind", ["wide", "logits", "nonfinite"])
@given(data=st.data())
def test_recurrent_length_batch_and_hidden_size_one_on_hard_inputs(mode, kind, data):
    # ReLU's RNN differs from tanh's only in the nonlinearity: each program holds one of them,
    # to save a compile (a recurrent layer's gradient program costs ~1 s of CPU to compile).
    x, h0, c0 = (data.draw(hard_arrays(mode.np, kind, shape=(1, 1, 1)), label=n) for n in "xhc")
    check_layers(mode, "unit", x, h0, c0, kind, names=("rnn_relu", "lstm", "gru"))


def test_recurrent_nan_reaches_every_later_step_of_its_sequence_only(mode):
    # One NaN at step 1 of sequence 0: that sequence's outputs from step 1 on, and its final
    # states, are NaN in both frameworks; step 0 and sequence 1 stay finite.
    length, batch, h_in, hidden = SHAPES["small"]
    x = (np.arange(length * batch * h_in).reshape(length, batch, h_in) % 5 - 2).astype(mode.np)
    x[1, 0, 0] = np.nan
    h0 = c0 = np.zeros((1, batch, hidden), mode.np)
    check_layers(mode, "small", x, h0, c0, "nan", names=("rnn_tanh", "lstm", "gru"))
    torch_layers = twins("small", mode.name)[0]
    for name in ("rnn_tanh", "lstm", "gru"):
        hx = (torch.tensor(h0), torch.tensor(c0)) if name == "lstm" else torch.tensor(h0)
        with torch.no_grad():
            output, h_n, *c_n = (r.numpy() for r in _flat(torch_layers[name](torch.tensor(x), hx)))
        assert np.isnan(output[1:, 0]).all() and np.isnan(h_n[:, 0]).all(), name
        assert np.isfinite(output[0]).all() and np.isfinite(output[:, 1]).all(), name
        assert all(np.isnan(c[:, 0]).all() and np.isfinite(c[:, 1]).all() for c in c_n), name
