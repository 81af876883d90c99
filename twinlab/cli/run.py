"""``jaxnn run NAME``: one worked example in torch, JAX or both, printed side by side."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from jaxnn_examples import EXAMPLES
from jaxnn_examples.example import Example, Settings
from twincore.atomic import atomic_write
from twinlab.cli import checks
from twinlab.cli.devices import check_device_limit, provide_devices
from twinlab.engine.batches import check_devices
from twinlab.errors import CLIError


def run_command(args: argparse.Namespace) -> int:
    """Checks every flag, sets numerics, runs the example, prints and writes its report."""
    if args.name not in EXAMPLES:
        raise CLIError(f"unknown example {args.name!r}; available: {', '.join(sorted(EXAMPLES))}")
    example = EXAMPLES[args.name]
    checks.seeds_and_devices(args, example)
    if args.resume is not None:
        dtype, fields = checks.resume_settings(args, example)
        if fields.get("data_dir") is not None:  # still there, still MNIST
            checks.data_dir(Path(fields["data_dir"]), example)
        framework, out = "jax", checks.out_dir(args.resume)
    else:
        framework, dtype = args.framework or "both", args.dtype or "float32"
        out = checks.out_dir(args.out) if args.out is not None else None
        fields = {
            k: getattr(args, k)
            for k in (*checks.SETTINGS, "devices")
            if getattr(args, k) is not None
        }
        if args.data_dir is not None:
            fields["data_dir"] = checks.data_dir(args.data_dir, example)
        if args.checkpoint_every is not None:
            checks.checkpointing(example, framework, out)
            fields.update(
                checkpoint_every=args.checkpoint_every, checkpoint_dir=str(out.absolute())
            )
    if framework in ("torch", "both") and not checks.torch_installed():
        raise CLIError(
            f"--framework {framework} needs PyTorch, which is not installed "
            "(pip install 'jaxnn[torch]'), or use --framework jax"
        )
    if args.devices is not None and framework == "torch":
        raise CLIError(
            "--devices splits the JAX side's batches; the torch side runs on one device "
            "(use --framework jax or both)"
        )
    settings = dataclasses.replace(example.defaults, dtype=dtype, **fields)
    if args.resume is not None:
        from twinlab.engine.resume import check_settings

        check_settings(settings)
    checks.precision_fits(example, settings, args.seeds)
    checks.lr_fits(settings)
    checks.data_fits(example, settings)
    # A JAX-only run starts where the JAX column of --framework both does, torch permitting.
    torch_init = framework == "jax" and checks.torch_installed()
    _set_numerics(framework, settings, args.devices, example)
    checks.precision_model_fits(example, settings, framework)
    if framework == "jax" and args.resume is None:
        if torch_init:  # torch draws the initial parameters on the CPU, nothing more
            import torch_ref.config

            torch_ref.config.set_numerics(settings.dtype)
        print(_initialisation(torch_init, settings))
    if args.seeds is not None:
        return _run_seeds(example, framework, settings, args.seeds, out, torch_init)
    if args.checkpoint_every is not None:
        saved = {"example": example.name, "dtype": dtype, "config": dataclasses.asdict(settings)}
        atomic_write(out / checks.RUN_FILE, json.dumps(saved, indent=2) + "\n")
    return _run(example, framework, settings, out, torch_init)


def _initialisation(torch_init: bool, settings: Settings) -> str:
    """The line a JAX-only run prints about where its initial parameters come from."""
    if torch_init:
        return (
            f"initialised from torch's draw (torch.manual_seed({settings.seed})): the curve "
            "is the JAX column of --framework both"
        )
    return "initialised by jaxnn (torch not installed): the curve will differ from --framework both"


def _set_numerics(framework: str, settings: Settings, devices: int | None, example) -> None:
    """Before the first JAX and torch operation: the device's sharing, the host devices, the
    precision. A torch-only run never imports JAX."""
    if framework != "torch":
        import jaxnn.config

        if framework == "both":  # torch allocates on the GPU JAX uses; before JAX starts
            jaxnn.config.share_device_with_torch()
        if devices is not None:
            check_device_limit(devices)
            try:  # before any device starts, and before the torch side spends its run
                check_devices(example.recipe, settings)
            except ValueError as err:
                raise CLIError(f"--devices {devices}: {err}") from None
            print(provide_devices(devices))
        jaxnn.config.set_numerics(settings.dtype)
    if framework != "jax":
        import torch_ref.config

        torch_ref.config.set_numerics(settings.dtype)


def _run(
    example: Example, framework: str, settings: Settings, out: Path | None, torch_init: bool
) -> int:
    from twinlab.engine import run_example
    from twinlab.records import summarize
    from twinlab.reports.files import write_outputs
    from twinlab.reports.text import format_report

    results = run_example(example, framework, settings, torch_init=torch_init)
    metrics = summarize(example, settings, results)
    print(format_report(example, metrics))
    if out is not None:
        written = write_outputs(out, example, metrics, results)
        print("\nwrote " + ", ".join(str(p) for p in written))
    return 0


def _run_seeds(
    example: Example, framework: str, settings: Settings, k: int, out, torch_init: bool
) -> int:
    from twinlab.engine import run_seeds
    from twinlab.records import summarize_seeds
    from twinlab.reports.files import write_seed_outputs
    from twinlab.reports.text import format_seeds_report

    results = run_seeds(example.recipe, framework, settings, k, torch_init=torch_init)
    metrics = summarize_seeds(example, settings, results)
    print(format_seeds_report(example, metrics))
    if out is not None:
        written = write_seed_outputs(out, example, metrics)
        print("\nwrote " + ", ".join(str(p) for p in written))
    return 0
