"""Compare a torch model and its JAX twin: forward outputs, gradients, training curves.

Each function runs both models on the same inputs and returns a
:class:`twincore.comparison.Comparison`, one row per tensor with its largest absolute and
relative difference against the project's tolerance for the model's dtype (the same
tolerances and element check as the parity suite's harness). ``result.assert_ok()`` raises
naming the worst tensor; ``result.text()``, ``.markdown()`` and ``.html()`` render it. torch is
imported only when one is called. The models are not changed: training runs on copies.

    twin = jaxnn.interop.from_torch(model)
    jaxnn.interop.compare_gradients(model, twin, x, loss="cross_entropy", target=y).assert_ok()
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np
from flax import nnx

from jaxnn.interop.state_dict import state_dict
from twincore.comparison import Comparison, compare
from twincore.tolerance import scaled, tolerance

LOSSES = ("projection", "sum", "mse_loss", "l1_loss", "cross_entropy", "nll_loss")
"""The losses gradients and curves can be compared under: ``"projection"`` is
``sum(output * w)`` with ``w`` a fixed random array of the output's shape (the same on
both sides, so every output element gets its own weight), ``"sum"`` the plain sum; the others
are torch's functions of ``(output, target)`` and their ``jaxnn.functional`` twins."""
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
"""torch.optim's ``SGD``, ``Adam``, ``AdamW``, ``RMSprop`` and their ``jaxnn.optim`` twins,
with torch's defaults but ``lr``."""


def compare_forward(torch_module: Any, jax_module: nnx.Module, *inputs: Any) -> Comparison:
    """The two models' outputs on ``inputs`` (NumPy arrays or tensors, fed to both)."""
    torch = _torch()
    dtype = _dtype(torch_module, torch)
    with torch.no_grad():
        expected = torch_module(*_torch_inputs(inputs, torch))
    actual = jax_module(*_jax_inputs(inputs))
    rows = [
        compare(name, "forward", a, e, tolerance(dtype))
        for name, (a, e) in _pairs(actual, expected, "output").items()
    ]
    return Comparison(f"forward pass, {dtype}", tuple(rows))


def compare_gradients(
    torch_module: Any,
    jax_module: nnx.Module,
    *inputs: Any,
    loss: str = "projection",
    target: Any = None,
    seed: int = 0,
) -> Comparison:
    """The loss, the gradients of every parameter (torch's names and layouts) and of every
    floating input, under ``loss`` (one of :data:`LOSSES`, with ``target`` where it needs
    one). The JAX side is one ``nnx.jit`` program, as each of :func:`compare_training`'s
    steps is."""
    torch = _torch()
    dtype = _dtype(torch_module, torch)
    _check_loss(loss, target)
    target = None if target is None else _host(target)
    t_model = copy.deepcopy(torch_module)
    t_inputs = [
        x.requires_grad_(True) if x.is_floating_point() else x for x in _torch_inputs(inputs, torch)
    ]
    t_out = t_model(*t_inputs)
    weights = _projection(_first(t_out), seed) if loss == "projection" else None
    t_loss = _torch_loss(torch, loss, _first(t_out), target, weights)
    t_model.zero_grad()
    t_loss.backward()
    j_inputs = _jax_inputs(inputs)
    floating = [i for i, x in enumerate(j_inputs) if jnp.issubdtype(x.dtype, jnp.floating)]

    def objective(model, xs):
        out = model(*xs)
        return _jax_loss(loss, _first(out), target, weights)

    argnums = (0, 1) if floating else 0
    # One compiled program: run eagerly, every op of the forward and backward pass would
    # compile a program of its own.
    grad_fn = nnx.jit(nnx.value_and_grad(objective, argnums=argnums))
    j_loss, grads = grad_fn(jax_module, j_inputs)
    g_model, g_inputs = grads if floating else (grads, None)
    tol = tolerance(dtype)
    rows = [compare("loss", "loss", j_loss, t_loss.detach(), tol)]
    for name, g in _torch_layout(jax_module, g_model).items():
        expected = dict(t_model.named_parameters())[name].grad
        rows.append(compare(name, "gradient", g, expected, scaled(tol, _host(expected))))
    for i in floating:
        expected = t_inputs[i].grad
        rows.append(
            compare(f"input {i}", "gradient", g_inputs[i], expected, scaled(tol, _host(expected)))
        )
    return Comparison(f"gradients under {loss}, {dtype}", tuple(rows))


def compare_training(
    torch_module: Any,
    jax_module: nnx.Module,
    batches: Sequence[tuple[Any, Any]],
    *,
    loss: str,
    optimizer: str = "sgd",
    lr: float = 0.01,
    steps: int = 20,
) -> Comparison:
    """``steps`` training steps of each model on the same ``(input, target)`` batches (cycled
    in order) with the same optimizer: the loss curve and the final parameters."""
    torch = _torch()
    dtype = _dtype(torch_module, torch)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {optimizer!r}")
    if not batches:
        raise ValueError("compare_training() needs at least one (input, target) batch")
    _check_loss(loss, batches[0][1])
    t_model = copy.deepcopy(torch_module)
    t_opt = {
        "sgd": torch.optim.SGD,
        "adam": torch.optim.Adam,
        "adamw": torch.optim.AdamW,
        "rmsprop": torch.optim.RMSprop,
    }[optimizer](t_model.parameters(), lr=lr)
    t_losses = []
    for i in range(steps):
        x, y = batches[i % len(batches)]
        t_opt.zero_grad()
        value = _torch_loss(torch, loss, _first(t_model(*_torch_inputs((x,), torch))), y, None)
        value.backward()
        t_opt.step()
        t_losses.append(value.item())

    import jaxnn

    j_model = nnx.clone(jax_module)
    tx = getattr(jaxnn.optim, optimizer)(lr=lr)

    def criterion(out, y):
        return _jax_loss(loss, _first(out), y, None)

    graphdef, state = jaxnn.train.TrainState.create(j_model, tx)
    step = jaxnn.train.step.build_step(graphdef, tx, criterion, "none")
    halted = jnp.zeros([], bool)
    j_losses = []
    for i in range(steps):
        x, y = batches[i % len(batches)]
        state, metrics = step(state, jnp.asarray(_host(x)), jnp.asarray(_host(y)), halted)
        j_losses.append(metrics["loss"])
    nnx.update(j_model, state.params, state.rest)
    tol = tolerance(dtype, "curve")
    rows = [
        compare(f"loss, {steps} steps", "curve", jnp.stack(j_losses), np.asarray(t_losses), tol)
    ]
    expected = {k: v.detach() for k, v in t_model.state_dict().items()}
    for name, value in state_dict(j_model).items():
        rows.append(compare(name, "final parameters", value, expected[name], tol))
    return Comparison(f"{steps} steps of {optimizer}(lr={lr:g}) under {loss}, {dtype}", tuple(rows))


def _torch():
    return importlib.import_module("torch")


def _dtype(module, torch) -> str:
    floating = {p.dtype for p in module.parameters() if p.is_floating_point()}
    return "float64" if floating == {torch.float64} else "float32"


def _host(x: Any) -> np.ndarray:
    return x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x)


def _torch_inputs(inputs, torch) -> list:
    return [torch.tensor(_host(x)) for x in inputs]


def _jax_inputs(inputs) -> list:
    return [jnp.asarray(_host(x)) for x in inputs]


def _first(out: Any) -> Any:
    """The tensor a loss is taken of: the output, or the first of a tuple (an LSTM's)."""
    return out[0] if isinstance(out, (tuple, list)) else out


def _pairs(actual: Any, expected: Any, name: str) -> dict[str, tuple[Any, Any]]:
    if isinstance(expected, (tuple, list)):
        found = {}
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            found.update(_pairs(a, e, f"{name}[{i}]"))
        return found
    return {name: (actual, expected.detach() if hasattr(expected, "detach") else expected)}


def _projection(out, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=tuple(out.shape)).astype(_host(out).dtype)


def _check_loss(loss: str, target: Any) -> None:
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}; got {loss!r}")
    if loss not in ("projection", "sum") and target is None:
        raise ValueError(f"loss {loss!r} needs a target")


def _torch_loss(torch, loss: str, out, target, weights):
    if loss == "projection":
        return (out * torch.tensor(weights)).sum()
    if loss == "sum":
        return out.sum()
    return getattr(torch.nn.functional, loss)(out, torch.tensor(_host(target)))


def _jax_loss(loss: str, out, target, weights):
    import jaxnn

    if loss == "projection":
        return jnp.sum(out * jnp.asarray(weights))
    if loss == "sum":
        return jnp.sum(out)
    return getattr(jaxnn.functional, loss)(out, jnp.asarray(target))


def _torch_layout(model: nnx.Module, grads: nnx.State) -> dict[str, np.ndarray]:
    """``nnx.grad`` output under torch's parameter names and layouts."""
    import jaxnn

    holder = nnx.clone(model)
    nnx.update(holder, grads)
    converted = state_dict(holder)
    return {
        name: converted[name]
        for name, variable in jaxnn.nn.named_parameters(holder)
        if isinstance(variable, nnx.Param)  # frozen ones have no gradient, as in torch
    }
