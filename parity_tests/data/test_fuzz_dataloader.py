"""Property tests of ``jaxnn.data.DataLoader``'s arguments (issue 7 item 6; inventory §1.16).

Any combination of dataset size (0 included), ``batch_size``, ``shuffle``, ``drop_last`` and
``seed``, of any type, either builds a loader whose every epoch yields each sample exactly
once (less the short tail with ``drop_last``), in ``len(loader)`` batches, or raises
``ValueError``/``TypeError`` with a message; on a few cases it matches torch_ref's loader (torch's
own ``DataLoader``) batch for batch.
"""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import jaxnn
import torch_ref
from twincore import harness

from .components import DATALOADER

pytestmark = DATALOADER

ANYTHING = st.one_of(
    st.none(), st.booleans(), st.floats(allow_nan=True), st.text(max_size=3), st.just([2])
)
BATCH = st.one_of(st.integers(-3, 45), ANYTHING)
FLAG = st.one_of(st.booleans(), st.integers(0, 2), st.sampled_from(["False", "", None]))
SEED = st.one_of(st.integers(-3, 2**64), st.floats(0, 5), st.sampled_from(["3", None, True]))


def _build(make, *args, **kwargs):
    try:
        return make(*args, **kwargs), None
    except (ValueError, TypeError) as error:
        assert str(error), "the error needs a message"
        return None, type(error)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(0, 40), batch_size=BATCH, shuffle=FLAG, drop_last=FLAG, seed=SEED)
def test_dataloader_any_arguments_work_or_raise_a_clear_error(
    n, batch_size, shuffle, drop_last, seed
):
    x = np.arange(n, dtype=np.int64)
    loader, error = _build(
        jaxnn.data.DataLoader,
        jaxnn.data.TensorDataset(x, x * 10),
        batch_size,
        shuffle,
        drop_last,
        seed=seed,
    )
    if loader is None:
        return
    assert n > 0 and isinstance(batch_size, int) and batch_size >= 1
    expected = n - n % batch_size if drop_last else n
    for _ in range(2):
        batches = list(loader)
        assert len(batches) == len(loader)
        assert all(len(b[0]) == batch_size for b in batches[: expected // batch_size])
        seen = np.concatenate([np.asarray(b[0]) for b in batches]) if batches else np.array([])
        harness.assert_equal(np.concatenate([np.asarray(b[1]) for b in batches] or [[]]), seen * 10)
        assert len(seen) == expected
        if not drop_last:
            harness.assert_equal(np.sort(seen), x)  # every sample exactly once
        else:
            assert len(set(seen.tolist())) == expected


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 30),
    batch_size=st.integers(1, 12),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_dataloader_same_batches_as_torch_ref(n, batch_size, shuffle, drop_last, seed):
    x = np.arange(n, dtype=np.float64) * 0.5
    j = jaxnn.data.DataLoader(
        jaxnn.data.TensorDataset(x), batch_size, shuffle, drop_last, seed=seed
    )
    t = torch_ref.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x)),
        batch_size,
        shuffle,
        drop_last,
        seed=seed,
    )
    assert len(j) == len(t)
    for _ in range(2):  # the second epoch reshuffles the same way on both sides
        j_batches, t_batches = list(j), list(t)
        assert len(j_batches) == len(t_batches)
        for (jb,), (tb,) in zip(j_batches, t_batches, strict=True):
            harness.assert_equal(jb, tb)


def test_dataloader_non_bool_flags_and_odd_seeds_are_refused_on_both_sides():
    ds = jaxnn.data.TensorDataset(np.arange(4))
    tds = torch.utils.data.TensorDataset(torch.arange(4))
    for make, data in ((jaxnn.data.DataLoader, ds), (torch_ref.data.DataLoader, tds)):
        for kwargs, error, message in (
            ({"shuffle": "False"}, TypeError, "shuffle must be a bool; got 'False'"),
            ({"drop_last": 1}, TypeError, "drop_last must be a bool; got 1"),
            ({"seed": 1.5}, ValueError, "seed must be a non-negative int; got 1.5"),
            ({"seed": "3"}, ValueError, "seed must be a non-negative int; got '3'"),
            ({"seed": -1}, ValueError, "seed must be a non-negative int; got -1"),
        ):
            try:
                make(data, 2, **kwargs)
            except error as e:
                assert message in str(e)
            else:
                raise AssertionError(f"{make.__module__}: {kwargs} accepted")
