"""A checkpointed run dies at each of its crash points in turn, and resuming it loses nothing.

Every write of a checkpointed ``jaxnn run`` passes a named crash point
(``twincore.crashpoints``): each phase of each file's atomic write (``run.json``, the
progress records, ``metrics.json``, ``curves.png``, the parameters' safetensors) and each step
of saving a train state. (``predictions.png``, written after ``curves.png`` for an image
classifier, passes its three points the same way; ``toy_classifier`` has no images, so its
run writes none: ``parity_tests/report/test_predictions.py`` checks that file's points.)
Here a child process (forked with its imports done, ``parity_tests/preloaded.py``) runs the
command and is killed with SIGKILL at one point (no cleanup,
as a power cut or the OOM killer would); the run is then resumed (or, where it died before
``run.json`` was whole, started again) and must end with the parameters and losses of the
uninterrupted run, byte for byte, and no temporary file left anywhere. The model is SQLite's
crash testing: every point, not one random moment.

SIGTERM at the points where a temporary file or directory exists must leave none behind: the
command turns it into an exception that every write cleans up after (exit code 143).
"""

import json
import shutil
import signal
from pathlib import Path

import pytest

from twincore import crashpoints
from twincore.atomic import TEMPORARY
from twinlab import cli

from .. import preloaded
from ..checkout import CHECKOUT, needs_checkout

NAME = "toy_classifier"
RUN = ["run", NAME, "--framework", "jax", "--checkpoint-every", "2"]
"""3 epochs of 2 batches: train states at steps 2, 4 and 6."""


def _file(name: str) -> list[str]:
    return [f"{name}: created", f"{name}: synced", f"{name}: replaced"]


def _checkpoint(step: int) -> list[str]:
    states = [f"checkpoint {step}: {p}" for p in ("started", "state written", "committed")]
    return states + _file(f"{step}.json")


POINTS = [
    *_file("run.json"),
    *_checkpoint(2),
    *_checkpoint(4),
    *_checkpoint(6),
    *_file("metrics.json"),
    *_file("curves.png"),
    *_file("params-jax.safetensors"),
]
"""The crash points of the uninterrupted run, in the order it passes them."""

CHILD = r"""
import json, sys
import jax

# The children compile the same steps: share the compiled programs between them.
jax.config.update("jax_compilation_cache_dir", sys.argv[1])
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
from twincore import crashpoints
from twinlab import cli

n, how, points = int(sys.argv[2]), sys.argv[3], sys.argv[4]
if n:
    crashpoints.die_at(n, how)
else:
    crashpoints.record()
sys.argv = ["jaxnn", *sys.argv[5:]]
try:
    code = cli.main()  # as the console command: its SIGINT and SIGTERM handling included
finally:
    Path = __import__("pathlib").Path
    Path(points).write_text(json.dumps(crashpoints.passed()))
sys.exit(code)
"""


def _child(cache: Path, out: Path, argv: list[str], n: int = 0, how: str = "kill"):
    points = out.parent / f"{out.name}-points.json"
    proc = preloaded.run(["-c", CHILD, str(cache), str(n), how, str(points), *argv])
    passed = json.loads(points.read_text()) if points.exists() else None
    return proc, passed


def _outcome(out: Path) -> tuple[bytes, list[float]]:
    params = (out / "params-jax.safetensors").read_bytes()
    return params, json.loads((out / "metrics.json").read_text())["jax"]["loss"]


def _leftovers(out: Path) -> list[str]:
    return [
        str(p.relative_to(out))
        for p in out.rglob("*")
        if TEMPORARY.fullmatch(p.name) or "orbax-checkpoint-tmp" in p.name
    ]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("compiled")


@pytest.fixture(scope="module")
def whole(cache, tmp_path_factory) -> tuple[bytes, list[float]]:
    """The uninterrupted run's parameters and losses; it passes exactly :data:`POINTS`."""
    out = tmp_path_factory.mktemp("whole") / "run"
    proc, passed = _child(cache, out, [*RUN, "--out", str(out)])
    assert proc.returncode == 0, proc.stderr
    assert passed == POINTS, "the run's writes changed: update POINTS (and this docstring)"
    return _outcome(out)


def _resume(out: Path, capsys) -> str:
    """Resumes the run in ``out`` as a user would: ``--resume`` once ``run.json`` is whole,
    else the same command again. Returns what it printed on stderr."""
    argv = ["run", NAME, "--resume", str(out)]
    if not (out / "run.json").exists():
        argv = [*RUN, "--out", str(out)]
    capsys.readouterr()
    assert cli.main(argv) == 0, capsys.readouterr().err
    return capsys.readouterr().err


@pytest.mark.parametrize("point", range(1, len(POINTS) + 1), ids=POINTS)
def test_killed_at_each_crash_point_the_resumed_run_ends_byte_identical(
    point, cache, whole, tmp_path, capsys
):
    out = tmp_path / "run"
    proc, passed = _child(cache, out, [*RUN, "--out", str(out)], n=point, how="kill")
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert passed is None  # it died at the point, before it could say what it passed
    _resume(out, capsys)
    assert _outcome(out) == whole
    assert _leftovers(out) == []


def test_a_step_left_behind_is_replaced_and_a_crash_while_replacing_it_loses_nothing(
    cache, whole, tmp_path, capsys
):
    # Killed right after step 4's state was committed, before its progress record: the
    # resumed run replays from step 2 and saves step 4 again over the one left behind.
    out = tmp_path / "run"
    n = POINTS.index("checkpoint 4: committed") + 1
    proc, _ = _child(cache, out, [*RUN, "--out", str(out)], n=n, how="exit")  # os._exit
    assert proc.returncode == crashpoints.CRASH_EXIT
    assert (out / "checkpoints" / "4").is_dir() and not (out / "progress" / "4.json").exists()
    # The resume itself dies while it replaces step 4: its third point, after the old state
    # was set aside and before the new one is in place. The next resume finishes.
    resume = ["run", NAME, "--resume", str(out)]
    proc, _ = _child(cache, out, resume, n=3)
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "checkpoints" / "4").exists() and _leftovers(out)
    proc, passed = _child(cache, out, resume)
    assert proc.returncode == 0, proc.stderr
    assert passed[:3] == [f"checkpoint 4: {p}" for p in ("started", "state written", "committed")]
    assert _outcome(out) == whole
    assert _leftovers(out) == []


LEAVE_TEMPORARIES = [
    i + 1
    for i, p in enumerate(POINTS)
    if p.endswith((": created", ": synced", ": started", ": state written"))
]
"""The points at which a temporary file or directory exists."""


@pytest.mark.parametrize("point", LEAVE_TEMPORARIES, ids=[POINTS[i - 1] for i in LEAVE_TEMPORARIES])
def test_sigterm_at_a_write_leaves_no_temporary_file(point, cache, whole, tmp_path, capsys):
    out = tmp_path / "run"
    proc, _ = _child(cache, out, [*RUN, "--out", str(out)], n=point, how="term")
    assert proc.returncode == 143, proc.stderr
    assert proc.stderr.splitlines()[-1] == "jaxnn: terminated"
    assert "Traceback" not in proc.stderr
    assert _leftovers(out) == []


def test_damaged_newest_checkpoints_fall_back_to_the_newest_intact_one(whole, tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main([*RUN, "--out", str(out)]) == 0
    (out / "checkpoints" / "6" / "default" / "_METADATA").write_bytes(b"")  # cut short
    (out / "progress" / "4.json").write_text('{"step": 4, "losses": [')  # cut short
    for name in ("metrics.json", "params-jax.safetensors"):
        (out / name).unlink()
    err = _resume(out, capsys).splitlines()
    assert len(err) == 2, err
    assert err[0].startswith(f"jaxnn: warning: {out}: the checkpoint for step 6 is damaged (")
    assert err[0].endswith("); resuming from step 4")
    assert err[1].startswith(f"jaxnn: warning: {out}: the checkpoint for step 4 is damaged (")
    assert "progress/4.json is unreadable" in err[1] and err[1].endswith("resuming from step 2")
    assert _outcome(out) == whole


def test_a_run_with_no_checkpoint_left_says_it_restarts_from_step_0(whole, tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main([*RUN, "--out", str(out)]) == 0
    shutil.rmtree(out / "checkpoints")
    err = _resume(out, capsys)
    assert err == (
        f"jaxnn: warning: {out}: the checkpoints of steps [2, 4, 6] are gone: training "
        "restarts from step 0\n"
    )
    assert _outcome(out) == whole
    shutil.rmtree(out / "checkpoints")
    shutil.rmtree(out / "progress")
    err = _resume(out, capsys)
    assert err.startswith(f"jaxnn: warning: {out} holds no checkpoint")
    assert err.endswith("training restarts from step 0\n")
    assert _outcome(out) == whole


@pytest.mark.parametrize(
    "edit, message",
    [
        ({"dtype": "float64"}, "dtype is 'float64' in run.json, 'float32' in the checkpoint"),
        ({"lr": 0.25}, "lr is 0.25 in run.json, 0.5 in the checkpoint"),
    ],
)
def test_resume_refuses_a_run_json_that_does_not_match_its_checkpoint(
    edit, message, tmp_path, capsys
):
    out = tmp_path / "run"
    assert cli.main([*RUN, "--out", str(out)]) == 0
    saved = json.loads((out / "run.json").read_text())
    saved["config"].update(edit)
    saved["dtype"] = saved["config"]["dtype"]
    (out / "run.json").write_text(json.dumps(saved))
    capsys.readouterr()
    assert cli.main(["run", NAME, "--resume", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"jaxnn: error: --resume {out}: run.json does not match the ")
    assert message in err and err.count("\n") == 1


def test_crash_points_are_inert_unless_armed():
    assert crashpoints.passed() == []
    crashpoints.crash_point("nothing happens")
    assert crashpoints.passed() == []
    with pytest.raises(ValueError, match="how in"):
        crashpoints.die_at(1, "softly")


@needs_checkout
def test_the_docs_give_the_number_of_crash_points_tested():
    doc = " ".join((CHECKOUT / "docs" / "checkpoints.md").read_text().split())
    assert f"at each of the {len(POINTS)} points of a run" in doc
    assert f"at each of the {len(LEAVE_TEMPORARIES)} points where a temporary" in doc
    readme = " ".join((CHECKOUT / "README.md").read_text().split())
    assert f"at each of its {len(POINTS)} writes" in readme
