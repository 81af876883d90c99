# %% [markdown]
# # 21 · A CNN on 28x28 digits
# The notebook's CNN template: `Conv2d(1, 32, 3)` → ReLU → `MaxPool2d(2)` → `Conv2d(32, 64, 3)`
# → ReLU → `MaxPool2d(2)`, flattened with `x.view(x.size(0), -1)` into `Linear(64*5*5, num_classes)`
# (S3 290-323, E08), trained briefly with Adam(lr=0.001) and cross-entropy by the notebook's
# "one loop for all models" (S3 352-364) on the bundled 28x28 digits (not MNIST).
# What differs most: torch convolutions are NCHW with weights (out, in, kh, kw) and no padding;
# Flax's `nnx.Conv` is NHWC with kernels (kh, kw, in, out) and defaults to padding 'SAME'.
# `jaxnn.nn.Conv2d` keeps torch's layout at its boundary, so the flatten order C, H, W and
# torch's classifier weights carry over unchanged.

# %% Setup: normalised digits (ToTensor + Normalize((0.1307,), (0.3081,))), NCHW float32
import jax.numpy as jnp
import numpy as np
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
x8 = data.x_train[:8]  # (8, 1, 28, 28)
torch.manual_seed(0)
# JAX runs a whole forward pass as one compiled program (eagerly, every op compiles alone).
forward = nnx.jit(lambda module, x: module(x))

# %% `nn.Conv2d(1, 32, 3)`: stride 1, no padding, so 28x28 becomes 26x26
# torch
conv = nn.Conv2d(1, 32, 3)
out = conv(torch.from_numpy(x8))
# jax
conv_j = jaxnn.nn.Conv2d(1, 32, 3, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(conv_j, conv.state_dict())  # torch's weight and bias, copied
out_j = conv_j(jnp.asarray(x8))  # NCHW in, NCHW out
print(f"conv output {tuple(out.shape)}; jaxnn kernel {conv_j.kernel.shape} (kh, kw, in, out)")
show("Conv2d(1, 32, 3) output", out, out_j)

# %% Flax's own `nnx.Conv` works in NHWC and pads 'SAME': torch's `padding=1` for a 3x3 kernel
# torch
same = nn.functional.conv2d(torch.from_numpy(x8), conv.weight, conv.bias, padding=1)
# jax
flax_conv = nnx.Conv(1, 32, (3, 3), kernel_init=nnx.initializers.zeros, rngs=nnx.Rngs(0))
flax_conv.kernel[...] = jnp.asarray(conv.weight.detach().numpy().transpose(2, 3, 1, 0))  # HWIO
flax_conv.bias[...] = jnp.asarray(conv.bias.detach().numpy())
same_j = flax_conv(jnp.asarray(x8).transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)  # NCHW↔NHWC
show("padding=1 vs nnx.Conv's 'SAME' (28x28)", same, same_j)

# %% `nn.MaxPool2d(2)`: the stride defaults to the kernel, floor mode: 26 → 13
# torch
pooled = nn.MaxPool2d(2)(nn.ReLU()(out))
# jax
pooled_j = jaxnn.nn.MaxPool2d(2)(jaxnn.nn.ReLU()(out_j))
show("ReLU + MaxPool2d(2) → (8, 32, 13, 13)", pooled, pooled_j)

# %% The template `CNN(10)`: 34,826 parameters; the twin gets torch's initial parameters
# torch
model = torch_ref.models.CNN(num_classes=10)
initial = {k: v.clone() for k, v in model.state_dict().items()}
features = model.features(torch.from_numpy(x8))  # 28 → 26 → 13 → 11 → 5
logits = model(torch.from_numpy(x8))
# jax
model_j = jaxnn.models.CNN(10, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(model_j, initial)
features_j = forward(model_j.features, jnp.asarray(x8))
logits_j = forward(model_j, jnp.asarray(x8))
print("parameters:", sum(p.numel() for p in model.parameters()), jaxnn.nn.count_parameters(model_j))
show("features (8, 64, 5, 5)", features, features_j)
show("logits (flatten C, H, W → Linear(1600, 10))", logits, logits_j)

# %% 64*5*5 fits 28x28 only: a 32x32 image gives 64x6x6 = 2304 features (then Linear fails)
x32 = np.random.default_rng(0).standard_normal((2, 1, 32, 32), dtype=np.float32)
# torch
features32 = model.features(torch.from_numpy(x32))
try:
    model(torch.from_numpy(x32))
except RuntimeError as error:
    print("torch:", error)
# jax
features32_j = forward(model_j.features, jnp.asarray(x32))
try:
    model_j(jnp.asarray(x32))
except ValueError as error:
    print("jax:  ", error)
show("features of a 32x32 image (2, 64, 6, 6)", features32, features32_j)

# %% The notebook's "one loop for all models": Adam(lr=0.001), 24 shuffled batches of 64
x_train, y_train = data.x_train[:1536], data.y_train[:1536]  # full batches: one compiled shape
# torch
loader = torch_ref.data.DataLoader(
    torch_ref.data.TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)),
    batch_size=64,
    shuffle=True,
    seed=0,
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
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

# %% The evaluation template: `model.eval()` + `no_grad`, then the test accuracy
# torch
model.eval()
with torch.no_grad():
    preds = model(torch.from_numpy(data.x_test))
accuracy = (preds.argmax(dim=1) == torch.from_numpy(data.y_test)).float().mean()
# jax
model_j.eval()
preds_j = forward(model_j, jnp.asarray(data.x_test))
accuracy_j = (preds_j.argmax(axis=1) == data.y_test).astype(jnp.float32).mean()
print(f"test accuracy after 24 steps: {accuracy:.4f} (torch), {accuracy_j:.4f} (jax)")
show("test logits (257 images)", preds, preds_j, kind="metric")
show("test accuracy", accuracy, accuracy_j, kind="metric")
