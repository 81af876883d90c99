"""The torch half of a ``jaxnn bench`` run, in a process of its own that never imports JAX.

``python -m twinlab.bench.torch_worker`` reads a request (cells, dtype, repeats, seconds,
steps, matmul size) as JSON on stdin and writes torch's matmul peak and timed cells as
JSON on stdout; its progress goes to stderr. :func:`torch_in_child` is the parent's side.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import subprocess
import sys
from typing import Any

import numpy as np

from twinlab.bench.models import ModelSpec, model_specs, synthetic_data
from twinlab.bench.timing import PROBE_STEPS, probe_seconds_per_step, repeat_seconds, steps_for


def torch_available() -> bool:
    """Whether torch is installed (without importing it)."""
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


class TorchRunner:
    """The notebooks' eager loop; one ``run`` is ``steps`` optimizer steps."""

    def __init__(self, spec: ModelSpec, x: np.ndarray, y: np.ndarray, batch: int, dtype: str):
        import torch

        self.torch = torch
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        torch.manual_seed(0)
        self.model = spec.torch_model().to(getattr(torch, dtype)).to(self.device)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=spec.lr)
        functional = torch.nn.functional
        self.loss_fn = functional.cross_entropy if spec.classes else functional.mse_loss
        xs, ys = torch.from_numpy(x).to(self.device), torch.from_numpy(y).to(self.device)
        if spec.classes:
            ys = ys.long()
        self.batches = [(xs[i : i + batch], ys[i : i + batch]) for i in range(0, len(x), batch)]

    def run(self, steps: int | None = None) -> None:
        for x, y in self.batches[:steps]:
            self.optimizer.zero_grad()
            loss = self.loss_fn(self.model(x), y)
            loss.backward()
            self.optimizer.step()
        if self.device.type == "cuda":
            self.torch.cuda.synchronize()

    def peak_bytes(self) -> int | None:
        if self.device.type == "cuda":
            return int(self.torch.cuda.max_memory_allocated())
        return None


def torch_worker(request: dict[str, Any]) -> dict[str, Any]:
    """The torch half of a run: the matmul peak, then each requested cell's timed repeats.

    It runs in a process of its own because with JAX loaded in the same process torch's
    OpenMP threads and XLA's thread pool compete for the cores and torch's CPU steps run
    many times slower (docs/performance.md), which would flatter JAX; a separate process
    measures torch as a torch user gets it.
    """
    import torch

    import torch_ref.config

    dtype, repeats = request["dtype"], request["repeats"]
    torch_ref.config.set_numerics(dtype)
    specs = model_specs()
    size = request["matmul_size"]
    a = torch.from_numpy(np.random.default_rng(0).normal(size=(size, size)).astype(dtype))
    if torch.cuda.is_available():
        a = a.cuda()

    def mm():
        torch.mm(a, a)
        if a.is_cuda:
            torch.cuda.synchronize()

    seconds = statistics.median(repeat_seconds({"mm": mm}, repeats)["mm"])
    out: dict[str, Any] = {
        "info": {
            "torch_version": torch.__version__,
            "torch_threads": torch.get_num_threads(),
            "torch_device": (torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"),
        },
        "matmul_flops": 2.0 * size**3 / seconds,
        "cells": [],
    }
    for model, batch in request["cells"]:
        spec, steps = specs[model], request["steps"]
        print(f"bench: torch {model}, batch {batch}", file=sys.stderr, flush=True)
        if steps is None:  # size a repeat from a few steps
            probe = TorchRunner(
                spec, *synthetic_data(spec, batch, PROBE_STEPS, dtype), batch, dtype
            )
            steps = steps_for(probe_seconds_per_step(probe.run), request["seconds"])
        runner = TorchRunner(spec, *synthetic_data(spec, batch, steps, dtype), batch, dtype)
        times = repeat_seconds({"torch": runner.run}, repeats)["torch"]
        out["cells"].append(
            {
                "model": model,
                "batch_size": batch,
                "steps": steps,
                "repeat_s": times,
                "peak_bytes": runner.peak_bytes(),
            }
        )
    return out


def torch_in_child(request: dict[str, Any]) -> dict[str, Any]:
    """Runs :func:`torch_worker` in a fresh interpreter; its progress goes to our stderr."""
    child = subprocess.run(
        [sys.executable, "-m", "twinlab.bench.torch_worker"],
        input=json.dumps(request),
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if child.returncode:
        raise RuntimeError(f"the torch benchmark process failed (exit {child.returncode})")
    return json.loads(child.stdout)


if __name__ == "__main__":
    json.dump(torch_worker(json.load(sys.stdin)), sys.stdout)
