# %% [markdown]
# # 07 · Autograd
#
# Gradients of scalar functions, the chain rule, `torch.autograd.grad`, accumulation and zeroing,
# `no_grad`/`detach`, non-leaf gradients and manual gradient descent (S0 41-88, S1 2355-2742,
# S1 2799-2875, S1 3092-3195, S1 9688-9723, S4 346-351, S4 709-786). What differs most: in torch
# a gradient is a side effect that `backward()` adds into `leaf.grad`; in JAX it is the return
# value of `jax.grad(f)`, a pure function transformation, so there is no `.grad` to zero, no
# graph to retain, and accumulation is an explicit `+`.

# %%
import jax
import jax.numpy as jnp
import torch
import torch.nn.functional as torch_F
from torch.autograd import grad

import jaxnn
import torch_ref
from jaxnn_examples.lessons.compare import show

jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
F = jaxnn.functional

# %% backward() on the mean of x**2 + 3 fills x.grad = x / 2 (S0 45-64)
# torch
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
y = x**2 + 3
z = y.mean()  # scalar output required for backward()
z.backward()
# jax
j_x = jnp.array([[1.0, 2.0], [3.0, 4.0]])
j_grad = jax.grad(lambda x: (x**2 + 3).mean())(j_x)  # returned, not stored on j_x
show("x.grad of mean(x**2 + 3)", x.grad, j_grad)

# %% The chain rule: y = x**2 at 3 and z = (x**2 + 1)**3 at 2 give 6 and 300 (S1 2803-2875)
# torch
x = torch.tensor([3.0], requires_grad=True)
(x**2).backward()
x2 = torch.tensor([2.0], requires_grad=True)
u = x2**2
v = u + 1
z = v**3
z.backward()
# jax
# jax.grad needs a 0-d output; torch accepts any one-element tensor, hence the .sum()
dy = jax.grad(lambda x: (x**2).sum())(jnp.array([3.0]))
dz = jax.grad(lambda x: (((x**2) + 1) ** 3).sum())(jnp.array([2.0]))
show("dy/dx = 6, dz/dx = 300", (x.grad, x2.grad), (dy, dz))

# %% Several inputs: y = sum(x * w) gives dy/dx = w and dy/dw = x (S1 3325-3352)
# torch
x = torch.tensor([2.0, 3.0], requires_grad=True)
w = torch.tensor([0.5, 0.3], requires_grad=True)
y = (x * w).sum()
y.backward()
# jax
j_y, (j_dx, j_dw) = jax.value_and_grad(lambda x, w: (x * w).sum(), argnums=(0, 1))(
    jnp.array([2.0, 3.0]), jnp.array([0.5, 0.3])
)
show("y = sum(x * w)", y, j_y)
show("(x.grad, w.grad)", (x.grad, w.grad), (j_dx, j_dw))

# %% torch.autograd.grad with retain_graph, then backward(): BCE of one neuron (S4 767-786)
# torch
target, inp = torch.tensor([1.0]), torch.tensor([1.1])
weight = torch.tensor([1.2], requires_grad=True)
bias = torch.tensor([0.0], requires_grad=True)
prediction = torch.sigmoid(inp * weight + bias)
loss = torch_F.binary_cross_entropy(prediction, target)
grad_loss_weight = grad(loss, weight, retain_graph=True)
grad_loss_bias = grad(loss, bias, retain_graph=True)
loss.backward()  # the same values, now stored in weight.grad and bias.grad


# jax
def bce(weight, bias):
    return F.binary_cross_entropy(F.sigmoid(jnp.array([1.1]) * weight + bias), jnp.array([1.0]))


j_loss, (j_gw, j_gb) = jax.value_and_grad(bce, argnums=(0, 1))(jnp.array([1.2]), jnp.array([0.0]))
show("loss = 0.2368", loss, j_loss)
show(
    "grad(loss, w), grad(loss, b): 1-tuples", (grad_loss_weight, grad_loss_bias), ((j_gw,), (j_gb,))
)
show("weight.grad, bias.grad (-0.2319, -0.2108)", (weight.grad, bias.grad), (j_gw, j_gb))

# %% Gradients accumulate across backward() calls: [2, 4] + [3, 12] = [5, 16] (S1 3096-3114)
# torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
(x**2).sum().backward()
(x**3).sum().backward()  # adds into x.grad
# jax
j_x = jnp.array([1.0, 2.0])
j_accumulated = jax.grad(lambda x: (x**2).sum())(j_x) + jax.grad(lambda x: (x**3).sum())(j_x)
show("accumulated x.grad", x.grad, j_accumulated)

# %% Zeroing between passes; JAX has nothing to zero, the second gradient is just returned
# torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
(x**2).sum().backward()
x.grad.zero_()  # or x.grad = None
(x**3).sum().backward()
# jax
j_second = jax.grad(lambda x: (x**3).sum())(jnp.array([1.0, 2.0]))
show("x.grad after zero_() = [3, 12]", x.grad, j_second)

# %% A second backward() through a freed graph raises; jax.grad can be called again (S1 2720-2740)
# torch
x = torch.tensor([3.0], requires_grad=True)
y = x**2
y.backward()
try:
    y.backward()
except RuntimeError as e:
    print(f"  torch: RuntimeError: {str(e)[:60]}...")
first = x.grad.clone()
# jax
dfdx = jax.grad(lambda x: (x**2).sum())
j_first, j_again = dfdx(jnp.array([3.0])), dfdx(jnp.array([3.0]))  # pure: nothing is freed
show("first gradient, then the same again", (first, first), (j_first, j_again))

# %% no_grad and detach: the values pass, the gradient does not (S1 2463-2491)
# torch
a = torch.tensor([3.0, 4.0], requires_grad=True)
b = a * 2
c = b.detach()  # shares data, requires_grad=False
(c * a).sum().backward()  # c counts as a constant
with torch.no_grad():
    d = a * 2
print(f"  torch: c.requires_grad {c.requires_grad}, d.requires_grad {d.requires_grad}")
# jax
j_a = jnp.array([3.0, 4.0])
j_c = jax.lax.stop_gradient(j_a * 2)
j_da = jax.grad(lambda a: (jax.lax.stop_gradient(a * 2) * a).sum())(j_a)  # = c, not 4a
show("c = b.detach()", c, j_c)
show("d/da sum(c * a) = c", a.grad, j_da)

# %% A non-leaf's gradient needs retain_grad(); JAX differentiates with respect to it (S1 3181-3193)
# torch
x = torch.tensor([2.0], requires_grad=True)
y = x * 2
y.retain_grad()
z = y**2
z.backward()


# jax
def z_of(x, e):  # e is a zero perturbation at y: dz/de = dz/dy
    y = x * 2 + e
    return (y**2).sum()


j_dx, j_dy = jax.grad(z_of, argnums=(0, 1))(jnp.array([2.0]), jnp.zeros(1))
show("x.grad = [16], y.grad = [8]", (x.grad, y.grad), (j_dx, j_dy))

# %% Manual gradient descent on (x - 3)**2: x -= lr * x.grad under no_grad (S1 9688-9723)
learning_rate = 0.1
# torch
x = torch.tensor([0.0], requires_grad=True)
t_xs = []
for _ in range(20):
    f = (x - 3) ** 2
    f.backward()
    with torch.no_grad():
        x -= learning_rate * x.grad
    x.grad.zero_()
    t_xs.append(x.detach().clone())


# jax
def gd_step(x, _):
    x = x - learning_rate * jax.grad(lambda x: ((x - 3) ** 2).sum())(x)
    return x, x


_, j_xs = jax.lax.scan(gd_step, jnp.array([0.0]), None, length=20)
print(f"  Final: x = {x.item():.4f} | jax {j_xs[-1, 0]:.4f} (close to 3.0!)")
show("x over 20 steps", torch.stack(t_xs), j_xs, kind="curve")
