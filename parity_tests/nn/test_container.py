"""``nn.Sequential`` twin (inventory §1.11; S1 4169-4218, 6045-6106, 6288-6313)."""

from collections import OrderedDict

import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx

import jaxnn
from twincore import harness

from .components import SEQUENTIAL

pytestmark = SEQUENTIAL


def _pair(dtype="float32"):
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).to(
        getattr(torch, dtype)
    )
    rngs = nnx.Rngs(0)
    j = jaxnn.nn.Sequential(
        jaxnn.nn.Linear(3, 4, dtype=dtype, rngs=rngs),
        jaxnn.nn.ReLU(),
        jaxnn.nn.Linear(4, 2, dtype=dtype, rngs=rngs),
    )
    jaxnn.interop.load_state_dict(j, t.state_dict())
    return t, j


def test_sequential_forward_equals_manual_stepping(mode, rng):
    # S1 6315-6323: stepping model[0], model[1], model[2] by hand equals model(x).
    t, j = _pair(mode.name)
    x = mode.array(rng.normal(size=(5, 3)))
    xj = jnp.asarray(x)
    manual = j[2](j[1](j[0](xj)))
    mode.assert_close(j(xj), manual)
    mode.assert_close(j(xj), t(torch.tensor(x)))


def test_sequential_keys_match_torch():
    t, j = _pair()
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict())


def test_sequential_len_iteration_and_indexing():
    rngs = nnx.Rngs(0)
    layers = [jaxnn.nn.Linear(3, 4, rngs=rngs), jaxnn.nn.ReLU(), jaxnn.nn.Linear(4, 1, rngs=rngs)]
    model = jaxnn.nn.Sequential(*layers)
    assert len(model) == 3
    assert list(model) == layers
    assert model[-1] is layers[2]
    assert [name for name, _ in model.named_children()] == ["0", "1", "2"]
    head = model[:2]
    assert isinstance(head, jaxnn.nn.Sequential) and len(head) == 2 and head[0] is layers[0]
    x = jnp.ones((2, 3))
    np.testing.assert_array_equal(model[2](head(x)), model(x))
    with pytest.raises(IndexError, match="out of range for 3 children"):
        model[3]


def test_sequential_ordered_dict_names_become_keys():
    # S1 4186-4218: named layers are attributes and state-dict prefixes.
    torch.manual_seed(0)
    t = torch.nn.Sequential(
        OrderedDict(
            [
                ("input_layer", torch.nn.Linear(10, 20)),
                ("act", torch.nn.ReLU()),
                ("output_layer", torch.nn.Linear(20, 5)),
            ]
        )
    )
    rngs = nnx.Rngs(0)
    j = jaxnn.nn.Sequential(
        OrderedDict(
            [
                ("input_layer", jaxnn.nn.Linear(10, 20, rngs=rngs)),
                ("act", jaxnn.nn.ReLU()),
                ("output_layer", jaxnn.nn.Linear(20, 5, rngs=rngs)),
            ]
        )
    )
    assert j.input_layer is j[0]
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict())
    jaxnn.interop.load_state_dict(j, t.state_dict())
    x = np.random.default_rng(0).normal(size=(3, 10)).astype(np.float32)
    harness.assert_close(j(x), t(torch.tensor(x)), harness.tolerance("float32"))


def test_sequential_rejects_non_callables():
    with pytest.raises(TypeError, match="child '0' is not callable"):
        jaxnn.nn.Sequential(3)
