"""The components ``parity_tests/data`` measures: its rows of ``jaxnn parity``'s table.

Each test module marks itself with one (``pytestmark = NAME``), or a parameter or a test
with its own; the suite refuses to run a library test that names none.
"""

import pytest

DATALOADER = pytest.mark.component(
    "Dataset and DataLoader",
    torch="torch.utils.data.TensorDataset, DataLoader",
    jaxnn="jaxnn.data.TensorDataset, DataLoader",
    lesson="16_data_loading",
)

BUNDLED = pytest.mark.component(
    "Bundled data sets",
    torch="sklearn.datasets.load_digits, load_diabetes",
    jaxnn="jaxnn.data.load_digits, load_diabetes",
    lesson="16_data_loading",
)

TRANSFORMS = pytest.mark.component(
    "Transforms",
    torch="torchvision.transforms.ToTensor, ...",
    jaxnn="jaxnn.data.ToTensor, Normalize, Compose",
    lesson="16_data_loading",
)

IDX = pytest.mark.component(
    "IDX files",
    torch="torchvision.datasets.MNIST's file format",
    jaxnn="jaxnn.data.read_idx, load_mnist",
    lesson="20_mnist_mlp",
)

MNIST = pytest.mark.component(
    "MNIST data set",
    torch="torchvision.datasets.MNIST",
    jaxnn="jaxnn.data.MNIST",
    lesson="20_mnist_mlp",
)

SPLIT = pytest.mark.component(
    "Train/validation split",
    torch="torch.utils.data.random_split, Subset",
    jaxnn="jaxnn.data.random_split, Subset",
    lesson="16_data_loading",
)

GRID = pytest.mark.component(
    "Image grid",
    torch="torchvision.utils.make_grid",
    jaxnn="jaxnn.data.make_grid",
    lesson="20_mnist_mlp",
)
