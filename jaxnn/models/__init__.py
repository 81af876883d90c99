"""The notebooks' models as Flax NNX modules, with the same names and constructor
arguments as their ``torch_ref.models`` twins (plus keyword-only ``dtype`` and ``rngs``).
See ``docs/models.md`` for the map from each notebook class to its twins.

One section per file; keep each section's names sorted.
"""

# cnn.py
from jaxnn.models.cnn import CNN as CNN

# composition.py
from jaxnn.models.composition import ComposedNetwork as ComposedNetwork
from jaxnn.models.composition import LinearBlock as LinearBlock
from jaxnn.models.composition import SharedParameterModule as SharedParameterModule

# linear.py
from jaxnn.models.linear import LinearModel as LinearModel
from jaxnn.models.linear import LinearRegressionModel as LinearRegressionModel
from jaxnn.models.linear import MyModule as MyModule
from jaxnn.models.linear import Net as Net
from jaxnn.models.linear import SimpleModule as SimpleModule
from jaxnn.models.linear import SimpleNet as SimpleNet

# mlp.py
from jaxnn.models.mlp import ANN as ANN
from jaxnn.models.mlp import ClassificationNetwork as ClassificationNetwork
from jaxnn.models.mlp import ClassificationNetworkCorrect as ClassificationNetworkCorrect
from jaxnn.models.mlp import CustomModel as CustomModel
from jaxnn.models.mlp import FeedForwardNetwork as FeedForwardNetwork
from jaxnn.models.mlp import MLP as MLP
from jaxnn.models.mlp import MNIST as MNIST
from jaxnn.models.mlp import MultiLayerNet as MultiLayerNet
from jaxnn.models.mlp import MultiLayerNetwork as MultiLayerNetwork
from jaxnn.models.mlp import NetworkWithFunctionalReLU as NetworkWithFunctionalReLU
from jaxnn.models.mlp import NeuralNetwork as NeuralNetwork
from jaxnn.models.mlp import SimpleNN as SimpleNN
from jaxnn.models.mlp import SimpleNetwork as SimpleNetwork
from jaxnn.models.mlp import SmallNet as SmallNet
from jaxnn.models.mlp import TracedNetwork as TracedNetwork

# normalization.py
from jaxnn.models.normalization import NetworkWithNorm as NetworkWithNorm
from jaxnn.models.normalization import NetworkWithoutNorm as NetworkWithoutNorm

# parameters.py
from jaxnn.models.parameters import MLP2Hidden as MLP2Hidden
from jaxnn.models.parameters import ManualMLP as ManualMLP
from jaxnn.models.parameters import ModuleWithParam as ModuleWithParam
from jaxnn.models.parameters import ModuleWithParameter as ModuleWithParameter
from jaxnn.models.parameters import ModuleWithTensor as ModuleWithTensor

# regularization.py
from jaxnn.models.regularization import ImageClassifier as ImageClassifier
from jaxnn.models.regularization import ModelWithDropout as ModelWithDropout
from jaxnn.models.regularization import NetworkWithDropout as NetworkWithDropout
from jaxnn.models.regularization import NetworkWithFunctionalDropout as NetworkWithFunctionalDropout
from jaxnn.models.regularization import WellRegularizedNetwork as WellRegularizedNetwork

# rnn.py
from jaxnn.models.rnn import RNNModel as RNNModel

# text.py
from jaxnn.models.text import TextClassifier as TextClassifier

# transformer.py
from jaxnn.models.transformer import SelfAttention as SelfAttention
from jaxnn.models.transformer import TransformerBlock as TransformerBlock
from jaxnn.models.transformer import TransformerStyleNetwork as TransformerStyleNetwork
