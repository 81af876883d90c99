"""``nn.Dropout`` twin."""

from __future__ import annotations

import jax
from flax import nnx

from jaxnn.functional.dropout import check_dropout_probability, dropout
from jaxnn.nn.module import Module


class Dropout(Module, nnx.Dropout):
    """Inverted dropout: in training, ``y = x * keep / (1 - p)``, keep ~ Bernoulli(1 - p).

    Each element is zeroed with probability ``p`` and the survivors are scaled
    by ``1/(1-p)``, so the expected output equals the input. In evaluation mode
    (``model.eval()``, which sets ``deterministic=True``) it is the identity.
    Modules start in training mode, like torch's.

    Args:
      p: probability of zeroing an element, in ``[0, 1]`` (default 0.5).
      inplace: accepted for signature parity; JAX arrays are immutable, so the
        result is always a new array.
      rngs: ``nnx.Rngs`` supplying the ``dropout`` stream (each call draws a new
        mask and advances it), or None to pass a key at call time.

    Shape:
      Input any shape; output the same shape.

    Call arguments (besides the input): ``deterministic`` overrides the mode
    for one call, ``rngs`` a key or stream for one call, and ``mask`` injects a
    keep-mask (see :func:`jaxnn.functional.dropout`) instead of drawing one.

    PyTorch twin: ``torch.nn.Dropout``. Masks never match across frameworks.
    ``nnx.Dropout`` holds the rate, mode and stream (subclassed here); its call
    is replaced because it selects zeros where torch multiplies by 0 (torch
    turns a dropped NaN or inf into NaN, and ``p=1`` into ``x * 0``).

    Example:
      >>> layer = Dropout(0.5, rngs=nnx.Rngs(0))
      >>> layer(jnp.ones(4))  # entries are 0.0 or 2.0
      >>> layer.eval()
      >>> layer(jnp.ones(4))  # ones
    """

    def __init__(self, p: float = 0.5, inplace: bool = False, *, rngs: nnx.Rngs | None):
        p = check_dropout_probability(p, "Dropout")
        super().__init__(p, deterministic=False, rngs=rngs)
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"

    def __call__(
        self,
        input: jax.Array,
        *,
        deterministic: bool | None = None,
        rngs: nnx.Rngs | nnx.RngStream | jax.Array | None = None,
        mask: jax.Array | None = None,
    ) -> jax.Array:
        deterministic = self.deterministic if deterministic is None else deterministic
        training = not deterministic
        key = None
        if training and 0.0 < self.p < 1.0 and mask is None:
            key = self._key(rngs)
        return dropout(input, self.p, training, rng=key, mask=mask)

    def _key(self, rngs) -> jax.Array:
        source = self.rngs if rngs is None else rngs
        if isinstance(source, nnx.Rngs):
            return source[self.rng_collection]()
        if isinstance(source, nnx.RngStream):
            return source()
        if isinstance(source, jax.Array):
            return source
        raise ValueError(
            "Dropout: training mode needs random keys; construct it with rngs=nnx.Rngs(...) "
            "or pass rngs=... (a key or stream) to the call"
        )


__all__ = ["Dropout"]
