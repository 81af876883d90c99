"""Property tests of the IDX reader, ``twincore.data.idx.read_idx`` (issue 7 item 6; §4.1).

For arbitrary bytes, for valid headers with random dimensions and element types, for
payloads cut short or extended, raw and gzip-wrapped: the reader returns exactly the array
that was written, or raises ``IDXError`` naming the file; never another exception, never a
wrong array. The expected bytes are written from the format's definition (test_idx.py's
``idx_bytes``), not by the reader.
"""

import gzip

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twincore import harness
from twincore.data.idx import IDXError, read_idx

from .components import IDX
from .test_idx import TYPE_CODES, idx_bytes

pytestmark = IDX

SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read(path, data: bytes, compressed: bool):
    path.write_bytes(gzip.compress(data) if compressed else data)
    try:
        return read_idx(path), None
    except IDXError as error:
        assert str(error).startswith(str(path)), str(error)
        return None, error


@SETTINGS
@given(data=st.binary(max_size=64), compressed=st.booleans())
def test_read_idx_arbitrary_bytes_is_an_array_or_idx_error(tmp_path, data, compressed):
    array, _ = _read(tmp_path / "any", data, compressed)
    if array is not None:  # then the bytes were a valid IDX file: re-encode and compare
        assert data[2] in TYPE_CODES and array.ndim == data[3]
        assert idx_bytes(array, data[2]) == data


@SETTINGS
@given(
    code=st.sampled_from(sorted(TYPE_CODES)),
    shape=st.lists(st.integers(0, 4), min_size=1, max_size=4),
    cut=st.integers(-6, 6),
    compressed=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_read_idx_valid_header_with_cut_or_extended_payload(
    tmp_path, code, shape, cut, compressed, seed
):
    rng = np.random.default_rng(seed)
    dtype = np.dtype(TYPE_CODES[code])
    if dtype.kind == "f":
        array = rng.normal(size=shape).astype(dtype)
    else:
        info = np.iinfo(dtype)
        array = rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)
    data = idx_bytes(array, code)
    if cut < 0:
        data = data[:cut]
    else:
        data = data + bytes(range(cut))
    result, error = _read(tmp_path / "f.idx", data, compressed)
    if cut == 0:
        assert error is None
        assert result.dtype == dtype.newbyteorder("=") and result.shape == tuple(shape)
        harness.assert_equal(result, array)
        assert result.tobytes() == array.tobytes()  # NaN payloads and -0.0 included
    else:
        assert result is None, f"a payload off by {cut} bytes was accepted"


@SETTINGS
@given(cut=st.integers(1, 40), flip=st.integers(0, 200))
def test_read_idx_damaged_gzip_stream_is_idx_error(tmp_path, cut, flip):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    packed = bytearray(gzip.compress(idx_bytes(array)))
    truncated = bytes(packed[:-cut])
    path = tmp_path / "t.gz"
    path.write_bytes(truncated)
    try:
        read_idx(path)
        raise AssertionError("a truncated gzip stream was accepted")
    except IDXError as error:
        assert str(error).startswith(str(path))
    flip %= len(packed)
    packed[flip] ^= 0xFF
    path.write_bytes(bytes(packed))
    try:
        harness.assert_equal(read_idx(path), array)  # a flip in an ignored header field
    except IDXError as error:
        assert str(error).startswith(str(path))
