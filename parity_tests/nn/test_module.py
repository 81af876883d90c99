"""``nn.Module`` API twins (inventory §1.11, §3.2 parameter counts).

Notebook lines: S1 3990-4744 (nn.Module tour, Parameter tour: SimpleModule, MultiLayerNetwork,
ComposedNetwork, Sequential / OrderedDict, to(device), train/eval, ImageClassifier,
ModuleWithParameter / ModuleWithTensor / ModuleWithParam, Linear(5, 3), freezing,
SharedParameterModule, SmallNet), S1 6020-6115 (Sequential 10-20-1, deep_model,
FeedForwardNetwork), S1 10237-10255 (E61 model), S4 1467-1486 (E15 MLP2Hidden).

The notebooks' models are defined here in both frameworks (``jaxnn.models`` holds only the
canonical ones). Every torch model's parameters are copied into its twin, so forward values
and gradients are compared on the same numbers; counts and names are compared with torch
and with the notebook's printed or §3.2 values.
"""

import copy
import functools
from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx
from scipy import stats

import jaxnn
import torch_ref
from twincore import harness

from .components import MODULE_API

pytestmark = MODULE_API

tnn = torch.nn
jnn = jaxnn.nn


# --- the notebook's models, torch and jaxnn side by side ------------------------------------------


class TSimpleModule(tnn.Module):  # S1 3995-4004
    def __init__(self):
        super().__init__()
        self.linear = tnn.Linear(10, 5)

    def forward(self, x):
        return self.linear(x)


class JSimpleModule(jnn.Module):
    def __init__(self, *, dtype=None, rngs):
        self.linear = jnn.Linear(10, 5, dtype=dtype, rngs=rngs)

    def __call__(self, x):
        return self.linear(x)


class TMultiLayerNetwork(tnn.Module):  # S1 4086-4101
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.layer1 = tnn.Linear(input_size, hidden_size)
        self.activation = tnn.ReLU()
        self.layer2 = tnn.Linear(hidden_size, output_size)

    def forward(self, x):
        return self.layer2(self.activation(self.layer1(x)))


class JMultiLayerNetwork(jnn.Module):
    def __init__(self, input_size, hidden_size, output_size, *, dtype=None, rngs):
        self.layer1 = jnn.Linear(input_size, hidden_size, dtype=dtype, rngs=rngs)
        self.activation = jnn.ReLU()
        self.layer2 = jnn.Linear(hidden_size, output_size, dtype=dtype, rngs=rngs)

    def __call__(self, x):
        return self.layer2(self.activation(self.layer1(x)))


class TLinearBlock(tnn.Module):  # S1 4122-4131
    def __init__(self, in_features, out_features):
        super().__init__()
        self.linear = tnn.Linear(in_features, out_features)
        self.relu = tnn.ReLU()

    def forward(self, x):
        return self.relu(self.linear(x))


class JLinearBlock(jnn.Module):
    def __init__(self, in_features, out_features, *, dtype=None, rngs):
        self.linear = jnn.Linear(in_features, out_features, dtype=dtype, rngs=rngs)
        self.relu = jnn.ReLU()

    def __call__(self, x):
        return self.relu(self.linear(x))


class TComposedNetwork(tnn.Module):  # S1 4134-4149
    def __init__(self):
        super().__init__()
        self.block1 = TLinearBlock(10, 20)
        self.block2 = TLinearBlock(20, 20)
        self.block3 = TLinearBlock(20, 10)
        self.output = tnn.Linear(10, 5)

    def forward(self, x):
        return self.output(self.block3(self.block2(self.block1(x))))


class JComposedNetwork(jnn.Module):
    def __init__(self, *, dtype=None, rngs):
        self.block1 = JLinearBlock(10, 20, dtype=dtype, rngs=rngs)
        self.block2 = JLinearBlock(20, 20, dtype=dtype, rngs=rngs)
        self.block3 = JLinearBlock(20, 10, dtype=dtype, rngs=rngs)
        self.output = jnn.Linear(10, 5, dtype=dtype, rngs=rngs)

    def __call__(self, x):
        return self.output(self.block3(self.block2(self.block1(x))))


class TModuleWithParameter(tnn.Module):  # S1 4447-4458
    def __init__(self):
        super().__init__()
        self.weight = tnn.Parameter(torch.randn(3, 3))
        self.bias = tnn.Parameter(torch.randn(3))

    def forward(self, x):
        return x @ self.weight + self.bias


class JModuleWithParameter(jnn.Module):
    def __init__(self, *, dtype=None, rngs):
        dtype = dtype or jnp.float32
        self.weight = nnx.Param(jax.random.normal(rngs.params(), (3, 3), dtype))
        self.bias = nnx.Param(jax.random.normal(rngs.params(), (3,), dtype))

    def __call__(self, x):
        return x @ self.weight + self.bias


class TModuleWithTensor(tnn.Module):  # S1 4480-4487
    def __init__(self):
        super().__init__()
        self.regular_tensor = torch.randn(3, 3)  # Just a tensor

    def forward(self, x):
        return x @ self.regular_tensor


class JModuleWithTensor(jnn.Module):
    def __init__(self, *, dtype=None, rngs):
        # A plain jax.Array attribute: NNX state, but not an nnx.Param.
        self.regular_tensor = jax.random.normal(rngs.params(), (3, 3), dtype or jnp.float32)

    def __call__(self, x):
        return x @ self.regular_tensor


class TModuleWithParam(tnn.Module):  # S1 4496-4502
    def __init__(self):
        super().__init__()
        self.param = tnn.Parameter(torch.randn(3, 3))

    def forward(self, x):
        return x @ self.param


class JModuleWithParam(jnn.Module):
    def __init__(self, *, dtype=None, rngs):
        self.param = nnx.Param(jax.random.normal(rngs.params(), (3, 3), dtype or jnp.float32))

    def __call__(self, x):
        return x @ self.param


class TSharedParameterModule(tnn.Module):  # S1 4659-4670
    def __init__(self):
        super().__init__()
        self.shared_layer = tnn.Linear(10, 10)

    def forward(self, x):
        x = self.shared_layer(x)
        x = torch.relu(x)
        return self.shared_layer(x)  # Same weights used again!


class JSharedParameterModule(jnn.Module):
    def __init__(self, *, dtype=None, rngs):
        self.shared_layer = jnn.Linear(10, 10, dtype=dtype, rngs=rngs)

    def __call__(self, x):
        x = self.shared_layer(x)
        x = jaxnn.functional.relu(x)
        return self.shared_layer(x)


class TUnsharedTwin(tnn.Module):
    """SharedParameterModule with its two uses as two separate layers (for the gradient sum)."""

    def __init__(self, shared):
        super().__init__()
        self.first = copy.deepcopy(shared.shared_layer)
        self.second = copy.deepcopy(shared.shared_layer)

    def forward(self, x):
        return self.second(torch.relu(self.first(x)))


class JUnsharedTwin(jnn.Module):
    def __init__(self, *, dtype=None, rngs):
        self.first = jnn.Linear(10, 10, dtype=dtype, rngs=rngs)
        self.second = jnn.Linear(10, 10, dtype=dtype, rngs=rngs)

    def __call__(self, x):
        return self.second(jaxnn.functional.relu(self.first(x)))


class TSmallNet(tnn.Module):  # S1 4691-4703
    def __init__(self):
        super().__init__()
        self.layer1 = tnn.Linear(784, 128)
        self.layer2 = tnn.Linear(128, 64)
        self.layer3 = tnn.Linear(64, 10)
        self.relu = tnn.ReLU()

    def forward(self, x):
        return self.layer3(self.relu(self.layer2(self.relu(self.layer1(x)))))


class JSmallNet(jnn.Module):
    def __init__(self, *, dtype=None, rngs):
        self.layer1 = jnn.Linear(784, 128, dtype=dtype, rngs=rngs)
        self.layer2 = jnn.Linear(128, 64, dtype=dtype, rngs=rngs)
        self.layer3 = jnn.Linear(64, 10, dtype=dtype, rngs=rngs)
        self.relu = jnn.ReLU()

    def __call__(self, x):
        return self.layer3(self.relu(self.layer2(self.relu(self.layer1(x)))))


class TImageClassifier(tnn.Module):  # S1 4306-4324
    def __init__(self, input_size=784, num_classes=10):
        super().__init__()
        self.network = tnn.Sequential(
            tnn.Linear(input_size, 256),
            tnn.ReLU(),
            tnn.Dropout(0.2),
            tnn.Linear(256, 128),
            tnn.ReLU(),
            tnn.Dropout(0.2),
            tnn.Linear(128, num_classes),
        )

    def forward(self, x):
        return self.network(x)


class JImageClassifier(jnn.Module):
    def __init__(self, input_size=784, num_classes=10, *, dtype=None, rngs):
        self.network = jnn.Sequential(
            jnn.Linear(input_size, 256, dtype=dtype, rngs=rngs),
            jnn.ReLU(),
            jnn.Dropout(0.2, rngs=rngs),
            jnn.Linear(256, 128, dtype=dtype, rngs=rngs),
            jnn.ReLU(),
            jnn.Dropout(0.2, rngs=rngs),
            jnn.Linear(128, num_classes, dtype=dtype, rngs=rngs),
        )

    def __call__(self, x):
        return self.network(x)


class TModelWithDropout(tnn.Module):  # S1 4255-4266
    def __init__(self):
        super().__init__()
        self.linear1 = tnn.Linear(10, 20)
        self.dropout = tnn.Dropout(p=0.5)
        self.linear2 = tnn.Linear(20, 5)

    def forward(self, x):
        return self.linear2(self.dropout(self.linear1(x)))


class JModelWithDropout(jnn.Module):
    def __init__(self, *, dtype=None, rngs):
        self.linear1 = jnn.Linear(10, 20, dtype=dtype, rngs=rngs)
        self.dropout = jnn.Dropout(p=0.5, rngs=rngs)
        self.linear2 = jnn.Linear(20, 5, dtype=dtype, rngs=rngs)

    def __call__(self, x):
        return self.linear2(self.dropout(self.linear1(x)))


class TFeedForwardNetwork(tnn.Module):  # S1 6080-6106
    def __init__(self, input_size, hidden_sizes, output_size):
        super().__init__()
        layers, prev_size = [], input_size
        for hidden_size in hidden_sizes:
            layers += [tnn.Linear(prev_size, hidden_size), tnn.ReLU()]
            prev_size = hidden_size
        layers.append(tnn.Linear(prev_size, output_size))
        self.network = tnn.Sequential(*layers)

    def forward(self, x):
        return self.network(x)


class JFeedForwardNetwork(jnn.Module):
    def __init__(self, input_size, hidden_sizes, output_size, *, dtype=None, rngs):
        layers, prev_size = [], input_size
        for hidden_size in hidden_sizes:
            layers += [jnn.Linear(prev_size, hidden_size, dtype=dtype, rngs=rngs), jnn.ReLU()]
            prev_size = hidden_size
        layers.append(jnn.Linear(prev_size, output_size, dtype=dtype, rngs=rngs))
        self.network = jnn.Sequential(*layers)

    def __call__(self, x):
        return self.network(x)


class TMLP2Hidden(tnn.Module):  # S4 1467-1486 (one hidden layer despite the name, §5 #24)
    def __init__(self, h1=256, h2=128):
        super().__init__()
        self.W1 = tnn.Parameter(torch.randn(784, 128) * 0.01)
        self.b1 = tnn.Parameter(torch.zeros(128))
        self.W2 = tnn.Parameter(torch.randn(128, 10) * 0.01)
        self.b2 = tnn.Parameter(torch.zeros(10))

    def forward(self, x):
        x = x.view(-1, 784)
        h1 = F.relu(x @ self.W1 + self.b1)
        return h1 @ self.W2 + self.b2


class JMLP2Hidden(jnn.Module):
    def __init__(self, h1=256, h2=128, *, dtype=None, rngs):
        dtype = dtype or jnp.float32
        self.W1 = nnx.Param(jax.random.normal(rngs.params(), (784, 128), dtype) * 0.01)
        self.b1 = nnx.Param(jnp.zeros(128, dtype))
        self.W2 = nnx.Param(jax.random.normal(rngs.params(), (128, 10), dtype) * 0.01)
        self.b2 = nnx.Param(jnp.zeros(10, dtype))

    def __call__(self, x):
        x = x.reshape(-1, 784)  # torch's x.view(-1, 784)
        h1 = jaxnn.functional.relu(x @ self.W1 + self.b1)
        return h1 @ self.W2 + self.b2


def _t_seq(*sizes):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        layers += [tnn.Linear(n_in, n_out)] + ([tnn.ReLU()] if i < len(sizes) - 2 else [])
    return tnn.Sequential(*layers)


def _j_seq(*sizes, dtype=None, rngs):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        layers += [jnn.Linear(n_in, n_out, dtype=dtype, rngs=rngs)]
        layers += [jnn.ReLU()] if i < len(sizes) - 2 else []
    return jnn.Sequential(*layers)


def _t_named_sequential():  # S1 4199-4205
    return tnn.Sequential(
        OrderedDict(
            [
                ("input_layer", tnn.Linear(10, 20)),
                ("relu1", tnn.ReLU()),
                ("hidden_layer", tnn.Linear(20, 20)),
                ("relu2", tnn.ReLU()),
                ("output_layer", tnn.Linear(20, 5)),
            ]
        )
    )


def _j_named_sequential(dtype=None, rngs=None):
    return jnn.Sequential(
        OrderedDict(
            [
                ("input_layer", jnn.Linear(10, 20, dtype=dtype, rngs=rngs)),
                ("relu1", jnn.ReLU()),
                ("hidden_layer", jnn.Linear(20, 20, dtype=dtype, rngs=rngs)),
                ("relu2", jnn.ReLU()),
                ("output_layer", jnn.Linear(20, 5, dtype=dtype, rngs=rngs)),
            ]
        )
    )


# name -> (torch factory, jaxnn factory(dtype, rngs), input shape, the notebook's parameter count
# from §3.2, or None where the notebook gives none)
MODELS = {
    "SimpleModule": (TSimpleModule, JSimpleModule, (3, 10), 55),
    "MultiLayerNetwork(20,64,10)": (
        lambda: TMultiLayerNetwork(20, 64, 10),
        lambda dtype, rngs: JMultiLayerNetwork(20, 64, 10, dtype=dtype, rngs=rngs),
        (5, 20),
        1994,
    ),
    "ComposedNetwork": (TComposedNetwork, JComposedNetwork, (3, 10), 905),
    "sequential_model": (
        lambda: _t_seq(10, 20, 20, 5),
        lambda dtype, rngs: _j_seq(10, 20, 20, 5, dtype=dtype, rngs=rngs),
        (2, 10),
        None,  # S1 4173-4180 prints no count; torch's count is the reference
    ),
    "named_sequential": (_t_named_sequential, _j_named_sequential, (2, 10), None),
    "ImageClassifier": (TImageClassifier, JImageClassifier, (4, 784), 235_146),
    "ModuleWithParameter": (TModuleWithParameter, JModuleWithParameter, (4, 3), None),
    "ModuleWithTensor": (TModuleWithTensor, JModuleWithTensor, (4, 3), 0),
    "ModuleWithParam": (TModuleWithParam, JModuleWithParam, (4, 3), 9),  # one (3, 3) parameter
    "Linear(5,3)": (
        lambda: tnn.Linear(5, 3),
        lambda dtype, rngs: jnn.Linear(5, 3, dtype=dtype, rngs=rngs),
        (4, 5),
        18,
    ),
    "freeze_demo_sequential": (
        lambda: _t_seq(10, 20, 5),
        lambda dtype, rngs: _j_seq(10, 20, 5, dtype=dtype, rngs=rngs),
        (4, 10),
        325,
    ),
    "SharedParameterModule": (TSharedParameterModule, JSharedParameterModule, (4, 10), 110),
    "SmallNet": (TSmallNet, JSmallNet, (2, 784), 109_386),
    "Sequential_10_20_1": (
        lambda: _t_seq(10, 20, 1),
        lambda dtype, rngs: _j_seq(10, 20, 1, dtype=dtype, rngs=rngs),
        (5, 10),
        241,
    ),
    "deep_model": (
        lambda: _t_seq(784, 256, 128, 64, 10),
        lambda dtype, rngs: _j_seq(784, 256, 128, 64, 10, dtype=dtype, rngs=rngs),
        (2, 784),
        242_762,
    ),
    "FeedForwardNetwork(100,[64,32,16],5)": (
        lambda: TFeedForwardNetwork(100, [64, 32, 16], 5),
        lambda dtype, rngs: JFeedForwardNetwork(100, [64, 32, 16], 5, dtype=dtype, rngs=rngs),
        (3, 100),
        9157,
    ),
    "E61_model": (
        lambda: _t_seq(10, 20, 10, 1),
        lambda dtype, rngs: _j_seq(10, 20, 10, 1, dtype=dtype, rngs=rngs),
        (5, 10),
        441,
    ),
    "MLP2Hidden": (TMLP2Hidden, JMLP2Hidden, (2, 1, 28, 28), 101_770),
    "ModelWithDropout": (TModelWithDropout, JModelWithDropout, (6, 10), None),
}


def _placeholder_twin(make_jax, dtype):
    """The jaxnn twin with placeholder values, built without its random initialisation.

    Its parameters are overwritten with torch's anyway, and the eager initial draws compile a
    random kernel per parameter shape, which would be most of this file's run time. So the
    twin is traced abstractly (``nnx.eval_shape`` runs the real constructor) and filled with
    zeros; RNG keys (Dropout's stream) get a fixed key. nnx.eval_shape rebuilds attributes in
    sorted order, so name-order tests use directly built twins (see ``_eager``).
    """
    abstract = nnx.eval_shape(lambda: make_jax(dtype=jnp.dtype(dtype), rngs=nnx.Rngs(0)))
    graphdef, state = nnx.split(abstract)

    def placeholder(leaf):
        if jax.dtypes.issubdtype(leaf.dtype, jax.dtypes.prng_key):
            return jax.random.key(0)
        return jnp.asarray(np.zeros(leaf.shape, leaf.dtype))

    return nnx.merge(graphdef, jax.tree.map(placeholder, state))


def _pair(name, dtype="float32"):
    """The torch model and its twin holding the same parameters (and plain tensors)."""
    make_torch, make_jax, _, _ = MODELS[name]
    torch.manual_seed(0)
    t = make_torch().to(getattr(torch, dtype))
    if name == "ModuleWithTensor":  # nnx.eval_shape does not abstract plain array attributes
        j = make_jax(dtype=jnp.dtype(dtype), rngs=nnx.Rngs(0))
    else:
        j = _placeholder_twin(make_jax, dtype)
    jaxnn.interop.load_state_dict(j, t.state_dict())
    if isinstance(t, TModuleWithTensor):  # not in the state dict on either side
        # torch's .to(dtype) converts parameters and buffers only: cast the plain tensor by hand.
        t.regular_tensor = t.regular_tensor.to(getattr(torch, dtype))
        j.regular_tensor = jnp.asarray(t.regular_tensor.numpy())
    return t, j


def _torch_layout_grads(model, grads):
    """``nnx.grad`` output keyed and laid out like torch's ``{name: p.grad}``."""
    holder = nnx.clone(model)
    nnx.update(holder, grads)
    return {
        name: jaxnn.interop.state_dict(holder)[name] for name, _ in jnn.named_parameters(holder)
    }


@functools.cache
def _abstract(name):
    """A fresh torch model and an abstract twin, for the read-only counting tests.

    ``nnx.eval_shape`` builds the twin without drawing its initial values (the draws compile
    a random kernel per shape, the slowest part of this file); the shapes are the real ones.
    """
    make_torch, make_jax, _, golden = MODELS[name]
    return make_torch(), nnx.eval_shape(lambda: make_jax(dtype=None, rngs=nnx.Rngs(0))), golden


@functools.cache
def _eager(name):
    """A fresh torch model and a twin built directly (no split/merge), for the naming tests."""
    make_torch, make_jax, _, golden = MODELS[name]
    return make_torch(), make_jax(dtype=None, rngs=nnx.Rngs(0)), golden


# --- counting and naming -------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(MODELS))
def test_parameter_count_matches_torch_and_seed(name):
    t, j, golden = _abstract(name)
    n_torch = sum(p.numel() for p in t.parameters())
    n_jaxnn = jnn.count_parameters(j)
    # the idiomatic NNX count: the sizes of the nnx.Param leaves
    n_nnx = sum(np.prod(x.shape, dtype=int) for x in jax.tree.leaves(nnx.state(j, nnx.Param)))
    trainable = sum(p.numel() for p in t.parameters() if p.requires_grad)
    assert n_jaxnn == n_nnx == n_torch
    assert jnn.count_parameters(j, trainable_only=True) == trainable == n_torch
    if golden is not None:
        assert n_torch == golden


@pytest.mark.parametrize("name", list(MODELS))
def test_named_parameters_match_torch_names_and_shapes(name):
    # The abstract twin went through nnx.split/merge, which rebuilds attributes in sorted order,
    # so names are compared as a set here; the order is checked on directly built modules in
    # test_named_parameters_seed_names (and see test_named_parameters_order_after_split_merge).
    t, j, _ = _abstract(name)
    t_named = dict(t.named_parameters())
    j_named = dict(jnn.named_parameters(j))
    assert sorted(j_named) == sorted(t_named)
    for n, p in t_named.items():
        v = j_named[n]
        owner = functools.reduce(getattr, n.split(".")[:-1], j)
        # a Linear kernel is torch's weight transposed; manual parameters keep their shape
        transposed = isinstance(owner, jnn.Linear) and n.endswith("weight")
        assert v.shape == (tuple(p.shape)[::-1] if transposed else tuple(p.shape)), n
        assert isinstance(v, nnx.Param) and p.requires_grad and type(p) is tnn.Parameter, n
    assert list(j_named.values()) == list(jnn.parameters(j))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("SimpleModule", ["linear.weight", "linear.bias"]),
        (
            "ComposedNetwork",
            [f"block{i}.linear.{p}" for i in (1, 2, 3) for p in ("weight", "bias")]
            + ["output.weight", "output.bias"],
        ),
        (
            "named_sequential",
            [
                f"{n}.{p}"
                for n in ("input_layer", "hidden_layer", "output_layer")
                for p in ("weight", "bias")
            ],
        ),
        ("freeze_demo_sequential", ["0.weight", "0.bias", "2.weight", "2.bias"]),
        ("MLP2Hidden", ["W1", "b1", "W2", "b2"]),
        ("ModuleWithParameter", ["weight", "bias"]),
        ("ModuleWithParam", ["param"]),
        ("ModuleWithTensor", []),
    ],
)
def test_named_parameters_seed_names(name, expected):
    # §1.11: dotted paths (block1.linear.weight, input_layer.weight, 0.weight, W1). The abstract
    # twin's attributes are sorted (see below), so the order is checked in the next test.
    t, j, _ = _abstract(name)
    assert [n for n, _ in t.named_parameters()] == expected
    assert sorted(n for n, _ in jnn.named_parameters(j)) == sorted(expected)


@pytest.mark.parametrize("name", ["named_sequential", "MLP2Hidden", "ModuleWithParameter"])
def test_named_parameters_registration_order(name):
    # Registration (attribute-assignment) order, as in torch; these three models are the ones
    # whose order differs from the sorted one (input_layer/hidden_layer, W1/b1/W2, weight/bias).
    t, j, _ = _eager(name)
    assert [n for n, _ in jnn.named_parameters(j)] == [n for n, _ in t.named_parameters()]
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict())


def test_named_parameters_order_after_split_merge():
    # torch's order is registration order; it must survive a round trip through nnx.split/merge.
    t, j, _ = _eager("MLP2Hidden")
    assert [n for n, _ in jnn.named_parameters(nnx.clone(j))] == [
        n for n, _ in t.named_parameters()
    ]
    j = jnn.Sequential(*[jnn.Linear(1, 1, rngs=nnx.Rngs(0)) for _ in range(11)])
    names = [n for n, _ in jnn.named_parameters(nnx.clone(j))]
    assert names[:4] == ["0.weight", "0.bias", "1.weight", "1.bias"]  # not "10.weight" third
    assert list(jaxnn.interop.state_dict(nnx.clone(j))) == names


def test_deep_model_per_layer_counts():
    # S1 6066-6072: Linear layers 200,960 / 32,896 / 8,256 / 650; ReLUs have none.
    t, j, _ = _abstract("deep_model")
    golden = [200_960, 0, 32_896, 0, 8_256, 0, 650]
    t_counts = [sum(p.numel() for p in layer.parameters()) for layer in t]
    j_counts = [jnn.count_parameters(layer) for layer in j]
    assert t_counts == j_counts == golden
    # the notebook's formula, from each layer's own sizes
    for tl, jl in zip(t, j, strict=True):
        if isinstance(tl, tnn.Linear):
            assert (
                jl.in_features * jl.out_features + jl.out_features
                == tl.weight.numel() + tl.out_features
            )


def test_sequential_layers_by_index_and_name():
    # S1 4188-4210: model[0], model[1], named_sequential.input_layer.
    t, j = _pair("named_sequential")
    assert isinstance(j[0], jnn.Linear) and isinstance(j[1], jnn.ReLU)
    assert j.input_layer is j[0] and t.input_layer is t[0]
    assert (j.input_layer.in_features, j.input_layer.out_features) == (
        t.input_layer.in_features,
        t.input_layer.out_features,
    )


# One model per pattern: nesting, a Sequential built in a loop, dropout in eval mode, manual
# parameters, the E15 manual MLP. The plain tensor and sharing have their own tests below;
# plain Sequential stacks are covered by test_container and test_mlp.
FORWARD_MODELS = [
    "ComposedNetwork",
    "FeedForwardNetwork(100,[64,32,16],5)",
    "ImageClassifier",
    "ModuleWithParameter",
    "MLP2Hidden",
]


@pytest.mark.parametrize("name", FORWARD_MODELS)
def test_forward_and_gradients_match_torch(mode, rng, name):
    t, j = _pair(name, mode.name)
    t.eval()  # dropout (ImageClassifier) off on both sides: the same deterministic function
    j.eval()
    shape = MODELS[name][2]
    x = mode.array(rng.uniform(size=shape))
    out_t = t(torch.tensor(x))
    cotangent = mode.array(rng.normal(size=tuple(out_t.shape)))
    (out_t * torch.tensor(cotangent)).sum().backward()

    @nnx.jit  # one compilation per case instead of one per eager op
    def forward_and_grads(model, x):
        return model(x), nnx.grad(lambda m: jnp.sum(m(x) * cotangent))(model)

    out_j, grads = forward_and_grads(j, jnp.asarray(x))
    mode.assert_close(out_j, out_t, name="output")
    mode.assert_state_dict_close(
        _torch_layout_grads(j, grads),
        {k: p.grad for k, p in t.named_parameters()},
        name="gradients",
    )


# --- nn.Parameter vs a plain tensor --------------------------------------------------------------


def test_plain_array_attribute_is_not_a_parameter(mode, rng):
    # S1 4480-4495: a plain tensor attribute is not registered (0 parameters, `Parameters: []`).
    t, j = _pair("ModuleWithTensor", mode.name)
    assert list(t.parameters()) == [] and list(jnn.parameters(j)) == []
    assert jnn.count_parameters(j) == 0 and len(nnx.state(j, nnx.Param)) == 0
    # Neither framework saves it in the state dict ...
    assert dict(t.state_dict()) == {} and jaxnn.interop.state_dict(j) == {}
    # ... but in NNX it is module state (torch would need register_buffer for that): it travels
    # with nnx.split / nnx.state / jax.device_put, and is never differentiated or updated.
    assert "regular_tensor" in nnx.state(j)
    x = mode.array(rng.normal(size=(4, 3)))
    out_t = t(torch.tensor(x))
    assert not out_t.requires_grad  # nothing to backpropagate into on the torch side ...
    grads = nnx.grad(lambda m: jnp.sum(m(jnp.asarray(x))))(j)
    assert jax.tree.leaves(grads) == []  # ... and an empty gradient on the NNX side
    mode.assert_close(j(jnp.asarray(x)), out_t)


def test_manual_parameter_keeps_type_and_trainability():
    # S1 4461-4470: type(param) is nn.Parameter, requires_grad True. The twin is nnx.Param.
    t, j, _ = _eager("ModuleWithParameter")
    for (tn, tp), (jn, jv) in zip(t.named_parameters(), jnn.named_parameters(j), strict=True):
        assert tn == jn and type(tp) is tnn.Parameter and tp.requires_grad
        assert type(jv) is nnx.Param and jv.shape == tuple(tp.shape)


def test_mlp2hidden_parameters_keep_names_and_layouts(mode):
    # E15 (S4 1472-1475): W1 (784, 128), b1 (128,), W2 (128, 10), b2 (10,), used as x @ W1 + b1,
    # so there is nothing to transpose: the state dict is verbatim on both sides.
    t, j = _pair("MLP2Hidden", mode.name)
    shapes = {"W1": (784, 128), "b1": (128,), "W2": (128, 10), "b2": (10,)}
    assert {k: tuple(v.shape) for k, v in t.state_dict().items()} == shapes
    assert {k: v.shape for k, v in jnn.named_parameters(j)} == shapes
    mode.assert_state_dict_close(
        {k: v[...] for k, v in jnn.named_parameters(j)}, t.state_dict(), name="verbatim"
    )
    # Forward and gradients on MNIST-shaped (B, 1, 28, 28) input: test_forward_and_gradients.


def test_mlp2hidden_own_init_matches_torch_distribution():
    # randn(...) * 0.01 and zeros: jaxnn's own draws vs torch's, two-sample KS, exact zeros.
    torch.manual_seed(0)
    t = TMLP2Hidden()
    j = JMLP2Hidden(rngs=nnx.Rngs(0))
    for name in ("W1", "W2"):
        result = stats.ks_2samp(
            np.asarray(getattr(j, name)[...]).ravel(), getattr(t, name).detach().numpy().ravel()
        )
        assert result.pvalue > harness.STATISTICAL_ALPHA, f"{name}: KS p={result.pvalue:.2e}"
    for name, size in (("b1", 128), ("b2", 10)):
        harness.assert_twins_equal(getattr(j, name)[...], getattr(t, name), golden=np.zeros(size))


# --- train() / eval() ----------------------------------------------------------------------------


def test_train_eval_toggle_training_flag_and_dropout(mode, rng):
    # S1 4250-4291: modules start in training mode; eval() turns dropout off.
    t, j = _pair("ModelWithDropout", mode.name)
    assert t.training and jnn.is_training(j) and not j.dropout.deterministic
    assert t.eval() is t  # torch returns the module (S4 1902: model = model.eval())
    assert j.eval() is j  # so does jaxnn.nn.Module (NNX's own eval() returns None)
    assert not t.training and not t.dropout.training
    assert not jnn.is_training(j) and j.dropout.deterministic
    x = mode.array(rng.normal(size=(6, 10)))
    mode.assert_close(j(jnp.asarray(x)), t(torch.tensor(x)), name="eval output")
    t.train()
    j.train()
    assert t.training and jnn.is_training(j) and not j.dropout.deterministic


def test_training_mode_dropout_zeroes_or_rescales_on_both_sides(mode, rng):
    # Masks never match across frameworks; the relation does: each element is 0 or x / (1 - p).
    t, j = _pair("ModelWithDropout", mode.name)
    h = mode.array(rng.uniform(1, 2, size=(50, 20)))
    for out in (j.dropout(jnp.asarray(h)), t.dropout(torch.tensor(h))):
        out = harness.to_numpy(out)
        kept = out != 0
        assert kept.any() and (~kept).any()
        mode.assert_close(out[kept], h[kept] / (1 - 0.5), name="kept elements")


def test_training_flag_without_mode_layers_and_mixed_modes():
    # torch keeps a flag on every module; NNX stores the mode only on Dropout/BatchNorm, so a
    # model without them has no mode to report, and a mixed model has no single answer.
    t, j = TSimpleModule(), JSimpleModule(rngs=nnx.Rngs(0))
    assert t.training
    with pytest.raises(ValueError, match="has no mode-dependent layer"):
        jnn.is_training(j)
    t, j = _pair("ImageClassifier")
    t.network[2].eval()
    j.network[2].eval()
    assert t.training and not t.network[2].training  # model.training is the top module's flag
    assert not jnn.is_training(j.network[2]) and jnn.is_training(j.network[5])
    with pytest.raises(ValueError, match="mixes training and evaluation layers"):
        jnn.is_training(j)


# --- freezing ------------------------------------------------------------------------------------


def test_freeze_and_unfreeze_counts_and_flags():
    # S1 4612-4653: requires_grad False for model[0] -> `Trainable parameters: 105 / 325`;
    # unfreezing everything -> `325 / 325` (§3.2, checked against torch here).
    t, j = _pair("freeze_demo_sequential")
    for p in t[0].parameters():
        p.requires_grad = False
    assert jnn.freeze(j[0]) is j[0]

    def counts():
        t_counts = (
            sum(p.numel() for p in t.parameters() if p.requires_grad),
            sum(p.numel() for p in t.parameters()),
        )
        return t_counts, (jnn.count_parameters(j, trainable_only=True), jnn.count_parameters(j))

    assert counts() == ((105, 325), (105, 325))
    flags_t = [(n, p.requires_grad) for n, p in t.named_parameters()]
    flags_j = [(n, isinstance(v, nnx.Param)) for n, v in jnn.named_parameters(j)]
    assert (
        flags_j
        == flags_t
        == [("0.weight", False), ("0.bias", False), ("2.weight", True), ("2.bias", True)]
    )
    assert all(type(v) is jnn.Frozen for v in jnn.parameters(j[0]))
    # frozen parameters stay in the state dict, with torch's keys
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict())
    for p in t.parameters():
        p.requires_grad = True
    assert jnn.unfreeze(j) is j
    assert counts() == ((325, 325), (325, 325))
    assert all(type(v) is nnx.Param for v in jnn.parameters(j))


def test_frozen_parameters_get_no_gradient(mode, rng):
    t, j = _pair("freeze_demo_sequential", mode.name)
    t[0].requires_grad_(False)
    jnn.freeze(j[0])
    x = mode.array(rng.normal(size=(4, 10)))
    t(torch.tensor(x)).sum().backward()
    grads = nnx.grad(lambda m: jnp.sum(m(jnp.asarray(x))))(j)
    assert t[0].weight.grad is None and t[0].bias.grad is None
    assert set(grads) == {"2"}  # no entry at all for the frozen layer
    mode.assert_close(grads["2"]["kernel"][...], t[2].weight.grad.T)


def _batches(mode, n_batches, seed=1):
    rng = np.random.default_rng(seed)
    data = [
        (mode.array(rng.normal(size=(4, 10))), mode.array(rng.normal(size=(4, 5))))
        for _ in range(n_batches)
    ]
    j = [(jnp.asarray(x), jnp.asarray(y)) for x, y in data]
    t = [(torch.tensor(x), torch.tensor(y)) for x, y in data]
    return j, t


def _fit_both(t, j, mode, n_batches, epochs):
    jl, tl = _batches(mode, n_batches)
    kwargs = dict(lr=0.1, momentum=0.9, weight_decay=0.01)
    t_losses = torch_ref.train.fit(
        t, torch.optim.SGD(t.parameters(), **kwargs), F.mse_loss, tl, epochs
    )
    j_result = jaxnn.train.fit(j, jaxnn.optim.sgd(**kwargs), jaxnn.functional.mse_loss, jl, epochs)
    mode.assert_close(j_result.losses, t_losses.losses, kind="curve", name="losses")
    mode.assert_state_dict_close(jaxnn.interop.state_dict(j), t.state_dict(), kind="curve")


@pytest.mark.parametrize("n_batches, epochs", [(1, 1), (2, 3)], ids=["one_step", "six_steps"])
def test_frozen_layer_is_not_updated_by_fit_like_requires_grad_false(mode, n_batches, epochs):
    # torch: requires_grad=False -> .grad stays None -> SGD skips the parameter (momentum and
    # weight decay included). jaxnn: Frozen is not an nnx.Param, so fit never touches it.
    t, j = _pair("freeze_demo_sequential", mode.name)
    before = {k: v.clone() for k, v in t.state_dict().items()}
    for p in t[0].parameters():
        p.requires_grad = False
    jnn.freeze(j[0])
    _fit_both(t, j, mode, n_batches, epochs)
    after_j, after_t = jaxnn.interop.state_dict(j), t.state_dict()
    for key in ("0.weight", "0.bias"):
        harness.assert_twins_equal(after_j[key], after_t[key], golden=before[key].numpy())
    for key in ("2.weight", "2.bias"):
        assert not np.array_equal(after_j[key], before[key].numpy()), key
    # Unfreezing restores training: the next fit updates every parameter on both sides
    # (jaxnn.train.fit starts a fresh optimizer state; _fit_both builds a fresh torch SGD).
    for p in t.parameters():
        p.requires_grad = True
    jnn.unfreeze(j)
    _fit_both(t, j, mode, n_batches, epochs)
    for key in ("0.weight", "0.bias"):
        assert not np.array_equal(jaxnn.interop.state_dict(j)[key], before[key].numpy()), key


def test_freeze_keeps_a_tied_variable_tied():
    # Weight tying: one parameter reachable from two layers stays one parameter when frozen.
    t_a, t_b = tnn.Linear(4, 4), tnn.Linear(4, 4)
    t_b.weight = t_a.weight
    t_a.weight.requires_grad = False
    assert not t_b.weight.requires_grad
    j = jnn.Sequential(jnn.Linear(4, 4, rngs=nnx.Rngs(0)), jnn.Linear(4, 4, rngs=nnx.Rngs(1)))
    j[1].kernel = j[0].kernel
    jnn.freeze(j)
    assert j[1].kernel is j[0].kernel and type(j[0].kernel) is jnn.Frozen
    jnn.unfreeze(j)
    assert j[1].kernel is j[0].kernel and type(j[0].kernel) is nnx.Param


# --- parameter sharing ---------------------------------------------------------------------------


@nnx.jit
def _sum_of_squares_grads(model, x):
    return nnx.grad(lambda m: jnp.sum(m(x) ** 2))(model)


def test_shared_layer_counts_once_and_gradients_add_up(mode, rng):
    # S1 4655-4684: one Linear applied twice -> 110 parameters; its gradient is the sum of the
    # gradients of both uses (checked against two separate copies of the layer, on both sides).
    t, j = _pair("SharedParameterModule", mode.name)
    assert [n for n, _ in jnn.named_parameters(j)] == ["shared_layer.weight", "shared_layer.bias"]
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict())
    assert jnn.count_parameters(j) == sum(p.numel() for p in t.parameters()) == 110
    x = mode.array(rng.normal(size=(4, 10)))
    tu = TUnsharedTwin(t)  # copies made before any .grad exists
    t(torch.tensor(x)).square().sum().backward()
    g_j = _sum_of_squares_grads(j, jnp.asarray(x))["shared_layer"]
    mode.assert_close(g_j["kernel"][...], t.shared_layer.weight.grad.T, name="shared weight grad")
    mode.assert_close(g_j["bias"][...], t.shared_layer.bias.grad, name="shared bias grad")
    tu(torch.tensor(x)).square().sum().backward()
    ju = _placeholder_twin(JUnsharedTwin, mode.name)
    jaxnn.interop.load_state_dict(ju, tu.state_dict())
    gu = _sum_of_squares_grads(ju, jnp.asarray(x))
    mode.assert_close(
        t.shared_layer.weight.grad, tu.first.weight.grad + tu.second.weight.grad, name="torch sum"
    )
    mode.assert_close(
        g_j["kernel"][...], gu["first"]["kernel"][...] + gu["second"]["kernel"][...], name="jax sum"
    )
    mode.assert_close(g_j["bias"][...], gu["first"]["bias"][...] + gu["second"]["bias"][...])


def test_shared_layer_training_matches_torch(mode):
    t, j = _pair("SharedParameterModule", mode.name)
    jl, tl = _batches(mode, 2)
    jl = [(x, y @ jnp.ones((5, 10), y.dtype)) for x, y in jl]  # 10 outputs
    tl = [(x, y @ torch.ones(5, 10, dtype=y.dtype)) for x, y in tl]
    t_losses = torch_ref.train.fit(t, torch.optim.SGD(t.parameters(), lr=0.01), F.mse_loss, tl, 2)
    result = jaxnn.train.fit(j, jaxnn.optim.sgd(lr=0.01), jaxnn.functional.mse_loss, jl, 2)
    mode.assert_close(result.losses, t_losses.losses, kind="curve")
    mode.assert_state_dict_close(jaxnn.interop.state_dict(j), t.state_dict(), kind="curve")
    assert len(jax.tree.leaves(result.state.params)) == 2  # one kernel, one bias to update


def test_module_registered_under_two_names():
    # named_parameters lists a shared parameter once (torch's remove_duplicate=True), while the
    # state dict repeats it under every name, on both sides.
    t = tnn.Module()
    t.a = tnn.Linear(3, 2)
    t.b = t.a
    j = nnx.Module()
    j.a = jnn.Linear(3, 2, rngs=nnx.Rngs(0))
    j.b = j.a
    assert [n for n, _ in jnn.named_parameters(j)] == [n for n, _ in t.named_parameters()]
    keys = ["a.weight", "a.bias", "b.weight", "b.bias"]
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict()) == keys
    assert jnn.count_parameters(j) == sum(p.numel() for p in t.parameters()) == 8


# --- to(device) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["cpu", None], ids=["cpu", "default"])
def test_to_device_moves_the_state_in_place_and_returns_the_module(device):
    # S1 4224-4248: model.to(device) moves every parameter in place and returns the model.
    t, j = _pair("MultiLayerNetwork(20,64,10)")
    assert t.to(device or "cpu") is t
    assert next(t.parameters()).device.type == "cpu"
    target = jaxnn.device.default_device() if device is None else jax.devices("cpu")[0]
    before = jaxnn.interop.state_dict(j)
    assert jnn.to(j, device) is j
    for leaf in jax.tree.leaves(nnx.state(j)):
        assert leaf.devices() == {target} and leaf.committed
    assert next(jnn.parameters(j))[...].devices() == {target}
    for key, value in jaxnn.interop.state_dict(j).items():  # moved, not changed
        harness.assert_equal(value, before[key], name=key)


def test_to_device_moves_plain_arrays_that_torch_leaves_behind():
    # torch's .to moves parameters and buffers only; a plain tensor attribute stays ("meta" shows
    # the move on a CPU-only machine). In NNX a plain array is state, so it moves with the rest.
    t = TModuleWithTensor()
    t.p = tnn.Parameter(torch.ones(2))
    t.to("meta")
    assert t.p.device.type == "meta" and t.regular_tensor.device.type == "cpu"
    # the same for dtypes: .to(torch.float64) converts the parameter, not the plain tensor
    t = TModuleWithTensor()
    t.p = tnn.Parameter(torch.ones(2))
    t.to(torch.float64)
    assert t.p.dtype == torch.float64 and t.regular_tensor.dtype == torch.float32
    j = JModuleWithTensor(rngs=nnx.Rngs(0))
    assert not j.regular_tensor.committed
    jnn.to(j, "cpu")
    assert j.regular_tensor.committed and j.regular_tensor.devices() == {jax.devices("cpu")[0]}
