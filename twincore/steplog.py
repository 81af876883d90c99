"""What ``fit`` hands its ``log`` callback in both twins, and the notebooks' log line."""

from __future__ import annotations

from typing import NamedTuple


class StepLog(NamedTuple):
    """One logged step: 0-based ``epoch``, 0-based ``batch`` within it, ``loss``."""

    epoch: int
    batch: int
    num_batches: int
    num_epochs: int
    loss: float


def notebook_log_line(entry: StepLog) -> str:
    """The source notebooks' per-batch log line."""
    return (
        f"Epoch: {entry.epoch + 1:03d}/{entry.num_epochs:03d}"
        f" | Batch {entry.batch:03d}/{entry.num_batches:03d}"
        f" | Train/Val Loss: {entry.loss:.2f}"
    )
