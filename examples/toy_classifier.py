"""E18: the toy classifier of the recap training loop (seed S4 1806-1927).

``NeuralNetwork(2, 2)`` trained with SGD (lr 0.5) and cross-entropy for three
epochs over the five-point toy set in batches of two, ``drop_last=True``
(the seed's printed log has two batches per epoch, which needs it; the seed's
code never shows it). Prints the per-step loss; the final metrics are the
seed's ``compute_accuracy`` on the training and test sets.
"""

from __future__ import annotations

import numpy as np

from examples.runner import Config, Example, SideResult
from jaxnn.data import toy_data

DEFAULTS = Config(epochs=3, batch_size=2, lr=0.5, seed=123)


def run_torch(config: Config) -> SideResult:
    """The seed's loop in torch: model under ``torch.manual_seed(seed)``, then ``fit``."""
    import torch
    import torch.nn.functional as F

    import torch_ref

    dtype = torch_ref.config.torch_dtype(config.dtype)
    data = toy_data(np.dtype(config.dtype))
    X_train, y_train = torch.from_numpy(data.X_train), torch.from_numpy(data.y_train)
    X_test, y_test = torch.from_numpy(data.X_test), torch.from_numpy(data.y_test)
    train_ds = torch_ref.data.TensorDataset(X_train, y_train)
    train_loader = torch_ref.data.DataLoader(
        train_ds, batch_size=config.batch_size, shuffle=True, drop_last=True, seed=config.seed
    )

    torch.manual_seed(config.seed)
    model = torch_ref.models.NeuralNetwork(num_inputs=2, num_outputs=2).to(dtype)
    initial = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr)
    result = torch_ref.train.fit(model, optimizer, F.cross_entropy, train_loader, config.epochs)

    eval_train = torch_ref.data.DataLoader(train_ds, batch_size=config.batch_size)
    eval_test = torch_ref.data.DataLoader(
        torch_ref.data.TensorDataset(X_test, y_test), batch_size=config.batch_size
    )
    final = {
        "train_accuracy": torch_ref.train.compute_accuracy(model, eval_train),
        "test_accuracy": torch_ref.train.compute_accuracy(model, eval_test),
    }
    state = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    return SideResult(result.losses, final, state, initial_state=initial)


def run_jax(config: Config, init: dict[str, np.ndarray] | None) -> SideResult:
    """The same loop in JAX; starts from ``init`` (torch's parameters) when given."""
    from flax import nnx

    import jaxnn

    jaxnn.config.require_dtype(config.dtype)  # the entry point sets numerics
    data = toy_data(np.dtype(config.dtype))
    train_ds = jaxnn.data.TensorDataset(data.X_train, data.y_train)
    train_loader = jaxnn.data.DataLoader(
        train_ds, batch_size=config.batch_size, shuffle=True, drop_last=True, seed=config.seed
    )

    model = jaxnn.models.NeuralNetwork(
        num_inputs=2, num_outputs=2, dtype=np.dtype(config.dtype), rngs=nnx.Rngs(config.seed)
    )
    if init is not None:
        jaxnn.interop.load_state_dict(model, init)
    tx = jaxnn.optim.sgd(lr=config.lr)
    result = jaxnn.train.fit(model, tx, jaxnn.functional.cross_entropy, train_loader, config.epochs)

    eval_train = jaxnn.data.DataLoader(train_ds, batch_size=config.batch_size)
    eval_test = jaxnn.data.DataLoader(
        jaxnn.data.TensorDataset(data.X_test, data.y_test), batch_size=config.batch_size
    )
    final = {
        "train_accuracy": jaxnn.train.compute_accuracy(model, eval_train),
        "test_accuracy": jaxnn.train.compute_accuracy(model, eval_test),
    }
    return SideResult(result.losses, final, jaxnn.interop.state_dict(model))


EXAMPLE = Example(
    name="toy_classifier",
    title="toy classifier, the recap training loop (E18)",
    seed_ref="S4 1806-1927",
    model="NeuralNetwork(2, 2): 2-30-20-2 MLP",
    data="toy set: 5 training and 2 test points in 2-D (bundled)",
    prints="per-batch loss; train and test accuracy (seed: 1.0 and 1.0)",
    defaults=DEFAULTS,
    run_torch=run_torch,
    run_jax=run_jax,
)
