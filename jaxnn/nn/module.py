"""``nn.Module`` API twins: parameters, counting, freezing, train/eval, ``to(device)``.

What maps to what:

- ``nn.Module`` / ``forward`` -> ``nnx.Module`` / ``__call__``. There is no
  global state: a module's arrays live in its ``nnx.Variable`` attributes, and
  ``nnx.split(model)`` / ``nnx.state(model)`` expose them as a pytree.
- ``nn.Parameter`` -> ``nnx.Param``. A plain tensor attribute is not a torch
  parameter; in NNX a plain ``jax.Array`` attribute is not an ``nnx.Param``
  either (no gradient, no update, not counted, not in the state dict), but it
  *is* part of ``nnx.state(model)``, so ``jax.device_put`` moves it.
- ``requires_grad = False`` -> :class:`~jaxnn.nn.frozen.Frozen`, a variable that is not an
  ``nnx.Param``: everything that selects ``nnx.Param`` (``nnx.grad``,
  ``jaxnn.train.TrainState``, optax) leaves it alone, while
  ``jaxnn.interop.state_dict`` still saves it, as torch does.
- ``zero_grad()`` has no twin: gradients are return values (``nnx.grad``),
  never stored on the parameters, so there is nothing to zero.
- A module used twice (parameter sharing) is one graph node: NNX keeps one
  copy of its variables and ``nnx.grad`` returns the sum of both uses.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import jax
from flax import nnx

from jaxnn.nn.frozen import Frozen, walk
from jaxnn.nn.torch_keys import parameter_slots


def named_parameters(module: nnx.Module) -> Iterator[tuple[str, nnx.Variable]]:
    """``(torch name, variable)`` for every parameter, trainable or frozen, in torch's order.

    Names are torch's (``layers.0.weight``, ``block1.linear.bias``, ``W1``);
    values keep jaxnn's layout (a Linear ``kernel`` is torch's ``weight``
    transposed). Running statistics (torch buffers) are not parameters and are
    not listed. A parameter reachable under two names is listed once, under the
    first, like torch's default ``remove_duplicate=True``.

    PyTorch twin: ``module.named_parameters()``; ``variable`` is trainable
    (torch's ``requires_grad``) when it is an ``nnx.Param``, not :class:`Frozen`.
    """
    seen: set[int] = set()
    for name, variable in parameter_slots(module):
        if isinstance(variable, (nnx.Param, Frozen)) and id(variable) not in seen:
            seen.add(id(variable))
            yield name, variable


def parameters(module: nnx.Module) -> Iterator[nnx.Variable]:
    """Every parameter variable (trainable or frozen) once, in torch's order.

    PyTorch twin: ``module.parameters()``. The values are ``variable[...]``;
    the idiomatic NNX pytree of the trainable ones is ``nnx.state(module, nnx.Param)``.
    """
    for _, variable in named_parameters(module):
        yield variable


def count_parameters(module: nnx.Module, trainable_only: bool = False) -> int:
    """Number of parameter elements; with ``trainable_only`` the frozen ones are left out.

    PyTorch twin: ``sum(p.numel() for p in model.parameters() if p.requires_grad)``.
    A parameter shared by two attributes counts once, as in torch. Only shapes
    are read, so an abstract model (``nnx.eval_shape(lambda: Model(...))``,
    nothing allocated, like torch's ``device="meta"``) can be counted too.
    """
    return sum(
        math.prod(variable.shape)
        for variable in parameters(module)
        if not trainable_only or isinstance(variable, nnx.Param)
    )


def is_training(module: nnx.Module) -> bool:
    """Whether ``module`` is in training mode, read from its mode-dependent layers.

    ``module.train()`` / ``module.eval()`` (NNX's own methods) set
    ``deterministic`` (Dropout) and ``use_running_average`` (BatchNorm) on every
    submodule that has them; training mode is ``deterministic == False`` /
    ``use_running_average == False``.

    Returns:
      True in training mode (the default for new modules, as in torch), False
      after ``module.eval()``.

    Raises:
      ValueError: if no submodule has a mode attribute (NNX stores no mode on
        other modules, so there is nothing to read), or if the submodules
        disagree (torch keeps a flag per module; ``model.training`` reports the
        top one only).

    PyTorch twin: ``module.training``. NNX's ``train()``/``eval()`` return None,
    not the module: write ``model.eval()``, not the notebooks' ``model = model.eval()``.
    """
    flags = set()
    for node in walk(module):
        for attr in ("deterministic", "use_running_average"):
            value = getattr(node, attr, None)
            if isinstance(value, bool):
                flags.add(not value)
    if not flags:
        raise ValueError(
            f"{type(module).__name__} has no mode-dependent layer (Dropout, BatchNorm): "
            "NNX stores no train/eval flag on it, and its output does not depend on the mode"
        )
    if len(flags) > 1:
        raise ValueError(
            f"{type(module).__name__} mixes training and evaluation layers; "
            "call .train() or .eval() on the whole module"
        )
    return flags.pop()


def to(module: nnx.Module, device: jax.Device | str | None = None) -> nnx.Module:
    """Moves every array of ``module`` to ``device`` in place; returns the module.

    Args:
      module: the module to move.
      device: a ``jax.Device``, a torch-style string (``"cpu"``, ``"cuda:0"``)
        or None for the default device (see ``jaxnn.device.to_device``).

    Returns:
      ``module``, whose state is now ``jax.device_put(nnx.state(module), device)``.

    PyTorch twin: ``model.to(device)`` (in place, returns ``self``). torch moves
    parameters and buffers; this moves all of ``nnx.state(module)``, including
    plain ``jax.Array`` attributes, which torch's ``.to`` leaves where they are.
    JAX arrays created without a device follow their operands, so a model on the
    default device rarely needs this.
    """
    from jaxnn.device import to_device  # keep jaxnn.nn importable without the device helpers

    nnx.update(module, to_device(nnx.state(module), device))
    return module
