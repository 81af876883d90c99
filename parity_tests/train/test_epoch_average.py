"""The epoch-average loss (inventory §1.17; S4 1160-1163, 1509-1511; S1 10288-10292).

The notebooks add `loss.item()` per batch and divide by `len(dataloader)` at the end of an
epoch. ``jaxnn.train.fit`` returns every step's loss in order, so the epoch average is the
mean of each epoch's ``len(loader)`` losses.
"""

import numpy as np
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref

from .components import FIT

pytestmark = FIT


def test_epoch_average_loss_is_the_mean_of_fits_step_losses(mode):
    rng = np.random.default_rng(4)
    x, y = mode.array(rng.normal(size=(14, 2))), rng.integers(0, 2, size=14)
    torch.manual_seed(0)
    tmodel = torch_ref.models.NeuralNetwork(2, 2).to(mode.torch)
    jmodel = jaxnn.models.NeuralNetwork(2, 2, dtype=mode.name, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(jmodel, tmodel.state_dict())
    dataset_t = torch_ref.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader_t = torch_ref.data.DataLoader(dataset_t, 4, shuffle=True, seed=9)
    loader_j = jaxnn.data.DataLoader(jaxnn.data.TensorDataset(x, y), 4, shuffle=True, seed=9)
    epochs = 3
    optimizer = torch.optim.SGD(tmodel.parameters(), lr=0.1)
    averages = []
    for _epoch in range(epochs):  # the notebooks' loop
        total_loss = 0.0
        for features, labels in loader_t:
            optimizer.zero_grad()
            loss = F.cross_entropy(tmodel(features), labels)
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        averages.append(total_loss / len(loader_t))
    result = jaxnn.train.fit(
        jmodel, jaxnn.optim.sgd(lr=0.1), jaxnn.functional.cross_entropy, loader_j, epochs
    )
    assert len(loader_j) == len(loader_t) == 4  # 14 samples: 4 + 4 + 4 + 2
    per_epoch = np.asarray(result.losses).reshape(epochs, len(loader_j)).mean(axis=1)
    mode.assert_twins_close(per_epoch, np.asarray(averages), kind="curve", name="epoch averages")
