"""Runs one lesson, as ``python examples/lessons/NAME.py`` would, and can write what it showed.

    python -m jaxnn_examples.lessons 01_tensors [--records FILE]

``--records FILE`` writes the lesson's :class:`~jaxnn_examples.lessons.compare.Shown`
records (every ``show()`` it called, in order) to FILE as JSON, atomically, once
the lesson has finished. The lessons' test and ``jaxnn parity --html`` run
lessons this way, each in a process of its own (a lesson sets the process's
numerics).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import runpy
import sys
from pathlib import Path

from jaxnn_examples import lessons
from jaxnn_examples.lessons import compare
from twincore.atomic import atomic_write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jaxnn_examples.lessons")
    parser.add_argument("name", choices=lessons.LESSONS, metavar="NAME", help="e.g. 01_tensors")
    parser.add_argument("--records", type=Path, metavar="FILE", help="write the show() records")
    args = parser.parse_args(argv)
    path = lessons.path(args.name)
    sys.argv = [str(path)]
    runpy.run_path(str(path), run_name="__main__")
    if args.records is not None:
        records = [dataclasses.asdict(r) for r in compare.SHOWN]
        atomic_write(args.records, json.dumps(records, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
