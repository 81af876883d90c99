"""The torch key of every variable of a jaxnn module, and the layout it has there.

Conversion is data, not code paths: :data:`CONVERSIONS` lists, per jaxnn layer
class, each attribute, its torch key and the axis permutation from the jaxnn
layout to torch's. Variables that are plain attributes of any other module keep
their name and layout: parameters (``nnx.Param``, and frozen ones) of manual
``nn.Parameter`` models, and layers that store torch's own names and layouts (the
recurrent layers' ``weight_ih_l0`` ...). ``named_parameters`` lists these names;
``jaxnn.interop.state_dict`` converts through them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from flax import nnx

from jaxnn.nn.frozen import Frozen


class Conversion(NamedTuple):
    """One parameter of a layer: jaxnn attribute, torch key, axes jaxnn -> torch."""

    attr: str
    key: str
    perm: tuple[int, ...] | None


# "module.QualName" of a jaxnn layer -> its variables in torch's registration order.
# Keyed by name so the table is complete without importing every layer here; a test
# checks that every key names an existing class.
CONVERSIONS: dict[str, tuple[Conversion, ...]] = {
    # kernel (in, out) -> weight (out, in)
    "jaxnn.nn.linear.Linear": (
        Conversion("kernel", "weight", (1, 0)),
        Conversion("bias", "bias", None),
    ),
    # kernel (kh, kw, in, out), Flax's HWIO -> weight (out, in, kh, kw), torch's OIHW
    "jaxnn.nn.conv.Conv2d": (
        Conversion("kernel", "weight", (3, 2, 0, 1)),
        Conversion("bias", "bias", None),
    ),
    "jaxnn.nn.embedding.Embedding": (Conversion("embedding", "weight", None),),
    "jaxnn.nn.normalization.LayerNorm": (
        Conversion("scale", "weight", None),
        Conversion("bias", "bias", None),
    ),
    # running statistics are torch buffers: in the state dict, not parameters
    "jaxnn.nn.normalization.BatchNorm1d": (
        Conversion("scale", "weight", None),
        Conversion("bias", "bias", None),
        Conversion("mean", "running_mean", None),
        Conversion("var", "running_var", None),
        Conversion("num_batches_tracked", "num_batches_tracked", None),
    ),
}


class Slot(NamedTuple):
    """A variable and the axes that take it from the jaxnn layout to torch's."""

    variable: nnx.Variable
    perm: tuple[int, ...] | None


def _conversions_for(module: nnx.Module) -> tuple[Conversion, ...] | None:
    """The table of the first class in ``module``'s MRO that has one."""
    for cls in type(module).__mro__:
        table = CONVERSIONS.get(f"{cls.__module__}.{cls.__qualname__}")
        if table is not None:
            return table
    return None


def attributes_in_assignment_order(module: nnx.Module) -> list[tuple[str, Any]]:
    """Public attributes in the order they were assigned, which is torch's registration order.

    ``vars()`` keeps that order for a freshly built module, but ``nnx.split``/``nnx.merge``
    (``nnx.clone``, ``nnx.jit`` outputs, ``nnx.eval_shape``) rebuild it sorted by name;
    NNX's own ``_pytree__nodes`` mapping keeps the assignment order through both.
    """
    attrs = {k: v for k, v in vars(module).items() if not k.startswith("_pytree__")}
    nodes = vars(module).get("_pytree__nodes")
    order = [k for k in nodes if k in attrs] if isinstance(nodes, Mapping) else []
    order += [k for k in attrs if k not in order]
    return [(k, attrs[k]) for k in order]


def slots(module: nnx.Module, prefix: str = "") -> Iterator[tuple[str, Slot]]:
    """``(torch key, slot)`` for every parameter, in attribute-definition order."""
    table = _conversions_for(module)
    if table is not None:
        for conv in table:
            variable = getattr(module, conv.attr, None)
            if variable is not None:
                yield prefix + conv.key, Slot(variable, conv.perm)
        return
    for name, value in attributes_in_assignment_order(module):
        if isinstance(value, nnx.Module):
            yield from slots(value, f"{prefix}{name}.")
        elif isinstance(value, (nnx.Param, Frozen, nnx.BatchStat)):
            yield prefix + name, Slot(value, None)


def parameter_slots(module: nnx.Module) -> Iterator[tuple[str, nnx.Variable]]:
    """``(torch key, variable)`` for everything the state dict holds, in torch's order."""
    for key, slot in slots(module):
        yield key, slot.variable
