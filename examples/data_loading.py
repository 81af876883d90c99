"""The notebooks' Dataset/DataLoader passage: the toy set, batched and shuffled (E17).

``toy_loader`` (S4 1724-1804): ``ToyDataset`` over the five training and two test
points; ``torch.manual_seed(123)``, a ``DataLoader(batch_size=2, shuffle=True,
num_workers=0)`` for training and an unshuffled one for testing; one pass over
each. The torch side uses torch's own ``RandomSampler`` (so with the default seed
123 it prints the notebook's batches: ``[[2.3, -1.1], [-0.9, 2.9]] [1, 0]``, then
``[[-1.2, 3.1], [-0.5, 2.6]] [0, 0]``, then ``[[2.7, -1.5]] [1]``) and hands the
order it drew to the JAX loader (``ReplaySampler``). Run alone, the JAX loader
shuffles with ``jaxnn.data.RandomSampler(seed)``, a different order.
"""

from __future__ import annotations

import numpy as np

from jaxnn_examples.example import Example
from jaxnn_examples.forward import JaxSide, TorchSide, defaults
from twincore.data.toy import toy_data

BATCH_SIZE = 2


def _toy_loader_torch(t: TorchSide) -> None:
    import torch

    import torch_ref

    toy = toy_data(t.np_dtype)
    as_tensor = torch.from_numpy
    train_ds = torch_ref.data.ToyDataset(as_tensor(toy.X_train), as_tensor(toy.y_train))
    test_ds = torch_ref.data.ToyDataset(as_tensor(toy.X_test), as_tensor(toy.y_test))
    # torch.manual_seed(123) came first; shuffle=True is torch's RandomSampler, recorded here.
    sampler = torch_ref.data.RecordingSampler(torch.utils.data.RandomSampler(train_ds))
    train_loader = torch.utils.data.DataLoader(
        dataset=train_ds, batch_size=BATCH_SIZE, sampler=sampler, num_workers=0
    )
    test_loader = torch.utils.data.DataLoader(
        dataset=test_ds, batch_size=BATCH_SIZE, shuffle=False, num_workers=0
    )
    _loader_record(t, "train", train_loader)
    _loader_record(t, "test", test_loader)
    t.hand_over("order.train", np.asarray(sampler.orders[0]))


def _toy_loader_jax(j: JaxSide) -> None:
    import jaxnn

    toy = toy_data(j.np_dtype)
    train_ds = jaxnn.data.ToyDataset(toy.X_train, toy.y_train)
    test_ds = jaxnn.data.ToyDataset(toy.X_test, toy.y_test)
    order = j.handed_over("order.train")
    if order is None:  # JAX alone: a seeded shuffle of its own
        train_loader = jaxnn.data.DataLoader(
            train_ds, batch_size=BATCH_SIZE, shuffle=True, seed=j.settings.seed
        )
    else:  # torch's order
        sampler = jaxnn.data.ReplaySampler([order])
        train_loader = jaxnn.data.DataLoader(train_ds, batch_size=BATCH_SIZE, sampler=sampler)
    test_loader = jaxnn.data.DataLoader(test_ds, batch_size=BATCH_SIZE, shuffle=False)
    _loader_record(j, "train", train_loader)
    _loader_record(j, "test", test_loader)


def _loader_record(side, split: str, loader) -> None:
    n = 0
    for idx, (x, y) in enumerate(loader):
        side.record(f"{split}.batch{idx + 1}.x", x)
        side.record(f"{split}.batch{idx + 1}.y", y)
        n += 1
    side.prints(f"{split} batches", n)
    side.prints(f"{split} batch 1 first label", side.state[f"{split}.batch1.y"][0])


TOY_LOADER = Example(
    "toy_loader",
    "the toy Dataset and its shuffled DataLoader (E17)",
    "S4 1724-1804",
    "ToyDataset + DataLoader(batch_size=2, shuffle=True), torch.manual_seed(123)",
    "toy set: 5 training and 2 test points in 2-D (bundled)",
    "Batch 1: [[2.3, -1.1], [-0.9, 2.9]] [1, 0]; Batch 2: ... [0, 0]; Batch 3: [[2.7, -1.5]] [1]",
    defaults(123),
    torch_side=_toy_loader_torch,
    jax_side=_toy_loader_jax,
)
