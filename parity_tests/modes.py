"""``Mode``: one precision of a parity test, its dtypes on each side and its tolerances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jax.numpy as jnp
import numpy as np
import torch

import torch_ref.config
from twincore import harness


@dataclass(frozen=True)
class Mode:
    """One precision mode of a parity test: dtypes for each side and its tolerances."""

    name: str

    @property
    def np(self) -> Any:
        return np.dtype(self.name)

    @property
    def jnp(self) -> Any:
        return jnp.dtype(self.name)

    @property
    def torch(self) -> torch.dtype:
        return torch_ref.config.torch_dtype(self.name)

    def tol(self, kind: str = "op") -> harness.Tolerance:
        return harness.tolerance(self.name, kind)

    def array(self, x: Any) -> np.ndarray:
        """``x`` as a NumPy array of this mode's dtype: the one input both sides receive."""
        return np.asarray(x, dtype=self.np)

    def assert_close(self, actual: Any, expected: Any, kind: str = "op", name: str = "value"):
        harness.assert_close(actual, expected, self.tol(kind), name=name)

    def assert_twins_close(
        self, jax_value, torch_value, golden=None, golden_tol=None, kind="op", name="value"
    ):
        harness.assert_twins_close(
            jax_value, torch_value, self.tol(kind), golden, golden_tol, name=name
        )

    def assert_tree_close(self, actual: Any, expected: Any, kind: str = "op", name: str = "tree"):
        harness.assert_tree_close(actual, expected, self.tol(kind), name=name)

    def assert_state_dict_close(self, actual, expected, kind: str = "op", name: str = "state_dict"):
        harness.assert_state_dict_close(actual, expected, self.tol(kind), name=name)
