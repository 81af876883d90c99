"""Datasets, samplers, the data loader, transforms, the IDX reader and bundled data."""

from jaxnn.data.dataloader import DataLoader as DataLoader
from jaxnn.data.dataset import Dataset as Dataset
from jaxnn.data.dataset import TensorDataset as TensorDataset
from jaxnn.data.sampler import RandomSampler as RandomSampler
from jaxnn.data.sampler import ReplaySampler as ReplaySampler
from jaxnn.data.sampler import SequentialSampler as SequentialSampler
from jaxnn.data import synthetic as synthetic
from jaxnn.data.toy import ToyData as ToyData
from jaxnn.data.toy import ToyDataset as ToyDataset
from jaxnn.data.toy import toy_data as toy_data
from jaxnn.data.bundled_sets import load_diabetes as load_diabetes
from jaxnn.data.bundled_sets import load_digits as load_digits
from jaxnn.data.bundled_sets import train_test_split as train_test_split
from jaxnn.data.idx import IDXError as IDXError
from jaxnn.data.idx import load_mnist as load_mnist
from jaxnn.data.idx import read_idx as read_idx
from jaxnn.data.mnist import MNIST as MNIST
from jaxnn.data.transforms import Compose as Compose
from jaxnn.data.transforms import Normalize as Normalize
from jaxnn.data.transforms import ToTensor as ToTensor
