"""``jaxnn bench``: training throughput of the seed's models, torch eager against JAX, in one run.

For each model (toy classifier, MNIST MLP, CNN, LSTM) and batch size, four ways of training
the same model on the same batches with plain SGD:

``torch``
    torch eager, the seeds' ``zero_grad -> forward -> loss -> backward -> step`` loop.
``jaxnn-step``
    ``jaxnn.train.make_train_step`` called once per batch (one dispatch per step).
``jaxnn-fused``
    ``jaxnn.parallel.make_epoch_step``: the steps of a repeat as one ``lax.scan`` program
    over data already on the device.
``jax-floor``
    a minimal hand-written JAX/optax step (``value_and_grad`` + ``optax.sgd``, jitted,
    donated), called once per batch: what any JAX loop pays, the floor ``jaxnn-step`` is
    measured against.

Every variant trains on device-resident batches; data loading is measured on its own
(``jaxnn.data.DataLoader`` batches per second, host-gathered and ``on_device``, against the
steps per second ``jaxnn-step`` consumes). torch runs first, in a process of its own that
never imports JAX (see :func:`torch_worker`), and sizes each cell: a repeat is S steps, S
chosen so a torch repeat takes about ``--seconds``; the JAX variants then run the same S
steps on the same batches, their repeats taken round robin so a noisy neighbour slows
each alike. Steps/s is S over the median of ``--repeats`` timed repeats after one warm-up.
The JAX variants must end with the same parameters (``param_diff_rel``: the same work).
On CPU the CNN's ``jaxnn-fused`` row is not run (XLA:CPU runs convolutions in a loop body
5-10x slower; docs/performance.md) and says so.

Compile time is ``lower().compile()`` of the jitted program; FLOPs per step come from XLA's
cost analysis of the jaxnn step (torch's step does the same math); the matmul peak is the
best of ``jnp.dot`` and ``torch.mm`` on square matrices of the benchmark's dtype. Memory:
the allocator's high-water mark where the device reports one (GPUs), else XLA's memory
analysis of the compiled program (arguments + outputs + temporaries); CPU torch keeps no
allocator statistics.

Usage::

    jaxnn bench                       # the full table (minutes on a 2-core CPU)
    jaxnn bench --json build/bench.json
    python -m twinlab.bench.bench --models toy --batch-sizes 2 --repeats 5
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MODELS = ("toy", "mnist_mlp", "cnn", "lstm")
BATCH_SIZES = (2, 64, 1024)
VARIANTS = ("torch", "jaxnn-step", "jaxnn-fused", "jax-floor")
LSTM_STEPS = 16  # sequence length of the LSTM benchmark's inputs
MIN_STEPS, MAX_STEPS = 4, 2000
MATMUL_SIZE = 2048
# The targets on a CPU; see `targets`.
TARGETS = {
    "mnist_mlp_b64_fused_vs_torch": 1.5,
    "toy_small_batch_fused_vs_torch": 5.0,
    "b1024_fraction_of_matmul_peak": 0.85,
    "jaxnn_step_vs_floor": 0.9,
    "loader_vs_training": 10.0,
    "multiseed_vs_sequential": 4.0,
}


@dataclass(frozen=True)
class ModelSpec:
    """One benchmarked model: how to build each twin and its batches."""

    name: str
    title: str
    jax_model: Callable[[Any, str], Any]  # (rngs, dtype) -> nnx.Module
    torch_model: Callable[[], Any]
    input_shape: tuple[int, ...]  # per sample
    classes: int  # 0: a regression target of shape (1,)
    lr: float
    convolutional: bool = False


def _specs() -> dict[str, ModelSpec]:
    # Each twin's package is imported only when its model is built: the torch worker
    # process never imports JAX (see `torch_worker`).
    def jax_models():
        import jaxnn

        return jaxnn.models

    def torch_models():
        import torch_ref

        return torch_ref.models

    return {
        "toy": ModelSpec(
            "toy",
            "toy classifier NeuralNetwork(2, 2) (E12)",
            lambda rngs, dtype: jax_models().NeuralNetwork(2, 2, dtype=dtype, rngs=rngs),
            lambda: torch_models().NeuralNetwork(2, 2),
            (2,),
            2,
            0.5,
        ),
        "mnist_mlp": ModelSpec(
            "mnist_mlp",
            "MNIST MLP 784-256-128-10 (E14)",
            lambda rngs, dtype: jax_models().MNIST(256, 128, dtype=dtype, rngs=rngs),
            lambda: torch_models().MNIST(256, 128),
            (1, 28, 28),
            10,
            0.1,
        ),
        "cnn": ModelSpec(
            "cnn",
            "CNN(10): two 3x3 convs + pooling (E08)",
            lambda rngs, dtype: jax_models().CNN(10, dtype=dtype, rngs=rngs),
            lambda: torch_models().CNN(10),
            (1, 28, 28),
            10,
            0.01,
            convolutional=True,
        ),
        "lstm": ModelSpec(
            "lstm",
            f"RNNModel(8, 16, 1): LSTM over {LSTM_STEPS} steps (E09)",
            lambda rngs, dtype: jax_models().RNNModel(8, 16, 1, dtype=dtype, rngs=rngs),
            lambda: torch_models().RNNModel(8, 16, 1),
            (LSTM_STEPS, 8),
            0,
            0.01,
        ),
    }


@dataclass
class Row:
    """One model x batch size x variant."""

    model: str
    batch_size: int
    variant: str
    steps_per_repeat: int
    steps_per_s: float | None = None
    repeat_s: list[float] = field(default_factory=list)
    compile_s: float | None = None
    program_bytes: int | None = None  # XLA's memory analysis: arguments + outputs + temps
    device_peak_bytes: int | None = None  # the allocator's high-water mark, where reported
    flops_per_step: float | None = None
    achieved_flops: float | None = None
    fraction_of_peak: float | None = None
    ratio_to_torch: float | None = None
    # max |difference| of the trained parameters from jaxnn-step's after the same steps,
    # over max |jaxnn-step's parameter|: the JAX variants did the same work.
    param_diff_rel: float | None = None
    note: str = ""


# --- timing --------------------------------------------------------------------------------


def _repeat_seconds(runs: dict[str, Callable[[], None]], repeats: int) -> dict[str, list[float]]:
    """The seconds of each of ``repeats`` timed calls of every ``run`` (each must block until
    its work is done), after one untimed warm-up call of each. The repeats go round robin
    (a, b, c, a, b, c, ...) so that a noisy neighbour slows every variant alike."""
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def _data(spec: ModelSpec, batch: int, steps: int, dtype: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    n = batch * steps
    x = rng.normal(size=(n, *spec.input_shape)).astype(dtype)
    if spec.classes:
        y = rng.integers(0, spec.classes, size=n).astype(np.int32)
    else:
        y = rng.normal(size=(n, 1)).astype(dtype)
    return x, y


# --- torch ---------------------------------------------------------------------------------


def _torch_available() -> bool:
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


class TorchRunner:
    """The seeds' eager loop; one ``run`` is ``steps`` optimizer steps."""

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
    """The torch half of a run, in a process of its own that never imports JAX.

    With JAX loaded in the same process, torch's CPU training steps ran 15-25x slower on
    the 2-core machine this was written on (its OpenMP threads and XLA's thread pool
    compete for the cores), which would flatter JAX; a separate process measures torch
    as a torch user gets it.
    """
    import torch

    import torch_ref.config

    dtype, repeats = request["dtype"], request["repeats"]
    torch_ref.config.set_numerics(dtype)
    specs = _specs()
    size = request["matmul_size"]
    a = torch.from_numpy(np.random.default_rng(0).normal(size=(size, size)).astype(dtype))
    if torch.cuda.is_available():
        a = a.cuda()

    def mm():
        torch.mm(a, a)
        if a.is_cuda:
            torch.cuda.synchronize()

    seconds = statistics.median(_repeat_seconds({"mm": mm}, repeats)["mm"])
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
            probe = TorchRunner(spec, *_data(spec, batch, PROBE_STEPS, dtype), batch, dtype)
            steps = _steps_for(_probe_seconds_per_step(probe.run), request["seconds"])
        runner = TorchRunner(spec, *_data(spec, batch, steps, dtype), batch, dtype)
        times = _repeat_seconds({"torch": runner.run}, repeats)["torch"]
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


def _torch_in_child(request: dict[str, Any]) -> dict[str, Any]:
    """Runs :func:`torch_worker` in a fresh interpreter; its progress goes to our stderr."""
    child = subprocess.run(
        [sys.executable, "-m", "twinlab.bench.bench", "--torch-worker"],
        input=json.dumps(request),
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if child.returncode:
        raise RuntimeError(f"the torch benchmark process failed (exit {child.returncode})")
    return json.loads(child.stdout)


# --- JAX -----------------------------------------------------------------------------------


def _compiled(jitted, *args):
    """``(compiled, seconds to lower and compile)``."""
    start = time.perf_counter()
    compiled = jitted.lower(*args).compile()
    return compiled, time.perf_counter() - start


def _program_bytes(compiled) -> int | None:
    try:
        m = compiled.memory_analysis()
    except Exception:  # not every backend reports it
        return None
    if m is None:
        return None
    return int(
        m.argument_size_in_bytes
        + m.output_size_in_bytes
        - m.alias_size_in_bytes
        + m.temp_size_in_bytes
    )


def _flops(compiled) -> float | None:
    try:
        cost = compiled.cost_analysis()
    except Exception:
        return None
    if isinstance(cost, list):  # older jax: one dict per program
        cost = cost[0] if cost else None
    return float(cost["flops"]) if cost and cost.get("flops") else None


def _device_peak() -> int | None:
    import jax

    stats = jax.devices()[0].memory_stats()
    return int(stats["peak_bytes_in_use"]) if stats and "peak_bytes_in_use" in stats else None


class JaxRunners:
    """The three JAX variants of one model and batch size, on the same device-resident data."""

    def __init__(self, spec: ModelSpec, x: np.ndarray, y: np.ndarray, batch: int, dtype: str):
        import jax
        import jax.numpy as jnp
        import optax
        from flax import nnx

        import jaxnn

        self.jax, self.jnp = jax, jnp
        # XLA:CPU runs convolutions inside a loop body 5-10x slower than outside one, which
        # made the fused CNN cell at batch 1024 alone run for over 15 minutes; it is not run.
        self.fused = not (spec.convolutional and jax.default_backend() == "cpu")
        self.steps = len(x) // batch
        model = spec.jax_model(nnx.Rngs(0), dtype)
        self.criterion = (
            jaxnn.functional.cross_entropy if spec.classes else jaxnn.functional.mse_loss
        )
        self.tx = jaxnn.optim.sgd(spec.lr)
        self.graphdef, self.state = jaxnn.train.TrainState.create(model, self.tx)
        self.x, self.y = jax.device_put(x), jax.device_put(y)
        self.batches = [
            (self.x[i : i + batch], self.y[i : i + batch]) for i in range(0, len(x), batch)
        ]
        self.index = jnp.arange(len(x), dtype=jnp.int32).reshape(self.steps, batch)
        self.no = jnp.zeros([], bool)

        # jaxnn-step: the library's step; its jitted core is what make_train_step calls.
        from jaxnn.train.step import build_step

        self.step_jit = build_step(self.graphdef, self.tx, self.criterion, "none")
        self.train_step = jaxnn.train.make_train_step(self.graphdef, self.tx, self.criterion)
        # jaxnn-fused
        self.epoch_jit = jaxnn.parallel.make_epoch_step(self.graphdef, self.tx, self.criterion)

        # jax-floor: nothing but value_and_grad and optax.
        graphdef = self.graphdef
        _, params, rest = nnx.split(model, nnx.Param, ...)
        params = nnx.to_pure_dict(params)
        floor_tx = optax.sgd(spec.lr)
        if spec.classes:

            def loss_of(logits, labels):
                return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()
        else:

            def loss_of(out, target):
                return jnp.mean((out - target) ** 2)

        def floor_step(params, opt_state, x, y):
            def loss_fn(p):
                return loss_of(nnx.merge(graphdef, p, rest)(x), y)

            loss, grads = jax.value_and_grad(loss_fn)(params)
            updates, opt_state = floor_tx.update(grads, opt_state, params)
            return optax.apply_updates(params, updates), opt_state, loss

        self.floor_jit = jax.jit(floor_step, donate_argnums=(0, 1))
        self.floor_state = jax.tree.map(jnp.copy, (params, floor_tx.init(params)))

    def _fresh_state(self):
        return self.jax.tree.map(self.jnp.copy, self.state)

    def compile_all(self) -> dict[str, tuple[float, int | None, float | None]]:
        """Per variant ``(compile seconds, program bytes, flops per step)``."""
        x0, y0 = self.batches[0]
        out = {}
        c, s = _compiled(self.step_jit, self._fresh_state(), x0, y0, self.no)
        flops = _flops(c)
        out["jaxnn-step"] = (s, _program_bytes(c), flops)
        if self.fused:
            c, s = _compiled(
                self.epoch_jit, self._fresh_state(), self.x, self.y, self.index, self.no
            )
            out["jaxnn-fused"] = (s, _program_bytes(c), flops)  # XLA counts a loop body once
        p, o = self.floor_state
        c, s = _compiled(self.floor_jit, p, o, x0, y0)
        out["jax-floor"] = (s, _program_bytes(c), _flops(c))
        return out

    def runs(self) -> dict[str, Callable[[], None]]:
        """Each variant's repeat: all ``steps`` steps, then a wait for the device."""
        jax, fresh = self.jax, self._fresh_state
        boxes = {
            "step": fresh(),
            "fused": fresh(),
            "floor": jax.tree.map(self.jnp.copy, self.floor_state),
        }

        def step():
            state, metrics = boxes["step"], None
            for batch in self.batches:
                state, metrics = self.train_step(state, batch)
            boxes["step"] = state
            jax.block_until_ready(metrics["loss"])

        def fused():
            boxes["fused"], metrics = self.epoch_jit(
                boxes["fused"], self.x, self.y, self.index, self.no
            )
            jax.block_until_ready(metrics["loss"])

        def floor():
            (params, opt_state), loss = boxes["floor"], None
            for x, y in self.batches:
                params, opt_state, loss = self.floor_jit(params, opt_state, x, y)
            boxes["floor"] = (params, opt_state)
            jax.block_until_ready(loss)

        self.boxes = boxes
        runs = {"jaxnn-step": step, "jaxnn-fused": fused, "jax-floor": floor}
        if not self.fused:
            del runs["jaxnn-fused"]
        return runs

    def trained_params(self) -> dict[str, list[np.ndarray]]:
        """Each variant's parameters after its repeats, as a list of arrays."""
        leaves = self.jax.tree.leaves
        trained = {
            "jaxnn-step": [np.asarray(a) for a in leaves(self.boxes["step"].params)],
            "jaxnn-fused": [np.asarray(a) for a in leaves(self.boxes["fused"].params)],
            "jax-floor": [np.asarray(a) for a in leaves(self.boxes["floor"][0])],
        }
        if not self.fused:
            del trained["jaxnn-fused"]
        return trained


# --- the matmul peak and the data loader ---------------------------------------------------


def jax_matmul_flops(dtype: str, repeats: int, size: int) -> float:
    """FLOP/s of a square ``size`` matmul in JAX (median of ``repeats``)."""
    import jax
    import jax.numpy as jnp

    a = jax.device_put(np.random.default_rng(0).normal(size=(size, size)).astype(dtype))
    dot = jax.jit(jnp.dot)
    times = _repeat_seconds({"dot": lambda: dot(a, a).block_until_ready()}, repeats)["dot"]
    return 2.0 * size**3 / statistics.median(times)


def loader_rate(
    spec: ModelSpec, batch: int, steps: int, dtype: str, repeats: int, *, on_device: bool
) -> float:
    """Batches per second of a shuffling ``jaxnn.data.DataLoader`` over ``spec``'s samples,
    each batch on the device when it comes out (what a training loop consumes): gathered
    on the host and copied over, or with ``on_device`` gathered from device-resident arrays."""
    import jax

    import jaxnn

    x, y = _data(spec, batch, steps, dtype, seed=1)
    loader = jaxnn.data.DataLoader(
        jaxnn.data.TensorDataset(x, y), batch, shuffle=True, seed=0, on_device=on_device
    )

    def run():
        batch = None
        for batch in loader:  # noqa: B007 - the last batch is waited for below
            pass
        jax.block_until_ready(batch)

    return len(loader) / statistics.median(_repeat_seconds({"loader": run}, repeats)["loader"])


def multiseed_rate(
    spec: ModelSpec, batch: int, steps: int, seeds: int, dtype: str, repeats: int
) -> dict[str, Any]:
    """K members trained in one vmapped step (``jaxnn.parallel.make_multi_train_step``) against
    the same K trained one after another with ``make_train_step``: model-steps per second."""
    import jax
    from flax import nnx

    import jaxnn

    x, y = (jax.device_put(a) for a in _data(spec, batch, steps, dtype))
    batches = [(x[i : i + batch], y[i : i + batch]) for i in range(0, len(x), batch)]
    tx = jaxnn.optim.sgd(spec.lr)
    criterion = jaxnn.functional.cross_entropy if spec.classes else jaxnn.functional.mse_loss
    created = [
        jaxnn.train.TrainState.create(spec.jax_model(nnx.Rngs(k), dtype), tx) for k in range(seeds)
    ]
    graphdef = created[0][0]
    single = jaxnn.train.make_train_step(graphdef, tx, criterion)
    multi = jaxnn.parallel.make_multi_train_step(graphdef, tx, criterion)
    states = [state for _, state in created]
    box = {"multi": jaxnn.parallel.stack_states(states)}

    def one_after_another():
        for k in range(seeds):
            state, metrics = states[k], None
            for batch_ in batches:
                state, metrics = single(state, batch_)
            states[k] = state
            jax.block_until_ready(metrics["loss"])

    def vmapped():
        state, metrics = box["multi"], None
        for batch_ in batches:
            state, metrics = multi(state, batch_)
        box["multi"] = state
        jax.block_until_ready(metrics["loss"])

    times = _repeat_seconds({"sequential": one_after_another, "vmapped": vmapped}, repeats)
    rates = {k: seeds * steps / statistics.median(t) for k, t in times.items()}
    return {
        "model": spec.name,
        "batch_size": batch,
        "seeds": seeds,
        "sequential_model_steps_per_s": rates["sequential"],
        "vmapped_model_steps_per_s": rates["vmapped"],
        "ratio": rates["vmapped"] / rates["sequential"],
    }


PROBE_STEPS = 3
# Above this relative parameter difference from jaxnn-step a JAX variant is flagged: float32
# runs of a few hundred steps drift ~1e-5 by summation order alone.
SAME_WORK = {"float32": 1e-3, "float64": 1e-9}


def _steps_for(seconds_per_step: float, seconds: float) -> int:
    return int(min(MAX_STEPS, max(MIN_STEPS, round(seconds / seconds_per_step))))


def _probe_seconds_per_step(run: Callable[[], None], steps: int = PROBE_STEPS) -> float:
    run()  # warm-up: torch's first steps allocate, JAX's compile
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) / steps


def bench_jax_cell(
    spec: ModelSpec, batch: int, steps: int | None, *, dtype: str, repeats: int, seconds: float
) -> list[Row]:
    """The three JAX variants of one model at one batch size (``steps=None``: size a
    repeat from a few jaxnn steps, when there is no torch run to size it)."""
    if steps is None:
        probe = JaxRunners(spec, *_data(spec, batch, PROBE_STEPS, dtype), batch, dtype)
        steps = _steps_for(_probe_seconds_per_step(probe.runs()["jaxnn-step"]), seconds)
    runners = JaxRunners(spec, *_data(spec, batch, steps, dtype), batch, dtype)
    rows = {v: Row(spec.name, batch, v, steps) for v in VARIANTS[1:]}
    for variant, (compile_s, program_bytes, flops) in runners.compile_all().items():
        rows[variant].compile_s = compile_s
        rows[variant].program_bytes = program_bytes
        rows[variant].flops_per_step = flops
    for variant, times in _repeat_seconds(runners.runs(), repeats).items():
        rows[variant].repeat_s = times
        rows[variant].device_peak_bytes = _device_peak()
    trained = runners.trained_params()
    reference = trained["jaxnn-step"]
    scale = max(float(np.max(np.abs(b))) for b in reference)
    for variant, params in trained.items():
        diff = max(float(np.max(np.abs(a - b))) for a, b in zip(params, reference, strict=True))
        rows[variant].param_diff_rel = diff / max(scale, 1e-300)
        if rows[variant].param_diff_rel > SAME_WORK[dtype]:
            rows[variant].note = "trained differently from jaxnn-step: not the same work"
    if not runners.fused:
        rows[
            "jaxnn-fused"
        ].note = (
            "not run: XLA:CPU runs convolutions in a loop 5-10x slower; see docs/performance.md"
        )
    return list(rows.values())


def _finish(rows: list[Row], peak_flops: float) -> None:
    """Steps/s, FLOP/s, fraction of the peak and the ratio to torch of every row."""
    cells: dict[tuple[str, int], dict[str, Row]] = {}
    for row in rows:
        cells.setdefault((row.model, row.batch_size), {})[row.variant] = row
    for cell in cells.values():
        flops = cell["jaxnn-step"].flops_per_step if "jaxnn-step" in cell else None
        for row in cell.values():
            if row.variant == "torch":
                row.flops_per_step = flops  # the same model math as the jaxnn step
            if row.repeat_s:
                row.steps_per_s = row.steps_per_repeat / statistics.median(row.repeat_s)
                if row.flops_per_step:
                    row.achieved_flops = row.flops_per_step * row.steps_per_s
                    row.fraction_of_peak = row.achieved_flops / peak_flops
        base = cell.get("torch")
        if base is not None and base.steps_per_s:
            for row in cell.values():
                if row.steps_per_s:
                    row.ratio_to_torch = row.steps_per_s / base.steps_per_s


def device_info() -> dict[str, Any]:
    """JAX's backend and devices, the CPU, Python (torch's part comes from its process)."""
    import jax

    info: dict[str, Any] = {
        "jax_backend": jax.default_backend(),
        "jax_devices": [d.device_kind for d in jax.devices()],
        "jax_version": jax.__version__,
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def targets(
    rows: list[Row], loader: list[dict[str, Any]], multiseed: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The issue's targets, each read from this run's rows: what was measured, the goal,
    and whether it was met (``None`` where the run lacks the rows it needs)."""
    by = {(r.model, r.batch_size, r.variant): r for r in rows}
    out = []

    def add(name, what, value, goal):
        met = None if value is None else bool(value >= goal)
        out.append({"target": name, "what": what, "value": value, "goal": goal, "met": met})

    r = by.get(("mnist_mlp", 64, "jaxnn-fused"))
    add(
        "mnist_mlp_b64_fused_vs_torch",
        "MNIST MLP, batch 64: jaxnn-fused steps/s over torch eager",
        r.ratio_to_torch if r else None,
        TARGETS["mnist_mlp_b64_fused_vs_torch"],
    )
    small = [b for (m, b, v) in by if m == "toy" and b <= 8 and v == "jaxnn-fused"]
    for b in sorted(small):
        add(
            "toy_small_batch_fused_vs_torch",
            f"toy classifier, batch {b}: jaxnn-fused over torch eager",
            by[("toy", b, "jaxnn-fused")].ratio_to_torch,
            TARGETS["toy_small_batch_fused_vs_torch"],
        )
    for m in MODELS:
        cands = [by.get((m, 1024, v)) for v in ("jaxnn-step", "jaxnn-fused")]
        cands = [c for c in cands if c and c.fraction_of_peak is not None]
        if cands:
            best = max(cands, key=lambda c: c.fraction_of_peak)
            add(
                "b1024_fraction_of_matmul_peak",
                f"{m}, batch 1024: achieved FLOP/s of {best.variant} over the matmul peak",
                best.fraction_of_peak,
                TARGETS["b1024_fraction_of_matmul_peak"],
            )
    for (m, b, v), r in sorted(by.items()):
        floor = by.get((m, b, "jax-floor"))
        if v == "jaxnn-step" and r.steps_per_s and floor and floor.steps_per_s:
            add(
                "jaxnn_step_vs_floor",
                f"{m}, batch {b}: jaxnn-step steps/s over the hand-written JAX step",
                r.steps_per_s / floor.steps_per_s,
                TARGETS["jaxnn_step_vs_floor"],
            )
    for entry in loader:
        add(
            "loader_vs_training",
            f"{entry['model']}, batch {entry['batch_size']}: DataLoader"
            + ("(on_device=True)" if entry["on_device"] else "")
            + " batches/s over jaxnn-step steps/s",
            entry["ratio_to_training"],
            TARGETS["loader_vs_training"],
        )
    for entry in multiseed:
        add(
            "multiseed_vs_sequential",
            f"{entry['model']}, batch {entry['batch_size']}: {entry['seeds']} seeds vmapped, "
            "model-steps/s over the same runs one after another",
            entry["ratio"],
            TARGETS["multiseed_vs_sequential"],
        )
    return out


def _si(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    for scale, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{prefix}{unit}"
    return f"{value:.3g}{unit}"


def _fmt(value: float | None, spec: str, unit: str = "") -> str:
    return "-" if value is None else format(value, spec) + unit


def format_table(result: dict[str, Any]) -> str:
    """The report as text: device, matmul peak, the rows, the loader, the targets."""
    info, peak = result["device"], result["matmul_peak"]
    lines = [
        f"device: jax {info['jax_version']} on {info['jax_backend']} "
        f"({', '.join(sorted(set(info['jax_devices'])))}); "
        + (
            f"torch {info['torch_version']} on {info['torch_device']} "
            f"({info['torch_threads']} threads); "
            if "torch_version" in info
            else "torch not installed; "
        )
        + f"{info.get('cpu', info['machine'])}, {info['cpu_count']} cores",
        f"dtype {result['config']['dtype']}; median of {result['config']['repeats']} repeats "
        "after a warm-up; matmul peak "
        f"{_si(peak['flops'], 'FLOP/s')} ({peak['size']}x{peak['size']}: jax "
        f"{_si(peak['jax_flops'])}"
        + (f", torch {_si(peak['torch_flops'])}" if "torch_flops" in peak else "")
        + ")",
        "",
        f"{'model':<10} {'batch':>5} {'variant':<12} {'steps/s':>9} {'vs torch':>8} "
        f"{'compile':>8} {'FLOP/s':>9} {'of peak':>7} {'memory':>9}",
    ]
    for r in result["rows"]:
        memory = r["device_peak_bytes"] or r["program_bytes"]
        lines.append(
            f"{r['model']:<10} {r['batch_size']:>5} {r['variant']:<12} "
            f"{_si(r['steps_per_s']):>9} "
            f"{_fmt(r['ratio_to_torch'], '.2f', 'x'):>8} {_fmt(r['compile_s'], '.2f', 's'):>8} "
            f"{_si(r['achieved_flops']):>9} {_fmt(r['fraction_of_peak'], '.0%'):>7} "
            f"{_si(memory, 'B'):>9}" + (f"  ({r['note']})" if r["note"] else "")
        )
    if result["loader"]:
        lines += ["", "data loader (shuffled jaxnn.data.DataLoader; each batch on the device):"]
        for e in result["loader"]:
            where = "on_device" if e["on_device"] else "host"
            lines.append(
                f"  {e['model']:<10} batch {e['batch_size']:>5} {where:<9}: "
                f"{_si(e['batches_per_s'])} "
                f"batches/s, {e['ratio_to_training']:.1f}x the {_si(e['training_steps_per_s'])} "
                "steps/s of jaxnn-step"
            )
    if result.get("multiseed"):
        lines += ["", "multi-seed (make_multi_train_step, vmapped) vs one run after another:"]
        for e in result["multiseed"]:
            lines.append(
                f"  {e['model']:<10} batch {e['batch_size']:>5}, {e['seeds']} seeds: "
                f"{_si(e['vmapped_model_steps_per_s'])} model-steps/s vmapped, "
                f"{_si(e['sequential_model_steps_per_s'])} sequential: {e['ratio']:.1f}x"
            )
    lines += ["", "targets:"]
    for t in result["targets"]:
        mark = {True: "met ", False: "MISS", None: "n/a "}[t["met"]]
        value = "-" if t["value"] is None else f"{t['value']:.2f}"
        lines.append(f"  [{mark}] {t['what']}: {value} (goal >= {t['goal']})")
    return "\n".join(lines)


def run_bench(
    models: Sequence[str] = MODELS,
    batch_sizes: Sequence[int] = BATCH_SIZES,
    *,
    dtype: str = "float32",
    repeats: int = 5,
    seconds: float = 0.5,
    steps: int | None = None,
    matmul_size: int = MATMUL_SIZE,
    seeds: int = 16,
    with_torch: bool | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Runs the benchmark; returns the JSON-ready result (see :func:`format_table`).

    torch runs first, in a process of its own (:func:`torch_worker`), and sizes each
    cell's repeat; JAX then runs the same number of steps on the same batches here.
    ``with_torch=None``: when torch is installed.
    """
    import jaxnn.config

    with_torch = _torch_available() if with_torch is None else with_torch
    if with_torch:  # torch's process allocates on the same GPU
        jaxnn.config.share_device_with_torch()
    jaxnn.config.set_numerics(dtype)
    specs = _specs()
    say = progress or (lambda message: None)
    cells = [(m, b) for m in models for b in batch_sizes]
    rows: list[Row] = []
    sized: dict[tuple[str, int], int] = {}
    peak = {"size": matmul_size}
    info = device_info()
    if with_torch:
        say(f"torch: matmul peak and {len(cells)} cells, in a process of its own")
        request = {
            "cells": cells,
            "dtype": dtype,
            "repeats": repeats,
            "seconds": seconds,
            "steps": steps,
            "matmul_size": matmul_size,
        }
        done = _torch_in_child(request)
        info.update(done["info"])
        peak["torch_flops"] = done["matmul_flops"]
        for cell in done["cells"]:
            row = Row(cell["model"], cell["batch_size"], "torch", cell["steps"])
            row.repeat_s, row.device_peak_bytes = cell["repeat_s"], cell["peak_bytes"]
            rows.append(row)
            sized[(row.model, row.batch_size)] = row.steps_per_repeat
    say(f"jax: matmul peak ({matmul_size}x{matmul_size})")
    peak["jax_flops"] = jax_matmul_flops(dtype, repeats, matmul_size)
    peak["flops"] = max(peak.get("torch_flops", 0.0), peak["jax_flops"])
    for i, (m, b) in enumerate(cells, start=1):
        say(f"[{i}/{len(cells)}] jax {m}, batch {b}")
        rows += bench_jax_cell(
            specs[m], b, sized.get((m, b), steps), dtype=dtype, repeats=repeats, seconds=seconds
        )
    order = {v: i for i, v in enumerate(VARIANTS)}
    rows.sort(key=lambda r: (MODELS.index(r.model), r.batch_size, order[r.variant]))
    _finish(rows, peak["flops"])
    loader = []
    if "mnist_mlp" in models:
        for b in batch_sizes:
            trained = next(
                r
                for r in rows
                if (r.model, r.batch_size, r.variant) == ("mnist_mlp", b, "jaxnn-step")
            )
            for on_device in (False, True):
                say(f"data loader, batch {b}" + (", on_device" if on_device else ""))
                rate = loader_rate(
                    specs["mnist_mlp"],
                    b,
                    trained.steps_per_repeat,
                    dtype,
                    repeats,
                    on_device=on_device,
                )
                loader.append(
                    {
                        "model": "mnist_mlp",
                        "batch_size": b,
                        "on_device": on_device,
                        "batches_per_s": rate,
                        "training_steps_per_s": trained.steps_per_s,
                        "ratio_to_training": rate / trained.steps_per_s,
                    }
                )
    multiseed = []
    ms_batch = 64 if 64 in batch_sizes else batch_sizes[0]
    for m in models:
        cell = next(
            r for r in rows if (r.model, r.batch_size, r.variant) == (m, ms_batch, "jaxnn-step")
        )
        # K runs one after another take K times a cell's repeat; keep a repeat that long.
        ms_steps = max(MIN_STEPS, cell.steps_per_repeat // seeds)
        say(f"multi-seed: {m}, batch {ms_batch}, {seeds} seeds")
        multiseed.append(multiseed_rate(specs[m], ms_batch, ms_steps, seeds, dtype, repeats))
    result = {
        "device": info,
        "config": {
            "models": list(models),
            "batch_sizes": list(batch_sizes),
            "dtype": dtype,
            "repeats": repeats,
            "seconds_per_repeat": seconds,
            "steps": steps,
            "seeds": seeds,
        },
        "matmul_peak": peak,
        "rows": [asdict(r) for r in rows],
        "loader": loader,
        "multiseed": multiseed,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    result["targets"] = targets(rows, loader, multiseed)
    return result


# --- command line --------------------------------------------------------------------------


def _choices(allowed: Sequence[str]):
    def parse(text: str) -> list[str]:
        items = [t for t in text.split(",") if t]
        bad = [t for t in items if t not in allowed]
        if bad or not items:
            raise argparse.ArgumentTypeError(
                f"expected a comma-separated list from {', '.join(allowed)}; got {text!r}"
            )
        return items

    return parse


def _batch_sizes(text: str) -> list[int]:
    try:
        sizes = [int(t) for t in text.split(",") if t]
    except ValueError:
        sizes = []
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of positive integers; got {text!r}"
        )
    return sizes


def _positive(kind, what):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--models",
        type=_choices(MODELS),
        default=list(MODELS),
        help=f"comma-separated, from {', '.join(MODELS)} (default: all)",
    )
    parser.add_argument(
        "--batch-sizes",
        type=_batch_sizes,
        default=list(BATCH_SIZES),
        help="comma-separated (default: 2,64,1024)",
    )
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument(
        "--repeats",
        type=_positive(int, "a positive integer"),
        default=5,
        help="timed repeats per variant after a warm-up; steps/s uses their median (default 5)",
    )
    parser.add_argument(
        "--seconds",
        type=_positive(float, "a positive number"),
        default=0.5,
        help="aim for a torch repeat of about this long (default 0.5)",
    )
    parser.add_argument(
        "--steps",
        type=_positive(int, "a positive integer"),
        help="steps per repeat for every cell, instead of sizing them from --seconds",
    )
    parser.add_argument(
        "--matmul-size",
        type=_positive(int, "a positive integer"),
        default=MATMUL_SIZE,
        help=f"side of the square matmul that measures the peak (default {MATMUL_SIZE})",
    )
    parser.add_argument(
        "--seeds",
        type=_positive(int, "a positive integer"),
        default=16,
        help="members of the multi-seed measurement (default 16)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the result here")


def json_path_problem(path: Path) -> str | None:
    """Why ``--json path`` cannot be written (checked before minutes of measuring), or None."""
    if path.is_dir():
        return f"--json {path}: is a directory; name a file"
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"--json {path}: {parent} is not a directory"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"--json {path}: {parent} is not writable"
    return None


def main(args: argparse.Namespace) -> int:
    """``jaxnn bench``: prints the table; with ``--json FILE`` also writes the result.
    The caller checks ``--json`` with :func:`json_path_problem` first."""
    result = run_bench(
        args.models,
        args.batch_sizes,
        dtype=args.dtype,
        repeats=args.repeats,
        seconds=args.seconds,
        steps=args.steps,
        matmul_size=args.matmul_size,
        seeds=args.seeds,
        progress=lambda message: print(f"bench: {message}", file=sys.stderr, flush=True),
    )
    print(format_table(result))
    if args.json is not None:
        from twincore.atomic import atomic_write

        args.json.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(args.json, json.dumps(result, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--torch-worker"]:  # the torch half of a run (see torch_worker)
        json.dump(torch_worker(json.load(sys.stdin)), sys.stdout)
        sys.exit(0)
    parser = argparse.ArgumentParser(prog="python -m twinlab.bench.bench", description=__doc__)
    add_arguments(parser)
    arguments = parser.parse_args()
    if arguments.json is not None and (problem := json_path_problem(arguments.json)):
        parser.error(problem)
    sys.exit(main(arguments))
