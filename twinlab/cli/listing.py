"""``jaxnn list``: every worked example on one line (name, what it teaches, model), cut to the
terminal's width; ``--verbose`` adds its notebook lines, example id, data and printed output."""

from __future__ import annotations

import argparse
import re
import shutil
import textwrap

from jaxnn_examples import EXAMPLES
from jaxnn_examples.example import Example
from jaxnn_examples.sources import LEGEND, describe

TITLE_WIDTH = 52
"""The widest "teaches" column; longer titles are cut (whole with --verbose)."""

_EXAMPLE_ID = re.compile(r"\s*\((E\d+[^)]*)\)\s*$")


def add_list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="each example's notebook lines and example id, data and what it prints",
    )


def split_title(title: str) -> tuple[str, str]:
    """``("toy classifier, the recap training loop", "E18")`` from a title ending in its
    example id; ``(title, "")`` for one without."""
    match = _EXAMPLE_ID.search(title)
    if match is None:
        return title, ""
    return title[: match.start()], match.group(1)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, a cut marked with "…"."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def list_lines(examples: list[Example], width: int, *, verbose: bool = False) -> list[str]:
    """The listing: a header, then one line per example no wider than ``width``."""
    if verbose:  # a block per example, wrapped rather than cut: nothing left out
        lines = []
        for ex in examples:
            teaches, example_id = split_title(ex.title)
            lines.append(f"{ex.name}  {teaches}  ({example_id or '-'}; {ex.source})")
            for key, value in (("model", ex.model), ("data", ex.data), ("prints", ex.prints)):
                lines += textwrap.wrap(
                    f"{key}: {value}",
                    max(width, 40),
                    initial_indent="    ",
                    subsequent_indent="      ",
                )
        return lines
    name_width = max(len(ex.name) for ex in examples)
    # What it teaches gets three fifths of what the name leaves, the model the rest.
    teaches_width = min(
        TITLE_WIDTH,
        max(len(split_title(ex.title)[0]) for ex in examples),
        max(16, (width - name_width - 4) * 3 // 5),
    )
    lines = [
        fit(f"{'example':<{name_width}}  {'what it teaches':<{teaches_width}}  model", width),
    ]
    for ex in examples:
        teaches, _ = split_title(ex.title)
        row = f"{ex.name:<{name_width}}  {fit(teaches, teaches_width):<{teaches_width}}  {ex.model}"
        lines.append(fit(row, width))
    return lines


def list_command(args: argparse.Namespace) -> int:
    verbose = getattr(args, "verbose", False)
    width = shutil.get_terminal_size().columns
    print(fit(f"{len(EXAMPLES)} worked examples; 'jaxnn run NAME' runs one.", width))
    if verbose:
        print("\n".join(textwrap.wrap(LEGEND, max(width, 40))))
        print(describe())
    else:
        print(fit("--verbose: each one's notebook lines, example id, data and output.", width))
    print()
    for line in list_lines(list(EXAMPLES.values()), width, verbose=verbose):
        print(line)
    return 0
