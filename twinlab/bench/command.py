"""``jaxnn bench``: the command's flags and its one function."""

from __future__ import annotations

import argparse

from twinlab.cli.errors import CLIError


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    from twinlab.bench.bench import add_arguments

    add_arguments(parser)


def bench_command(args: argparse.Namespace) -> int:
    """Checks ``--json`` before minutes of measuring, then runs the benchmark."""
    from twinlab.bench.bench import json_path_problem, main

    if args.json is not None and (problem := json_path_problem(args.json)):
        raise CLIError(problem)
    return main(args)
