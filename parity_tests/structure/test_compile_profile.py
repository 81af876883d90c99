"""``--compile-profile``: each test's time and JAX's compile measurements, summed per file."""

import json

import jax
import jax.numpy as jnp
import numpy as np

from .. import compile_profile


class _Item:
    nodeid = "parity_tests/x/test_a.py::test_one"


def test_a_test_that_compiles_records_its_programs_and_the_file_table_sums_them(tmp_path):
    plugin = compile_profile.CompileProfile(tmp_path, "gw0")
    try:
        run = plugin.pytest_runtest_protocol(_Item(), None)
        next(run)
        # A program no other test compiles: its shape is this test's own.
        jax.jit(lambda x: jnp.tanh(x) * 3)(np.ones((7, 13, 3), np.float32)).block_until_ready()
        next(run, None)
        run = plugin.pytest_runtest_protocol(_Item(), None)
        next(run)  # a second test of the same file that compiles nothing
        next(run, None)
    finally:
        plugin.close()
    first, second = [json.loads(line) for line in (tmp_path / "gw0.jsonl").read_text().splitlines()]
    assert first["test"] == _Item.nodeid
    assert first["programs"] == 1 and first["compile_s"] > 0 and first["lower_s"] > 0
    assert first["wall_s"] >= first["compile_s"]
    assert "programs" not in second and second["wall_s"] < first["wall_s"]
    files = compile_profile.per_file(compile_profile.read(tmp_path))
    assert list(files) == ["parity_tests/x/test_a.py"]
    sums = files["parity_tests/x/test_a.py"]
    assert sums["tests"] == 2 and sums["programs"] == 1
    assert sums["wall_s"] == first["wall_s"] + second["wall_s"]
    last = compile_profile.table(files, top=5).splitlines()[-1].split()
    assert last[:2] == ["all", "2"] and last[-1] == "1"
