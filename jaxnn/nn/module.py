"""``nn.Module`` API twins: the ``Module`` base, parameters, counting, train/eval, ``to(device)``.

What maps to what:

- ``class Net(nn.Module)`` -> ``class Net(jaxnn.nn.Module)``: an ``nnx.Module`` whose
  ``train()``/``eval()`` return the module and whose ``repr`` is torch's (every jaxnn layer
  and model derives from it).
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
from typing import Any

import jax
from flax import nnx

from jaxnn.nn.frozen import Frozen, walk
from jaxnn.nn.torch_keys import attributes_in_assignment_order, parameter_slots


class Module(nnx.Module):
    """An ``nnx.Module`` with torch's ``train()``/``eval()`` return value and torch's ``repr``.

    Subclass it as the notebooks subclass ``nn.Module``; everything else is NNX's (state in
    ``nnx.Variable`` attributes, ``__call__`` for ``forward``).

    - ``train(mode=True)`` / ``eval()`` set NNX's mode flags (``deterministic`` on Dropout,
      ``use_running_average`` on BatchNorm) and return the module, so the notebooks'
      ``model = model.eval()`` works. NNX's own methods return None.
    - ``repr(model)`` / ``print(model)`` is torch's layout: the class name, then
      :meth:`extra_repr`, then each child module as ``(name): ...`` in the order it was
      assigned, indented by two spaces (:func:`module_repr`). Layers override
      ``extra_repr`` exactly as torch's do (``Linear(in_features=3, out_features=1,
      bias=True)``). NNX's tree display in a notebook (``nnx.display``, treescope) is
      untouched; outside one ``nnx.display`` prints, so it shows this layout too, and
      ``flax.nnx.reprlib.get_repr(model)`` gives NNX's attribute listing.

    PyTorch twin: ``torch.nn.Module``. torch keeps a ``training`` flag on every module;
    NNX keeps one only on the layers whose output depends on it (see :func:`is_training`).
    """

    def extra_repr(self) -> str:
        """The module's own settings in its ``repr``, torch's ``extra_repr``; empty here."""
        return ""

    def _get_name(self) -> str:
        """The name its ``repr`` starts with (torch's ``_get_name``): the class name."""
        return type(self).__name__

    def __repr__(self) -> str:
        return module_repr(self)

    def __str__(self) -> str:
        # NNX's base class prints through its own __str__; print(model) shows torch's layout.
        return self.__repr__()

    def train(self, mode: bool = True, **attributes: Any) -> Module:
        """Training mode (``eval()`` with ``mode=False``); returns the module, as torch does."""
        if not isinstance(mode, bool):
            raise ValueError(f"training mode is expected to be boolean; got {mode!r}")
        if not mode:
            return self.eval(**attributes)
        super().train(**attributes)
        return self

    def eval(self, **attributes: Any) -> Module:
        """Evaluation mode (Dropout off, BatchNorm on running statistics); returns the module."""
        super().eval(**attributes)
        return self


def named_children(module: nnx.Module) -> Iterator[tuple[str, nnx.Module]]:
    """``(name, child)`` for each direct submodule, in the order assigned (torch's order).

    PyTorch twin: ``module.named_children()``. A child assigned under two names is listed
    under both, as torch's ``repr`` shows it.
    """
    for name, value in attributes_in_assignment_order(module):
        if isinstance(value, nnx.Module):
            yield name, value


def _indent(text: str) -> str:
    """torch's ``_addindent(text, 2)``: every line but the first indented by two spaces."""
    first, *rest = text.split("\n")
    return "\n".join([first] + ["  " + line for line in rest])


def module_repr(module: nnx.Module) -> str:
    """torch's ``nn.Module.__repr__`` for any ``nnx.Module``.

    ``Name(extra)`` for a leaf with a one-line :meth:`Module.extra_repr`, else the name
    followed by the ``extra_repr`` lines and one ``(name): repr(child)`` line per child,
    each indented by two spaces, and ``)`` on its own line. A module without
    ``extra_repr`` (a plain ``nnx.Module``) shows only its children, as a torch module
    that does not override it. Children that are :class:`Module` print with their own
    ``repr``; other ``nnx.Module`` children with this function.
    """
    extra = module.extra_repr() if callable(getattr(module, "extra_repr", None)) else ""
    extra_lines = extra.split("\n") if extra else []
    child_lines = []
    for name, child in named_children(module):
        text = repr(child) if isinstance(child, Module) else module_repr(child)
        child_lines.append(f"({name}): {_indent(text)}")
    lines = extra_lines + child_lines
    body = ""
    if len(extra_lines) == 1 and not child_lines:
        body = extra_lines[0]
    elif lines:
        body = "\n  " + "\n  ".join(lines) + "\n"
    name = module._get_name() if isinstance(module, Module) else type(module).__name__
    return f"{name}({body})"


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

    PyTorch twin: ``module.training``. :class:`Module`'s ``train()``/``eval()`` return
    the module, as torch's do (``model = model.eval()``); a plain ``nnx.Module``'s return None.
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
