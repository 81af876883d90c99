"""Where a jaxnn train step's time goes next to the hand-written JAX step, one piece at a time.

``python -m twinlab.bench.profile_step --model mnist_mlp --batch-size 2`` times, on the same
device-resident batches and with repeats taken round robin:

``floor``
    ``jax-floor`` of ``jaxnn bench``: ``value_and_grad`` + ``optax.sgd`` on the parameters.
``+ train state``
    the same computation, carrying jaxnn's whole ``TrainState`` (parameters, optimizer
    state, step counter, the module's other state) in and out of the jitted call.
``+ finite flag``
    and computing jaxnn's finite flag (loss and updated parameters) as a second output.
``jaxnn-step``
    ``jaxnn.train.make_train_step`` itself.
``jaxnn-step, nnx.State params``
    the same step fed a ``TrainState`` whose parameters are an ``nnx.State`` of ``Param``
    variables, as ``TrainState.create`` made them before it switched to plain dicts.
"""

from __future__ import annotations

import argparse
import statistics

from twinlab.bench.models import MODELS, model_specs, synthetic_data
from twinlab.bench.timing import repeat_seconds


def profile(model: str, batch: int, steps: int, repeats: int) -> list[tuple[str, float]]:
    """``(label, steps per second)`` of each piece, medians of ``repeats``."""
    import jax
    import jax.numpy as jnp
    import optax
    from flax import nnx

    import jaxnn
    from jaxnn.train.step import all_finite

    jaxnn.config.set_numerics("float32")
    spec = model_specs()[model]
    x, y = (jax.device_put(a) for a in synthetic_data(spec, batch, steps, "float32"))
    batches = [(x[i : i + batch], y[i : i + batch]) for i in range(0, len(x), batch)]
    module = spec.jax_model(nnx.Rngs(0), "float32")
    tx = jaxnn.optim.sgd(spec.lr)
    criterion = jaxnn.functional.cross_entropy if spec.classes else jaxnn.functional.mse_loss
    graphdef, state = jaxnn.train.TrainState.create(module, tx)

    def loss_and_update(params, opt_state, rest, x, y):
        def loss_fn(p):
            return criterion(nnx.merge(graphdef, p, rest)(x), y)

        loss, grads = jax.value_and_grad(loss_fn)(params)
        updates, opt_state = tx.update(grads, opt_state, params)
        return loss, optax.apply_updates(params, updates), opt_state

    def floor(carry, x, y):
        params, opt_state = carry
        loss, params, opt_state = loss_and_update(params, opt_state, state.rest, x, y)
        return (params, opt_state), loss

    def with_state(s, x, y):
        loss, params, opt_state = loss_and_update(s.params, s.opt_state, s.rest, x, y)
        return jaxnn.train.TrainState(params, opt_state, s.step + 1, s.rest), loss

    def with_flag(s, x, y):
        new, loss = with_state(s, x, y)
        return new, {"loss": loss, "finite": all_finite(loss, new.params)}

    jitted = {
        "floor": (jax.jit(floor, donate_argnums=0), (state.params, state.opt_state)),
        "+ train state": (jax.jit(with_state, donate_argnums=0), state),
        "+ finite flag": (jax.jit(with_flag, donate_argnums=0), state),
    }
    train_step = jaxnn.train.make_train_step(graphdef, tx, criterion)
    boxes = {k: jax.tree.map(jnp.copy, s) for k, (_, s) in jitted.items()}
    boxes["jaxnn-step"] = jax.tree.map(jnp.copy, state)
    _, params, rest = nnx.split(module, nnx.Param, ...)
    params, rest = jax.tree.map(jnp.copy, (params, rest))
    boxes["jaxnn-step, nnx.State params"] = jaxnn.train.TrainState(
        params, tx.init(params), jnp.zeros([], jnp.int32), rest
    )

    def runner(label):
        def run():
            carry, out = boxes[label], None
            for xb, yb in batches:
                if label.startswith("jaxnn-step"):
                    carry, out = train_step(carry, (xb, yb))
                else:
                    carry, out = jitted[label][0](carry, xb, yb)
            boxes[label] = carry
            jax.block_until_ready(out)

        return run

    times = repeat_seconds({k: runner(k) for k in boxes}, repeats)
    rows = [(k, steps / statistics.median(t)) for k, t in times.items()]

    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m twinlab.bench.profile_step", description=__doc__
    )
    parser.add_argument("--model", choices=MODELS, default="mnist_mlp")
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    rows = profile(args.model, args.batch_size, args.steps, args.repeats)
    floor = rows[0][1]
    print(f"{args.model}, batch {args.batch_size}: steps/s (median of {args.repeats})")
    for label, value in rows:
        print(
            f"  {label:<30} {value:>9.0f}  {value / floor:>5.2f}x floor {1e6 / value:>7.0f} us/step"
        )


if __name__ == "__main__":
    main()
