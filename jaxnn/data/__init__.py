"""Datasets, samplers, the data loader and transforms in JAX, and the data both twins read."""

from jaxnn.data.dataset import Dataset as Dataset
from jaxnn.data.dataset import TensorDataset as TensorDataset
from jaxnn.data.dataloader import DataLoader as DataLoader
from jaxnn.data.sampler import SequentialSampler as SequentialSampler
from jaxnn.data.sampler import RandomSampler as RandomSampler
from jaxnn.data.sampler import ReplaySampler as ReplaySampler
from jaxnn.data.toy import ToyData as ToyData
from jaxnn.data.toy import ToyDataset as ToyDataset
from jaxnn.data.toy import toy_data as toy_data
from jaxnn.data.mnist import MNIST as MNIST
from jaxnn.data.split import Subset as Subset
from jaxnn.data.split import random_split as random_split
from jaxnn.data.grid import make_grid as make_grid
from jaxnn.data.transforms import Compose as Compose
from jaxnn.data.transforms import Normalize as Normalize
from jaxnn.data.transforms import ToTensor as ToTensor

# The neutral core's data: NumPy arrays, the same for both twins.
from twincore.data import synthetic as synthetic
from twincore.data.bundled import load_diabetes as load_diabetes
from twincore.data.bundled import load_digits as load_digits
from twincore.data.bundled import train_test_split as train_test_split
from twincore.data.idx import IDXError as IDXError
from twincore.data.idx import load_mnist as load_mnist
from twincore.data.idx import read_idx as read_idx
