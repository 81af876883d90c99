"""The bad-input sweep as a whole (issue 7, item 4): the areas' tables and ``docs/bad-inputs.md``.

Each area's ``test_bad_inputs.py`` runs its rows; here the union of the rows is checked to be
well formed, to cover every area's table, and to be what the page shows.
"""

import re

from ..bad_input import AREAS, EXIT_DIVERGED, EXIT_USAGE, EXIT_WRITE
from ..checkout import SUITE, needs_checkout
from . import bad_inputs_page
from .bad_inputs_page import AREA_MODULES, BAD_INPUTS

FOLDER_AREAS = {
    "cli": {"CLI"},
    "data": {"data"},
    "nn": {"nn"},
    "functional": {"functional"},
    "optim": {"optim"},
    "io": {"interop", "checkpoint"},
    "train": {"train"},
    "parallel": {"train"},
}
"""The page areas each suite folder's rows may have."""


def test_table_rows_are_well_formed():
    ids = [row.id for row in BAD_INPUTS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for row in BAD_INPUTS:
        assert row.area in AREAS, row.id
        assert row.area in FOLDER_AREAS[bad_inputs_page.FOLDERS[row.id]], row.id
        assert re.fullmatch(r"[a-z0-9-]+", row.id), row.id
        assert row.message and "\n" not in row.did, row.id
        if row.area == "CLI":
            assert isinstance(row.trigger, tuple), row.id
            assert row.raises in (EXIT_USAGE, EXIT_DIVERGED, EXIT_WRITE), row.id
        else:
            assert callable(row.trigger), row.id
            assert isinstance(row.raises, type) and issubclass(row.raises, Exception), row.id
    assert {row.area for row in BAD_INPUTS} == set(AREAS)
    # Every area's table is on the page, and every table has its test module.
    tables = {path.parent.name for path in SUITE.glob("*/bad_inputs.py")}
    assert tables == {m.__name__.split(".")[-2] for m in AREA_MODULES}
    assert all((SUITE / folder / "test_bad_inputs.py").is_file() for folder in tables)


@needs_checkout
def test_doc_matches_table():
    """docs/bad-inputs.md is generated from the areas' tables; regenerate it if this fails."""
    assert bad_inputs_page.DOC.read_text() == bad_inputs_page.render(), (
        f"docs/bad-inputs.md is stale: run `python -m {bad_inputs_page.PAGE_MODULE}`"
    )
