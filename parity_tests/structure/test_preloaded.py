"""``parity_tests/preloaded.py``: a forked child behaves as ``python -c`` / ``python -m`` would,
apart from starting with its imports done."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .. import preloaded


def test_a_child_has_its_own_argv_cwd_output_and_exit_code(tmp_path):
    code = (
        "import os, sys\n"
        "print('out', sys.argv[1:], os.getcwd())\n"
        "print('err', file=sys.stderr)\n"
        "sys.exit(7)\n"
    )
    proc = preloaded.run(["-c", code, "a", "b"], cwd=tmp_path)
    assert proc.returncode == 7
    assert proc.stdout == f"out ['a', 'b'] {tmp_path}\n"
    assert proc.stderr == "err\n"


def test_a_module_runs_as_main():
    proc = preloaded.run(["-m", "json.tool", "--help"])
    assert proc.returncode == 0 and "usage:" in proc.stdout


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_signal_gives_a_negative_return_code_as_subprocess_does(sig):
    proc = preloaded.run(["-c", f"import os; os.kill(os.getpid(), {int(sig)})"])
    assert proc.returncode == -sig


def test_an_uncaught_exception_exits_1_with_its_traceback():
    proc = preloaded.run(["-c", "raise ValueError('no such thing')"])
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "ValueError: no such thing" in proc.stderr


def test_exit_handlers_run_and_jax_settings_stay_in_their_child(tmp_path):
    marker = tmp_path / "exited"
    code = (
        "import atexit, jax, sys\n"
        "print(jax.config.jax_enable_x64)\n"
        "jax.config.update('jax_enable_x64', True)\n"
        "import jax.numpy as jnp\n"
        "print(jnp.ones(1).dtype)\n"
        "atexit.register(lambda: open(sys.argv[1], 'w').write('yes'))\n"
    )
    for _ in range(2):  # the second child starts from the fork server, not from the first
        proc = preloaded.run(["-c", code, str(marker)])
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == ["False", "float64"]
        assert marker.read_text() == "yes"
        marker.unlink()


def test_a_child_past_its_timeout_is_killed():
    with pytest.raises(subprocess.TimeoutExpired):
        preloaded.run(["-c", "import time; time.sleep(60)"], timeout=1)


def test_argv_must_name_code_or_a_module():
    with pytest.raises(ValueError, match="-c"):
        preloaded.run(["script.py"])


def test_a_started_child_can_be_signalled_while_it_runs(tmp_path):
    ready = tmp_path / "ready"
    code = (
        "import pathlib, sys, time\n"
        "try:\n"
        "    pathlib.Path(sys.argv[1]).touch()\n"
        "    time.sleep(60)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted')\n"
        "    sys.exit(130)\n"
    )
    child = preloaded.Child(["-c", code, str(ready)])
    while not ready.exists():
        assert child.returncode is None, child.communicate()
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    assert child.communicate(timeout=30) == ("interrupted\n", "")
    assert child.returncode == 130
    child.kill()  # a child that has ended is not signalled again


def test_a_child_takes_sigint_even_when_its_server_started_with_sigint_ignored(tmp_path):
    # A fork server started while its parent ignored SIGINT (SIG_IGN survives exec) used to
    # hand that to every child: Ctrl-C did nothing. A new interpreter, with nothing preloaded
    # (the point is the signal, not the imports), starts the server that way.
    code = (
        "import importlib, pathlib, signal, sys, time\n"
        "if __name__ == '__main__':\n"
        "    preloaded = importlib.import_module(sys.argv[2])\n"
        "    preloaded.PRELOAD[:] = []\n"
        "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "    ready = pathlib.Path(sys.argv[1])\n"
        "    child = preloaded.Child(['-c', 'import pathlib, sys, time\\n'\n"
        "        'try:\\n    pathlib.Path(sys.argv[1]).touch()\\n    time.sleep(60)\\n'\n"
        "        'except KeyboardInterrupt:\\n    sys.exit(130)\\n', str(ready)])\n"
        "    while not ready.exists():\n"
        "        time.sleep(0.05)\n"
        "    child.send_signal(signal.SIGINT)\n"
        "    child.wait(30)\n"
        "    print(child.returncode)\n"
    )
    script = tmp_path / "server_ignoring_sigint.py"
    script.write_text(code)
    run = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "ready"), preloaded.__name__],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(preloaded.__file__).parent.parent)},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["130"]
