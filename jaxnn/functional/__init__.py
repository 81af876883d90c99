"""Twins of ``torch.nn.functional`` and of the tensor functions whose torch
semantics plain ``jnp`` lacks. See ``docs/tensor-twins.md`` for the full map,
including the operations where ``jnp`` itself is the twin.

One section per file; keep each section's names sorted.
"""

# activation.py
from jaxnn.functional.activation import gelu as gelu
from jaxnn.functional.activation import leaky_relu as leaky_relu
from jaxnn.functional.activation import log_softmax as log_softmax
from jaxnn.functional.activation import relu as relu
from jaxnn.functional.activation import sigmoid as sigmoid
from jaxnn.functional.activation import softmax as softmax
from jaxnn.functional.activation import tanh as tanh

# conv.py
from jaxnn.functional.conv import conv2d as conv2d

# creation.py
from jaxnn.functional.creation import ones as ones
from jaxnn.functional.creation import tensor as tensor
from jaxnn.functional.creation import zeros as zeros

# dropout.py
from jaxnn.functional.dropout import dropout as dropout

# embedding.py
from jaxnn.functional.embedding import embedding as embedding

# embedding_losses.py
from jaxnn.functional.embedding_losses import cosine_embedding_loss as cosine_embedding_loss
from jaxnn.functional.embedding_losses import pairwise_distance as pairwise_distance
from jaxnn.functional.embedding_losses import triplet_margin_loss as triplet_margin_loss

# indexing.py
from jaxnn.functional.indexing import gather as gather
from jaxnn.functional.indexing import index_select as index_select
from jaxnn.functional.indexing import topk as topk

# loss.py
from jaxnn.functional.loss import binary_cross_entropy as binary_cross_entropy
from jaxnn.functional.loss import (
    binary_cross_entropy_with_logits as binary_cross_entropy_with_logits,
)
from jaxnn.functional.loss import cross_entropy as cross_entropy
from jaxnn.functional.loss import huber_loss as huber_loss
from jaxnn.functional.loss import kl_div as kl_div
from jaxnn.functional.loss import l1_loss as l1_loss
from jaxnn.functional.loss import mse_loss as mse_loss
from jaxnn.functional.loss import nll_loss as nll_loss
from jaxnn.functional.loss import smooth_l1_loss as smooth_l1_loss

# normalization.py
from jaxnn.functional.normalization import batch_norm as batch_norm
from jaxnn.functional.normalization import batch_norm_running_stats as batch_norm_running_stats
from jaxnn.functional.normalization import layer_norm as layer_norm

# pooling.py
from jaxnn.functional.pooling import max_pool2d as max_pool2d

# reduction.py
from jaxnn.functional.reduction import ValuesIndices as ValuesIndices
from jaxnn.functional.reduction import amax as amax
from jaxnn.functional.reduction import amin as amin
from jaxnn.functional.reduction import max as max  # noqa: A004
from jaxnn.functional.reduction import mean as mean
from jaxnn.functional.reduction import min as min  # noqa: A004
from jaxnn.functional.reduction import prod as prod
from jaxnn.functional.reduction import std as std
from jaxnn.functional.reduction import var as var

# shape.py
from jaxnn.functional.shape import expand as expand
from jaxnn.functional.shape import flatten as flatten
from jaxnn.functional.shape import squeeze as squeeze
