"""Saving and loading: ``jaxnn.checkpoint`` / ``torch_ref.checkpoint`` (inventory §1.20, §1.11).

The seeds save with ``torch.save(model.state_dict(), 'model.pt' / 'mnist_model.pth' /
'model.pth')`` and load with ``model.load_state_dict(torch.load(...))``, printing
``<All keys matched successfully>`` (S3 149-160; S4 1345-1346, 1427-1429, 1926-1927,
2175-2181). Here a file written by either framework loads into the other's twin bit for
bit (safetensors), torch's ``.pth`` is read only through ``weights_only=True``, and the
full JAX train state resumes through orbax with the same curve as an uninterrupted run.
"""

import copy
import json
import pathlib
import pickle
import struct
import sys

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest
import torch
from flax import nnx

import jaxnn
import torch_ref
from jaxnn import checkpoint as jck
from torch_ref import checkpoint as tck
from twincore import harness

from ..model_pairs import Spec, make_jax, pair
from ..modes import Mode
from .components import CHECKPOINTS

pytestmark = CHECKPOINTS

# torch's print at S4 2181 (inventory §3.2); the seed's comment shortens it (§5 item 28).
ALL_MATCHED = "<All keys matched successfully>"

SPECS = [
    Spec("NeuralNetwork", (2, 3)),  # S4 2176-2181
    Spec("CNN", (10,)),  # S3 290-323
    Spec("RNNModel", (8, 16, 3)),  # S3 327-348, an LSTM
    # BatchNorm buffers (running_mean, running_var, int64 num_batches_tracked) and, below,
    # frozen parameters (S1 8264-8302).
    Spec("WellRegularizedNetwork"),
]


def _torch_model(spec: Spec, mode, seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    t = getattr(torch_ref.models, spec.name)(*spec.args).to(mode.torch)
    if spec.name == "WellRegularizedNetwork":
        rng = np.random.default_rng(seed)
        with torch.no_grad():
            for bn in (t.bn1, t.bn2):
                n = bn.num_features
                bn.running_mean.copy_(torch.tensor(rng.normal(size=n)))
                bn.running_var.copy_(torch.tensor(rng.uniform(0.5, 2.0, size=n)))
                bn.num_batches_tracked.fill_(7 + seed)
        for p in t.fc1.parameters():  # the seed's freezing loop (S1 4612-4653)
            p.requires_grad = False
    return t


def _jax_twin(spec: Spec, mode, seed: int = 0) -> nnx.Module:
    """The twin holding the parameters of ``_torch_model(spec, mode, seed)``."""
    _, j = pair(spec, mode)
    jaxnn.interop.load_state_dict(j, _torch_model(spec, mode, seed).state_dict())
    if spec.name == "WellRegularizedNetwork":
        jaxnn.nn.freeze(j.fc1)
    return j


def _count_dtype() -> np.dtype:
    # JAX holds BatchNorm's counter in its widest integer: int64 only with 64-bit types on.
    return np.dtype(jax.dtypes.canonicalize_dtype(jnp.int64))


def _assert_bit_exact(actual: dict, expected: dict, *, expected_dtypes: dict | None = None):
    """Same keys in the same order, and every array identical byte for byte."""
    assert list(actual) == list(expected)
    for key in expected:
        a, e = harness.to_numpy(actual[key]), harness.to_numpy(expected[key])
        harness.assert_equal(a, e, name=key)
        want = e.dtype if expected_dtypes is None else expected_dtypes[key]
        assert a.dtype == want, f"{key}: {a.dtype} != {want}"
        assert a.astype(e.dtype).tobytes() == e.tobytes(), key


# --- safetensors, torch <-> jaxnn ---------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_safetensors_torch_file_loads_into_jaxnn_bit_exact(spec, mode, tmp_path):
    t = _torch_model(spec, mode)
    path = tck.save_safetensors(t, tmp_path / "model.safetensors")
    _, j = pair(spec, mode)
    if spec.name == "WellRegularizedNetwork":
        jaxnn.nn.freeze(j.fc1)
    jaxnn.interop.load_state_dict(j, _torch_model(spec, mode, seed=1).state_dict())
    result = jck.load_safetensors_into(j, path)
    assert repr(result) == repr(t.load_state_dict(tck.load_safetensors(path))) == ALL_MATCHED
    # torch writes num_batches_tracked as int64; JAX reads it into int64 with 64-bit
    # types on (float64 mode) and into int32 without them (float32 mode).
    dtypes = {
        k: _count_dtype() if k.endswith("num_batches_tracked") else mode.np for k in t.state_dict()
    }
    _assert_bit_exact(jaxnn.interop.state_dict(j), t.state_dict(), expected_dtypes=dtypes)
    if spec.name == "WellRegularizedNetwork":
        assert j.bn1.num_batches_tracked[...].dtype == _count_dtype()
        assert isinstance(j.fc1.kernel, jaxnn.nn.Frozen)  # still frozen after the load
        assert not t.fc1.weight.requires_grad


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_safetensors_jaxnn_file_loads_into_torch_bit_exact(spec, mode, tmp_path):
    j = _jax_twin(spec, mode)
    path = jck.save_safetensors(j, tmp_path / "model.safetensors")
    t = _torch_model(spec, mode, seed=1)
    assert repr(tck.load_safetensors_into(t, path)) == ALL_MATCHED
    # torch's dtypes come back, num_batches_tracked included: jaxnn writes it as int64
    # even when JAX holds it as int32.
    expected = jaxnn.interop.state_dict(j)
    dtypes = {k: v.numpy().dtype for k, v in _torch_model(spec, mode).state_dict().items()}
    _assert_bit_exact(t.state_dict(), expected, expected_dtypes=dtypes)
    # The file read back on the JAX side has the same dtypes as torch's state dict.
    assert {k: v.dtype for k, v in jck.load_safetensors(path).items()} == dtypes


@pytest.mark.parametrize("spec", [SPECS[0], SPECS[3]], ids=lambda s: s.id)
def test_safetensors_files_from_both_frameworks_are_byte_identical(spec, mode, tmp_path):
    t, j = _torch_model(spec, mode), _jax_twin(spec, mode)
    tck.save_safetensors(t, tmp_path / "torch.safetensors")
    jck.save_safetensors(j, tmp_path / "jax.safetensors")
    assert (tmp_path / "torch.safetensors").read_bytes() == (
        tmp_path / "jax.safetensors"
    ).read_bytes()


def test_safetensors_file_is_readable_by_safetensors_torch_load_file(tmp_path):
    from safetensors.torch import load_file

    spec = SPECS[0]
    with jax.enable_x64(False):
        mode = Mode("float32")
        j = _jax_twin(spec, mode)
        path = jck.save_safetensors(jaxnn.interop.state_dict(j), tmp_path / "m.safetensors")
    t = _torch_model(spec, mode, seed=1)
    # Plain torch, no torch_ref: the file is an ordinary safetensors state dict.
    assert repr(t.load_state_dict(load_file(path))) == ALL_MATCHED
    _assert_bit_exact(t.state_dict(), jaxnn.interop.state_dict(j))


def test_num_batches_tracked_beyond_int32_needs_64_bit_types(tmp_path):
    spec = SPECS[3]
    t = torch_ref.models.WellRegularizedNetwork()
    t.bn1.num_batches_tracked.fill_(2**31)  # int64 in torch; wraps to a negative int32
    path = tck.save_safetensors(t, tmp_path / "m.safetensors")
    with jax.enable_x64(False):
        _, j = pair(spec, Mode("float32"))
        before = jaxnn.interop.state_dict(j)
        message = "value out of range for bn1.num_batches_tracked: values up to 2147483648"
        with pytest.raises(jaxnn.interop.StateDictError, match=message):
            jck.load_safetensors_into(j, path)
        with pytest.raises(jaxnn.interop.StateDictError, match=message):  # the plain API too
            jaxnn.interop.load_state_dict(j, jck.load_safetensors(path))
        _assert_bit_exact(jaxnn.interop.state_dict(j), before)  # nothing written
    with jax.enable_x64(True):
        _, j = pair(spec, Mode("float32"))  # float32 parameters, int64 counter
        jck.load_safetensors_into(j, path)
        assert int(j.bn1.num_batches_tracked[...]) == int(t.bn1.num_batches_tracked) == 2**31


# --- torch .pth, the seeds' files ---------------------------------------------------------


@pytest.mark.parametrize(
    "spec, filename",
    [(Spec("NeuralNetwork", (2, 3)), "model.pth"), (Spec("MNIST"), "mnist_model.pth")],
    ids=["NeuralNetwork-model.pth", "MNIST-mnist_model.pth"],
)
def test_pth_seed_save_then_load_state_dict_prints_all_keys_matched(spec, filename, mode, tmp_path):
    t = _torch_model(spec, mode)
    torch.save(t.state_dict(), tmp_path / filename)  # the seed's line (S4 1346, 2176)
    tck.save_state_dict(t, tmp_path / f"atomic-{filename}")
    # "model = NeuralNetwork(2, 3)  # needs to match orig model exactly" (S4 2179-2181)
    t2 = _torch_model(spec, mode, seed=1)
    printed = repr(t2.load_state_dict(torch.load(tmp_path / filename)))
    for name in (filename, f"atomic-{filename}"):
        _, j = pair(spec, mode)
        sd = jck.load_torch_state_dict(tmp_path / name)
        assert all(isinstance(v, np.ndarray) for v in sd.values())
        assert repr(jaxnn.interop.load_state_dict(j, sd)) == printed == ALL_MATCHED
        _assert_bit_exact(jaxnn.interop.state_dict(j), t.state_dict())
        _assert_bit_exact(tck.load_torch_state_dict(tmp_path / name), t.state_dict())
    if spec.name == "NeuralNetwork":  # the reloaded twins compute the same function
        x = mode.array(jaxnn.data.toy.toy_data().X_test)
        mode.assert_close(j(jnp.asarray(x)), t2(torch.tensor(x)))


class _TouchesAFile:
    """A pickle payload that creates a file when unpickled (no os.system needed)."""

    def __init__(self, target: pathlib.Path):
        self.target = target

    def __reduce__(self):
        return (pathlib.Path.touch, (self.target,))


def test_pth_pickle_that_would_run_code_is_refused_and_not_run(tmp_path):
    target = tmp_path / "created-by-unpickling"
    evil = tmp_path / "evil.pth"
    torch.save({"weight": torch.zeros(2), "bias": _TouchesAFile(target)}, evil)
    with pytest.raises(jck.CheckpointError, match="refused to unpickle") as info:
        jck.load_torch_state_dict(evil)
    assert "nothing in it was executed" in str(info.value)
    assert not target.exists()
    with pytest.raises(tck.CheckpointError, match="refused to unpickle"):
        tck.load_torch_state_dict(evil)
    assert not target.exists()
    # The payload is live: the unsafe loader the functions refuse to use does run it.
    torch.load(evil, weights_only=False)
    assert target.exists()


def test_pth_bfloat16_comes_back_bit_exact_and_odd_dtypes_are_named(tmp_path):
    w = torch.randn(3, 4, generator=torch.Generator().manual_seed(0)).to(torch.bfloat16)
    torch.save({"w": w}, tmp_path / "bf16.pth")
    sd = jck.load_torch_state_dict(tmp_path / "bf16.pth")
    assert sd["w"].dtype == ml_dtypes.bfloat16
    assert sd["w"].view(np.int16).tobytes() == w.view(torch.int16).numpy().tobytes()
    torch.save({"z": torch.zeros(2, dtype=torch.float8_e4m3fn)}, tmp_path / "f8.pth")
    with pytest.raises(jck.CheckpointError, match="z: a torch.float8_e4m3fn tensor has no NumPy"):
        jck.load_torch_state_dict(tmp_path / "f8.pth")


def test_pth_that_is_not_a_flat_state_dict_is_a_clear_error(tmp_path):
    t = torch_ref.models.NeuralNetwork(2, 3)
    torch.save({"model_state_dict": t.state_dict(), "epoch": 3}, tmp_path / "ckpt.pth")
    with pytest.raises(jck.CheckpointError, match="'model_state_dict' holds a OrderedDict"):
        jck.load_torch_state_dict(tmp_path / "ckpt.pth")
    with pytest.raises(tck.CheckpointError, match="expected a state dict"):
        tck.load_torch_state_dict(tmp_path / "ckpt.pth")
    torch.save([torch.zeros(1)], tmp_path / "list.pth")
    with pytest.raises(jck.CheckpointError, match="the file holds a list"):
        jck.load_torch_state_dict(tmp_path / "list.pth")


def test_pth_missing_truncated_and_garbage_files_are_clear_errors(tmp_path):
    for load in (jck.load_torch_state_dict, tck.load_torch_state_dict):
        with pytest.raises(FileNotFoundError, match="no torch checkpoint at"):
            load(tmp_path / "absent.pth")
    good = tck.save_state_dict(torch_ref.models.NeuralNetwork(2, 3), tmp_path / "good.pth")
    data = good.read_bytes()
    (tmp_path / "truncated.pth").write_bytes(data[: len(data) // 2])
    (tmp_path / "garbage.pth").write_bytes(b"hello, not a torch file")
    (tmp_path / "empty.pth").write_bytes(b"")
    for name in ("truncated.pth", "garbage.pth", "empty.pth"):
        for load, error in (
            (jck.load_torch_state_dict, jck.CheckpointError),
            (tck.load_torch_state_dict, tck.CheckpointError),
        ):
            with pytest.raises(error, match="not a readable torch checkpoint"):
                load(tmp_path / name)


def test_pth_without_torch_installed_is_a_clear_import_error(monkeypatch, tmp_path):
    path = tck.save_state_dict(torch_ref.models.NeuralNetwork(2, 3), tmp_path / "model.pth")
    monkeypatch.setitem(sys.modules, "torch", None)  # what `import torch` sees without torch
    with pytest.raises(ImportError, match=r"reading a torch \.pth/\.pt file needs torch"):
        jck.load_torch_state_dict(path)


# --- errors: files and modules ------------------------------------------------------------


def _saved_pair(tmp_path, mode):
    t = _torch_model(SPECS[0], mode)
    _, j = pair(SPECS[0], mode)
    jaxnn.interop.load_state_dict(j, _torch_model(SPECS[0], mode, seed=1).state_dict())
    return t, j, tck.save_safetensors(t, tmp_path / "model.safetensors")


def _assert_untouched(t, j, t_before, j_before):
    _assert_bit_exact(jaxnn.interop.state_dict(j), j_before)
    _assert_bit_exact(t.state_dict(), t_before)


def _corrupt_files(path: pathlib.Path) -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, the message both twins give: they share twincore.safetensors)."""
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = bytearray(data[8 : 8 + n])
    header[header.index(b'"dtype"') + 1] = ord("X")  # "dtype" -> "Xtype": a broken header
    claims = f"the header claims {len(data)} bytes but only {len(data) - 8} follow"
    return {
        "truncated": (
            data[:-5],
            # safetensors' reason, then which tensor runs past the end of the file
            r"incomplete metadata, file not fully covered; tensor 'layers.4.weight': "
            r"data_offsets \[\d+, \d+\] end past the \d+ bytes of data that follow the header "
            r"\(the file is truncated\)",
        ),
        "header-too-long": (struct.pack("<Q", len(data)) + data[8:], claims),
        "shorter-than-length-field": (data[:5], "5 bytes, shorter than the 8-byte header"),
        "empty": (b"", "0 bytes, shorter than the 8-byte header"),
        "corrupt-header": (
            data[:8] + bytes(header) + data[8 + n :],
            "invalid JSON in header: missing field `dtype`",
        ),
    }


def test_safetensors_broken_files_are_clear_errors_and_load_nothing(mode, tmp_path):
    t, j, path = _saved_pair(tmp_path, mode)
    t2 = _torch_model(SPECS[0], mode, seed=2)
    j_before, t_before = (
        jaxnn.interop.state_dict(j),
        {k: v.clone() for k, v in t2.state_dict().items()},
    )
    for name, (payload, message) in _corrupt_files(path).items():
        bad = tmp_path / f"{name}.safetensors"
        bad.write_bytes(payload)
        for load, model in ((jck.load_safetensors_into, j), (tck.load_safetensors_into, t2)):
            with pytest.raises(jck.CheckpointError, match=message) as info:
                load(model, bad)
            assert str(info.value).startswith(f"{bad}: "), name
        _assert_untouched(t2, j, t_before, j_before)
    for load in (jck.load_safetensors, tck.load_safetensors):
        with pytest.raises(FileNotFoundError, match="no safetensors file at"):
            load(tmp_path / "absent.safetensors")


def test_both_twins_raise_the_same_checkpoint_error_class():
    assert jck.CheckpointError is tck.CheckpointError
    assert issubclass(jck.CheckpointError, ValueError)


def _split_safetensors(data: bytes) -> tuple[dict, bytes]:
    (n,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8 : 8 + n]), data[8 + n :]


def _join_safetensors(header, body: bytes) -> bytes:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + body


def _edited(header: dict, key: str, **fields) -> dict:
    header = copy.deepcopy(header)
    header[key].update(fields)
    return header


def _first_two(h: dict) -> tuple[str, str]:
    """The first two tensors in data order: NeuralNetwork(2, 3) in float32 has 5."""
    names = sorted((k for k in h if k != "__metadata__"), key=lambda k: h[k]["data_offsets"])
    return names[0], names[1]


def _malformed_headers(data: bytes) -> dict[str, tuple[bytes, str]]:
    """Hand-made safetensors files, each wrong in one way, and the message for it.

    The reasons are the safetensors package's own (both twins read through it), after the
    file's name; ``twincore.safetensors`` adds the framing checks and the tensor that runs
    past the end of the file.
    """
    h, body = _split_safetensors(data)
    first, second = _first_two(h)
    b0, e0 = h[first]["data_offsets"]
    b1, e1 = h[second]["data_offsets"]
    return {
        "offsets-beyond-the-end": (
            _join_safetensors(_edited(h, first, data_offsets=[b0, len(body) + 4]), body),
            f"invalid shape, data type, or offset for tensor; tensor '{first}': data_offsets "
            f"\\[{b0}, {len(body) + 4}\\] end past the {len(body)} bytes of data",
        ),
        "huge-length-field": (
            struct.pack("<Q", 2**63) + data[8:],
            f"the header claims {2**63} bytes but only {len(data) - 8} follow",
        ),
        "not-json": (_join_safetensors(b"{this is not json}", body), "invalid JSON in header"),
        "not-utf8": (_join_safetensors(b'{"\xff": 1}', body), "invalid UTF-8 in header"),
        "json-array": (
            _join_safetensors([1, 2], body),
            "invalid JSON in header: invalid type: sequence",
        ),
        "unknown-dtype": (
            _join_safetensors(_edited(h, first, dtype="F99"), body),
            "invalid JSON in header: unknown variant `F99`",
        ),
        "dtype-of-the-wrong-size": (
            _join_safetensors(_edited(h, first, dtype="F64"), body),
            "invalid shape, data type, or offset for tensor",
        ),
        "overlapping-offsets": (
            _join_safetensors(_edited(h, second, data_offsets=[b1 - 4, e1 - 4]), body),
            f"invalid offset for tensor `{second}`",
        ),
        "gap-between-tensors": (
            _join_safetensors(_edited(h, second, data_offsets=[b1 + 4, e1 + 4]), body + bytes(4)),
            f"invalid offset for tensor `{second}`",
        ),
        "negative-offsets": (
            _join_safetensors(_edited(h, first, data_offsets=[-4, e0 - 4]), body),
            "invalid value: integer `-4`, expected usize",
        ),
        "negative-shape": (
            _join_safetensors(_edited(h, first, shape=[-1, 2]), body),
            "invalid value: integer `-1`, expected usize",
        ),
        "trailing-bytes": (
            _join_safetensors(h, body + bytes(8)),
            "incomplete metadata, file not fully covered$",  # not "truncated": bytes too many
        ),
        "missing-field": (
            _join_safetensors({**h, first: {"dtype": "F32", "shape": [1]}}, body),
            "invalid JSON in header: missing field `data_offsets`",
        ),
        "bad-metadata": (
            _join_safetensors({**h, "__metadata__": {"format": 1}}, body),
            "invalid type: integer `1`, expected a string",
        ),
    }


def test_safetensors_malformed_headers_are_named_and_load_nothing(tmp_path):
    with jax.enable_x64(False):
        mode = Mode("float32")
        t, j, path = _saved_pair(tmp_path, mode)
        t2 = _torch_model(SPECS[0], mode, seed=2)
        j_before = jaxnn.interop.state_dict(j)
        t_before = {k: v.clone() for k, v in t2.state_dict().items()}
        for name, (payload, message) in _malformed_headers(path.read_bytes()).items():
            bad = tmp_path / f"{name}.safetensors"
            bad.write_bytes(payload)
            for load, model in ((jck.load_safetensors_into, j), (tck.load_safetensors_into, t2)):
                with pytest.raises(jck.CheckpointError, match=message) as info:
                    load(model, bad)
                assert str(info.value).startswith(f"{bad}: "), name
            _assert_untouched(t2, j, t_before, j_before)
        # The control: the file these were made from loads.
        assert repr(jck.load_safetensors_into(j, path)) == ALL_MATCHED


def test_safetensors_duplicate_tensor_names_keep_the_last_entry_in_both_twins(tmp_path):
    # A header naming a tensor twice is accepted by the safetensors package, which keeps the
    # last entry; both twins read through it, so they agree with each other and with plain
    # safetensors.torch.load_file. Here the second entry reads the same bytes as int32.
    from safetensors.torch import load_file

    path = tck.save_safetensors(torch_ref.models.NeuralNetwork(2, 3), tmp_path / "m.safetensors")
    h, body = _split_safetensors(path.read_bytes())
    first, _ = _first_two(h)
    again = {**h[first], "dtype": "I32"}
    raw = json.dumps(h).encode()[:-1] + f', "{first}": {json.dumps(again)}}}'.encode()
    dup = tmp_path / "dup.safetensors"
    dup.write_bytes(_join_safetensors(raw, body))
    j, t, plain = jck.load_safetensors(dup), tck.load_safetensors(dup), load_file(dup)
    assert sorted(j) == sorted(t) == sorted(plain) == sorted(h.keys() - {"__metadata__"})
    assert j[first].dtype == np.int32 and t[first].dtype == plain[first].dtype == torch.int32
    for key in j:
        assert j[key].tobytes() == t[key].numpy().tobytes() == plain[key].numpy().tobytes()


def test_safetensors_header_over_the_size_limit_is_refused(tmp_path):
    # safetensors caps the JSON header at 100 MB. A sparse file holds a length field of
    # 100 MB + 1 and that many (unwritten) bytes, so the framing checks pass and the
    # package's own limit refuses it before reading the header.
    path = tmp_path / "huge-header.safetensors"
    n = 100_000_001
    with path.open("wb") as f:
        f.write(struct.pack("<Q", n) + b"{")
        f.truncate(8 + n)
    for load in (jck.load_safetensors, tck.load_safetensors):
        with pytest.raises(jck.CheckpointError, match="header too large") as info:
            load(path)
        assert str(info.value).startswith(f"{path}: not a valid safetensors file")


def test_safetensors_bfloat16_and_float8_from_torch_load_bit_exact(tmp_path):
    # safetensors.numpy cannot return these (KeyError 'BF16', and no numpy.float8_e4m3fn);
    # jaxnn reads them as ml_dtypes arrays.
    g = torch.Generator().manual_seed(0)
    tensors = {
        "bf16": torch.randn(3, 4, generator=g).to(torch.bfloat16),
        "f8": torch.randn(5, generator=g).to(torch.float8_e4m3fn),
        "f8e5": torch.randn(2, 3, generator=g).to(torch.float8_e5m2),
        "f16": torch.randn(2, generator=g).to(torch.float16),
        "flag": torch.tensor([True, False]),
        "empty": torch.zeros(0, 3),
    }
    path = tck.save_safetensors(tensors, tmp_path / "odd.safetensors")
    loaded = jck.load_safetensors(path)
    assert loaded["bf16"].dtype == ml_dtypes.bfloat16
    assert loaded["f8"].dtype == ml_dtypes.float8_e4m3fn
    assert loaded["f8e5"].dtype == ml_dtypes.float8_e5m2
    assert sorted(loaded) == sorted(tensors)
    for key, tensor in tensors.items():
        assert loaded[key].tobytes() == tensor.view(torch.uint8).numpy().tobytes(), key
        assert loaded[key].shape == tuple(tensor.shape)
    # And back: jaxnn writes them as torch wrote them.
    again = jck.save_safetensors(loaded, tmp_path / "again.safetensors")
    assert again.read_bytes() == path.read_bytes()


def test_safetensors_dtype_without_a_numpy_type_is_named(tmp_path):
    # F8_E8M0 is a safetensors dtype that safetensors' NumPy reader cannot build.
    path = tck.save_safetensors({"w": torch.ones(2)}, tmp_path / "w.safetensors")
    h, body = _split_safetensors(path.read_bytes())
    bad = tmp_path / "e8m0.safetensors"
    bad.write_bytes(
        _join_safetensors({**h, "w": {**h["w"], "dtype": "F8_E8M0", "shape": [8]}}, body)
    )
    with pytest.raises(jck.CheckpointError, match="tensor 'w': dtype F8_E8M0 has no NumPy type"):
        jck.load_safetensors(bad)


def test_safetensors_missing_and_unexpected_keys_name_them_and_load_nothing(mode, tmp_path):
    t, j, _ = _saved_pair(tmp_path, mode)
    sd = dict(t.state_dict())
    del sd["layers.2.bias"]
    sd["layers.9.weight"] = torch.zeros(1, dtype=mode.torch)
    path = tck.save_safetensors(sd, tmp_path / "keys.safetensors")
    t2 = _torch_model(SPECS[0], mode, seed=2)
    j_before, t_before = (
        jaxnn.interop.state_dict(j),
        {k: v.clone() for k, v in t2.state_dict().items()},
    )
    for load, model in ((jck.load_safetensors_into, j), (tck.load_safetensors_into, t2)):
        with pytest.raises(RuntimeError) as info:
            load(model, path)
        assert 'Missing key(s) in state_dict: "layers.2.bias"' in str(info.value)
        assert 'Unexpected key(s) in state_dict: "layers.9.weight"' in str(info.value)
    _assert_untouched(t2, j, t_before, j_before)
    # strict=False reports the same keys on both sides and loads the rest.
    rj, rt = (
        jck.load_safetensors_into(j, path, strict=False),
        tck.load_safetensors_into(t2, path, strict=False),
    )
    assert rj.missing_keys == rt.missing_keys == ["layers.2.bias"]
    assert rj.unexpected_keys == rt.unexpected_keys == ["layers.9.weight"]
    harness.assert_equal(jaxnn.interop.state_dict(j)["layers.0.weight"], sd["layers.0.weight"])


def test_safetensors_wrong_shape_loads_nothing_unlike_plain_torch(mode, tmp_path):
    t, j, _ = _saved_pair(tmp_path, mode)
    sd = dict(t.state_dict())
    sd["layers.4.weight"] = torch.zeros(3, 21, dtype=mode.torch)
    path = tck.save_safetensors(sd, tmp_path / "shape.safetensors")
    t2 = _torch_model(SPECS[0], mode, seed=2)
    j_before, t_before = (
        jaxnn.interop.state_dict(j),
        {k: v.clone() for k, v in t2.state_dict().items()},
    )
    message = (
        "size mismatch for layers.4.weight: copying a param with shape (3, 21) from "
        "checkpoint, the shape in current model is (3, 20)."
    )
    for load, model in ((jck.load_safetensors_into, j), (tck.load_safetensors_into, t2)):
        with pytest.raises(RuntimeError) as info:
            load(model, path)
        assert message in str(info.value)
    _assert_untouched(t2, j, t_before, j_before)
    # The documented difference: torch's own load_state_dict copies every key that fits
    # before raising, so layers 0 and 2 are overwritten by the failed load.
    with pytest.raises(RuntimeError, match="size mismatch for layers.4.weight"):
        t2.load_state_dict(tck.load_safetensors(path))
    harness.assert_equal(t2.state_dict()["layers.0.weight"], sd["layers.0.weight"])


def test_safetensors_integer_weights_are_refused_unlike_plain_torch(mode, tmp_path):
    t, j, _ = _saved_pair(tmp_path, mode)
    sd = {k: v.clone() for k, v in t.state_dict().items()}
    sd["layers.0.bias"] = torch.arange(30)  # int64
    path = tck.save_safetensors(sd, tmp_path / "int.safetensors")
    t2 = _torch_model(SPECS[0], mode, seed=2)
    j_before, t_before = (
        jaxnn.interop.state_dict(j),
        {k: v.clone() for k, v in t2.state_dict().items()},
    )
    for load, model in ((jck.load_safetensors_into, j), (tck.load_safetensors_into, t2)):
        with pytest.raises(RuntimeError, match="dtype mismatch for layers.0.bias: got int64"):
            load(model, path)
    _assert_untouched(t2, j, t_before, j_before)
    # The documented difference: torch's load_state_dict casts the integers silently.
    t2.load_state_dict(tck.load_safetensors(path))
    harness.assert_equal(t2.layers[0].bias.detach(), np.arange(30))


def test_failed_saves_leave_the_old_file_and_no_temporary_files(tmp_path):
    t = torch_ref.models.NeuralNetwork(2, 3)
    st = tck.save_safetensors(t, tmp_path / "model.safetensors")
    pth = tck.save_state_dict(t, tmp_path / "model.pth")
    old = {p.name: p.read_bytes() for p in (st, pth)}
    with pytest.raises(
        TypeError, match='cannot store these arrays in a safetensors file: Unknown dtype "object"'
    ):
        jck.save_safetensors({"w": np.array([object()])}, st)
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        tck.save_state_dict({"w": torch.zeros(2), "f": lambda: None}, pth)  # fails mid-write
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == old
    with pytest.raises(TypeError, match="takes a jaxnn module or a mapping"):
        jck.save_safetensors([1, 2], st)
    with pytest.raises(TypeError, match="takes a torch module or a mapping"):
        tck.save_safetensors([1, 2], st)


# --- orbax: the full JAX train state ------------------------------------------------------


def _batches(mode, n: int):
    rng = np.random.default_rng(3)
    return [
        (jnp.asarray(mode.array(rng.normal(size=(8, 784)))), jnp.asarray(rng.integers(0, 10, 8)))
        for _ in range(n)
    ]


def _fresh_state(mode, seed: int, tx):
    # WellRegularizedNetwork: parameters, momentum buffers, BatchNorm statistics and the
    # dropout RNG key and counter all change every step, so all of them must be restored.
    model = make_jax(Spec("WellRegularizedNetwork"), mode.jnp, nnx.Rngs(seed))
    return jaxnn.train.TrainState.create(model, tx)


def test_orbax_resume_continues_the_uninterrupted_curve_bit_for_bit(mode, tmp_path):
    tx = jaxnn.optim.sgd(lr=0.05, momentum=0.9)
    batches = _batches(mode, 6)
    graphdef, state = _fresh_state(mode, 0, tx)
    step = jaxnn.train.make_train_step(graphdef, tx, jaxnn.functional.cross_entropy)
    uninterrupted = []
    for batch in batches:
        state, metrics = step(state, batch)
        uninterrupted.append(metrics["loss"])
    final = jax.device_get(state)

    graphdef, state = _fresh_state(mode, 0, tx)
    step = jaxnn.train.make_train_step(graphdef, tx, jaxnn.functional.cross_entropy)
    resumed = []
    for batch in batches[:3]:
        state, metrics = step(state, batch)
        resumed.append(metrics["loss"])
    saved = jck.save_train_state(tmp_path / "run", state)
    assert saved == tmp_path / "run" / "3" and saved.is_dir()
    assert sorted(p.name for p in (tmp_path / "run").iterdir() if "tmp" in p.name) == []
    del state  # the next process: only the directory survives

    graphdef, like = _fresh_state(mode, 7, tx)  # different parameters and dropout key
    state = jck.restore_train_state(tmp_path / "run", like)
    assert int(state.step) == 3
    step = jaxnn.train.make_train_step(graphdef, tx, jaxnn.functional.cross_entropy)
    for batch in batches[3:]:
        state, metrics = step(state, batch)
        resumed.append(metrics["loss"])
    harness.assert_equal(jnp.stack(resumed), jnp.stack(uninterrupted), name="loss curve")
    for (path, a), b in zip(
        jax.tree.leaves_with_path(_key_data(jax.device_get(state))),
        jax.tree.leaves(_key_data(final)),
        strict=True,
    ):
        assert a.dtype == b.dtype, jax.tree_util.keystr(path)
        harness.assert_equal(a, b, name=jax.tree_util.keystr(path))


def _key_data(tree):
    """PRNG keys as their raw uint32 data, so the comparison sees every bit."""
    return jax.tree.map(
        lambda x: (
            jax.random.key_data(x)
            if jax.dtypes.issubdtype(getattr(x, "dtype", None), jax.dtypes.prng_key)
            else x
        ),
        tree,
    )


def test_orbax_errors_name_the_directory_and_step(tmp_path):
    with jax.enable_x64(False):
        tx = jaxnn.optim.sgd(lr=0.1)
        _, state = jaxnn.train.TrainState.create(
            jaxnn.models.NeuralNetwork(2, 3, rngs=nnx.Rngs(0)), tx
        )
        with pytest.raises(FileNotFoundError, match="no checkpoint directory at"):
            jck.restore_train_state(tmp_path / "absent", state)
        (tmp_path / "empty").mkdir()
        with pytest.raises(FileNotFoundError, match="no checkpoints"):
            jck.restore_train_state(tmp_path / "empty", state)
        # A step saved again is replaced whole (what a resumed run does with a step that a
        # crash left without its progress record).
        twos = jax.tree.map(lambda x: jax.numpy.full_like(x, 2), state)
        jck.save_train_state(tmp_path / "run", twos, step=5)
        jck.save_train_state(tmp_path / "run", state, step=5)
        assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["5"]
        with pytest.raises(
            FileNotFoundError, match=r"no checkpoint for step 4; saved steps: \[5\]"
        ):
            jck.restore_train_state(tmp_path / "run", state, step=4)
        restored = jck.restore_train_state(tmp_path / "run", state, step=5)
        for a, b in zip(jax.tree.leaves(restored), jax.tree.leaves(state), strict=True):
            harness.assert_equal(a, b)
        with pytest.raises(TypeError, match="takes a TrainState"):
            jck.save_train_state(tmp_path / "run", {"params": 1})


# A failed tensorstore read completes its future after orbax has closed its event loop, which
# Python reports as an unraisable "Event loop is closed"; orbax's cleanup, not a failure here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_orbax_damaged_checkpoint_is_a_clear_error_or_restores_exactly(tmp_path):
    # Every file of a saved step, deleted or cut in half, one at a time: the restore either
    # raises CheckpointError naming the directory and the step, or (for files orbax does not
    # need, e.g. commit_success.txt) returns the saved state bit for bit; never a wrong state.
    import shutil

    with jax.enable_x64(False):
        tx = jaxnn.optim.sgd(lr=0.1, momentum=0.9)
        _, state = jaxnn.train.TrainState.create(
            jaxnn.models.NeuralNetwork(2, 3, rngs=nnx.Rngs(0)), tx
        )
        good = tmp_path / "good"
        jck.save_train_state(good, state, step=5)
        files = sorted(p.relative_to(good / "5") for p in good.rglob("*") if p.is_file())
        refused = set()
        for i, name in enumerate(files):
            for damage in ("delete", "truncate"):
                run = tmp_path / f"run{i}-{damage}"
                shutil.copytree(good, run)
                target = run / "5" / name
                if damage == "delete":
                    target.unlink()
                else:
                    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
                try:
                    restored = jck.restore_train_state(run, state)
                except jck.CheckpointError as error:
                    assert str(error).startswith(f"{run}: cannot restore the checkpoint for step 5")
                    assert str(run / "5") in str(error)
                    refused.add(name.parts[-1] if name.parts[-2] == "d" else str(name))
                    continue
                for a, b in zip(jax.tree.leaves(restored), jax.tree.leaves(state), strict=True):
                    harness.assert_equal(a, b, name=f"{name} {damage}")
        # The files that hold the arrays and their layout are among those checked.
        assert {"default/_METADATA", "default/manifest.ocdbt"} <= refused


def test_orbax_restore_refuses_a_checkpoint_of_another_dtype_or_shape(tmp_path):
    # orbax would cast a float32 step into a float64 `like` without a word (a run.json edited
    # to float64 resumed silently); the restore names the arrays that differ instead.
    tx = jaxnn.optim.sgd(lr=0.1, momentum=0.9)
    with jax.enable_x64(True):
        _, f32 = jaxnn.train.TrainState.create(
            jaxnn.models.NeuralNetwork(2, 3, rngs=nnx.Rngs(0), dtype=np.float32), tx
        )
        jck.save_train_state(tmp_path / "run", f32, step=1)
        _, f64 = jaxnn.train.TrainState.create(
            jaxnn.models.NeuralNetwork(2, 3, rngs=nnx.Rngs(0), dtype=np.float64), tx
        )
        with pytest.raises(jck.CheckpointError, match="does not match this model") as info:
            jck.restore_train_state(tmp_path / "run", f64)
        assert "float32[" in str(info.value) and "float64[" in str(info.value)
        _, wider = jaxnn.train.TrainState.create(
            jaxnn.models.NeuralNetwork(2, 4, rngs=nnx.Rngs(0), dtype=np.float32), tx
        )
        with pytest.raises(jck.CheckpointError, match=r"float32\[3\].*float32\[4\]"):
            jck.restore_train_state(tmp_path / "run", wider)
        restored = jck.restore_train_state(tmp_path / "run", f32)
        for a, b in zip(jax.tree.leaves(restored), jax.tree.leaves(f32), strict=True):
            harness.assert_equal(a, b)
