# %% [markdown]
# # 16 · Data loading
# A map-style `Dataset` (`__len__`, `__getitem__`), a `DataLoader` that batches and shuffles
# it, and the image transforms `ToTensor` and `Normalize`. The lesson follows the notebook's toy
# dataset (S4 1724-1804, E17) and the MNIST pipeline (S4 883-946, 1078-1091), here on the
# bundled 28x28 digits. What differs most: `shuffle=True` draws torch's order from its global
# generator, which JAX cannot reproduce, so both loaders take a `seed` and draw the same
# NumPy permutation (or JAX replays the order torch recorded).

# %% Setup: the notebook's toy data (five training and two test points), as NumPy arrays
import numpy as np
import torch
from torch.utils.data import DataLoader

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
toy = jaxnn.data.toy_data(np.float32)

# %% `ToyDataset(X, y)`: an item is one feature row and its label
# torch
X_train, y_train = torch.from_numpy(toy.X_train), torch.from_numpy(toy.y_train)
train_ds = torch_ref.data.ToyDataset(X_train, y_train)
item = train_ds[3]
# jax
train_ds_j = jaxnn.data.ToyDataset(toy.X_train, toy.y_train)  # NumPy arrays
item_j = train_ds_j[3]
show("train_ds[3]: ([2.3, -1.1], 1)", item, item_j)

# %% `len(dataset)` and `len(loader)`: ceil(5 / 2) = 3 batches, floor with `drop_last`
# torch
lengths = (len(train_ds), len(DataLoader(train_ds, batch_size=2)))
lengths += (len(DataLoader(train_ds, batch_size=2, drop_last=True)),)
# jax
lengths_j = (len(train_ds_j), len(jaxnn.data.DataLoader(train_ds_j, batch_size=2)))
lengths_j += (len(jaxnn.data.DataLoader(train_ds_j, batch_size=2, drop_last=True)),)
show("len(dataset), len(loader), with drop_last", lengths, lengths_j)

# %% The notebook's loader under `torch.manual_seed(123)`; JAX replays the order torch drew
# torch
torch.manual_seed(123)
sampler = torch_ref.data.RecordingSampler(torch.utils.data.RandomSampler(train_ds))
train_loader = DataLoader(dataset=train_ds, batch_size=2, sampler=sampler, num_workers=0)
batches = list(train_loader)  # shuffle=True, with the drawn order recorded
for idx, (x, y) in enumerate(batches):
    print(f"Batch {idx + 1}:", x, y)
# jax
replay = jaxnn.data.ReplaySampler(sampler.orders)
batches_j = list(jaxnn.data.DataLoader(train_ds_j, batch_size=2, sampler=replay))
show("the notebook's three batches (x, y)", batches, batches_j)

# %% A seeded shuffle on both sides: the same NumPy permutation, a new one each epoch
# torch
loader = torch_ref.data.DataLoader(train_ds, batch_size=2, shuffle=True, seed=7)
epochs = [list(loader) for _ in range(2)]
print("torch epoch 1 labels:", [y.tolist() for _, y in epochs[0]])
# jax
loader_j = jaxnn.data.DataLoader(train_ds_j, batch_size=2, shuffle=True, seed=7)
epochs_j = [list(loader_j) for _ in range(2)]
print("jax   epoch 1 labels:", [y.tolist() for _, y in epochs_j[0]])
show("two shuffled epochs, seed 7", epochs, epochs_j)

# %% The test loader does not shuffle: the samples come in order
# torch
test_ds = torch_ref.data.ToyDataset(torch.from_numpy(toy.X_test), torch.from_numpy(toy.y_test))
test_loader = DataLoader(dataset=test_ds, batch_size=2, shuffle=False, num_workers=0)
test_batch = next(iter(test_loader))
# jax
test_ds_j = jaxnn.data.ToyDataset(toy.X_test, toy.y_test)
test_batch_j = next(iter(jaxnn.data.DataLoader(test_ds_j, batch_size=2, shuffle=False)))
show("test batch ([[-0.8, 2.8], [2.6, -1.6]], [0, 1])", test_batch, test_batch_j)

# %% `ToTensor()` then `Normalize((0.1307,), (0.3081,))` (S4 909-913), on one 28x28 digit
images, labels = jaxnn.data.load_digits(28)  # uint8 (1797, 28, 28), MNIST-shaped, not MNIST
# torch
transform = torch_ref.data.Compose(
    [torch_ref.data.ToTensor(), torch_ref.data.Normalize((0.1307,), (0.3081,))]
)
dataset = torch_ref.data.MNIST(images, labels, transform=transform)
image, label = dataset[0]
print(f"image {tuple(image.shape)} {image.dtype}, label {label}")
# jax
transform_j = jaxnn.data.Compose(
    [jaxnn.data.ToTensor(), jaxnn.data.Normalize((0.1307,), (0.3081,))]
)
dataset_j = jaxnn.data.MNIST(images, labels, transform=transform_j)  # transformed once, here
image_j, label_j = dataset_j[0]
show("dataset[0] after ToTensor + Normalize", (image, label), (image_j, label_j))

# %% Batches of 64: images (64, 1, 28, 28), labels (64,), the same under the same seed
# torch
loader = torch_ref.data.DataLoader(dataset, batch_size=64, shuffle=True, seed=0)
data, target = next(iter(loader))
print(f"{len(loader)} batches; first: {tuple(data.shape)}, {tuple(target.shape)} {target.dtype}")
# jax
loader_j = jaxnn.data.DataLoader(dataset_j, batch_size=64, shuffle=True, seed=0)
data_j, target_j = next(iter(loader_j))  # jax.Arrays; int labels are int32 without x64
show("first MNIST-style batch (x, y)", (data, target), (data_j, target_j))
