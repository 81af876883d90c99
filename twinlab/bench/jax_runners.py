"""The JAX variants of one cell (``jaxnn-step``, ``jaxnn-converted``, ``jaxnn-fused``,
``jax-floor``) and their measurement: compile time, memory, FLOPs, timed repeats and the
parameters they reach."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from twinlab.bench import costs
from twinlab.bench.models import VARIANTS, ModelSpec, synthetic_data
from twinlab.bench.rows import Row
from twinlab.bench.timing import PROBE_STEPS, probe_seconds_per_step, repeat_seconds, steps_for

# Above this relative parameter difference from jaxnn-step a JAX variant is flagged: float32
# runs of a few hundred steps drift ~1e-5 by summation order alone.
SAME_WORK = {"float32": 1e-3, "float64": 1e-9}


class JaxRunners:
    """The JAX variants of one model and batch size, on the same device-resident data."""

    def __init__(self, spec: ModelSpec, x: np.ndarray, y: np.ndarray, batch: int, dtype: str):
        import jax
        import jax.numpy as jnp
        import optax
        from flax import nnx

        import jaxnn

        self.jax, self.jnp = jax, jnp
        # Every model's fused epoch runs: on CPU jaxnn.nn.Conv2d computes by patches and a
        # matmul, which XLA:CPU runs as fast inside a loop body as outside one.
        self.fused = True
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
        # jaxnn-converted: the same step on jaxnn.interop.from_torch of the torch model,
        # holding the hand-written twin's initial parameters (so it does the same work).
        self.converted = _converted_state(spec, model, dtype, self.tx)
        if self.converted is not None:
            conv_graphdef, self.conv_state = self.converted
            self.conv_jit = build_step(conv_graphdef, self.tx, self.criterion, "none")
            self.conv_train_step = jaxnn.train.make_train_step(
                conv_graphdef, self.tx, self.criterion
            )
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
        c, s = costs.compile_timed(self.step_jit, self._fresh_state(), x0, y0, self.no)
        flops = costs.flops(c)
        out["jaxnn-step"] = (s, costs.program_bytes(c), flops)
        if self.converted is not None:
            fresh = self.jax.tree.map(self.jnp.copy, self.conv_state)
            c, s = costs.compile_timed(self.conv_jit, fresh, x0, y0, self.no)
            out["jaxnn-converted"] = (s, costs.program_bytes(c), costs.flops(c))
        c, s = costs.compile_timed(
            self.epoch_jit, self._fresh_state(), self.x, self.y, self.index, self.no
        )
        out["jaxnn-fused"] = (s, costs.program_bytes(c), flops)  # XLA counts a loop body once
        p, o = self.floor_state
        c, s = costs.compile_timed(self.floor_jit, p, o, x0, y0)
        out["jax-floor"] = (s, costs.program_bytes(c), costs.flops(c))
        return out

    def runs(self) -> dict[str, Callable[[], None]]:
        """Each variant's repeat: all ``steps`` steps, then a wait for the device."""
        jax, fresh = self.jax, self._fresh_state
        boxes = {
            "step": fresh(),
            "converted": None
            if self.converted is None
            else jax.tree.map(self.jnp.copy, self.conv_state),
            "fused": fresh(),
            "floor": jax.tree.map(self.jnp.copy, self.floor_state),
        }

        def step():
            state, metrics = boxes["step"], None
            for batch in self.batches:
                state, metrics = self.train_step(state, batch)
            boxes["step"] = state
            jax.block_until_ready(metrics["loss"])

        def converted():
            state, metrics = boxes["converted"], None
            for batch in self.batches:
                state, metrics = self.conv_train_step(state, batch)
            boxes["converted"] = state
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
        runs = {
            "jaxnn-step": step,
            "jaxnn-converted": converted,
            "jaxnn-fused": fused,
            "jax-floor": floor,
        }
        if self.converted is None:
            del runs["jaxnn-converted"]
        return runs

    def trained_params(self) -> dict[str, list[np.ndarray]]:
        """Each variant's parameters after its repeats, as a list of arrays."""
        leaves = self.jax.tree.leaves
        trained = {
            "jaxnn-step": [np.asarray(a) for a in leaves(self.boxes["step"].params)],
            "jaxnn-fused": [np.asarray(a) for a in leaves(self.boxes["fused"].params)],
            "jax-floor": [np.asarray(a) for a in leaves(self.boxes["floor"][0])],
        }
        if self.converted is not None:
            # The converted model's parameters in the hand-written twin's order and layout.
            state = self.boxes["converted"]
            trained["jaxnn-converted"] = [np.asarray(a) for a in leaves(state.params)]
            shapes = [[a.shape for a in trained[v]] for v in ("jaxnn-converted", "jaxnn-step")]
            if shapes[0] != shapes[1]:  # another attribute order: not comparable leaf by leaf
                del trained["jaxnn-converted"]
        return trained


def bench_jax_cell(
    spec: ModelSpec, batch: int, steps: int | None, *, dtype: str, repeats: int, seconds: float
) -> list[Row]:
    """The three JAX variants of one model at one batch size (``steps=None``: size a
    repeat from a few jaxnn steps, when there is no torch run to size it)."""
    if steps is None:
        probe = JaxRunners(spec, *synthetic_data(spec, batch, PROBE_STEPS, dtype), batch, dtype)
        steps = steps_for(probe_seconds_per_step(probe.runs()["jaxnn-step"]), seconds)
    runners = JaxRunners(spec, *synthetic_data(spec, batch, steps, dtype), batch, dtype)
    rows = {v: Row(spec.name, batch, v, steps) for v in VARIANTS[1:]}
    for variant, (compile_s, program_bytes, flops) in runners.compile_all().items():
        rows[variant].compile_s = compile_s
        rows[variant].program_bytes = program_bytes
        rows[variant].flops_per_step = flops
    for variant, times in repeat_seconds(runners.runs(), repeats).items():
        rows[variant].repeat_s = times
        rows[variant].device_peak_bytes = costs.device_peak()
    trained = runners.trained_params()
    reference = trained["jaxnn-step"]
    scale = max(float(np.max(np.abs(b))) for b in reference)
    for variant, params in trained.items():
        diff = max(float(np.max(np.abs(a - b))) for a, b in zip(params, reference, strict=True))
        rows[variant].param_diff_rel = diff / max(scale, 1e-300)
        if rows[variant].param_diff_rel > SAME_WORK[dtype]:
            rows[variant].note = "trained differently from jaxnn-step: not the same work"
    if runners.converted is None:
        rows["jaxnn-converted"].note = "not run: torch is not installed"
    return list(rows.values())


def _converted_state(spec: ModelSpec, model, dtype: str, tx):
    """``(graphdef, TrainState)`` of ``from_torch`` of the torch model holding ``model``'s
    parameters, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    import jaxnn

    t = spec.torch_model().to(getattr(torch, dtype))
    state = jaxnn.interop.state_dict(model)
    t.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()})
    return jaxnn.train.TrainState.create(jaxnn.interop.from_torch(t), tx)
