"""``print(model)`` and ``model = model.eval()`` paste: torch's repr and mode methods.

Every layer class ``jaxnn.nn`` exports is printed next to its ``torch.nn`` twin, with several
argument combinations where the layer's ``extra_repr`` shows them; the texts must be equal
character for character. The models of ``jaxnn.models`` are compared in
``parity_tests/models/test_models.py``. ``train()``/``eval()`` must return the module, as
torch's do (NNX's return None).
"""

from __future__ import annotations

import inspect
from collections import OrderedDict

import numpy as np
import pytest
import torch
from flax import nnx

import jaxnn

from .components import MODULE_API

pytestmark = MODULE_API

jnn, tnn = jaxnn.nn, torch.nn

# (class name, positional args, keyword args), built the same way on both sides.
CASES: list[tuple[str, tuple, dict]] = [
    ("Linear", (784, 256), {}),
    ("Linear", (3, 1), {"bias": False}),
    ("Identity", (), {}),
    ("Identity", (54,), {"unused_argument": 0.1}),
    ("ReLU", (), {}),
    ("Sigmoid", (), {}),
    ("Tanh", (), {}),
    ("GELU", (), {}),
    ("GELU", (), {"approximate": "tanh"}),
    ("LeakyReLU", (), {}),
    ("LeakyReLU", (0.2,), {}),
    ("Softmax", (), {"dim": 1}),
    ("Softmax", (), {}),
    ("LogSoftmax", (), {"dim": -1}),
    ("Flatten", (), {}),
    ("Flatten", (0, 2), {}),
    ("Dropout", (), {}),
    ("Dropout", (0.2,), {}),
    ("Dropout", (0.5, True), {}),
    ("Conv2d", (1, 32, 3), {}),
    ("Conv2d", (3, 16), {"kernel_size": (3, 5), "stride": 2, "padding": 1}),
    ("Conv2d", (4, 8, 3), {"padding": "same", "dilation": 2, "groups": 2, "bias": False}),
    ("Conv2d", (1, 2, 3), {"padding": "valid"}),
    ("MaxPool2d", (2,), {}),
    ("MaxPool2d", (2, 2), {}),
    ("MaxPool2d", ((3, 2),), {"stride": 1, "padding": 1, "dilation": 2, "ceil_mode": True}),
    ("Embedding", (10, 3), {}),
    ("Embedding", (10, 3), {"padding_idx": 0}),
    ("Embedding", (10, 3), {"padding_idx": -1}),
    ("LayerNorm", (10,), {}),
    ("LayerNorm", ((4, 5),), {"eps": 1e-6, "elementwise_affine": False}),
    ("LayerNorm", (8,), {"bias": False}),
    ("BatchNorm1d", (3,), {}),
    ("BatchNorm1d", (64,), {"eps": 1e-3, "momentum": None, "affine": False}),
    ("BatchNorm1d", (5,), {"track_running_stats": False}),
    ("RNN", (3, 4), {}),
    ("RNN", (3, 4, 2), {"nonlinearity": "relu", "bias": False, "batch_first": True}),
    ("LSTM", (10, 20), {}),
    ("LSTM", (10, 20, 2), {"dropout": 0.5, "bidirectional": True, "batch_first": True}),
    ("GRU", (5, 7), {}),
    ("GRU", (5, 7, 3), {"bidirectional": True}),
    ("MSELoss", (), {}),
    ("CrossEntropyLoss", (), {}),
    ("CrossEntropyLoss", (), {"label_smoothing": 0.1}),
    ("NLLLoss", (), {"reduction": "sum"}),
    ("SmoothL1Loss", (), {"beta": 0.5}),
    ("HuberLoss", (), {"delta": 2.0}),
]


def _layer_classes() -> dict[str, type]:
    """Every module class ``jaxnn.nn`` exports (the ``Module`` base itself aside)."""
    return {
        name: obj
        for name, obj in vars(jnn).items()
        if inspect.isclass(obj) and issubclass(obj, nnx.Module) and obj is not jnn.Module
    }


def _default_cases() -> list[tuple[str, tuple, dict]]:
    """A no-argument case for each class the table leaves out (a new loss, say), when both
    frameworks can build it without arguments."""
    listed = {name for name, _, _ in CASES}
    return [(name, (), {}) for name in sorted(_layer_classes()) if name not in listed]


def _build_jax(name: str, args: tuple, kwargs: dict):
    cls = getattr(jnn, name)
    if "rngs" in inspect.signature(cls.__init__).parameters:
        kwargs = {**kwargs, "rngs": nnx.Rngs(0)}
    return cls(*args, **kwargs)


def _params(cases):
    return [
        pytest.param(name, args, kwargs, id=f"{name}{args}{kwargs}") for name, args, kwargs in cases
    ]


def test_every_layer_class_has_a_repr_case():
    covered = {name for name, _, _ in CASES + _default_cases()}
    assert covered == set(_layer_classes())


@pytest.mark.parametrize(("name", "args", "kwargs"), _params(CASES + _default_cases()))
def test_layer_repr_is_torchs(name, args, kwargs):
    t = getattr(tnn, name)(*args, **kwargs)
    j = _build_jax(name, args, kwargs)
    assert repr(j) == repr(t)
    assert str(j) == str(t)  # print(layer)


@pytest.mark.parametrize(("name", "args", "kwargs"), _params(CASES + _default_cases()))
def test_layer_train_and_eval_return_the_layer(name, args, kwargs):
    j = _build_jax(name, args, kwargs)
    assert j.eval() is j
    assert j.train() is j
    assert j.train(False) is j


def _twins(build):
    """``build(nn, rngs)`` in torch (``rngs`` ignored) and in jaxnn."""
    return build(tnn, None), build(jnn, nnx.Rngs(0))


def _linear(nn, rngs, *args):
    return nn.Linear(*args) if rngs is None else nn.Linear(*args, rngs=rngs)


def test_nested_sequential_repr_is_torchs():
    # The deep 784-256-128-64-10 stack of S1 6044-6054, inside another Sequential with
    # OrderedDict names and a child module reused under two names.
    def build(nn, rngs):
        relu = nn.ReLU()
        inner = nn.Sequential(_linear(nn, rngs, 784, 256), relu, _linear(nn, rngs, 256, 128), relu)
        return nn.Sequential(
            OrderedDict(
                [
                    ("features", inner),
                    ("flatten", nn.Flatten()),
                    ("head", _linear(nn, rngs, 128, 10)),
                ]
            )
        )

    t, j = _twins(build)
    assert repr(j) == repr(t)
    assert repr(j).startswith(
        "Sequential(\n  (features): Sequential(\n    (0): Linear(in_features=784"
    )


def test_a_users_module_with_extra_repr_prints_like_torch():
    # A class written the torch way (children in __init__, one extra_repr line) pastes with
    # jaxnn.nn.Module as its base.
    def make(nn, base, rngs):
        class Block(base):
            def __init__(self):
                super().__init__()
                self.scale = 2.0
                self.proj = _linear(nn, rngs, 4, 4)
                self.act = nn.GELU()

            def extra_repr(self):
                return f"scale={self.scale}"

        return Block()

    t = make(tnn, tnn.Module, None)
    j = make(jnn, jnn.Module, nnx.Rngs(0))
    assert repr(j) == repr(t)
    assert repr(j) == (
        "Block(\n  scale=2.0\n  (proj): Linear(in_features=4, out_features=4, bias=True)\n"
        "  (act): GELU(approximate='none')\n)"
    )


def test_plain_nnx_children_print_through_module_repr():
    # A Flax module inside a jaxnn model shows as a torch module without extra_repr would.
    class Holder(jnn.Module):
        def __init__(self):
            self.inner = nnx.Module()

    assert repr(Holder()) == "Holder(\n  (inner): Module()\n)"
    assert jnn.module_repr(nnx.Module()) == "Module()"


def test_model_eval_assignment_keeps_the_model_and_switches_mode():
    # S4 1902 / 2161: model = model.eval(); the mode reaches every Dropout and BatchNorm.
    model = jaxnn.models.WellRegularizedNetwork(rngs=nnx.Rngs(0))
    model = model.eval()
    assert isinstance(model, jaxnn.models.WellRegularizedNetwork)
    assert not jnn.is_training(model)
    model = model.train()
    assert jnn.is_training(model)
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        model.train("no")


def test_a_parameter_prints_as_flax_param_not_parameter_containing():
    """Display only (inventory §1.1): torch prints a weight as ``Parameter containing:`` and
    its tensor; the twin's parameter is a ``flax.nnx.Param`` and prints as one, with the same
    numbers (``Linear``'s ``kernel`` is torch's ``weight.T``)."""
    torch_layer = torch.nn.Linear(2, 3)
    jax_layer = jnn.Linear(2, 3, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(jax_layer, torch_layer.state_dict())
    torch_text = repr(torch_layer.weight)
    assert torch_text.startswith("Parameter containing:\ntensor(")
    assert torch_text.endswith("requires_grad=True)")
    jax_text = repr(jax_layer.kernel)
    assert jax_text.startswith("Param(") and "Parameter containing" not in jax_text
    assert isinstance(jax_layer.kernel, nnx.Param)
    np.testing.assert_array_equal(
        np.asarray(jax_layer.kernel[...]).T, torch_layer.weight.detach().numpy()
    )
