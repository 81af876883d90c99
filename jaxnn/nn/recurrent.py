"""``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` twins: torch's parameters, gates and state layout.

Written here because Flax's cells do not fit torch: ``nnx.LSTMCell`` carries
``(c, h)`` and has a single bias per gate, ``nnx.GRUCell`` has no hidden-side
biases, and both keep each gate in its own Linear rather than torch's stacked
``(G*H, in)`` layout, so torch's two biases could not round-trip.

Each layer stores torch's own parameters under torch's names and layouts
(``weight_ih_l0`` ``(G*H, H_in)``, ``weight_hh_l0`` ``(G*H, H_out)``,
``bias_ih_l0``, ``bias_hh_l0``, ``weight_hr_l0`` for LSTM projections, then
``_l1``, ...; ``_reverse`` for the backward direction), assigned in torch's
registration order, so ``jaxnn.interop.state_dict`` keeps them verbatim. The
input projection of a whole sequence is one matmul; the recurrence is a
``jax.lax.scan`` over time.
"""

from __future__ import annotations

import functools
import numbers
import warnings
from typing import Any

import jax
import jax.numpy as jnp
from flax import nnx

from jaxnn.config import canonical_param_dtype
from jaxnn.functional.activation import relu, tanh
from jaxnn.nn.init import fan_in_bound, uniform
from jaxnn.nn.module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _check_size(layer: str, name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        kind = "a positive int" if minimum > 0 else "a non-negative int"
        raise ValueError(f"{layer}: {name} must be {kind}; got {value!r}")
    return value


@jax.custom_jvp
def _forget(pre: jax.Array, c: jax.Array) -> jax.Array:
    """``sigmoid(pre) * c``, the forget gate applied to an LSTM's cell state."""
    return jax.nn.sigmoid(pre) * c


@_forget.defjvp
def _forget_jvp(primals, tangents):
    # Written so that reverse mode forms (dc' * sigmoid'(pre)) * c, as torch's float32 CPU
    # kernel (oneDNN) does, not (dc' * c) * sigmoid'(pre): a large cell state (c0 = -1e30)
    # times a large upstream gradient overflowed to inf before the saturated gate's derivative
    # (0) could cancel it, giving NaN where torch gives 0 (float64: 8.9e-17).
    (pre, c), (d_pre, d_c) = primals, tangents
    s = jax.nn.sigmoid(pre)
    return s * c, (d_pre * c) * (s * (1 - s)) + s * d_c


def _scan_direction(mode: str, reverse: bool, x: jax.Array, carry: Any, w: dict[str, Any]):
    """One direction of one layer over ``x`` (L, N, in): returns (outputs, final carry).

    The backward direction scans the time-reversed sequence and flips its outputs
    back into time order (XLA:CPU compiles this faster than ``scan(reverse=True)``).
    """
    if reverse:
        x = jnp.flip(x, 0)
    xw = x @ w["weight_ih"].T
    if w["bias_ih"] is not None:
        xw = xw + w["bias_ih"]
    w_hh = w["weight_hh"].T
    b_hh = w["bias_hh"]
    w_hr = None if w["weight_hr"] is None else w["weight_hr"].T

    def step(carry, xw_t):
        h = carry[0] if mode == "LSTM" else carry
        hw = h @ w_hh
        if b_hh is not None:
            hw = hw + b_hh
        if mode == "LSTM":
            i, f, g, o = jnp.split(xw_t + hw, 4, axis=-1)
            c = _forget(f, carry[1]) + jax.nn.sigmoid(i) * tanh(g)
            h = jax.nn.sigmoid(o) * tanh(c)
            if w_hr is not None:
                h = h @ w_hr
            return (h, c), h
        if mode == "GRU":
            x_r, x_z, x_n = jnp.split(xw_t, 3, axis=-1)
            h_r, h_z, h_n = jnp.split(hw, 3, axis=-1)
            r = jax.nn.sigmoid(x_r + h_r)
            z = jax.nn.sigmoid(x_z + h_z)
            n = tanh(x_n + r * h_n)
            h = (1 - z) * n + z * h
            return h, h
        pre = xw_t + hw
        # torch's ReLU passes the gradient through a NaN pre-activation; jax.nn.relu stops it.
        h = tanh(pre) if mode == "RNN_TANH" else relu(pre)
        return h, h

    carry, out = jax.lax.scan(step, carry, xw)
    return (jnp.flip(out, 0) if reverse else out), carry


# One jitted function for all layers: eager calls then reuse one compiled program per
# shape (a bare lax.scan re-traces its body, a new closure, on every eager call); inside
# an outer jit it is inlined.
@functools.partial(jax.jit, static_argnums=(0, 1, 2, 3))
def _run_layers(
    mode: str,
    num_layers: int,
    directions: int,
    dropout: float,
    x: jax.Array,
    states: tuple[jax.Array, ...],
    weights: dict[str, jax.Array],
    dropout_key: jax.Array | None,
) -> tuple[jax.Array, tuple[jax.Array, ...]]:
    """Stacked layers over ``x`` (L, N, H_in) from ``states`` (D*num_layers, N, *).

    ``weights`` maps torch's parameter names to arrays; ``dropout_key`` is None
    when no dropout applies (eval mode, ``dropout == 0``), else the key of this call.
    """
    finals: list[tuple[jax.Array, ...]] = []
    for layer in range(num_layers):
        if layer > 0 and dropout_key is not None:
            if dropout == 1:
                x = jnp.zeros_like(x)
            else:
                key = jax.random.fold_in(dropout_key, layer)
                keep = jax.random.bernoulli(key, 1.0 - dropout, x.shape)
                x = jnp.where(keep, x / (1.0 - dropout), jnp.zeros((), x.dtype))
        outputs = []
        for direction in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            w = {
                n: weights.get(n + suffix)
                for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
            }
            carry = tuple(s[layer * directions + direction] for s in states)
            out, carry = _scan_direction(
                mode, direction == 1, x, carry if mode == "LSTM" else carry[0], w
            )
            outputs.append(out)
            finals.append(carry if mode == "LSTM" else (carry,))
        x = outputs[0] if directions == 1 else jnp.concatenate(outputs, axis=-1)
    return x, tuple(jnp.stack([f[k] for f in finals]) for k in range(len(states)))


class _RNNBase(Module):
    """Shared parameters, validation and time loop of :class:`RNN`, :class:`LSTM`, :class:`GRU`."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int,
        bias: bool,
        batch_first: bool,
        dropout: float,
        bidirectional: bool,
        proj_size: int,
        *,
        dtype: Any,
        rngs: nnx.Rngs,
    ):
        name = type(self).__name__
        _check_size(name, "input_size", input_size, 1)
        _check_size(name, "hidden_size", hidden_size, 1)
        _check_size(name, "num_layers", num_layers, 1)
        _check_size(name, "proj_size", proj_size, 0)
        if proj_size >= hidden_size:
            raise ValueError(
                f"{name}: proj_size must be smaller than hidden_size; "
                f"got proj_size={proj_size}, hidden_size={hidden_size}"
            )
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, numbers.Real)
            or not 0 <= dropout <= 1
        ):
            raise ValueError(f"{name}: dropout must be a number in [0, 1]; got {dropout!r}")
        if dropout > 0 and num_layers == 1:
            # torch's own warning, word for word.
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                "dropout expects num_layers greater than 1, but got "
                f"dropout={dropout} and num_layers={num_layers}",
                UserWarning,
                stacklevel=3,
            )
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bool(bias)
        self.batch_first = bool(batch_first)
        self.dropout = float(dropout)
        self.bidirectional = bool(bidirectional)
        self.proj_size = proj_size
        # Training mode, like a fresh torch module; model.eval() sets True.
        self.deterministic = False

        param_dtype = canonical_param_dtype(dtype)
        init = uniform(fan_in_bound(hidden_size))
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size or hidden_size
        directions = 2 if self.bidirectional else 1

        def param(shape: tuple[int, ...]) -> nnx.Param:
            return nnx.Param(init(rngs.params(), shape, param_dtype))

        # torch's registration order: per layer, per direction, ih, hh, biases, hr.
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                setattr(self, f"weight_ih{suffix}", param((gate_size, layer_input)))
                setattr(self, f"weight_hh{suffix}", param((gate_size, real_hidden)))
                if self.bias:
                    setattr(self, f"bias_ih{suffix}", param((gate_size,)))
                    setattr(self, f"bias_hh{suffix}", param((gate_size,)))
                if proj_size > 0:
                    setattr(self, f"weight_hr{suffix}", param((proj_size, hidden_size)))

        # Dropout between layers draws from the ``dropout`` stream (``default`` if absent).
        self.dropout_rngs = (
            rngs["dropout"].fork() if self.dropout > 0 and num_layers > 1 else nnx.data(None)
        )

    def extra_repr(self) -> str:
        # torch's RNNBase.extra_repr: the non-default settings only
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # -- shapes -------------------------------------------------------------------------

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _out_size(self) -> int:
        return self.proj_size or self.hidden_size

    def _expected_input(self) -> str:
        batched = "(N, L, {0})" if self.batch_first else "(L, N, {0})"
        return f"{batched.format(self.input_size)} or unbatched (L, {self.input_size})"

    def _check_input(self, x: jax.Array) -> None:
        name = type(self).__name__
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{name}: expected input of shape {self._expected_input()}; "
                f"got shape {tuple(x.shape)}"
            )
        length = x.shape[1 if x.ndim == 3 and self.batch_first else 0]
        if length == 0:
            raise ValueError(
                f"{name}: expected a sequence length L > 0 in input of shape "
                f"{self._expected_input()}; got shape {tuple(x.shape)}"
            )

    def _check_state(self, label: str, state: Any, size: int, batch: int | None) -> jax.Array:
        state = jnp.asarray(state)
        rows = self._directions * self.num_layers
        expected = (rows, size) if batch is None else (rows, batch, size)
        if tuple(state.shape) != expected:
            kind = "unbatched" if batch is None else "batched"
            raise ValueError(
                f"{type(self).__name__}: expected {label} of shape {expected} for {kind} "
                f"input; got shape {tuple(state.shape)}"
            )
        return state

    def _initial_states(self, hx: Any, batch: int | None) -> tuple[jax.Array | None, ...]:
        """``hx`` checked against torch's shapes: ``(h0,)``, or ``(h0, c0)`` for LSTM."""
        if hx is None:
            return (None, None) if self.mode == "LSTM" else (None,)
        if self.mode == "LSTM":
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise ValueError(
                    f"LSTM: expected hx to be a pair (h0, c0); got {type(hx).__name__}"
                )
            return (
                self._check_state("h0", hx[0], self._out_size, batch),
                self._check_state("c0", hx[1], self.hidden_size, batch),
            )
        return (self._check_state("h0", hx, self._out_size, batch),)

    # -- forward --------------------------------------------------------------------------

    def _forward(self, input: Any, hx: Any):
        x = jnp.asarray(input)
        self._check_input(x)
        batched = x.ndim == 3
        if not batched:
            x = x[:, None, :]
        elif self.batch_first:
            x = jnp.swapaxes(x, 0, 1)
        batch = x.shape[1]
        states = self._initial_states(hx, batch if batched else None)
        if not batched:
            states = tuple(None if s is None else s[:, None, :] for s in states)
        dtype = jnp.result_type(
            x.dtype,
            self.weight_ih_l0[...].dtype,
            *(s.dtype for s in states if s is not None),
        )
        x = x.astype(dtype)
        sizes = (self._out_size, self.hidden_size)
        states = tuple(
            jnp.zeros((self._directions * self.num_layers, batch, sizes[k]), dtype)
            if s is None
            else s.astype(dtype)
            for k, s in enumerate(states)
        )

        weights = {
            name: variable[...].astype(dtype)
            for name, variable in vars(self).items()
            if isinstance(variable, nnx.Variable) and name.startswith(("weight_", "bias_"))
        }
        applies = self.dropout > 0 and self.num_layers > 1 and not self.deterministic
        x, final = _run_layers(
            self.mode,
            self.num_layers,
            self._directions,
            self.dropout,
            x,
            states,
            weights,
            self.dropout_rngs() if applies else None,
        )
        if not batched:
            x = x[:, 0, :]
            final = tuple(s[:, 0, :] for s in final)
        elif self.batch_first:
            x = jnp.swapaxes(x, 0, 1)
        return x, final


class RNN(_RNNBase):
    r"""Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``, layer by layer.

    With ``nonlinearity='relu'`` ReLU replaces tanh. Layer ``k > 0`` reads the
    (dropped-out, in training) outputs of layer ``k - 1``; a bidirectional layer
    also runs the sequence backwards and concatenates both outputs.

    Args:
      input_size: features ``H_in`` of the input.
      hidden_size: features ``H`` of the hidden state.
      num_layers: stacked recurrent layers (default 1).
      nonlinearity: ``'tanh'`` (default) or ``'relu'``.
      bias: learn ``b_ih`` and ``b_hh`` (default True).
      batch_first: input and output are ``(N, L, *)`` instead of ``(L, N, *)``;
        ``h_n`` is ``(D*num_layers, N, H)`` either way.
      dropout: probability of zeroing each output of every layer except the
        last, in training mode only (default 0).
      bidirectional: run each layer in both directions (``D = 2``; default False).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs``: ``params`` for the initialisation and, when
        ``dropout > 0`` and ``num_layers > 1``, ``dropout`` for the masks.

    Shape:
      ``input``: ``(L, N, H_in)``, ``(N, L, H_in)`` with ``batch_first``, or
      unbatched ``(L, H_in)``. ``hx`` (optional, zeros by default):
      ``(D*num_layers, N, H)`` or unbatched ``(D*num_layers, H)``.
      Returns ``(output, h_n)``: ``output`` ``(L, N, D*H)`` (``(N, L, D*H)``
      with ``batch_first``; ``(L, D*H)`` unbatched) and ``h_n`` shaped like ``hx``.

    Attributes:
      weight_ih_l{k}{_reverse}: ``(H, H_in)`` for ``k = 0``, ``(H, D*H)`` after.
      weight_hh_l{k}{_reverse}: ``(H, H)``.
      bias_ih_l{k}{_reverse}, bias_hh_l{k}{_reverse}: ``(H,)``.
      All drawn from U(-k, k) with ``k = 1/sqrt(hidden_size)``.
      deterministic: False in training mode (the default, like torch), True
        after ``model.eval()``; only inter-layer dropout depends on it.

    Raises:
      ValueError: invalid constructor arguments (naming the argument), an input
        of the wrong rank or feature size, an empty sequence, or ``hx`` of the
        wrong shape (naming the layer and both shapes), checked at trace time.

    PyTorch twin: ``torch.nn.RNN``, same parameter names, layouts, order and
    gate math, so ``jaxnn.interop`` converts verbatim. torch raises
    RuntimeError for a wrong feature size or ``hx`` shape (ValueError here)
    and TypeError for a non-int size. JAX promotes mixed input/parameter
    dtypes where torch refuses them. Dropout masks never match torch's.

    Example:
      >>> rnn = RNN(3, 4, rngs=nnx.Rngs(0))
      >>> output, h_n = rnn(jnp.ones((5, 2, 3)))
      >>> output.shape, h_n.shape
      ((5, 2, 4), (1, 2, 4))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"RNN: unknown nonlinearity {nonlinearity!r}; expected 'tanh' or 'relu'"
            )
        self.nonlinearity = nonlinearity
        super().__init__(
            "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            dtype=dtype,
            rngs=rngs,
        )

    def __call__(self, input: jax.Array, hx: jax.Array | None = None):
        output, (h_n,) = self._forward(input, hx)
        return output, h_n


class LSTM(_RNNBase):
    r"""Long short-term memory over a sequence, torch's gate order ``i, f, g, o``.

    For each step, with ``W_ih = [W_ii; W_if; W_ig; W_io]`` stacked by rows
    (and likewise ``W_hh``, ``b_ih``, ``b_hh``)::

        i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)
        f = sigmoid(W_if x + b_if + W_hf h + b_hf)
        g = tanh(W_ig x + b_ig + W_hg h + b_hg)
        o = sigmoid(W_io x + b_io + W_ho h + b_ho)
        c' = f * c + i * g
        h' = o * tanh(c')        (then h' = W_hr h' with proj_size > 0)

    Args:
      input_size: features ``H_in`` of the input.
      hidden_size: features ``H`` of the cell state.
      num_layers: stacked LSTM layers (default 1).
      bias: learn ``b_ih`` and ``b_hh`` (default True).
      batch_first: input and output are ``(N, L, *)`` instead of ``(L, N, *)``;
        ``h_n`` and ``c_n`` keep ``(D*num_layers, N, *)``.
      dropout: probability of zeroing each output of every layer except the
        last, in training mode only (default 0).
      bidirectional: run each layer in both directions (``D = 2``; default False).
      proj_size: if > 0, project ``h`` to ``proj_size`` features (``H_out``)
        with ``weight_hr``; must be smaller than ``hidden_size`` (default 0,
        ``H_out = H``).
      dtype: parameter dtype (default float32).
      rngs: ``nnx.Rngs``: ``params`` for the initialisation and, when
        ``dropout > 0`` and ``num_layers > 1``, ``dropout`` for the masks.

    Shape:
      ``input``: ``(L, N, H_in)``, ``(N, L, H_in)`` with ``batch_first``, or
      unbatched ``(L, H_in)``. ``hx`` (optional, zeros by default): a pair
      ``(h0, c0)`` of ``(D*num_layers, N, H_out)`` and ``(D*num_layers, N, H)``
      (unbatched: without ``N``). Returns ``(output, (h_n, c_n))``: ``output``
      ``(L, N, D*H_out)`` (``(N, L, D*H_out)`` with ``batch_first``;
      ``(L, D*H_out)`` unbatched), ``h_n`` and ``c_n`` shaped like ``h0``, ``c0``.

    Attributes:
      weight_ih_l{k}{_reverse}: ``(4H, H_in)`` for ``k = 0``, ``(4H, D*H_out)`` after.
      weight_hh_l{k}{_reverse}: ``(4H, H_out)``.
      bias_ih_l{k}{_reverse}, bias_hh_l{k}{_reverse}: ``(4H,)``, both kept.
      weight_hr_l{k}{_reverse}: ``(H_out, H)``, only with ``proj_size > 0``.
      All drawn from U(-k, k) with ``k = 1/sqrt(hidden_size)``.
      deterministic: False in training mode (the default), True after ``model.eval()``.

    Raises:
      ValueError: as :class:`RNN`; also when ``hx`` is not a pair.

    PyTorch twin: ``torch.nn.LSTM``, same parameter names, layouts, order and
    gate math. Flax's ``LSTMCell`` instead carries ``(c, h)`` and has only the
    hidden-side bias, so converting to it would sum ``b_ih + b_hh``; keeping
    both makes the state-dict round trip exact. Errors differ as for :class:`RNN`.
    The forget gate's gradient is formed as torch's float32 CPU kernel forms it,
    the gate's derivative before the cell state, so a saturated gate over a huge
    cell state (``c0 = -1e30``) gives 0 there, not ``inf * 0 = NaN``.

    Example:
      >>> lstm = LSTM(3, 4, batch_first=True, rngs=nnx.Rngs(0))
      >>> out, (h, c) = lstm(jnp.ones((2, 5, 3)))
      >>> out[:, -1, :].shape, h.shape
      ((2, 4), (1, 2, 4))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            dtype=dtype,
            rngs=rngs,
        )

    def __call__(
        self, input: jax.Array, hx: tuple[jax.Array, jax.Array] | None = None
    ) -> tuple[jax.Array, tuple[jax.Array, jax.Array]]:
        output, (h_n, c_n) = self._forward(input, hx)
        return output, (h_n, c_n)


class GRU(_RNNBase):
    r"""Gated recurrent unit over a sequence, torch's gate order ``r, z, n``.

    For each step, with ``W_ih = [W_ir; W_iz; W_in]`` stacked by rows (and
    likewise ``W_hh``, ``b_ih``, ``b_hh``)::

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
        z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
        h' = (1 - z) * n + z * h

    Args, Shape, Raises: as :class:`RNN` (without ``nonlinearity``), with
    ``3H`` rows in each weight and bias.

    PyTorch twin: ``torch.nn.GRU``, same parameter names, layouts, order and
    gate math (``b_hn`` inside the reset gate's product). Errors differ as for
    :class:`RNN`.

    Example:
      >>> gru = GRU(3, 4, num_layers=2, rngs=nnx.Rngs(0))
      >>> output, h_n = gru(jnp.ones((5, 3)))
      >>> output.shape, h_n.shape
      ((5, 4), (2, 4))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs,
    ):
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            0,
            dtype=dtype,
            rngs=rngs,
        )

    def __call__(self, input: jax.Array, hx: jax.Array | None = None):
        output, (h_n,) = self._forward(input, hx)
        return output, h_n
