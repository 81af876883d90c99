"""torch ``state_dict`` <-> jaxnn module parameters.

The key and layout of every variable come from one table,
``jaxnn.nn.torch_keys.CONVERSIONS`` (renames and axis permutations). Every array
is shape-checked against the module before anything is written, so a failed
load leaves the module untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from jaxnn.nn import torch_keys
from jaxnn.nn.torch_keys import Slot
from twincore.arrays import to_numpy
from twincore.state_dict_keys import key_mismatches


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


FLAX_LAYERS_AND_TWINS = {
    "Linear": "Linear",
    "Conv": "Conv2d",
    "Embed": "Embedding",
    "LayerNorm": "LayerNorm",
    "BatchNorm": "BatchNorm1d",
}
"""Flax's own layers, which keep Flax's names and layouts (``kernel``), and their jaxnn twins."""


def _flax_layer_hints(module: nnx.Module) -> list[str]:
    """Why keys go missing when a model is built from Flax's layers instead of jaxnn's."""
    hints = []
    for path, node in nnx.iter_graph(module):
        cls = type(node)
        if cls.__module__.startswith("flax.") and cls.__name__ in FLAX_LAYERS_AND_TWINS:
            where = ".".join(map(str, path)) or "the model"
            twin = FLAX_LAYERS_AND_TWINS[cls.__name__]
            hints.append(
                f"{where!r} is flax.nnx.{cls.__name__}, which keeps Flax's parameter names "
                f"and layouts (kernel, not weight): build it with jaxnn.nn.{twin}, torch's "
                "twin, or convert the torch model with jaxnn.interop.from_torch"
            )
    return hints


def _torch_shape(slot: Slot) -> tuple[int, ...]:
    shape = tuple(slot.variable.shape)
    return shape if slot.perm is None else tuple(shape[a] for a in slot.perm)


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
    for key, slot in torch_keys.slots(module):
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
    slots = dict(torch_keys.slots(module))
    missing, unexpected, errors = key_mismatches(slots, state_dict, strict)
    arrays = {}
    for key, slot in slots.items():
        if key not in state_dict:
            continue
        array = to_numpy(state_dict[key])
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
            f"Error(s) in loading state_dict for {type(module).__name__}:\n\t"
            + "\n\t".join(errors + _flax_layer_hints(module) if missing or unexpected else errors)
        )
    for key, array in arrays.items():
        slot = slots[key]
        if slot.perm is not None:
            array = np.transpose(array, np.argsort(slot.perm))
        # `array` is this call's own copy (astype above), so the device buffer may share it.
        # device_put compiles nothing; jnp.array of a NumPy array compiles a small program
        # per shape and dtype.
        slot.variable[...] = jax.device_put(array)
    return IncompatibleKeys(missing, unexpected)
