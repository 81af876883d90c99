"""Flax NNX twins of ``torch.nn`` layers: torch constructor arguments plus keyword ``rngs``.

One section per file; keep each section's names sorted.
"""

from jaxnn.nn import init as init

# activation.py
from jaxnn.nn.activation import GELU as GELU
from jaxnn.nn.activation import LeakyReLU as LeakyReLU
from jaxnn.nn.activation import LogSoftmax as LogSoftmax
from jaxnn.nn.activation import ReLU as ReLU
from jaxnn.nn.activation import Sigmoid as Sigmoid
from jaxnn.nn.activation import Softmax as Softmax
from jaxnn.nn.activation import Tanh as Tanh

# container.py
from jaxnn.nn.container import Sequential as Sequential

# conv.py
from jaxnn.nn.conv import Conv2d as Conv2d

# dropout.py
from jaxnn.nn.dropout import Dropout as Dropout

# embedding.py
from jaxnn.nn.embedding import Embedding as Embedding

# flatten.py
from jaxnn.nn.flatten import Flatten as Flatten

# linear.py
from jaxnn.nn.linear import Identity as Identity
from jaxnn.nn.linear import Linear as Linear

# loss.py
from jaxnn.nn.loss import BCELoss as BCELoss
from jaxnn.nn.loss import BCEWithLogitsLoss as BCEWithLogitsLoss
from jaxnn.nn.loss import CosineEmbeddingLoss as CosineEmbeddingLoss
from jaxnn.nn.loss import CrossEntropyLoss as CrossEntropyLoss
from jaxnn.nn.loss import HuberLoss as HuberLoss
from jaxnn.nn.loss import KLDivLoss as KLDivLoss
from jaxnn.nn.loss import L1Loss as L1Loss
from jaxnn.nn.loss import MSELoss as MSELoss
from jaxnn.nn.loss import NLLLoss as NLLLoss
from jaxnn.nn.loss import SmoothL1Loss as SmoothL1Loss
from jaxnn.nn.loss import TripletMarginLoss as TripletMarginLoss

# frozen.py
from jaxnn.nn.frozen import Frozen as Frozen
from jaxnn.nn.frozen import freeze as freeze
from jaxnn.nn.frozen import unfreeze as unfreeze

# module.py
from jaxnn.nn.module import Module as Module
from jaxnn.nn.module import count_parameters as count_parameters
from jaxnn.nn.module import is_training as is_training
from jaxnn.nn.module import module_repr as module_repr
from jaxnn.nn.module import named_children as named_children
from jaxnn.nn.module import named_parameters as named_parameters
from jaxnn.nn.module import parameters as parameters
from jaxnn.nn.module import to as to

# normalization.py
from jaxnn.nn.normalization import BatchNorm1d as BatchNorm1d
from jaxnn.nn.normalization import LayerNorm as LayerNorm

# pooling.py
from jaxnn.nn.pooling import MaxPool2d as MaxPool2d

# recurrent.py
from jaxnn.nn.recurrent import GRU as GRU
from jaxnn.nn.recurrent import LSTM as LSTM
from jaxnn.nn.recurrent import RNN as RNN
