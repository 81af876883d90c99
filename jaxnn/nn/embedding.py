"""``nn.Embedding`` twin."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from jaxnn.config import canonical_param_dtype
from jaxnn.functional.embedding import embedding, normalize_padding_idx, reject_unsupported
from jaxnn.nn.frozen import Frozen
from jaxnn.nn.module import Module
from twincore.arrays import is_torch_tensor, to_numpy


def _as_array(x: Any) -> Any:
    # A host copy taken now: JAX's transfer to the device is asynchronous, and the
    # caller's buffer may be updated in place after it was queued.
    return to_numpy(x) if is_torch_tensor(x) or isinstance(x, np.ndarray) else x


class Embedding(Module, nnx.Embed):
    """Lookup table ``y[..., :] = weight[x[...], :]`` mapping indices to vectors.

    Args:
      num_embeddings: size of the table (vocabulary size).
      embedding_dim: size of each vector.
      padding_idx: if given (negative counts from the end), that row starts at
        zero and lookups of it pass no gradient to the table, so training never
        changes it.
      max_norm, norm_type, scale_grad_by_freq, sparse: torch's options; only
        the defaults are supported (others raise NotImplementedError).
      _weight: an initial ``(num_embeddings, embedding_dim)`` table, used as is
        (the padding row is not zeroed), as in torch.
      _freeze: store the table as :class:`jaxnn.nn.Frozen` (no gradient, no update).
      dtype: parameter dtype (torch's factory ``dtype``; default float32, or
        ``_weight``'s floating dtype when it is given).
      rngs: ``nnx.Rngs`` supplying the ``params`` stream; may be None when
        ``_weight`` is given.

    Shape:
      Input: integer indices of any shape ``(*)``, any integer dtype.
      Output: ``(*, embedding_dim)``.

    Attributes:
      embedding: ``(num_embeddings, embedding_dim)``, drawn from N(0, 1) like
        torch's ``weight`` (same layout), with the ``padding_idx`` row zeroed.

    PyTorch twin: ``torch.nn.Embedding``. ``nnx.Embed`` holds the table
    (subclassed here) but is not enough on its own: it has no ``padding_idx``
    gradient rule, wraps negative indices and defaults to a variance-scaling
    init. Out-of-range indices raise IndexError when concrete; under ``jit``
    they read as rows of NaN (see :func:`jaxnn.functional.embedding`).

    Example:
      >>> layer = Embedding(10, 4, padding_idx=0, rngs=nnx.Rngs(0))
      >>> layer(jnp.array([[1, 4, 0]])).shape
      (1, 3, 4)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        *,
        dtype: Any = None,
        rngs: nnx.Rngs | None,
    ):
        for name, value in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"Embedding: {name} must be a non-negative int; got {value!r}")
        reject_unsupported("Embedding", max_norm, scale_grad_by_freq, sparse)
        padding_idx = normalize_padding_idx(padding_idx, num_embeddings, "Embedding")
        shape = (num_embeddings, embedding_dim)
        if _weight is None:
            if rngs is None:
                raise ValueError("Embedding: rngs is required to initialise the table")
            param_dtype = canonical_param_dtype(dtype)
            init = nnx.initializers.normal(stddev=1.0)  # torch: init.normal_(weight)
        else:
            table = _as_array(_weight)
            # The table's own dtype (a float64 table is not silently downcast); a nested
            # list is float32, as torch.tensor makes it.
            source_dtype = np.dtype(getattr(table, "dtype", np.float32))
            if dtype is None and not jnp.issubdtype(source_dtype, jnp.floating):
                raise ValueError(f"Embedding: _weight must be floating; got dtype {source_dtype}")
            if tuple(jnp.shape(table)) != shape:
                raise ValueError(
                    "Embedding: Shape of weight does not match num_embeddings and embedding_dim: "
                    f"expected {shape}, got {tuple(jnp.shape(table))}"
                )
            param_dtype = canonical_param_dtype(source_dtype if dtype is None else dtype)

            def init(key, shape, dtype):
                return jnp.array(table, dtype=dtype, copy=True)

            rngs = nnx.Rngs(0)  # unused: the table is given
        super().__init__(
            num_embeddings, embedding_dim, param_dtype=param_dtype, embedding_init=init, rngs=rngs
        )
        if _weight is None and padding_idx is not None:
            self.embedding[...] = self.embedding[...].at[padding_idx].set(0)
        if _freeze:
            self.embedding = Frozen(self.embedding[...])
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        *,
        dtype: Any = None,
    ) -> Embedding:
        """An Embedding holding a copy of ``embeddings`` ``(num_embeddings, embedding_dim)``.

        ``freeze=True`` (torch's default) stores the table as
        :class:`jaxnn.nn.Frozen`, the twin of ``weight.requires_grad = False``.
        The ``padding_idx`` row keeps its given values (it is not zeroed) but
        gets no gradient, as in torch. ``embeddings`` may be a NumPy, JAX or
        torch array; ``dtype`` defaults to its dtype.

        PyTorch twin: ``nn.Embedding.from_pretrained``.
        """
        table = _as_array(embeddings)
        if jnp.ndim(table) != 2:
            raise ValueError(
                "Embedding.from_pretrained: Embeddings parameter is expected to be "
                f"2-dimensional; got shape {tuple(jnp.shape(table))}"
            )
        rows, cols = jnp.shape(table)
        return cls(
            rows,
            cols,
            padding_idx,
            max_norm,
            norm_type,
            scale_grad_by_freq,
            sparse,
            _weight=table,
            _freeze=freeze,
            dtype=dtype,
            rngs=None,
        )

    def __call__(self, input: jax.Array) -> jax.Array:
        return embedding(input, self.embedding[...], self.padding_idx)


__all__ = ["Embedding"]
