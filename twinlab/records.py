"""What a run produced: each side's :class:`SideResult` and the run record, ``metrics.json``.

``metrics.json`` schema (one object)::

    {
      "example": "toy_classifier", "dtype": "float64", "framework": "both",
      "config": {"epochs": 3, "batch_size": 2, "lr": 0.5, "seed": 123},
                                 # + "data_dir", "train_subset", "devices" when set
      "torch": {"loss": [per-step losses], "final": {"train_accuracy": 1.0, ...},
                "wall_time_s": 0.04},
      "jax":   {... same keys ...},
      "max_abs_loss_diff": 1.8e-16,      # these four only when both ran
      "max_abs_param_diff": 2.2e-16,
      "max_rel_loss_diff": 3.2e-16,      # relative to torch's largest loss
      "max_rel_param_diff": 4.1e-16      # per tensor, relative to its largest |value|
    }

An example that trains several models one after another (its recipe's variants,
e.g. one per learning rate) reports their loss curves concatenated in variant
order, its final metrics and parameters prefixed with the variant's label
(``"sgd.final_loss"``, ``"sgd.weight"``).

With ``--framework both`` the torch side initialises the model (under
``torch.manual_seed(seed)``) and the JAX side starts from a copy of those
parameters; both read the same NumPy data in the same batch order.

``--devices N`` adds ``"devices": N`` to ``config``: the JAX side split each batch over N
devices; the schema is otherwise the same.

``--seeds K`` trains K initialisations, RNG seeds ``seed .. seed+K-1``
(:func:`summarize_seeds`); every member reads the batches in ``seed``'s order, since
the JAX side feeds each batch to all members in one vmapped program::

    {
      "example": "toy_full_flow", "dtype": "float64", "framework": "both",
      "config": {"epochs": 3, "batch_size": 2, "lr": 0.5, "seed": 123, "seeds": 3},
      "torch": {"train_time_s": 0.02, "wall_time_s": 0.03},  # K fit calls in a row
      "jax":   {"train_time_s": 1.9, "wall_time_s": 2.4},    # one vmapped fit_seeds call
      "members": [
        {"seed": 123,
         "torch": {"loss": [per-step losses], "final": {"train_accuracy": 1.0, ...}},
         "jax":   {... same keys ...},
         "max_abs_loss_diff": 2.2e-16, "max_abs_param_diff": 1.7e-16,  # these four only
         "max_rel_loss_diff": 2.0e-16, "max_rel_param_diff": 3.6e-16}, # when both ran
        {"seed": 124, ...}, {"seed": 125, ...}
      ],
      "max_abs_loss_diff": 3.3e-16, ...   # the four, each the worst member's, when both ran
    }

``train_time_s`` is the training alone (compilation included), ``wall_time_s`` the whole
side (data, models, final metrics).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from jaxnn_examples.example import Example, Settings
from twincore.diff import max_abs_diff, max_rel_diff

FRAMEWORKS = ("jax", "torch", "both")
# Left out of metrics.json when None.
DIFF_KEYS = ("max_abs_loss_diff", "max_abs_param_diff", "max_rel_loss_diff", "max_rel_param_diff")
OPTIONAL_FIELDS = (
    "data_dir",
    "train_subset",
    "checkpoint_every",
    "checkpoint_dir",
    "devices",
    "on_nonfinite",
    "precision",
)


@dataclass
class ShownPredictions:
    """The notebooks' "look at the digit, then predict it" (S4 1417-1443), for a few images:
    ``images`` ``(N, C, H, W)`` as the model saw them (normalised), their true ``labels``
    and the trained model's ``predicted`` classes (argmax of its outputs)."""

    images: np.ndarray
    labels: np.ndarray
    predicted: np.ndarray


@dataclass
class SideResult:
    """What one framework's side of a run produced.

    ``initial_state``: the parameters it started from (torch's side; the JAX side of a
    run of both starts from them); ``wall_time_s``: the whole side, data and reports included.
    """

    losses: list[float]
    final: dict[str, float]
    final_state: dict[str, np.ndarray]
    initial_state: dict[str, np.ndarray] | None = None
    wall_time_s: float = 0.0
    # An image classifier's first test images with their labels and this side's predictions
    # (``predictions.png``); None for other examples.
    shown: ShownPredictions | None = None


@dataclass
class SeedsResult:
    """What one framework's multi-seed run produced: one :class:`SideResult` per member, in
    seed order; ``train_time_s``: the training alone (torch: its K ``fit`` calls in a row;
    JAX: the one vmapped ``fit_seeds`` call, compilation included); ``wall_time_s``: the
    whole side, data and reports included."""

    members: list[SideResult]
    train_time_s: float = 0.0
    wall_time_s: float = 0.0


def settings_fields(settings: Settings) -> dict[str, Any]:
    """``metrics.json``'s ``config``: the settings less the dtype and the unset optional ones."""
    return {
        k: v
        for k, v in dataclasses.asdict(settings).items()
        if k != "dtype" and not (k in OPTIONAL_FIELDS and v is None)
    }


def differences(torch: SideResult, jax: SideResult) -> dict[str, float]:
    """The four ``max_*_diff`` fields between the two sides' curves and final parameters."""
    return {
        "max_abs_loss_diff": max_abs_diff(torch.losses, jax.losses),
        "max_abs_param_diff": max_abs_diff(torch.final_state, jax.final_state),
        "max_rel_loss_diff": max_rel_diff(jax.losses, torch.losses),
        "max_rel_param_diff": max_rel_diff(jax.final_state, torch.final_state),
    }


def summarize(
    example: Example, settings: Settings, results: dict[str, SideResult]
) -> dict[str, Any]:
    """The run record (see the module docstring) of one run."""
    framework = "both" if len(results) == 2 else next(iter(results))
    metrics: dict[str, Any] = {
        "example": example.name,
        "dtype": settings.dtype,
        "framework": framework,
        "config": settings_fields(settings),
    }
    for side, result in results.items():
        metrics[side] = {
            "loss": result.losses,
            "final": result.final,
            "wall_time_s": result.wall_time_s,
        }
    if framework == "both":
        metrics.update(differences(results["torch"], results["jax"]))
    return metrics


def summarize_seeds(
    example: Example, settings: Settings, results: dict[str, SeedsResult]
) -> dict[str, Any]:
    """The run record of a multi-seed run (see the module docstring)."""
    framework = "both" if len(results) == 2 else next(iter(results))
    sides = [s for s in ("torch", "jax") if s in results]
    k = len(results[sides[0]].members)
    metrics: dict[str, Any] = {
        "example": example.name,
        "dtype": settings.dtype,
        "framework": framework,
        "config": {**settings_fields(settings), "seeds": k},
    }
    for side in sides:
        metrics[side] = {
            "train_time_s": results[side].train_time_s,
            "wall_time_s": results[side].wall_time_s,
        }
    members = []
    for i in range(k):
        member: dict[str, Any] = {"seed": settings.seed + i}
        for side in sides:
            trained = results[side].members[i]
            member[side] = {"loss": trained.losses, "final": trained.final}
        if framework == "both":
            member.update(differences(results["torch"].members[i], results["jax"].members[i]))
        members.append(member)
    metrics["members"] = members
    if framework == "both":
        for key in DIFF_KEYS:
            metrics[key] = max(member[key] for member in members)
    return metrics
