"""Data loading twins (inventory §1.18): the same batches, in the same order, on both sides."""

import threading

import jax
import numpy as np
import pytest
import torch

import jaxnn
import torch_ref
from twincore import harness

from .components import DATALOADER

pytestmark = DATALOADER


def _datasets(n=11):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = rng.integers(0, 4, size=n)
    return (
        jaxnn.data.TensorDataset(x, y),
        torch_ref.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
    )


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("batch_size", [1, 4, 11, 32])
@pytest.mark.parametrize("on_device", [False, True], ids=["host", "on_device"])
def test_same_batches_every_epoch(shuffle, drop_last, batch_size, on_device):
    jds, tds = _datasets()
    jl = jaxnn.data.DataLoader(
        jds, batch_size, shuffle=shuffle, drop_last=drop_last, seed=3, on_device=on_device
    )
    tl = torch_ref.data.DataLoader(tds, batch_size, shuffle=shuffle, drop_last=drop_last, seed=3)
    assert len(jl) == len(tl)
    for epoch in range(3):  # each epoch draws a new permutation on both sides
        jb, tb = list(jl), list(tl)
        assert len(jb) == len(tb) == len(jl), epoch
        for (jx, jy), (tx, ty) in zip(jb, tb, strict=True):
            assert isinstance(jx, jax.Array)
            harness.assert_equal(jx, tx)
            harness.assert_equal(jy, ty)


@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("on_device", [False, True], ids=["host", "on_device"])
@pytest.mark.parametrize(
    "n, width, batch_size",
    [(203, 3, 2), (285, 4096, 8)],
    ids=["32-batch-chunks", "16-batch-chunks"],
)
def test_chunked_batches_are_torchs_across_chunk_boundaries(
    n, width, batch_size, on_device, drop_last
):
    # The loader prepares consecutive batches a chunk at a time (up to 32 batches or 2 MiB);
    # these sizes span several chunks, a partial last chunk and a short last batch.
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, width)).astype(np.float32)
    y = rng.integers(0, 4, size=n)
    jl = jaxnn.data.DataLoader(
        jaxnn.data.TensorDataset(x, y), batch_size, True, drop_last, seed=5, on_device=on_device
    )
    tds = torch_ref.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    tl = torch_ref.data.DataLoader(tds, batch_size, True, drop_last, seed=5)
    for _ in range(2):
        jb, tb = list(jl), list(tl)
        assert len(jb) == len(tb) == len(jl)
        for (jx, jy), (tx, ty) in zip(jb, tb, strict=True):
            harness.assert_equal(jx, tx)
            harness.assert_equal(jy, ty)


def test_len_follows_torch_rounding():
    # S4 1357 and §1.18: ceil(N/B), floor with drop_last (938 batches for 60000 at 64).
    class Sized:
        def __len__(self):
            return 60000

        def __getitem__(self, i):
            return (np.zeros(1), 0)

    assert len(jaxnn.data.DataLoader(Sized(), batch_size=64)) == 938
    assert len(jaxnn.data.DataLoader(Sized(), batch_size=64, drop_last=True)) == 937
    assert len(torch.utils.data.DataLoader(range(60000), batch_size=64)) == 938


def test_shuffled_epochs_differ_and_seeds_differ():
    jds, _ = _datasets(50)
    loader = jaxnn.data.DataLoader(jds, batch_size=50, shuffle=True, seed=1)
    (a, _), (b, _) = next(iter(loader)), next(iter(loader))
    assert not np.array_equal(a, b)
    other = jaxnn.data.DataLoader(jds, batch_size=50, shuffle=True, seed=2)
    c, _ = next(iter(other))
    assert not np.array_equal(a, c)


def test_map_style_dataset_is_collated_like_torch():
    # The notebook's ToyDataset(X, y) returns one (row, label) pair per index.
    data = jaxnn.data.toy_data()
    tdata = torch_ref.data.toy_data()
    jl = jaxnn.data.DataLoader(jaxnn.data.ToyDataset(data.X_train, data.y_train), 2)
    tl = torch.utils.data.DataLoader(torch_ref.data.ToyDataset(tdata.X_train, tdata.y_train), 2)
    for (jx, jy), (tx, ty) in zip(jl, tl, strict=True):
        harness.assert_equal(jx, tx)
        harness.assert_equal(jy, ty)


def test_recorded_torch_order_replays_in_jax():
    jds, tds = _datasets()
    torch.manual_seed(0)
    recorder = torch_ref.data.RecordingSampler(torch.utils.data.RandomSampler(tds))
    tl = torch.utils.data.DataLoader(tds, batch_size=4, sampler=recorder)
    torch_batches = [list(tl) for _ in range(2)]
    jl = jaxnn.data.DataLoader(jds, batch_size=4, sampler=jaxnn.data.ReplaySampler(recorder.orders))
    for epoch in range(2):
        for (jx, _), (tx, _) in zip(jl, torch_batches[epoch], strict=True):
            harness.assert_equal(jx, tx)
    with pytest.raises(RuntimeError, match="all 2 recorded orders were used"):
        list(jl)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(batch_size=0), ValueError, "batch_size must be a positive int"),
        (dict(batch_size=2.5), ValueError, "batch_size must be a positive int"),
        (dict(shuffle=True, sampler=[0, 1]), ValueError, "mutually exclusive"),
        # torch's own worker checks, word for word on both sides
        (dict(num_workers=-1), ValueError, "num_workers option should be non-negative"),
        (dict(prefetch_factor=2), ValueError, "prefetch_factor option could only be specified"),
        (dict(num_workers=2, prefetch_factor=-1), ValueError, "should be non-negative"),
        (dict(persistent_workers=True), ValueError, "persistent_workers option needs"),
    ],
)
def test_bad_arguments_are_clear_errors(kwargs, error, message):
    jds, tds = _datasets()
    with pytest.raises(error, match=message):
        jaxnn.data.DataLoader(jds, **kwargs)
    with pytest.raises(error, match=message):
        torch_ref.data.DataLoader(tds, **kwargs)


def test_empty_and_ragged_datasets_are_rejected():
    with pytest.raises(ValueError, match="the dataset is empty"):
        jaxnn.data.DataLoader(jaxnn.data.TensorDataset(np.zeros((0, 2))))
    with pytest.raises(ValueError, match=r"different lengths \[3, 4\]"):
        jaxnn.data.TensorDataset(np.zeros((3, 2)), np.zeros(4))


def test_on_device_needs_arrays_and_a_bool():
    class Squares:
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return (np.float32(i * i), i)

    with pytest.raises(ValueError, match="on_device=True needs a TensorDataset"):
        jaxnn.data.DataLoader(Squares(), 2, on_device=True)
    with pytest.raises(TypeError, match="on_device must be a bool"):
        jaxnn.data.DataLoader(_datasets()[0], 2, on_device="yes")


@pytest.mark.parametrize("twin", [jaxnn.data, torch_ref.data], ids=["jaxnn", "torch_ref"])
def test_sampler_indices_is_the_iterated_order_and_advances_alike(twin):
    # DataLoader reads indices(); iterating the sampler (what torch's loader does) must give
    # the same orders, epoch after epoch, whichever of the two is used for which epoch.
    by_iter, by_indices = twin.RandomSampler(17, seed=4), twin.RandomSampler(17, seed=4)
    for _ in range(3):
        harness.assert_equal(by_indices.indices(), np.array(list(by_iter)))
    assert list(twin.SequentialSampler(5)) == twin.SequentialSampler(5).indices().tolist()


# --- num_workers, pin_memory, prefetch_factor, persistent_workers (S4 693-700, 1776-1804) ---------


class _Squares:
    """A map-style dataset (collated sample by sample) that may fail at one index."""

    def __init__(self, n: int = 13, fail_at: int | None = None):
        self.n, self.fail_at = n, fail_at

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise KeyError(f"sample {i} is unreadable")
        return (np.float32([i, i * i]), i % 3)


def _prefetch_threads() -> list:
    from jaxnn.data.prefetch import THREAD_NAME

    return [t for t in threading.enumerate() if t.name == THREAD_NAME]


def _epochs(loader, n=3):
    return [[tuple(np.asarray(a) for a in batch) for batch in loader] for _ in range(n)]


WORKER_SETTINGS = [
    dict(num_workers=1),
    dict(num_workers=2, pin_memory=True, persistent_workers=True),
    dict(num_workers=4, prefetch_factor=1),
    dict(num_workers=2, prefetch_factor=0),
]


@pytest.mark.parametrize("workers", WORKER_SETTINGS, ids=str)
@pytest.mark.parametrize("source", ["host", "on_device", "map-style"])
@pytest.mark.parametrize("shuffle", [False, True])
def test_workers_give_the_same_batches(workers, source, shuffle):
    # The notebook's DataLoader(..., num_workers=0) line pastes with any worker count: the
    # background thread prepares the same batches in the same order, epoch after epoch.
    dataset = _Squares(37) if source == "map-style" else _datasets(37)[0]
    kwargs = dict(shuffle=shuffle, seed=5, on_device=source == "on_device")
    serial = jaxnn.data.DataLoader(dataset, 4, **kwargs)
    threaded = jaxnn.data.DataLoader(dataset, 4, **kwargs, **workers)
    for got, expected in zip(_epochs(threaded), _epochs(serial), strict=True):
        assert len(got) == len(expected) == len(serial)
        for g, e in zip(got, expected, strict=True):
            for a, b in zip(g, e, strict=True):
                harness.assert_equal(a, b)
    assert not _prefetch_threads()
    assert threaded.num_workers == workers["num_workers"]
    assert threaded.prefetch_factor == workers.get("prefetch_factor", 2)  # torch's default


def test_worker_arguments_are_kept_like_torchs():
    jds, tds = _datasets()
    kwargs = dict(num_workers=2, pin_memory=True, persistent_workers=True, prefetch_factor=3)
    jl, tl = jaxnn.data.DataLoader(jds, 2, **kwargs), torch_ref.data.DataLoader(tds, 2, **kwargs)
    for name in kwargs:
        assert getattr(jl, name) == getattr(tl, name), name
    plain = jaxnn.data.DataLoader(jds, 2)
    assert (plain.num_workers, plain.prefetch_factor, plain.pin_memory) == (0, None, False)
    assert torch_ref.data.DataLoader(tds, 2).prefetch_factor is None


@pytest.mark.parametrize("stop_after", [0, 1, 5])
def test_abandoned_iteration_stops_the_thread_and_restarts_cleanly(stop_after):
    # A loop left early (break), or an iterator dropped after a few batches: the thread stops,
    # even while it waits on a full queue, and the next epoch starts from a fresh order.
    dataset = _Squares(200)
    serial = jaxnn.data.DataLoader(dataset, 2, shuffle=True, seed=1)
    threaded = jaxnn.data.DataLoader(dataset, 2, shuffle=True, seed=1, num_workers=1)
    for i, _ in enumerate(threaded):
        if i == stop_after:
            break
    assert not _prefetch_threads()
    it = iter(threaded)
    for _ in range(stop_after + 1):
        next(it)
    assert len(_prefetch_threads()) == 1
    del it
    assert not _prefetch_threads()
    next(iter(serial)), next(iter(serial))  # two epochs drawn, as above
    for (a, _), (b, _) in zip(threaded, serial, strict=True):
        harness.assert_equal(np.asarray(a), np.asarray(b))
    assert not _prefetch_threads()


def test_an_error_in_the_thread_reaches_the_loop_at_its_batch():
    loader = jaxnn.data.DataLoader(_Squares(13, fail_at=9), 2, num_workers=2)
    seen = []
    with pytest.raises(KeyError, match="sample 9 is unreadable"):
        for x, _ in loader:
            seen.append(np.asarray(x))
    assert len(seen) == 4  # batches 0-3 hold samples 0-7; batch 4 needs sample 9
    assert not _prefetch_threads()


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(num_workers=1.5), TypeError, "num_workers must be an int; got 1.5"),
        (dict(num_workers=True), TypeError, "num_workers must be an int"),
        (dict(num_workers=2, prefetch_factor=2.0), TypeError, "prefetch_factor must be an int"),
        (dict(pin_memory="yes"), TypeError, "pin_memory must be a bool"),
        (dict(num_workers=2, persistent_workers=1), TypeError, "persistent_workers must be a"),
    ],
)
def test_worker_arguments_of_the_wrong_type_are_clear_errors(kwargs, error, message):
    # torch accepts these silently and fails later (or never); jaxnn names them at once.
    with pytest.raises(error, match=message):
        jaxnn.data.DataLoader(_datasets()[0], **kwargs)
