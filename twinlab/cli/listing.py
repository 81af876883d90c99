"""``jaxnn list``: every worked example, what it trains on and what it prints."""

from __future__ import annotations

import argparse

from jaxnn_examples import EXAMPLES


def list_command(args: argparse.Namespace) -> int:
    width = max(len(n) for n in EXAMPLES)
    for ex in EXAMPLES.values():
        print(f"{ex.name:<{width}}  {ex.title}")
        print(f"{'':<{width}}    source: {ex.source}; model: {ex.model}")
        print(f"{'':<{width}}    data: {ex.data}")
        print(f"{'':<{width}}    prints: {ex.prints}")
    return 0
