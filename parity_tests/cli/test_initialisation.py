"""``jaxnn run NAME --framework jax`` starts where the JAX column of ``--framework both`` does:
from torch's draw when torch is installed, and says where its parameters came from."""

import json

import pytest

from twincore import harness
from twinlab import cli
from twinlab.cli import checks


def _losses(out, side: str) -> list[float]:
    return json.loads((out / "metrics.json").read_text())[side]["loss"]


@pytest.mark.parametrize("name", ["toy_classifier", "adam_vs_sgd"])  # one model; two in a row
def test_jax_alone_gives_the_jax_column_of_both(name, tmp_path, capsys, x64):
    both, alone = tmp_path / "both", tmp_path / "alone"
    argv = ["run", name, "--dtype", "float64", "--out"]
    assert cli.main([*argv, str(both), "--framework", "both"]) == 0
    assert cli.main([*argv, str(alone), "--framework", "jax"]) == 0
    out = capsys.readouterr().out
    assert "initialised from torch's draw (torch.manual_seed(" in out
    expected = _losses(both, "jax")
    harness.assert_equal(_losses(alone, "jax"), expected)  # the same program from the same start
    assert len(expected) > 1


def test_jax_alone_without_torch_says_jaxnn_initialised_it(monkeypatch, capsys):
    # A process where torch cannot be imported: parity_tests/cli/test_cli.py's
    # test_run_jax_works_without_torch.
    monkeypatch.setattr(checks, "torch_installed", lambda: False)
    assert cli.main(["run", "toy_classifier", "--framework", "jax", "--epochs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "initialised by jaxnn (torch not installed): the curve will differ from --framework both"
    )
