"""Inventory §1.21: device selection, placement, the same-device rule and timing.

Notebook lines: S1 16-34 and 444-630 (device patterns, ``safe_add``), S1 632-665 and
S4 17-54 (timing). The machine may be CPU-only, so the torch same-device error
is shown with the ``meta`` device and JAX's with two CPU devices in a subprocess.
"""

import json
import math
import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import jaxnn.device
import torch_ref.device
from twincore import harness

from .components import DEVICES

pytestmark = DEVICES


def _cuda_or_mps() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return torch.cuda.is_available() or bool(mps is not None and mps.is_available())


def test_torch_device_default_is_first_listed_and_cpu_without_accelerator():
    devices = torch_ref.device.list_devices()
    default = torch_ref.device.default_device()
    assert isinstance(default, torch.device)
    assert devices[0].type == default.type
    assert devices[-1] == torch_ref.device.DeviceInfo("cpu", "cpu", None, "cpu")
    for info in devices:
        assert torch.device(info.name).type == info.type
        assert torch.device(info.name).index == info.index
    if not _cuda_or_mps():
        assert default == torch.device("cpu")
        assert len(devices) == 1


def test_jax_devices_default_is_first_listed_and_cpu_always_listed():
    devices = jaxnn.device.list_devices()
    default = jaxnn.device.default_device()
    assert default == jax.devices()[0]
    assert devices[0].type == default.platform == jax.default_backend()
    assert jax.devices(devices[0].type)[devices[0].index] == default
    assert "cpu" in {info.type for info in devices}  # the host is always usable
    for info in devices:
        assert jaxnn.device.to_device(jnp.zeros(()), info.name).devices() == {
            jax.devices(info.type)[info.index]
        }


def test_torch_to_returns_same_tensor_when_already_there():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert torch_ref.device.to_device(x, "cpu") is x
    assert torch_ref.device.to_device(x, torch.device("cpu")) is x
    moved = torch_ref.device.to_device(x, "meta")  # another device: a new tensor
    assert moved is not x and moved.device.type == "meta" and moved.shape == x.shape
    assert x.device.type == "cpu"  # the original stays where it was


def test_jax_device_put_commits_the_array_to_that_device(mode):
    x_np = mode.array([[1.0, 2.0], [3.0, 4.0]])
    x = jnp.asarray(x_np)
    assert not x.committed  # made without a device: JAX may move it
    dev = jax.devices()[0]
    placed = jaxnn.device.to_device(x, dev)
    assert placed.committed
    assert placed.devices() == {dev}
    mode.assert_close(placed, x_np)
    # torch-style strings name the same device; the result is a new (immutable) object
    by_name = jaxnn.device.to_device(placed, str(dev.platform))
    assert by_name.devices() == {jax.devices(dev.platform)[0]}
    assert by_name is not placed
    mode.assert_close(by_name, torch_ref.device.to_device(torch.from_numpy(x_np), "cpu"))


def test_to_device_rejects_unknown_devices():
    with pytest.raises(ValueError, match="no MPS backend"):
        jaxnn.device.to_device(jnp.ones(2), "mps")
    with pytest.raises(ValueError, match="device string"):
        jaxnn.device.to_device(jnp.ones(2), "npu")
    with pytest.raises(RuntimeError, match="cpu:99"):
        jaxnn.device.to_device(jnp.ones(2), "cpu:99")
    with pytest.raises(RuntimeError, match="Expected one of"):
        torch_ref.device.to_device(torch.ones(2), "npu")


def test_torch_mixing_devices_raises():
    a = torch.tensor([1.0, 2.0, 3.0])
    b = torch.tensor([4.0, 5.0, 6.0], device="meta")
    # On CUDA the text is "Expected all tensors to be on the same device" (S1 583);
    # a CPU-only build shows the same rule through the meta device.
    with pytest.raises(
        RuntimeError, match="Tensor on device meta is not on the expected device cpu"
    ):
        a + b
    with pytest.raises(
        RuntimeError, match="Tensor on device cpu is not on the expected device meta"
    ):
        b + a


def test_torch_safe_add_moves_second_operand_to_first_device(mode):
    x = mode.array([1.0, 2.0])
    y = mode.array([3.0, 4.0])
    result = torch_ref.device.safe_add(torch.from_numpy(x), torch.from_numpy(y))
    mode.assert_close(result, mode.array([4.0, 6.0]))  # S1 617-630
    mode.assert_close(jaxnn.device.safe_add(jnp.asarray(x), jnp.asarray(y)), result)
    # Across devices: the meta tensor wins, so the CPU operand is moved there.
    on_meta = torch_ref.device.safe_add(torch.from_numpy(x).to("meta"), torch.from_numpy(y))
    assert on_meta.device.type == "meta" and on_meta.shape == (2,)


def test_safe_add_same_device_values(mode):
    t1, t2 = mode.array([1.0, 2.0, 3.0]), mode.array([4.0, 5.0, 6.0])
    expected = torch_ref.device.same_device_add(torch.from_numpy(t1), torch.from_numpy(t2))
    mode.assert_close(expected, mode.array([5.0, 7.0, 9.0]))  # S4 2186
    actual = jaxnn.device.same_device_add(jnp.asarray(t1), jnp.asarray(t2))
    mode.assert_close(actual, expected)
    assert actual.devices() == {jax.devices()[0]}


# Runs with two host CPU devices, which must be configured before JAX starts.
_TWO_DEVICES = textwrap.dedent(
    """
    import json
    import jax
    jax.config.update("jax_num_cpu_devices", 2)
    import jax.numpy as jnp
    import jaxnn.device

    d0, d1 = jax.devices()
    a = jaxnn.device.to_device(jnp.array([1.0, 2.0]), d0)
    b = jaxnn.device.to_device(jnp.array([3.0, 4.0]), d1)
    out = {"n_devices": len(jax.devices()), "committed": [a.committed, b.committed]}
    try:
        a + b
        out["mixed_error"] = None
    except ValueError as e:
        out["mixed_error"] = str(e)
    loose = jnp.array([3.0, 4.0])  # uncommitted: follows its committed operand
    out["loose_committed"] = loose.committed
    mixed = b + loose
    out["loose_plus_b"] = {"value": mixed.tolist(), "devices": [d.id for d in mixed.devices()]}
    s = jaxnn.device.safe_add(a, b)
    out["safe_add"] = {"value": s.tolist(), "devices": [d.id for d in s.devices()]}
    s2 = jaxnn.device.safe_add(b, a)
    out["safe_add_reversed"] = {"value": s2.tolist(), "devices": [d.id for d in s2.devices()]}
    c = jaxnn.device.to_device(jnp.array([1.0, 2.0, 3.0]), "cpu:1")
    out["to_cpu1"] = [d.id for d in c.devices()]
    t = jaxnn.device.same_device_add(c, jaxnn.device.to_device(jnp.array([4.0, 5.0, 6.0]), d0))
    out["same_device_add"] = {"value": t.tolist(), "devices": [d.id for d in t.devices()]}
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def two_devices() -> dict:
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    proc = subprocess.run(
        [sys.executable, "-c", _TWO_DEVICES],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_jax_committed_arrays_on_different_devices_raise(two_devices):
    assert two_devices["n_devices"] == 2
    assert two_devices["committed"] == [True, True]
    # torch's "Expected all tensors to be on the same device", JAX's wording:
    assert "incompatible devices" in two_devices["mixed_error"]


def test_jax_uncommitted_array_moves_automatically(two_devices):
    assert two_devices["loose_committed"] is False
    harness.assert_equal(np.array(two_devices["loose_plus_b"]["value"]), np.array([6.0, 8.0]))
    assert two_devices["loose_plus_b"]["devices"] == [1]  # b's device, no error


def test_jax_safe_add_moves_second_operand_to_first_device(two_devices):
    expected = torch_ref.device.safe_add(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
    for key, device in (("safe_add", 0), ("safe_add_reversed", 1)):
        # Exact: one float32 addition of small integers, on either side.
        harness.assert_equal(np.array(two_devices[key]["value"]), expected)
        assert two_devices[key]["devices"] == [device]
    assert two_devices["to_cpu1"] == [1]
    expected = torch_ref.device.same_device_add(
        torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0])
    )
    harness.assert_equal(np.array(two_devices["same_device_add"]["value"]), expected)
    assert two_devices["same_device_add"]["devices"] == [1]


def _recipe_inputs(n: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    # The documented input recipe of time_matmul (its docstring), rebuilt here.
    a, b = np.random.default_rng(0).standard_normal((2, n, n))
    return a.astype(dtype), b.astype(dtype)


def _check_timing(report: dict, n: int, repeats: int) -> None:
    # Never assert speed: only that the numbers are sane.
    assert report["n"] == n and report["flops"] == 2 * n**3
    assert len(report["times"]) == repeats
    assert all(math.isfinite(t) and t > 0 for t in report["times"])
    assert math.isfinite(report["seconds"]) and report["seconds"] > 0
    assert min(report["times"]) <= report["seconds"] <= max(report["times"])
    assert report["gflops"] > 0


@pytest.mark.parametrize("n", [1, 8])
def test_time_matmul_smoke(mode, n):
    torch_report = torch_ref.device.time_matmul(n, "cpu", repeats=3, warmup=1, dtype=mode.name)
    jax_report = jaxnn.device.time_matmul(n, "cpu", repeats=3, warmup=1, dtype=mode.name)
    for report in (torch_report, jax_report):
        _check_timing(report, n, repeats=3)
    assert torch_report["framework"] == "torch" and jax_report["framework"] == "jax"
    assert jax_report["result"].dtype == mode.jnp
    assert torch_report["result"].dtype == mode.torch
    a, b = _recipe_inputs(n, mode.np)
    mode.assert_close(torch_report["result"], a @ b)
    mode.assert_close(jax_report["result"], torch_report["result"])


def test_time_matmul_without_warmup_and_default_device():
    torch_report = torch_ref.device.time_matmul(4, repeats=1, warmup=0)
    jax_report = jaxnn.device.time_matmul(4, repeats=1, warmup=0)
    _check_timing(torch_report, 4, repeats=1)
    _check_timing(jax_report, 4, repeats=1)
    assert torch_report["device"] == str(torch_ref.device.default_device())
    assert jax_report["device"] == str(jaxnn.device.default_device())


@pytest.mark.parametrize(
    "kwargs", [{"n": 0}, {"n": 4, "repeats": 0}, {"n": 4, "warmup": -1}, {"n": 2.0}]
)
def test_time_matmul_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="time_matmul"):
        torch_ref.device.time_matmul(**kwargs)
    with pytest.raises(ValueError, match="time_matmul"):
        jaxnn.device.time_matmul(**kwargs)


def test_time_matmul_float64_needs_x64_in_jax():
    # torch has float64 always; JAX only with 64-bit types enabled.
    assert torch_ref.device.time_matmul(2, dtype="float64")["result"].dtype == torch.float64
    with jax.enable_x64(False):
        with pytest.raises(RuntimeError, match="float64 needs 64-bit types"):
            jaxnn.device.time_matmul(2, dtype="float64")


# --- device= on the creation functions, x.to(device) (inventory §1.21 "moving data") ---------

_CPU = jax.devices("cpu")[0]


def _cpu_spellings():
    """Every way a notebook line can name the CPU, and what jaxnn makes of it."""
    info = next(d for d in jaxnn.device.list_devices() if d.type == "cpu")
    return ["cpu", "cpu:0", _CPU, info, torch.device("cpu"), torch.device("cpu", 0)]


@pytest.mark.parametrize("device", _cpu_spellings(), ids=repr)
def test_creation_functions_take_torchs_device_argument(device):
    # torch.tensor(..., device=device), torch.zeros(3, 3, device=device) (S1 503, 604):
    # the same values, and the array is committed to that device.
    t = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device="cpu")
    arrays = {
        "tensor": (jaxnn.functional.tensor([[1.0, 2.0], [3.0, 4.0]], device=device), t),
        "zeros": (jaxnn.functional.zeros(3, 3, device=device), torch.zeros(3, 3, device="cpu")),
        "ones": (jaxnn.functional.ones(2, 4, device=device), torch.ones(2, 4, device="cpu")),
        "tensor of ints": (
            jaxnn.functional.tensor([1, 2], dtype=jnp.int32, device=device),
            torch.tensor([1, 2], dtype=torch.int32),
        ),
        "to": (jaxnn.device.to(jnp.asarray([[1.0, 2.0], [3.0, 4.0]]), device), t),
    }
    for name, (j, expected) in arrays.items():
        harness.assert_equal(j, expected, name=name)
        assert j.devices() == {_CPU} and j.committed, name
    assert jaxnn.device.resolve(device) == _CPU
    if not isinstance(device, jax.Device):
        assert torch_ref.device.resolve(device).type == "cpu"


def test_creation_without_device_stays_uncommitted():
    # No device= is JAX's default placement, free to follow its operands (torch: the CPU).
    for x in (jaxnn.functional.tensor([1.0]), jaxnn.functional.zeros(2), jaxnn.functional.ones(2)):
        assert not x.committed and x.devices() == {jax.devices()[0]}


def test_a_device_jax_does_not_have_is_a_clear_error():
    names = ", ".join(d.name for d in jaxnn.device.list_devices())
    platforms = {d.platform for d in jax.devices()} | {"cpu"}
    absent = next(
        p
        for p in ("tpu", "cuda")
        if p not in platforms and not (p == "cuda" and "gpu" in platforms)
    )
    with pytest.raises(
        RuntimeError, match=f"no '{absent}' device is available to JAX; the devices are: {names}"
    ):
        jaxnn.functional.zeros(3, 3, device=absent)
    with pytest.raises(
        RuntimeError, match=f"'cpu:7': JAX sees only 1 cpu device\\(s\\); the devices are: {names}"
    ):
        jaxnn.functional.tensor([1.0], device="cpu:7")
    with pytest.raises(TypeError, match="device must be a jax.Device, a string"):
        jaxnn.device.to(jnp.ones(2), 3)
