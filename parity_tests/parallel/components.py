"""The components ``parity_tests/parallel`` measures: its rows of ``jaxnn parity``'s table.

Each test module marks itself with one (``pytestmark = NAME``), or a parameter or a test
with its own; the suite refuses to run a library test that names none.
"""

import pytest

MULTISEED = pytest.mark.component(
    "Multi-seed training",
    torch="a Python loop of single runs, one per seed",
    jaxnn="jaxnn.parallel.fit_seeds, make_multi_train_step",
    lesson="17_training_loop",
)

SHARDING = pytest.mark.component(
    "Data parallelism",
    torch="torch.nn.parallel.DistributedDataParallel",
    jaxnn="jaxnn.parallel.make_sharded_train_step, data_mesh",
    lesson="17_training_loop",
)

FUSED_EPOCHS = pytest.mark.component(
    "Scan-fused epochs",
    torch="an eager loop of train steps (no fused form)",
    jaxnn="jaxnn.parallel.fit_fused, make_epoch_step",
    lesson="17_training_loop",
)
