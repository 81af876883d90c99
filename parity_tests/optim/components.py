"""The components ``parity_tests/optim`` measures: its rows of ``jaxnn parity``'s table.

Each test module marks itself with one (``pytestmark = NAME``), or a parameter or a test
with its own; the suite refuses to run a library test that names none.
"""

import pytest

ACCUMULATION = pytest.mark.component(
    "Gradient accumulation",
    torch="(loss / k).backward(); step every k",
    jaxnn="jaxnn.optim.accumulate",
    lesson="15_optimizers_and_learning_rate",
)

SGD = pytest.mark.component(
    "SGD",
    torch="torch.optim.SGD",
    jaxnn="jaxnn.optim.sgd",
    lesson="15_optimizers_and_learning_rate",
)

ADAM = pytest.mark.component(
    "Adam",
    torch="torch.optim.Adam",
    jaxnn="jaxnn.optim.adam",
    lesson="15_optimizers_and_learning_rate",
)

LR_SCHEDULES = pytest.mark.component(
    "Learning-rate schedules",
    torch="lr_scheduler.StepLR, ExponentialLR, ...",
    jaxnn="jaxnn.optim.step_lr, exponential_lr, ...",
    lesson="15_optimizers_and_learning_rate",
)

CLIPPING = pytest.mark.component(
    "Gradient clipping",
    torch="torch.nn.utils.clip_grad_norm_",
    jaxnn="jaxnn.optim.clip_grad_norm_, clip",
    lesson="15_optimizers_and_learning_rate",
)

ADAMW = pytest.mark.component(
    "AdamW",
    torch="torch.optim.AdamW",
    jaxnn="jaxnn.optim.adamw",
    lesson="15_optimizers_and_learning_rate",
)

RMSPROP = pytest.mark.component(
    "RMSprop",
    torch="torch.optim.RMSprop",
    jaxnn="jaxnn.optim.rmsprop",
    lesson="15_optimizers_and_learning_rate",
)
