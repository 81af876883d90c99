"""Saves killed with SIGKILL midway leave the previous checkpoint whole (issue 7, item 1).

The notebooks' ``torch.save(model.state_dict(), 'model.pth')`` (S4 1346, 2176) overwrites the
file in place: a run killed during the write leaves half a file. jaxnn writes every file
through ``twincore.atomic.atomic_write`` (a temporary file beside the target, fsync, rename)
and ``save_train_state`` has orbax write each step into ``.<step>.<random>.tmp`` before
renaming it.

Each test starts a child process that saves over an existing good checkpoint and tells
this process, through its stdout, where it is; this process kills it with SIGKILL either at
a chosen point (half of the bytes written; everything written but not yet renamed) or after
a randomised delay from the start of the save. Afterwards the previous checkpoint loads bit
for bit, or, when the kill came after the rename, the complete new one does: never a mix.
What a kill may leave behind is a temporary file or directory under a name no loader reads
(``.<name>.<random>.tmp``, for files and for a train state's step alike); the tests check
that too.
"""

import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import jax
import numpy as np
import pytest
from flax import nnx

import jaxnn
from jaxnn import checkpoint as jck
from twincore import harness
from twincore.atomic import TEMPORARY

from ..io.components import CHECKPOINTS

pytestmark = CHECKPOINTS

# Large enough that writing and fsyncing it takes a while (32 MiB of float32).
N = 8 * 1024 * 1024
# Linear(2048, 2048) with SGD momentum: 2 x 16 MiB of float32 in the orbax checkpoint.
WIDTH = 2048
SEED = 7  # the randomised delays

CHILD_PRELUDE = r"""
import os, sys, time
os.environ.setdefault("JAX_PLATFORMS", "cpu")
import numpy as np

point, size = sys.argv[2], int(sys.argv[3])


def say(word):
    sys.stdout.write(word + "\n")
    sys.stdout.flush()


def stall(word):
    say(word)
    time.sleep(120)  # the parent kills the process here


if point == "half-written":
    real_fdopen = os.fdopen

    class HalfThenStall:
        def __init__(self, f):
            self.f = f

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            self.f.flush()
            os.fsync(self.f.fileno())
            stall("half")

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.f.__exit__(*exc)

    os.fdopen = lambda fd, mode="r", *a, **k: HalfThenStall(real_fdopen(fd, mode, *a, **k))
if point.startswith("before-rename"):
    # os.replace for atomic_write, os.rename for orbax; "before-rename-2" stalls at the
    # second rename (orbax renames the item directory it wrote, then save_train_state
    # renames the step directory).
    wanted = int(point.rsplit("-", 1)[-1]) if point[-1].isdigit() else 1
    seen = [0]
    for name in ("replace", "rename"):
        real = getattr(os, name)

        def stalling(src, dst, *a, _real=real, **k):
            seen[0] += 1
            if seen[0] == wanted:
                stall("rename")
            return _real(src, dst, *a, **k)

        setattr(os, name, stalling)
"""

SAFETENSORS_CHILD = (
    CHILD_PRELUDE
    + r"""
from jaxnn import checkpoint as jck

arrays = {"w": np.full(size, 2.0, np.float32), "step": np.array(2, np.int64)}
say("saving")
jck.save_safetensors(arrays, sys.argv[1])
stall("done")
"""
)

ORBAX_CHILD = (
    CHILD_PRELUDE
    + r"""
import jax, jax.numpy as jnp
from flax import nnx
import jaxnn
from jaxnn import checkpoint as jck

tx = jaxnn.optim.sgd(0.1, momentum=0.9)
_, state = jaxnn.train.TrainState.create(jaxnn.nn.Linear(size, size, rngs=nnx.Rngs(0)), tx)
state = jax.tree.map(lambda x: jnp.full_like(x, 2), state)
jax.block_until_ready(state)
say("saving")
jck.save_train_state(sys.argv[1], state, step=2)
stall("done")
"""
)


def _run_and_kill(
    code: str, target: pathlib.Path, point: str, delay: float | None, size: int
) -> bool:
    """Runs the child until it says ``saving`` (or stalls at ``point``), then SIGKILLs it.

    Returns whether the child got to say ``done`` (its save returned before the kill; the
    child then waits to be killed, so every run ends by SIGKILL).
    """
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(target), point, str(size)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        wait_for = "saving" if delay is not None else {"half-written": "half"}.get(point, "rename")
        lines = []
        for line in child.stdout:
            lines.append(line.strip())
            if lines[-1] == wait_for:
                break
        assert lines and lines[-1] == wait_for, f"the child ended early: {lines}"
        if delay is not None:
            time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        rest = child.stdout.read().split()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return "done" in rest


def _delays(n: int, low: float, high: float) -> list[float]:
    return sorted(round(float(d), 3) for d in np.random.default_rng(SEED).uniform(low, high, n))


# The randomised delays span the save as measured on a 2-core machine (the payload is built
# in memory for about 50 ms, then written in about 50 ms; orbax takes about 0.4-0.6 s), so
# some land before, some during and some after the write. Where each lands varies with the
# machine; the assertions hold wherever it does.
KILLS = [("half-written", None), ("before-rename", None)] + [
    ("randomised", d) for d in _delays(3, 0.03, 0.13)
]


@pytest.mark.parametrize("point, delay", KILLS, ids=[f"{p}-{d}" for p, d in KILLS])
def test_safetensors_save_killed_midway_leaves_the_old_file_whole(tmp_path, point, delay):
    target = tmp_path / "model.safetensors"
    old = {"w": np.full(N, 1.0, np.float32), "step": np.array(1, np.int64)}
    jck.save_safetensors(old, target)
    old_bytes = target.read_bytes()
    finished = _run_and_kill(SAFETENSORS_CHILD, target, point, delay, N)

    loaded = jck.load_safetensors(target)
    version = int(loaded["step"])
    if delay is None:  # killed at a known point before the rename: the old file, byte for byte
        assert not finished and version == 1
    assert version in (1, 2)
    harness.assert_equal(loaded["w"], np.full(N, float(version), np.float32))  # never a mix
    if version == 1:
        assert target.read_bytes() == old_bytes
    # Anything left over is a temporary name that no load reads, never the target itself.
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p != target)
    pattern = re.compile(r"\.model\.safetensors\.[^/]+\.tmp")
    assert all(pattern.fullmatch(name) for name in leftovers), leftovers
    if point == "half-written":
        # The partial file exists under its temporary name, and is refused if read.
        (partial,) = leftovers
        with pytest.raises(jck.CheckpointError, match="the file is truncated"):
            jck.load_safetensors(tmp_path / partial)
    # The next save replaces the file as usual.
    jck.save_safetensors({"w": np.zeros(3, np.float32)}, target)
    harness.assert_equal(jck.load_safetensors(target)["w"], np.zeros(3, np.float32))


def _like():
    with jax.enable_x64(False):
        tx = jaxnn.optim.sgd(0.1, momentum=0.9)
        _, state = jaxnn.train.TrainState.create(
            jaxnn.nn.Linear(WIDTH, WIDTH, rngs=nnx.Rngs(1)), tx
        )
    return state


ORBAX_KILLS = [("before-rename-1", None), ("before-rename-2", None)] + [
    ("randomised", d) for d in _delays(2, 0.3, 0.7)
]


@pytest.mark.parametrize("point, delay", ORBAX_KILLS, ids=[f"{p}-{d}" for p, d in ORBAX_KILLS])
def test_orbax_save_killed_midway_leaves_the_previous_step_whole(tmp_path, point, delay):
    run = tmp_path / "run"
    like = _like()
    with jax.enable_x64(False):
        ones = jax.tree.map(lambda x: np.full(x.shape, 1, x.dtype), like)
        jck.save_train_state(run, jaxnn.train.TrainState(*ones), step=1)
    finished = _run_and_kill(ORBAX_CHILD, run, point, delay, WIDTH)

    with jax.enable_x64(False):
        restored = jck.restore_train_state(run, like)  # the latest complete step
        version = int(restored.step)
        if delay is None:
            assert not finished and version == 1
        assert version in (1, 2)
        for leaf in jax.tree.leaves(restored):
            harness.assert_equal(leaf, np.full(leaf.shape, version, leaf.dtype))
        if version == 1:
            with pytest.raises(FileNotFoundError, match=r"no checkpoint for step 2; saved steps"):
                jck.restore_train_state(run, like, step=2)
        leftovers = sorted(p.name for p in run.iterdir() if p.name not in ("1", "2"))
        assert all(TEMPORARY.fullmatch(name) for name in leftovers), leftovers
        if point == "before-rename-2":
            assert leftovers  # the complete but uncommitted step is still under its tmp name
        # Saving that step again works despite what the killed save left.
        threes = jax.tree.map(lambda x: np.full(x.shape, 3, x.dtype), like)
        if version == 1:
            jck.save_train_state(run, jaxnn.train.TrainState(*threes), step=2)
            harness.assert_equal(jck.restore_train_state(run, like).step, np.int32(3))
