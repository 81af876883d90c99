"""The notebooks' models (torch), same names and constructor arguments as ``jaxnn.models``.

One section per file; keep each section's names sorted.
"""

# cnn.py
from torch_ref.models.cnn import CNN as CNN

# composition.py
from torch_ref.models.composition import ComposedNetwork as ComposedNetwork
from torch_ref.models.composition import LinearBlock as LinearBlock
from torch_ref.models.composition import SharedParameterModule as SharedParameterModule

# linear.py
from torch_ref.models.linear import LinearModel as LinearModel
from torch_ref.models.linear import LinearRegressionModel as LinearRegressionModel
from torch_ref.models.linear import MyModule as MyModule
from torch_ref.models.linear import Net as Net
from torch_ref.models.linear import SimpleModule as SimpleModule
from torch_ref.models.linear import SimpleNet as SimpleNet

# mlp.py
from torch_ref.models.mlp import ANN as ANN
from torch_ref.models.mlp import ClassificationNetwork as ClassificationNetwork
from torch_ref.models.mlp import ClassificationNetworkCorrect as ClassificationNetworkCorrect
from torch_ref.models.mlp import CustomModel as CustomModel
from torch_ref.models.mlp import FeedForwardNetwork as FeedForwardNetwork
from torch_ref.models.mlp import MLP as MLP
from torch_ref.models.mlp import MNIST as MNIST
from torch_ref.models.mlp import MultiLayerNet as MultiLayerNet
from torch_ref.models.mlp import MultiLayerNetwork as MultiLayerNetwork
from torch_ref.models.mlp import NetworkWithFunctionalReLU as NetworkWithFunctionalReLU
from torch_ref.models.mlp import NeuralNetwork as NeuralNetwork
from torch_ref.models.mlp import SimpleNN as SimpleNN
from torch_ref.models.mlp import SimpleNetwork as SimpleNetwork
from torch_ref.models.mlp import SmallNet as SmallNet
from torch_ref.models.mlp import TracedNetwork as TracedNetwork

# normalization.py
from torch_ref.models.normalization import NetworkWithNorm as NetworkWithNorm
from torch_ref.models.normalization import NetworkWithoutNorm as NetworkWithoutNorm

# parameters.py
from torch_ref.models.parameters import MLP2Hidden as MLP2Hidden
from torch_ref.models.parameters import ManualMLP as ManualMLP
from torch_ref.models.parameters import ModuleWithParam as ModuleWithParam
from torch_ref.models.parameters import ModuleWithParameter as ModuleWithParameter
from torch_ref.models.parameters import ModuleWithTensor as ModuleWithTensor

# regularization.py
from torch_ref.models.regularization import ImageClassifier as ImageClassifier
from torch_ref.models.regularization import ModelWithDropout as ModelWithDropout
from torch_ref.models.regularization import NetworkWithDropout as NetworkWithDropout
from torch_ref.models.regularization import (
    NetworkWithFunctionalDropout as NetworkWithFunctionalDropout,
)
from torch_ref.models.regularization import WellRegularizedNetwork as WellRegularizedNetwork

# rnn.py
from torch_ref.models.rnn import RNNModel as RNNModel

# text.py
from torch_ref.models.text import TextClassifier as TextClassifier

# transformer.py
from torch_ref.models.transformer import SelfAttention as SelfAttention
from torch_ref.models.transformer import TransformerBlock as TransformerBlock
from torch_ref.models.transformer import TransformerStyleNetwork as TransformerStyleNetwork
