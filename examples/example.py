"""What a worked example is: its :class:`Settings` and its :class:`Example` declaration.

An example is data: what it is (name, title, the notebook lines it comes from,
model, data, what it prints), its default :class:`Settings`, and how each
framework runs it, given either as a training :class:`~jaxnn_examples.recipe.Recipe`
(the application's engine trains it in torch and in JAX) or as two functions that
fill a torch side and a JAX side (a forward or backward pass, ``jaxnn_examples.forward``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the sides import torch and JAX when built
    from jaxnn_examples.forward import JaxSide, TorchSide
    from jaxnn_examples.recipe import Recipe


@dataclass(frozen=True)
class Settings:
    """The settings of one run; every field can be overridden from the command line.

    ``data_dir`` (``--data-dir``): a directory of MNIST's IDX files for the MNIST
    examples, which otherwise train on the bundled 28x28 digits.
    ``train_subset`` (``--train-subset``): train on the first this many
    training samples only (``None``: all of them).
    ``checkpoint_every``/``checkpoint_dir`` (``--checkpoint-every``, ``--resume``):
    the JAX side saves its train state every this many steps under
    ``checkpoint_dir`` and, when that already holds a checkpoint, resumes from
    the latest one (resumable examples only, :attr:`Example.resumable`).
    ``devices`` (``--devices``): the JAX side splits every batch along its first
    axis over this many devices, parameters replicated (``jaxnn.parallel.ShardedLoader``);
    ``None``: one device, no mesh.
    ``on_nonfinite`` (``--on-nonfinite``): ``"skip"`` drops the update of a step whose loss
    or gradient is NaN or infinite and trains on; ``None`` or ``"stop"``: stop there.
    ``precision`` (``--precision``): a mixed-precision policy, ``"bf16-mixed"`` or
    ``"fp16-mixed"`` (``twincore.precision``), for the training steps of both sides; ``None``
    or ``"float32"``: none. The final metrics are evaluated in float32 either way.
    """

    epochs: int
    batch_size: int
    lr: float
    seed: int
    dtype: str = "float32"
    data_dir: str | None = None
    train_subset: int | None = None
    checkpoint_every: int | None = None
    checkpoint_dir: str | None = None
    devices: int | None = None
    on_nonfinite: str | None = None
    precision: str | None = None

    @property
    def fit_on_nonfinite(self) -> str:
        """``fit``'s ``on_nonfinite`` for ``--on-nonfinite``: ``"skip"`` drops a non-finite
        step's update and trains on; ``"stop"`` (the default, ``None``) raises there."""
        return "skip" if self.on_nonfinite == "skip" else "raise"

    @property
    def policy(self) -> str:
        """The mixed-precision policy's name (``--precision``): ``"float32"`` when unset."""
        return self.precision or "float32"


@dataclass(frozen=True)
class Example:
    """A worked example: what it is, and how each framework runs it.

    Exactly one of ``recipe`` (a training example) and the pair ``torch_side`` /
    ``jax_side`` (a forward or backward demo) is given.

    Attributes:
      name: what ``jaxnn run NAME`` takes.
      title: one line for ``jaxnn list`` and the reports.
      source: the notebook lines it comes from (``"S4 1806-1927"``: notebook 4,
        lines 1806 to 1927; ``jaxnn list`` explains the notation).
      model, data, prints: descriptions for ``jaxnn list``; ``prints`` says what the
        notebook prints and what the final metrics report.
      defaults: the notebook's settings.
      recipe: the training recipe.
      torch_side, jax_side: the demo's two halves; each fills a side it is handed.
      tags: ``"mnist"`` for the examples that read ``--data-dir``.
      test_overrides: settings the parity test changes to keep a long run short
        (listed in docs/examples.md).
    """

    name: str
    title: str
    source: str
    model: str
    data: str
    prints: str
    defaults: Settings
    recipe: Recipe | None = None
    torch_side: Callable[[TorchSide], None] | None = None
    jax_side: Callable[[JaxSide], None] | None = None
    tags: tuple[str, ...] = ()
    test_overrides: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        demo = self.torch_side is not None and self.jax_side is not None
        half = (self.torch_side is None) != (self.jax_side is None)
        if half or (self.recipe is not None) == demo:
            raise ValueError(
                f"example {self.name!r}: give either a recipe or both torch_side and jax_side"
            )

    @property
    def resumable(self) -> bool:
        """Whether ``--checkpoint-every``/``--resume`` can save and continue it: one model
        trained by a recipe (``jaxnn.train.fit`` on the JAX side)."""
        return self.recipe is not None and not self.recipe.variants

    @property
    def variant_labels(self) -> tuple[str, ...]:
        """Labels of the models a recipe trains one after another (empty: one model)."""
        return tuple(v.label for v in self.recipe.variants) if self.recipe is not None else ()
