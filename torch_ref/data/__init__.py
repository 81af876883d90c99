"""Datasets, samplers, the data loader and transforms in torch, and the data both twins read."""

from torch.utils.data import Dataset as Dataset
from torch.utils.data import TensorDataset as TensorDataset

from torch_ref.data.dataloader import DataLoader as DataLoader
from torch_ref.data.sampler import SequentialSampler as SequentialSampler
from torch_ref.data.sampler import RandomSampler as RandomSampler
from torch_ref.data.sampler import ReplaySampler as ReplaySampler
from torch_ref.data.sampler import RecordingSampler as RecordingSampler
from torch_ref.data.toy import ToyData as ToyData
from torch_ref.data.toy import ToyDataset as ToyDataset
from torch_ref.data.toy import toy_data as toy_data
from torch_ref.data.mnist import MNIST as MNIST
from torch_ref.data.split import Subset as Subset
from torch_ref.data.split import random_split as random_split
from torch_ref.data.grid import make_grid as make_grid
from torch_ref.data.transforms import Compose as Compose
from torch_ref.data.transforms import Normalize as Normalize
from torch_ref.data.transforms import ToTensor as ToTensor

# The neutral core's data: NumPy arrays, the same for both twins.
from twincore.data import synthetic as synthetic
from twincore.data.bundled import load_diabetes as load_diabetes
from twincore.data.bundled import load_digits as load_digits
from twincore.data.bundled import train_test_split as train_test_split
from twincore.data.idx import IDXError as IDXError
from twincore.data.idx import load_mnist as load_mnist
from twincore.data.idx import read_idx as read_idx
