"""``jaxnn list``: one line per example that fits the terminal; ``--verbose`` adds the source
lines and example ids, with the legend that explains them."""

import re

import pytest

from jaxnn_examples import EXAMPLES
from jaxnn_examples.sources import LEGEND, SOURCES
from twinlab import cli
from twinlab.cli.listing import split_title


def _listing(capsys, monkeypatch, columns: int, *argv: str) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))  # what shutil.get_terminal_size reads first
    assert cli.main(["list", *argv]) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_list_is_one_line_per_example_within_the_terminal_width(capsys, monkeypatch, columns):
    lines = _listing(capsys, monkeypatch, columns)
    assert all(len(line) <= columns for line in lines), max(lines, key=len)
    rows = [line for line in lines if line.split(" ", 1)[0] in EXAMPLES]
    assert [row.split(" ", 1)[0] for row in rows] == list(EXAMPLES)  # each once, in order
    header = lines.index(rows[0]) - 1
    assert lines[header].startswith("example ") and "what it teaches" in lines[header]
    assert len(lines) == header + 1 + len(EXAMPLES)  # nothing but the rows after the header
    # No source lines or example ids without --verbose: nothing left unexplained.
    assert not [row for row in rows if re.search(r"\bS[0-4] \d|\(E\d\d", row)]


def test_list_rows_show_name_what_it_teaches_and_model(capsys, monkeypatch):
    lines = _listing(capsys, monkeypatch, 400)  # wide enough to cut nothing but the title
    row = next(line for line in lines if line.startswith("toy_classifier "))
    assert "toy classifier, the recap training loop" in row
    assert row.rstrip().endswith(EXAMPLES["toy_classifier"].model)
    assert "…" not in row
    # The columns line up: every model starts where the header's "model" does.
    header = next(line for line in lines if line.startswith("example "))
    start = header.index("model")
    for name, example in EXAMPLES.items():
        row = next(line for line in lines if line.startswith(f"{name} "))
        assert row[start:] == example.model, name


def test_list_verbose_adds_sources_example_ids_and_the_legend(capsys, monkeypatch):
    lines = _listing(capsys, monkeypatch, 400, "--verbose")
    text = "\n".join(lines)
    assert LEGEND in lines
    for tag in SOURCES:
        assert any(line.startswith(f"{tag}  ") for line in lines), tag
    toy = EXAMPLES["toy_classifier"]
    assert f"toy_classifier  toy classifier, the recap training loop  (E18; {toy.source})" in text
    assert f"    data: {toy.data}" in text and f"    prints: {toy.prints}" in text


def test_split_title_takes_off_the_example_id():
    assert split_title("toy classifier, the recap training loop (E18)") == (
        "toy classifier, the recap training loop",
        "E18",
    )
    assert split_title("no id here") == ("no id here", "")
    assert all(split_title(ex.title)[1].startswith("E") for ex in EXAMPLES.values())
