"""Datasets, samplers and the data loader; framework-neutral data builders."""

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
