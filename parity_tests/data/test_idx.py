"""The IDX reader and ``load_mnist`` (inventory §4.1; the notebooks' MNIST, S4 916-917, 1082-1083).

torchvision cannot download here, and the project does not depend on it, so the
tests write small IDX files themselves, byte by byte from the format's
definition (big-endian magic ``0x00 0x00 type ndim``, int32 sizes, payload),
raw and gzipped, and check that every malformed variant is refused with a
message that names the file.
"""

import gzip
import struct

import numpy as np
import pytest

import jaxnn
from twincore import harness
from twincore.data.idx import IMAGES_MAGIC, LABELS_MAGIC, IDXError, read_idx

from .components import IDX

pytestmark = IDX

N = 5

# IDX type code -> NumPy element type (the format's table).
TYPE_CODES = {0x08: "u1", 0x09: "i1", 0x0B: "i2", 0x0C: "i4", 0x0D: "f4", 0x0E: "f8"}


def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    """The IDX encoding of ``array``, written from the format's definition."""
    header = struct.pack(">BBBB", 0, 0, code, array.ndim)
    header += struct.pack(f">{array.ndim}i", *array.shape)
    return header + array.astype(np.dtype(TYPE_CODES[code]).newbyteorder(">")).tobytes()


def write(path, data: bytes, compressed: bool = False):
    path.write_bytes(gzip.compress(data) if compressed else data)
    return path


@pytest.fixture
def mnist_arrays(rng):
    images = rng.integers(0, 256, size=(N, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=N, dtype=np.uint8)
    return images, labels


def write_split(directory, images, labels, train=True, compressed=False):
    prefix = "train" if train else "t10k"
    suffix = ".gz" if compressed else ""
    directory.mkdir(parents=True, exist_ok=True)
    image_path = directory / f"{prefix}-images-idx3-ubyte{suffix}"
    label_path = directory / f"{prefix}-labels-idx1-ubyte{suffix}"
    write(image_path, idx_bytes(images), compressed)
    write(label_path, idx_bytes(labels), compressed)
    return image_path, label_path


@pytest.mark.parametrize("compressed", [False, True], ids=["raw", "gz"])
def test_read_idx_images_and_labels_round_trip(tmp_path, mnist_arrays, compressed):
    images, labels = mnist_arrays
    image_path = write(tmp_path / "images", idx_bytes(images), compressed)
    label_path = write(tmp_path / "labels", idx_bytes(labels), compressed)
    got_images = jaxnn.data.read_idx(image_path, magic=IMAGES_MAGIC)
    got_labels = jaxnn.data.read_idx(label_path, magic=LABELS_MAGIC)
    assert got_images.dtype == np.uint8 and got_images.shape == (N, 28, 28)
    assert got_labels.dtype == np.uint8 and got_labels.shape == (N,)
    harness.assert_equal(got_images, images)
    harness.assert_equal(got_labels, labels)
    assert got_images.flags.writeable


@pytest.mark.parametrize("code", sorted(TYPE_CODES), ids=lambda c: TYPE_CODES[c])
def test_read_idx_parses_every_element_type_big_endian(tmp_path, rng, code):
    # The header is parsed generally: any type code and rank, converted to native byte order.
    values = (rng.normal(size=(2, 3, 4)) * 100).astype(TYPE_CODES[code])
    got = jaxnn.data.read_idx(write(tmp_path / "x.idx", idx_bytes(values, code)))
    assert got.dtype == np.dtype(TYPE_CODES[code]) and got.dtype.isnative
    harness.assert_equal(got, values)


def test_read_idx_empty_dimension(tmp_path):
    got = jaxnn.data.read_idx(write(tmp_path / "empty", idx_bytes(np.zeros((0, 28, 28), "u1"))))
    assert got.shape == (0, 28, 28)


@pytest.mark.parametrize("train", [True, False], ids=["train", "t10k"])
@pytest.mark.parametrize("layout", ["flat", "torchvision"])
@pytest.mark.parametrize("compressed", [False, True], ids=["raw", "gz"])
def test_load_mnist_finds_files(tmp_path, mnist_arrays, train, layout, compressed):
    # The notebooks' root='./data' keeps the files in data/MNIST/raw (S4 1352-1355, §4.1).
    images, labels = mnist_arrays
    directory = tmp_path if layout == "flat" else tmp_path / "MNIST" / "raw"
    write_split(directory, images, labels, train=train, compressed=compressed)
    got_images, got_labels = jaxnn.data.load_mnist(tmp_path, train=train)
    harness.assert_equal(got_images, images)
    harness.assert_equal(got_labels, labels)
    assert got_images.dtype == got_labels.dtype == np.uint8


def test_load_mnist_prefers_raw_over_gz(tmp_path, mnist_arrays):
    images, labels = mnist_arrays
    write_split(tmp_path, images, labels)
    write_split(tmp_path, images[::-1].copy(), labels[::-1].copy(), compressed=True)
    got_images, _ = jaxnn.data.load_mnist(tmp_path)
    harness.assert_equal(got_images, images)


def test_load_mnist_missing_file_lists_names_and_places(tmp_path, mnist_arrays):
    images, _ = mnist_arrays
    write(tmp_path / "train-images-idx3-ubyte", idx_bytes(images))
    with pytest.raises(FileNotFoundError) as info:
        jaxnn.data.load_mnist(tmp_path)
    message = str(info.value)
    for part in (
        "train-images-idx3-ubyte[.gz]",
        "train-labels-idx1-ubyte[.gz]",
        str(tmp_path),
        str(tmp_path / "MNIST" / "raw"),
        "missing train-labels-idx1-ubyte[.gz]",
    ):
        assert part in message, (part, message)
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte"):
        jaxnn.data.load_mnist(tmp_path, train=False)


def _header(code, ndim, dims):
    return struct.pack(">BBBB", 0, 0, code, ndim) + struct.pack(f">{len(dims)}i", *dims)


@pytest.mark.parametrize(
    "name, data, magic, message",
    [
        ("empty file", b"", None, "too short for an IDX header"),
        ("non-IDX bytes", b"PK\x03\x04 not idx", None, "not an IDX file"),
        ("unknown type", _header(0x07, 1, [3]) + b"abc", None, "unknown IDX element type 0x07"),
        ("labels as images", _header(0x08, 1, [3]) + b"abc", IMAGES_MAGIC, "wrong magic number"),
        ("images as labels", _header(0x08, 3, [1, 2, 2]) + bytes(4), LABELS_MAGIC, "2051"),
        ("int32 images", _header(0x0C, 3, [1, 1, 1]) + bytes(4), IMAGES_MAGIC, "wrong magic"),
        ("zero dims", _header(0x08, 0, []), None, "declares 0 dimensions"),
        ("short dims", _header(0x08, 3, [5, 28]), None, "ends after 8 of their 12 bytes"),
        ("negative dim", _header(0x08, 1, [-1]), None, "negative dimension"),
        ("short payload", _header(0x08, 3, [2, 2, 2]) + bytes(7), None, "truncated payload: 7"),
        ("long payload", _header(0x08, 1, [3]) + bytes(5), None, "2 extra bytes after the 3-byte"),
    ],
)
@pytest.mark.parametrize("compressed", [False, True], ids=["raw", "gz"])
def test_read_idx_rejects_malformed_files(tmp_path, name, data, magic, message, compressed):
    path = write(tmp_path / "bad-idx-ubyte", data, compressed)
    with pytest.raises(jaxnn.data.IDXError, match=message) as info:
        jaxnn.data.read_idx(path, magic=magic)
    assert str(info.value).startswith(str(path)), name
    assert isinstance(info.value, ValueError)


def test_read_idx_rejects_truncated_gzip(tmp_path, mnist_arrays):
    images, _ = mnist_arrays
    packed = gzip.compress(idx_bytes(images))
    path = write(tmp_path / "train-images-idx3-ubyte.gz", packed[: len(packed) // 2])
    with pytest.raises(jaxnn.data.IDXError, match="corrupt or truncated gzip") as info:
        jaxnn.data.read_idx(path)
    assert str(path) in str(info.value)


def test_read_idx_rejects_corrupt_gzip_checksum(tmp_path, mnist_arrays):
    images, _ = mnist_arrays
    packed = bytearray(gzip.compress(idx_bytes(images)))
    packed[-8] ^= 0xFF  # the CRC-32 of the uncompressed data
    path = write(tmp_path / "images.gz", bytes(packed))
    with pytest.raises(jaxnn.data.IDXError, match="corrupt or truncated gzip") as info:
        jaxnn.data.read_idx(path)
    assert str(path) in str(info.value)


def test_read_idx_unreadable_path_names_the_file(tmp_path):
    for path in (tmp_path / "does-not-exist", tmp_path):  # a missing file; a directory
        with pytest.raises(jaxnn.data.IDXError, match="cannot read the file") as info:
            jaxnn.data.read_idx(path)
        assert str(info.value).startswith(str(path))


def test_load_mnist_rejects_count_mismatch(tmp_path, mnist_arrays):
    images, labels = mnist_arrays
    image_path, label_path = write_split(tmp_path, images, labels[:-1])
    with pytest.raises(jaxnn.data.IDXError, match=f"holds {N} images but .* holds {N - 1}") as e:
        jaxnn.data.load_mnist(tmp_path)
    assert str(image_path) in str(e.value) and str(label_path) in str(e.value)


def test_load_mnist_rejects_labels_out_of_range(tmp_path, mnist_arrays):
    images, labels = mnist_arrays
    labels = labels.copy()
    labels[3] = 10
    _, label_path = write_split(tmp_path, images, labels, compressed=True)
    with pytest.raises(jaxnn.data.IDXError, match="label 10 at index 3 is outside 0..9") as e:
        jaxnn.data.load_mnist(tmp_path)
    assert str(e.value).startswith(str(label_path))


def test_load_mnist_rejects_images_that_are_not_28x28(tmp_path, rng):
    images = rng.integers(0, 256, size=(N, 27, 28), dtype=np.uint8)
    image_path, _ = write_split(tmp_path, images, np.zeros(N, np.uint8))
    with pytest.raises(jaxnn.data.IDXError, match="images are 27x28; MNIST's are 28x28") as e:
        jaxnn.data.load_mnist(tmp_path)
    assert str(e.value).startswith(str(image_path))


def test_load_mnist_rejects_swapped_files(tmp_path, mnist_arrays):
    # A labels file under the images name: refused by its magic number, naming the file.
    images, labels = mnist_arrays
    write(tmp_path / "train-images-idx3-ubyte", idx_bytes(labels))
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(images))
    with pytest.raises(jaxnn.data.IDXError, match="wrong magic number 2049") as e:
        jaxnn.data.load_mnist(tmp_path)
    assert str(e.value).startswith(str(tmp_path / "train-images-idx3-ubyte"))


@pytest.mark.parametrize("compressed", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize(
    "dims, message",
    [
        ((2**31 - 1, 28, 28), "truncated payload: 88 bytes"),
        ((2**31 - 1, 2**31 - 1, 2**31 - 1), "truncated payload: 88 bytes"),
    ],
    ids=["huge-count", "huge-dims"],
)
def test_read_idx_header_claiming_more_than_the_file_holds_allocates_nothing(
    tmp_path, compressed, dims, message
):
    # A 100-byte file whose header claims 2**31 images (or 2**93 bytes): the reader reads
    # what is there and names the shortfall, without asking for the claimed memory first.
    data = struct.pack(">BBBB", 0, 0, 0x08, 3) + struct.pack(">3i", *dims) + bytes(88)
    path = write(tmp_path / "images", data, compressed)
    with pytest.raises(IDXError, match=message):
        read_idx(path, magic=IMAGES_MAGIC)


def test_load_mnist_refuses_a_split_of_0_images(tmp_path):
    write_split(tmp_path, np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8))
    with pytest.raises(IDXError, match="holds 0 images"):
        jaxnn.data.load_mnist(tmp_path)
