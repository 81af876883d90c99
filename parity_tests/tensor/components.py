"""The components ``parity_tests/tensor`` measures: its rows of ``jaxnn parity``'s table.

Each test module marks itself with one (``pytestmark = NAME``), or a parameter or a test
with its own; the suite refuses to run a library test that names none.
"""

import pytest

ELEMENTWISE = pytest.mark.component(
    "Element-wise math and in-place ops",
    torch="torch.exp, torch.clamp, x.add_()",
    jaxnn="jnp.exp, jnp.clip, x.at[...].set()",
    lesson="01_tensors",
)

NUMPY_PRIMER = pytest.mark.component(
    "NumPy primer",
    torch="numpy (the notebook's own code)",
    jaxnn="jax.numpy",
    lesson="01_tensors",
)

SEEDING = pytest.mark.component(
    "Seeding and reproducibility",
    torch="torch.manual_seed",
    jaxnn="jaxnn.random.seed_everything, jax.random.key",
    lesson="01_tensors",
)

BROADCASTING = pytest.mark.component(
    "Broadcasting",
    torch="torch broadcasting, keepdim=True",
    jaxnn="jnp broadcasting, keepdims=True",
    lesson="02_shapes_and_views",
)

DEVICES = pytest.mark.component(
    "Devices and timing",
    torch="torch.device, Tensor.to(device)",
    jaxnn="jaxnn.device.to_device, jax.devices",
    lesson="03_devices",
)

MATMUL = pytest.mark.component(
    "Matrix multiplication",
    torch="torch.mm, torch.matmul, @",
    jaxnn="jnp.matmul, @",
    lesson="05_matmul",
)
