# %% [markdown]
# # 19 · Saving and loading
# The notebooks save a state dict (`torch.save(model.state_dict(), 'model.pth')`) and load it into a
# freshly built model of the same architecture (S3 149-160; S4 1345-1346, 1427-1429, 1926-1927,
# 2175-2181). The JAX side reads the same `.pth` (`jaxnn.checkpoint.load_torch_state_dict`,
# always `weights_only=True`), writes safetensors files byte-identical to torch's, and saves a
# whole training state with orbax. What differs most: a JAX model has no `state_dict()` method;
# `jaxnn.interop` maps its parameters to torch's key names and layouts (Linear weights
# transposed). Every file here goes to a temporary directory that is removed at the end.

# %% Setup: a temporary directory and the toy model NeuralNetwork(2, 3) of the "Full flow"
import tempfile
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import torch
import torch.nn.functional as F
from flax import nnx

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
tmp = tempfile.TemporaryDirectory()
folder = Path(tmp.name)
toy = jaxnn.data.toy_data(np.float32)
torch.manual_seed(123)
model = torch_ref.models.NeuralNetwork(2, 3)

# %% `torch.save(model.state_dict(), "model.pth")`, then load it into a new model on each side
# torch
torch.save(model.state_dict(), folder / "model.pth")
model2 = torch_ref.models.NeuralNetwork(2, 3)  # needs to match orig model exactly
print(model2.load_state_dict(torch.load(folder / "model.pth")))
# jax
model_j = jaxnn.models.NeuralNetwork(2, 3, rngs=nnx.Rngs(0))  # the same architecture first
state_dict = jaxnn.checkpoint.load_torch_state_dict(folder / "model.pth")  # NumPy arrays
print(jaxnn.interop.load_state_dict(model_j, state_dict))
show("the loaded state dicts", model2.state_dict(), jaxnn.interop.state_dict(model_j))

# %% The reloaded models give the same outputs (eval mode, the training inputs)
# torch
model2.eval()
with torch.no_grad():
    outputs = model2(torch.from_numpy(toy.X_train))
# jax
model_j.eval()
outputs_j = model_j(jnp.asarray(toy.X_train))
show("outputs of the reloaded model", outputs, outputs_j)

# %% safetensors, the interchange: both frameworks write the same bytes for the same parameters
# torch
torch_ref.checkpoint.save_safetensors(model2, folder / "torch.safetensors")
torch_bytes = torch.frombuffer(
    bytearray((folder / "torch.safetensors").read_bytes()), dtype=torch.uint8
)
# jax
jaxnn.checkpoint.save_safetensors(model_j, folder / "jax.safetensors")
jax_bytes = np.frombuffer((folder / "jax.safetensors").read_bytes(), dtype=np.uint8)
show("safetensors file bytes", torch_bytes, jax_bytes)

# %% Either framework loads the other's file, bit for bit
# torch
model3 = torch_ref.models.NeuralNetwork(2, 3)
print(torch_ref.checkpoint.load_safetensors_into(model3, folder / "jax.safetensors"))
# jax
model3_j = jaxnn.models.NeuralNetwork(2, 3, rngs=nnx.Rngs(1))
print(jaxnn.checkpoint.load_safetensors_into(model3_j, folder / "torch.safetensors"))
show("loaded across frameworks", model3.state_dict(), jaxnn.interop.state_dict(model3_j))

# %% A file of another architecture: the checked loaders raise and change nothing
# torch
torch_ref.checkpoint.save_safetensors(torch_ref.models.NeuralNetwork(2, 2), folder / "2x2.st")
before = {k: v.clone() for k, v in model3.state_dict().items()}
try:
    torch_ref.checkpoint.load_safetensors_into(model3, folder / "2x2.st")
except RuntimeError as error:
    print("torch:", str(error).splitlines()[1].strip())
after = model3.state_dict()
print("torch model unchanged:", all(torch.equal(before[k], after[k]) for k in before))
# jax
try:
    jaxnn.checkpoint.load_safetensors_into(model3_j, folder / "2x2.st")
except RuntimeError as error:  # jaxnn.interop.StateDictError
    print("jax:  ", str(error).splitlines()[1].strip())
show("parameters after the failed load", after, jaxnn.interop.state_dict(model3_j))

# %% E14's reload: `MNIST()` from 'mnist_model.pth', then predict one 28x28 image
image = jaxnn.data.ToTensor().batch(jaxnn.data.load_digits(28)[0][:1])  # (1, 1, 28, 28)
# torch
torch.save(torch_ref.models.MNIST().state_dict(), folder / "mnist_model.pth")
mnist = torch_ref.models.MNIST()
mnist.load_state_dict(torch.load(folder / "mnist_model.pth"))
mnist.eval()
with torch.no_grad():
    logits = mnist(torch.from_numpy(image))
# jax
mnist_j = jaxnn.models.MNIST(rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(
    mnist_j, jaxnn.checkpoint.load_torch_state_dict(folder / "mnist_model.pth")
)
logits_j = mnist_j(jnp.asarray(image))
show("MNIST logits for image 0", logits, logits_j)
show("predicted class", logits.argmax(dim=1), logits_j.argmax(axis=1))

# %% Resuming training: save parameters, optimizer state and step after 3 steps, load, go on
batch = (toy.X_train, toy.y_train)
# torch
net = torch_ref.models.NeuralNetwork(2, 3)
init = {k: v.clone() for k, v in net.state_dict().items()}
opt = torch.optim.Adam(net.parameters(), lr=0.01)
t_batch = tuple(map(torch.from_numpy, batch))
for _ in range(3):
    torch_ref.train.train_step(net, opt, F.cross_entropy, t_batch)
torch.save(
    {"model": net.state_dict(), "optimizer": opt.state_dict(), "step": 3}, folder / "ckpt.pth"
)
ckpt = torch.load(folder / "ckpt.pth")
net = torch_ref.models.NeuralNetwork(2, 3)  # a fresh process would start here
net.load_state_dict(ckpt["model"])
opt = torch.optim.Adam(net.parameters(), lr=0.01)
opt.load_state_dict(ckpt["optimizer"])
resumed = torch.stack(
    [torch_ref.train.train_step(net, opt, F.cross_entropy, t_batch) for _ in range(3)]
)
# jax
net_j = jaxnn.models.NeuralNetwork(2, 3, rngs=nnx.Rngs(0))
jaxnn.interop.load_state_dict(net_j, init)
tx = jaxnn.optim.adam(lr=0.01)
graphdef, state = jaxnn.train.TrainState.create(net_j, tx)
step = jaxnn.train.make_train_step(graphdef, tx, jaxnn.functional.cross_entropy)
j_batch = tuple(map(jnp.asarray, batch))
for _ in range(3):
    state, _ = step(state, j_batch)
jaxnn.checkpoint.save_train_state(folder / "orbax", state)  # orbax, under folder/orbax/3
_, like = jaxnn.train.TrainState.create(jaxnn.models.NeuralNetwork(2, 3, rngs=nnx.Rngs(1)), tx)
state = jaxnn.checkpoint.restore_train_state(folder / "orbax", like)
resumed_j = []
for _ in range(3):
    state, metrics = step(state, j_batch)
    resumed_j.append(metrics["loss"])
show("losses of steps 4-6 after resuming", resumed, jnp.stack(resumed_j), kind="curve")

# %% Clean up: the temporary directory and everything in it is removed
print(sorted(p.name for p in folder.iterdir()))
tmp.cleanup()
