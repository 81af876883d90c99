# %% [markdown]
# # 08 · Modules and parameters
#
# Defining a model as a class, parameter names and counts, composition, `nn.Parameter` versus a
# plain tensor attribute, freezing and parameter sharing (S1 3990-4170, S1 4441-4684). A jaxnn
# model is a Flax NNX module: `__call__` instead of `forward`, layers built with an explicit
# `rngs`, and `jaxnn.nn.named_parameters`/`count_parameters` giving torch's names and counts.
# What differs most: NNX keeps no global state, so random initial values never match torch's
# (each cell copies torch's parameters with `jaxnn.interop.load_state_dict`), gradients are
# returned by `nnx.grad` rather than stored in `.grad`, and `requires_grad = False` becomes a
# variable type (`jaxnn.nn.freeze`).

# %%
import jax
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
rng = np.random.default_rng(0)
input_data = rng.standard_normal((3, 10)).astype(np.float32)


# %% A module is a class whose call runs forward; torch's parameters copied in (S1 3990-4027)
# torch
class SimpleModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 5)

    def forward(self, x):
        return self.linear(x)


model = SimpleModule()
output = model(torch.tensor(input_data))


# jax
class JaxSimpleModule(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):  # no super().__init__() needed
        self.linear = jaxnn.nn.Linear(10, 5, rngs=rngs)

    def __call__(self, x):
        return self.linear(x)


j_model = JaxSimpleModule(rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(j_model, model.state_dict())
j_output = j_model(jnp.asarray(input_data))
show("model(input_data) (3, 5)", output, j_output)

# %% named_parameters and the count: linear.weight (5, 10), linear.bias (5,), 55 (S1 4037-4051)
# torch
t_names = [(name, tuple(p.shape)) for name, p in model.named_parameters()]
total_params = sum(p.numel() for p in model.parameters())
# jax
j_names = [(name, tuple(p.shape)) for name, p in jaxnn.nn.named_parameters(j_model)]
j_total = jaxnn.nn.count_parameters(j_model)
print(f"  torch {t_names}\n  jax   {j_names}  (torch names, Flax layout: kernel is (in, out))")
show("total parameters = 55", total_params, j_total)
show(
    "state_dict in torch's names and layout", model.state_dict(), jaxnn.interop.state_dict(j_model)
)

# %% Modules within modules: names are dotted paths, 905 parameters (S1 4120-4167)
# torch
composed_model = torch_ref.models.ComposedNetwork()  # notebook: LinearBlock x 3 + Linear(10, 5)
test_output = composed_model(torch.tensor(input_data))
t_count = sum(p.numel() for p in composed_model.parameters())
# jax
j_composed = jaxnn.models.ComposedNetwork(rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(j_composed, composed_model.state_dict())
j_test_output = j_composed(jnp.asarray(input_data))
j_count = jaxnn.nn.count_parameters(j_composed)
print(f"  first names: {[n for n, _ in jaxnn.nn.named_parameters(j_composed)][:3]}")
show("composed_model(test_input)", test_output, j_test_output)
show("total parameters = 905", t_count, j_count)


# %% nn.Parameter is nnx.Param: a trainable array the module tracks (S1 4445-4476)
# torch
class ModuleWithParameter(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(3, 3))
        self.bias = nn.Parameter(torch.randn(3))

    def forward(self, x):
        return x @ self.weight + self.bias


model = ModuleWithParameter()
x3 = rng.standard_normal((4, 3)).astype(np.float32)
out = model(torch.tensor(x3))


# jax
class JaxModuleWithParameter(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jax.random.normal(rngs.params(), (3, 3)))
        self.bias = nnx.Param(jax.random.normal(rngs.params(), (3,)))

    def __call__(self, x):
        return x @ self.weight + self.bias


j_model = JaxModuleWithParameter(rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(j_model, model.state_dict())  # no transpose: x @ weight here
j_out = j_model(jnp.asarray(x3))
print(f"  types: {type(model.weight).__name__} | {type(j_model.weight).__name__}")
show("x @ weight + bias", out, j_out)

# %% A plain tensor attribute is not a parameter in either framework (S1 4478-4495)
# torch
model_tensor = torch_ref.models.ModuleWithTensor()  # self.regular_tensor = torch.randn(3, 3)
t_n = len(list(model_tensor.parameters()))
# jax
j_model_tensor = jaxnn.models.ModuleWithTensor(rngs=nnx.Rngs(0))
j_n = len(list(jaxnn.nn.parameters(j_model_tensor)))
# but it is still NNX state: nnx.split and jax.device_put carry it (torch: register_buffer)
print(f"  jax state leaves: {len(jax.tree.leaves(nnx.state(j_model_tensor)))}")
show("number of parameters = 0", t_n, j_n)

# %% Freezing the first layer: 105 / 325 trainable, and it gets no gradient (S1 4616-4653)
# torch
model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))
for param in model[0].parameters():
    param.requires_grad = False
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
model(torch.tensor(input_data)).sum().backward()
print(f"  torch: model[0].weight.grad is {model[0].weight.grad}")
# jax
L = jaxnn.nn.Linear
j_model = jaxnn.nn.Sequential(
    L(10, 20, rngs=nnx.Rngs(0)), jaxnn.nn.ReLU(), L(20, 5, rngs=nnx.Rngs(1))
)
jaxnn.interop.load_state_dict(j_model, model.state_dict())
jaxnn.nn.freeze(j_model[0])  # its nnx.Param variables become jaxnn.nn.Frozen
j_trainable = jaxnn.nn.count_parameters(j_model, trainable_only=True)
grads = nnx.grad(lambda m: m(jnp.asarray(input_data)).sum())(j_model)
print(f"  jax: gradient entries {sorted(grads.keys())} (no '0')")
show("trainable parameters = 105", trainable, j_trainable)
show("model[2].weight.grad", model[2].weight.grad, grads["2"]["kernel"][...].T)

# %% Unfreezing makes all 325 trainable again (S1 4646-4653)
# torch
for param in model.parameters():
    param.requires_grad = True
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
# jax
jaxnn.nn.unfreeze(j_model)
j_trainable = jaxnn.nn.count_parameters(j_model, trainable_only=True)
show("trainable after unfreezing = 325", trainable, j_trainable)

# %% One layer used twice: counted once (110), gradients of both uses add up (S1 4659-4681)
# torch
shared_model = torch_ref.models.SharedParameterModule()
total_params = sum(p.numel() for p in shared_model.parameters())
shared_model(torch.tensor(input_data)).pow(2).sum().backward()
# jax
j_shared = jaxnn.models.SharedParameterModule(rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(j_shared, shared_model.state_dict())
j_total = jaxnn.nn.count_parameters(j_shared)
j_grads = nnx.grad(lambda m: (m(jnp.asarray(input_data)) ** 2).sum())(j_shared)
show("total parameters = 110", total_params, j_total)
show(
    "shared_layer.weight.grad",
    shared_model.shared_layer.weight.grad,
    j_grads["shared_layer"]["kernel"][...].T,
)
