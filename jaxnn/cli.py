"""The ``jaxnn`` command: ``jaxnn list``, ``jaxnn run NAME``, ``jaxnn parity`` and ``jaxnn bench``.

Every user error (unknown example, bad flag, unusable ``--out`` or ``--data-dir``,
missing torch) ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_USAGE = 2


class CLIError(Exception):
    """A user error: reported as one line on stderr with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + error
        raise CLIError(f"{message} (see '{self.prog} --help')")


def _int_at_least(minimum: int, what: str):
    """An argparse type: an integer >= ``minimum``, described as ``what`` in errors."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1, "a positive integer")
_non_negative_int = _int_at_least(0, "a non-negative integer")


def _learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite, non-negative number, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jaxnn",
        description="The seeds' worked examples in JAX and torch, side by side.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    sub.add_parser("list", help="list the worked examples")
    run = sub.add_parser("run", help="run one worked example")
    run.add_argument("name", help="example name (see 'jaxnn list')")
    run.add_argument("--framework", choices=("jax", "torch", "both"), help="default: both")
    run.add_argument("--dtype", choices=("float32", "float64"), help="default: float32")
    run.add_argument("--epochs", type=_non_negative_int, help="override the seed's epoch count")
    run.add_argument("--batch-size", type=_positive_int, help="override the seed's batch size")
    run.add_argument("--lr", type=_learning_rate, help="override the seed's learning rate")
    run.add_argument("--seed", type=_non_negative_int, help="override the seed's random seed")
    run.add_argument(
        "--out", type=Path, help="directory for metrics.json and curves.png (created if missing)"
    )
    run.add_argument(
        "--data-dir",
        type=Path,
        help="MNIST's IDX files (in DIR or DIR/MNIST/raw, raw or .gz) for the MNIST examples, "
        "instead of the bundled 28x28 digits; nothing is downloaded",
    )
    run.add_argument(
        "--train-subset",
        type=_positive_int,
        help="train on the first N training samples only",
    )
    run.add_argument(
        "--checkpoint-every",
        type=_positive_int,
        metavar="K",
        help="save the JAX train state every K steps under OUT (with --out, --framework jax)",
    )
    run.add_argument(
        "--resume",
        type=Path,
        metavar="DIR",
        help="continue the checkpointed run in DIR with its own settings; writes its outputs there",
    )
    run.add_argument(
        "--seeds",
        type=_int_at_least(1, "a number of seeds >= 1"),
        metavar="K",
        help="train K initialisations (seeds SEED..SEED+K-1) together, JAX in one vmapped "
        "program, torch one after another; examples trained with jaxnn.train.fit",
    )
    run.add_argument(
        "--devices",
        type=_int_at_least(1, "a device count >= 1"),
        metavar="N",
        help="split each JAX batch over N devices, parameters replicated (on CPU: N host "
        "devices, made before JAX starts)",
    )
    parity = sub.add_parser(
        "parity", help="run the parity suite and print the component table (--html: report)"
    )
    from examples import parity as parity_command

    parity_command.add_arguments(parity)
    bench = sub.add_parser(
        "bench", help="training throughput: torch eager vs jaxnn (per step, scan-fused) vs JAX"
    )
    from benchmarks import bench as bench_command

    bench_command.add_arguments(bench)
    return parser


def _torch_installed() -> bool:
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):  # a broken or deliberately blocked install
        return False


def _check_out_dir(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CLIError(f"--out {out}: cannot create directory ({err.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise CLIError(f"--out {out}: directory is not writable")
    return out


def _check_data_dir(data_dir: Path, example) -> str:
    """``data_dir`` as a string once both MNIST splits load from it, else a CLIError."""
    if "mnist" not in example.tags:
        from examples import EXAMPLES

        readers = ", ".join(n for n, ex in EXAMPLES.items() if "mnist" in ex.tags)
        raise CLIError(
            f"--data-dir: example {example.name!r} does not read MNIST (these do: {readers})"
        )
    if not data_dir.is_dir():
        raise CLIError(f"--data-dir {data_dir}: not a directory")
    if not os.access(data_dir, os.R_OK | os.X_OK):
        raise CLIError(f"--data-dir {data_dir}: directory is not readable")
    from jaxnn.data import IDXError, load_mnist

    for train in (True, False):
        try:
            load_mnist(data_dir, train=train)
        except (FileNotFoundError, IDXError) as err:
            raise CLIError(f"--data-dir {data_dir}: {err}") from None
    return str(data_dir)


def _cmd_list() -> int:
    from examples import EXAMPLES

    width = max(len(n) for n in EXAMPLES)
    for ex in EXAMPLES.values():
        print(f"{ex.name:<{width}}  {ex.title}")
        print(f"{'':<{width}}    seed: {ex.seed_ref}; model: {ex.model}")
        print(f"{'':<{width}}    data: {ex.data}")
        print(f"{'':<{width}}    prints: {ex.prints}")
    return 0


RUN_FILE = "run.json"  # what a checkpointed run was started with, for --resume
SETTINGS = ("epochs", "batch_size", "lr", "seed", "data_dir", "train_subset")


def _resume_settings(args: argparse.Namespace, example) -> tuple[str, dict]:
    """``(dtype, config fields)`` of the checkpointed run in ``args.resume``."""
    given = [f"--{k.replace('_', '-')}" for k in (*SETTINGS, "out", "checkpoint_every", "dtype")]
    given = [flag for flag in given if getattr(args, flag[2:].replace("-", "_")) is not None]
    if given:
        raise CLIError(
            "--resume continues a run with the settings it was started with; "
            f"drop {', '.join(given)}"
        )
    if args.framework not in (None, "jax"):
        raise CLIError("--resume continues a --framework jax run; drop --framework")
    run_file = args.resume / RUN_FILE
    try:
        saved = json.loads(run_file.read_text())
        name, dtype, fields = saved["example"], saved["dtype"], dict(saved["config"])
    except FileNotFoundError:
        raise CLIError(
            f"--resume {args.resume}: no {RUN_FILE}; start the run with "
            "--checkpoint-every K --out DIR first"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CLIError(f"--resume {args.resume}: unreadable {RUN_FILE} ({err})") from None
    if name != example.name:
        raise CLIError(f"--resume {args.resume}: that run is of {name!r}, not {example.name!r}")
    fields.pop("dtype", None)
    fields["checkpoint_dir"] = str(args.resume.absolute())
    return dtype, fields


def _cmd_run(args: argparse.Namespace) -> int:
    from examples import EXAMPLES

    if args.name not in EXAMPLES:
        raise CLIError(f"unknown example {args.name!r}; available: {', '.join(sorted(EXAMPLES))}")
    example = EXAMPLES[args.name]
    _check_seeds_and_devices(args, example)
    if args.resume is not None:
        dtype, fields = _resume_settings(args, example)
        framework, out = "jax", _check_out_dir(args.resume)
    else:
        framework, dtype = args.framework or "both", args.dtype or "float32"
        out = _check_out_dir(args.out) if args.out is not None else None
        fields = {
            k: getattr(args, k) for k in (*SETTINGS, "devices") if getattr(args, k) is not None
        }
        if args.data_dir is not None:
            fields["data_dir"] = _check_data_dir(args.data_dir, example)
        if args.checkpoint_every is not None:
            _check_checkpointing(example, framework, out)
            fields.update(
                checkpoint_every=args.checkpoint_every, checkpoint_dir=str(out.absolute())
            )
    if framework in ("torch", "both") and not _torch_installed():
        raise CLIError(
            f"--framework {framework} needs PyTorch, which is not installed "
            "(pip install 'jaxnn[torch]'), or use --framework jax"
        )
    if args.devices is not None and framework == "torch":
        raise CLIError(
            "--devices splits the JAX side's batches; the torch side runs on one device "
            "(use --framework jax or both)"
        )

    import jaxnn.config
    from examples import runner

    config = dataclasses.replace(example.defaults, dtype=dtype, **fields)
    if framework != "jax":  # torch allocates on the GPU JAX uses; before JAX starts
        jaxnn.config.share_device_with_torch()
    if args.devices is not None:
        from examples.engine import check_devices, recipe_of

        _check_device_limit(args.devices)
        try:  # before any device starts, and before the torch side spends its run
            check_devices(recipe_of(example), config)
        except ValueError as err:
            raise CLIError(f"--devices {args.devices}: {err}") from None
        print(_provide_devices(args.devices))
    jaxnn.config.set_numerics(dtype)  # before the first JAX operation
    if framework != "jax":
        import torch_ref.config

        torch_ref.config.set_numerics(dtype)
    if args.seeds is not None:
        return _run_seeds(example, framework, config, args.seeds, out)
    if args.checkpoint_every is not None:
        from jaxnn.atomic import atomic_write

        saved = {"example": example.name, "dtype": dtype, "config": dataclasses.asdict(config)}
        atomic_write(out / RUN_FILE, json.dumps(saved, indent=2) + "\n")
    results = runner.run_sides(example, framework, config)
    metrics = runner.summarize(example, config, results)
    print(runner.format_report(example, metrics))
    if out is not None:
        written = runner.write_outputs(out, example, metrics, results)
        print("\nwrote " + ", ".join(str(p) for p in written))
    return 0


def _able(what: str) -> str:
    """The examples that can take ``--seeds`` (``"seeds"``) or ``--devices``, listed."""
    from examples import EXAMPLES
    from examples.engine import recipe_of

    recipes = {name: recipe_of(example) for name, example in EXAMPLES.items()}
    return ", ".join(
        name
        for name, recipe in recipes.items()
        if recipe is not None and (what != "seeds" or not recipe.variants)
    )


def _check_seeds_and_devices(args: argparse.Namespace, example) -> None:
    """``--seeds`` and ``--devices`` only where the engine can honour them, before any work."""
    from examples.engine import recipe_of

    recipe = recipe_of(example)
    if args.seeds is not None:
        if args.checkpoint_every is not None or args.resume is not None:
            raise CLIError(
                "--seeds trains K fresh runs together and cannot checkpoint or resume; "
                "drop --checkpoint-every/--resume"
            )
        if recipe is None:
            raise CLIError(
                f"--seeds: example {example.name!r} does not train with jaxnn.train.fit "
                f"(these train one model with it: {_able('seeds')})"
            )
        if recipe.variants:
            raise CLIError(
                f"--seeds: example {example.name!r} trains {len(recipe.variants)} models one "
                f"after another (these train one model with jaxnn.train.fit: {_able('seeds')})"
            )
    if args.devices is not None:
        if args.checkpoint_every is not None or args.resume is not None:
            raise CLIError(
                "--devices cannot be combined with --checkpoint-every/--resume "
                "(checkpoints hold one device's state)"
            )
        if recipe is None:
            raise CLIError(
                f"--devices: example {example.name!r} does not train with jaxnn.train.fit, "
                f"so its batches cannot be split (these can: {_able('devices')})"
            )


# On CPU the command makes the host devices itself. They share the CPU's cores, so they
# check a sharded program rather than speed it up: as many as the cores, and at least 8
# (a GPU node's or TPU host's count) to try a mesh on a small machine.
HOST_DEVICES_MAX = max(8, os.cpu_count() or 1)


def _runs_on_cpu() -> bool:
    """Whether JAX will pick the CPU, judged before it starts (no accelerator plugin, or
    ``JAX_PLATFORMS`` naming cpu first): host devices can only be added before then."""
    import jax

    platforms = jax.config.jax_platforms
    if platforms:
        return platforms.split(",")[0].strip().lower() == "cpu"
    from importlib.metadata import entry_points

    if any(True for _ in entry_points(group="jax_plugins")):
        return False
    return all(importlib.util.find_spec(m) is None for m in ("jax_plugins", "libtpu"))


def _device_setting() -> tuple[bool, bool, bool]:
    """``(chosen, started, on_cpu)``: whether the user set the host device count, whether
    JAX has started, whether it runs (or will run) on the CPU. Starts nothing."""
    import jax
    from jax._src import xla_bridge  # no public way to ask whether JAX has started

    # A count the user chose (XLA_FLAGS or JAX_NUM_CPU_DEVICES) stays theirs.
    chosen = "xla_force_host_platform_device_count" in os.environ.get("XLA_FLAGS", "")
    chosen = chosen or jax.config.jax_num_cpu_devices >= 0
    started = xla_bridge.backends_are_initialized()
    on_cpu = jax.devices()[0].platform == "cpu" if started else _runs_on_cpu()
    return chosen, started, on_cpu


def _check_device_limit(n: int) -> None:
    """Refuses more host devices than the command makes, before any work; changes nothing."""
    chosen, _, on_cpu = _device_setting()
    if n > HOST_DEVICES_MAX and on_cpu and not chosen:
        raise CLIError(
            f"--devices {n}: asked for {n} devices but only {HOST_DEVICES_MAX} cpu devices "
            f"are available (host devices: as many as the CPU cores, at least 8); use at "
            f"most {HOST_DEVICES_MAX}"
        )


def _provide_devices(n: int) -> str:
    """Makes ``n`` devices visible to JAX (host devices on CPU), or raises a CLIError naming
    how many there are. Must run before the first JAX operation; returns a report line."""
    import jax

    _check_device_limit(n)
    chosen, started, on_cpu = _device_setting()
    if n > 1 and not chosen and not started and on_cpu:
        jax.config.update("jax_num_cpu_devices", n)
    devices = jax.devices()
    platform = devices[0].platform
    if n > len(devices):
        why = ""
        if platform == "cpu" and chosen:
            why = " (the host device count set by XLA_FLAGS or JAX_NUM_CPU_DEVICES)"
        elif platform == "cpu" and started:
            why = " (JAX had started before --devices could add host devices)"
        elif platform == "cpu":  # an accelerator plugin is installed but JAX chose the CPU
            why = " (set JAX_PLATFORMS=cpu to get host devices)"
        raise CLIError(
            f"--devices {n}: asked for {n} devices but only {len(devices)} {platform} "
            f"device(s) are available{why}; use at most {len(devices)}"
        )
    return f"JAX side: each batch split over {n} {platform} device(s), parameters replicated\n"


def _run_seeds(example, framework: str, config, k: int, out: Path | None) -> int:
    from examples import runner
    from examples.engine import recipe_of, run_seed_sides

    results = run_seed_sides(recipe_of(example), framework, config, k)
    metrics = runner.summarize_seeds(example, config, results)
    print(runner.format_seeds_report(example, metrics))
    if out is not None:
        written = runner.write_seed_outputs(out, example, metrics)
        print("\nwrote " + ", ".join(str(p) for p in written))
    return 0


def _check_checkpointing(example, framework: str, out: Path | None) -> None:
    if out is None:
        raise CLIError("--checkpoint-every needs --out DIR, where the checkpoints go")
    if framework != "jax":
        raise CLIError("--checkpoint-every checkpoints the JAX side; add --framework jax")
    if not example.resumable:
        from examples import EXAMPLES

        able = ", ".join(n for n, ex in EXAMPLES.items() if ex.resumable)
        how = (
            f"trains {len(example.runs)} models one after another ({', '.join(example.runs)})"
            if example.runs
            else "trains with its own loop"
        )
        raise CLIError(
            f"--checkpoint-every: example {example.name!r} {how} and cannot resume "
            f"(these can: {able})"
        )
    if (out / RUN_FILE).exists() or (out / "checkpoints").exists():
        raise CLIError(
            f"--out {out} holds a checkpointed run already; continue it with --resume {out} "
            "or choose another --out"
        )


# After Ctrl-C, how long the KeyboardInterrupt may take to reach ``main`` before the
# process leaves anyway (see ``_interrupt``).
INTERRUPT_GRACE_S = 5.0


def _interrupt(signum, frame):
    """SIGINT for the console command: KeyboardInterrupt as usual, with a deadline.

    Python raises the KeyboardInterrupt in whatever code runs when the signal is
    handled; if that is a finalizer (a device buffer's ``__del__``, a weakref
    callback), Python prints and swallows it and training would go on. A timer
    makes sure Ctrl-C ends the run either way.
    """
    import threading

    def leave():
        print("jaxnn: interrupted", file=sys.stderr, flush=True)
        os._exit(130)

    timer = threading.Timer(INTERRUPT_GRACE_S, leave)
    timer.daemon = True
    timer.start()
    raise KeyboardInterrupt


def _quiet_interrupts(unraisable) -> None:
    """``sys.unraisablehook`` for the console command: a Ctrl-C that landed in a finalizer
    (``_interrupt``'s timer ends the run) is not printed as a traceback; anything else is."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``jaxnn`` console command; returns the exit code."""
    if argv is None:  # the console command (not a test calling main in-process)
        import signal

        signal.signal(signal.SIGINT, _interrupt)
        sys.unraisablehook = _quiet_interrupts
    try:
        args = build_parser().parse_args(argv)
        if args.command == "list":
            return _cmd_list()
        if args.command == "parity":
            from examples import parity as parity_command

            return parity_command.main(args)
        if args.command == "bench":
            from benchmarks import bench as bench_command

            if args.json is not None and (problem := bench_command.json_path_problem(args.json)):
                raise CLIError(problem)
            return bench_command.main(args)
        return _cmd_run(args)
    except CLIError as err:
        print(f"jaxnn: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `jaxnn run ... | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        # Every output is written whole through a temporary file and a rename, so an
        # interrupted run leaves the complete files it finished and nothing half-written.
        print("jaxnn: interrupted", file=sys.stderr)
        if argv is None:  # the console command: leave now
            # Interpreter shutdown with XLA work still in flight can crash (SIGSEGV);
            # every output file is already whole or absent, so nothing is lost.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
        return 130


if __name__ == "__main__":
    sys.exit(main())
