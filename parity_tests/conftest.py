"""Parity-suite setup: numerics before any op, the float64/float32 ``mode`` fixture, and the
measurement records of ``jaxnn parity`` (``--parity-records DIR``, see ``records.py``)."""

from __future__ import annotations

from pathlib import Path

import jax
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, settings

import jaxnn.config
import torch_ref.config

from . import compile_profile
from .checkout import SUITE
from .modes import Mode
from .records import ParityRecords, component_of

LIBRARY_AREAS = ("tensor", "functional", "autograd", "nn", "optim", "data", "train", "parallel")
LIBRARY_AREAS += ("models", "io")
"""The folders that test the twins: each of their tests names the component it measures."""

# Before any JAX or torch operation: torch shares the GPU (no JAX preallocation),
# full-precision matmuls, TF32 off.
jaxnn.config.share_device_with_torch()
jaxnn.config.set_numerics("float32")
torch_ref.config.set_numerics("float32")
# One thread per torch process: pytest-xdist already runs one worker per core.
torch.set_num_threads(1)

# Property tests leave the number of examples to a profile. `ci`, the default (what `make test`
# runs), draws a fixed set, so the suite keeps its time and a run never differs from the last;
# `pytest --hypothesis-profile thorough` draws many at random, to look for new failures.
_PROPERTY_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
settings.register_profile(
    "ci",
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=_PROPERTY_CHECKS,
)
settings.register_profile(
    "thorough", max_examples=400, deadline=None, suppress_health_check=_PROPERTY_CHECKS
)
settings.load_profile("ci")


def pytest_addoption(parser):
    parser.addoption(
        "--parity-records",
        metavar="DIR",
        type=Path,
        default=None,
        help="write every harness comparison's measurement and every test's outcome to DIR "
        "(what `jaxnn parity` reports)",
    )
    parser.addoption(
        "--compile-profile",
        metavar="DIR",
        type=Path,
        default=None,
        help="write each test's wall and CPU time and JAX's compile times to DIR (new or empty; "
        "summed per file by `python -m parity_tests.compile_profile DIR`)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "component(name, torch, jaxnn, lesson): the row of the parity table a test measures",
    )
    # orbax leaves un-awaited read coroutines behind when a restore of a damaged checkpoint
    # fails (the checkpoint damage tests); Python reports them whenever they are collected.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Exception ignored in. <coroutine object _read_array_index_and_device_put"
        ":pytest.PytestUnraisableExceptionWarning",
    )
    compile_profile.register(config)
    directory = config.getoption("parity_records")
    if directory is not None:
        plugin = ParityRecords(directory, is_worker=hasattr(config, "workerinput"))
        config.pluginmanager.register(plugin, "parity-records")


def pytest_collection_modifyitems(session, config, items):
    """Every test in a library area names its component (a ``component`` marker on its module
    or parameter), and every component name means one component."""
    seen, missing = {}, set()
    for item in items:
        component = component_of(item)
        path = Path(item.path).resolve()
        if component is None:
            if path.is_relative_to(SUITE) and path.relative_to(SUITE).parts[0] in LIBRARY_AREAS:
                missing.add(str(path.relative_to(SUITE)))
            continue
        if seen.setdefault(component.name, component) != component:
            raise pytest.UsageError(
                f"component {component.name!r} is declared twice, differently: "
                f"{seen[component.name]} and {component} ({item.nodeid})"
            )
    if missing:
        raise pytest.UsageError(
            "these test modules name no component (mark them with one of their area's "
            f"components.py, pytestmark = NAME, or declare a new one there): {sorted(missing)}"
        )


@pytest.fixture(params=["float64", "float32"])
def mode(request) -> Mode:
    """Runs the test twice: float64 (64-bit JAX types on) and float32."""
    with jax.enable_x64(request.param == "float64"):
        yield Mode(request.param)


@pytest.fixture
def x64():
    """For a test that runs a command in this process with ``--dtype float64``, which turns
    on 64-bit types for the whole process: the suite's setting comes back afterwards, so
    later tests in the same worker do not silently build float64 arrays."""
    before = jax.config.jax_enable_x64
    with jax.enable_x64(True):
        yield
    jax.config.update("jax_enable_x64", before)


@pytest.fixture
def rng() -> np.random.Generator:
    """A NumPy generator with a fixed seed: inputs are made once here and fed to both sides."""
    return np.random.default_rng(0)


@pytest.fixture
def parity_records(request) -> Path | None:
    """The ``--parity-records`` directory, where tests with records of their own write them
    (``lessons/``, ``examples/``); None when the run records nothing. Absolute: tests hand it
    to processes that run in directories of their own (the lessons run in a temporary one)."""
    directory = request.config.getoption("parity_records")
    return None if directory is None else Path(directory).absolute()
