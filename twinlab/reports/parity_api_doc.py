"""Renders the supported-op tables of ``docs/parity-api.md`` from the converter's registry.

``jaxnn.interop.from_torch`` converts the layers in ``LAYERS`` and traces every other module,
looking each call up in ``torch_ops.FUNCTIONS`` and ``torch_ops.METHODS``; the page lists
exactly those, so it cannot claim an op the converter lacks. The text above the generated part
is written by hand.

    python -m twinlab.reports.parity_api_doc [PAGE]
"""

from __future__ import annotations

import sys
from pathlib import Path

from jaxnn.interop import converter, torch_ops
from twincore.atomic import atomic_write

PAGE = Path("docs") / "parity-api.md"
MARK = "<!-- generated below by `python -m twinlab.reports.parity_api_doc`; do not edit -->"


def render() -> str:
    """The generated part of the page: three lists, the layers, functions and methods."""

    def listing(names) -> str:
        return ", ".join(f"`{n}`" for n in sorted(names))

    functions = {name for name in torch_ops.FUNCTIONS}
    return "\n".join(
        [
            MARK,
            "",
            "### Layers converted to their jaxnn twins",
            "",
            listing(f"torch.nn.{n}" for n in converter.LAYERS)
            + ", and the containers `torch.nn.Sequential`, `torch.nn.ModuleList`, "
            "`torch.nn.ModuleDict`.",
            "",
            f"### Functions a traced `forward` may call ({len(functions)})",
            "",
            listing(functions),
            "",
            f"### Tensor methods a traced `forward` may call ({len(torch_ops.METHODS)})",
            "",
            listing(f".{n}()" for n in torch_ops.METHODS),
            "",
        ]
    )


def page(current: str) -> str:
    """``current`` with its generated part replaced by :func:`render`."""
    head = current.split(MARK)[0].rstrip("\n")
    return f"{head}\n\n{render()}"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else PAGE
    atomic_write(path, page(path.read_text()))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
