"""What a forward or backward demo writes into: a :class:`TorchSide` and a :class:`JaxSide`.

A demo (an example without a training recipe) runs one notebook passage once in
each framework: its ``torch_side(side)`` and ``jax_side(side)`` functions fill a
side each, recording what they compute:

- ``state`` (the run's final state): named NumPy arrays the parity test
  compares: outputs and intermediate values, the parameters used
  (``<model>.<torch key>``, torch layout) and gradients
  (``grad.<model>.<torch key>``, torch layout);
- ``final``: the scalars the notebook prints, by name;
- ``losses``: the loss values, for the examples that compute losses.

The torch side calls ``torch.manual_seed(settings.seed)`` first and builds its
models in the notebook's order; their parameters, and any other draw of torch's
generator the JAX side must replay (a dropout mask, a shuffle order), go to the
JAX side as ``initial``. Run alone, the JAX side initialises from
``nnx.Rngs(settings.seed)`` and draws its own masks. Data comes from NumPy
(:func:`rng`), built on each side from the same seed, so both read the same bits.

Models are given as specs (``jaxnn_examples.specs``), resolved in
``torch_ref.models``/``torch.nn`` and ``jaxnn.models``/``jaxnn.nn``, or as
modules built by the example itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from jaxnn_examples.example import Settings
from jaxnn_examples.specs import ModelSpec, build_jax, build_jax_from, build_torch
from twincore.arrays import to_numpy as _copy


def defaults(seed: int = 0, *, epochs: int = 0, lr: float = 0.0, batch_size: int = 1) -> Settings:
    """The settings of a non-training example: nothing trains, so 0 epochs by default."""
    return Settings(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)


def rng(settings: Settings) -> np.random.Generator:
    """The example's data generator, standing in for the notebooks' ``torch.randn``/``rand``."""
    return np.random.default_rng(settings.seed)


def randn(gen: np.random.Generator, *shape: int, settings: Settings) -> np.ndarray:
    """``torch.randn(*shape)`` as NumPy data in ``settings.dtype``."""
    return gen.standard_normal(shape).astype(settings.dtype)


def floats(values: Any, settings: Settings) -> np.ndarray:
    """A literal from the notebook as an array of ``settings.dtype``."""
    return np.asarray(values, dtype=settings.dtype)


def to_numpy(value: Any) -> np.ndarray:
    """A torch tensor, JAX array or NumPy value as a NumPy copy (booleans as 0/1 integers).

    Booleans are kept as 0/1 so that a recorded mask and an output compare alike.
    """
    array = _copy(value)
    return array.astype(np.int64) if array.dtype.kind == "b" else array


class _Side:
    """What one framework's run records."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.np_dtype = np.dtype(settings.dtype)
        self.state: dict[str, np.ndarray] = {}
        self.final: dict[str, float] = {}
        self.losses: list[float] = []

    def record(self, key: str, value: Any) -> None:
        """Adds an array (an output, an intermediate value) to the compared state."""
        if key in self.state:
            raise KeyError(f"{key!r} recorded twice")
        self.state[key] = to_numpy(value)

    def prints(self, key: str, value: Any) -> None:
        """Records a scalar the notebook prints (a bool counts as 0 or 1)."""
        self.final[key] = float(np.asarray(to_numpy(value)).reshape(()))

    def loss(self, value: Any) -> float:
        """Appends a loss value to the example's loss list and returns it."""
        self.losses.append(float(np.asarray(to_numpy(value)).reshape(())))
        return self.losses[-1]


class TorchSide(_Side):
    """The torch side: seeds torch's generator, builds models, records results."""

    def __init__(self, settings: Settings):
        import torch

        import torch_ref

        super().__init__(settings)
        self.dtype = torch_ref.config.torch_dtype(settings.dtype)
        self.initial: dict[str, np.ndarray] = {}
        torch.manual_seed(settings.seed)

    def tensor(self, value: Any, requires_grad: bool = False):
        """A new tensor from NumPy data; floating data in the settings' dtype."""
        import torch

        array = np.asarray(value)
        if array.dtype.kind == "f":
            array = array.astype(self.np_dtype)
        return torch.tensor(array, requires_grad=requires_grad)

    def model(self, name: str, spec: ModelSpec | Any):
        """Builds a spec (or takes a built module), in the settings' dtype; hands its
        parameters to the JAX side under ``name.``.

        Built in float32 under the seed and then converted, like the notebooks' models,
        so both precisions start from the same draws.
        """
        module = build_torch(spec) if isinstance(spec, tuple) else spec
        module = module.to(self.dtype)
        for key, value in module.state_dict().items():
            self.initial[f"{name}.{key}"] = to_numpy(value)
        return module

    def hand_over(self, key: str, value: Any) -> None:
        """Gives the JAX side a draw of torch's generator (a mask, an order) to replay."""
        self.initial[key] = to_numpy(value)

    def record_params(self, name: str, module) -> None:
        """Records ``module``'s state dict under ``name.``."""
        for key, value in module.state_dict().items():
            self.record(f"{name}.{key}", value)

    def record_grads(self, name: str, module, prefix: str = "grad") -> None:
        """Records each parameter's ``.grad`` under ``prefix.name.``; ``None`` ones are left out."""
        for key, param in module.named_parameters():
            if param.grad is not None:
                self.record(f"{prefix}.{name}.{key}", param.grad)

    def dropout_masks(self, layer) -> list:
        """Starts recording the keep-mask of every call of a ``nn.Dropout`` ``layer``.

        The mask is read off the output (``output != 0``). Where the input is
        itself 0 (after a ReLU) the mask cannot be read, and does not matter: the
        output is 0 with either value.
        """
        masks: list = []
        layer.register_forward_hook(lambda _m, _i, out: masks.append(to_numpy(out != 0)))
        return masks


class JaxSide(_Side):
    """The JAX side: builds models (from torch's parameters when given), records results."""

    def __init__(self, settings: Settings, init: Mapping[str, np.ndarray] | None):
        from flax import nnx

        import jaxnn

        super().__init__(settings)
        jaxnn.config.require_dtype(settings.dtype)  # the entry point sets numerics
        self.init = init
        self.rngs = nnx.Rngs(settings.seed)

    def array(self, value: Any):
        """A JAX array from NumPy data; floating data in the settings' dtype."""
        import jax.numpy as jnp

        array = np.asarray(value)
        if array.dtype.kind == "f":
            array = array.astype(self.np_dtype)
        return jnp.asarray(array)

    def model(self, name: str, spec: ModelSpec | Any):
        """Builds a spec (or takes a built module); loads torch's ``name.*`` parameters if given.

        With torch's parameters the module starts from zeros where possible
        (``jaxnn_examples.specs.build_jax_from``); alone it draws its own
        initialisation from ``nnx.Rngs(seed)``.
        """
        import jaxnn

        if self.init is None:
            return (
                build_jax(spec, dtype=self.np_dtype, rngs=self.rngs)
                if isinstance(spec, tuple)
                else spec
            )
        prefix = f"{name}."
        own = {k[len(prefix) :]: v for k, v in self.init.items() if k.startswith(prefix)}
        if isinstance(spec, tuple):
            return build_jax_from(spec, self.np_dtype, own, rngs=self.rngs)
        jaxnn.interop.load_state_dict(spec, own)
        return spec

    def handed_over(self, key: str) -> np.ndarray | None:
        """The torch side's draw under ``key``, or None when JAX runs alone."""
        return None if self.init is None else self.init[key]

    def record_params(self, name: str, module) -> None:
        """Records ``module``'s state dict (torch keys and layouts) under ``name.``."""
        import jaxnn

        for key, value in jaxnn.interop.state_dict(module).items():
            self.record(f"{name}.{key}", value)

    def record_grads(self, name: str, module, grads, prefix: str = "grad") -> None:
        """Records ``grads`` (an ``nnx.State`` of ``module``'s trainable parameters) under
        ``prefix.name.`` with torch's keys and layouts."""
        for key, value in grad_state_dict(module, grads).items():
            self.record(f"{prefix}.{name}.{key}", value)


def grad_state_dict(module, grads) -> dict[str, np.ndarray]:
    """Gradients (an ``nnx.State`` of ``module``'s ``nnx.Param`` s) as a torch-named state dict.

    Frozen parameters have no gradient and are left out, like torch's ``None`` grads.
    """
    from flax import nnx

    import jaxnn

    graphdef, _, rest = nnx.split(module, nnx.Param, ...)
    merged = nnx.merge(graphdef, grads, rest)
    trainable = {k for k, v in jaxnn.nn.named_parameters(module) if isinstance(v, nnx.Param)}
    return {k: v for k, v in jaxnn.interop.state_dict(merged).items() if k in trainable}


def sgd_step(module, grads, lr: float) -> None:
    """One ``torch.optim.SGD(lr)`` step on ``module``'s parameters, in place.

    The update is ``jaxnn.optim.sgd(lr)``, applied to ``nnx.state(module, nnx.Param)``.
    """
    import optax
    from flax import nnx

    import jaxnn

    tx = jaxnn.optim.sgd(lr=lr)
    params = nnx.state(module, nnx.Param)
    updates, _ = tx.update(grads, tx.init(params), params)
    nnx.update(module, optax.apply_updates(params, updates))


class ReplayDropout:
    """Stands in for a ``jaxnn.nn.Dropout`` and feeds it torch's masks, one per call.

    The layer's own call runs (its mode, its arithmetic) through its ``mask=``
    argument; only the random draw is replaced.
    """

    def __init__(self, layer, masks: Iterable[np.ndarray]):
        self.layer = layer
        self.masks = list(masks)

    def __call__(self, x):
        if not self.masks:
            raise RuntimeError("ReplayDropout: more calls than recorded masks")
        return self.layer(x, mask=self.masks.pop(0))


def with_torch_masks(owner, attr: str, masks: list | None) -> Callable[[], None]:
    """Replaces ``owner.<attr>`` (a dropout layer) by a :class:`ReplayDropout` of ``masks``.

    Returns the function that puts the layer back. With ``masks=None`` (JAX alone)
    nothing changes and the layer draws its own masks.
    """
    if masks is None:
        return lambda: None
    layer = getattr(owner, attr)
    setattr(owner, attr, ReplayDropout(layer, masks))
    return lambda: setattr(owner, attr, layer)


def stack_masks(masks: list) -> np.ndarray:
    """Torch's masks of one layer, one per call, as a single array to hand over."""
    return np.stack(masks)
