"""The console the command prints to: where it cannot encode the report's symbols (a cp1252
Windows console, ``LANG=C``), they print as ASCII instead of ending the run in an error."""

from __future__ import annotations

import codecs
import sys

ASCII = {
    "Δ": "D",
    "−": "-",
    "×": "x",
    "…": "...",
    "≤": "<=",
    "≥": ">=",
    "·": "*",
    "±": "+-",
    "√": "sqrt",
    "↔": "<->",
    "→": "->",
}
"""The reports' symbols and their ASCII stand-ins; anything else unencodable prints as '?'."""


def _to_ascii(error: UnicodeError) -> tuple[str, int]:
    text = error.object[error.start : error.end]
    return "".join(ASCII.get(c, "?") for c in text), error.end


codecs.register_error("jaxnn-ascii", _to_ascii)


def fall_back_to_ascii() -> None:
    """Makes stdout and stderr print what their encoding lacks as ASCII (see :data:`ASCII`)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "".join(ASCII).encode(encoding)
        except (UnicodeEncodeError, LookupError):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="jaxnn-ascii")
