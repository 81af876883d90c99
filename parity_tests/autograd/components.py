"""The components ``parity_tests/autograd`` measures: its rows of ``jaxnn parity``'s table.

Each test module marks itself with one (``pytestmark = NAME``), or a parameter or a test
with its own; the suite refuses to run a library test that names none.
"""

import pytest

GRAPH = pytest.mark.component(
    "no_grad, detach, retain_grad",
    torch="torch.no_grad, Tensor.detach, retain_grad",
    jaxnn="jax.lax.stop_gradient, jax.vjp",
    lesson="07_autograd",
)

SCALAR_GRADIENTS = pytest.mark.component(
    "Gradients of scalar functions",
    torch="loss.backward(), torch.autograd.grad",
    jaxnn="jax.grad, jax.value_and_grad",
    lesson="07_autograd",
)

TRAINING_CODE = pytest.mark.component(
    "Autograd in training code",
    torch="requires_grad_(False), .data",
    jaxnn="jaxnn.nn.freeze, nnx.Param updates",
    lesson="07_autograd",
)
