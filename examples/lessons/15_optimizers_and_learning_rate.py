# %% [markdown]
# # 15 · Optimizers and the learning rate
# Gradient descent by hand, `optimizer.step()`, SGD with momentum, Adam, the learning-rate
# comparison and a learning-rate schedule. The lesson follows S1 9688-9723 (E54), S1 10064-10123
# (E59), S1 9794-9938 (E56, E57) and S4 1224-1238, 1317 (Adam's defaults, SGD momentum).
# What differs most: torch's optimizer owns the parameters and mutates them in `step()`;
# a `jaxnn.optim` factory returns a pure optax transformation whose state lives outside the
# model (`nnx.Optimizer` wraps the two), and a schedule counts optimizer steps, not epochs.

# %% Setup: float32 on both sides, full-precision matmuls
import inspect

import jax
import jax.numpy as jnp
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
torch.manual_seed(0)

# %% Gradient descent by hand on f(x) = (x − 3)², lr 0.1, 20 steps: x goes from 0 towards 3
# torch
x = torch.tensor([0.0], requires_grad=True)
learning_rate = 0.1
xs = []
for step in range(20):
    f = (x - 3) ** 2
    f.backward()
    with torch.no_grad():
        x -= learning_rate * x.grad
    x.grad.zero_()
    xs.append(x.item())
    if step % 5 == 0:
        print(f"Step {step:2d}: x = {x.item():.4f}, f(x) = {f.item():.4f}")
# jax
xj, xs_j = jnp.array([0.0]), []
for _ in range(20):
    xj = xj - learning_rate * jax.grad(lambda v: ((v - 3) ** 2).sum())(xj)  # a new array
    xs_j.append(xj)
print(f"Final: x = {x.item():.4f} (close to 3.0!)")
show("x after each of 20 steps", torch.tensor(xs), jnp.concatenate(xs_j), kind="curve")

# %% One `optimizer.step()` (E59): the loss drops to 0.04 × its value, whatever the init
# torch
model = nn.Linear(2, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
initial_weight, initial_bias = model.weight.data.clone(), model.bias.data.clone()
x, y = torch.tensor([[1.0, 2.0]]), torch.tensor([[5.0]])
criterion = nn.MSELoss()
loss = criterion(model(x), y)
optimizer.zero_grad()
loss.backward()
optimizer.step()
new_loss = criterion(model(x), y)
# jax
model_j = jaxnn.nn.Linear(2, 1, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(model_j, {"weight": initial_weight, "bias": initial_bias})
optimizer_j = nnx.Optimizer(model_j, jaxnn.optim.sgd(lr=0.1), wrt=nnx.Param)
xj, yj = jnp.array([[1.0, 2.0]]), jnp.array([[5.0]])
loss_fn = lambda m: jaxnn.functional.mse_loss(m(xj), yj)  # noqa: E731
loss_j, grads = nnx.value_and_grad(loss_fn)(model_j)
optimizer_j.update(model_j, grads)  # the model's parameters are replaced, not mutated
new_loss_j = loss_fn(model_j)
print(f"Loss before: {loss.item():.4f}, after: {new_loss.item():.4f}, ratio {new_loss / loss:.4f}")
show("loss before and after one step", (loss, new_loss), (loss_j, new_loss_j))
show(
    "updated weight and bias",
    (model.weight, model.bias),
    (model_j.kernel[...].T, model_j.bias[...]),
)

# %% Adam's defaults as the notebook prints them (S4 1224-1238): same names, same values
# torch
optimizer = optim.Adam(model.parameters(), lr=1e-3)
group = optimizer.param_groups[0]
t_defaults = (group["lr"], *group["betas"], group["eps"], group["weight_decay"])
print({k: v for k, v in group.items() if k != "params"})
# jax
sig = inspect.signature(jaxnn.optim.adam).parameters
j_defaults = tuple(sig[k].default for k in ("lr", "betas", "eps", "weight_decay"))
j_defaults = (j_defaults[0], *j_defaults[1], *j_defaults[2:])
show("Adam lr, betas, eps, weight_decay", t_defaults, j_defaults)

# %% The learning-rate comparison (E56): 50 full-batch steps at lr 0.0001, 0.01 and 1.0
rng = np.random.default_rng(42)
x_np = rng.standard_normal((100, 5), dtype=np.float32)
y_np = rng.standard_normal((100, 1), dtype=np.float32)
inits = {lr: nn.Linear(5, 1).state_dict() for lr in (0.0001, 0.01, 1.0)}  # one init per run


# torch
def train_with_lr(learning_rate, epochs=50):
    model = nn.Linear(5, 1)
    model.load_state_dict(inits[learning_rate])
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    losses = []
    for _ in range(epochs):
        loss = nn.MSELoss()(model(torch.from_numpy(x_np)), torch.from_numpy(y_np))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return torch.tensor(losses)


curves = {lr: train_with_lr(lr) for lr in inits}


# jax
def train_with_lr_j(learning_rate, epochs=50):
    model = jaxnn.nn.Linear(5, 1, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(model, inits[learning_rate])
    loader = [(jnp.asarray(x_np), jnp.asarray(y_np))]  # one full batch per epoch
    tx = jaxnn.optim.sgd(lr=learning_rate)
    return jnp.array(jaxnn.train.fit(model, tx, jaxnn.functional.mse_loss, loader, epochs).losses)


curves_j = {lr: train_with_lr_j(lr) for lr in inits}
for lr in inits:
    print(
        f"lr={lr:<7} initial {curves[lr][0]:.4f} final {curves[lr][-1]:.4g} (torch)"
        f"  initial {curves_j[lr][0]:.4f} final {curves_j[lr][-1]:.4g} (jax)"
    )
show("first 20 losses at lr 0.01", curves[0.01][:20], curves_j[0.01][:20], kind="curve")
show(
    "final losses at lr 0.0001 and 0.01",
    torch.stack([curves[lr][-1] for lr in (0.0001, 0.01)]),
    jnp.stack([curves_j[lr][-1] for lr in (0.0001, 0.01)]),
    kind="metric",
)
show("lr 1.0 diverges: first 10 losses", curves[1.0][:10], curves_j[1.0][:10], kind="curve")

# %% SGD vs Adam (E57), 100 full-batch steps at lr 0.01 from the same init
x10 = rng.standard_normal((100, 10), dtype=np.float32)
init = nn.Linear(10, 1).state_dict()


# torch
def train_model(optimizer_name, lr=0.01, epochs=100):
    model = nn.Linear(10, 1)
    model.load_state_dict(init)
    criterion = nn.MSELoss()
    if optimizer_name == "SGD":
        optimizer = optim.SGD(model.parameters(), lr=lr)
    else:
        optimizer = optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        loss = criterion(model(torch.from_numpy(x10)), torch.from_numpy(y_np))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss


final = torch.stack([train_model(name) for name in ("SGD", "Adam")])


# jax
def train_model_j(optimizer_name, lr=0.01, epochs=100):
    model = jaxnn.nn.Linear(10, 1, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(model, init)
    tx = jaxnn.optim.sgd(lr=lr) if optimizer_name == "SGD" else jaxnn.optim.adam(lr=lr)
    batches = [(jnp.asarray(x10), jnp.asarray(y_np))]
    return jaxnn.train.fit(model, tx, jaxnn.functional.mse_loss, batches, epochs).losses[-1]


final_j = jnp.array([train_model_j(name) for name in ("SGD", "Adam")])
print(f"Final loss with SGD:  {final[0]:.4f} / {final_j[0]:.4f}")
print(f"Final loss with Adam: {final[1]:.4f} / {final_j[1]:.4f}")
show("final loss SGD, Adam (100 steps)", final, final_j, kind="metric")

# %% SGD with momentum 0.9 (S4 1317): buf = 0.9·buf + g; the first step uses g itself
# torch
model = nn.Linear(10, 1)
init = {k: v.clone() for k, v in model.state_dict().items()}
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
batches = [(torch.from_numpy(x10), torch.from_numpy(y_np))]
losses = torch_ref.train.fit(model, optimizer, nn.functional.mse_loss, batches, 15).losses
# jax
model_j = jaxnn.nn.Linear(10, 1, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(model_j, init)
tx = jaxnn.optim.sgd(lr=0.01, momentum=0.9)  # optax.sgd(0.01, momentum=0.9) is the same rule
batches_j = [(jnp.asarray(x10), jnp.asarray(y_np))]
losses_j = jaxnn.train.fit(model_j, tx, jaxnn.functional.mse_loss, batches_j, 15).losses
show("15 losses, SGD momentum 0.9", torch.tensor(losses), jnp.array(losses_j), kind="curve")

# %% StepLR(step_size=3, gamma=0.5) is stepped per epoch; its twin is a function of the step
steps_per_epoch = 4
# torch
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
lrs = []
for _ in range(10):
    lrs.append(optimizer.param_groups[0]["lr"])
    optimizer.step()  # (the epoch's optimizer steps would run here)
    scheduler.step()
# jax
schedule = jaxnn.optim.step_lr(0.1, 3, gamma=0.5, steps_per_epoch=steps_per_epoch)
lrs_j = jnp.stack([schedule(epoch * steps_per_epoch) for epoch in range(10)])
show("lr per epoch: 0.1, 0.1, 0.1, 0.05, ...", torch.tensor(lrs), lrs_j)
