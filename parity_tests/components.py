"""The components the parity suite measures, in the seeds' order, grouped by lesson.

Each :class:`Component` names the torch API, its jaxnn (or plain JAX) twin, the
lesson of ``examples.lessons.LESSONS`` that teaches it and the test modules that
measure it. Every ``parity_tests/test_*.py`` module belongs to exactly one
component, or is infrastructure (:data:`INFRASTRUCTURE`: tests of the harness,
docs, command line, lessons and worked examples, which span many components);
``test_report.py`` checks that. ``jaxnn parity`` (``examples/parity.py``) builds
its table from this registry and the suite's measurement records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Component:
    """One row of the parity table."""

    name: str
    torch_api: str
    jaxnn_api: str
    lesson: str  # one of examples.lessons.LESSONS
    tests: tuple[str, ...]  # test module names, e.g. "test_linear"

    @property
    def slug(self) -> str:
        """An HTML id made from the name."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


def _c(name: str, torch_api: str, jaxnn_api: str, lesson: str, *tests: str) -> Component:
    return Component(name, torch_api, jaxnn_api, lesson, tests)


COMPONENTS: tuple[Component, ...] = (
    # 01 tensors: inventory §1.1, §1.5, §1.22, §1.23
    _c(
        "Tensor creation and dtypes",
        "torch.tensor, torch.zeros, torch.arange",
        "jaxnn.functional.tensor; jnp.zeros, arange",
        "01_tensors",
        "test_creation",
    ),
    _c(
        "Element-wise math and in-place ops",
        "torch.exp, torch.clamp, x.add_()",
        "jnp.exp, jnp.clip, x.at[...].set()",
        "01_tensors",
        "test_elementwise",
    ),
    _c(
        "NumPy primer",
        "numpy (the seed's own code)",
        "jax.numpy",
        "01_tensors",
        "test_numpy_primer",
    ),
    _c(
        "Seeding and reproducibility",
        "torch.manual_seed",
        "jaxnn.random.seed_everything, jax.random.key",
        "01_tensors",
        "test_random",
    ),
    # 02 shapes and views: §1.2-1.4
    _c(
        "Shape operations and views",
        "torch.reshape, Tensor.view, squeeze",
        "jnp.reshape; jaxnn.functional.squeeze, flatten",
        "02_shapes_and_views",
        "test_shape",
    ),
    _c(
        "Indexing and masks",
        "x[i], x[mask], x[idx] = v",
        "x[i], x[mask], x.at[idx].set(v)",
        "02_shapes_and_views",
        "test_indexing",
    ),
    _c(
        "Broadcasting",
        "torch broadcasting, keepdim=True",
        "jnp broadcasting, keepdims=True",
        "02_shapes_and_views",
        "test_broadcasting",
    ),
    # 03 devices: §1.21
    _c(
        "Devices and timing",
        "torch.device, Tensor.to(device)",
        "jaxnn.device.to_device, jax.devices",
        "03_devices",
        "test_device",
    ),
    # 04 reductions: §1.6-1.7
    _c(
        "Reductions",
        "torch.sum, mean, max, std",
        "jnp.sum; jaxnn.functional.mean, max, std",
        "04_reductions_and_argmax",
        "test_reduction",
    ),
    _c(
        "argmax, argmin, topk",
        "torch.argmax, torch.topk",
        "jnp.argmax, jaxnn.functional.topk",
        "04_reductions_and_argmax",
        "test_argmax_topk",
    ),
    # 05 matmul: §1.8
    _c(
        "Matrix multiplication",
        "torch.mm, torch.matmul, @",
        "jnp.matmul, @",
        "05_matmul",
        "test_matmul",
    ),
    # 06 gather: §1.9
    _c("gather", "torch.gather", "jaxnn.functional.gather", "06_gather", "test_gather"),
    # 07 autograd: §1.10
    _c(
        "Gradients of scalar functions",
        "loss.backward(), torch.autograd.grad",
        "jax.grad, jax.value_and_grad",
        "07_autograd",
        "test_autograd_scalar",
    ),
    _c(
        "no_grad, detach, retain_grad",
        "torch.no_grad, Tensor.detach, retain_grad",
        "jax.lax.stop_gradient, jax.vjp",
        "07_autograd",
        "test_autograd_graph",
    ),
    _c(
        "Autograd in training code",
        "requires_grad_(False), .data",
        "jaxnn.nn.freeze, nnx.Param updates",
        "07_autograd",
        "test_autograd_training",
    ),
    # 08 modules and parameters: §1.11, Appendix A
    _c(
        "nn.Module API",
        "torch.nn.Module, .parameters(), ...",
        "nnx.Module; jaxnn.nn.parameters, ...",
        "08_modules_and_parameters",
        "test_module",
    ),
    _c(
        "nn.Sequential",
        "torch.nn.Sequential",
        "jaxnn.nn.Sequential",
        "08_modules_and_parameters",
        "test_container",
    ),
    _c(
        "Initialisation",
        "torch.nn.init.xavier_uniform_, ...",
        "jaxnn.nn.init.xavier_uniform_, ...",
        "08_modules_and_parameters",
        "test_init",
    ),
    _c(
        "One-layer models",
        "SimpleNet, Net, LinearModel, ...",
        "jaxnn.models.SimpleNet, Net, ...",
        "08_modules_and_parameters",
        "test_models_linear",
    ),
    _c(
        "Composed models",
        "LinearBlock, ComposedNetwork, ...",
        "jaxnn.models.LinearBlock, ...",
        "08_modules_and_parameters",
        "test_models_composition",
    ),
    _c(
        "Manual-parameter models",
        "nn.Parameter, MLP2Hidden, ...",
        "nnx.Param; jaxnn.models.MLP2Hidden, ...",
        "08_modules_and_parameters",
        "test_models_parameters",
    ),
    # 09 layers: §1.12
    _c("nn.Linear", "torch.nn.Linear", "jaxnn.nn.Linear", "09_layers", "test_linear"),
    _c("nn.Identity", "torch.nn.Identity", "jaxnn.nn.Identity", "09_layers", "test_identity"),
    _c("nn.Flatten", "torch.nn.Flatten", "jaxnn.nn.Flatten", "09_layers", "test_flatten"),
    _c(
        "Multilayer perceptrons",
        "MultiLayerNetwork, FeedForwardNetwork, ...",
        "jaxnn.models.MultiLayerNetwork, ...",
        "09_layers",
        "test_models_mlp",
    ),
    # 10 activations: §1.13-1.14
    _c(
        "Activations",
        "torch.nn.ReLU, GELU, ...; F.relu, ...",
        "jaxnn.nn.ReLU, ...; jaxnn.functional.relu, ...",
        "10_activations",
        "test_activation",
    ),
    _c(
        "Transformer-style blocks",
        "SelfAttention, TransformerBlock",
        "jaxnn.models.SelfAttention, TransformerBlock",
        "10_activations",
        "test_models_transformer",
    ),
    # 11 embeddings
    _c(
        "nn.Embedding",
        "torch.nn.Embedding, F.embedding",
        "jaxnn.nn.Embedding, jaxnn.functional.embedding",
        "11_embeddings",
        "test_embedding",
    ),
    _c(
        "Text classifier",
        "TextClassifier (seed class)",
        "jaxnn.models.TextClassifier",
        "11_embeddings",
        "test_models_text",
    ),
    # 12 layernorm
    _c(
        "nn.LayerNorm, nn.BatchNorm1d",
        "torch.nn.LayerNorm, torch.nn.BatchNorm1d",
        "jaxnn.nn.LayerNorm, jaxnn.nn.BatchNorm1d",
        "12_layernorm",
        "test_normalization",
    ),
    _c(
        "Networks with and without LayerNorm",
        "NetworkWithoutNorm, NetworkWithNorm",
        "jaxnn.models.NetworkWithNorm, ...",
        "12_layernorm",
        "test_models_normalization",
    ),
    # 13 dropout
    _c(
        "nn.Dropout",
        "torch.nn.Dropout, F.dropout",
        "jaxnn.nn.Dropout, jaxnn.functional.dropout",
        "13_dropout",
        "test_dropout",
    ),
    _c(
        "Dropout and batch-norm models",
        "ModelWithDropout, ImageClassifier, ...",
        "jaxnn.models.ModelWithDropout, ...",
        "13_dropout",
        "test_models_regularization",
    ),
    # 14 losses: §1.15
    _c(
        "Losses",
        "torch.nn.MSELoss, CrossEntropyLoss, ...",
        "jaxnn.nn.MSELoss, ...; jaxnn.functional.*",
        "14_losses",
        "test_loss",
    ),
    # 15 optimizers: §1.16
    _c("SGD", "torch.optim.SGD", "jaxnn.optim.sgd", "15_optimizers_and_learning_rate", "test_sgd"),
    _c(
        "Adam",
        "torch.optim.Adam",
        "jaxnn.optim.adam",
        "15_optimizers_and_learning_rate",
        "test_adam",
    ),
    _c(
        "AdamW",
        "torch.optim.AdamW",
        "jaxnn.optim.adamw",
        "15_optimizers_and_learning_rate",
        "test_adamw",
    ),
    _c(
        "RMSprop",
        "torch.optim.RMSprop",
        "jaxnn.optim.rmsprop",
        "15_optimizers_and_learning_rate",
        "test_rmsprop",
    ),
    _c(
        "Learning-rate schedules",
        "lr_scheduler.StepLR, ExponentialLR, ...",
        "jaxnn.optim.step_lr, exponential_lr, ...",
        "15_optimizers_and_learning_rate",
        "test_lr_scheduler",
    ),
    _c(
        "Gradient clipping",
        "torch.nn.utils.clip_grad_norm_",
        "jaxnn.optim.clip_grad_norm_, clip",
        "15_optimizers_and_learning_rate",
        "test_clip",
    ),
    _c(
        "Gradient accumulation",
        "(loss / k).backward(); step every k",
        "jaxnn.optim.accumulate",
        "15_optimizers_and_learning_rate",
        "test_accumulation",
    ),
    # 16 data loading: §1.18, §4
    _c(
        "Dataset and DataLoader",
        "torch.utils.data.TensorDataset, DataLoader",
        "jaxnn.data.TensorDataset, DataLoader",
        "16_data_loading",
        "test_dataloader",
        "test_fuzz_dataloader",
    ),
    _c(
        "Transforms",
        "torchvision.transforms.ToTensor, ...",
        "jaxnn.data.ToTensor, Normalize, Compose",
        "16_data_loading",
        "test_transforms",
    ),
    _c(
        "Bundled data sets",
        "sklearn.datasets.load_digits, load_diabetes",
        "jaxnn.data.load_digits, load_diabetes",
        "16_data_loading",
        "test_bundled",
    ),
    # 17 training loop: §1.17
    _c(
        "Training loop and fit",
        "a zero_grad/backward/step loop",
        "jaxnn.train.make_train_step, fit",
        "17_training_loop",
        "test_fit",
    ),
    _c(
        "Scan-fused epochs",
        "an eager loop of train steps (no fused form)",
        "jaxnn.train.fit_fused, make_epoch_step",
        "17_training_loop",
        "test_epoch",
    ),
    _c(
        "Multi-seed training",
        "a Python loop of single runs, one per seed",
        "jaxnn.train.fit_seeds, make_multi_train_step",
        "17_training_loop",
        "test_multiseed",
    ),
    _c(
        "Data parallelism",
        "torch.nn.parallel.DistributedDataParallel",
        "jaxnn.train.make_sharded_train_step, data_mesh",
        "17_training_loop",
        "test_sharding",
    ),
    # 18 evaluation: §1.19, §3.3
    _c(
        "Toy classifier and its predictions",
        "the seed's E18 loop; argmax accuracy",
        "jaxnn.train.compute_accuracy",
        "18_evaluation",
        "test_toy_classifier",
    ),
    _c(
        "NeuralNetwork (S4 2021)",
        "NeuralNetwork (seed class)",
        "jaxnn.models.NeuralNetwork",
        "18_evaluation",
        "test_mlp",
    ),
    # 19 saving and loading: §1.20
    _c(
        "state_dict conversion",
        "model.state_dict(), load_state_dict()",
        "jaxnn.interop.state_dict, load_state_dict",
        "19_saving_and_loading",
        "test_state_dict",
        "test_fuzz_state_dict",
    ),
    _c(
        "Checkpoints",
        "torch.save, torch.load",
        "jaxnn.checkpoint.save_safetensors, ...",
        "19_saving_and_loading",
        "test_checkpoint",
        "test_atomic_kill",
    ),
    # 20 MNIST MLP: §4.1
    _c(
        "IDX files",
        "torchvision.datasets.MNIST's file format",
        "jaxnn.data.read_idx, load_mnist",
        "20_mnist_mlp",
        "test_idx",
        "test_fuzz_idx",
    ),
    _c(
        "MNIST data set",
        "torchvision.datasets.MNIST",
        "jaxnn.data.MNIST",
        "20_mnist_mlp",
        "test_mnist",
    ),
    # 21 CNN
    _c(
        "nn.Conv2d",
        "torch.nn.Conv2d, F.conv2d",
        "jaxnn.nn.Conv2d, jaxnn.functional.conv2d",
        "21_cnn",
        "test_conv",
    ),
    _c(
        "nn.MaxPool2d",
        "torch.nn.MaxPool2d, F.max_pool2d",
        "jaxnn.nn.MaxPool2d, jaxnn.functional.max_pool2d",
        "21_cnn",
        "test_pooling",
    ),
    _c("CNN template", "CNN (seed class, S3 290)", "jaxnn.models.CNN", "21_cnn", "test_models_cnn"),
    # 22 LSTM
    _c(
        "nn.RNN, nn.LSTM, nn.GRU",
        "torch.nn.RNN, LSTM, GRU",
        "jaxnn.nn.RNN, LSTM, GRU",
        "22_lstm",
        "test_recurrent",
    ),
    _c(
        "LSTM template",
        "RNNModel (seed class, S3 327)",
        "jaxnn.models.RNNModel",
        "22_lstm",
        "test_models_rnn",
    ),
)

# Test modules that check infrastructure or span many components; not in the table.
INFRASTRUCTURE: tuple[str, ...] = (
    "test_harness",
    "test_docs",
    "test_cli",
    "test_cli_seeds",
    "test_cli_devices",
    "test_bench",
    "test_bad_inputs",
    "test_lessons",
    "test_examples",
    "test_examples_forward",
    "test_examples_training",
    "test_report",
)

_MODULE = re.compile(r"(?:^|[/\\])(test_\w+)\.py(?:::|$)")


def module_of(nodeid: str) -> str | None:
    """The test module name of a pytest node id (``parity_tests/test_linear.py::test_x[...]``)."""
    match = _MODULE.search(nodeid)
    return match.group(1) if match else None


def by_module() -> dict[str, Component]:
    """Test module name -> the component it measures."""
    return {module: c for c in COMPONENTS for module in c.tests}


def of_lesson(lesson: str) -> list[Component]:
    """The components a lesson teaches, in registry order."""
    return [c for c in COMPONENTS if c.lesson == lesson]
