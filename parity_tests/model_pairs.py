"""What the model tests in ``parity_tests/models/`` share: a notebook model in both frameworks.

Every model is described by a :class:`Spec` (class name, constructor arguments, an input,
the notebook's parameter count where inventory §3.2 gives one). From it the helpers build the
torch model and its ``jaxnn.models`` twin holding the same parameters, and compare forward
outputs and gradients (input and every parameter) in one jitted call per model and mode.

Building a twin eagerly compiles one random-draw kernel per parameter shape (~0.3 s of CPU
each on XLA:CPU with the default threefry keys), so the parity tests build it abstractly
(``nnx.eval_shape`` runs the real constructor without drawing) and overwrite every parameter
with torch's anyway. Only the state-dict order test needs an eagerly built twin:
``nnx.eval_shape`` (like every ``nnx.split``/``merge``) rebuilds attributes in sorted order,
and ``jaxnn.interop.state_dict`` follows attribute order (see
``parity_tests/nn/test_module.py::test_named_parameters_order_after_split_merge``).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import torch
from flax import nnx
from scipy import stats

import jaxnn
import torch_ref
from twincore import harness

from .modes import Mode


@dataclass(frozen=True)
class Spec:
    """One notebook model: ``jaxnn.models.<name>(*args)`` and ``torch_ref.models.<name>(*args)``.

    Attributes:
      name: the class name, the same in both packages.
      args: constructor arguments (positional, the same on both sides).
      input_shape: shape of the float input drawn from the test's ``rng``.
      seed_input: a fixed input from the notebook, used instead of a random one.
      tokens: ``(vocab_size, shape)`` for integer token inputs (no input gradient).
      input_scale: factor on the random input (see the SelfAttention spec).
      count: the parameter count printed by the notebook or derived in inventory §3.2.
      plain_arrays: attributes that are plain tensors, not parameters: not in the state
        dict on either side, so copied from torch by hand.
    """

    name: str
    args: tuple = ()
    input_shape: tuple[int, ...] = ()
    seed_input: Any = None
    tokens: tuple[int, tuple[int, ...]] | None = None
    input_scale: float = 1.0
    count: int | None = None
    plain_arrays: tuple[str, ...] = field(default_factory=tuple)

    @property
    def id(self) -> str:
        return f"{self.name}{self.args}" if self.args else self.name


@contextlib.contextmanager
def float64_mode() -> Iterator[Mode]:
    """The float64 ``mode`` for a test that runs in float64 only (it says why)."""
    with jax.enable_x64(True):
        yield Mode("float64")


def make_torch(spec: Spec, dtype: torch.dtype = torch.float32) -> torch.nn.Module:
    """The torch model with seed-0 initial parameters, in ``dtype``."""
    torch.manual_seed(0)
    model = getattr(torch_ref.models, spec.name)(*spec.args).to(dtype)
    for attr in spec.plain_arrays:  # .to(dtype) converts parameters and buffers only
        setattr(model, attr, getattr(model, attr).to(dtype))
    return model


def make_jax(spec: Spec, dtype: Any = None, rngs: nnx.Rngs | None = None) -> nnx.Module:
    """The jaxnn twin built directly (its own initial draws, attribute order kept)."""
    cls = getattr(jaxnn.models, spec.name)
    return cls(*spec.args, dtype=dtype, rngs=nnx.Rngs(0) if rngs is None else rngs)


@functools.cache
def eager_pair(spec: Spec) -> tuple[torch.nn.Module, nnx.Module]:
    """A fresh float32 torch model and an eagerly built twin (shared; do not mutate).

    The twin's keys use the ``rbg`` PRNG implementation: its draws compile about three times
    faster than the default threefry's, and these twins are for structure, not values.
    """
    return make_torch(spec), make_jax(spec, rngs=nnx.Rngs(jax.random.key(0, impl="rbg")))


def _placeholder_twin(spec: Spec, dtype: Any) -> nnx.Module:
    """The twin's real structure without its random draws: zeros (and key 0 for RNG streams)."""
    if spec.plain_arrays:  # nnx.eval_shape would leak a tracer for a plain array attribute
        return make_jax(spec, dtype)
    abstract = nnx.eval_shape(lambda: make_jax(spec, dtype))
    graphdef, state = nnx.split(abstract)

    def placeholder(leaf):
        if jax.dtypes.issubdtype(leaf.dtype, jax.dtypes.prng_key):
            return jax.random.key(0)
        return jax.device_put(np.zeros(leaf.shape, leaf.dtype))  # compiles nothing

    return nnx.merge(graphdef, jax.tree.map(placeholder, state))


def pair(spec: Spec, mode) -> tuple[torch.nn.Module, nnx.Module]:
    """The torch model and its twin holding torch's parameters (and plain tensors)."""
    t = make_torch(spec, mode.torch)
    j = _placeholder_twin(spec, mode.jnp)
    jaxnn.interop.load_state_dict(j, t.state_dict())
    for attr in spec.plain_arrays:
        setattr(j, attr, jnp.asarray(getattr(t, attr).numpy().copy()))
    return t, j


def make_input(spec: Spec, mode, rng: np.random.Generator) -> np.ndarray:
    """The model's input, made once in NumPy and fed to both sides."""
    if spec.tokens is not None:
        vocab, shape = spec.tokens
        return rng.integers(0, vocab, size=shape)
    if spec.seed_input is not None:
        return mode.array(spec.seed_input)
    return mode.array(rng.normal(size=spec.input_shape) * spec.input_scale)


def torch_layout_grads(model: nnx.Module, grads: nnx.State) -> dict[str, np.ndarray]:
    """``nnx.grad`` output keyed and laid out like torch's ``{name: p.grad}``."""
    holder = nnx.clone(model)
    nnx.update(holder, grads)
    converted = jaxnn.interop.state_dict(holder)
    return {name: converted[name] for name, _ in jaxnn.nn.named_parameters(holder)}


def torch_forward_and_grads(t: torch.nn.Module, x: np.ndarray, cotangent_fn: Callable):
    """torch's output, ``d(sum(out * c))/dx`` (None for integer input) and parameter grads."""
    xt = torch.tensor(x)
    if xt.is_floating_point():
        xt.requires_grad_(True)
    out = t(xt)
    cotangent = cotangent_fn(tuple(out.shape))
    if out.requires_grad:
        (out * torch.tensor(cotangent)).sum().backward()
    grads = {k: p.grad for k, p in t.named_parameters()}
    return out.detach(), xt.grad, grads, cotangent


def jax_forward_and_grads(j: nnx.Module, x: np.ndarray, cotangent: np.ndarray):
    """The twin's output and gradients in one ``nnx.jit`` call (one forward pass)."""
    x = jnp.asarray(x)
    float_input = jnp.issubdtype(x.dtype, jnp.floating)

    @nnx.jit
    def run(model, x, cotangent):
        def loss(model, x):
            out = model(x)
            return jnp.sum(out * cotangent), out

        argnums = (0, 1) if float_input else 0
        (_, out), grads = nnx.value_and_grad(loss, argnums=argnums, has_aux=True)(model, x)
        return (out, *grads) if float_input else (out, grads, None)

    out, g_model, g_x = run(j, x, jnp.asarray(cotangent))
    return out, g_x, g_model


def assert_forward_and_grads_match(t, j, x, mode, rng, *, name: str = "") -> None:
    """Forward output, input gradient and every parameter gradient agree with torch's."""
    out_t, gx_t, grads_t, cotangent = torch_forward_and_grads(
        t, x, lambda shape: mode.array(rng.normal(size=shape))
    )
    out_j, gx_j, g_model = jax_forward_and_grads(j, x, cotangent)
    mode.assert_close(out_j, out_t, name=f"{name} output")
    if gx_t is not None:
        harness.assert_close(
            gx_j, gx_t, harness.scaled(mode.tol(), gx_t), name=f"{name} input gradient"
        )
    mode.assert_state_dict_close(
        torch_layout_grads(j, g_model), grads_t, name=f"{name} parameter gradients"
    )


def assert_keys_and_counts_match(spec: Spec) -> None:
    """State-dict keys in torch's order, parameter names, shapes and counts (and §3.2's)."""
    t, j = eager_pair(spec)
    sd_j, sd_t = jaxnn.interop.state_dict(j), t.state_dict()
    assert list(sd_j) == list(sd_t)
    assert {k: v.shape for k, v in sd_j.items()} == {k: tuple(v.shape) for k, v in sd_t.items()}
    assert [n for n, _ in jaxnn.nn.named_parameters(j)] == [n for n, _ in t.named_parameters()]
    n_torch = sum(p.numel() for p in t.parameters())
    n_nnx = sum(int(np.prod(v.shape)) for v in jax.tree.leaves(nnx.state(j, nnx.Param)))
    assert jaxnn.nn.count_parameters(j) == n_nnx == n_torch
    if spec.count is not None:
        assert n_torch == spec.count


def assert_init_matches_torch_distribution(spec: Spec, zeros: Sequence[str] = ()) -> None:
    """jaxnn's own initial draws follow torch's distribution (pooled two-sample KS test).

    For the manual ``randn`` parameters of one model; ``zeros`` names the parameters both
    sides start at exactly zero. (The eager twin uses rbg keys; the draws are
    ``jax.random.normal`` either way.)
    """
    t, j = eager_pair(spec)
    sd_t, sd_j = t.state_dict(), jaxnn.interop.state_dict(j)
    drawn_t = np.concatenate([v.numpy().ravel() for k, v in sd_t.items() if k not in zeros])
    drawn_j = np.concatenate([v.ravel() for k, v in sd_j.items() if k not in zeros])
    result = stats.ks_2samp(drawn_j, drawn_t)
    assert result.pvalue > harness.STATISTICAL_ALPHA, f"{spec.id}: KS p={result.pvalue:.2e}"
    for key in zeros:
        harness.assert_twins_equal(sd_j[key], sd_t[key], golden=np.zeros(sd_t[key].shape))


# --- dropout masks -------------------------------------------------------------------------------


def torch_dropout_masks(
    shapes: Sequence[tuple[tuple[int, ...], float]], dtype: torch.dtype, seed: int, steps: int = 1
) -> list[np.ndarray]:
    """The keep-masks torch's dropout draws after ``torch.manual_seed(seed)``.

    ``shapes`` lists ``(shape, p)`` per dropout call of one forward pass, in call order;
    the result has one ``(steps, *shape)`` stack per call. The draws are repeated on ones
    of the same shape and dtype from the same generator state (nothing else in a forward
    or backward pass draws), so the masks are exact even where the real input is 0 (after
    a ReLU), which a mask read off the output could not tell apart.
    """
    torch.manual_seed(seed)
    masks: list[list[np.ndarray]] = [[] for _ in shapes]
    for _ in range(steps):
        for i, (shape, p) in enumerate(shapes):
            ones = torch.ones(shape, dtype=dtype)
            masks[i].append((torch.nn.functional.dropout(ones, p, training=True) != 0).numpy())
    return [np.stack(m) for m in masks]


class _DropoutStep(nnx.Variable):
    """The call counter of :class:`InjectedDropout` (not a parameter, not in the state dict)."""


class InjectedDropout(nnx.Module):
    """Wraps a ``jaxnn.nn.Dropout`` so that its ``k``-th call uses ``masks[k]`` (torch's).

    The layer's own call runs (mode flag, arithmetic), through its public ``mask=``
    argument. The counter is module state, so a jitted train step carries it forward.
    """

    def __init__(self, layer: jaxnn.nn.Dropout, masks: np.ndarray):
        self.layer = layer
        self.masks = jnp.asarray(masks)
        self.step = _DropoutStep(jnp.zeros((), jnp.int32))

    def __call__(self, x: jax.Array) -> jax.Array:
        mask = self.masks[self.step[...]]
        self.step[...] += 1
        return self.layer(x, mask=mask)


def inject_dropout_masks(j: nnx.Module, paths: Sequence[str], masks: Sequence[np.ndarray]):
    """Replaces the dropout layer at each dotted attribute path by an :class:`InjectedDropout`."""
    for path, mask in zip(paths, masks, strict=True):
        *parents, attr = path.split(".")
        owner = functools.reduce(getattr, parents, j)
        setattr(owner, attr, InjectedDropout(getattr(owner, attr), mask))


def remove_dropout_masks(j: nnx.Module, paths: Sequence[str]) -> None:
    """Puts the wrapped dropout layers back (undoes :func:`inject_dropout_masks`)."""
    for path in paths:
        *parents, attr = path.split(".")
        owner = functools.reduce(getattr, parents, j)
        setattr(owner, attr, getattr(owner, attr).layer)
