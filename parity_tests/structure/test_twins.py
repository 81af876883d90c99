"""The twins stay diffable: every file both packages have exposes the same public names, in
the same order, with the same signatures (less JAX's ``dtype``/``rngs``).

A module's public names are its ``__all__`` when it has one, else what it defines or hands
on (``X as X``) without a leading underscore, in source order. Where the frameworks must
differ, :data:`FRAMEWORK_ONLY` and :data:`SIGNATURES` say so, each with the reason; anything
else is a twin drifting apart.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import jaxnn
import torch_ref

JAX_ROOT = Path(jaxnn.__file__).parent
TORCH_ROOT = Path(torch_ref.__file__).parent

FRAMEWORK_ONLY: dict[str, dict[str, str]] = {
    "__init__.py": {
        "functional": "jax: torch's own torch.nn.functional is the reference",
        "interop": "jax: conversion to and from torch's state dicts",
        "nn": "jax: torch's own torch.nn is the reference",
        "optim": "jax: torch's own torch.optim is the reference",
        "parallel": "jax: fused epochs, vmapped seeds, sharding; torch's loop is eager",
    },
    "config.py": {
        "share_device_with_torch": "jax: no preallocation when torch shares the GPU",
        "x64_enabled": "jax: 64-bit types are a process-wide switch in JAX",
        "require_dtype": "jax: refuses float64 unless 64-bit types are on",
        "canonical_param_dtype": "jax: the parameter dtype JAX can hold in this mode",
        "torch_dtype": "torch: the torch.dtype of a dtype name",
    },
    "data/__init__.py": {
        "RecordingSampler": "torch: records torch's own sampler's draws to replay them",
    },
    "data/sampler.py": {
        "RecordingSampler": "torch: records torch's own sampler's draws to replay them",
    },
    "train/__init__.py": {
        "Checkpoint": "jax: fit resumes from a train state; torch keeps it in the model",
        "TrainState": "jax: the pure step's state; torch keeps it in model and optimizer",
        "make_train_step": "jax: builds the jitted pure step; torch's twin is train_step",
        "make_eval_step": "jax: builds the jitted eval step; torch's twin is eval_step",
        "train_step": "torch: the notebooks' step on a stateful model and optimizer",
        "eval_step": "torch: the notebooks' eval step",
    },
    "train/fit.py": {
        "Checkpoint": "jax: fit resumes from a train state; torch keeps it in the model",
    },
    "train/step.py": {
        "make_train_step": "jax: builds the jitted pure step; torch's twin is train_step",
        "make_eval_step": "jax: builds the jitted eval step; torch's twin is eval_step",
        "train_step": "torch: the notebooks' step on a stateful model and optimizer",
        "eval_step": "torch: the notebooks' eval step",
    },
    "train/precision.py": {
        "GradScaler": "jax: the loss scaler as pure functions; torch's is torch.amp.GradScaler",
        "LossScaleState": "jax: the loss scale carried in the train state; torch's scaler holds it",
    },
    "checkpoint/__init__.py": {
        "save_train_state": "jax: the whole train state through orbax, for resuming fit",
        "restore_train_state": "jax: the whole train state through orbax, for resuming fit",
        "checkpoint_steps": "jax: the steps saved by save_train_state",
        "save_state_dict": "torch: torch.save of a state dict (the notebooks' .pth files)",
    },
    "checkpoint/pth.py": {
        "save_state_dict": "torch: torch.save of a state dict (the notebooks' .pth files)",
    },
}
"""Per file both twins have: names only one side exposes, and why."""

SIGNATURES: dict[str, str] = {
    "DataLoader": "jax: on_device keeps batches on the device; torch: **kwargs reach torch's "
    "own DataLoader",
    "TensorDataset": "torch: torch's own TensorDataset(*tensors)",
    "fit": "an optax tx instead of a torch optimizer; jax: checkpoint_every, on_checkpoint "
    "and resume (checkpoints of the pure train state)",
    "autocast": "jax: sets the compute dtype on a model's layers (no dispatcher to hook); "
    "torch: the torch.autocast context for a device type",
    "grad_scaler": "torch: torch.amp.GradScaler needs the device type",
}
"""Names whose signatures differ beyond dtype/rngs, and why."""


def _pairs() -> list[str]:
    return sorted(
        str(p.relative_to(JAX_ROOT))
        for p in JAX_ROOT.rglob("*.py")
        if (TORCH_ROOT / p.relative_to(JAX_ROOT)).exists()
    )


def _module(root: Path, relative: str):
    parts = Path(relative).with_suffix("").parts
    name = ".".join((root.name, *parts)).removesuffix(".__init__")
    return importlib.import_module(name)


def _public(root: Path, relative: str) -> list[str]:
    module = _module(root, relative)
    if hasattr(module, "__all__"):
        return list(module.__all__)
    names = []
    for node in ast.parse((root / relative).read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names += [a.name for a in node.names if a.asname == a.name]
    return [n for n in names if not n.startswith("_")]


def test_the_twins_share_their_files():
    """The files the twins pair up, so that a change to this list is a decision."""
    assert "models/mlp.py" in _pairs() and "train/fit.py" in _pairs()


@pytest.mark.parametrize("relative", _pairs())
def test_twin_files_expose_the_same_names_in_the_same_order(relative):
    only = FRAMEWORK_ONLY.get(relative, {})
    jax_names = [n for n in _public(JAX_ROOT, relative) if n not in only]
    torch_names = [n for n in _public(TORCH_ROOT, relative) if n not in only]
    assert jax_names == torch_names, (
        f"{relative}: jaxnn has {jax_names}, torch_ref has {torch_names}; twin them, or say in "
        "FRAMEWORK_ONLY why one framework alone has a name"
    )
    stale = [
        n for n in only if n not in _public(JAX_ROOT, relative) + _public(TORCH_ROOT, relative)
    ]
    assert not stale, f"{relative}: FRAMEWORK_ONLY names what neither side has: {stale}"


def _parameters(obj) -> list[str] | None:
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    return [p for p in signature.parameters if p not in ("self", "dtype", "rngs")]


@pytest.mark.parametrize("relative", _pairs())
def test_twin_signatures_match(relative):
    jax_module, torch_module = _module(JAX_ROOT, relative), _module(TORCH_ROOT, relative)
    differ = []
    for name in _public(JAX_ROOT, relative):
        a, b = getattr(jax_module, name), getattr(torch_module, name, None)
        if b is None or a is b or name in SIGNATURES:
            continue
        if not (inspect.isfunction(a) or inspect.isclass(a)):
            continue
        if _parameters(a) != _parameters(b):
            differ.append(f"{name}: jaxnn {_parameters(a)}, torch_ref {_parameters(b)}")
    assert not differ, f"{relative}: " + "; ".join(differ)
