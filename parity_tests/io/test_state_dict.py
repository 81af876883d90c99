"""``jaxnn.interop.state_dict`` / ``load_state_dict``: conversion as data, bit-exact round trips."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from flax import nnx

import jaxnn
import torch_ref
from twincore import harness

from .components import STATE_DICT

pytestmark = STATE_DICT


def _models(dtype="float32"):
    torch.manual_seed(0)
    t = torch_ref.models.NeuralNetwork(3, 2).to(getattr(torch, dtype))
    with jax_x64(dtype):
        j = jaxnn.models.NeuralNetwork(3, 2, dtype=dtype, rngs=nnx.Rngs(1))
    return t, j


class ManualParams(nnx.Module):
    """A custom module: plain parameters (the notebook's nn.Parameter models) and a nested layer."""

    def __init__(self, rngs):
        self.W1 = nnx.Param(jnp.ones((4, 3)))
        self.b1 = nnx.Param(jnp.zeros(3))
        self.head = jaxnn.nn.Linear(3, 2, rngs=rngs)


class TorchManualParams(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.W1 = torch.nn.Parameter(torch.ones(4, 3))
        self.b1 = torch.nn.Parameter(torch.zeros(3))
        self.head = torch.nn.Linear(3, 2)


def test_keys_order_and_layouts_match_torch():
    t, j = _models()
    sd = jaxnn.interop.state_dict(j)
    assert list(sd) == list(t.state_dict())
    for key, value in t.state_dict().items():
        assert sd[key].shape == tuple(value.shape), key
    # Linear: kernel (in, out) is stored transposed as weight (out, in).
    np.testing.assert_array_equal(sd["layers.0.weight"], np.asarray(j.layers[0].kernel[...]).T)


def test_custom_module_keys_keep_names_and_layouts():
    j = ManualParams(nnx.Rngs(0))
    t = TorchManualParams()
    assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict())
    jaxnn.interop.load_state_dict(j, t.state_dict())
    harness.assert_state_dict_close(
        jaxnn.interop.state_dict(j), t.state_dict(), harness.printed(12)
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_torch_to_jax_to_torch_is_bit_exact(dtype):
    t, j = _models(dtype)
    with jax_x64(dtype):
        assert repr(jaxnn.interop.load_state_dict(j, t.state_dict())) == (
            "<All keys matched successfully>"
        )
        back = jaxnn.interop.state_dict(j)
    t2 = torch_ref.models.NeuralNetwork(3, 2).to(getattr(torch, dtype))
    t2.load_state_dict({k: torch.from_numpy(v) for k, v in back.items()})
    for key, value in t.state_dict().items():
        assert torch.equal(t2.state_dict()[key], value), key


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_jax_to_torch_to_jax_is_bit_exact(dtype):
    t, j = _models(dtype)
    with jax_x64(dtype):
        before = jaxnn.interop.state_dict(j)
        t.load_state_dict({k: torch.from_numpy(v) for k, v in before.items()})
        j2 = jaxnn.models.NeuralNetwork(3, 2, dtype=dtype, rngs=nnx.Rngs(7))
        jaxnn.interop.load_state_dict(j2, t.state_dict())
        after = jaxnn.interop.state_dict(j2)
    for key in before:
        assert after[key].dtype == before[key].dtype == np.dtype(dtype)
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)


def test_loaded_parameters_do_not_alias_torch_storage():
    # torch's optimizer mutates parameters in place; a zero-copy load would follow it.
    t, j = _models()
    jaxnn.interop.load_state_dict(j, t.state_dict())
    snapshot = jaxnn.interop.state_dict(j)
    with torch.no_grad():
        for p in t.parameters():
            p.add_(1.0)
    harness.assert_state_dict_close(jaxnn.interop.state_dict(j), snapshot, harness.printed(12))


def test_missing_and_unexpected_keys_are_named():
    t, j = _models()
    sd = dict(t.state_dict())
    del sd["layers.2.bias"]
    sd["layers.9.weight"] = torch.zeros(1)
    with pytest.raises(RuntimeError) as info:
        jaxnn.interop.load_state_dict(j, sd)
    msg = str(info.value)
    assert 'Missing key(s) in state_dict: "layers.2.bias"' in msg
    assert 'Unexpected key(s) in state_dict: "layers.9.weight"' in msg
    # torch's own strict mode says the same.
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "layers.2.bias"'):
        t.load_state_dict(sd)


def test_non_strict_reports_instead_of_raising():
    t, j = _models()
    sd = dict(t.state_dict())
    del sd["layers.4.bias"]
    sd["extra"] = torch.zeros(1)
    result = jaxnn.interop.load_state_dict(j, sd, strict=False)
    expected = t.load_state_dict(sd, strict=False)
    assert result.missing_keys == expected.missing_keys == ["layers.4.bias"]
    assert result.unexpected_keys == expected.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(
        jaxnn.interop.state_dict(j)["layers.4.weight"], sd["layers.4.weight"].numpy()
    )


def test_shape_mismatch_names_key_and_both_shapes_and_writes_nothing():
    t, j = _models()
    before = jaxnn.interop.state_dict(j)
    sd = dict(t.state_dict())
    sd["layers.2.weight"] = torch.zeros(20, 31)
    with pytest.raises(RuntimeError) as info:
        jaxnn.interop.load_state_dict(j, sd, strict=False)
    assert (
        "size mismatch for layers.2.weight: copying a param with shape (20, 31) from "
        "checkpoint, the shape in current model is (20, 30)."
    ) in str(info.value)
    with pytest.raises(RuntimeError, match="size mismatch for layers.2.weight"):
        t.load_state_dict(sd)
    # No partial load: layers.0 (checked and valid) was not written either.
    after = jaxnn.interop.state_dict(j)
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)


def test_wrong_dtype_and_wrong_container_are_clear_errors():
    t, j = _models()
    sd = {k: v.numpy() for k, v in t.state_dict().items()}
    sd["layers.0.bias"] = sd["layers.0.bias"].astype(np.int64)
    with pytest.raises(RuntimeError, match="dtype mismatch for layers.0.bias: got int64"):
        jaxnn.interop.load_state_dict(j, sd)
    with pytest.raises(TypeError, match="mapping of names to arrays"):
        jaxnn.interop.load_state_dict(j, [1, 2, 3])


def test_load_casts_to_the_parameter_dtype_like_torch_copy():
    t, j = _models("float32")
    sd64 = {k: v.double() for k, v in t.state_dict().items()}
    jaxnn.interop.load_state_dict(j, sd64)
    t.load_state_dict(sd64)
    for key, value in jaxnn.interop.state_dict(j).items():
        assert value.dtype == np.float32
        np.testing.assert_array_equal(value, t.state_dict()[key].numpy(), err_msg=key)


def jax_x64(dtype):
    return jax.enable_x64(dtype == "float64")


def test_float64_parameters_without_x64_raise_instead_of_truncating():
    with jax.enable_x64(False), pytest.raises(ValueError, match="needs 64-bit types"):
        jaxnn.nn.Linear(2, 2, dtype="float64", rngs=nnx.Rngs(0))


def test_every_conversion_entry_names_an_existing_layer():
    # The table is keyed by qualified name; a renamed or moved layer must not fall through
    # to the generic path silently (its kernel would keep Flax's layout under torch's name).
    import importlib

    for qualified, conversions in jaxnn.interop.CONVERSIONS.items():
        module_name, _, class_name = qualified.rpartition(".")
        cls = getattr(importlib.import_module(module_name), class_name)
        assert issubclass(cls, nnx.Module), qualified
        assert getattr(jaxnn.nn, class_name) is cls, qualified
        assert [c.key for c in conversions], qualified


@pytest.fixture
def host_inputs_to_jax(monkeypatch):
    """Every NumPy buffer handed to ``jnp.array``/``jnp.asarray``/``jax.device_put``."""
    seen = []

    def spy(fn):
        def wrapper(x, *args, **kwargs):
            if isinstance(x, np.ndarray):
                seen.append(x)
            return fn(x, *args, **kwargs)

        return wrapper

    for owner, name in [(jnp, "array"), (jnp, "asarray"), (jax, "device_put")]:
        monkeypatch.setattr(owner, name, spy(getattr(owner, name)))
    return seen


def _assert_private(seen, source: np.ndarray, what: str):
    assert seen, "the spy saw no host buffer: the test no longer watches the transfer"
    shared = [x.shape for x in seen if np.shares_memory(x, source)]
    assert not shared, f"{what}: JAX was handed the caller's own storage {shared}"


def test_load_hands_jax_a_private_copy_never_torch_storage(host_inputs_to_jax):
    """JAX's host-to-device copy is asynchronous and ``tensor.numpy()`` shares torch's storage:
    handing that storage to JAX lets a later in-place update (torch's ``optimizer.step()``)
    race the transfer and leak into the loaded module. (It did: a 200-step SGD parity run
    started JAX from torch's parameters after ~4 steps.)"""
    torch.manual_seed(0)
    t = torch.nn.Linear(4, 3)
    j = jaxnn.nn.Linear(4, 3, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    _assert_private(host_inputs_to_jax, t.weight.detach().numpy(), "load_state_dict")


@pytest.mark.parametrize("source", ["torch", "numpy"])
def test_embedding_table_is_copied_before_jax_sees_it(host_inputs_to_jax, source):
    table = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    if source == "torch":
        tensor = torch.tensor(table)
        jaxnn.nn.Embedding.from_pretrained(tensor)
        storage = tensor.numpy()
    else:
        jaxnn.nn.Embedding.from_pretrained(table)
        storage = table
    _assert_private(host_inputs_to_jax, storage, "Embedding.from_pretrained")
