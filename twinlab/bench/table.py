"""A ``jaxnn bench`` result as text: device, matmul peak, the rows, the loader, multi-seed,
the real-size section, the targets."""

from __future__ import annotations

import statistics
from typing import Any


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
    """The report as text: device, matmul peak, the rows, the loader, multi-seed, the
    real-size section, the targets."""
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
    if result.get("real_size"):
        lines += ["", *_real_size_lines(result["real_size"])]
    lines += ["", "targets:"]
    for t in result["targets"]:
        mark = {True: "met ", False: "MISS", None: "n/a "}[t["met"]]
        value = "-" if t["value"] is None else f"{t['value']:.2f}"
        lines.append(f"  [{mark}] {t['what']}: {value} (goal >= {t['goal']})")
    return "\n".join(lines)


def _real_size_lines(section: dict[str, Any]) -> list[str]:
    data = section["data"]
    where = (
        f"{data['train_images']:,} + {data['test_images']:,} generated IDX images"
        if data["generated"]
        else f"{data['train_images']:,} + {data['test_images']:,} IDX images in {data['dir']}"
    )
    lines = [
        f"real size (jaxnn run NAME --data-dir DIR --dtype {section['dtype']}, each framework "
        "in a process of its own):",
        f"  {where}; wall time from outside (start-up and data loading included), median of "
        f"{section['repeats']}; in brackets the run's own 'wall time (s)'",
    ]
    for e in section["runs"]:
        sides = []
        for framework in ("torch", "jax"):
            if f"{framework}_median_s" in e:
                reported = [s for s in e[f"{framework}_reported_s"] if s is not None]
                inner = f" ({statistics.median(reported):.1f} s)" if reported else ""
                sides.append(f"{framework} {e[f'{framework}_median_s']:.1f} s{inner}")
        ratio = "" if e["ratio"] is None else f": JAX {e['ratio']:.2f}x torch"
        lines.append(f"  {e['example']:<17} {e['epochs']} epoch(s): {', '.join(sides)}{ratio}")
    return lines
