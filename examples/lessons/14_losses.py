# %% [markdown]
# # 14 · Losses
# Regression and classification losses: `nn.MSELoss` and its reductions, `nn.CrossEntropyLoss`
# on logits with class-index targets, `NLLLoss`, and `F.binary_cross_entropy` on probabilities.
# The lesson follows the notebook's loss tour (S1 8711-8988), cross-entropy on logits
# (S1 9133-9159) and the single-neuron BCE (S4 705-786). What differs most: optax's losses
# are per-element and named differently (`optax.l2_loss` is half the squared error, BCE takes
# logits), so `jaxnn.functional` / `jaxnn.nn` carry torch's names, reductions and clamps.

# %% Setup: float32 on both sides
import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch
import torch.nn as nn
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
torch.manual_seed(0)

# %% MSE by hand and as a module: mean of the squared errors, 0.1250 in the notebook
# torch
predictions = torch.tensor([2.5, 3.0, 4.5, 5.0])
targets = torch.tensor([3.0, 3.0, 4.0, 5.0])
mse_manual = ((predictions - targets) ** 2).mean()
loss = nn.MSELoss()(predictions, targets)
print(f"MSE: {loss.item():.4f}")
# jax
p, t = jnp.array([2.5, 3.0, 4.5, 5.0]), jnp.array([3.0, 3.0, 4.0, 5.0])
mse_manual_j = ((p - t) ** 2).mean()
loss_j = jaxnn.nn.MSELoss()(p, t)
show("MSE manual and nn.MSELoss", (mse_manual, loss), (mse_manual_j, loss_j))

# %% optax's twin is `squared_error(...).mean()`; `optax.l2_loss` is half of it
# torch
mse = F.mse_loss(predictions, targets)
# jax
mse_optax = optax.squared_error(p, t).mean()
print(f"optax.l2_loss(p, t).mean() = {optax.l2_loss(p, t).mean():.4f}: half of {mse_optax:.4f}")
show("F.mse_loss vs optax.squared_error.mean", mse, mse_optax)

# %% A batch (8, 3): the mean runs over all 24 elements
pred_np, targ_np = np.random.default_rng(0).standard_normal((2, 8, 3), dtype=np.float32)
# torch
batch_loss = nn.MSELoss()(torch.from_numpy(pred_np), torch.from_numpy(targ_np))
# jax
batch_loss_j = jaxnn.functional.mse_loss(jnp.asarray(pred_np), jnp.asarray(targ_np))
show("MSE over (8, 3)", batch_loss, batch_loss_j)

# %% Reductions: 'mean' 0.25, 'sum' 1.5, 'none' keeps the shape (3, 2)
# torch
predictions = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
targets = torch.tensor([[1.5, 2.5], [3.5, 4.5], [5.5, 6.5]])
reduced = [nn.MSELoss(reduction=r)(predictions, targets) for r in ("mean", "sum", "none")]
# jax
p = jnp.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
t = jnp.array([[1.5, 2.5], [3.5, 4.5], [5.5, 6.5]])
reduced_j = [jaxnn.nn.MSELoss(reduction=r)(p, t) for r in ("mean", "sum", "none")]
show("reduction mean, sum, none", reduced, reduced_j)

# %% Perfect, good and bad predictions: 0.0000, 0.0050, 3.0000
pairs = [([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]), ([1.1, 2.05, 2.95], [1.0, 2.0, 3.0])]
pairs.append(([2.0, 4.0, 1.0], [1.0, 2.0, 3.0]))
# torch
quality = torch.stack([nn.MSELoss()(torch.tensor(a), torch.tensor(b)) for a, b in pairs])
print(f"perfect, good, bad: {quality}")
# jax
quality_j = jnp.stack([jaxnn.nn.MSELoss()(jnp.array(a), jnp.array(b)) for a, b in pairs])
show("MSE perfect / good / bad", quality, quality_j)

# %% A model's loss and its gradients: `nn.Linear(5, 1)` on 16 samples
inputs_np, targets_np = np.random.default_rng(1).standard_normal((2, 16, 5), dtype=np.float32)
targets_np = targets_np[:, :1]
# torch
model = nn.Linear(5, 1)  # 5 input features, 1 output
criterion = nn.MSELoss()
loss = criterion(model(torch.from_numpy(inputs_np)), torch.from_numpy(targets_np))
loss.backward()
# jax
model_j = jaxnn.nn.Linear(5, 1, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(model_j, model.state_dict())  # torch's parameters, copied
criterion_j = jaxnn.nn.MSELoss()
loss_fn = lambda m: criterion_j(m(jnp.asarray(inputs_np)), jnp.asarray(targets_np))  # noqa: E731
loss_j, grads = nnx.value_and_grad(loss_fn)(model_j)
show("MSE of Linear(5, 1)", loss, loss_j)
show(
    "its weight and bias gradients",
    (model.weight.grad, model.bias.grad),
    (grads.kernel[...].T, grads.bias[...]),
)

# %% Cross-entropy takes raw logits and class indices: 0.3959 (per sample 0.4170, 0.3064, 0.4644)
# torch
logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 1.0], [1.0, 0.5, 2.0]])
targets = torch.tensor([0, 1, 2])  # True class indices
criterion = nn.CrossEntropyLoss()
loss = criterion(logits, targets)
per_sample = nn.CrossEntropyLoss(reduction="none")(logits, targets)
print(f"Cross-Entropy Loss: {loss.item():.4f}")
# jax
logits_j = jnp.array([[2.0, 1.0, 0.1], [0.5, 2.5, 1.0], [1.0, 0.5, 2.0]])
targets_j = jnp.array([0, 1, 2])
loss_j = jaxnn.nn.CrossEntropyLoss()(logits_j, targets_j)
per_sample_j = optax.softmax_cross_entropy_with_integer_labels(logits_j, targets_j)
show("CrossEntropyLoss (mean, none)", (loss, per_sample), (loss_j, per_sample_j))

# %% "CrossEntropyLoss = LogSoftmax + NLLLoss" (S1 8927, S4 1257)
# torch
nll = nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), targets)
# jax
nll_j = jaxnn.nn.NLLLoss()(jaxnn.nn.LogSoftmax(dim=1)(logits_j), targets_j)
show("NLLLoss(LogSoftmax(logits))", nll, nll_j)

# %% BCE on a sigmoid output, with `autograd.grad`: 0.2368, then grads -0.2319 and -0.2108
# torch
target = torch.tensor([1.0])
input = torch.tensor([1.1])
weight = torch.tensor([1.2], requires_grad=True)
bias = torch.tensor([0.0], requires_grad=True)
prediction = torch.sigmoid(input * weight + bias)
loss = F.binary_cross_entropy(prediction, target)
grad_loss_weight, grad_loss_bias = torch.autograd.grad(loss, (weight, bias))


# jax
def bce(weight, bias):
    prediction = jaxnn.functional.sigmoid(jnp.array([1.1]) * weight + bias)
    return jaxnn.functional.binary_cross_entropy(prediction, jnp.array([1.0]))


loss_j, (g_w, g_b) = jax.value_and_grad(bce, argnums=(0, 1))(jnp.array([1.2]), jnp.array([0.0]))
show("BCE loss and (dL/dw, dL/db)", (loss, grad_loss_weight, grad_loss_bias), (loss_j, g_w, g_b))

# %% torch clamps log(p) at -100, so a confidently wrong BCE is 100, not inf
# torch
wrong = F.binary_cross_entropy(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0]))
# jax
wrong_j = jaxnn.functional.binary_cross_entropy(jnp.array([0.0, 1.0]), jnp.array([1.0, 0.0]))
show("BCE(p=0, y=1) and BCE(p=1, y=0): 100", wrong, wrong_j)

# %% The L1 gradient at a zero error is 0 in torch; `jax.grad(jnp.abs)(0.)` would say 1
# torch
pred = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
nn.L1Loss()(pred, torch.tensor([1.0, 1.0, 4.0])).backward()
# jax
l1 = lambda p: jaxnn.nn.L1Loss()(p, jnp.array([1.0, 1.0, 4.0]))  # noqa: E731
g_l1 = jax.grad(l1)(jnp.array([1.0, 2.0, 3.0]))
print(f"jax.grad(jnp.abs)(0.0) = {jax.grad(jnp.abs)(0.0)}; torch L1 grad at 0: {pred.grad[0]}")
show("L1Loss gradient (0 where pred == target)", pred.grad, g_l1)
