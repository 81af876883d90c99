# %% [markdown]
# # 22 · An LSTM over image rows
# The notebook's recurrent template: `nn.LSTM(input_size, hidden_size, batch_first=True)`, then
# `out, (h, c) = self.rnn(x)` and `self.fc(out[:, -1, :])` (S3 327-348, E09). The notebook names no
# data; here each bundled 28x28 digit is read as a sequence of 28 rows of 28 pixels and the
# model is trained briefly with Adam. What differs most: torch's LSTM keeps two biases per
# gate (`bias_ih_l0`, `bias_hh_l0`) stacked as i, f, g, o, and Flax's `nnx.LSTMCell` has one
# bias per gate and a `(c, h)` carry; `jaxnn.nn.LSTM` keeps torch's parameters verbatim and
# runs the recurrence with `jax.lax.scan`, returning torch's `(out, (h_n, c_n))`.

# %% Setup: digits as (N, 28 rows, 28 features), normalised like MNIST
import jax
import jax.numpy as jnp
import torch
import torch.nn as nn
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples.example import Settings
from jaxnn_examples.lessons.compare import show
from jaxnn_examples.mnist import images

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
data = images(Settings(epochs=1, batch_size=64, lr=0.001, seed=0), normalize=True)
seq_train, seq_test = data.x_train[:, 0], data.x_test[:, 0]  # (N, 28, 28): batch, time, features
x4 = seq_train[:4]
torch.manual_seed(0)

# %% `nn.LSTM(28, 64, batch_first=True)`: out (4, 28, 64); h_n and c_n stay (1, 4, 64)
# torch
lstm = nn.LSTM(28, 64, batch_first=True)
out, (h, c) = lstm(torch.from_numpy(x4))
print(f"out {tuple(out.shape)}, h {tuple(h.shape)}, c {tuple(c.shape)}")
# jax
lstm_j = jaxnn.nn.LSTM(28, 64, batch_first=True, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(lstm_j, lstm.state_dict())  # torch's parameters, verbatim
out_j, (h_j, c_j) = lstm_j(jnp.asarray(x4))
show("LSTM (out, (h_n, c_n))", (out, (h, c)), (out_j, (h_j, c_j)))

# %% torch's parameters, kept as they are: gates stacked by rows, two biases
# torch
shapes = [tuple(p.shape) for _, p in lstm.named_parameters()]
print([name for name, _ in lstm.named_parameters()], shapes)
# jax
shapes_j = [tuple(p.shape) for _, p in jaxnn.nn.named_parameters(lstm_j)]
show("weight_ih (256, 28), weight_hh (256, 64), 2 biases", shapes, shapes_j)

# %% The last time step of `out` is h_n: the notebook's `out[:, -1, :]`
# torch
last = out[:, -1, :]
print("torch.equal(out[:, -1], h[0]):", torch.equal(last, h[0]))
# jax
last_j = out_j[:, -1, :]
show("out[:, -1, :]", last, last_j)

# %% One step by hand from torch's weights: i, f, g, o = split(W_ih x + b_ih + W_hh h + b_hh)
# torch
W_ih, W_hh, b_ih, b_hh = (p.detach() for _, p in lstm.named_parameters())
x0 = torch.from_numpy(x4[:, 0])
i, f, g, o = (x0 @ W_ih.T + b_ih + b_hh).chunk(4, dim=1)  # h0 = c0 = 0, so W_hh h0 = 0
c1 = torch.sigmoid(f) * 0 + torch.sigmoid(i) * torch.tanh(g)
h1 = torch.sigmoid(o) * torch.tanh(c1)
# jax
gates = x4[:, 0] @ lstm_j.weight_ih_l0[...].T + lstm_j.bias_ih_l0[...] + lstm_j.bias_hh_l0[...]
i_j, f_j, g_j, o_j = jnp.split(gates, 4, axis=1)
c1_j = jax.nn.sigmoid(i_j) * jnp.tanh(g_j)
h1_j = jax.nn.sigmoid(o_j) * jnp.tanh(c1_j)
show("manual first step h1 = out[:, 0]", (h1, out[:, 0]), (h1_j, out_j[:, 0]))

# %% The template `RNNModel(28, 64, 10)`: last step → Linear; logits and their gradients
y4 = data.y_train[:4]
# torch
model = torch_ref.models.RNNModel(input_size=28, hidden_size=64, output_size=10)
initial = {k: v.clone() for k, v in model.state_dict().items()}
loss = nn.CrossEntropyLoss()(model(torch.from_numpy(x4)), torch.from_numpy(y4))
loss.backward()
# jax
model_j = jaxnn.models.RNNModel(28, 64, 10, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(model_j, initial)
loss_fn = lambda m: jaxnn.functional.cross_entropy(m(jnp.asarray(x4)), jnp.asarray(y4))  # noqa: E731
loss_j, grads = nnx.value_and_grad(loss_fn)(model_j)
show("loss of RNNModel", loss, loss_j)
show(
    "d loss / d weight_hh_l0 (through 28 steps)",
    model.rnn.weight_hh_l0.grad,
    grads["rnn"]["weight_hh_l0"][...],
)

# %% The notebook's "one loop for all models": Adam(lr=0.001), 24 shuffled batches of 64 sequences
x_train, y_train = seq_train[:1536], data.y_train[:1536]  # full batches: one compiled shape
# torch
loader = torch_ref.data.DataLoader(
    torch_ref.data.TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)),
    batch_size=64,
    shuffle=True,
    seed=0,
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
model.load_state_dict(initial)  # the gradient above is cleared by zero_grad below
losses = []
model.train()
for X, y in loader:
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
# jax
loader_j = jaxnn.data.DataLoader(
    jaxnn.data.TensorDataset(x_train, y_train), batch_size=64, shuffle=True, seed=0
)
result = jaxnn.train.fit(
    model_j, jaxnn.optim.adam(lr=0.001), jaxnn.functional.cross_entropy, loader_j, 1
)
print(
    f"loss {losses[0]:.4f} → {losses[-1]:.4f} (torch), "
    f"{result.losses[0]:.4f} → {result.losses[-1]:.4f} (jax)"
)
show("first 20 losses", torch.tensor(losses[:20]), jnp.array(result.losses[:20]), kind="curve")
show("all 24 losses", torch.tensor(losses), jnp.array(result.losses), kind="metric")

# %% Evaluation on the 257 test sequences
# torch
model.eval()
with torch.no_grad():
    preds = model(torch.from_numpy(seq_test))
accuracy = (preds.argmax(dim=1) == torch.from_numpy(data.y_test)).float().mean()
# jax
model_j.eval()
preds_j = model_j(jnp.asarray(seq_test))
accuracy_j = (preds_j.argmax(axis=1) == data.y_test).astype(jnp.float32).mean()
print(f"test accuracy after 24 steps: {accuracy:.4f} (torch), {accuracy_j:.4f} (jax)")
show("test logits", preds, preds_j, kind="metric")
show("test accuracy", accuracy, accuracy_j, kind="metric")
