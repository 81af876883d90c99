# %% [markdown]
# # 09 · Layers
#
# `nn.Linear` and its weights, stacking layers with a ReLU, `nn.Sequential` (also with named
# layers), `nn.Flatten`, and the image layers `nn.Conv2d` and `nn.MaxPool2d` (S0 90-175,
# S1 4169-4218, S1 4824-5027, S4 957-990, S3 300-317). Each `jaxnn.nn` layer takes torch's
# constructor arguments plus `rngs`, and draws torch's initial distribution. What differs most:
# the Flax `kernel` of a Linear layer is `(in, out)`, the transpose of torch's `weight`
# `(out, in)`, and Flax convolutions are NHWC; `jaxnn.interop` converts names and layouts, and
# jaxnn's `Conv2d` and `MaxPool2d` take NCHW like torch.

# %%
from collections import OrderedDict

import jax.numpy as jnp
import numpy as np
import torch
import torch.nn as nn
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
rngs = nnx.Rngs(0)
x_values = [[1.0, 2.0, 3.0], [0.5, 1.0, 1.5], [2.0, 0.5, 1.0], [1.5, 1.5, 0.5]]

# %% The notebook's printed Linear(3, 1) weights give its printed output (S0 97-131)
# torch
x = torch.tensor(x_values)
layer = nn.Linear(in_features=3, out_features=1)
layer.weight.data = torch.tensor([[0.4852, 0.5576, -0.1539]])  # the values S0 printed
layer.bias.data = torch.tensor([-0.0402])
output = layer(x)
# jax
j_layer = jaxnn.nn.Linear(in_features=3, out_features=1, rngs=rngs)
jaxnn.interop.load_state_dict(j_layer, layer.state_dict())  # weight (1, 3) -> kernel (3, 1)
j_output = j_layer(jnp.array(x_values))
# the printed weights are rounded to 4 decimals, so the outputs match the print to ~1e-4
print(f"  notebook: [1.0985, 0.5292, 1.0550, 1.4470]; jax {np.asarray(j_output[:, 0]).round(4)}")
show("layer(x)", output, j_output)

# %% Weights set by hand, no bias, and an unbatched 1-D input: [140, 320] (S1 4872-4921)
# torch
layer = nn.Linear(3, 2, bias=False)
layer.weight.data = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
output = layer(torch.tensor([10.0, 20.0, 30.0]))
batch_output = layer(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]))
# jax
j_layer = jaxnn.nn.Linear(3, 2, bias=False, rngs=rngs)
j_layer.kernel[...] = jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).T  # kernel = weight.T
j_output = j_layer(jnp.array([10.0, 20.0, 30.0]))
j_batch_output = j_layer(jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]))
show("layer(x), x of shape (3,)", output, j_output)
show("layer(batch), (3, 3) -> (3, 2)", batch_output, j_batch_output)

# %% Two Linear layers, with a ReLU between them (S0 133-175)
# torch
layer1, layer2 = nn.Linear(3, 1), nn.Linear(1, 1)
relu = nn.ReLU()
out2 = layer2(layer1(x))
out = layer2(relu(layer1(x)))
# jax
j_layer1, j_layer2 = jaxnn.nn.Linear(3, 1, rngs=rngs), jaxnn.nn.Linear(1, 1, rngs=rngs)
jaxnn.interop.load_state_dict(j_layer1, layer1.state_dict())
jaxnn.interop.load_state_dict(j_layer2, layer2.state_dict())
j_x = jnp.array(x_values)
j_out2 = j_layer2(j_layer1(j_x))
j_out = j_layer2(jaxnn.nn.ReLU()(j_layer1(j_x)))
show("layer2(layer1(x))", out2, j_out2)
show("layer2(relu(layer1(x)))", out, j_out)

# %% nn.Sequential stacks layers; children are named "0", "1", ... (S1 4173-4200)
input_data = np.random.default_rng(0).standard_normal((2, 10)).astype(np.float32)
# torch
sequential_model = nn.Sequential(
    nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 20), nn.ReLU(), nn.Linear(20, 5)
)
output = sequential_model(torch.tensor(input_data))
# jax
L = jaxnn.nn.Linear
j_sequential = jaxnn.nn.Sequential(
    L(10, 20, rngs=rngs),
    jaxnn.nn.ReLU(),
    L(20, 20, rngs=rngs),
    jaxnn.nn.ReLU(),
    L(20, 5, rngs=rngs),
)
jaxnn.interop.load_state_dict(j_sequential, sequential_model.state_dict())
j_output = j_sequential(jnp.asarray(input_data))
keys = list(jaxnn.interop.state_dict(j_sequential))
print(f"  keys: {keys[:2]} ...; [0] is a {type(j_sequential[0]).__name__}")
show("sequential_model(input_data)", output, j_output)

# %% Named layers with an OrderedDict become attribute names and state-dict keys (S1 4203-4218)
# torch
named_sequential = nn.Sequential(
    OrderedDict(
        [
            ("input_layer", nn.Linear(10, 20)),
            ("relu1", nn.ReLU()),
            ("output_layer", nn.Linear(20, 5)),
        ]
    )
)
output = named_sequential(torch.tensor(input_data))
# jax
j_named = jaxnn.nn.Sequential(
    OrderedDict(
        [
            ("input_layer", jaxnn.nn.Linear(10, 20, rngs=rngs)),
            ("relu1", jaxnn.nn.ReLU()),
            ("output_layer", jaxnn.nn.Linear(20, 5, rngs=rngs)),
        ]
    )
)
jaxnn.interop.load_state_dict(j_named, named_sequential.state_dict())
j_output = j_named(jnp.asarray(input_data))
print(f"  named_sequential.input_layer: {type(j_named.input_layer).__name__}")
show("named_sequential(input_data)", output, j_output)

# %% nn.Flatten keeps the batch dimension: (B, 1, 28, 28) -> (B, 784) (S4 957-990)
images = np.random.default_rng(1).standard_normal((2, 1, 28, 28)).astype(np.float32)
# torch
flat = nn.Flatten()(torch.tensor(images))
# jax
j_flat = jaxnn.nn.Flatten()(jnp.asarray(images))  # start_dim=1, end_dim=-1 as in torch
show("nn.Flatten() on (2, 1, 28, 28)", flat, j_flat)

# %% Conv2d(1, 32, 3) on NCHW: padding 0 by default, 28 -> 26 (S3 305)
# torch
conv = nn.Conv2d(1, 32, 3)
feature_maps = conv(torch.tensor(images))
# jax
j_conv = jaxnn.nn.Conv2d(1, 32, 3, rngs=rngs)  # Flax's own Conv would default to 'SAME'
jaxnn.interop.load_state_dict(j_conv, conv.state_dict())  # OIHW weight -> HWIO kernel
j_feature_maps = j_conv(jnp.asarray(images))  # NCHW in, NCHW out
show("Conv2d(1, 32, 3)(x): (2, 32, 26, 26)", feature_maps, j_feature_maps)

# %% MaxPool2d(2): the stride defaults to the kernel size, 26 -> 13 (S3 307)
# torch
pooled = nn.MaxPool2d(2)(torch.relu(feature_maps))
# jax
j_pooled = jaxnn.nn.MaxPool2d(2)(jaxnn.nn.ReLU()(j_feature_maps))  # Flax's stride default is 1
show("MaxPool2d(2)(relu(conv(x))): (2, 32, 13, 13)", pooled, j_pooled)
