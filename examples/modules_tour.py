"""The notebooks' ``nn.Module`` tours: building models, counting parameters, forward passes.

- ``neural_network_forward`` (E12, S4 813-872, 2017-2066): ``torch.manual_seed(42)``,
  ``NeuralNetwork(50, 3)`` (2213 parameters), one ``rand(1, 50)`` input: the
  output, the ``no_grad`` output and the softmax. With seed 42 the torch side's
  first-layer weights are the notebook's printed excerpt (0.1081, 0.1174, -0.0331, ...);
  the input comes from NumPy, so the outputs differ from the notebook's print.
- ``module_tour`` (E30, S1 3990-4358): ``SimpleModule`` (55 parameters),
  ``MultiLayerNetwork(20, 64, 10)`` (1,994), ``ComposedNetwork`` (905), a
  ``Sequential`` and its ``OrderedDict``-named twin, the train/eval flags of
  ``ModelWithDropout``, and ``ImageClassifier`` (235,146) predicting in eval mode.
- ``parameter_tour`` (E31, S1 4440-4750): parameters vs plain tensors, ``Linear``'s
  parameters (18), default and constant initialisation, freezing (105 / 325
  trainable, then 325 / 325), parameter sharing (110 parameters; both uses'
  gradients add up), and ``SmallNet`` (109,386 parameters, 0.42 MB) statistics.
- ``feed_forward_tour`` (E41, S1 6011-6157): ``Sequential`` 10-20-1 (241), the deep
  784-256-128-64-10 stack (242,762), ``FeedForwardNetwork(100, [64, 32, 16], 5)``
  (9,157) and ``TracedNetwork``, which prints the shape after each layer.
- ``forward_pass_tour`` (E43, S1 6266-6417): a forward pass layer by layer equals
  ``model(x)``; batches keep their dimension; ``CustomModel``'s ``forward``; and
  dropout: two training-mode passes differ (torch's masks are handed to the JAX
  side), two eval-mode passes are identical.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from jaxnn_examples.example import Example
from jaxnn_examples.forward import (
    JaxSide,
    TorchSide,
    defaults,
    randn,
    rng,
    stack_masks,
    with_torch_masks,
)


def _count_torch(module, trainable_only: bool = False) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)


def _count_jax(module, trainable_only: bool = False) -> int:
    import jaxnn

    return jaxnn.nn.count_parameters(module, trainable_only)


# --- E12 -----------------------------------------------------------------------------------


def _nn_forward_torch(t: TorchSide) -> None:
    import torch

    model = t.model("model", ("models.NeuralNetwork", 50, 3))  # torch.manual_seed(42) first
    t.prints("trainable parameters", _count_torch(model, trainable_only=True))
    X = t.tensor(rng(t.settings).random((1, 50)).astype(t.settings.dtype))  # torch.rand((1, 50))
    y = model(X)  # forward pass
    with torch.no_grad():  # inference: no graph
        output = model(X)
        probabilities = torch.softmax(model(X), dim=1)
    _nn_forward_record(t, y, output, probabilities)
    t.record_params("model", model)


def _nn_forward_jax(j: JaxSide) -> None:
    from jaxnn import functional as F

    model = j.model("model", ("models.NeuralNetwork", 50, 3))
    j.prints("trainable parameters", _count_jax(model, trainable_only=True))
    X = j.array(rng(j.settings).random((1, 50)).astype(j.settings.dtype))
    y = model(X)
    output = model(X)  # torch.no_grad(): JAX records no graph outside a transformation
    probabilities = F.softmax(model(X), dim=1)
    _nn_forward_record(j, y, output, probabilities)
    j.record_params("model", model)


def _nn_forward_record(side, y, output, probabilities) -> None:
    side.record("output", y)
    side.record("output (no_grad)", output)
    side.record("softmax", probabilities)
    for i in range(3):
        side.prints(f"output[{i}]", side.state["output"][0, i])
    for i in range(3):
        side.prints(f"softmax[{i}]", side.state["softmax"][0, i])


NEURAL_NETWORK_FORWARD = Example(
    "neural_network_forward",
    "NeuralNetwork(50, 3): forward pass, inference and softmax (E12)",
    "S4 813-872, 2017-2066",
    "NeuralNetwork(50, 3): 50-30-20-3 MLP, torch.manual_seed(42)",
    "x ~ U(0, 1) of shape (1, 50) (NumPy)",
    "2213 trainable parameters; the 3 outputs, the same under no_grad, their softmax",
    defaults(42),
    torch_side=_nn_forward_torch,
    jax_side=_nn_forward_jax,
)


# --- E30 -----------------------------------------------------------------------------------

SEQUENTIAL = (
    "nn.Sequential",
    ("nn.Linear", 10, 20),
    ("nn.ReLU",),
    ("nn.Linear", 20, 20),
    ("nn.ReLU",),
    ("nn.Linear", 20, 5),
)
NAMED_LAYERS = ("input_layer", "relu1", "hidden_layer", "relu2", "output_layer")


def _tour_inputs(settings):
    gen = rng(settings)
    return {  # in the notebook's order
        "simple": randn(gen, 3, 10, settings=settings),
        "network": randn(gen, 5, 20, settings=settings),
        "composed": randn(gen, 3, 10, settings=settings),
        "sequential": randn(gen, 2, 10, settings=settings),
        "moved": randn(gen, 5, 20, settings=settings),
        "images": randn(gen, 32, 784, settings=settings),
    }


def _module_tour_torch(t: TorchSide) -> None:
    import torch

    import torch_ref

    inputs = _tour_inputs(t.settings)
    x = {k: t.tensor(v) for k, v in inputs.items()}
    simple = t.model("simple", ("models.SimpleModule",))
    t.record("simple.output", simple(x["simple"]))
    network = t.model("network", ("models.MultiLayerNetwork", 20, 64, 10))
    t.record("network.output", network(x["network"]))
    composed = t.model("composed", ("models.ComposedNetwork",))
    t.record("composed.output", composed(x["composed"]))
    sequential = t.model("sequential", SEQUENTIAL)
    t.record("sequential.output", sequential(x["sequential"]))
    layers = [torch.nn.Linear(10, 20), torch.nn.ReLU(), torch.nn.Linear(20, 20), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(20, 5))
    named_layers = OrderedDict(zip(NAMED_LAYERS, layers, strict=True))
    named = t.model("named", torch.nn.Sequential(named_layers))
    t.record("named.output", named(x["sequential"]))  # the notebook builds it without a call
    moved = t.model("moved", ("models.MultiLayerNetwork", 20, 64, 10))
    device = torch_ref.device.default_device()  # cuda when there is one
    moved = moved.to(device)
    t.record("moved.output", moved(x["moved"].to(device)))  # recorded back on the host
    dropout_model = t.model("with_dropout", ("models.ModelWithDropout",))
    t.prints("ModelWithDropout training (new)", dropout_model.training)
    dropout_model.eval()
    t.prints("ModelWithDropout training (after eval())", dropout_model.training)
    classifier = t.model("classifier", ("models.ImageClassifier",))
    classifier.eval()  # evaluation mode
    with torch.no_grad():  # no gradients for inference
        logits = classifier(x["images"])
    t.record("classifier.logits", logits)
    t.record("classifier.predictions", torch.argmax(logits, dim=1))
    counts = {"simple": simple, "network": network, "composed": composed}
    counts |= {"sequential": sequential, "classifier": classifier}
    for name, module in counts.items():
        t.prints(f"{name} parameters", _count_torch(module))
    t.prints("classifier trainable parameters", _count_torch(classifier, trainable_only=True))
    for name, module in (("simple", simple), ("composed", composed), ("named", named)):
        t.record_params(name, module)


def _module_tour_jax(j: JaxSide) -> None:
    import jax.numpy as jnp

    import jaxnn

    inputs = _tour_inputs(j.settings)
    x = {k: j.array(v) for k, v in inputs.items()}
    simple = j.model("simple", ("models.SimpleModule",))
    j.record("simple.output", simple(x["simple"]))
    network = j.model("network", ("models.MultiLayerNetwork", 20, 64, 10))
    j.record("network.output", network(x["network"]))
    composed = j.model("composed", ("models.ComposedNetwork",))
    j.record("composed.output", composed(x["composed"]))
    sequential = j.model("sequential", SEQUENTIAL)
    j.record("sequential.output", sequential(x["sequential"]))
    nn, rngs, dtype = jaxnn.nn, j.rngs, j.np_dtype
    layers = [nn.Linear(10, 20, dtype=dtype, rngs=rngs), nn.ReLU()]
    layers += [nn.Linear(20, 20, dtype=dtype, rngs=rngs), nn.ReLU()]
    layers.append(nn.Linear(20, 5, dtype=dtype, rngs=rngs))
    named = j.model("named", nn.Sequential(OrderedDict(zip(NAMED_LAYERS, layers, strict=True))))
    j.record("named.output", named(x["sequential"]))
    moved = j.model("moved", ("models.MultiLayerNetwork", 20, 64, 10))
    moved = jaxnn.nn.to(moved, jaxnn.device.default_device())
    j.record("moved.output", moved(x["moved"]))
    dropout_model = j.model("with_dropout", ("models.ModelWithDropout",))
    j.prints("ModelWithDropout training (new)", jaxnn.nn.is_training(dropout_model))
    dropout_model.eval()
    j.prints("ModelWithDropout training (after eval())", jaxnn.nn.is_training(dropout_model))
    classifier = j.model("classifier", ("models.ImageClassifier",))
    classifier.eval()
    logits = classifier(x["images"])
    j.record("classifier.logits", logits)
    j.record("classifier.predictions", jnp.argmax(logits, axis=1))
    counts = {"simple": simple, "network": network, "composed": composed}
    counts |= {"sequential": sequential, "classifier": classifier}
    for name, module in counts.items():
        j.prints(f"{name} parameters", _count_jax(module))
    j.prints("classifier trainable parameters", _count_jax(classifier, trainable_only=True))
    for name, module in (("simple", simple), ("composed", composed), ("named", named)):
        j.record_params(name, module)


MODULE_TOUR = Example(
    "module_tour",
    "nn.Module tour: modules, composition, Sequential, modes, a classifier (E30)",
    "S1 3990-4358",
    "SimpleModule, MultiLayerNetwork, ComposedNetwork, Sequential, ImageClassifier",
    "N(0, 1) inputs of the notebook's shapes (NumPy)",
    "parameter counts 55, 1,994, 905, 235,146; outputs; train/eval flags; predictions",
    defaults(),
    torch_side=_module_tour_torch,
    jax_side=_module_tour_jax,
)


# --- E31 -----------------------------------------------------------------------------------

FREEZE_MODEL = ("nn.Sequential", ("nn.Linear", 10, 20), ("nn.ReLU",), ("nn.Linear", 20, 5))


def _parameter_inputs(settings):
    gen = rng(settings)
    return randn(gen, 2, 3, settings=settings), randn(gen, 4, 10, settings=settings)


def _parameter_tour_torch(t: TorchSide) -> None:
    import torch

    x3, x10 = (t.tensor(a) for a in _parameter_inputs(t.settings))
    with_param = t.model("with_parameter", ("models.ModuleWithParameter",))
    t.record("with_parameter.output", with_param(x3))
    t.prints("ModuleWithParameter parameters", len(list(with_param.parameters())))
    with_tensor = t.model("with_tensor", ("models.ModuleWithTensor",))
    t.prints("ModuleWithTensor parameters", len(list(with_tensor.parameters())))
    model_param = t.model("with_param", ("models.ModuleWithParam",))
    t.prints("ModuleWithParam parameters", len(list(model_param.parameters())))
    linear = t.model("linear", ("nn.Linear", 5, 3))
    t.prints("Linear(5, 3) parameters", _count_torch(linear))

    layer = t.model("default_init", ("nn.Linear", 10, 5))  # default initialisation
    for name in ("weight", "bias"):
        t.prints(f"default {name} mean", getattr(layer, name).mean())
        t.prints(f"default {name} std", getattr(layer, name).std())
    layer3 = t.model("constant_init", ("nn.Linear", 10, 5))
    torch.nn.init.constant_(layer3.weight, 0.5)
    torch.nn.init.constant_(layer3.bias, 0.0)
    t.record_params("constant_init", layer3)

    model = t.model("freeze", FREEZE_MODEL)
    for param in model[0].parameters():  # freeze the first layer
        param.requires_grad = False
    t.prints("trainable after freezing layer 0", _count_torch(model, trainable_only=True))
    t.prints("total", _count_torch(model))
    for param in model.parameters():  # unfreeze all
        param.requires_grad = True
    t.prints("trainable after unfreezing", _count_torch(model, trainable_only=True))

    shared = t.model("shared", ("models.SharedParameterModule",))
    t.prints("SharedParameterModule parameters", _count_torch(shared))
    output = shared(x10)  # the same layer applied twice
    output.sum().backward()
    t.record("shared.output", output)
    t.record_grads("shared", shared)  # the sum of both uses' gradients

    small = t.model("small", ("models.SmallNet",))
    total = _count_torch(small)
    t.prints("SmallNet parameters", total)
    t.prints("SmallNet MB (float32)", total * 4 / (1024 * 1024))
    for name, param in small.named_parameters():
        if "weight" in name:
            for stat in ("mean", "std", "min", "max"):
                t.prints(f"{name} {stat}", getattr(param, stat)())


def _parameter_tour_jax(j: JaxSide) -> None:
    import jax.numpy as jnp
    from flax import nnx

    import jaxnn
    from jaxnn import functional as F

    x3, x10 = (j.array(a) for a in _parameter_inputs(j.settings))
    with_param = j.model("with_parameter", ("models.ModuleWithParameter",))
    j.record("with_parameter.output", with_param(x3))

    def n_params(module):
        return len(list(jaxnn.nn.parameters(module)))

    j.prints("ModuleWithParameter parameters", n_params(with_param))
    with_tensor = j.model("with_tensor", ("models.ModuleWithTensor",))
    j.prints("ModuleWithTensor parameters", n_params(with_tensor))
    model_param = j.model("with_param", ("models.ModuleWithParam",))
    j.prints("ModuleWithParam parameters", n_params(model_param))
    linear = j.model("linear", ("nn.Linear", 5, 3))
    j.prints("Linear(5, 3) parameters", _count_jax(linear))

    layer = j.model("default_init", ("nn.Linear", 10, 5))
    for name, value in jaxnn.interop.state_dict(layer).items():
        j.prints(f"default {name} mean", F.mean(jnp.asarray(value)))
        j.prints(f"default {name} std", F.std(jnp.asarray(value)))
    layer3 = j.model("constant_init", ("nn.Linear", 10, 5))
    jaxnn.nn.init.constant_(layer3.kernel, 0.5)
    jaxnn.nn.init.constant_(layer3.bias, 0.0)
    j.record_params("constant_init", layer3)

    model = j.model("freeze", FREEZE_MODEL)
    jaxnn.nn.freeze(model[0])
    j.prints("trainable after freezing layer 0", _count_jax(model, trainable_only=True))
    j.prints("total", _count_jax(model))
    jaxnn.nn.unfreeze(model)
    j.prints("trainable after unfreezing", _count_jax(model, trainable_only=True))

    shared = j.model("shared", ("models.SharedParameterModule",))
    j.prints("SharedParameterModule parameters", _count_jax(shared))
    output = shared(x10)
    grads = nnx.grad(lambda m: m(x10).sum())(shared)  # one variable, both uses' sum
    j.record("shared.output", output)
    j.record_grads("shared", shared, grads)

    small = j.model("small", ("models.SmallNet",))
    total = _count_jax(small)
    j.prints("SmallNet parameters", total)
    j.prints("SmallNet MB (float32)", total * 4 / (1024 * 1024))
    reductions = {"mean": F.mean, "std": F.std, "min": jnp.min, "max": jnp.max}
    for name, value in jaxnn.interop.state_dict(small).items():
        if "weight" in name:
            for stat, fn in reductions.items():
                j.prints(f"{name} {stat}", fn(jnp.asarray(value)))


PARAMETER_TOUR = Example(
    "parameter_tour",
    "nn.Parameter tour: tracking, counting, initialising, freezing, sharing (E31)",
    "S1 4440-4750",
    "ModuleWithParameter, Linear(5, 3), Sequential 10-20-5, SharedParameterModule, SmallNet",
    "N(0, 1) inputs (NumPy)",
    "counts 2/0/1 parameters, 18, 105/325 then 325/325, 110, 109,386 (0.42 MB); statistics",
    defaults(),
    torch_side=_parameter_tour_torch,
    jax_side=_parameter_tour_jax,
)


# --- E41 -----------------------------------------------------------------------------------

SIMPLE_FF = ("nn.Sequential", ("nn.Linear", 10, 20), ("nn.ReLU",), ("nn.Linear", 20, 1))
DEEP_FF = (
    "nn.Sequential",
    ("nn.Linear", 784, 256),
    ("nn.ReLU",),
    ("nn.Linear", 256, 128),
    ("nn.ReLU",),
    ("nn.Linear", 128, 64),
    ("nn.ReLU",),
    ("nn.Linear", 64, 10),
)


def _feed_forward_inputs(settings):
    gen = rng(settings)
    return {
        "simple": randn(gen, 5, 10, settings=settings),
        "custom": randn(gen, 10, 100, settings=settings),
        "traced": randn(gen, 2, 5, settings=settings),
    }


def _feed_forward_torch(t: TorchSide) -> None:
    x = {k: t.tensor(v) for k, v in _feed_forward_inputs(t.settings).items()}
    model = t.model("simple", SIMPLE_FF)
    t.record("simple.output", model(x["simple"]))
    deep = t.model("deep", DEEP_FF)
    for i, layer in enumerate(deep):
        if hasattr(layer, "in_features"):
            t.prints(f"deep layer {i} parameters", _count_torch(layer))
    custom = t.model("custom", ("models.FeedForwardNetwork", 100, [64, 32, 16], 5))
    t.record("custom.output", custom(x["custom"]))
    traced = t.model("traced", ("models.TracedNetwork",))
    t.record("traced.output", traced(x["traced"]))  # prints the shape after each layer
    for name, module in (("simple", model), ("deep", deep), ("custom", custom)):
        t.prints(f"{name} parameters", _count_torch(module))


def _feed_forward_jax(j: JaxSide) -> None:
    import jaxnn

    x = {k: j.array(v) for k, v in _feed_forward_inputs(j.settings).items()}
    model = j.model("simple", SIMPLE_FF)
    j.record("simple.output", model(x["simple"]))
    deep = j.model("deep", DEEP_FF)
    for i, layer in enumerate(deep):
        if isinstance(layer, jaxnn.nn.Linear):
            j.prints(f"deep layer {i} parameters", _count_jax(layer))
    custom = j.model("custom", ("models.FeedForwardNetwork", 100, [64, 32, 16], 5))
    j.record("custom.output", custom(x["custom"]))
    traced = j.model("traced", ("models.TracedNetwork",))
    j.record("traced.output", traced(x["traced"]))
    for name, module in (("simple", model), ("deep", deep), ("custom", custom)):
        j.prints(f"{name} parameters", _count_jax(module))


FEED_FORWARD_TOUR = Example(
    "feed_forward_tour",
    "feed-forward architectures: shallow, deep, custom, traced (E41)",
    "S1 6011-6157",
    "Sequential 10-20-1, deep 784-256-128-64-10, FeedForwardNetwork(100, [64, 32, 16], 5)",
    "N(0, 1) inputs of the notebook's shapes (NumPy)",
    "parameter counts 241, 242,762 (per layer), 9,157; outputs; shapes traced layer by layer",
    defaults(),
    torch_side=_feed_forward_torch,
    jax_side=_feed_forward_jax,
)


# --- E43 -----------------------------------------------------------------------------------

SMALL = ("nn.Sequential", ("nn.Linear", 3, 4), ("nn.ReLU",), ("nn.Linear", 4, 2))
WITH_DROPOUT = (
    "nn.Sequential",
    ("nn.Linear", 10, 20),
    ("nn.ReLU",),
    ("nn.Dropout", 0.5),  # drops 50% of the activations during training
    ("nn.Linear", 20, 5),
)


def _forward_inputs(settings):
    gen = rng(settings)
    return {
        "batch": randn(gen, 5, 3, settings=settings),
        "custom": randn(gen, 3, 10, settings=settings),
        "dropout": randn(gen, 3, 10, settings=settings),
    }


def _forward_tour_torch(t: TorchSide) -> None:
    import torch

    inputs = {k: t.tensor(v) for k, v in _forward_inputs(t.settings).items()}
    model = t.model("model", SMALL)
    x = t.tensor([[1.0, 2.0, 3.0]])  # a single sample with 3 features
    z1 = model[0](x)  # z1 = x @ W1.T + b1
    a1 = model[1](z1)  # a1 = max(0, z1)
    z2 = model[2](a1)  # z2 = a1 @ W2.T + b2
    output_auto = model(x)
    t.prints("manual and automatic outputs match", torch.allclose(z2, output_auto))
    for key, value in (("z1", z1), ("a1", a1), ("z2", z2)):
        t.record(key, value)
    t.record("batch_output", model(inputs["batch"]))  # the batch dimension is preserved

    custom = t.model("custom", ("models.CustomModel",))
    t.record("custom.output", custom(inputs["custom"]))  # prints "forward() method called!"
    t.record("custom.forward", custom.forward(inputs["custom"]))

    dropout_model = t.model("dropout_model", WITH_DROPOUT)
    masks = t.dropout_masks(dropout_model[2])
    dropout_model.train()  # training mode (the default)
    train1, train2 = dropout_model(inputs["dropout"]), dropout_model(inputs["dropout"])
    t.hand_over("mask.dropout_model.2", stack_masks(masks))
    dropout_model.eval()  # evaluation mode: dropout disabled
    eval1, eval2 = dropout_model(inputs["dropout"]), dropout_model(inputs["dropout"])
    _dropout_record(t, train1, train2, eval1, eval2)


def _forward_tour_jax(j: JaxSide) -> None:
    import jax.numpy as jnp

    inputs = {k: j.array(v) for k, v in _forward_inputs(j.settings).items()}
    model = j.model("model", SMALL)
    x = j.array([[1.0, 2.0, 3.0]])
    z1 = model[0](x)
    a1 = model[1](z1)
    z2 = model[2](a1)
    output_auto = model(x)
    j.prints("manual and automatic outputs match", jnp.allclose(z2, output_auto))
    for key, value in (("z1", z1), ("a1", a1), ("z2", z2)):
        j.record(key, value)
    j.record("batch_output", model(inputs["batch"]))

    custom = j.model("custom", ("models.CustomModel",))
    j.record("custom.output", custom(inputs["custom"]))
    j.record("custom.forward", custom.__call__(inputs["custom"]))  # torch's forward()

    dropout_model = j.model("dropout_model", WITH_DROPOUT)
    dropout_model.train()
    masks = j.handed_over("mask.dropout_model.2")
    restore = with_torch_masks(dropout_model, "2", None if masks is None else list(masks))
    train1, train2 = dropout_model(inputs["dropout"]), dropout_model(inputs["dropout"])
    restore()
    dropout_model.eval()
    eval1, eval2 = dropout_model(inputs["dropout"]), dropout_model(inputs["dropout"])
    _dropout_record(j, train1, train2, eval1, eval2)


def _dropout_record(side, train1, train2, eval1, eval2) -> None:
    for key, value in (("train1", train1), ("train2", train2), ("eval1", eval1), ("eval2", eval2)):
        side.record(f"dropout_model.{key}", value)
    s = {k: np.asarray(v, np.float64) for k, v in side.state.items()}
    side.prints(
        "train outputs differ",
        not np.allclose(s["dropout_model.train1"], s["dropout_model.train2"]),
    )
    side.prints(
        "eval outputs identical",
        np.array_equal(s["dropout_model.eval1"], s["dropout_model.eval2"]),
    )


FORWARD_PASS_TOUR = Example(
    "forward_pass_tour",
    "the forward pass: step by step, batched, forward(), train vs eval (E43)",
    "S1 6266-6417",
    "Sequential 3-4-2, CustomModel 10-20-5, Sequential 10-20-Dropout(0.5)-5",
    "x = [[1, 2, 3]]; N(0, 1) batches (NumPy); torch's dropout masks",
    "manual == model(x); train-mode outputs differ, eval-mode outputs are identical",
    defaults(),
    torch_side=_forward_tour_torch,
    jax_side=_forward_tour_jax,
)
