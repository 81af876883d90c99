"""Datasets, samplers, the data loader and transforms (torch), twins of ``jaxnn.data``."""

from torch.utils.data import TensorDataset as TensorDataset

from torch_ref.data.dataloader import DataLoader as DataLoader
from torch_ref.data.sampler import RandomSampler as RandomSampler
from torch_ref.data.sampler import RecordingSampler as RecordingSampler
from torch_ref.data.sampler import ReplaySampler as ReplaySampler
from torch_ref.data.sampler import SequentialSampler as SequentialSampler
from torch_ref.data.toy import ToyData as ToyData
from torch_ref.data.toy import ToyDataset as ToyDataset
from torch_ref.data.toy import toy_data as toy_data
from torch_ref.data.mnist import MNIST as MNIST
from torch_ref.data.transforms import Compose as Compose
from torch_ref.data.transforms import Normalize as Normalize
from torch_ref.data.transforms import ToTensor as ToTensor
