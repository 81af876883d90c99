"""The bad-input sweep (issue 7, item 4): every row of ``parity_tests.bad_inputs.BAD_INPUTS``.

API rows must raise the row's exception type with its message fragment; CLI rows must end
``twinlab.cli.main`` with exit code 2 and exactly one ``jaxnn: error:`` line on stderr holding the
fragment, and no traceback. ``docs/bad-inputs.md`` must be the table's current rendering.
"""

import re

import pytest

from twinlab import cli

from .. import bad_inputs
from ..bad_inputs import AREAS, BAD_INPUTS, EXIT_USAGE, BadInput


@pytest.mark.parametrize("row", BAD_INPUTS, ids=[row.id for row in BAD_INPUTS])
def test_bad_input(row: BadInput, tmp_path, capsys):
    if row.setup is not None:
        row.setup(tmp_path)
    if row.area == "CLI":
        argv = [arg.replace("{tmp}", str(tmp_path)) for arg in row.trigger]
        assert cli.main(argv) == EXIT_USAGE
        err = capsys.readouterr().err
        assert "Traceback" not in err, err
        lines = err.splitlines()
        assert len(lines) == 1 and err.endswith("\n"), err
        assert lines[0].startswith("jaxnn: error: "), err
        assert row.message in lines[0], err
    else:
        with pytest.raises(row.raises, match=re.escape(row.message)):
            row.trigger(tmp_path)
    if row.after is not None:
        row.after(tmp_path)


def test_table_rows_are_well_formed():
    ids = [row.id for row in BAD_INPUTS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for row in BAD_INPUTS:
        assert row.area in AREAS, row.id
        assert re.fullmatch(r"[a-z0-9-]+", row.id), row.id
        assert row.message and "\n" not in row.did, row.id
        if row.area == "CLI":
            assert isinstance(row.trigger, tuple) and row.raises == EXIT_USAGE, row.id
        else:
            assert callable(row.trigger), row.id
            assert isinstance(row.raises, type) and issubclass(row.raises, Exception), row.id
    assert {row.area for row in BAD_INPUTS} == set(AREAS)


def test_doc_matches_table():
    """docs/bad-inputs.md is generated from the table; regenerate it if this fails."""
    assert bad_inputs.DOC.read_text() == bad_inputs.render(), (
        "docs/bad-inputs.md is stale: run `python -m parity_tests.bad_inputs`"
    )
