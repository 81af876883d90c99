"""The bad-input sweep (issue 7, item 4): the row type and the runner its areas share.

Each area's ``parity_tests/<area>/bad_inputs.py`` holds a table ``BAD_INPUTS`` of
:class:`BadInput` rows, what a user can get wrong there and the error they get; the area's
``test_bad_inputs.py`` runs every row with :func:`check`. ``parity_tests/docs/bad_inputs_page.py``
joins the areas' tables into ``docs/bad-inputs.md``, so the page cannot claim an error the
tests do not check.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from twinlab import cli

AREAS = ("CLI", "data", "nn", "functional", "optim", "interop", "checkpoint", "train")
"""The page's area column, in the page's order."""
EXIT_USAGE = 2
EXIT_DIVERGED = 3
EXIT_WRITE = 1


@dataclass(frozen=True)
class BadInput:
    """One bad input and the error it must produce.

    Attributes:
      id: short slug; the pytest id of the row.
      area: one of :data:`AREAS`.
      did: what the user did, in one line of plain English.
      trigger: for ``area == "CLI"`` the argv for ``twinlab.cli.main`` (``{tmp}`` stands for a
        fresh temporary directory); otherwise a callable taking that directory and making the
        one jaxnn call that must raise.
      raises: the exception type (API) or the exit code (CLI): :data:`EXIT_USAGE`,
        :data:`EXIT_DIVERGED` for a run that diverged, :data:`EXIT_WRITE` for a failed write.
      message: a fragment the error message must contain, verbatim.
      setup: writes the files the row needs into the temporary directory, before the call
        (so a failure while preparing them cannot pass for the expected error).
      after: checks, once the error is in, that the bad input had no effect it must not have.
      during: a context the call runs in, for trouble that is not an argument (a full disk).
    """

    id: str
    area: str
    did: str
    trigger: tuple[str, ...] | Callable[[Path], Any]
    raises: type[BaseException] | int
    message: str
    setup: Callable[[Path], None] | None = None
    after: Callable[[Path], None] | None = None
    during: Callable[[], AbstractContextManager] | None = None


def cases(
    rows: Sequence[BadInput], components: Mapping[str, pytest.MarkDecorator] | None = None
) -> list[Any]:
    """One pytest parameter per row, with the row's id.

    ``components`` (library areas) maps id prefixes to the ``component`` marker of what the
    rows test; each row gets the marker of its longest matching prefix. A row that no prefix
    matches, or a prefix that matches no row, is an error: a new row cannot go uncounted in
    the parity table, and the map cannot outlive its rows.
    """
    params, used = [], set()
    for row in rows:
        marks = ()
        if components is not None:
            prefixes = [p for p in components if row.id.startswith(p)]
            if not prefixes:
                raise ValueError(f"bad input {row.id!r}: no component prefix matches its id")
            prefix = max(prefixes, key=len)
            used.add(prefix)
            marks = (components[prefix],)
        params.append(pytest.param(row, id=row.id, marks=marks))
    unused = sorted(set(components or ()) - used)
    if unused:
        raise ValueError(f"component prefixes that match no bad input: {unused}")
    return params


def check(row: BadInput, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Makes the row's bad call and checks its error.

    API rows must raise the row's exception type with its message fragment; CLI rows must end
    ``twinlab.cli.main`` with the row's exit code (2 for bad input, 3 for a run that diverged,
    1 for a file it could not write)
    and exactly one ``jaxnn: error:`` line on stderr holding the fragment, and no traceback.
    """
    if row.setup is not None:
        row.setup(tmp_path)
    capsys.readouterr()  # what the setup printed
    during = row.during() if row.during is not None else contextlib.nullcontext()
    if row.area == "CLI":
        argv = [arg.replace("{tmp}", str(tmp_path)) for arg in row.trigger]
        with during:
            assert cli.main(argv) == row.raises
        err = capsys.readouterr().err
        assert "Traceback" not in err, err
        lines = err.splitlines()
        assert len(lines) == 1 and err.endswith("\n"), err
        assert lines[0].startswith("jaxnn: error: "), err
        assert row.message in lines[0], err
    else:
        with during, pytest.raises(row.raises, match=re.escape(row.message)):
            row.trigger(tmp_path)
    if row.after is not None:
        row.after(tmp_path)
