"""``docs/bad-inputs.md``: every area's bad inputs, in one page, with the error each gets.

The rows live with their areas' tests (``parity_tests/<area>/bad_inputs.py``, run by the
area's ``test_bad_inputs.py``); :data:`BAD_INPUTS` joins them in :data:`AREA_MODULES`' order
and :func:`render` turns them into the page, so the page cannot claim an error the tests do
not check. ``test_bad_inputs_page.py`` checks that the page is current.

Regenerate the page, from a source checkout, with ``python -m parity_tests.docs.bad_inputs_page``.
"""

from __future__ import annotations

from types import ModuleType

from ..bad_input import BadInput
from ..checkout import CHECKOUT
from ..cli import bad_inputs as cli_rows
from ..data import bad_inputs as data_rows
from ..functional import bad_inputs as functional_rows
from ..io import bad_inputs as io_rows
from ..nn import bad_inputs as nn_rows
from ..optim import bad_inputs as optim_rows
from ..parallel import bad_inputs as parallel_rows
from ..train import bad_inputs as train_rows

AREA_MODULES: tuple[ModuleType, ...] = (
    cli_rows,
    data_rows,
    nn_rows,
    functional_rows,
    optim_rows,
    io_rows,
    train_rows,
    parallel_rows,
)
"""Every area's table, in the page's order."""

FOLDERS: dict[str, str] = {
    row.id: module.__name__.split(".")[-2] for module in AREA_MODULES for row in module.BAD_INPUTS
}
"""Each row's suite folder (``cli``, ``data``, ...), by id."""

BAD_INPUTS: tuple[BadInput, ...] = tuple(row for m in AREA_MODULES for row in m.BAD_INPUTS)
"""The union of the areas' rows: the page's rows, in its order."""

DOC = CHECKOUT / "docs" / "bad-inputs.md" if CHECKOUT is not None else None
PAGE_MODULE = "parity_tests.docs.bad_inputs_page"
ROW_TEST = "parity_tests/<area>/test_bad_inputs.py::test_bad_input"
DOC_TEST_ID = "parity_tests/docs/test_bad_inputs_page.py::test_doc_matches_table"


def row_test_id(row: BadInput) -> str:
    """The pytest id of the test that runs ``row``."""
    return f"{ROW_TEST.replace('<area>', FOLDERS[row.id])}[{row.id}]"


INTRO = f"""\
# Bad inputs: what you did, what you get

Generated from `parity_tests/*/bad_inputs.py` by `python -m {PAGE_MODULE}`; do not
edit by hand. Each row below is one case of its area's `{ROW_TEST}`: it makes the call (or runs the
command) and checks the error's type and that its message contains the text shown.
`{DOC_TEST_ID}` checks that this page is the table's current rendering.

The `jaxnn` command reports every error as one line on stderr, `jaxnn: error: ...`, never
with a traceback. It exits with code 2 for a user error (a bad flag, file or setting), 3 for a
run whose loss or gradient became NaN or infinite (`--on-nonfinite skip` trains on through such
steps instead), and 1 for a file it could not write (a full disk names the file). `{{tmp}}` in a
command stands for a scratch directory. The library raises the exception shown; where it is one
of jaxnn's own, the built-in type it subclasses follows in parentheses, so `except ValueError`
(or `RuntimeError`) still catches it.
"""


def _code(text: str) -> str:
    if "`" in text or "|" in text:
        raise ValueError(f"a table cell cannot hold a backtick or a pipe: {text!r}")
    return f"`{text}`"


def _outcome(row: BadInput) -> str:
    if row.area == "CLI":
        return f"exit {row.raises}"
    cls = row.raises
    base = next(b for b in cls.__mro__[1:] if b.__module__ == "builtins")
    if cls.__module__ == "builtins":
        return _code(cls.__name__)
    return f"{_code(cls.__name__)} ({_code(base.__name__)})"


def _did(row: BadInput) -> str:
    if row.area != "CLI":
        return row.did
    return f"{row.did}: {_code(' '.join(('jaxnn', *row.trigger)))}"


def render() -> str:
    """``docs/bad-inputs.md``: the intro and one table row per :data:`BAD_INPUTS` entry."""
    lines = [
        INTRO,
        "| area | what the user did | what they get | message | test |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in BAD_INPUTS:
        cells = (
            row.area,
            _did(row).replace("|", "\\|"),
            _outcome(row),
            _code(row.message),
            _code(row_test_id(row)),
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    from twincore.atomic import atomic_write

    if DOC is None:
        raise SystemExit(
            f"{PAGE_MODULE}: writes docs/bad-inputs.md, so run it in a source checkout"
        )
    atomic_write(DOC, render())
    print(f"wrote {DOC.relative_to(CHECKOUT)} ({len(BAD_INPUTS)} bad inputs)")


if __name__ == "__main__":
    main()
