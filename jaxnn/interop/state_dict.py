"""torch ``state_dict`` <-> jaxnn module parameters.

Conversion is data, not code paths: :data:`CONVERSIONS` lists, per jaxnn layer
class, each attribute, its torch key and the axis permutation from the jaxnn
layout to torch's. Every array is shape-checked against the module before
anything is written, so a failed load leaves the module untouched.

Variables that are plain attributes of any other module keep their name and
layout: parameters (``nnx.Param``, and frozen ones) of the seed's manual
``nn.Parameter`` models, and layers that store torch's own names and layouts
(the recurrent layers' ``weight_ih_l0`` ...).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import jax.numpy as jnp
import numpy as np
from flax import nnx

from jaxnn.nn.module import Frozen


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


class StateDictError(RuntimeError):
    """A state dict that does not fit the module; a RuntimeError, like torch's."""


class IncompatibleKeys(NamedTuple):
    """What :func:`load_state_dict` returns, like torch's ``_IncompatibleKeys``."""

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (
            f"IncompatibleKeys(missing_keys={self.missing_keys}, "
            f"unexpected_keys={self.unexpected_keys})"
        )


class _Slot(NamedTuple):
    variable: nnx.Variable
    perm: tuple[int, ...] | None


def _conversions_for(module: nnx.Module) -> tuple[Conversion, ...] | None:
    for cls in type(module).__mro__:
        table = CONVERSIONS.get(f"{cls.__module__}.{cls.__qualname__}")
        if table is not None:
            return table
    return None


def _attributes_in_assignment_order(module: nnx.Module) -> list[tuple[str, Any]]:
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


def _slots(module: nnx.Module, prefix: str = "") -> Iterator[tuple[str, _Slot]]:
    """``(torch key, slot)`` for every parameter, in attribute-definition order."""
    table = _conversions_for(module)
    if table is not None:
        for conv in table:
            variable = getattr(module, conv.attr, None)
            if variable is not None:
                yield prefix + conv.key, _Slot(variable, conv.perm)
        return
    for name, value in _attributes_in_assignment_order(module):
        if isinstance(value, nnx.Module):
            yield from _slots(value, f"{prefix}{name}.")
        elif isinstance(value, (nnx.Param, Frozen, nnx.BatchStat)):
            yield prefix + name, _Slot(value, None)


def parameter_slots(module: nnx.Module) -> Iterator[tuple[str, nnx.Variable]]:
    """``(torch key, variable)`` for everything the state dict holds, in torch's order."""
    for key, slot in _slots(module):
        yield key, slot.variable


def _torch_shape(slot: _Slot) -> tuple[int, ...]:
    shape = tuple(slot.variable.shape)
    return shape if slot.perm is None else tuple(shape[a] for a in slot.perm)


def _to_numpy(value: Any) -> np.ndarray:
    """A private host copy, taken now.

    ``tensor.numpy()`` shares torch's storage, and JAX's host-to-device copy is
    asynchronous: without this copy a later in-place update by the owner (torch's
    ``optimizer.step()``) can race the transfer and leak into the loaded module.
    """
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor, without torch
        value = value.detach().cpu().numpy()
    return np.array(value, copy=True)


def state_dict(module: nnx.Module) -> dict[str, np.ndarray]:
    """The module's parameters under torch's key names, in torch's layouts.

    Args:
      module: a jaxnn module (any nesting of jaxnn layers and custom modules).

    Returns:
      ``{"layers.0.weight": array (out, in), ...}`` as NumPy arrays (copies),
      in the order torch would list them.

    PyTorch twin: ``model.state_dict()``. Example:
      >>> sd = state_dict(NeuralNetwork(2, 2, rngs=nnx.Rngs(0)))
      >>> sd["layers.0.weight"].shape
      (30, 2)
    """
    out = {}
    for key, slot in _slots(module):
        value = np.asarray(slot.variable[...])
        if slot.perm is not None:
            value = np.transpose(value, slot.perm)
        out[key] = np.array(value, order="C", copy=True)
    return out


def load_state_dict(
    module: nnx.Module, state_dict: Mapping[str, Any], strict: bool = True
) -> IncompatibleKeys:
    """Copies torch-named, torch-layout arrays into the module's parameters, in place.

    Args:
      module: the jaxnn module to fill.
      state_dict: ``{torch key: array}``; values may be torch tensors, NumPy or
        JAX arrays. Each is cast to the dtype of the parameter it replaces
        (like torch's ``copy_``).
      strict: require exactly the module's keys (default). With ``False``
        missing and unexpected keys are reported, not raised.

    Returns:
      :class:`IncompatibleKeys`; its repr is ``<All keys matched successfully>``
      when nothing is missing or unexpected.

    Raises:
      StateDictError: (a RuntimeError, like torch's) when ``strict`` and keys
        are missing or unexpected, when a shape differs (always, as in torch),
        or when a floating parameter would receive non-floating data. The
        message names every offending key with the expected and actual shape.
        Nothing is written unless every check passes.

    PyTorch twin: ``model.load_state_dict(state_dict, strict)``.
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(
            f"state_dict must be a mapping of names to arrays; got {type(state_dict).__name__}"
        )
    slots = dict(_slots(module))
    missing = [k for k in slots if k not in state_dict]
    unexpected = [k for k in state_dict if k not in slots]
    errors = []
    if strict and unexpected:
        errors.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected))
    if strict and missing:
        errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing))
    arrays = {}
    for key, slot in slots.items():
        if key not in state_dict:
            continue
        array = _to_numpy(state_dict[key])
        expected = _torch_shape(slot)
        if tuple(array.shape) != expected:
            errors.append(
                f"size mismatch for {key}: copying a param with shape {tuple(array.shape)} "
                f"from checkpoint, the shape in current model is {expected}."
            )
            continue
        target = np.dtype(slot.variable[...].dtype)
        if array.dtype.kind not in "biufc" and not jnp.issubdtype(array.dtype, jnp.floating):
            errors.append(
                f"dtype mismatch for {key}: got {array.dtype}, which is not numeric "
                f"(the parameter is {target})"
            )
            continue
        if array.dtype.kind == "c" and target.kind != "c":
            errors.append(
                f"dtype mismatch for {key}: got {array.dtype}; copying it into the module's "
                f"{target} would drop the imaginary part"
            )
            continue
        if target.kind in "iub" and array.dtype.kind in "fc" and not np.isfinite(array).all():
            errors.append(f"value out of range for {key}: NaN or inf has no {target} value")
            continue
        if (
            target.kind == "f"
            and array.dtype.kind not in "f"
            and not jnp.issubdtype(array.dtype, jnp.floating)
        ):
            errors.append(
                f"dtype mismatch for {key}: got {array.dtype}, expected a floating dtype "
                f"(the parameter is {target})"
            )
            continue
        if target.kind in "iu" and array.dtype.kind in "iu" and array.size:
            info = np.iinfo(target)  # e.g. torch's int64 counter into int32 (64-bit types off)
            if array.min() < info.min or array.max() > info.max:
                errors.append(
                    f"value out of range for {key}: values up to {array.max()} do not fit "
                    f"the module's {target}; turn on 64-bit types "
                    "(jaxnn.config.set_numerics('float64')) before building the module"
                )
                continue
        try:  # every conversion happens before anything is written
            arrays[key] = np.asarray(array).astype(target)
        except (TypeError, ValueError, OverflowError) as error:
            errors.append(f"cannot convert {key} ({array.dtype}) to {target}: {error}")
    if errors:
        raise StateDictError(
            f"Error(s) in loading state_dict for {type(module).__name__}:\n\t" + "\n\t".join(errors)
        )
    for key, array in arrays.items():
        slot = slots[key]
        if slot.perm is not None:
            array = np.transpose(array, np.argsort(slot.perm))
        slot.variable[...] = jnp.array(array, copy=True)
    return IncompatibleKeys(missing, unexpected)
