"""``python -m parity_tests.mutants``: plants each listed bug and runs the tests that must catch it.

From a source checkout's root::

    python -m parity_tests.mutants                 # every mutant, one at a time
    python -m parity_tests.mutants -k adam -k gru  # those whose name contains a word
    python -m parity_tests.mutants --diff -k adam  # show the bugs, run nothing
    python -m parity_tests.mutants --list

Exit status: 0 when every mutant was caught, 1 when one was missed, 2 when the list no
longer fits the source (an original text not found once, tests that select nothing) or the
unmutated tests fail.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..checkout import CHECKOUT
from .list import MUTANTS
from .mutant import MutantError
from .runner import run, select


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m parity_tests.mutants", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "-k",
        action="append",
        metavar="WORD",
        help="only mutants whose name contains WORD (repeatable)",
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the selected mutants' diffs and exit"
    )
    parser.add_argument("--list", action="store_true", help="print the selected mutants and exit")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds per pytest run (default 600)"
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the unmutated run of the listed tests"
    )
    args = parser.parse_args(argv)
    if CHECKOUT is None:
        parser.error("needs a source checkout (it copies the repository's folders)")
    mutants = select(MUTANTS, args.k)
    if not mutants:
        parser.error(f"no mutant name contains any of {args.k}")
    try:
        if args.list:
            for m in mutants:
                print(f"{m.name:32}  {m.file}: {m.bug}")
            return 0
        if args.diff:
            for m in mutants:
                print(f"# {m.name}: {m.bug}\n# tests: {' '.join(m.pytest_args())}")
                print(m.diff(CHECKOUT))
            return 0
        return run(
            mutants,
            CHECKOUT,
            timeout=args.timeout,
            baseline=not args.no_baseline,
            xla_cache=CHECKOUT / "build" / "xla-cache",
        )
    except MutantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
