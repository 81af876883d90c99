"""The command's bad inputs (``bad_inputs.py``): exit code 2, one ``jaxnn: error:`` line, no
traceback."""

import pytest

from ..bad_input import BadInput, cases, check
from .bad_inputs import BAD_INPUTS


@pytest.mark.parametrize("row", cases(BAD_INPUTS))
def test_bad_input(row: BadInput, tmp_path, capsys):
    check(row, tmp_path, capsys)
