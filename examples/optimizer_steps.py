"""The notebooks' single-step optimizer passages: what ``zero_grad``, ``backward`` and ``step`` do.

- ``simple_nn_step`` (E06, S2 223-262): ``SimpleNN`` (784-128-10) takes one SGD
  step (lr 0.01) with cross-entropy on one MNIST-shaped batch of 64 (the notebook's
  ``randn(64, 1, 28, 28)`` and ``randint(0, 10, (64,))``, from NumPy here). The
  notebook moves everything to the GPU when there is one; so does ``jaxnn run`` on a
  machine with an accelerator (JAX's default device).
- ``one_sgd_step`` (E27, S1 3671-3719): ``Linear(3, 1)``, a hand-written MSE and
  one ``optim.SGD(lr=0.01)`` step; the weights before and after.
- ``zero_grad_demo`` (E58, S1 9974-10033): two backward passes without
  ``zero_grad`` accumulate exactly twice the gradient; ``zero_grad()`` then
  leaves no gradient at all.
- ``optimizer_step_demo`` (E59, S1 10064-10123): ``Linear(2, 1)``, SGD lr 0.1 on
  ``x = [[1, 2]]``, ``y = [[5]]``: the loss after the step is exactly 0.04 times
  the loss before (the error becomes -0.2 times itself; inventory §3.5).

Repairs: E58's notebook cell prints ``param.grad.abs()`` after ``optimizer.zero_grad()``,
which raises ``AttributeError`` because ``zero_grad`` sets the gradients to
``None`` (``set_to_none=True``, the default since torch 2.0); it also says the
accumulated gradients are "roughly 2x" (they are exactly 2x; inventory §5 item
50). Here the example reports whether a gradient exists after ``zero_grad``.
In JAX gradients are return values: accumulation is an explicit sum, and there
is nothing to zero.
"""

from __future__ import annotations

import numpy as np

from jaxnn_examples.example import Example, Settings
from jaxnn_examples.forward import JaxSide, TorchSide, defaults, randn, rng, sgd_step
from jaxnn_examples.recipe import Data, Recipe

# --- E06 -----------------------------------------------------------------------------------


def _mnist_shaped_batch(settings: Settings) -> Data:
    gen = rng(settings)
    inputs = randn(gen, 64, 1, 28, 28, settings=settings)  # 64 images of 28x28 pixels
    labels = gen.integers(0, 10, 64)  # random labels for 64 images
    return Data(inputs, labels)


SIMPLE_NN_STEP = Example(
    "simple_nn_step",
    "SimpleNN: one SGD step on an MNIST-shaped batch (E06)",
    "S2 223-262",
    "SimpleNN: 784-128-10 MLP",
    "64 N(0, 1) images of 1x28x28 and random labels 0-9 (NumPy)",
    "Training step completed on: device; here the loss before and after the step",
    Settings(epochs=1, batch_size=64, lr=0.01, seed=0),
    recipe=Recipe(
        model=("models.SimpleNN",),
        data=_mnist_shaped_batch,
        loss="cross_entropy",
        optimizer="sgd",
        batching="full",
        report=("train_loss",),
    ),
)


# --- E27 -----------------------------------------------------------------------------------


def _sgd_data(settings: Settings):
    gen = rng(settings)
    return randn(gen, 5, 3, settings=settings), randn(gen, 5, 1, settings=settings)


def _one_step_torch(t: TorchSide) -> None:
    import torch

    model = t.model("model", ("nn.Linear", 3, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=t.settings.lr)
    x_np, y_np = _sgd_data(t.settings)
    x, y_true = t.tensor(x_np), t.tensor(y_np)
    t.record_params("before.model", model)
    t.prints("weight before [0, 0]", model.weight.data[0, 0])
    t.prints("bias before", model.bias.data.item())

    optimizer.zero_grad()  # 1. zero gradients from the previous step
    y_pred = model(x)  # 2. forward pass
    loss = ((y_pred - y_true) ** 2).mean()  # 3. compute loss
    loss.backward()  # 4. backward pass
    optimizer.step()  # 5. update parameters

    t.loss(loss)
    t.prints("loss", loss)
    t.record_grads("model", model)
    t.record_params("model", model)
    t.prints("weight after [0, 0]", model.weight.data[0, 0])
    t.prints("bias after", model.bias.data.item())


def _one_step_jax(j: JaxSide) -> None:
    from flax import nnx

    model = j.model("model", ("nn.Linear", 3, 1))
    x_np, y_np = _sgd_data(j.settings)
    x, y_true = j.array(x_np), j.array(y_np)
    j.record_params("before.model", model)
    j.prints("weight before [0, 0]", model.kernel[...][0, 0])
    j.prints("bias before", model.bias[...][0])

    def loss_fn(model):
        y_pred = model(x)
        return ((y_pred - y_true) ** 2).mean()

    loss, grads = nnx.value_and_grad(loss_fn)(model)  # forward, loss, backward
    sgd_step(model, grads, j.settings.lr)  # update parameters

    j.loss(loss)
    j.prints("loss", loss)
    j.record_grads("model", model, grads)
    j.record_params("model", model)
    j.prints("weight after [0, 0]", model.kernel[...][0, 0])
    j.prints("bias after", model.bias[...][0])


ONE_SGD_STEP = Example(
    "one_sgd_step",
    "one complete training step with optim.SGD (E27)",
    "S1 3671-3719",
    "nn.Linear(3, 1)",
    "x ~ N(0, 1) of shape (5, 3), y ~ N(0, 1) of shape (5, 1) (NumPy)",
    "weight and bias before and after the step, the loss",
    defaults(lr=0.01),
    torch_side=_one_step_torch,
    jax_side=_one_step_jax,
)


# --- E58 -----------------------------------------------------------------------------------


def _zero_grad_torch(t: TorchSide) -> None:
    import torch

    model = t.model("model", ("nn.Linear", 3, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=t.settings.lr)
    x_np, y_np = _sgd_data(t.settings)
    x, y = t.tensor(x_np), t.tensor(y_np)
    criterion = torch.nn.MSELoss()
    t.prints("grad exists initially", model.weight.grad is not None)

    for label in ("1st backward", "2nd backward (accumulated)"):
        loss = criterion(model(x), y)
        loss.backward()  # the second call adds to .grad
        t.loss(loss)
        t.record_grads("model", model, prefix=f"grad[{label}]")
        _zero_grad_prints(t, label, t.state)

    optimizer.zero_grad()
    # The notebook prints param.grad.abs() here, an AttributeError: zero_grad() sets the
    # gradients to None (set_to_none=True), it does not fill them with zeros.
    t.prints("grad exists after zero_grad", model.weight.grad is not None)

    loss = criterion(model(x), y)
    loss.backward()
    t.loss(loss)
    t.record_grads("model", model, prefix="grad[3rd backward (after zero_grad)]")
    _zero_grad_prints(t, "3rd backward (after zero_grad)", t.state)
    t.record_params("model", model)


def _zero_grad_jax(j: JaxSide) -> None:
    import jax
    from flax import nnx

    import jaxnn

    model = j.model("model", ("nn.Linear", 3, 1))
    x_np, y_np = _sgd_data(j.settings)
    x, y = j.array(x_np), j.array(y_np)
    criterion = jaxnn.nn.MSELoss()
    loss_and_grad = nnx.value_and_grad(lambda m: criterion(m(x), y))
    j.prints("grad exists initially", False)  # gradients are never stored on a module

    loss, first = loss_and_grad(model)
    j.loss(loss)
    j.record_grads("model", model, first, prefix="grad[1st backward]")
    _zero_grad_prints(j, "1st backward", j.state)
    loss, second = loss_and_grad(model)
    accumulated = jax.tree.map(lambda a, b: a + b, first, second)  # torch's .grad += ...
    j.loss(loss)
    j.record_grads("model", model, accumulated, prefix="grad[2nd backward (accumulated)]")
    _zero_grad_prints(j, "2nd backward (accumulated)", j.state)

    j.prints("grad exists after zero_grad", False)  # a fresh pass starts from nothing

    loss, third = loss_and_grad(model)
    j.loss(loss)
    j.record_grads("model", model, third, prefix="grad[3rd backward (after zero_grad)]")
    _zero_grad_prints(j, "3rd backward (after zero_grad)", j.state)
    j.record_params("model", model)


def _zero_grad_prints(side, label: str, state) -> None:
    for name in ("weight", "bias"):
        grad = np.asarray(state[f"grad[{label}].model.{name}"])
        side.prints(f"{name} mean |grad|, {label}", np.abs(grad).mean())


ZERO_GRAD_DEMO = Example(
    "zero_grad_demo",
    "gradients accumulate until zero_grad (E58)",
    "S1 9974-10033",
    "nn.Linear(3, 1)",
    "x ~ N(0, 1) of shape (5, 3), y ~ N(0, 1) of shape (5, 1) (NumPy)",
    "mean |grad| after 1 and 2 backward passes (exactly 2x), None after zero_grad, then fresh",
    defaults(lr=0.01),
    torch_side=_zero_grad_torch,
    jax_side=_zero_grad_jax,
)


# --- E59 -----------------------------------------------------------------------------------


def _step_demo_torch(t: TorchSide) -> None:
    import torch

    model = t.model("model", ("nn.Linear", 2, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=t.settings.lr)
    initial_weight = model.weight.data.clone()  # save initial parameters
    initial_bias = model.bias.data.clone()
    x, y = t.tensor([[1.0, 2.0]]), t.tensor([[5.0]])
    criterion = torch.nn.MSELoss()
    loss = criterion(model(x), y)
    t.prints("loss before update", t.loss(loss))
    optimizer.zero_grad()
    loss.backward()
    t.record_grads("model", model)
    optimizer.step()
    t.record_params("model", model)
    t.prints("weight changed by", (model.weight.data - initial_weight).abs().sum())
    t.prints("bias changed by", (model.bias.data - initial_bias).abs().sum())
    new_loss = criterion(model(x), y)
    t.prints("loss after update", t.loss(new_loss))


def _step_demo_jax(j: JaxSide) -> None:
    import jax.numpy as jnp
    from flax import nnx

    import jaxnn

    model = j.model("model", ("nn.Linear", 2, 1))
    initial_weight = model.kernel[...]  # arrays are immutable: no clone needed
    initial_bias = model.bias[...]
    x, y = j.array([[1.0, 2.0]]), j.array([[5.0]])
    criterion = jaxnn.nn.MSELoss()
    loss, grads = nnx.value_and_grad(lambda m: criterion(m(x), y))(model)
    j.prints("loss before update", j.loss(loss))
    j.record_grads("model", model, grads)
    sgd_step(model, grads, j.settings.lr)
    j.record_params("model", model)
    j.prints("weight changed by", jnp.abs(model.kernel[...] - initial_weight).sum())
    j.prints("bias changed by", jnp.abs(model.bias[...] - initial_bias).sum())
    j.prints("loss after update", j.loss(criterion(model(x), y)))


OPTIMIZER_STEP_DEMO = Example(
    "optimizer_step_demo",
    "what optimizer.step() changes (E59)",
    "S1 10064-10123",
    "nn.Linear(2, 1), SGD lr 0.1",
    "x = [[1., 2.]], y = [[5.]]",
    "loss before and after (after = 0.04 x before), the parameter changes",
    defaults(lr=0.1),
    torch_side=_step_demo_torch,
    jax_side=_step_demo_jax,
)
