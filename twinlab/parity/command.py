"""``jaxnn parity``: runs the parity suite and prints what it measured, per component.

    jaxnn parity [-k EXPR] [--html FILE] [--from-records DIR]

The suite records into ``build/parity/records/`` under the current directory;
``--from-records DIR`` reads an earlier run's records instead of running it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from twincore.atomic import atomic_write
from twinlab.errors import EXIT_USAGE
from twinlab.parity import suite
from twinlab.parity.summary import RecordsError, format_tables, load


def add_parity_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``jaxnn parity`` options."""
    parser.add_argument(
        "--html", type=Path, metavar="FILE", help="also write the HTML report to FILE"
    )
    parser.add_argument(
        "-k", dest="keyword", metavar="EXPR", help="only tests matching EXPR (pytest's -k)"
    )
    parser.add_argument(
        "--from-records",
        type=Path,
        metavar="DIR",
        help="render a previous run's records from DIR instead of running pytest",
    )


def parity_command(args: argparse.Namespace) -> int:
    """Runs (or re-reads) the suite, prints the component tables; returns pytest's exit code."""
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
        if records_dir.exists():
            shutil.rmtree(records_dir)
        records_dir.mkdir(parents=True)
        exit_code, command = suite.run_pytest(records_dir, args.keyword)
        meta = suite.collect_meta(command, exit_code)
        atomic_write(records_dir / "meta.json", json.dumps(meta, indent=1) + "\n")
    try:
        results = load(records_dir)
    except RecordsError as err:
        return _usage(f"--from-records {records_dir}: {err}")
    if exit_code is None:
        exit_code = 1 if results.failed else 0
    print()
    print(format_tables(results))
    if args.html is not None:
        from twinlab.reports import html

        path = html.write(args.html, results, records_dir)
        print(f"\nwrote {path}")
    return exit_code


def _usage(message: str) -> int:
    print(f"jaxnn: error: {message}", file=sys.stderr)
    return EXIT_USAGE
