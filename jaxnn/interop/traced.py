"""A torch module's own ``forward``, traced by ``torch.fx`` and run on jaxnn's twins.

:class:`Program` is the traced graph with every torch call already resolved to its JAX twin
(:mod:`jaxnn.interop.torch_ops`), so running it needs no torch. :class:`TracedModule` holds the
converted children under torch's names, the module's own parameters and buffers, and the
program; calling it runs the program, so it jits, differentiates and vmaps like any jaxnn
module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax.numpy as jnp
from flax import nnx

from jaxnn.nn.module import Module


@dataclass(frozen=True)
class Ref:
    """An earlier node's value, in a node's arguments."""

    name: str


@dataclass(frozen=True, eq=False)  # compared by identity: it is a module's static attribute
class Step:
    """One node of the graph: what it computes (``op`` as in ``torch.fx``) and from what."""

    name: str
    op: str  # as torch.fx's (placeholder, get_attr, call_module, ...), or constant
    target: str
    fn: Callable | None
    args: tuple
    kwargs: dict


@dataclass(frozen=True, eq=False)
class Program:
    """The steps of a traced ``forward``, in order; ``inputs`` are its parameters' names."""

    steps: tuple[Step, ...]
    inputs: tuple[str, ...]
    defaults: dict[str, Any]
    where: str  # the module's place in the model, for errors


def map_args(value: Any, leaf: Callable[[Any], Any]) -> Any:
    """``value`` (a node's arguments: tuples, lists, dicts and slices of anything) with
    ``leaf`` applied to everything else in it."""
    if isinstance(value, tuple):
        return tuple(map_args(v, leaf) for v in value)
    if isinstance(value, list):
        return [map_args(v, leaf) for v in value]
    if isinstance(value, dict):
        return {k: map_args(v, leaf) for k, v in value.items()}
    if isinstance(value, slice):
        return slice(*(map_args(v, leaf) for v in (value.start, value.stop, value.step)))
    return leaf(value)


def _fill(template: Any, env: dict[str, Any]) -> Any:
    return map_args(template, lambda t: env[t.name] if isinstance(t, Ref) else t)


def _resolve(root: Any, path: str) -> Any:
    value = root
    for part in path.split("."):
        value = getattr(value, part)
    return value


class TracedModule(Module):
    """A converted torch module with its own ``forward``: the children under torch's names,
    its own parameters and buffers, and the traced program that calls them.

    Built by :func:`jaxnn.interop.from_torch`; ``torch_class`` names the module it twins.
    """

    def __init__(self, torch_class: str, program: Program):
        self.torch_class = torch_class
        self.program = program

    def _get_name(self) -> str:
        # print(twin) reads like print(torch_module): the torch class's own name
        return self.torch_class.rpartition(".")[2]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        program = self.program
        if len(args) > len(program.inputs):
            raise TypeError(
                f"{self.torch_class}.forward takes {len(program.inputs)} inputs "
                f"({', '.join(program.inputs)}); got {len(args)}"
            )
        env: dict[str, Any] = {}
        given = dict(zip(program.inputs, args, strict=False))
        for step in program.steps:
            if step.op == "placeholder":
                if step.target in given:
                    env[step.name] = given[step.target]
                elif step.target in kwargs:
                    env[step.name] = kwargs[step.target]
                elif step.target in program.defaults:
                    env[step.name] = program.defaults[step.target]
                else:
                    raise TypeError(f"{self.torch_class}.forward: missing input {step.target!r}")
                continue
            if step.op == "output":
                return _fill(step.args[0], env)
            if step.op == "constant":  # a plain tensor attribute, copied when converted
                env[step.name] = jnp.asarray(step.args[0])
                continue
            args_, kwargs_ = _fill(step.args, env), _fill(step.kwargs, env)
            if step.op == "get_attr":
                value = _resolve(self, step.target)
                env[step.name] = value[...] if isinstance(value, nnx.Variable) else value
            elif step.op == "call_module":
                env[step.name] = _resolve(self, step.target)(*args_, **kwargs_)
            else:  # call_function, call_method: resolved when the graph was converted
                env[step.name] = step.fn(*args_, **kwargs_)
        raise RuntimeError(f"{self.torch_class}: the traced graph has no output")
