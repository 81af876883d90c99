"""The update rule in prose, new = old − lr·grad (inventory §1.16; S0 323-336, S4 1691-1699,
S1 9680-9684): written by hand it is what plain SGD's step does, in both frameworks."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch

import jaxnn

from .components import SGD

pytestmark = SGD


def test_manual_update_equals_the_sgd_step(mode, rng):
    w0 = mode.array(rng.normal(size=(3, 2)))
    x, y = mode.array(rng.normal(size=(5, 3))), mode.array(rng.normal(size=(5, 2)))
    lr = 0.1
    # torch: by hand under no_grad, then optim.SGD from the same weights.
    w = torch.tensor(w0, requires_grad=True)
    ((torch.from_numpy(x) @ w - torch.from_numpy(y)) ** 2).mean().backward()
    with torch.no_grad():
        manual_t = w - lr * w.grad
    p = torch.nn.Parameter(torch.tensor(w0))
    optimizer = torch.optim.SGD([p], lr=lr)
    ((torch.from_numpy(x) @ p - torch.from_numpy(y)) ** 2).mean().backward()
    optimizer.step()
    # JAX: by hand, then jaxnn.optim.sgd's update.
    params = jnp.asarray(w0)
    grad = jax.grad(lambda v: jnp.mean((jnp.asarray(x) @ v - jnp.asarray(y)) ** 2))(params)
    manual_j = params - lr * grad
    tx = jaxnn.optim.sgd(lr=lr)
    updates, _ = tx.update(grad, tx.init(params), params)
    stepped_j = optax.apply_updates(params, updates)
    mode.assert_close(p.detach(), manual_t, name="torch: SGD step vs by hand")
    mode.assert_close(stepped_j, manual_j, name="jax: sgd step vs by hand")
    mode.assert_twins_close(manual_j, manual_t.numpy(), name="by hand")
    mode.assert_twins_close(stepped_j, p.detach().numpy(), name="optimizer step")
    assert not np.allclose(np.asarray(stepped_j), w0)  # the step moved the weights
