"""``from_torch``: the JAX twin of a torch module, holding a copy of its parameters and buffers.

Layers jaxnn twins become those twins, configured from the torch layer (:data:`LAYERS`);
``Sequential``, ``ModuleList`` and ``ModuleDict`` become containers of converted children under
the same names; any other module has its ``forward`` traced with ``torch.fx`` and run on the
converted children and :mod:`jaxnn.interop.torch_ops`' twins of the torch calls it makes
(:class:`jaxnn.interop.traced.TracedModule`). The twin uses torch's key names and layouts, so
``jaxnn.interop.state_dict(twin)`` gives back ``module.state_dict()`` bit for bit and
``load_state_dict`` works both ways. torch is imported only when this is called.
"""

from __future__ import annotations

import importlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

import jaxnn.nn as jnn
from jaxnn.interop import torch_ops
from jaxnn.interop.state_dict import load_state_dict
from jaxnn.interop.traced import Program, Ref, Step, TracedModule, map_args
from jaxnn.nn.frozen import Frozen, swap_variables
from jaxnn.nn.torch_keys import slots

DOCS = "docs/parity-api.md"


class UnsupportedTorchOp(NotImplementedError):
    """A layer, function or tensor method of a torch model that jaxnn has no twin for: names
    it, where it sits in the model, and the table of what is supported."""


class Children(jnn.Module):
    """The twin of ``nn.ModuleList`` / ``nn.ModuleDict``: converted children under torch's
    names (``layers.0``, ``heads.query``), indexable like the original."""

    def __init__(self, items: list[tuple[str, Any]], torch_class: str):
        self.torch_class = torch_class
        self._names = tuple(name for name, _ in items)
        for name, module in items:
            setattr(self, name, module)

    def _get_name(self) -> str:
        return self.torch_class

    def __repr__(self) -> str:
        if self.torch_class != "ModuleList":
            return super().__repr__()
        # torch's ModuleList.__repr__: a run of equal children as "(0-2): 3 x Linear(...)"
        runs: list[list] = []  # [first index, last index, text]
        for i, child in enumerate(self):
            text = jnn.module_repr(child) if not isinstance(child, jnn.Module) else repr(child)
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        if not runs:
            return "ModuleList()"
        lines = [
            f"({a}): {text}" if a == b else f"({a}-{b}): {b - a + 1} x {text}"
            for a, b, text in runs
        ]
        lines = [line.replace("\n", "\n  ") for line in lines]
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, int):
            return getattr(self, self._names[key])
        return getattr(self, key)

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self):
        return (getattr(self, name) for name in self._names)


def _layers(nn) -> dict[type, Callable[[Any, Any, nnx.Rngs], Any]]:
    """torch layer class -> ``(layer, dtype, rngs) -> jaxnn twin`` with its configuration."""

    def linear(m, dtype, rngs):
        return jnn.Linear(m.in_features, m.out_features, m.bias is not None, dtype=dtype, rngs=rngs)

    def conv2d(m, dtype, rngs):
        return jnn.Conv2d(
            m.in_channels,
            m.out_channels,
            m.kernel_size,
            m.stride,
            m.padding,
            m.dilation,
            m.groups,
            m.bias is not None,
            m.padding_mode,
            dtype=dtype,
            rngs=rngs,
        )

    def recurrent(cls):
        def build(m, dtype, rngs):
            extra = {"nonlinearity": m.nonlinearity} if cls is jnn.RNN else {}
            if cls is jnn.LSTM:
                extra = {"proj_size": m.proj_size}
            return cls(
                m.input_size,
                m.hidden_size,
                m.num_layers,
                bias=m.bias,
                batch_first=m.batch_first,
                dropout=m.dropout,
                bidirectional=m.bidirectional,
                dtype=dtype,
                rngs=rngs,
                **extra,
            )

        return build

    def loss(cls, *names):
        return lambda m, dtype, rngs: cls(
            **{n: getattr(m, n) for n in ("reduction", *names)},
        )

    return {
        nn.Linear: linear,
        nn.Conv2d: conv2d,
        nn.Identity: lambda m, dtype, rngs: jnn.Identity(),
        nn.Flatten: lambda m, dtype, rngs: jnn.Flatten(m.start_dim, m.end_dim),
        nn.MaxPool2d: lambda m, dtype, rngs: jnn.MaxPool2d(
            m.kernel_size, m.stride, m.padding, m.dilation, m.return_indices, m.ceil_mode
        ),
        nn.Embedding: lambda m, dtype, rngs: jnn.Embedding(
            m.num_embeddings,
            m.embedding_dim,
            m.padding_idx,
            m.max_norm,
            m.norm_type,
            m.scale_grad_by_freq,
            m.sparse,
            dtype=dtype,
            rngs=rngs,
        ),
        nn.LayerNorm: lambda m, dtype, rngs: jnn.LayerNorm(
            m.normalized_shape,
            m.eps,
            m.elementwise_affine,
            m.bias is not None if m.elementwise_affine else True,
            dtype=dtype,
            rngs=rngs,
        ),
        nn.BatchNorm1d: lambda m, dtype, rngs: jnn.BatchNorm1d(
            m.num_features,
            m.eps,
            m.momentum,
            m.affine,
            m.track_running_stats,
            dtype=dtype,
            rngs=rngs,
        ),
        nn.Dropout: lambda m, dtype, rngs: jnn.Dropout(m.p, rngs=rngs),
        nn.RNN: recurrent(jnn.RNN),
        nn.LSTM: recurrent(jnn.LSTM),
        nn.GRU: recurrent(jnn.GRU),
        nn.ReLU: lambda m, dtype, rngs: jnn.ReLU(),
        nn.Sigmoid: lambda m, dtype, rngs: jnn.Sigmoid(),
        nn.Tanh: lambda m, dtype, rngs: jnn.Tanh(),
        nn.GELU: lambda m, dtype, rngs: jnn.GELU(m.approximate),
        nn.LeakyReLU: lambda m, dtype, rngs: jnn.LeakyReLU(m.negative_slope),
        nn.Softmax: lambda m, dtype, rngs: jnn.Softmax(m.dim),
        nn.LogSoftmax: lambda m, dtype, rngs: jnn.LogSoftmax(m.dim),
        nn.MSELoss: loss(jnn.MSELoss),
        nn.L1Loss: loss(jnn.L1Loss),
        nn.SmoothL1Loss: loss(jnn.SmoothL1Loss, "beta"),
        nn.HuberLoss: loss(jnn.HuberLoss, "delta"),
        nn.BCELoss: loss(jnn.BCELoss),
        nn.BCEWithLogitsLoss: loss(jnn.BCEWithLogitsLoss),
        nn.CrossEntropyLoss: loss(jnn.CrossEntropyLoss, "ignore_index", "label_smoothing"),
        nn.NLLLoss: loss(jnn.NLLLoss, "ignore_index"),
        nn.KLDivLoss: loss(jnn.KLDivLoss, "log_target"),
        nn.CosineEmbeddingLoss: loss(jnn.CosineEmbeddingLoss, "margin"),
        nn.TripletMarginLoss: loss(jnn.TripletMarginLoss, "margin", "p", "eps", "swap"),
    }


LAYERS = (
    "Linear Conv2d Identity Flatten MaxPool2d Embedding LayerNorm BatchNorm1d Dropout RNN LSTM "
    "GRU ReLU Sigmoid Tanh GELU LeakyReLU Softmax LogSoftmax MSELoss L1Loss SmoothL1Loss "
    "HuberLoss BCELoss BCEWithLogitsLoss CrossEntropyLoss NLLLoss KLDivLoss CosineEmbeddingLoss "
    "TripletMarginLoss"
).split()
"""The ``torch.nn`` layers converted to their jaxnn twins (and ``Sequential``, ``ModuleList``,
``ModuleDict``); every other module is traced."""


def from_torch(module: Any, *, example_inputs: Any = None, seed: int = 0) -> nnx.Module:
    """The JAX twin of a torch module, holding a copy of its parameters and buffers.

    Args:
      module: a ``torch.nn.Module`` whose floating parameters and buffers share one dtype
        (float32 or float64; the twin gets it, and float64 needs 64-bit JAX, e.g.
        ``jaxnn.config.set_numerics("float64")``).
      example_inputs: optional inputs (one array or a tuple) the twin is tried on once,
        abstractly, so that a model that cannot run fails here, naming the call.
      seed: the seed of the twin's RNG streams (dropout masks). Masks never match torch's:
        compare dropout models in eval mode, or inject masks.

    Returns:
      An ``nnx.Module`` in the torch module's mode (``module.training``); ``.train()`` and
      ``.eval()`` switch it like any jaxnn module. ``jaxnn.interop.state_dict(twin)``
      equals ``module.state_dict()``; parameters with ``requires_grad=False`` are
      ``jaxnn.nn.Frozen`` (no gradient, no update).

    Raises:
      TypeError: ``module`` is not a torch module.
      ValueError: its parameters are on the meta device, of a dtype other than float32
        or float64, of two dtypes, or float64 while JAX's 64-bit types are off.
      UnsupportedTorchOp: a layer, function or tensor method with no jaxnn twin; the
        message names it and its node in the traced graph.

    PyTorch twin: the module itself. Example:
      >>> twin = from_torch(torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.ReLU()))
      >>> twin(jnp.ones((3, 4))).shape
      (3, 2)
    """
    torch = _torch()
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch() takes a torch.nn.Module; got {type(module).__name__}")
    dtype = _dtype_of(module, torch)
    if dtype == np.float64 and not jax.config.jax_enable_x64:
        raise ValueError(
            f"from_torch(): {type(module).__name__} is float64 and JAX's 64-bit types are "
            "off; turn them on first (jaxnn.config.set_numerics('float64'))"
        )
    layers = _layers(torch.nn)
    state = {k: _host(v) for k, v in module.state_dict().items()}
    twin = _built(
        lambda: _convert(module, "", torch, layers, dtype, nnx.Rngs(seed)), jax.random.key(seed)
    )
    for path, value in _constants(module).items():
        _set(twin, path, _Constant(jnp.asarray(value)))
    load_state_dict(twin, state)
    _freeze(twin, {name for name, p in module.named_parameters() if not p.requires_grad})
    twin.train() if module.training else twin.eval()
    if example_inputs is not None:
        _try(twin, example_inputs)
    return twin


def _try(twin: nnx.Module, example_inputs: Any) -> None:
    inputs = example_inputs if isinstance(example_inputs, tuple) else (example_inputs,)
    inputs = tuple(jnp.asarray(_host(x) if hasattr(x, "detach") else x) for x in inputs)
    try:
        nnx.eval_shape(lambda m, *xs: m(*xs), twin, *inputs)
    except UnsupportedTorchOp:
        raise
    except Exception as error:
        shapes = ", ".join(f"{x.dtype}{list(x.shape)}" for x in inputs)
        raise ValueError(
            f"from_torch(): the converted model does not run on example inputs {shapes}: "
            f"{type(error).__name__}: {str(error).strip().splitlines()[0]}"
        ) from error


class _Constant(nnx.Variable):
    """A tensor attribute of a torch module that is neither a parameter nor in its state dict
    (a non-persistent buffer, a plain tensor): copied, not trained, not saved."""


def _freeze(twin: nnx.Module, keys: set[str]) -> None:
    """The parameters torch does not train (``requires_grad=False``) become ``Frozen``."""
    if keys:
        chosen = {id(slot.variable) for key, slot in slots(twin) if key in keys}
        swap_variables(twin, nnx.Param, Frozen, only=chosen)


def _torch():
    try:
        return importlib.import_module("torch")
    except ImportError as error:  # pragma: no cover - the CLI checks this first
        raise ImportError("from_torch needs torch: pip install 'jaxnn[torch]'") from error


def _host(tensor) -> np.ndarray:
    return tensor.detach().cpu().numpy()


def _dtype_of(module, torch) -> np.dtype:
    tensors = [*module.parameters(), *module.buffers()]
    if any(t.is_meta for t in tensors):
        raise ValueError(
            f"from_torch(): {type(module).__name__} has parameters on the meta device, which "
            "hold no values; build it on the CPU (or call module.to_empty(device='cpu') and "
            "initialise it) first"
        )
    floating = {t.dtype for t in tensors if t.is_floating_point()}
    allowed = {torch.float32: np.dtype(np.float32), torch.float64: np.dtype(np.float64)}
    if not floating:
        return np.dtype(np.float32)
    if len(floating) > 1 or not floating <= set(allowed):
        names = ", ".join(sorted(str(d).removeprefix("torch.") for d in floating))
        raise ValueError(
            f"from_torch(): {type(module).__name__} holds {names} parameters; convert a "
            "model of one dtype, float32 or float64 (model.float() or model.double())"
        )
    return allowed[floating.pop()]


def _built(make: Callable[[], nnx.Module], key: jax.Array) -> nnx.Module:
    """The twin's structure without its random initial draws (torch's values replace them):
    built abstractly, then zeros, and ``key`` for the RNG streams."""
    abstract = nnx.eval_shape(make)
    graphdef, state = nnx.split(abstract)

    def placeholder(leaf):
        if jax.dtypes.issubdtype(leaf.dtype, jax.dtypes.prng_key):
            return key
        # Zeros made on the host: jnp.zeros would compile a program per shape and dtype.
        return jax.device_put(np.zeros(leaf.shape, leaf.dtype))

    return nnx.merge(graphdef, jax.tree.map(placeholder, state))


def _convert(m, path: str, torch, layers: dict, dtype, rngs: nnx.Rngs) -> nnx.Module:
    nn = torch.nn
    kind = type(m)
    if kind in layers:
        return layers[kind](m, dtype, rngs)
    children = [
        (name, _convert(child, f"{path}{name}.", torch, layers, dtype, rngs))
        for name, child in m.named_children()
    ]
    if kind is nn.Sequential:
        return jnn.Sequential(OrderedDict(children))
    if kind in (nn.ModuleList, nn.ModuleDict):
        return Children(children, kind.__name__)
    if _is_torch_layer(kind, nn):
        raise UnsupportedTorchOp(
            f"{_place(path)}: torch.nn.{kind.__name__} has no jaxnn twin yet (converted layers: "
            f"{', '.join(LAYERS)}; see {DOCS}); write its twin by hand, or build the model "
            "from supported layers"
        )
    program = _program(m, path, torch)
    twin = TracedModule(f"{kind.__module__}.{kind.__qualname__}", program)
    # torch's state dict order: the module's own parameters, its buffers, then each child's.
    for name, p in m.named_parameters(recurse=False):
        setattr(twin, name, nnx.Param(jnp.zeros(tuple(p.shape), dtype)))
    persistent = set(m.state_dict(keep_vars=True))
    for name, b in m.named_buffers(recurse=False):
        if name in persistent:
            setattr(twin, name, nnx.BatchStat(jnp.zeros(tuple(b.shape), _np_dtype(b, dtype))))
    for name, child in children:
        setattr(twin, name, child)
    return twin


def _np_dtype(tensor, dtype):
    return (
        dtype if tensor.is_floating_point() else np.dtype(str(tensor.dtype).removeprefix("torch."))
    )


def _is_torch_layer(kind: type, nn) -> bool:
    return kind.__module__.startswith("torch.nn.")


def _place(path: str) -> str:
    return f"the model's {path[:-1]!r}" if path else "the model"


def _constants(module) -> dict[str, np.ndarray]:
    """Tensor attributes outside the state dict, by dotted path (traced modules read them)."""
    found = {}
    for prefix, m in module.named_modules():
        persistent = set(m.state_dict(keep_vars=True))
        for name, b in m.named_buffers(recurse=False):
            if name not in persistent:
                found[f"{prefix}.{name}" if prefix else name] = _host(b)
    return found


def _set(root: nnx.Module, path: str, value: Any) -> None:
    *parents, name = path.split(".")
    for part in parents:
        root = getattr(root, part)
    setattr(root, name, value)


def _qualified_functions() -> dict[Any, str]:
    """The function objects :data:`torch_ops.FUNCTIONS` names, to look graph calls up by."""
    found = {}
    for name in torch_ops.FUNCTIONS:
        module, _, attr = name.rpartition(".")
        try:
            found[getattr(importlib.import_module(module), attr)] = name
        except (ImportError, AttributeError):
            continue
    return found


def _program(m, path: str, torch) -> Program:
    """``m.forward`` traced once, each call resolved to its twin (or refused, named)."""
    import torch.fx

    class EveryChildALeaf(torch.fx.Tracer):
        # Children are converted on their own (layers to twins, others traced in turn), so
        # the graph calls them whole instead of inlining their code.
        def is_leaf_module(self, module, qualname):
            return True

    try:
        graph = EveryChildALeaf().trace(m)
    except Exception as error:  # fx raises TraceError, TypeError, ... for dynamic control flow
        raise UnsupportedTorchOp(
            f"{_place(path)} ({type(m).__name__}): torch.fx cannot trace its forward: "
            f"{type(error).__name__}: {str(error).strip().splitlines()[0]}. Models whose "
            "forward branches on tensor values or shapes in Python need a hand-written jaxnn "
            f"twin (see {DOCS})"
        ) from None
    functions = _qualified_functions()
    steps, inputs, defaults = [], [], {}
    for node in graph.nodes:
        fn = None
        where = f"{_place(path)} ({type(m).__name__}), graph node {node.name!r}"
        if node.op == "placeholder":
            inputs.append(node.target)
            if node.args:
                defaults[node.target] = node.args[0]
        elif node.op == "call_function":
            name = functions.get(node.target)
            if name is None:
                raise UnsupportedTorchOp(
                    f"{where}: the function {_name_of(node.target)} has no jaxnn twin "
                    f"(supported functions: see {DOCS})"
                )
            fn = torch_ops.FUNCTIONS[name]
        elif node.op == "get_attr":
            value = _torch_attr(m, node.target)
            if isinstance(value, torch.Tensor) and not _in_state(m, node.target, value):
                steps.append(Step(node.name, "constant", node.target, None, (_host(value),), {}))
                continue
        elif node.op == "call_method":
            fn = torch_ops.METHODS.get(node.target)
            if fn is None:
                raise UnsupportedTorchOp(
                    f"{where}: the tensor method .{node.target}() has no jaxnn twin "
                    f"(supported methods: see {DOCS})"
                )
            fn = _method(fn)
        steps.append(
            Step(
                node.name,
                node.op,
                str(node.target),
                fn,
                _template(node.args, torch),
                _template({k: v for k, v in node.kwargs.items() if k != "_stacklevel"}, torch),
            )
        )
    return Program(tuple(steps), tuple(inputs), defaults, _place(path))


def _torch_attr(m, path: str) -> Any:
    for part in path.split("."):
        m = getattr(m, part)
    return m


def _in_state(m, path: str, value) -> bool:
    """Whether ``path`` is a parameter or a buffer the twin holds (its state dict's, or a
    non-persistent buffer, copied as a constant)."""
    named = dict(m.named_parameters()) | dict(m.named_buffers())
    return path in named and named[path] is value


def _method(fn: Callable) -> Callable:
    return lambda self, *args, **kwargs: fn(self, *args, **kwargs)


def _name_of(target: Any) -> str:
    module = getattr(target, "__module__", None) or ""
    return f"{module}.{getattr(target, '__name__', repr(target))}".lstrip(".")


def _template(value: Any, torch) -> Any:
    """A node's arguments with earlier nodes as :class:`Ref` and torch dtypes as NumPy's."""
    import torch.fx

    def leaf(v):
        if isinstance(v, torch.fx.Node):
            return Ref(v.name)
        if isinstance(v, torch.dtype):
            return np.dtype(str(v).removeprefix("torch."))
        if isinstance(v, torch.Tensor):
            return jnp.asarray(_host(v))
        return v

    return map_args(value, leaf)
