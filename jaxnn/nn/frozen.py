"""Frozen parameters: the twin of ``requires_grad=False``, and ``freeze``/``unfreeze``."""

from __future__ import annotations

from collections.abc import Iterator

from flax import nnx


class Frozen(nnx.Variable):
    """A parameter excluded from training: the twin of ``requires_grad=False``."""


def walk(module: nnx.Module) -> Iterator[nnx.Module]:
    """Every submodule of ``module`` (itself included) once, shared ones too."""
    seen: set[int] = set()
    for _, node in nnx.iter_graph(module):
        if isinstance(node, nnx.Module) and id(node) not in seen:
            seen.add(id(node))
            yield node


def swap_variables(
    module: nnx.Module, source: type, target: type, only: set[int] | None = None
) -> int:
    """Replaces ``module``'s ``source`` variables (those whose ids are in ``only``, if given)
    with ``target`` variables of the same value and metadata; returns how many. One
    replacement per variable, so a variable shared by two attributes stays shared."""
    replaced: dict[int, nnx.Variable] = {}
    for node in walk(module):
        for name, value in list(vars(node).items()):
            if type(value) is source and (only is None or id(value) in only):
                if id(value) not in replaced:
                    replaced[id(value)] = target(value.get_raw_value(), **value.get_metadata())
                setattr(node, name, replaced[id(value)])
    return len(replaced)


def freeze(module: nnx.Module) -> nnx.Module:
    """Freezes every parameter of ``module`` (and its children) in place; returns it.

    PyTorch twin: ``for p in module.parameters(): p.requires_grad = False``.
    A frozen parameter gets no gradient and no optimizer update, and is still
    part of the state dict. The parameters become new :class:`Frozen` variables
    (an NNX variable's type is fixed), so split a train state after freezing:
    a ``TrainState`` made before still holds them as trainable.
    """
    swap_variables(module, nnx.Param, Frozen)
    return module


def unfreeze(module: nnx.Module) -> nnx.Module:
    """Makes every :class:`Frozen` parameter of ``module`` trainable again; returns it.

    PyTorch twin: ``for p in module.parameters(): p.requires_grad = True``.
    """
    swap_variables(module, Frozen, nnx.Param)
    return module
