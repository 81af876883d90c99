"""The components ``parity_tests/functional`` measures: its rows of ``jaxnn parity``'s table.

Each test module marks itself with one (``pytestmark = NAME``), or a parameter or a test
with its own; the suite refuses to run a library test that names none.
"""

import pytest

CREATION = pytest.mark.component(
    "Tensor creation and dtypes",
    torch="torch.tensor, torch.zeros, torch.arange",
    jaxnn="jaxnn.functional.tensor; jnp.zeros, arange",
    lesson="01_tensors",
)

INDEXING = pytest.mark.component(
    "Indexing and masks",
    torch="x[i], x[mask], x[idx] = v",
    jaxnn="x[i], x[mask], x.at[idx].set(v)",
    lesson="02_shapes_and_views",
)

SHAPE = pytest.mark.component(
    "Shape operations and views",
    torch="torch.reshape, Tensor.view, squeeze",
    jaxnn="jnp.reshape; jaxnn.functional.squeeze, flatten",
    lesson="02_shapes_and_views",
)

ARGMAX_TOPK = pytest.mark.component(
    "argmax, argmin, topk",
    torch="torch.argmax, torch.topk",
    jaxnn="jnp.argmax, jaxnn.functional.topk",
    lesson="04_reductions_and_argmax",
)

REDUCTIONS = pytest.mark.component(
    "Reductions",
    torch="torch.sum, mean, max, std, prod",
    jaxnn="jnp.sum; jaxnn.functional.mean, max, std, prod",
    lesson="04_reductions_and_argmax",
)

GATHER = pytest.mark.component(
    "gather",
    torch="torch.gather",
    jaxnn="jaxnn.functional.gather",
    lesson="06_gather",
)

INDEX_SELECT = pytest.mark.component(
    "index_select",
    torch="torch.index_select",
    jaxnn="jaxnn.functional.index_select",
    lesson="06_gather",
)
