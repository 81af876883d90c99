"""The shared machinery of the non-training examples: forward and backward passes.

A non-training example runs one seed passage once in each framework. Each side
records what it computes in a :class:`TorchSide` or :class:`JaxSide`:

- ``state`` (the :class:`~examples.runner.SideResult`'s ``final_state``): named
  NumPy arrays the parity test compares: outputs and intermediate values, the
  parameters used (``<model>.<torch key>``, torch layout) and gradients
  (``grad.<model>.<torch key>``, torch layout);
- ``final``: the scalars the seed prints, by name;
- ``losses``: the loss values, for the examples that compute losses.

The torch side calls ``torch.manual_seed(config.seed)`` first and builds its
models in the seed's order; their parameters, and any other draw of torch's
generator the JAX side must replay (a dropout mask, a shuffle order), go to the
JAX side as ``initial_state``. Run alone, the JAX side initialises from
``nnx.Rngs(config.seed)`` and draws its own masks. Data comes from NumPy
(:func:`rng`), built on each side from the same seed, so both read the same bits.

Models are given as specs (see ``examples.engine``), resolved in
``torch_ref.models``/``torch.nn`` and ``jaxnn.models``/``jaxnn.nn``, or as
modules built by the example itself.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from examples.engine import ModelSpec, build_torch
from examples.runner import Config, SideResult


def defaults(seed: int = 0, *, epochs: int = 0, lr: float = 0.0, batch_size: int = 1) -> Config:
    """The config of a non-training example: nothing trains, so 0 epochs by default."""
    return Config(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)


def rng(config: Config) -> np.random.Generator:
    """The example's data generator, standing in for the seeds' ``torch.randn``/``rand``."""
    return np.random.default_rng(config.seed)


def randn(gen: np.random.Generator, *shape: int, config: Config) -> np.ndarray:
    """``torch.randn(*shape)`` as NumPy data in ``config.dtype``."""
    return gen.standard_normal(shape).astype(config.dtype)


def floats(values: Any, config: Config) -> np.ndarray:
    """A literal from the seed as an array of ``config.dtype``."""
    return np.asarray(values, dtype=config.dtype)


def to_numpy(value: Any) -> np.ndarray:
    """A torch tensor, JAX array or NumPy value as a NumPy copy (booleans as 0/1 integers)."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        value = value.detach().cpu().numpy()
    array = np.array(value, copy=True)
    # Booleans are compared as 0/1 (the runner subtracts arrays to measure differences).
    return array.astype(np.int64) if array.dtype.kind == "b" else array


class _Side:
    """What one framework's run records."""

    def __init__(self, config: Config):
        self.config = config
        self.np_dtype = np.dtype(config.dtype)
        self.state: dict[str, np.ndarray] = {}
        self.final: dict[str, float] = {}
        self.losses: list[float] = []

    def record(self, key: str, value: Any) -> None:
        """Adds an array (an output, an intermediate value) to the compared state."""
        if key in self.state:
            raise KeyError(f"{key!r} recorded twice")
        self.state[key] = to_numpy(value)

    def prints(self, key: str, value: Any) -> None:
        """Records a scalar the seed prints (a bool counts as 0 or 1)."""
        self.final[key] = float(np.asarray(to_numpy(value)).reshape(()))

    def loss(self, value: Any) -> float:
        """Appends a loss value to the example's loss list and returns it."""
        self.losses.append(float(np.asarray(to_numpy(value)).reshape(())))
        return self.losses[-1]


class TorchSide(_Side):
    """The torch side: seeds torch's generator, builds models, records results."""

    def __init__(self, config: Config):
        import torch

        import torch_ref

        super().__init__(config)
        self.dtype = torch_ref.config.torch_dtype(config.dtype)
        self.initial: dict[str, np.ndarray] = {}
        torch.manual_seed(config.seed)

    def tensor(self, value: Any, requires_grad: bool = False):
        """A new tensor from NumPy data; floating data in the config's dtype."""
        import torch

        array = np.asarray(value)
        if array.dtype.kind == "f":
            array = array.astype(self.np_dtype)
        return torch.tensor(array, requires_grad=requires_grad)

    def model(self, name: str, spec: ModelSpec | Any):
        """Builds a spec (or takes a built module), in the config's dtype; hands its
        parameters to the JAX side under ``name.``.

        Built in float32 under the seed and then converted, like the seeds' models,
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

    def result(self) -> SideResult:
        return SideResult(self.losses, self.final, self.state, initial_state=self.initial)


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


class JaxSide(_Side):
    """The JAX side: builds models (from torch's parameters when given), records results."""

    def __init__(self, config: Config, init: Mapping[str, np.ndarray] | None):
        from flax import nnx

        import jaxnn

        super().__init__(config)
        jaxnn.config.require_dtype(config.dtype)  # the entry point sets numerics
        self.init = init
        self.rngs = nnx.Rngs(config.seed)

    def array(self, value: Any):
        """A JAX array from NumPy data; floating data in the config's dtype."""
        import jax.numpy as jnp

        array = np.asarray(value)
        if array.dtype.kind == "f":
            array = array.astype(self.np_dtype)
        return jnp.asarray(array)

    def model(self, name: str, spec: ModelSpec | Any):
        """Builds a spec (or takes a built module); loads torch's ``name.*`` parameters if given.

        With torch's parameters the module starts from zeros where possible (see
        :func:`_shell`); alone it draws its own initialisation from ``nnx.Rngs(seed)``.
        """
        import jaxnn

        own = None
        if self.init is not None:
            prefix = f"{name}."
            own = {k[len(prefix) :]: v for k, v in self.init.items() if k.startswith(prefix)}
        if not isinstance(spec, tuple):
            module = spec
        elif own is None or (module := _shell(spec, self.np_dtype, len(own))) is None:
            module = build_jax(spec, dtype=self.np_dtype, rngs=self.rngs)
        if own is not None:
            jaxnn.interop.load_state_dict(module, own)
        return module

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

    def result(self) -> SideResult:
        return SideResult(self.losses, self.final, self.state)


_NO_SHELL: set[str] = set()  # reprs of the specs whose modules hold plain arrays


def _shell(spec: ModelSpec, dtype: Any, n_loaded: int):
    """The module a spec names, with zeros where every array will be overwritten, or None.

    When torch's state dict is about to replace every array of the module, drawing
    JAX's own initialisation first only costs time (XLA compiles a random kernel per
    new shape). The module is built abstractly (``nnx.eval_shape``) and filled with
    zeros, provided its state holds exactly ``n_loaded`` plain numeric arrays, so that
    loading the state dict overwrites all of them. Otherwise it returns None and the
    caller builds the module for real: for random-key state (a dropout layer), and for
    a plain array attribute (``ModuleWithTensor``), which is not module state and which
    abstract evaluation cannot build (such specs are remembered and never traced again).
    """
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


def runners(run_torch: Callable[[TorchSide], None], run_jax: Callable[[JaxSide], None]):
    """``(run_torch(config), run_jax(config, init))`` for an :class:`Example` from two
    functions that fill a side."""

    def torch_runner(config: Config) -> SideResult:
        side = TorchSide(config)
        run_torch(side)
        return side.result()

    def jax_runner(config: Config, init: dict[str, np.ndarray] | None) -> SideResult:
        side = JaxSide(config, init)
        run_jax(side)
        return side.result()

    return torch_runner, jax_runner
