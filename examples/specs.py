"""Model specs: one description that builds the torch model and its JAX twin.

A spec is a tuple ``(name, *args)``: ``"models.X"`` names a class of
``torch_ref.models`` / ``jaxnn.models``, ``"nn.X"`` one of ``torch.nn`` /
``jaxnn.nn``; a ``Sequential``'s args are specs themselves. The JAX twin gets
``dtype=`` and ``rngs=`` where its constructor takes them.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import numpy as np

ModelSpec = tuple  # (name, *args); Sequential's args are specs themselves


def build_torch(spec: ModelSpec):
    """The torch module a spec names."""
    import torch

    import torch_ref

    name, *args = spec
    space, _, cls = name.partition(".")
    if cls == "Sequential":
        return torch.nn.Sequential(*(build_torch(s) for s in args))
    owner = {"models": torch_ref.models, "nn": torch.nn}[space]
    return getattr(owner, cls)(*args)


def build_jax(spec: ModelSpec, *, dtype: Any, rngs: Any):
    """The jaxnn module a spec names; ``dtype``/``rngs`` go to whichever constructor takes them."""
    import jaxnn

    name, *args = spec
    space, _, cls = name.partition(".")
    if cls == "Sequential":
        return jaxnn.nn.Sequential(*(build_jax(s, dtype=dtype, rngs=rngs) for s in args))
    target = getattr({"models": jaxnn.models, "nn": jaxnn.nn}[space], cls)
    accepted = inspect.signature(target.__init__).parameters
    kwargs = {k: v for k, v in (("dtype", dtype), ("rngs", rngs)) if k in accepted}
    return target(*args, **kwargs)


_NO_SHELL: set[str] = set()  # reprs of the specs whose modules hold plain arrays


def build_jax_from(spec: ModelSpec, dtype: Any, state: Mapping[str, np.ndarray], *, rngs: Any):
    """The jaxnn module a spec names, holding ``state`` (torch's keys and layouts).

    Drawing JAX's own initialisation only to overwrite it costs time (XLA compiles
    a random kernel per new shape), so the module is built abstractly
    (``nnx.eval_shape``) and filled with zeros on the host, provided its state holds
    exactly ``len(state)`` plain numeric arrays that loading ``state`` overwrites.
    Otherwise it is built for real from ``rngs``: for random-key state (a dropout
    layer), and for a plain array attribute (``ModuleWithTensor``), which is not
    module state and which abstract evaluation cannot build (such specs are
    remembered and never traced again).
    """
    import jaxnn

    module = _shell(spec, dtype, len(state))
    if module is None:
        module = build_jax(spec, dtype=dtype, rngs=rngs)
    jaxnn.interop.load_state_dict(module, state)
    return module


def _shell(spec: ModelSpec, dtype: Any, n_loaded: int):
    """The module a spec names with zeros where ``n_loaded`` loaded arrays go, or None."""
    import jax
    from flax import nnx

    if repr(spec) in _NO_SHELL:
        return None
    abstract = nnx.eval_shape(lambda: build_jax(spec, dtype=dtype, rngs=nnx.Rngs(0)))
    for _, node in nnx.iter_graph(abstract):
        if isinstance(node, nnx.Module) and any(
            isinstance(v, (jax.Array, jax.core.Tracer, np.ndarray)) for v in vars(node).values()
        ):
            _NO_SHELL.add(repr(spec))
            return None
    graphdef, state = nnx.split(abstract)
    leaves = jax.tree.leaves(state)
    if len(leaves) != n_loaded or any(
        jax.dtypes.issubdtype(leaf.dtype, jax.dtypes.extended) for leaf in leaves
    ):
        return None
    return nnx.merge(graphdef, jax.tree.map(lambda s: np.zeros(s.shape, s.dtype), state))
