"""The wheel installs the project's own import names and nothing else, and what it installs
runs outside a checkout: ``jaxnn list``, ``jaxnn run`` and ``jaxnn parity`` from another
directory, with the checkout out of reach."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ..checkout import CHECKOUT, needs_checkout

pytestmark = needs_checkout

IMPORT_NAMES = {"twincore", "jaxnn", "torch_ref", "twinlab", "jaxnn_examples", "jaxnn_parity_tests"}
SOURCES = {  # import name -> its folder in the checkout
    "twincore": "twincore",
    "jaxnn": "jaxnn",
    "torch_ref": "torch_ref",
    "twinlab": "twinlab",
    "jaxnn_examples": "examples",
    "jaxnn_parity_tests": "parity_tests",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy without the checkout's build/ and egg-info: setuptools never cleans
    # build/lib, so a module deleted since the last build would otherwise ship.
    source = tmp_path_factory.mktemp("source") / "jaxnn"

    def ignore(directory: str, names: list[str]) -> set[str]:
        left_out = {n for n in names if n.startswith(".") or n == "__pycache__"}
        if Path(directory) == CHECKOUT:
            left_out |= {n for n in names if n in ("build", "docs") or n.endswith(".egg-info")}
        return left_out

    shutil.copytree(CHECKOUT, source, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (path,) = out.glob("jaxnn-*.whl")
    return path


def test_wheel_holds_only_the_projects_import_names_and_every_package(wheel):
    files = set(zipfile.ZipFile(wheel).namelist())
    top = {f.split("/")[0] for f in files if ".dist-info/" not in f}
    assert top == IMPORT_NAMES
    missing = []
    for name, folder in SOURCES.items():
        for init in (CHECKOUT / folder).rglob("__init__.py"):
            relative = init.relative_to(CHECKOUT / folder).as_posix()
            if "__pycache__" not in relative and f"{name}/{relative}" not in files:
                missing.append(f"{folder}/{relative}")
    assert not missing, f"packages left out of the wheel (pyproject's packages list): {missing}"
    data = [
        "twincore/data/bundled/digits28.npz",
        "jaxnn_examples/lessons/01_tensors.py",
        "twinlab/reports/templates/report.html.j2",
    ]
    assert all(f in files for f in data), [f for f in data if f not in files]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict[str, str]:
    """The wheel installed alone into a folder of its own; the environment to run it with."""
    target = tmp_path_factory.mktemp("site")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target)]
        + [str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    # The installed folder comes first on the path, ahead of the checkout's editable install.
    env = dict(os.environ, PYTHONPATH=str(target), JAX_PLATFORMS="cpu")
    return {"target": str(target), **env}


def _jaxnn(installed: dict[str, str], cwd: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in installed.items() if k != "target"}
    script = Path(installed["target"]) / "bin" / "jaxnn"
    return subprocess.run(
        [sys.executable, str(script), *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_installed_wheel_runs_outside_the_checkout(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in installed.items() if k != "target"}
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, jaxnn, twinlab, jaxnn_examples, jaxnn_parity_tests"
            "; print(json.dumps([m.__file__ for m in (jaxnn, twinlab, jaxnn_examples, "
            "jaxnn_parity_tests)]))",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert where.returncode == 0, where.stderr
    assert all(p.startswith(installed["target"]) for p in json.loads(where.stdout)), where.stdout

    listed = _jaxnn(installed, elsewhere, "list")
    assert listed.returncode == 0 and "toy_classifier" in listed.stdout, listed.stderr

    run = _jaxnn(
        installed,
        elsewhere,
        "run",
        "toy_classifier",
        "--framework",
        "both",
        "--dtype",
        "float64",
        "--out",
        "r",
    )
    assert run.returncode == 0, run.stderr[-3000:]
    metrics = json.loads((elsewhere / "r" / "metrics.json").read_text())
    assert metrics["max_rel_loss_diff"] < 1e-12

    parity = _jaxnn(installed, elsewhere, "parity", "-k", "test_linear_forward_and_gradients")
    assert parity.returncode == 0, parity.stdout[-3000:] + parity.stderr[-3000:]
    assert installed["target"] in parity.stdout  # the installed suite ran
    assert "nn.Linear" in parity.stdout and "pass" in parity.stdout
    records = elsewhere / "build" / "parity" / "records"
    assert any(records.glob("outcomes-*.jsonl"))

    # A new user's own model, compared with its automatic JAX twin in one command.
    (elsewhere / "mine.py").write_text(
        "import torch\n"
        "class Mine(torch.nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.a, self.b = torch.nn.Linear(5, 8), torch.nn.Linear(8, 3)\n"
        "    def forward(self, x):\n"
        "        return self.b(torch.tanh(self.a(x)) + x.mean(dim=1, keepdim=True))\n"
    )
    check = _jaxnn(installed, elsewhere, "check", "mine.py:Mine", "--input-shape", "4,5")
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-3000:]
    assert "20 steps of sgd(lr=0.01) under mse_loss, float32" in check.stdout
    assert check.stdout.rstrip().endswith("every tensor within its tolerance")
