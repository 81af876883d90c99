"""The torch functions and tensor methods a converted model's graph may call, and their twins.

:data:`FUNCTIONS` maps the qualified name of a torch, ``torch.nn.functional`` or ``operator``
function to a JAX function with torch's semantics (arguments, defaults, dims); :data:`METHODS`
does the same for tensor methods (``x.view(...)``). :func:`jaxnn.interop.from_torch` looks each
call of a traced ``forward`` up here and refuses the model, naming the call, when it finds
none. The tables are what ``docs/parity-api.md`` lists as supported.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp

import jaxnn.functional as F


def _dims(args: Sequence[Any]) -> tuple[int, ...]:
    """``view(2, 3)`` and ``view((2, 3))`` alike."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def _reduce(fn: Callable) -> Callable:
    def reduce(x, dim=None, keepdim=False, *, dtype=None):
        out = fn(x, axis=tuple(dim) if isinstance(dim, (list, tuple)) else dim, keepdims=keepdim)
        return out if dtype is None else out.astype(dtype)

    return reduce


def _size(x, dim=None):
    return tuple(x.shape) if dim is None else x.shape[dim]


def _flatten(x, start_dim=0, end_dim=-1):
    return F.flatten(x, start_dim, end_dim)


def _transpose(x, dim0, dim1):
    return jnp.swapaxes(x, dim0, dim1)


def _cat(tensors, dim=0):
    return jnp.concatenate(tensors, axis=dim)


def _stack(tensors, dim=0):
    return jnp.stack(tensors, axis=dim)


def _softmax(x, dim=None, *, dtype=None):
    return F.softmax(x if dtype is None else x.astype(dtype), dim)


def _log_softmax(x, dim=None, *, dtype=None):
    return F.log_softmax(x if dtype is None else x.astype(dtype), dim)


def _masked_fill(x, mask, value):
    return jnp.where(mask, jnp.asarray(value, x.dtype), x)


def _linear(x, weight, bias=None):
    out = x @ weight.T
    return out if bias is None else out + bias


def _unsqueeze(x, dim):
    return jnp.expand_dims(x, dim)


def _squeeze(x, dim=None):
    return F.squeeze(x, dim)


def _chunk(x, chunks, dim=0):
    size = -(-x.shape[dim] // chunks)  # torch: chunks of ceil(n / chunks), the last smaller
    return tuple(jnp.split(x, range(size, x.shape[dim], size), axis=dim))


def _split(x, split_size_or_sections, dim=0):
    if isinstance(split_size_or_sections, int):
        return _chunk(x, -(-x.shape[dim] // split_size_or_sections), dim)
    edges = list(jnp.cumsum(jnp.asarray(split_size_or_sections))[:-1].tolist())
    return tuple(jnp.split(x, edges, axis=dim))


def _expand(x, *sizes):
    sizes = _dims(sizes)
    lead = len(sizes) - x.ndim
    shape = [s if s != -1 else x.shape[i - lead] for i, s in enumerate(sizes)]
    return jnp.broadcast_to(x, shape)


def _repeat(x, *sizes):
    return jnp.tile(x, _dims(sizes))


def _max(x, dim=None, keepdim=False):
    if dim is None:
        return jnp.max(x)
    return F.max(x, dim, keepdim)


def _min(x, dim=None, keepdim=False):
    if dim is None:
        return jnp.min(x)
    return F.min(x, dim, keepdim)


def _argmax(x, dim=None, keepdim=False):
    if dim is None:
        return jnp.argmax(x)
    return jnp.argmax(x, axis=dim, keepdims=keepdim)


def _tril(x, diagonal=0):
    return jnp.tril(x, diagonal)


def _triu(x, diagonal=0):
    return jnp.triu(x, diagonal)


def _getattr(x, name):
    if name == "shape":
        return tuple(x.shape)
    if name in ("T", "mT", "ndim", "dtype"):
        return {"T": lambda: x.T, "mT": lambda: jnp.swapaxes(x, -1, -2)}.get(
            name, lambda: getattr(x, name)
        )()
    raise AttributeError(name)


def _dropout(x, p=0.5, training=True, inplace=False):
    if training and p > 0:
        raise NotImplementedError(
            "torch.nn.functional.dropout with training=True draws its own mask; use the "
            "nn.Dropout module, which jaxnn twins with its own RNG stream"
        )
    return x


def _no_legacy_reduction(name: str, size_average: Any, reduce: Any) -> None:
    if size_average is not None or reduce is not None:
        raise NotImplementedError(
            f"torch.nn.functional.{name} with the deprecated size_average/reduce; pass "
            "reduction= instead"
        )


def _kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    _no_legacy_reduction("kl_div", size_average, reduce)
    return F.kl_div(input, target, reduction=reduction, log_target=log_target)


def _cosine_embedding_loss(
    input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"
):
    _no_legacy_reduction("cosine_embedding_loss", size_average, reduce)
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction)


def _triplet_margin_loss(
    anchor,
    positive,
    negative,
    margin=1.0,
    p=2,
    eps=1e-6,
    swap=False,
    size_average=None,
    reduce=None,
    reduction="mean",
):
    _no_legacy_reduction("triplet_margin_loss", size_average, reduce)
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction)


_ELEMENTWISE: dict[str, Callable] = {
    "relu": F.relu,
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "exp": jnp.exp,
    "log": jnp.log,
    "sqrt": jnp.sqrt,
    "rsqrt": jax.lax.rsqrt,
    "abs": jnp.abs,
    "neg": jnp.negative,
    "sin": jnp.sin,
    "cos": jnp.cos,
}
"""One-argument functions that are torch functions and tensor methods alike."""

_SHARED: dict[str, Callable] = {
    **_ELEMENTWISE,
    "add": jnp.add,
    "sub": jnp.subtract,
    "mul": jnp.multiply,
    "div": jnp.true_divide,
    "pow": jnp.power,
    "matmul": jnp.matmul,
    "bmm": jnp.matmul,
    "mean": _reduce(jnp.mean),
    "sum": _reduce(jnp.sum),
    "prod": F.prod,
    "index_select": F.index_select,
    "max": _max,
    "min": _min,
    "argmax": _argmax,
    "softmax": _softmax,
    "log_softmax": _log_softmax,
    "flatten": _flatten,
    "transpose": _transpose,
    "unsqueeze": _unsqueeze,
    "squeeze": _squeeze,
    "masked_fill": _masked_fill,
    "chunk": _chunk,
    "split": _split,
    "tril": _tril,
    "triu": _triu,
    "where": jnp.where,
}
"""Names that are both ``torch.<name>`` and ``Tensor.<name>``, with the same arguments."""

FUNCTIONS: dict[str, Callable] = {
    **{f"torch.{name}": fn for name, fn in _SHARED.items()},
    "torch.cat": _cat,
    "torch.concat": _cat,
    "torch.stack": _stack,
    "torch.reshape": lambda x, shape: jnp.reshape(x, shape),
    "torch.permute": lambda x, dims: jnp.transpose(x, dims),
    "torch.nn.functional.relu": lambda x, inplace=False: F.relu(x),
    "torch.nn.functional.gelu": F.gelu,
    "torch.nn.functional.leaky_relu": lambda x, negative_slope=0.01, inplace=False: F.leaky_relu(
        x, negative_slope
    ),
    "torch.nn.functional.sigmoid": F.sigmoid,
    "torch.nn.functional.tanh": F.tanh,
    "torch.nn.functional.softmax": _softmax,
    "torch.nn.functional.log_softmax": _log_softmax,
    "torch.nn.functional.linear": _linear,
    "torch.nn.functional.layer_norm": F.layer_norm,
    "torch.nn.functional.dropout": _dropout,
    "torch.nn.functional.cross_entropy": F.cross_entropy,
    "torch.nn.functional.mse_loss": F.mse_loss,
    "torch.nn.functional.kl_div": _kl_div,
    "torch.nn.functional.cosine_embedding_loss": _cosine_embedding_loss,
    "torch.nn.functional.triplet_margin_loss": _triplet_margin_loss,
    "torch.nn.functional.pairwise_distance": F.pairwise_distance,
    "torch.nn.functional.max_pool2d": F.max_pool2d,
    "operator.add": operator.add,
    "operator.sub": operator.sub,
    "operator.mul": operator.mul,
    "operator.truediv": operator.truediv,
    "operator.floordiv": operator.floordiv,
    "operator.pow": operator.pow,
    "operator.matmul": operator.matmul,
    "operator.neg": operator.neg,
    "operator.getitem": operator.getitem,
    "operator.iadd": operator.add,
    "operator.imul": operator.mul,
    "builtins.getattr": _getattr,
    "math.sqrt": math.sqrt,
}
"""``"torch.relu"``, ``"torch.nn.functional.linear"``, ``"operator.add"`` ... -> the twin."""

METHODS: dict[str, Callable] = {
    **_SHARED,
    "view": lambda x, *shape: jnp.reshape(x, _dims(shape)),
    "reshape": lambda x, *shape: jnp.reshape(x, _dims(shape)),
    "permute": lambda x, *dims: jnp.transpose(x, _dims(dims)),
    "size": _size,
    "dim": lambda x: x.ndim,
    "numel": lambda x: x.size,
    "contiguous": lambda x: x,
    "clone": lambda x: x,
    "detach": jax.lax.stop_gradient,
    "float": lambda x: x.astype(jnp.float32),
    "double": lambda x: x.astype(jnp.float64),
    "long": lambda x: x.astype(jnp.int64),
    "type_as": lambda x, other: x.astype(other.dtype),
    "t": lambda x: x.T,
    "expand": _expand,
    "expand_as": lambda x, other: jnp.broadcast_to(x, other.shape),
    "repeat": _repeat,
}
"""``"view"``, ``"permute"``, ``"size"`` ... (``x.view(n, -1)``) -> the twin, ``x`` first."""
