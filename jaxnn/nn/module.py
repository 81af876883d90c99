"""``nn.Module`` API twins: named parameters, counting, freezing.

torch marks a parameter frozen with ``requires_grad = False``; the optimizer
then skips it because its ``.grad`` stays None. In jaxnn a frozen parameter is
a :class:`Frozen` variable instead of an ``nnx.Param``: everything that selects
``nnx.Param`` (``nnx.grad``, ``jaxnn.train.TrainState``, optax) leaves it
alone, while ``jaxnn.interop.state_dict`` still saves it, as torch does.
"""

from __future__ import annotations

from collections.abc import Iterator

from flax import nnx


class Frozen(nnx.Variable):
    """A parameter excluded from training: the twin of ``requires_grad=False``."""


def _walk(module: nnx.Module) -> Iterator[nnx.Module]:
    seen: set[int] = set()
    for _, node in nnx.iter_graph(module):
        if isinstance(node, nnx.Module) and id(node) not in seen:
            seen.add(id(node))
            yield node


def _swap(module: nnx.Module, source: type, target: type) -> int:
    count = 0
    for node in _walk(module):
        for name, value in list(vars(node).items()):
            if type(value) is source:
                setattr(node, name, target(value[...]))
                count += 1
    return count


def freeze(module: nnx.Module) -> nnx.Module:
    """Freezes every parameter of ``module`` (and its children) in place; returns it.

    PyTorch twin: ``for p in module.parameters(): p.requires_grad = False``.
    A frozen parameter gets no gradient and no optimizer update, and is still
    part of the state dict.
    """
    _swap(module, nnx.Param, Frozen)
    return module


def unfreeze(module: nnx.Module) -> nnx.Module:
    """Makes every :class:`Frozen` parameter of ``module`` trainable again; returns it.

    PyTorch twin: ``for p in module.parameters(): p.requires_grad = True``.
    """
    _swap(module, Frozen, nnx.Param)
    return module


def named_parameters(module: nnx.Module) -> Iterator[tuple[str, nnx.Variable]]:
    """``(torch name, variable)`` for every parameter, trainable or frozen, in torch's order.

    Names are torch's (``layers.0.weight``); values keep jaxnn's layout (a
    Linear ``kernel`` is torch's ``weight`` transposed). Running statistics
    (torch buffers) are not parameters and are not listed.

    PyTorch twin: ``module.named_parameters()``.
    """
    from jaxnn.interop.state_dict import parameter_slots  # interop depends on nn

    for name, variable in parameter_slots(module):
        if isinstance(variable, (nnx.Param, Frozen)):
            yield name, variable


def count_parameters(module: nnx.Module, trainable_only: bool = False) -> int:
    """Number of parameter elements; with ``trainable_only`` the frozen ones are left out.

    PyTorch twin: ``sum(p.numel() for p in model.parameters() if p.requires_grad)``.
    A parameter shared by two attributes counts once, as in torch.
    """
    seen: set[int] = set()
    total = 0
    for _, variable in named_parameters(module):
        if id(variable) in seen or (trainable_only and not isinstance(variable, nnx.Param)):
            continue
        seen.add(id(variable))
        total += int(variable[...].size)
    return total
