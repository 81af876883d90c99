"""``random_split``: both twins cut the same parts from one seeded NumPy permutation, and read
``lengths`` as ``torch.utils.data.random_split`` does."""

import numpy as np
import pytest
import torch

import jaxnn
import torch_ref
from twincore.data.split import split_indices

from .components import SPLIT

pytestmark = SPLIT


def test_both_twins_get_the_same_parts_and_samples():
    x = np.arange(40, dtype=np.float32).reshape(20, 2)
    y = np.arange(20)
    jparts = jaxnn.data.random_split(jaxnn.data.TensorDataset(x, y), [0.7, 0.3], seed=5)
    tparts = torch_ref.data.random_split(
        torch_ref.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), [0.7, 0.3], seed=5
    )
    assert [len(p) for p in jparts] == [len(p) for p in tparts] == [14, 6]
    for jpart, tpart in zip(jparts, tparts, strict=True):
        assert isinstance(tpart, torch.utils.data.Subset)
        assert list(jpart.indices) == list(tpart.indices)
        for i in range(len(jpart)):
            jx, jy = jpart[i]
            tx, ty = tpart[i]
            np.testing.assert_array_equal(jx, tx.numpy())
            assert int(jy) == int(ty)
    together = np.concatenate([p.indices for p in jparts])
    assert sorted(together.tolist()) == list(range(20))  # disjoint, every sample once
    # The parts are cut in order from NumPy's permutation for that seed.
    np.testing.assert_array_equal(together, np.random.default_rng(5).permutation(20))


def test_a_subset_loads_through_both_data_loaders_alike():
    x = np.arange(30, dtype=np.float32).reshape(15, 2)
    y = np.arange(15)
    jpart = jaxnn.data.random_split(jaxnn.data.TensorDataset(x, y), [10, 5], seed=1)[0]
    tpart = torch_ref.data.random_split(
        torch_ref.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), [10, 5], seed=1
    )[0]
    jbatches = list(jaxnn.data.DataLoader(jpart, 4, shuffle=True, seed=2))
    tbatches = list(torch_ref.data.DataLoader(tpart, 4, shuffle=True, seed=2))
    assert len(jbatches) == len(tbatches) == 3
    for (jx, jy), (tx, ty) in zip(jbatches, tbatches, strict=True):
        np.testing.assert_array_equal(np.asarray(jx), tx.numpy())
        np.testing.assert_array_equal(np.asarray(jy), ty.numpy())


FRACTIONS = [[0.8, 0.2], [0.34, 0.33, 0.33], [0.5, 0.5], [1.0, 0.0], [0.1] * 10]


@pytest.mark.parametrize(
    ("n", "lengths"), [(n, f) for n in (11, 4) for f in FRACTIONS] + [(11, [3, 8]), (4, [4, 0])]
)
@pytest.mark.filterwarnings("ignore:Length of split")  # torch warns about empty parts
def test_lengths_are_read_as_torch_reads_them(n, lengths):
    data = torch.utils.data.TensorDataset(torch.arange(n))
    ours = torch_ref.data.random_split(data, lengths, seed=0)
    theirs = torch.utils.data.random_split(data, lengths, torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]


def test_the_same_seed_gives_the_same_split_and_another_seed_another():
    a, b = split_indices(50, [40, 10], seed=7), split_indices(50, [40, 10], seed=7)
    c = split_indices(50, [40, 10], seed=8)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])
