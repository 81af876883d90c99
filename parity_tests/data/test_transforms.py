"""torchvision's ToTensor / Normalize / Compose twins (inventory §1.18; S4 909-913, 1299, 1488).

E13 uses ``Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])``, E14 and
E15 ``ToTensor()`` alone. torchvision is not installed; each test compares
``jaxnn.data`` (NumPy) with ``torch_ref.data`` (torch, torchvision's code) bit
for bit, and both with torchvision's documented formulas written out in torch:
``ToTensor``: ``torch.from_numpy(pic.transpose(2, 0, 1)).to(float).div(255)``
for uint8; ``Normalize``: ``(x - mean[c]) / std[c]`` per channel.
"""

import numpy as np
import pytest
import torch

import jaxnn
import torch_ref
from twincore import harness

from .components import TRANSFORMS

pytestmark = TRANSFORMS

MNIST_MEAN, MNIST_STD = (0.1307,), (0.3081,)  # S4 912


def every_uint8(shape=(16, 16)) -> np.ndarray:
    """All 256 uint8 values in one image."""
    return np.arange(256, dtype=np.uint8).reshape(shape)


def torchvision_to_tensor(pic: np.ndarray, dtype: torch.dtype) -> torch.Tensor:
    """torchvision's documented ToTensor for a uint8 ndarray."""
    if pic.ndim == 2:
        pic = pic[:, :, None]
    return torch.from_numpy(pic.transpose((2, 0, 1))).contiguous().to(dtype).div(255)


def test_to_tensor_uint8_hw_every_value(mode):
    pic = every_uint8()
    j = jaxnn.data.ToTensor(dtype=mode.name)(pic)
    t = torch_ref.data.ToTensor(dtype=mode.torch)(pic)
    assert isinstance(j, np.ndarray) and isinstance(t, torch.Tensor)
    assert j.shape == tuple(t.shape) == (1, 16, 16)
    assert j.dtype == mode.np and t.dtype == mode.torch
    harness.assert_equal(j, t)  # bit for bit
    harness.assert_equal(t, torchvision_to_tensor(pic, mode.torch))
    mode.assert_close(j, np.arange(256).reshape(1, 16, 16) / 255)
    assert j.min() == 0 and j.max() == 1


def test_to_tensor_default_dtype_is_float32():
    pic = every_uint8()
    assert torch.get_default_dtype() == torch.float32
    j, t = jaxnn.data.ToTensor()(pic), torch_ref.data.ToTensor()(pic)
    assert j.dtype == np.float32 and t.dtype == torch.float32
    harness.assert_equal(j, t)


def test_to_tensor_divides_by_255_not_multiplies_by_reciprocal():
    # torch's div(255) is an IEEE division; x * (1/255) rounds differently for about half of
    # the uint8 values in float32, so a twin built on the reciprocal would not be bit-identical.
    pic = every_uint8()
    j = jaxnn.data.ToTensor()(pic)
    reciprocal = pic.astype(np.float32)[None] * (np.float32(1) / np.float32(255))
    assert (j != reciprocal).any()
    harness.assert_equal(j, torch_ref.data.ToTensor()(pic))


def test_to_tensor_hwc_to_chw(rng):
    pic = rng.integers(0, 256, size=(5, 4, 3), dtype=np.uint8)
    j, t = jaxnn.data.ToTensor()(pic), torch_ref.data.ToTensor()(pic)
    assert j.shape == (3, 5, 4)
    assert j.flags.c_contiguous and t.is_contiguous()
    harness.assert_equal(j, t)
    harness.assert_equal(t, torchvision_to_tensor(pic, torch.float32))
    harness.assert_equal(j[2], pic[:, :, 2] / np.float32(255))


def test_to_tensor_size_one_image():
    pic = np.array([[255]], dtype=np.uint8)
    j, t = jaxnn.data.ToTensor()(pic), torch_ref.data.ToTensor()(pic)
    assert j.shape == tuple(t.shape) == (1, 1, 1)
    harness.assert_equal(j, t)


def test_to_tensor_leaves_non_uint8_unscaled(rng):
    # torchvision scales only uint8 input; other dtypes are transposed and returned as they are.
    pic = rng.normal(size=(3, 4)).astype(np.float64)
    j, t = jaxnn.data.ToTensor()(pic), torch_ref.data.ToTensor()(pic)
    assert j.dtype == np.float64 and t.dtype == torch.float64
    harness.assert_equal(j, t)
    harness.assert_equal(j, pic[None])


@pytest.mark.parametrize("shape", [(4, 6, 5), (4, 6, 5, 3)], ids=["NHW", "NHWC"])
def test_to_tensor_batch_equals_stacked_images(rng, mode, shape):
    pics = rng.integers(0, 256, size=shape, dtype=np.uint8)
    for side, stack in ((jaxnn.data, np.stack), (torch_ref.data, torch.stack)):
        to_tensor = side.ToTensor(dtype=mode.name)
        batch = to_tensor.batch(pics)
        assert tuple(batch.shape) == (4, 1 if len(shape) == 3 else 3, 6, 5)
        harness.assert_equal(batch, stack([to_tensor(p) for p in pics]))
    harness.assert_equal(
        jaxnn.data.ToTensor(dtype=mode.name).batch(pics),
        torch_ref.data.ToTensor(dtype=mode.torch).batch(pics),
    )


@pytest.mark.parametrize(
    "pic, error, message",
    [
        (np.zeros(5, np.uint8), ValueError, "pic should be 2/3 dimensional. Got 1 dimensions"),
        (np.zeros((1, 2, 2, 1), np.uint8), ValueError, "Got 4 dimensions"),
        ([[0, 1]], TypeError, "pic should be a NumPy ndarray"),
    ],
)
def test_to_tensor_rejects_bad_input_like_torchvision(pic, error, message):
    for side in (jaxnn.data, torch_ref.data):
        with pytest.raises(error, match=message):
            side.ToTensor()(pic)


def test_to_tensor_rejects_integer_dtype():
    with pytest.raises(ValueError, match="floating dtype"):
        jaxnn.data.ToTensor(dtype="int32")
    with pytest.raises(ValueError, match="floating dtype"):
        torch_ref.data.ToTensor(dtype=torch.int32)


def torchvision_normalize(x: torch.Tensor, mean, std) -> torch.Tensor:
    """torchvision's documented Normalize: per channel (x - mean) / std in x's dtype."""
    m = torch.as_tensor(mean, dtype=x.dtype).view(-1, 1, 1)
    s = torch.as_tensor(std, dtype=x.dtype).view(-1, 1, 1)
    return (x - m) / s


def test_normalize_mnist_constants_after_to_tensor(mode):
    # E13's pipeline on every pixel value; the result is (k/255 - 0.1307) / 0.3081.
    pic = every_uint8()
    j = jaxnn.data.Normalize(MNIST_MEAN, MNIST_STD)(jaxnn.data.ToTensor(dtype=mode.name)(pic))
    t = torch_ref.data.Normalize(MNIST_MEAN, MNIST_STD)(
        torch_ref.data.ToTensor(dtype=mode.torch)(pic)
    )
    assert j.dtype == mode.np and t.dtype == mode.torch
    harness.assert_equal(j, t)
    harness.assert_equal(
        t, torchvision_normalize(torchvision_to_tensor(pic, mode.torch), MNIST_MEAN, MNIST_STD)
    )
    exact = (np.arange(256).reshape(1, 16, 16) / 255 - 0.1307) / 0.3081
    mode.assert_close(j, exact)


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5)], ids=["CHW", "NCHW"])
def test_normalize_per_channel(rng, mode, shape):
    x = mode.array(rng.normal(size=shape))
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    j = jaxnn.data.Normalize(mean, std)(x)
    t = torch_ref.data.Normalize(mean, std)(torch.from_numpy(x))
    harness.assert_equal(j, t)
    harness.assert_equal(t, torchvision_normalize(torch.from_numpy(x), mean, std))
    expected = (x.astype(np.float64) - np.reshape(mean, (3, 1, 1))) / np.reshape(std, (3, 1, 1))
    mode.assert_close(j, expected)
    harness.assert_equal(jaxnn.data.Normalize(mean, std).batch(x), j)


def test_normalize_inplace_and_out_of_place(rng):
    x = rng.normal(size=(1, 2, 2)).astype(np.float32)
    for side, make in ((jaxnn.data, np.array), (torch_ref.data, torch.tensor)):
        original = make(x)
        out = side.Normalize(MNIST_MEAN, MNIST_STD)(original)
        harness.assert_equal(original, x)  # default: the input is left alone
        inplace = make(x)
        out_inplace = side.Normalize(MNIST_MEAN, MNIST_STD, inplace=True)(inplace)
        harness.assert_equal(inplace, out)
        assert out_inplace is inplace


@pytest.mark.parametrize(
    "jx, tx, mean, std, error, message",
    [
        (
            np.zeros((1, 2, 2), np.uint8),
            torch.zeros((1, 2, 2), dtype=torch.uint8),
            MNIST_MEAN,
            MNIST_STD,
            TypeError,
            "Input tensor should be a float tensor",
        ),
        (
            np.zeros((2, 2), np.float32),
            torch.zeros((2, 2)),
            MNIST_MEAN,
            MNIST_STD,
            ValueError,
            r"Expected tensor to be a tensor image of size \(\.\.\., C, H, W\)",
        ),
        (
            np.zeros((1, 2, 2), np.float32),
            torch.zeros((1, 2, 2)),
            (0.0,),
            (1e-50,),  # nonzero in float64, zero once rounded to float32
            ValueError,
            "std evaluated to zero after conversion to",
        ),
    ],
)
def test_normalize_rejects_like_torchvision(jx, tx, mean, std, error, message):
    with pytest.raises(error, match=message):
        jaxnn.data.Normalize(mean, std)(jx)
    with pytest.raises(error, match=message):
        torch_ref.data.Normalize(mean, std)(tx)


def test_compose_e13_pipeline(rng, mode):
    pics = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    j = jaxnn.data.Compose(
        [jaxnn.data.ToTensor(dtype=mode.name), jaxnn.data.Normalize(MNIST_MEAN, MNIST_STD)]
    )
    t = torch_ref.data.Compose(
        [torch_ref.data.ToTensor(dtype=mode.torch), torch_ref.data.Normalize(MNIST_MEAN, MNIST_STD)]
    )
    for pic in pics:
        harness.assert_equal(j(pic), t(pic))
        harness.assert_equal(j(pic), j.transforms[1](j.transforms[0](pic)))
    assert j(pics[0]).shape == (1, 28, 28)
    harness.assert_equal(j.batch(pics), t.batch(pics))
    harness.assert_equal(j.batch(pics), np.stack([j(p) for p in pics]))


def test_compose_batch_applies_plain_functions_image_by_image(rng):
    # A transform without a batch method (here a lambda) is applied per image and stacked.
    pics = rng.integers(0, 256, size=(4, 5, 5), dtype=np.uint8)
    j = jaxnn.data.Compose([jaxnn.data.ToTensor(), lambda x: x[:, 1:, 1:] * 2])
    t = torch_ref.data.Compose([torch_ref.data.ToTensor(), lambda x: x[:, 1:, 1:] * 2])
    assert j.batch(pics).shape == (4, 1, 4, 4)
    harness.assert_equal(j.batch(pics), t.batch(pics))
    harness.assert_equal(j.batch(pics), np.stack([j(p) for p in pics]))
    with pytest.raises(ValueError, match="to zero images"):
        jaxnn.data.Compose([lambda x: x]).batch(np.zeros((0, 2, 2), np.uint8))


def test_transform_reprs_name_the_class():
    for side in (jaxnn.data, torch_ref.data):
        composed = side.Compose([side.ToTensor(), side.Normalize(MNIST_MEAN, MNIST_STD)])
        assert repr(composed) == (
            "Compose(\n    ToTensor()\n    Normalize(mean=(0.1307,), std=(0.3081,))\n)"
        )
