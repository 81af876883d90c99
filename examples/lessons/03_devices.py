# %% [markdown]
# # 03 · Devices
#
# Choosing a device, creating tensors on it, moving them with `.to()`, and the same-device rule
# (S1 419-683, S0 75-81). JAX lists its devices with `jax.devices()`; `jaxnn.device` and
# `torch_ref.device` wrap both sides with the same helpers. What differs most: torch creates
# every tensor on the CPU unless told otherwise and never moves one implicitly, while JAX
# creates arrays on its default device (the GPU when there is one) and moves *uncommitted*
# arrays on its own; only arrays placed with `jax.device_put` are pinned ("committed").

# %%
import time

import jax
import jax.numpy as jnp
import numpy as np
import torch

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")

# %% Pick the device once, at the top of the script (S1 466-480, S0 77)
# torch
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
t_devices = torch_ref.device.list_devices()
# jax
j_device = jax.devices()[0]  # = jaxnn.device.default_device(): GPU/TPU first, else CPU
j_devices = jaxnn.device.list_devices()
print(f"  torch: {device} (type {device.type}) | jax: {j_device} ({j_device.platform})")
print(f"  torch lists {[d.name for d in t_devices]} | jax lists {[d.name for d in j_devices]}")
show(
    "CPU entries listed",
    sum(d.type == "cpu" for d in t_devices),
    sum(d.type == "cpu" for d in j_devices),
)

# %% Create on the CPU and on the device; zeros straight on the device (S1 486-506)
# torch
cpu_tensor = torch.tensor([1.0, 2.0, 3.0, 4.0])
device_tensor = torch.tensor([1.0, 2.0, 3.0, 4.0], device=device)
zeros_on_device = torch.zeros(3, 3, device=device)
# jax
j_default = jnp.array([1.0, 2.0, 3.0, 4.0])  # already on the default device
j_on_device = jax.device_put(jnp.array([1.0, 2.0, 3.0, 4.0]), j_device)
j_zeros = jax.device_put(jnp.zeros((3, 3), dtype=jnp.float32), j_device)
print(f"  torch: {cpu_tensor.device}, {device_tensor.device} | jax: {j_default.devices()}")
show("created on the device", (device_tensor, zeros_on_device), (j_on_device, j_zeros))

# %% .to(device) returns the same tensor when it is already there; device_put commits
# torch
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
x_on_device = x.to(device)
x_cpu = x_on_device.cpu()
# jax
j_x = jnp.array([[1.0, 2.0], [3.0, 4.0]])
j_x_on_device = jaxnn.device.to_device(j_x, j_device)
j_x_cpu = jaxnn.device.to_device(j_x_on_device, "cpu")
print(f"  torch: x.to(device) is x -> {x_on_device is x}")
print(f"  jax: committed before {j_x.committed}, after device_put {j_x_on_device.committed}")
show("x.to(device).cpu()", x_cpu, j_x_cpu)

# %% Move results back to the CPU before NumPy: .cpu().numpy() (S1 596-615)
data_np = np.random.default_rng(0).standard_normal((10, 5)).astype(np.float32)
# torch
data = torch.tensor(data_np).to(device)
result = data.sum()
result_numpy = result.cpu().numpy()
# jax
j_data = jaxnn.device.to_device(jnp.asarray(data_np), j_device)
j_result_numpy = np.asarray(j_data.sum())  # np.asarray copies device arrays to the host
print(f"  types: {type(result_numpy).__name__} | {type(j_result_numpy).__name__}")
show("data.sum().cpu().numpy()", result_numpy, j_result_numpy)

# %% The notebook's safe_add moves the second operand to the first one's device (S1 617-630)
# torch
x, y = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0], device=device)
t_sum = torch_ref.device.safe_add(x, y)
# jax
j_x, j_y = jnp.array([1.0, 2.0]), jax.device_put(jnp.array([3.0, 4.0]), j_device)
j_sum = jaxnn.device.safe_add(j_x, j_y)
print(f"  result devices: torch {t_sum.device} | jax {j_sum.devices()}")
show("safe_add([1, 2], [3, 4])", t_sum, j_sum)

# %% Mixing devices: torch raises, JAX moves uncommitted arrays (shown with the 'meta' device)
# torch
a = torch.tensor([1.0, 2.0, 3.0])
try:
    a + torch.tensor([4.0, 5.0, 6.0], device="meta")
except (RuntimeError, NotImplementedError) as e:
    print(f"  torch: {type(e).__name__}: {str(e).splitlines()[0][:70]}")
a_on_device = a.to(device)
t_result = a_on_device + torch.tensor([4.0, 5.0, 6.0], device=device)
# jax
j_a = jnp.array([1.0, 2.0, 3.0])  # uncommitted: follows the committed operand
j_result = j_a + jax.device_put(jnp.array([4.0, 5.0, 6.0]), j_device)
show("a + b on one device", t_result, j_result)

# %% Timing a matmul: JAX dispatches asynchronously, so wait with block_until_ready (S1 632-665)
size = 256  # the notebook uses 5000; the point is the synchronisation, not the speed
a_np, b_np = np.random.default_rng(0).standard_normal((2, size, size)).astype(np.float32)
# torch
a_cpu, b_cpu = torch.tensor(a_np), torch.tensor(b_np)
start = time.time()
c_cpu = torch.matmul(a_cpu, b_cpu)
cpu_time = time.time() - start
# jax
matmul = jax.jit(jnp.matmul)
a_j, b_j = jnp.asarray(a_np), jnp.asarray(b_np)
matmul(a_j, b_j).block_until_ready()  # warm-up: the first call compiles
start = time.time()
c_j = matmul(a_j, b_j).block_until_ready()
jax_time = time.time() - start
print(f"  torch {cpu_time * 1e3:.2f} ms | jax {jax_time * 1e3:.2f} ms (not a benchmark)")
show("matmul(a, b), 256 x 256", c_cpu, c_j)

# %% The library twins time the same inputs on both sides and return the product
# torch
t_timing = torch_ref.device.time_matmul(128, repeats=2)
# jax
j_timing = jaxnn.device.time_matmul(128, repeats=2)
print(f"  torch {t_timing['gflops']:.1f} GFLOP/s | jax {j_timing['gflops']:.1f} GFLOP/s")
show("time_matmul(128)['result']", t_timing["result"], j_timing["result"])
