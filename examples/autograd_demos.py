"""The notebooks' backpropagation passages: one forward pass, one backward pass, the gradients.

- ``backprop_step`` (E03, S0 180-222): ``torch.manual_seed(0)``,
  ``Linear(3, 2) -> ReLU -> Linear(2, 1)`` on ``[[1, 2, 3]]``, MSE against 10.
  With the default seed 0 the torch side replays the notebook's prints
  (``Predicted: -0.2039``, ``Loss: 104.1186294555664``).
- ``single_neuron_bce`` (E11, S4 709-788): ``sigmoid(x * w + b)`` with binary
  cross-entropy, gradients by ``torch.autograd.grad``; the notebook's first block
  (w = 2.2) and its printed one (w = 1.2: loss 0.2368, grads -0.2319 / -0.2108).
- ``backprop_math`` (E16, S4 1566-1722): the notebook's equations for a 2-hidden-layer
  MNIST MLP, as code: autograd's gradients next to the closed form
  ``delta3 = (softmax(z3) - onehot(y)) / B`` (the mean reduction's ``1/B``,
  which the notebook's per-sample ``y_hat - y`` leaves out; inventory §5 item 25).
- ``cs336_snippets`` (E20, S4 1938-2004): batched ``@`` shapes and the recap
  ``loss = 0.5 * (x @ w - 5) ** 2`` whose ``w.grad`` is ``x``.
- ``two_layer_backward`` (E25, S1 3397-3454): ``Sequential(Linear(3, 4), ReLU,
  Linear(4, 1))``, a hand-written MSE and the gradients of every parameter.
- ``loss_backward`` (E26, S1 3616-3669): ``Linear(2, 1)`` on ``[[1, 2]]`` vs 3.
- ``gradient_descent_scalar`` (E54, S1 9688-9723): 20 manual steps of gradient
  descent on ``f(x) = (x - 3)^2`` from 0 with lr 0.1; the losses are the ``f``
  values, ``x`` ends at 2.9654.

Repairs: E11's first block uses ``F`` and ``grad`` before importing them
(inventory §5 item 15); E20's ``y = 0.5 (x * w - 5)^2`` line is not a comment
(a SyntaxError, §5 item 29) and its asserts read ``.grad`` of non-leaf tensors
(a warning); here the formula is a comment and only the leaf's gradient is read.
"""

from __future__ import annotations

from jaxnn_examples.example import Example
from jaxnn_examples.forward import JaxSide, TorchSide, defaults, randn, rng

# --- E03 -----------------------------------------------------------------------------------


def _backprop_torch(t: TorchSide) -> None:
    import torch

    # input: 3 features -> hidden: 2 neurons -> output: 1 value (torch.manual_seed(0) first)
    layer1 = t.model("layer1", ("nn.Linear", 3, 2))
    relu = torch.nn.ReLU()
    layer2 = t.model("layer2", ("nn.Linear", 2, 1))
    x = t.tensor([[1.0, 2.0, 3.0]])
    y_true = t.tensor([[10.0]])
    h = layer1(x)  # linear transform
    h_relu = relu(h)  # activation
    y_pred = layer2(h_relu)  # final output
    loss = torch.nn.MSELoss()(y_pred, y_true)
    layer1.zero_grad()
    layer2.zero_grad()
    loss.backward()
    for key, value in (("h", h), ("h_relu", h_relu), ("y_pred", y_pred)):
        t.record(key, value)
    t.record_grads("layer1", layer1)
    t.record_grads("layer2", layer2)
    t.record_params("layer1", layer1)
    t.record_params("layer2", layer2)
    t.prints("predicted", y_pred[0, 0])
    t.prints("loss", loss)


def _backprop_jax(j: JaxSide) -> None:
    from flax import nnx

    import jaxnn

    layer1 = j.model("layer1", ("nn.Linear", 3, 2))
    relu = jaxnn.nn.ReLU()
    layer2 = j.model("layer2", ("nn.Linear", 2, 1))
    x = j.array([[1.0, 2.0, 3.0]])
    y_true = j.array([[10.0]])

    def loss_fn(layer1, layer2):
        h = layer1(x)
        h_relu = relu(h)
        y_pred = layer2(h_relu)
        return jaxnn.nn.MSELoss()(y_pred, y_true), (h, h_relu, y_pred)

    # No zero_grad: gradients are return values, never stored on the layers.
    (loss, (h, h_relu, y_pred)), (g1, g2) = nnx.value_and_grad(
        loss_fn, argnums=(0, 1), has_aux=True
    )(layer1, layer2)
    for key, value in (("h", h), ("h_relu", h_relu), ("y_pred", y_pred)):
        j.record(key, value)
    j.record_grads("layer1", layer1, g1)
    j.record_grads("layer2", layer2, g2)
    j.record_params("layer1", layer1)
    j.record_params("layer2", layer2)
    j.prints("predicted", y_pred[0, 0])
    j.prints("loss", loss)


BACKPROP_STEP = Example(
    "backprop_step",
    "one forward and backward pass through a two-layer network (E03)",
    "S0 180-222",
    "Linear(3, 2) -> ReLU -> Linear(2, 1), torch.manual_seed(0)",
    "x = [[1, 2, 3]], y = [[10]]",
    "Predicted -0.2039, Loss 104.1186294555664 (seed 0); the gradients",
    defaults(0),
    torch_side=_backprop_torch,
    jax_side=_backprop_jax,
)


# --- E11 -----------------------------------------------------------------------------------

# S4 712-716 and 757-761: target, input, then the weight of each block; bias 0.
TARGET, INPUT, BIAS = 1.0, 1.1, 0.0
WEIGHTS = (2.2, 1.2)


def _neuron_torch(t: TorchSide) -> None:
    import torch
    import torch.nn.functional as F
    from torch.autograd import grad

    y = t.tensor([TARGET])  # true label
    x1 = t.tensor([INPUT])  # input
    for w in WEIGHTS:
        w1 = t.tensor([w], requires_grad=True)
        b = t.tensor([BIAS], requires_grad=True)
        z = x1 * w1 + b  # y = mx + c
        a = torch.sigmoid(z)
        loss = F.binary_cross_entropy(a, y)
        grad_l_w1 = grad(loss, w1, retain_graph=True)
        grad_l_b = grad(loss, b, retain_graph=True)
        loss.backward()  # instead of doing all that jazz, just call this
        _neuron_record(t, w, loss, a, grad_l_w1[0], grad_l_b[0])
        t.record(f"w={w}.w1.grad", w1.grad)  # same results as grad()
        t.record(f"w={w}.b.grad", b.grad)


def _neuron_jax(j: JaxSide) -> None:
    import jax

    from jaxnn import functional as F

    y = j.array([TARGET])
    x1 = j.array([INPUT])

    def forward(w1, b):
        a = F.sigmoid(x1 * w1 + b)
        return F.binary_cross_entropy(a, y), a

    for w in WEIGHTS:
        w1, b = j.array([w]), j.array([BIAS])
        (loss, a), (grad_w1, grad_b) = jax.value_and_grad(forward, argnums=(0, 1), has_aux=True)(
            w1, b
        )
        _neuron_record(j, w, loss, a, grad_w1, grad_b)
        # loss.backward() fills .grad with the same values; in JAX there is one way to get them.
        j.record(f"w={w}.w1.grad", grad_w1)
        j.record(f"w={w}.b.grad", grad_b)


def _neuron_record(side, w, loss, a, grad_w, grad_b) -> None:
    side.record(f"w={w}.prediction", a)
    side.record(f"w={w}.grad(loss, w1)", grad_w)
    side.record(f"w={w}.grad(loss, b)", grad_b)
    side.prints(f"loss (w={w})", loss)
    side.prints(f"dL/dw (w={w})", grad_w[0])
    side.prints(f"dL/db (w={w})", grad_b[0])


SINGLE_NEURON_BCE = Example(
    "single_neuron_bce",
    "a single neuron's binary cross-entropy and its gradients (E11)",
    "S4 709-788",
    "sigmoid(x * w + b)",
    "x = 1.1, y = 1.0, b = 0; w = 2.2 and w = 1.2",
    "loss and autograd.grad for each w (notebook, w = 1.2: 0.2368, -0.2319, -0.2108)",
    defaults(),
    torch_side=_neuron_torch,
    jax_side=_neuron_jax,
)


# --- E16 -----------------------------------------------------------------------------------

BATCH = 8  # B in the notebook's equations; any batch size shows the 1/B of the mean reduction


def _backprop_data(settings):
    gen = rng(settings)
    x = randn(gen, BATCH, 1, 28, 28, settings=settings)  # X in R^{B x 784}, MNIST-shaped
    y = gen.integers(0, 10, BATCH)
    return x, y


def _backprop_math_torch(t: TorchSide) -> None:
    import torch
    import torch.nn.functional as F

    x_np, y_np = _backprop_data(t.settings)
    model = t.model("model", ("models.MNIST",))
    x, y = t.tensor(x_np), t.tensor(y_np)
    loss = F.cross_entropy(model(x), y)
    loss.backward()  # the chain rule, node by node
    t.record_grads("model", model)
    t.loss(loss)
    t.prints("loss", loss)

    with torch.no_grad():  # the notebook's equations, in nn.Linear's (out, in) layout
        X = x.view(-1, 784)
        z1 = X @ model.fc1.weight.T + model.fc1.bias
        h1 = F.relu(z1)
        z2 = h1 @ model.fc2.weight.T + model.fc2.bias
        h2 = F.relu(z2)
        z3 = h2 @ model.fc3.weight.T + model.fc3.bias  # logits
        delta3 = (torch.softmax(z3, dim=1) - F.one_hot(y, 10).to(z3.dtype)) / len(y)
        delta2 = (delta3 @ model.fc3.weight) * (z2 > 0)
        delta1 = (delta2 @ model.fc2.weight) * (z1 > 0)
        closed = {
            "fc3.weight": delta3.T @ h2,
            "fc3.bias": delta3.sum(0),
            "fc2.weight": delta2.T @ h1,
            "fc2.bias": delta2.sum(0),
            "fc1.weight": delta1.T @ X,
            "fc1.bias": delta1.sum(0),
        }
    for key, value in closed.items():
        t.record(f"closed_form.model.{key}", value)
    t.record_params("model", model)


def _backprop_math_jax(j: JaxSide) -> None:
    import jax
    import jax.numpy as jnp
    from flax import nnx

    from jaxnn import functional as F

    x_np, y_np = _backprop_data(j.settings)
    model = j.model("model", ("models.MNIST",))
    x, y = j.array(x_np), j.array(y_np)
    loss, grads = nnx.value_and_grad(lambda m: F.cross_entropy(m(x), y))(model)
    j.record_grads("model", model, grads)
    j.loss(loss)
    j.prints("loss", loss)

    # The same equations with jaxnn's (in, out) kernels: x @ kernel is torch's x @ weight.T.
    X = x.reshape(-1, 784)
    W1, W2, W3 = (layer.kernel[...] for layer in (model.fc1, model.fc2, model.fc3))
    z1 = X @ W1 + model.fc1.bias[...]
    h1 = F.relu(z1)
    z2 = h1 @ W2 + model.fc2.bias[...]
    h2 = F.relu(z2)
    z3 = h2 @ W3 + model.fc3.bias[...]
    delta3 = (F.softmax(z3, dim=1) - jax.nn.one_hot(y, 10, dtype=z3.dtype)) / len(y)
    delta2 = (delta3 @ W3.T) * (z2 > 0)
    delta1 = (delta2 @ W2.T) * (z1 > 0)
    closed = {  # recorded in torch's layout, (out, in)
        "fc3.weight": delta3.T @ h2,
        "fc3.bias": jnp.sum(delta3, 0),
        "fc2.weight": delta2.T @ h1,
        "fc2.bias": jnp.sum(delta2, 0),
        "fc1.weight": delta1.T @ X,
        "fc1.bias": jnp.sum(delta1, 0),
    }
    for key, value in closed.items():
        j.record(f"closed_form.model.{key}", value)
    j.record_params("model", model)


BACKPROP_MATH = Example(
    "backprop_math",
    "backpropagation equations of a 2-hidden-layer MLP vs autograd (E16)",
    "S4 1566-1722",
    "MNIST(h1=256, h2=128): 784-256-128-10 MLP",
    "8 MNIST-shaped N(0, 1) images, random labels (NumPy)",
    "the cross-entropy loss; autograd's gradients and the closed form (y_hat - y)/B",
    defaults(),
    torch_side=_backprop_math_torch,
    jax_side=_backprop_math_jax,
)


# --- E20 -----------------------------------------------------------------------------------


def _cs336_torch(t: TorchSide) -> None:
    import torch

    x = torch.ones(16, 32, dtype=t.dtype)
    w = torch.ones(32, 2, dtype=t.dtype)
    y = x @ w
    assert y.size() == torch.Size([16, 2])
    t.record("y_16x2", y)
    x = torch.ones(4, 8, 16, 32, dtype=t.dtype)
    y = x @ w  # iterate over the first 2 dimensions of x and multiply by w
    assert y.size() == torch.Size([4, 8, 16, 2])
    t.record("y_4x8x16x2", y)

    # y = 0.5 (x * w - 5)^2
    x = t.tensor([1.0, 2, 3])
    w = t.tensor([1.0, 1, 1], requires_grad=True)  # want gradient
    pred_y = x @ w
    loss = 0.5 * (pred_y - 5).pow(2)
    loss.backward()
    assert x.grad is None  # a leaf without requires_grad
    t.record("w.grad", w.grad)
    t.prints("pred_y", pred_y)
    t.prints("loss", loss)


def _cs336_jax(j: JaxSide) -> None:
    import jax
    import jax.numpy as jnp

    x = jnp.ones((16, 32), j.np_dtype)
    w = jnp.ones((32, 2), j.np_dtype)
    y = x @ w
    assert y.shape == (16, 2)
    j.record("y_16x2", y)
    x = jnp.ones((4, 8, 16, 32), j.np_dtype)
    y = x @ w
    assert y.shape == (4, 8, 16, 2)
    j.record("y_4x8x16x2", y)

    x = j.array([1.0, 2, 3])
    w = j.array([1.0, 1, 1])

    def forward(w):
        pred_y = x @ w
        return 0.5 * (pred_y - 5) ** 2, pred_y

    (loss, pred_y), w_grad = jax.value_and_grad(forward, has_aux=True)(w)
    j.record("w.grad", w_grad)
    j.prints("pred_y", pred_y)
    j.prints("loss", loss)


CS336_SNIPPETS = Example(
    "cs336_snippets",
    "CS336 snippets: batched matmul shapes and a one-line gradient (E20)",
    "S4 1938-2004",
    "x @ w; loss = 0.5 * (x @ w - 5)^2",
    "ones(16, 32), ones(4, 8, 16, 32) @ ones(32, 2); x = [1, 2, 3], w = [1, 1, 1]",
    "sizes [16, 2] and [4, 8, 16, 2]; pred_y 6, loss 0.5, w.grad = [1, 2, 3]",
    defaults(),
    torch_side=_cs336_torch,
    jax_side=_cs336_jax,
)


# --- E25 -----------------------------------------------------------------------------------

TWO_LAYER = ("nn.Sequential", ("nn.Linear", 3, 4), ("nn.ReLU",), ("nn.Linear", 4, 1))


def _two_layer_torch(t: TorchSide) -> None:
    model = t.model("model", TWO_LAYER)
    x = t.tensor(randn(rng(t.settings), 1, 3, settings=t.settings))  # 1 sample, 3 features
    y_true = t.tensor([[1.0]])
    y_pred = model(x)
    loss = ((y_pred - y_true) ** 2).mean()  # MSE loss
    loss.backward()
    _backward_record(t, y_pred, y_true, loss)
    t.record_grads("model", model)
    t.record_params("model", model)


def _two_layer_jax(j: JaxSide) -> None:
    from flax import nnx

    model = j.model("model", TWO_LAYER)
    x = j.array(randn(rng(j.settings), 1, 3, settings=j.settings))
    y_true = j.array([[1.0]])

    def loss_fn(model):
        y_pred = model(x)
        return ((y_pred - y_true) ** 2).mean(), y_pred

    (loss, y_pred), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model)
    _backward_record(j, y_pred, y_true, loss)
    j.record_grads("model", model, grads)
    j.record_params("model", model)


def _backward_record(side, y_pred, y_true, loss) -> None:
    side.record("y_pred", y_pred)
    side.prints("prediction", y_pred[0, 0])
    side.prints("target", y_true[0, 0])
    side.prints("loss", loss)


TWO_LAYER_BACKWARD = Example(
    "two_layer_backward",
    "the backward pass of a two-layer network (E25)",
    "S1 3397-3454",
    "Sequential(Linear(3, 4), ReLU, Linear(4, 1))",
    "x ~ N(0, 1) of shape (1, 3) (NumPy), y = [[1.0]]",
    "prediction, target, loss; gradients of shapes (4, 3), (4,), (1, 4), (1,)",
    defaults(),
    torch_side=_two_layer_torch,
    jax_side=_two_layer_jax,
)


# --- E26 -----------------------------------------------------------------------------------


def _loss_backward_torch(t: TorchSide) -> None:
    model = t.model("model", ("nn.Linear", 2, 1))  # simple model: single linear layer
    x = t.tensor([[1.0, 2.0]])
    y_true = t.tensor([[3.0]])
    y_pred = model(x)
    loss = ((y_pred - y_true) ** 2).mean()
    assert model.weight.grad is None  # before loss.backward()
    loss.backward()  # THE KEY STEP: compute gradients
    _backward_record(t, y_pred, y_true, loss)
    t.record_grads("model", model)
    t.record_params("model", model)
    t.prints("weight grad[0]", model.weight.grad[0, 0])
    t.prints("weight grad[1]", model.weight.grad[0, 1])
    t.prints("bias grad", model.bias.grad[0])


def _loss_backward_jax(j: JaxSide) -> None:
    from flax import nnx

    model = j.model("model", ("nn.Linear", 2, 1))
    x = j.array([[1.0, 2.0]])
    y_true = j.array([[3.0]])

    def loss_fn(model):
        y_pred = model(x)
        return ((y_pred - y_true) ** 2).mean(), y_pred

    (loss, y_pred), grads = nnx.value_and_grad(loss_fn, has_aux=True)(model)
    _backward_record(j, y_pred, y_true, loss)
    j.record_grads("model", model, grads)
    j.record_params("model", model)
    kernel_grad = grads["kernel"][...]  # (in, out): torch's weight grad transposed
    j.prints("weight grad[0]", kernel_grad[0, 0])
    j.prints("weight grad[1]", kernel_grad[1, 0])
    j.prints("bias grad", grads["bias"][...][0])


LOSS_BACKWARD = Example(
    "loss_backward",
    "loss.backward() on a single Linear layer (E26)",
    "S1 3616-3669",
    "nn.Linear(2, 1)",
    "x = [[1., 2.]], y = [[3.]]",
    "prediction, loss, weight and bias gradients",
    defaults(),
    torch_side=_loss_backward_torch,
    jax_side=_loss_backward_jax,
)


# --- E54 -----------------------------------------------------------------------------------


def _descent_torch(t: TorchSide) -> None:
    import torch

    x = t.tensor([0.0], requires_grad=True)  # start with a guess
    learning_rate = t.settings.lr
    xs = []
    for _ in range(t.settings.epochs):
        f = (x - 3) ** 2  # compute function value
        f.backward()  # compute gradient
        with torch.no_grad():  # manual gradient descent update
            x -= learning_rate * x.grad
        x.grad.zero_()  # clear gradients for the next iteration
        t.loss(f)
        xs.append(x.detach().clone())
    _descent_record(t, xs)


def _descent_jax(j: JaxSide) -> None:
    import jax

    x = j.array([0.0])
    learning_rate = j.settings.lr
    f_and_grad = jax.value_and_grad(lambda x: ((x - 3) ** 2).sum())
    xs = []
    for _ in range(j.settings.epochs):
        f, x_grad = f_and_grad(x)
        x = x - learning_rate * x_grad  # a new array: no in-place update, no grad to clear
        j.loss(f)
        xs.append(x)
    _descent_record(j, xs)


def _descent_record(side, xs) -> None:
    import numpy as np

    side.record("x after each step", np.concatenate([np.asarray(x).reshape(1) for x in xs]))
    for step in range(0, len(xs), 5):  # the notebook prints every 5th step
        side.prints(f"x (step {step})", side.state["x after each step"][step])
        side.prints(f"f(x) (step {step})", side.losses[step])
    side.prints("final x", side.state["x after each step"][-1])


GRADIENT_DESCENT_SCALAR = Example(
    "gradient_descent_scalar",
    "gradient descent on f(x) = (x - 3)^2 (E54)",
    "S1 9688-9723",
    "a scalar x, manual updates x -= lr * x.grad",
    "none: x starts at 0",
    "x and f(x) every 5 steps (x 0.6000, f 9.0000 at step 0); final x 2.9654",
    defaults(epochs=20, lr=0.1),
    torch_side=_descent_torch,
    jax_side=_descent_jax,
)
