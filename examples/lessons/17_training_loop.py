# %% [markdown]
# # 17 · The training loop
# The notebooks' loop: forward → loss → `zero_grad` → `backward` → `step`, batch after batch,
# epoch after epoch, with the notebook's log line. The lesson follows the recap loop on the toy
# data (S4 1806-1927, E18, whose printed losses are 0.75 … 0.00) and the manual mini-batch loop
# (S1 10231-10317, E61). What differs most: torch mutates the model, its `.grad` and the
# optimizer in place; in JAX one pure, jitted `train_step(state, batch) -> (state, metrics)`
# returns new parameters and optimizer state (`jaxnn.train.fit` runs it over the loader).

# %% Setup: the toy data and the notebook's shuffled loader under torch.manual_seed(123)
import jax
import jax.numpy as jnp
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
toy = jaxnn.data.toy_data(np.float32)
X_train, y_train = torch.from_numpy(toy.X_train), torch.from_numpy(toy.y_train)
train_ds = torch_ref.data.ToyDataset(X_train, y_train)
torch.manual_seed(123)
# The notebook's printed losses come from two batches per epoch, so its loader dropped the last.
sampler = torch_ref.data.RecordingSampler(torch.utils.data.RandomSampler(train_ds))
train_loader = torch.utils.data.DataLoader(
    train_ds, batch_size=2, sampler=sampler, drop_last=True, num_workers=0
)
printed_batches = list(train_loader)  # the notebook's print loop (S4 1792-1795) uses one order

# %% The notebook's loop, three epochs of SGD(lr=0.5); JAX starts from torch's init and order
# torch
torch.manual_seed(123)
model = torch_ref.models.NeuralNetwork(num_inputs=2, num_outputs=2)
initial = {k: v.clone() for k, v in model.state_dict().items()}
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
num_epochs, losses = 3, []
for epoch in range(num_epochs):
    model.train()
    for batch_idx, (features, labels) in enumerate(train_loader):
        logits = model(features)
        loss = F.cross_entropy(logits, labels)  # Loss function
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        print(
            f"Epoch: {epoch + 1:03d}/{num_epochs:03d}"
            f" | Batch {batch_idx:03d}/{len(train_loader):03d}"
            f" | Train/Val Loss: {loss:.2f}"
        )
    model.eval()
# jax
model_j = jaxnn.models.NeuralNetwork(num_inputs=2, num_outputs=2, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(model_j, initial)  # torch's initial parameters, copied
replay = jaxnn.data.ReplaySampler(sampler.orders[1:])  # torch's batch orders, epoch by epoch
loader_j = jaxnn.data.DataLoader(
    jaxnn.data.ToyDataset(toy.X_train, toy.y_train), batch_size=2, drop_last=True, sampler=replay
)
result = jaxnn.train.fit(
    model_j,
    jaxnn.optim.sgd(lr=0.5),
    jaxnn.functional.cross_entropy,
    loader_j,
    num_epochs,
    log_every=1,
    log=lambda e: print("jax  ", jaxnn.train.notebook_log_line(e)),
)
show(
    "the six losses (notebook: 0.75 ... 0.00)",
    torch.tensor(losses),
    jnp.array(result.losses),
    kind="curve",
)

# %% After training, in eval mode: the notebook's logits [[2.8569, -4.1618], ...] and probabilities
# torch
model.eval()
with torch.no_grad():
    outputs = model(X_train)
probas = torch.softmax(outputs, dim=1)
print(probas)
# jax
model_j.eval()
outputs_j = model_j(jnp.asarray(toy.X_train))  # nothing is differentiated unless asked
probas_j = jax.nn.softmax(outputs_j, axis=1)
show("eval logits after training", outputs, outputs_j, kind="curve")
show("softmax probabilities", probas, probas_j, kind="curve")

# %% One step as a pure function: the JAX step returns a new state and leaves the model alone
batch_np = (toy.X_train[:2], toy.y_train[:2])
# torch
step_model = torch_ref.models.NeuralNetwork(2, 2)
step_model.load_state_dict(initial)
opt = torch.optim.SGD(step_model.parameters(), lr=0.5)
step_loss = torch_ref.train.train_step(
    step_model, opt, F.cross_entropy, tuple(map(torch.from_numpy, batch_np))
)
# jax
step_model_j = jaxnn.models.NeuralNetwork(2, 2, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(step_model_j, initial)
tx = jaxnn.optim.sgd(lr=0.5)
graphdef, state = jaxnn.train.TrainState.create(step_model_j, tx)
train_step = jaxnn.train.make_train_step(graphdef, tx, jaxnn.functional.cross_entropy)
state, metrics = train_step(state, tuple(map(jnp.asarray, batch_np)))
show("loss of one step", step_loss, metrics["loss"])
show(
    "parameters after it", step_model.state_dict(), jaxnn.interop.state_dict(state.merge(graphdef))
)
print(
    "the JAX model itself is untouched:",
    bool(
        jnp.array_equal(
            step_model_j.layers[0].kernel[...], jnp.asarray(initial["layers.0.weight"]).T
        )
    ),
)

# %% Without `zero_grad`, torch adds each backward's gradient to `.grad`; JAX returns fresh ones
xb, yb = (torch.from_numpy(a) for a in batch_np)
# torch
step_model.zero_grad()
for _ in range(2):
    F.cross_entropy(step_model(xb), yb).backward()  # no zero_grad in between
accumulated = step_model.layers[0].weight.grad
# jax
loss_fn = lambda m: jaxnn.functional.cross_entropy(m(jnp.asarray(xb)), jnp.asarray(yb))  # noqa: E731
step_model_j = state.merge(graphdef)  # the same parameters as step_model
grads = [nnx.grad(loss_fn)(step_model_j) for _ in range(2)]
summed = jax.tree.map(jnp.add, *grads)  # accumulating is an explicit sum in JAX
accumulated_j = summed["layers"]["0"]["kernel"][...].T
show("two backward passes: the sum of the two", accumulated, accumulated_j)

# %% Manual mini-batches by slicing (E61): 200 samples, batch 32 → 7 batches, Adam(lr=0.001)
rng = np.random.default_rng(42)
x_np = rng.standard_normal((200, 10), dtype=np.float32)
y_np = rng.standard_normal((200, 1), dtype=np.float32)
torch.manual_seed(42)
# torch
x_train, y_train = torch.from_numpy(x_np), torch.from_numpy(y_np)
model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 10), nn.ReLU(), nn.Linear(10, 1))
init = {k: v.clone() for k, v in model.state_dict().items()}
criterion, optimizer = nn.MSELoss(), torch.optim.Adam(model.parameters(), lr=0.001)
num_epochs, batch_size, avg_losses = 20, 32, []
for _ in range(num_epochs):
    epoch_loss, num_batches = 0.0, 0
    for i in range(0, len(x_train), batch_size):
        loss = criterion(model(x_train[i : i + batch_size]), y_train[i : i + batch_size])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
        num_batches += 1
    avg_losses.append(epoch_loss / num_batches)
# jax
L = jaxnn.nn
model_j = L.Sequential(
    L.Linear(10, 20, rngs=nnx.Rngs(0)),
    L.ReLU(),
    L.Linear(20, 10, rngs=nnx.Rngs(0)),
    L.ReLU(),
    L.Linear(10, 1, rngs=nnx.Rngs(0)),
)
jaxnn.interop.load_state_dict(model_j, init)  # keys 0.weight, 0.bias, 2.weight, ...
slices = [(x_np[i : i + batch_size], y_np[i : i + batch_size]) for i in range(0, 200, batch_size)]
result = jaxnn.train.fit(
    model_j, jaxnn.optim.adam(lr=0.001), jaxnn.functional.mse_loss, slices, num_epochs
)
avg_losses_j = jnp.array(result.losses).reshape(num_epochs, len(slices)).mean(axis=1)
for epoch in range(4, num_epochs, 5):
    print(
        f"Epoch [{epoch + 1}/{num_epochs}], Average Loss: {avg_losses[epoch]:.4f}"
        f" (jax {avg_losses_j[epoch]:.4f})"
    )
show("first 3 epoch averages", torch.tensor(avg_losses[:3]), avg_losses_j[:3], kind="curve")
show("epoch averages, 20 epochs (140 steps)", torch.tensor(avg_losses), avg_losses_j, kind="metric")
