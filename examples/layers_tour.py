"""The notebooks' layer tours: activations, embeddings, LayerNorm and dropout.

- ``activation_tour`` (E45, S1 6503-7332): linear layers without and with ReLU, ReLU
  on fixed and evenly spaced inputs, ``SimpleNetwork`` and its ``Sequential`` twin,
  ``F.relu``, a dying ReLU (all-negative pre-activations: zero output, zero
  gradient), exact GELU, ``TransformerStyleNetwork`` (512-2048-512), ReLU vs GELU
  networks, softmax (step by step, per row and per column, with temperature),
  ``ClassificationNetwork`` (softmax inside) and ``ClassificationNetworkCorrect``
  with cross-entropy on the targets ``[3, 7, 2, 9, 1]``.
- ``embedding_tour`` (E46, S1 7367-7674): ``Embedding(10, 4)`` lookups equal weight
  rows, batches of sequences, ``TextClassifier(1000, 128, 64, 5)``, pretrained
  vectors, freezing, and ``padding_idx=0`` (a zero row whose gradient is zero).
- ``layernorm_tour`` (E47, S1 7676-7991): ``LayerNorm(5)`` by hand and by the layer,
  per sample in a batch, ``TransformerBlock(512, 2048)``, networks without and with
  normalisation, ``LayerNorm(4)`` vs ``LayerNorm([3, 4])``.
- ``dropout_tour`` (E48, S1 7993-8343): ``Dropout(0.5)`` in training mode (torch's
  masks handed to the JAX side) and eval mode (the identity), the 1/(1-p) scaling,
  ``NetworkWithDropout`` (two training passes differ, eval passes agree), the rates
  table, ``F.dropout`` and ``NetworkWithFunctionalDropout`` in eval mode.

Evenly spaced inputs (``torch.linspace``) come from ``np.linspace`` so both
frameworks read the same bits (torch and JAX round the interior points
differently). GELU is the exact form (``approximate='none'``), torch's default.
"""

from __future__ import annotations

import numpy as np

from jaxnn_examples.example import Example
from jaxnn_examples.forward import (
    JaxSide,
    ReplayDropout,
    TorchSide,
    defaults,
    floats,
    randn,
    rng,
    stack_masks,
    to_numpy,
    with_torch_masks,
)

# --- E45 -----------------------------------------------------------------------------------

RELU_INPUT = [-3.0, -1.5, -0.5, 0.0, 0.5, 1.5, 3.0]  # S1 6621, 6835
SMALL_INPUT = [-2.0, -1.0, 0.0, 1.0, 2.0]  # S1 6713, 6978
SOFTMAX_LOGITS = [2.0, 1.0, 0.1]
BATCH_LOGITS = [
    [2.0, 1.0, 0.1, -1.0, -2.0],
    [0.5, 0.5, 0.5, 0.5, 0.5],
    [5.0, 1.0, 1.0, 1.0, 1.0],
    [-1.0, -1.0, -1.0, -1.0, -1.0],
]
TWO_ROWS = [[2.0, 1.0, 0.1], [1.0, 3.0, 0.5]]
TARGETS = [3, 7, 2, 9, 1]
TEMPERATURES = (0.5, 1.0, 2.0)
RELU_NET = ("nn.ReLU",)
GELU_NET = ("nn.GELU",)


def _deep_net(activation) -> tuple:
    return (
        "nn.Sequential",
        ("nn.Linear", 100, 200),
        activation,
        ("nn.Linear", 200, 100),
        activation,
        ("nn.Linear", 100, 10),
    )


SEQUENTIAL_SIMPLE = (
    "nn.Sequential",
    ("nn.Linear", 10, 20),
    ("nn.ReLU",),
    ("nn.Linear", 20, 10),
    ("nn.ReLU",),
    ("nn.Linear", 10, 5),
)


def _activation_inputs(settings):
    gen = rng(settings)
    return {  # in the notebook's order
        "plain": randn(gen, 3, 10, settings=settings),
        "relu": randn(gen, 3, 10, settings=settings),
        "simple": randn(gen, 3, 10, settings=settings),
        "dying": np.abs(randn(gen, 10, 5, settings=settings)),  # all positive inputs
        "transformer": randn(gen, 2, 512, settings=settings),
        "deep": randn(gen, 5, 100, settings=settings),
        "classification": randn(gen, 5, 20, settings=settings),
        "correct": randn(gen, 5, 20, settings=settings),
        "linspace100": np.linspace(-5, 5, 100).astype(settings.dtype),
        "linspace13": np.linspace(-3, 3, 13).astype(settings.dtype),
        "linspace1000": np.linspace(-5, 5, 1000).astype(settings.dtype),
    }


def _activation_torch(t: TorchSide) -> None:
    import torch
    import torch.nn.functional as F

    nn = torch.nn
    x = {k: t.tensor(v) for k, v in _activation_inputs(t.settings).items()}
    record = t.record

    layer1 = t.model("plain.layer1", ("nn.Linear", 10, 20))
    layer2 = t.model("plain.layer2", ("nn.Linear", 20, 5))
    record("plain.y", layer2(layer1(x["plain"])))  # two linear layers: still linear

    layer1 = t.model("relu.layer1", ("nn.Linear", 10, 20))
    activation1 = nn.ReLU()
    layer2 = t.model("relu.layer2", ("nn.Linear", 20, 5))
    h = layer1(x["relu"])
    h_activated = activation1(h)  # apply a non-linear activation
    record("relu.h_activated", h_activated)
    record("relu.y", layer2(h_activated))
    t.prints("negatives before ReLU", (h < 0).sum())
    t.prints("negatives after ReLU", (h_activated < 0).sum())
    t.prints("positives kept by ReLU", (h_activated > 0).sum())

    relu = nn.ReLU()
    record("relu(fixed)", relu(t.tensor(RELU_INPUT)))
    y = relu(x["linspace100"])
    t.prints("ReLU zeros (linspace 100)", (y == 0).sum())
    t.prints("ReLU positives (linspace 100)", (y > 0).sum())

    model = t.model("simple_network", ("models.SimpleNetwork",))
    record("simple_network.output", model(x["simple"]))
    sequential = t.model("simple_sequential", SEQUENTIAL_SIMPLE)
    record("simple_sequential.output", sequential(x["simple"]))
    small = t.tensor(SMALL_INPUT)
    t.prints("F.relu equals nn.ReLU", torch.equal(nn.ReLU()(small), F.relu(small)))
    functional = t.model("functional_relu", ("models.NetworkWithFunctionalReLU",))
    record("functional_relu.output", functional(x["simple"]))

    layer = t.model("dying", ("nn.Linear", 5, 1))
    with torch.no_grad():
        layer.weight.fill_(-1.0)
        layer.bias.fill_(-10.0)
    pre_activation = layer(x["dying"])
    post_activation = F.relu(pre_activation)
    post_activation.sum().backward()  # no gradient flows back through a dead unit
    record("dying.pre_activation", pre_activation)
    t.record_grads("dying", layer)
    t.prints("all pre-activations negative", (pre_activation < 0).all())
    t.prints("all post-activations zero", (post_activation == 0).all())

    gelu = nn.GELU()
    record("gelu(fixed)", gelu(t.tensor(RELU_INPUT)))
    record("gelu(linspace13) - relu", gelu(x["linspace13"]) - relu(x["linspace13"]))
    relu_output, gelu_output = relu(x["linspace1000"]), gelu(x["linspace1000"])
    _activation_stats(t, relu_output, gelu_output)
    transformer = t.model("transformer_style", ("models.TransformerStyleNetwork",))
    record("transformer_style.output", transformer(x["transformer"]))
    model_relu = t.model("model_relu", _deep_net(RELU_NET))
    model_gelu = t.model("model_gelu", _deep_net(GELU_NET))
    record("model_relu.output", model_relu(x["deep"]))
    record("model_gelu.output", model_gelu(x["deep"]))
    t.prints("F.gelu close to nn.GELU", torch.allclose(nn.GELU()(small), F.gelu(small)))

    logits = t.tensor(SOFTMAX_LOGITS)
    exp_logits = torch.exp(logits)
    probabilities = exp_logits / exp_logits.sum()
    record("softmax.manual", probabilities)
    record("softmax.module", nn.Softmax(dim=-1)(logits))
    t.prints("sum of exponentials", exp_logits.sum())
    batch_logits = t.tensor(BATCH_LOGITS)
    record("softmax.dim1", nn.Softmax(dim=1)(batch_logits))
    record("softmax.dim0", nn.Softmax(dim=0)(batch_logits))
    record("softmax.argmax", nn.Softmax(dim=1)(batch_logits).argmax(dim=1))

    classifier = t.model("classification", ("models.ClassificationNetwork", 20, 50, 10))
    predictions = classifier(x["classification"])
    record("classification.probabilities", predictions)
    record("classification.classes", predictions.argmax(dim=1))
    correct = t.model("correct", ("models.ClassificationNetworkCorrect", 20, 50, 10))
    logits = correct(x["correct"])
    loss = nn.CrossEntropyLoss()(logits, torch.tensor(TARGETS))
    record("correct.probabilities", nn.Softmax(dim=1)(logits))
    t.prints("cross-entropy loss (targets 3, 7, 2, 9, 1)", loss)
    record("softmax.two_rows", F.softmax(t.tensor(TWO_ROWS), dim=1))
    for temperature in TEMPERATURES:
        probs = F.softmax(t.tensor(SOFTMAX_LOGITS) / temperature, dim=0)
        record(f"softmax.T={temperature}", probs)
        t.prints(f"max probability (T={temperature})", probs.max())


def _activation_jax(j: JaxSide) -> None:
    import jax.numpy as jnp
    from flax import nnx

    import jaxnn
    from jaxnn import functional as F

    nn = jaxnn.nn
    x = {k: j.array(v) for k, v in _activation_inputs(j.settings).items()}
    record = j.record

    layer1 = j.model("plain.layer1", ("nn.Linear", 10, 20))
    layer2 = j.model("plain.layer2", ("nn.Linear", 20, 5))
    record("plain.y", layer2(layer1(x["plain"])))

    layer1 = j.model("relu.layer1", ("nn.Linear", 10, 20))
    activation1 = nn.ReLU()
    layer2 = j.model("relu.layer2", ("nn.Linear", 20, 5))
    h = layer1(x["relu"])
    h_activated = activation1(h)
    record("relu.h_activated", h_activated)
    record("relu.y", layer2(h_activated))
    j.prints("negatives before ReLU", jnp.sum(h < 0))
    j.prints("negatives after ReLU", jnp.sum(h_activated < 0))
    j.prints("positives kept by ReLU", jnp.sum(h_activated > 0))

    relu = nn.ReLU()
    record("relu(fixed)", relu(j.array(RELU_INPUT)))
    y = relu(x["linspace100"])
    j.prints("ReLU zeros (linspace 100)", jnp.sum(y == 0))
    j.prints("ReLU positives (linspace 100)", jnp.sum(y > 0))

    model = j.model("simple_network", ("models.SimpleNetwork",))
    record("simple_network.output", model(x["simple"]))
    sequential = j.model("simple_sequential", SEQUENTIAL_SIMPLE)
    record("simple_sequential.output", sequential(x["simple"]))
    small = j.array(SMALL_INPUT)
    j.prints("F.relu equals nn.ReLU", jnp.array_equal(nn.ReLU()(small), F.relu(small)))
    functional = j.model("functional_relu", ("models.NetworkWithFunctionalReLU",))
    record("functional_relu.output", functional(x["simple"]))

    layer = j.model("dying", ("nn.Linear", 5, 1))
    jaxnn.nn.init.constant_(layer.kernel, -1.0)  # torch: weight.fill_(-1.0)
    jaxnn.nn.init.constant_(layer.bias, -10.0)

    def dead_unit(layer):
        pre_activation = layer(x["dying"])
        post_activation = F.relu(pre_activation)
        return post_activation.sum(), (pre_activation, post_activation)

    (_, (pre_activation, post_activation)), grads = nnx.value_and_grad(dead_unit, has_aux=True)(
        layer
    )
    record("dying.pre_activation", pre_activation)
    j.record_grads("dying", layer, grads)
    j.prints("all pre-activations negative", jnp.all(pre_activation < 0))
    j.prints("all post-activations zero", jnp.all(post_activation == 0))

    gelu = nn.GELU()
    record("gelu(fixed)", gelu(j.array(RELU_INPUT)))
    record("gelu(linspace13) - relu", gelu(x["linspace13"]) - relu(x["linspace13"]))
    relu_output, gelu_output = relu(x["linspace1000"]), gelu(x["linspace1000"])
    _activation_stats(j, relu_output, gelu_output)
    transformer = j.model("transformer_style", ("models.TransformerStyleNetwork",))
    record("transformer_style.output", transformer(x["transformer"]))
    model_relu = j.model("model_relu", _deep_net(RELU_NET))
    model_gelu = j.model("model_gelu", _deep_net(GELU_NET))
    record("model_relu.output", model_relu(x["deep"]))
    record("model_gelu.output", model_gelu(x["deep"]))
    j.prints("F.gelu close to nn.GELU", jnp.allclose(nn.GELU()(small), F.gelu(small)))

    logits = j.array(SOFTMAX_LOGITS)
    exp_logits = jnp.exp(logits)
    record("softmax.manual", exp_logits / exp_logits.sum())
    record("softmax.module", nn.Softmax(dim=-1)(logits))
    j.prints("sum of exponentials", exp_logits.sum())
    batch_logits = j.array(BATCH_LOGITS)
    record("softmax.dim1", nn.Softmax(dim=1)(batch_logits))
    record("softmax.dim0", nn.Softmax(dim=0)(batch_logits))
    record("softmax.argmax", jnp.argmax(nn.Softmax(dim=1)(batch_logits), axis=1))

    classifier = j.model("classification", ("models.ClassificationNetwork", 20, 50, 10))
    predictions = classifier(x["classification"])
    record("classification.probabilities", predictions)
    record("classification.classes", jnp.argmax(predictions, axis=1))
    correct = j.model("correct", ("models.ClassificationNetworkCorrect", 20, 50, 10))
    logits = correct(x["correct"])
    loss = nn.CrossEntropyLoss()(logits, jnp.asarray(np.asarray(TARGETS)))
    record("correct.probabilities", nn.Softmax(dim=1)(logits))
    j.prints("cross-entropy loss (targets 3, 7, 2, 9, 1)", loss)
    record("softmax.two_rows", F.softmax(j.array(TWO_ROWS), dim=1))
    for temperature in TEMPERATURES:
        probs = F.softmax(j.array(SOFTMAX_LOGITS) / temperature, dim=0)
        record(f"softmax.T={temperature}", probs)
        j.prints(f"max probability (T={temperature})", probs.max())


def _activation_stats(side, relu_output, gelu_output) -> None:
    r, g = to_numpy(relu_output), to_numpy(gelu_output)
    side.record("relu(linspace1000)", r)
    side.record("gelu(linspace1000)", g)
    side.prints("ReLU min (linspace 1000)", r.min())
    side.prints("ReLU zeros (linspace 1000)", (r == 0).sum())
    side.prints("GELU min (linspace 1000)", g.min())
    side.prints("GELU max (linspace 1000)", g.max())
    side.prints("GELU exact zeros (linspace 1000)", (g == 0).sum())
    side.prints("GELU negatives (linspace 1000)", (g < 0).sum())


ACTIVATION_TOUR = Example(
    "activation_tour",
    "activations: ReLU, GELU, softmax, and the networks that use them (E45)",
    "S1 6503-7332",
    "Linear stacks, SimpleNetwork, TransformerStyleNetwork, ReLU/GELU 100-200-100-10, "
    "ClassificationNetwork(20, 50, 10)",
    "the notebook's literals; N(0, 1) inputs (NumPy); np.linspace grids",
    "ReLU/GELU values and counts, dying ReLU, softmax [0.6590, 0.2424, 0.0986], "
    "temperatures, cross-entropy",
    defaults(),
    torch_side=_activation_torch,
    jax_side=_activation_jax,
)


# --- E46 -----------------------------------------------------------------------------------

TOKEN_IDS = [0, 2, 5, 1]
BATCH_SEQUENCES = [[1, 4, 2, 7, 0], [3, 8, 5, 2, 9], [0, 1, 1, 4, 6]]
PRETRAINED = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9], [1.0, 1.1, 1.2], [1.3, 1.4, 1.5]]
PADDED = [[3, 5, 7, 2, 0, 0], [1, 4, 0, 0, 0, 0]]


def _text_batch(settings) -> np.ndarray:
    return rng(settings).integers(0, 1000, (4, 10))  # 4 sequences of 10 tokens


def _embedding_torch(t: TorchSide) -> None:
    import torch

    ids = torch.tensor
    embedding = t.model("embedding", ("nn.Embedding", 10, 4))
    t.prints("embedding parameters", sum(p.numel() for p in embedding.parameters()))
    t.record("lookup", embedding(ids(TOKEN_IDS)))
    embedded_vector = embedding(ids([3]))
    same = torch.allclose(embedded_vector.squeeze(), embedding.weight[3])
    t.prints("lookup equals weight row", same)
    t.record("batch", embedding(ids(BATCH_SEQUENCES)))  # (3, 5, 4)

    model = t.model("text", ("models.TextClassifier", 1000, 128, 64, 5))
    t.record("text.output", model(ids(_text_batch(t.settings))))

    pretrained = t.model("pretrained", ("nn.Embedding", 5, 3))
    pretrained.weight.data = t.tensor(PRETRAINED)  # the notebook's assignment
    t.record("pretrained.lookup", pretrained(ids([4, 0, 2])))
    frozen = t.model("frozen", ("nn.Embedding", 5, 3))
    t.prints("requires grad (new)", frozen.weight.requires_grad)
    frozen.weight.requires_grad = False
    t.prints("requires grad (frozen)", frozen.weight.requires_grad)

    padded = t.model("padded", ("nn.Embedding", 10, 4, 0))  # padding_idx=0
    t.record("padded.token0", padded(ids([0])))
    embedded = padded(ids(PADDED))
    embedded.sum().backward()  # the padding row gets no gradient
    t.record("padded.sequences", embedded)
    t.record_grads("padded", padded)
    t.prints("padding output all zeros", (embedded[0, -1] == 0).all())


def _embedding_jax(j: JaxSide) -> None:
    import jax.numpy as jnp
    from flax import nnx

    import jaxnn

    def ids(v):
        return jnp.asarray(np.asarray(v))

    embedding = j.model("embedding", ("nn.Embedding", 10, 4))
    j.prints("embedding parameters", jaxnn.nn.count_parameters(embedding))
    j.record("lookup", embedding(ids(TOKEN_IDS)))
    embedded_vector = embedding(ids([3]))
    weight = embedding.embedding[...]
    j.prints("lookup equals weight row", jnp.allclose(embedded_vector.squeeze(), weight[3]))
    j.record("batch", embedding(ids(BATCH_SEQUENCES)))

    model = j.model("text", ("models.TextClassifier", 1000, 128, 64, 5))
    j.record("text.output", model(ids(_text_batch(j.settings))))

    pretrained = j.model("pretrained", ("nn.Embedding", 5, 3))
    jaxnn.interop.load_state_dict(pretrained, {"weight": floats(PRETRAINED, j.settings)})
    j.record("pretrained.lookup", pretrained(ids([4, 0, 2])))
    frozen = j.model("frozen", ("nn.Embedding", 5, 3))
    j.prints("requires grad (new)", jaxnn.nn.count_parameters(frozen, trainable_only=True) > 0)
    jaxnn.nn.freeze(frozen)
    j.prints("requires grad (frozen)", jaxnn.nn.count_parameters(frozen, trainable_only=True) > 0)

    padded = j.model("padded", ("nn.Embedding", 10, 4, 0))
    j.record("padded.token0", padded(ids([0])))
    embedded = padded(ids(PADDED))
    grads = nnx.grad(lambda m: m(ids(PADDED)).sum())(padded)
    j.record("padded.sequences", embedded)
    j.record_grads("padded", padded, grads)
    j.prints("padding output all zeros", jnp.all(embedded[0, -1] == 0))


EMBEDDING_TOUR = Example(
    "embedding_tour",
    "embeddings: lookups, a text classifier, pretrained, frozen, padding (E46)",
    "S1 7367-7674",
    "Embedding(10, 4), TextClassifier(1000, 128, 64, 5), Embedding(10, 4, padding_idx=0)",
    "the notebook's token ids; 4 x 10 random token ids (NumPy)",
    "lookups equal weight rows; (3, 5, 4); class logits; pretrained rows; zero padding rows",
    defaults(),
    torch_side=_embedding_torch,
    jax_side=_embedding_jax,
)


# --- E47 -----------------------------------------------------------------------------------

FIVE = [1.0, 2.0, 3.0, 4.0, 5.0]
LN_BATCH = [[1.0, 2.0, 3.0, 4.0, 5.0], [10.0, 20.0, 30.0, 40.0, 50.0], [-5.0, -3.0, 0.0, 3.0, 5.0]]


def _layernorm_inputs(settings):
    gen = rng(settings)
    return {
        "block": randn(gen, 2, 10, 512, settings=settings),
        "norm": randn(gen, 5, 100, settings=settings),
        "last": randn(gen, 2, 3, 4, settings=settings),
        "last_two": randn(gen, 2, 3, 4, settings=settings),
    }


def _layernorm_torch(t: TorchSide) -> None:
    import torch

    x_in = {k: t.tensor(v) for k, v in _layernorm_inputs(t.settings).items()}
    layer_norm = t.model("ln5", ("nn.LayerNorm", 5))
    t.record_params("ln5", layer_norm)  # gamma ones, beta zeros
    x = t.tensor(FIVE)
    normalized = layer_norm(x)
    t.record("ln5(x)", normalized)
    t.prints("x mean", x.mean())
    t.prints("x std (biased)", x.std(unbiased=False))
    t.prints("normalized mean", normalized.mean())
    t.prints("normalized std (biased)", normalized.std(unbiased=False))
    mean, std = x.mean(), x.std(unbiased=False)  # population std, not sample std
    manual = torch.ones(5, dtype=t.dtype) * ((x - mean) / std) + torch.zeros(5, dtype=t.dtype)
    t.record("manual", manual)
    t.prints("manual matches LayerNorm (atol 1e-5)", torch.allclose(manual, normalized, atol=1e-5))

    batch_norm = t.model("ln5_batch", ("nn.LayerNorm", 5))
    t.record("ln5(batch)", batch_norm(t.tensor(LN_BATCH)))

    block = t.model("block", ("models.TransformerBlock", 512, 2048))
    t.record("block.output", block(x_in["block"]))
    without = t.model("without_norm", ("models.NetworkWithoutNorm",))
    with_norm = t.model("with_norm", ("models.NetworkWithNorm",))
    for name, model in (("without_norm", without), ("with_norm", with_norm)):
        output = model(x_in["norm"])
        t.record(f"{name}.output", output)
        t.prints(f"{name} output mean", output.mean())
        t.prints(f"{name} output std", output.std())
    ln = t.model("ln4", ("nn.LayerNorm", 4))  # over the last dimension
    t.record("ln4.output", ln(x_in["last"]))
    ln = t.model("ln34", ("nn.LayerNorm", [3, 4]))  # over the last two dimensions
    t.record("ln34.output", ln(x_in["last_two"]))


def _layernorm_jax(j: JaxSide) -> None:
    import jax.numpy as jnp

    from jaxnn import functional as F

    x_in = {k: j.array(v) for k, v in _layernorm_inputs(j.settings).items()}
    layer_norm = j.model("ln5", ("nn.LayerNorm", 5))
    j.record_params("ln5", layer_norm)
    x = j.array(FIVE)
    normalized = layer_norm(x)
    j.record("ln5(x)", normalized)
    j.prints("x mean", F.mean(x))
    j.prints("x std (biased)", F.std(x, unbiased=False))
    j.prints("normalized mean", F.mean(normalized))
    j.prints("normalized std (biased)", F.std(normalized, unbiased=False))
    mean, std = F.mean(x), F.std(x, unbiased=False)
    manual = jnp.ones(5, j.np_dtype) * ((x - mean) / std) + jnp.zeros(5, j.np_dtype)
    j.record("manual", manual)
    j.prints("manual matches LayerNorm (atol 1e-5)", jnp.allclose(manual, normalized, atol=1e-5))

    batch_norm = j.model("ln5_batch", ("nn.LayerNorm", 5))
    j.record("ln5(batch)", batch_norm(j.array(LN_BATCH)))

    block = j.model("block", ("models.TransformerBlock", 512, 2048))
    j.record("block.output", block(x_in["block"]))
    without = j.model("without_norm", ("models.NetworkWithoutNorm",))
    with_norm = j.model("with_norm", ("models.NetworkWithNorm",))
    for name, model in (("without_norm", without), ("with_norm", with_norm)):
        output = model(x_in["norm"])
        j.record(f"{name}.output", output)
        j.prints(f"{name} output mean", F.mean(output))
        j.prints(f"{name} output std", F.std(output))
    ln = j.model("ln4", ("nn.LayerNorm", 4))
    j.record("ln4.output", ln(x_in["last"]))
    ln = j.model("ln34", ("nn.LayerNorm", [3, 4]))
    j.record("ln34.output", ln(x_in["last_two"]))


LAYERNORM_TOUR = Example(
    "layernorm_tour",
    "LayerNorm by hand and by layer, in a transformer block, in networks (E47)",
    "S1 7676-7991",
    "LayerNorm(5), TransformerBlock(512, 2048), NetworkWithoutNorm/NetworkWithNorm, "
    "LayerNorm(4), LayerNorm([3, 4])",
    "x = [1, 2, 3, 4, 5] and the notebook's batch; N(0, 1) inputs (NumPy)",
    "[-1.4142, -0.7071, 0, 0.7071, 1.4142]; std 0.999998 (eps); per-sample normalisation",
    defaults(),
    torch_side=_layernorm_torch,
    jax_side=_layernorm_jax,
)


# --- E48 -----------------------------------------------------------------------------------

RATES = (0.1, 0.3, 0.5, 0.7, 0.9)


def _dropout_inputs(settings):
    return randn(rng(settings), 5, 100, settings=settings)  # a batch of 5 samples


def _dropout_torch(t: TorchSide) -> None:
    import torch
    import torch.nn.functional as F

    nn = torch.nn
    dropout = nn.Dropout(p=0.5)
    masks = t.dropout_masks(dropout)
    x = torch.ones(10, dtype=t.dtype)  # all ones for easy visualisation
    dropout.train()
    trials = [dropout(x) for _ in range(3)]
    t.hand_over("mask.ones10", stack_masks(masks))
    dropout.eval()
    evals = [dropout(x) for _ in range(3)]
    _trials_record(t, trials, evals)

    x = torch.ones(1000, dtype=t.dtype)  # a large sample for statistics
    dropout = nn.Dropout(p=0.5)
    masks = t.dropout_masks(dropout)
    dropout.train()
    _scaling_record(t, dropout(x))
    t.hand_over("mask.ones1000", stack_masks(masks))

    model = t.model("network", ("models.NetworkWithDropout",))
    masks1, masks2 = t.dropout_masks(model.dropout1), t.dropout_masks(model.dropout2)
    x_batch = t.tensor(_dropout_inputs(t.settings))
    model.train()
    train1, train2 = model(x_batch), model(x_batch)  # same input, different output
    t.hand_over("mask.network.dropout1", stack_masks(masks1))
    t.hand_over("mask.network.dropout2", stack_masks(masks2))
    model.eval()
    eval1, eval2 = model(x_batch), model(x_batch)
    _network_record(t, train1, train2, eval1, eval2)

    for p in RATES:
        dropout = nn.Dropout(p=p)
        masks = t.dropout_masks(dropout)
        dropout.train()
        _rate_record(t, p, dropout(x))
        t.hand_over(f"mask.rate{p}", stack_masks(masks))

    x = torch.ones(10, dtype=t.dtype)
    output_train = F.dropout(x, p=0.5, training=True)
    t.hand_over("mask.functional", output_train != 0)
    t.record("F.dropout(training=True)", output_train)
    t.record("F.dropout(training=False)", F.dropout(x, p=0.5, training=False))

    functional = t.model("functional_network", ("models.NetworkWithFunctionalDropout",))
    functional.eval()
    t.record("functional_network.eval", functional(x_batch))


def _dropout_jax(j: JaxSide) -> None:
    import jax.numpy as jnp

    import jaxnn
    from jaxnn import functional as F

    def replay(layer, key):
        masks = j.handed_over(key)
        return layer if masks is None else ReplayDropout(layer, list(masks))

    nn = jaxnn.nn
    dropout = nn.Dropout(p=0.5, rngs=j.rngs)
    x = jnp.ones(10, j.np_dtype)
    dropout.train()
    trial_layer = replay(dropout, "mask.ones10")
    trials = [trial_layer(x) for _ in range(3)]
    dropout.eval()
    evals = [dropout(x) for _ in range(3)]
    _trials_record(j, trials, evals)

    x = jnp.ones(1000, j.np_dtype)
    dropout = nn.Dropout(p=0.5, rngs=j.rngs)
    dropout.train()
    _scaling_record(j, replay(dropout, "mask.ones1000")(x))

    model = j.model("network", ("models.NetworkWithDropout",))
    x_batch = j.array(_dropout_inputs(j.settings))
    model.train()
    restore1 = with_torch_masks(model, "dropout1", _masks(j, "mask.network.dropout1"))
    restore2 = with_torch_masks(model, "dropout2", _masks(j, "mask.network.dropout2"))
    train1, train2 = model(x_batch), model(x_batch)
    restore1()
    restore2()
    model.eval()
    eval1, eval2 = model(x_batch), model(x_batch)
    _network_record(j, train1, train2, eval1, eval2)

    for p in RATES:
        dropout = nn.Dropout(p=p, rngs=j.rngs)
        dropout.train()
        _rate_record(j, p, replay(dropout, f"mask.rate{p}")(x))

    x = jnp.ones(10, j.np_dtype)
    mask = j.handed_over("mask.functional")
    key = j.rngs.dropout() if mask is None else None
    j.record("F.dropout(training=True)", F.dropout(x, p=0.5, training=True, rng=key, mask=mask))
    j.record("F.dropout(training=False)", F.dropout(x, p=0.5, training=False))

    functional = j.model("functional_network", ("models.NetworkWithFunctionalDropout",))
    functional.eval()
    j.record("functional_network.eval", functional(x_batch))


def _masks(j: JaxSide, key: str) -> list | None:
    masks = j.handed_over(key)
    return None if masks is None else list(masks)


def _trials_record(side, trials, evals) -> None:
    for i, (trial, ev) in enumerate(zip(trials, evals, strict=True)):
        side.record(f"ones10.train{i + 1}", trial)
        side.record(f"ones10.eval{i + 1}", ev)
        side.prints(f"zeros, training trial {i + 1}", (to_numpy(trial) == 0).sum())
        side.prints(f"zeros, eval trial {i + 1}", (to_numpy(ev) == 0).sum())


def _scaling_record(side, output) -> None:
    out = to_numpy(output)
    side.record("ones1000.train", out)
    side.prints("output mean (p=0.5)", out.mean())
    side.prints("fraction dropped (p=0.5)", (out == 0).mean())
    side.prints("non-zero value (p=0.5)", out[out != 0][0])


def _network_record(side, train1, train2, eval1, eval2) -> None:
    outputs = {"train1": train1, "train2": train2, "eval1": eval1, "eval2": eval2}
    for key, value in outputs.items():
        side.record(f"network.{key}", value)
    s = {k: to_numpy(v) for k, v in outputs.items()}
    side.prints("network: training passes agree", np.allclose(s["train1"], s["train2"]))
    side.prints("network: eval passes agree", np.allclose(s["eval1"], s["eval2"]))


def _rate_record(side, p: float, output) -> None:
    out = to_numpy(output)
    side.record(f"rate{p}.output", out)
    side.prints(f"kept (p={p})", (out != 0).mean())
    side.prints(f"mean (p={p})", out.mean())


DROPOUT_TOUR = Example(
    "dropout_tour",
    "dropout: training vs eval, scaling, networks, rates, functional (E48)",
    "S1 7993-8343",
    "Dropout(p), NetworkWithDropout 100-256-128-10, NetworkWithFunctionalDropout",
    "ones(10), ones(1000); N(0, 1) batch (5, 100) (NumPy); torch's dropout masks",
    "zeros per trial; eval = identity; scale 1/(1-p) = 2.0; train passes differ, eval agree",
    defaults(),
    torch_side=_dropout_torch,
    jax_side=_dropout_jax,
)
