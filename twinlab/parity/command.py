"""``jaxnn parity``: runs the parity suite and prints what it measured, per component.

    jaxnn parity [-k EXPR] [--workers N] [--html FILE] [--from-records DIR]

The suite records into ``build/parity/records/`` under the current directory;
``--from-records DIR`` reads an earlier run's records instead of running anything. The
lessons run as the suite's tests (``parity_tests/examples/test_lessons.py``, one per lesson),
so ``-k`` selects them like any test, and the report shows what the run ran: nothing is run
for the report itself.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from twincore.atomic import atomic_write
from twinlab.arguments import int_at_least, output_file_problem, path
from twinlab.errors import EXIT_USAGE
from twinlab.parity import suite
from twinlab.parity.summary import RecordsError, format_tables, load


def add_parity_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``jaxnn parity`` options."""
    parser.add_argument(
        "--html", type=path, metavar="FILE", help="also write the HTML report to FILE"
    )
    parser.add_argument(
        "-k",
        dest="keyword",
        metavar="EXPR",
        help="only the tests and lessons matching EXPR (pytest's -k; a lesson's test is "
        "named after it, e.g. -k 06_gather)",
    )
    parser.add_argument(
        "--workers",
        type=int_at_least(1, "a number of processes >= 1"),
        metavar="N",
        help="test processes (pytest-xdist workers; 1: pytest alone). Default: one per core, "
        "at most 4, for the whole suite; 1 with -k, where starting workers (each imports "
        "torch and JAX and collects every test) costs more than the tests it picks",
    )
    parser.add_argument(
        "--from-records",
        type=path,
        metavar="DIR",
        help="render a previous run's records from DIR; runs nothing (no tests, no lessons)",
    )


def parity_command(args: argparse.Namespace) -> int:
    """Runs (or re-reads) the suite, prints the component tables; returns pytest's exit code.

    A new run records beside the last one (``records.new``) and replaces it only once pytest
    has run the tests (exit code 0 or 1): a run that stops early (a typo in ``-k``, Ctrl-C)
    leaves the last records for ``--from-records``.
    """
    if args.html is not None and (problem := output_file_problem(args.html, "--html")):
        return _usage(problem)
    if args.from_records is not None:
        records_dir = args.from_records
        if not records_dir.is_dir() or not any(records_dir.glob("outcomes-*.jsonl")):
            return _usage(
                f"--from-records {records_dir}: no outcomes-*.jsonl records there "
                "(written by a `jaxnn parity` run)"
            )
        exit_code = None
    else:
        try:
            suite.suite_dir()
        except FileNotFoundError as err:
            return _usage(str(err))
        records_dir = suite.RECORDS
        exit_code = _run_beside(records_dir, args.keyword, args.workers)
        if exit_code not in TESTS_RAN:
            print(
                f"jaxnn: error: pytest stopped with exit code {exit_code} before running the "
                f"tests; the last records in {records_dir} are kept",
                file=sys.stderr,
            )
            return exit_code
    try:
        results = load(records_dir)
    except RecordsError as err:
        return _usage(f"{records_dir}: {err}")
    if exit_code is None:
        exit_code = 1 if results.failed else 0
    print()
    print(format_tables(results))
    if args.html is not None:
        from twinlab.reports import html

        path = html.write(args.html, results, records_dir)
        print(f"\nwrote {path}")
    return exit_code


TESTS_RAN = (0, 1)
"""pytest's exit codes for a run that ran its tests: all passed, some failed."""


def _run_beside(records_dir: Path, keyword: str | None, workers: int | None) -> int:
    """Runs the suite into ``records_dir.new`` and swaps it in when the tests ran."""
    fresh = records_dir.with_name(records_dir.name + ".new")
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir(parents=True)
    exit_code, command = suite.run_pytest(fresh, keyword, workers)
    if exit_code not in TESTS_RAN:
        shutil.rmtree(fresh, ignore_errors=True)
        return exit_code
    meta = suite.collect_meta(command, exit_code)
    atomic_write(fresh / "meta.json", json.dumps(meta, indent=1) + "\n")
    if records_dir.exists():
        shutil.rmtree(records_dir)
    fresh.rename(records_dir)
    return exit_code


def _usage(message: str) -> int:
    print(f"jaxnn: error: {message}", file=sys.stderr)
    return EXIT_USAGE
