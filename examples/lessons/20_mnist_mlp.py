# %% [markdown]
# # 20 · An MLP on 28x28 digits
# The notebook's MNIST classifier `MNIST(h1=256, h2=128)` (784-256-128-10 with ReLU) trained with
# `F.cross_entropy` and `SGD(lr=0.01, momentum=0.9)` in shuffled batches of 64, with the test
# accuracy after each epoch (S4 1249-1449, E14); `jaxnn run mnist_mlp_adam` trains E13's `MLP`
# with Adam (S4 903-1246) the same way.
# Nothing is downloaded: the images are the bundled digits resized to 28x28 (1,540 train,
# 257 test), so the numbers are not MNIST's. What differs most: torch's loop mutates the
# model and the momentum buffers; the JAX loop threads one `TrainState` through a jitted step,
# and starts from torch's initial parameters on the same batches.

# %% Setup: the digits as `ToTensor()` gives them, (N, 1, 28, 28) float32 in [0, 1]
import jax.numpy as jnp
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples.example import Settings
from jaxnn_examples.lessons.compare import show
from jaxnn_examples.mnist import images

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
data = images(Settings(epochs=2, batch_size=64, lr=0.01, seed=0), normalize=False)
print(f"train {data.x_train.shape}, test {data.x_test.shape}; labels {data.y_train[:10]}")
# The first 1,536 training images: 24 full batches of 64, so JAX compiles one step shape.
x_train, y_train = data.x_train[:1536], data.y_train[:1536]

# %% The loaders: shuffled batches of 64 for training (same seed, same order), 1000 for testing
# torch
train_dataset = torch_ref.data.TensorDataset(*map(torch.from_numpy, (x_train, y_train)))
test_dataset = torch_ref.data.TensorDataset(*map(torch.from_numpy, (data.x_test, data.y_test)))
train_loader = torch_ref.data.DataLoader(train_dataset, batch_size=64, shuffle=True, seed=0)
test_loader = torch_ref.data.DataLoader(test_dataset, batch_size=1000, shuffle=False)
first = next(iter(train_loader))
# jax
train_loader_j = jaxnn.data.DataLoader(
    jaxnn.data.TensorDataset(x_train, y_train), batch_size=64, shuffle=True, seed=0
)
test_loader_j = jaxnn.data.DataLoader(
    jaxnn.data.TensorDataset(data.x_test, data.y_test), batch_size=1000
)
first_j = next(iter(train_loader_j))
print(f"{len(train_loader)} training batches; the first is {tuple(first[0].shape)}")
show("first training batch (images, labels)", first, first_j)

# %% `MNIST()`: 235,146 parameters; the twin gets torch's initial parameters
# torch
torch.manual_seed(0)
model = torch_ref.models.MNIST()
initial = {k: v.clone() for k, v in model.state_dict().items()}
count = sum(p.numel() for p in model.parameters())
logits = model(first[0])
# jax
model_j = jaxnn.models.MNIST(rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(model_j, initial)  # torch's initial parameters, copied
count_j = jaxnn.nn.count_parameters(model_j)
logits_j = model_j(first_j[0])
show("parameter count", count, count_j)
show("initial logits of the first batch", logits, logits_j)

# %% The notebook's loop with a test pass after each epoch; JAX threads a TrainState instead
num_epochs = 2
# torch
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
losses, accuracy = [], []
for epoch in range(num_epochs):
    model.train()
    for batch_idx, (data_, target) in enumerate(train_loader):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(data_), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if batch_idx % 100 == 0:
            print(
                f"Epoch [{epoch + 1}/{num_epochs}], Step [{batch_idx + 1}/{len(train_loader)}], "
                f"Loss: {loss.item():.4f}"
            )
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for data_, target in test_loader:
            _, predicted = torch.max(model(data_).data, 1)
            total += target.size(0)
            correct += (predicted == target).sum().item()
    accuracy.append(100 * correct / total)
    print(f"Accuracy of the model on the test images: {100 * correct / total:.2f}%")
# jax
tx = jaxnn.optim.sgd(lr=0.01, momentum=0.9)
graphdef, state = jaxnn.train.TrainState.create(model_j, tx)
train_step = jaxnn.train.make_train_step(graphdef, tx, jaxnn.functional.cross_entropy)
eval_step = jaxnn.train.make_eval_step(graphdef, jaxnn.functional.cross_entropy)
losses_j, accuracy_j = [], []
for _ in range(num_epochs):
    for batch in train_loader_j:
        state, metrics = train_step(state, batch)
        losses_j.append(metrics["loss"])
    sums = [eval_step(state, batch) for batch in test_loader_j]
    accuracy_j.append(100 * sum(int(s["correct"]) for s in sums) / len(data.y_test))
print(f"jax: {accuracy_j[-1]:.2f}%")
show("first 20 losses", torch.tensor(losses[:20]), jnp.stack(losses_j[:20]), kind="curve")
show("all 48 losses", torch.tensor(losses), jnp.stack(losses_j), kind="metric")
show("test accuracy (%) after each epoch", accuracy, accuracy_j, kind="metric")

# %% The trained model predicts test image 0: logits and class
# torch
with torch.no_grad():
    output = model(torch.from_numpy(data.x_test[:1]))
print(f"Actual {data.y_test[0]}, predicted {output.argmax(dim=1).item()}")
# jax
model_j = state.merge(graphdef)  # a module holding the trained parameters
output_j = model_j(jnp.asarray(data.x_test[:1]))
show("logits for test image 0", output, output_j, kind="metric")
show("predicted class", output.argmax(dim=1), output_j.argmax(axis=1))
