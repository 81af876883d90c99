"""``jaxnn check FILE.py:NAME``: a model of one's own against its automatic JAX twin."""

import re
import textwrap

import pytest

from twinlab import cli

MODELS = textwrap.dedent(
    """
    import torch
    from torch import nn


    class Net(nn.Module):
        def __init__(self, classes=10):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 3)
            self.pool = nn.MaxPool2d(2)
            self.fc = nn.Linear(4 * 3 * 3, classes)

        def forward(self, x):
            x = self.pool(torch.relu(self.conv(x)))
            return self.fc(x.flatten(1))


    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(50, 8)
            self.gru = nn.GRU(8, 8, batch_first=True)
            self.out = nn.Linear(8, 5)

        def forward(self, tokens):
            h, _ = self.gru(self.embed(tokens))
            return self.out(h).permute(0, 2, 1)  # (N, classes, T) for cross_entropy


    def make_noisy():  # dropout in training mode: masks never match across frameworks
        return nn.Sequential(nn.Dropout(0.5), nn.Linear(6, 3))
    """
)


@pytest.fixture
def models(tmp_path):
    path = tmp_path / "mymodels.py"
    path.write_text(MODELS)
    return path


def test_check_compares_forward_gradients_and_curve_in_both_dtypes(models, tmp_path, capsys):
    html = tmp_path / "report" / "check.html"
    argv = ["check", f"{models}:Net", "--input-shape", "4,1,8,8", "--loss", "cross_entropy"]
    argv += ["--optimizer", "adam", "--steps", "20", "--html", str(html)]
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    for dtype in ("float64", "float32"):
        assert f"forward pass, {dtype}" in out
        assert f"gradients under cross_entropy, {dtype}" in out
        assert f"20 steps of adam(lr=0.01) under cross_entropy, {dtype}" in out
        assert f"checking {dtype}: gradients under cross_entropy ..." in err
    assert re.search(r"gradient\s+conv\.weight\s+4x1x3x3", out) and "FAIL" not in out
    assert out.rstrip().endswith("every tensor within its tolerance")
    assert html.read_text().count("<table>") == 6


def test_check_takes_token_inputs(models, capsys):
    argv = ["check", f"{models}:Tagger", "--input-shape", "3,7", "--input-dtype", "int64"]
    argv += ["--input-range", "0,50", "--loss", "cross_entropy", "--steps", "5"]
    assert cli.main([*argv, "--dtype", "float64"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"gradient\s+embed\.weight\s+50x8", out) and "input 0" not in out


def test_a_model_that_differs_exits_1_naming_the_worst_tensor(models, capsys):
    argv = ["check", f"{models}:make_noisy", "--input-shape", "5,6", "--dtype", "float64"]
    assert cli.main([*argv, "--steps", "2"]) == 1
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last.startswith("jaxnn: check failed: ") and "worst: " in last
    assert "JAX " in last and "torch " in last
