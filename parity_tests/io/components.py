"""The components ``parity_tests/io`` measures: its rows of ``jaxnn parity``'s table.

Each test module marks itself with one (``pytestmark = NAME``), or a parameter or a test
with its own; the suite refuses to run a library test that names none.
"""

import pytest

CHECKPOINTS = pytest.mark.component(
    "Checkpoints",
    torch="torch.save, torch.load",
    jaxnn="jaxnn.checkpoint.save_safetensors, ...",
    lesson="19_saving_and_loading",
)

STATE_DICT = pytest.mark.component(
    "state_dict conversion",
    torch="model.state_dict(), load_state_dict()",
    jaxnn="jaxnn.interop.state_dict, load_state_dict",
    lesson="19_saving_and_loading",
)

FROM_TORCH = pytest.mark.component(
    "Automatic JAX twin",
    torch="any torch.nn.Module (torch.fx)",
    jaxnn="jaxnn.interop.from_torch",
    lesson="19_saving_and_loading",
)
