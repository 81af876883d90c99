"""The notebooks' ``nn.Linear`` passages, forward only: what a linear layer computes.

- ``linear_forward`` (E01, S0 92-131): ``nn.Linear(3, 1)`` on four 3-feature
  samples, with the weight and bias the notebook printed (its cell was unseeded), so
  the output is the notebook's printed ``[[1.0985], [0.5292], [1.0550], [1.4470]]``
  up to the 4-decimal rounding of those weights.
- ``stacked_linears`` (E02, S0 133-175): ``Linear(3, 1) -> Linear(1, 1)``, then
  with a ReLU between. Seed 0 makes every first-layer output negative, as in the
  notebook's own (unseeded) run, so the ReLU variant outputs ``layer2.bias`` in every
  row: the dead ReLU (inventory §5 item 2).
- ``simplenet_forward`` (E04, S2 118-142): ``SimpleNet`` (``Linear(2, 1)`` in a
  module) on ``[[1., 2.]]``.
- ``fixed_weight_linear`` (E32, S1 4828-5032, 5216-5337, 5418-5454): layers whose
  weights are set by hand (``.weight.data = ...``): weighted sums, a selector,
  averaging, mixed signs, magnitudes, the bias as intercept, bias initialisers.
- ``weight_statistics`` (E34, S1 5076-5122): ``MultiLayerNet`` 10-20-20-5; mean,
  std, min and max of each weight matrix, and sign counts of the first.
"""

from __future__ import annotations

import numpy as np

from jaxnn_examples.example import Example
from jaxnn_examples.forward import JaxSide, TorchSide, defaults, floats

# S0 96-107: four samples with three features; the targets are never used.
X4 = [[1.0, 2.0, 3.0], [0.5, 1.0, 1.5], [2.0, 0.5, 1.0], [1.5, 1.5, 0.5]]
# S0 116-119: the unseeded initialisation the notebook printed (4 decimals).
SEED_WEIGHT = [[0.4852, 0.5576, -0.1539]]
SEED_BIAS = [-0.0402]


# --- E01 -----------------------------------------------------------------------------------


def _linear_forward_torch(t: TorchSide) -> None:
    import torch

    x = t.tensor(X4)
    layer = t.model("layer", ("nn.Linear", 3, 1))
    with torch.no_grad():  # torch: layer.weight.data = ...
        layer.weight.copy_(t.tensor(SEED_WEIGHT))
        layer.bias.copy_(t.tensor(SEED_BIAS))
    output = layer(x)
    t.record_params("layer", layer)
    t.record("output", output)
    for i in range(4):
        t.prints(f"output[{i}]", output[i, 0])


def _linear_forward_jax(j: JaxSide) -> None:
    import jaxnn

    x = j.array(X4)
    layer = j.model("layer", ("nn.Linear", 3, 1))
    cfg = j.settings
    jaxnn.interop.load_state_dict(
        layer, {"weight": floats(SEED_WEIGHT, cfg), "bias": floats(SEED_BIAS, cfg)}
    )
    output = layer(x)
    j.record_params("layer", layer)
    j.record("output", output)
    for i in range(4):
        j.prints(f"output[{i}]", output[i, 0])


LINEAR_FORWARD = Example(
    "linear_forward",
    "a single Linear layer's forward pass (E01)",
    "S0 92-131",
    "nn.Linear(3, 1) with the notebook's printed W, b",
    "x: 4 samples x 3 features (the notebook's literals)",
    "W, b and the output (notebook: 1.0985, 0.5292, 1.0550, 1.4470)",
    defaults(),
    torch_side=_linear_forward_torch,
    jax_side=_linear_forward_jax,
)


# --- E02 -----------------------------------------------------------------------------------


def _stacked_torch(t: TorchSide) -> None:
    import torch

    x = t.tensor(X4)
    layer1 = t.model("layer1", ("nn.Linear", 3, 1))
    out1 = layer1(x)
    layer2 = t.model("layer2", ("nn.Linear", 1, 1))  # in_features=1: layer1 outputs 1 value
    out2 = layer2(out1)
    relu = torch.nn.ReLU()
    out = layer2(relu(layer1(x)))  # linear, non-linear activation, linear
    _stacked_record(t, out1, out2, out, layer1, layer2)


def _stacked_jax(j: JaxSide) -> None:
    import jaxnn

    x = j.array(X4)
    layer1 = j.model("layer1", ("nn.Linear", 3, 1))
    out1 = layer1(x)
    layer2 = j.model("layer2", ("nn.Linear", 1, 1))
    out2 = layer2(out1)
    relu = jaxnn.nn.ReLU()
    out = layer2(relu(layer1(x)))
    _stacked_record(j, out1, out2, out, layer1, layer2)


def _stacked_record(side, out1, out2, out, layer1, layer2) -> None:
    side.record("out1", out1)
    side.record("out2", out2)
    side.record("out_relu", out)
    side.record_params("layer1", layer1)
    side.record_params("layer2", layer2)
    side.prints("dead rows (out1 <= 0)", (np.asarray(side.state["out1"]) <= 0).sum())
    for i in range(4):
        side.prints(f"out_relu[{i}]", side.state["out_relu"][i, 0])


STACKED_LINEARS = Example(
    "stacked_linears",
    "two Linear layers, without and with a ReLU between (E02)",
    "S0 133-175",
    "Linear(3, 1) -> [ReLU] -> Linear(1, 1)",
    "x: 4 samples x 3 features (the notebook's literals)",
    "both layers' outputs; with ReLU every dead row outputs layer2.bias",
    defaults(),
    torch_side=_stacked_torch,
    jax_side=_stacked_jax,
)


# --- E04 -----------------------------------------------------------------------------------


def _simplenet_torch(t: TorchSide) -> None:
    net = t.model("net", ("models.SimpleNet",))
    output = net(t.tensor([[1.0, 2.0]]))
    t.record_params("net", net)
    t.record("output", output)
    t.prints("output", output[0, 0])


def _simplenet_jax(j: JaxSide) -> None:
    net = j.model("net", ("models.SimpleNet",))
    output = net(j.array([[1.0, 2.0]]))
    j.record_params("net", net)
    j.record("output", output)
    j.prints("output", output[0, 0])


SIMPLENET_FORWARD = Example(
    "simplenet_forward",
    "SimpleNet's forward pass (E04)",
    "S2 118-142",
    "SimpleNet: nn.Linear(2, 1)",
    "x = [[1., 2.]]",
    "the output (a tensor from the linear layer)",
    defaults(),
    torch_side=_simplenet_torch,
    jax_side=_simplenet_jax,
)


# --- E32 -----------------------------------------------------------------------------------

# (name, in, out, weight, input): the hand-set layers without bias of S1 4870-5032.
W23 = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
FIXED = (
    ("weighted_sum", 3, 2, W23, [10.0, 20.0, 30.0]),
    ("weighted_sum_batch", 3, 2, W23, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]),
    (
        "selector",
        5,
        3,
        [[1.0, 0, 0, 0, 0], [0, 0, 1.0, 0, 0], [0, 0, 0, 0, 1.0]],
        [10.0, 20.0, 30.0, 40.0, 50.0],
    ),
    ("averaging", 4, 2, [[0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.0, 0.0]], [10.0, 20.0, 30.0, 40.0]),
    ("mixed", 3, 2, [[2.0, -1.0, 1.0], [-1.0, -1.0, -1.0]], [1.0, 1.0, 1.0]),
    ("small_weights", 3, 1, [[0.1, 0.1, 0.1]], [1.0, 1.0, 1.0]),
    ("large_weights", 3, 1, [[10.0, 10.0, 10.0]], [1.0, 1.0, 1.0]),
)
BIAS_INPUTS = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]  # S1 5283-5288
LINE_INPUTS = [[0.0], [1.0], [2.0], [3.0]]  # S1 5326
CUSTOM_BIAS = [0.0, 0.1, 0.2, 0.3, 0.4]  # S1 5450


def _fixed_torch(t: TorchSide) -> None:
    import torch

    def set_(param, values):
        with torch.no_grad():  # torch: param.data = tensor(values)
            param.copy_(t.tensor(values))

    layer = t.model("layer4x3", ("nn.Linear", 4, 3))  # inspected row by row, then column
    t.record("layer4x3.row0", layer.weight[0])
    t.record("layer4x3.col1", layer.weight[:, 1])
    for name, n_in, n_out, weight, x in FIXED:
        lin = t.model(name, ("nn.Linear", n_in, n_out, False))
        set_(lin.weight, weight)
        t.record(f"{name}.output", lin(t.tensor(x)))
    with_bias = t.model("with_bias", ("nn.Linear", 3, 2, True))
    no_bias = t.model("no_bias", ("nn.Linear", 3, 2, False))
    t.prints("parameters with bias", sum(p.numel() for p in with_bias.parameters()))
    t.prints("parameters without bias", sum(p.numel() for p in no_bias.parameters()))
    intercept = t.model("intercept", ("nn.Linear", 2, 1))
    set_(intercept.weight, [[2.0, 3.0]])
    set_(intercept.bias, [5.0])
    t.record("intercept.output", intercept(t.tensor(BIAS_INPUTS)))
    line_b = t.model("line_with_bias", ("nn.Linear", 1, 1, True))
    line_0 = t.model("line_no_bias", ("nn.Linear", 1, 1, False))
    set_(line_b.weight, [[2.0]])
    set_(line_0.weight, [[2.0]])
    set_(line_b.bias, [3.0])
    t.record("line_with_bias.output", line_b(t.tensor(LINE_INPUTS)))
    t.record("line_no_bias.output", line_0(t.tensor(LINE_INPUTS)))
    default = t.model("bias_default", ("nn.Linear", 10, 5))
    t.prints("default bias mean", default.bias.mean())
    t.prints("default bias std", default.bias.std())
    zeros = t.model("bias_zeros", ("nn.Linear", 10, 5))
    torch.nn.init.zeros_(zeros.bias)
    const = t.model("bias_constant", ("nn.Linear", 10, 5))
    torch.nn.init.constant_(const.bias, 0.1)
    custom = t.model("bias_custom", ("nn.Linear", 10, 5))
    set_(custom.bias, CUSTOM_BIAS)
    for name, module in (("bias_zeros", zeros), ("bias_constant", const), ("bias_custom", custom)):
        t.record(f"{name}.bias", module.bias)
    _fixed_prints(t)


def _fixed_jax(j: JaxSide) -> None:
    import jaxnn

    def set_(layer, **params):
        jaxnn.interop.load_state_dict(
            layer, {k: floats(v, j.settings) for k, v in params.items()}, strict=False
        )

    layer = j.model("layer4x3", ("nn.Linear", 4, 3))
    weight = jaxnn.interop.state_dict(layer)["weight"]  # torch layout (out, in)
    j.record("layer4x3.row0", weight[0])
    j.record("layer4x3.col1", weight[:, 1])
    for name, n_in, n_out, w, x in FIXED:
        lin = j.model(name, ("nn.Linear", n_in, n_out, False))
        set_(lin, weight=w)
        j.record(f"{name}.output", lin(j.array(x)))
    with_bias = j.model("with_bias", ("nn.Linear", 3, 2, True))
    no_bias = j.model("no_bias", ("nn.Linear", 3, 2, False))
    j.prints("parameters with bias", jaxnn.nn.count_parameters(with_bias))
    j.prints("parameters without bias", jaxnn.nn.count_parameters(no_bias))
    intercept = j.model("intercept", ("nn.Linear", 2, 1))
    set_(intercept, weight=[[2.0, 3.0]], bias=[5.0])
    j.record("intercept.output", intercept(j.array(BIAS_INPUTS)))
    line_b = j.model("line_with_bias", ("nn.Linear", 1, 1, True))
    line_0 = j.model("line_no_bias", ("nn.Linear", 1, 1, False))
    set_(line_b, weight=[[2.0]], bias=[3.0])
    set_(line_0, weight=[[2.0]])
    j.record("line_with_bias.output", line_b(j.array(LINE_INPUTS)))
    j.record("line_no_bias.output", line_0(j.array(LINE_INPUTS)))
    default = j.model("bias_default", ("nn.Linear", 10, 5))
    j.prints("default bias mean", jaxnn.functional.mean(default.bias[...]))
    j.prints("default bias std", jaxnn.functional.std(default.bias[...]))  # unbiased, as torch
    zeros = j.model("bias_zeros", ("nn.Linear", 10, 5))
    jaxnn.nn.init.zeros_(zeros.bias)
    const = j.model("bias_constant", ("nn.Linear", 10, 5))
    jaxnn.nn.init.constant_(const.bias, 0.1)
    custom = j.model("bias_custom", ("nn.Linear", 10, 5))
    set_(custom, bias=CUSTOM_BIAS)
    for name, module in (("bias_zeros", zeros), ("bias_constant", const), ("bias_custom", custom)):
        j.record(f"{name}.bias", module.bias[...])
    _fixed_prints(j)


def _fixed_prints(side) -> None:
    s = side.state
    side.prints("weighted_sum[0]", s["weighted_sum.output"][0])  # 10 + 40 + 90
    side.prints("weighted_sum[1]", s["weighted_sum.output"][1])  # 40 + 100 + 180
    side.prints("averaging[0]", s["averaging.output"][0])  # (10+20+30+40)/4
    side.prints("small weights output", s["small_weights.output"][0])
    side.prints("large weights output", s["large_weights.output"][0])
    side.prints("output at zero input", s["intercept.output"][0, 0])  # the bias


FIXED_WEIGHT_LINEAR = Example(
    "fixed_weight_linear",
    "Linear layers with hand-set weights and biases (E32)",
    "S1 4828-5032, 5216-5337, 5418-5454",
    "nn.Linear layers, weights set with .weight.data =",
    "the notebook's literal inputs",
    "weighted sums 140/320, selections, averages, 0.3 vs 30.0, intercept 5.0, 6 vs 8 parameters",
    defaults(),
    torch_side=_fixed_torch,
    jax_side=_fixed_jax,
)


# --- E34 -----------------------------------------------------------------------------------


def _weight_stats_torch(t: TorchSide) -> None:
    net = t.model("net", ("models.MultiLayerNet",))
    for name, param in net.named_parameters():
        if "weight" in name:
            t.prints(f"{name} mean", param.mean())
            t.prints(f"{name} std", param.std())
            t.prints(f"{name} min", param.min())
            t.prints(f"{name} max", param.max())
    weights = net.layer1.weight.data.flatten()
    t.prints("layer1 positive weights", (weights > 0).sum())
    t.prints("layer1 negative weights", (weights < 0).sum())
    t.prints("layer1 near-zero weights (|w| < 0.1)", (weights.abs() < 0.1).sum())
    t.record_params("net", net)


def _weight_stats_jax(j: JaxSide) -> None:
    import jax.numpy as jnp

    import jaxnn
    from jaxnn import functional as F

    net = j.model("net", ("models.MultiLayerNet",))
    for name, value in jaxnn.interop.state_dict(net).items():
        if "weight" in name:
            w = jnp.asarray(value)
            j.prints(f"{name} mean", F.mean(w))
            j.prints(f"{name} std", F.std(w))  # unbiased, as torch's
            j.prints(f"{name} min", jnp.min(w))
            j.prints(f"{name} max", jnp.max(w))
    weights = net.layer1.kernel[...].flatten()
    j.prints("layer1 positive weights", jnp.sum(weights > 0))
    j.prints("layer1 negative weights", jnp.sum(weights < 0))
    j.prints("layer1 near-zero weights (|w| < 0.1)", jnp.sum(jnp.abs(weights) < 0.1))
    j.record_params("net", net)


WEIGHT_STATISTICS = Example(
    "weight_statistics",
    "weight statistics of a multi-layer network (E34)",
    "S1 5076-5122",
    "MultiLayerNet: 10-20-20-5 MLP",
    "none (the initial weights)",
    "mean, std, min, max per weight matrix; positive/negative/near-zero counts of layer1",
    defaults(),
    torch_side=_weight_stats_torch,
    jax_side=_weight_stats_jax,
)
