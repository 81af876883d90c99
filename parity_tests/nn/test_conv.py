"""``nn.Conv2d`` / ``F.conv2d`` twins and the notebook's CNN template.

Inventory §1.12 (rows ``nn.Conv2d``, ``nn.MaxPool2d``, feature-map size), §3.2 (the CNN
with 10 classes has 34,826 parameters), §5 item 7; S3 290-323 (E08).
"""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx
from scipy import stats

import jaxnn
from twincore import harness

from ..modes import Mode
from .components import CONV2D

# torch warns that 'same' padding with an even kernel may copy the input; it computes the
# same result, which is what these tests compare.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning"),
    CONV2D,
]


# (in_channels, out_channels, kernel_size, constructor kwargs, input shape)
CONFIGS = {
    "default": (3, 4, 3, {}, (2, 3, 7, 8)),
    "stride2_padding1": (3, 4, 3, {"stride": 2, "padding": 1}, (2, 3, 7, 8)),
    "kernel2x3_padding1x2": (3, 4, (2, 3), {"padding": (1, 2)}, (2, 3, 7, 8)),
    "same_even_kernel_dilated": (3, 4, (2, 3), {"padding": "same", "dilation": 2}, (2, 3, 7, 8)),
    # An odd total padding (even kernel, no dilation): torch puts the extra row and column
    # after the input.
    "same_even_kernel": (3, 4, (2, 4), {"padding": "same"}, (2, 3, 7, 8)),
    "valid_no_bias": (3, 4, 3, {"padding": "valid", "bias": False}, (2, 3, 7, 8)),
    "dilation2_stride2x1": (3, 4, 3, {"dilation": 2, "stride": (2, 1)}, (2, 3, 9, 8)),
    "groups2": (4, 6, 3, {"groups": 2, "padding": 1}, (2, 4, 6, 5)),
    "unbatched": (3, 4, 3, {"padding": 1}, (3, 7, 8)),
}


def _twins(in_channels, out_channels, kernel_size, kwargs, mode):
    torch.manual_seed(0)
    t = torch.nn.Conv2d(in_channels, out_channels, kernel_size, **kwargs).to(mode.torch)
    j = jaxnn.nn.Conv2d(
        in_channels, out_channels, kernel_size, **kwargs, dtype=mode.jnp, rngs=nnx.Rngs(0)
    )
    jaxnn.interop.load_state_dict(j, t.state_dict())
    return t, j


def _inputs(rng, mode, shape, out_shape):
    """Pixel-like input in [0, 1) and a positive output cotangent, made once for both sides.

    With them every weight- and bias-gradient entry is a sum of positive terms. A cotangent
    of mixed sign makes those sums (over N * H_out * W_out positions) cancel, and float32
    summation-order noise then exceeds any relative tolerance; float64 is the algorithm
    check for that case (``test_conv2d_float64_gradients_with_cancellation``).
    """
    x = mode.array(rng.uniform(size=shape))
    cotangent = mode.array(rng.uniform(0.5, 1.5, size=out_shape))
    return x, cotangent


def _torch_run(model, x, cotangent):
    """Output, input gradient and parameter gradients of ``sum(model(x) * cotangent)``."""
    xt = torch.tensor(x, requires_grad=True)
    out = model(xt)
    (out * torch.tensor(cotangent)).sum().backward()
    return out, xt.grad, {k: p.grad for k, p in model.named_parameters()}


def _jax_run(model, x, cotangent, jit):
    """The same in jaxnn; parameter gradients laid out as torch's state dict."""

    def run(model, x, cotangent):
        def loss(model, x):
            out = model(x)
            return jnp.sum(out * cotangent), out

        (_, out), (grads, x_grad) = nnx.value_and_grad(loss, argnums=(0, 1), has_aux=True)(model, x)
        return out, x_grad, grads

    run = nnx.jit(run) if jit else run
    out, x_grad, grads = run(model, jnp.asarray(x), jnp.asarray(cotangent))
    graphdef, _ = nnx.split(model)
    return out, x_grad, jaxnn.interop.state_dict(nnx.merge(graphdef, grads))


def _check_layer(mode, rng, config, jit):
    in_channels, out_channels, kernel_size, kwargs, shape = CONFIGS[config]
    t, j = _twins(in_channels, out_channels, kernel_size, kwargs, mode)
    out_shape = tuple(t(torch.zeros(shape, dtype=mode.torch)).shape)
    x, cotangent = _inputs(rng, mode, shape, out_shape)
    out_t, x_grad_t, grads_t = _torch_run(t, x, cotangent)
    out_j, x_grad_j, grads_j = _jax_run(j, x, cotangent, jit)
    mode.assert_close(out_j, out_t, name="output")
    mode.assert_close(x_grad_j, x_grad_t, name="input grad")
    mode.assert_state_dict_close(grads_j, grads_t, name="parameter grads")
    assert out_j.dtype == mode.jnp


@pytest.mark.parametrize("config", list(CONFIGS))
def test_conv2d_forward_and_gradients_jit(mode, rng, config):
    _check_layer(mode, rng, config, jit=True)


@pytest.mark.parametrize("config", ["groups2", "unbatched"])
def test_conv2d_forward_and_gradients_eager(mode, rng, config):
    # Eager runs op by op (a compile per primitive and shape), so only two configurations.
    _check_layer(mode, rng, config, jit=False)


def test_conv2d_float64_gradients_with_cancellation(rng):
    # Mixed-sign input and loss sum(out ** 2): gradient sums cancel; float64 agrees to 1e-10.
    mode = Mode("float64")
    with jax.enable_x64(True):
        t, j = _twins(*CONFIGS["kernel2x3_padding1x2"][:4], mode)
        x = mode.array(rng.normal(size=(2, 3, 7, 8)))
        xt = torch.tensor(x, requires_grad=True)
        t(xt).pow(2).sum().backward()
        grads, x_grad = nnx.grad(lambda m, x: jnp.sum(m(x) ** 2), argnums=(0, 1))(j, x)
        graphdef, _ = nnx.split(j)
        mode.assert_close(x_grad, xt.grad, name="input grad")
        mode.assert_state_dict_close(
            jaxnn.interop.state_dict(nnx.merge(graphdef, grads)),
            {k: p.grad for k, p in t.named_parameters()},
        )


@pytest.mark.parametrize("config", ["default", "kernel2x3_padding1x2", "groups2", "unbatched"])
def test_conv2d_functional_forward_and_gradients(mode, rng, config):
    in_channels, out_channels, kernel_size, kwargs, shape = CONFIGS[config]
    kwargs = {k: v for k, v in kwargs.items() if k != "bias"}
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    groups = kwargs.get("groups", 1)
    w = mode.array(rng.normal(size=(out_channels, in_channels // groups, kh, kw)))
    b = mode.array(rng.normal(size=out_channels))
    out_shape = tuple(
        F.conv2d(torch.zeros(shape, dtype=mode.torch), torch.tensor(w), **kwargs).shape
    )
    x, cotangent = _inputs(rng, mode, shape, out_shape)
    ts = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out_t = F.conv2d(*ts, **kwargs)
    (out_t * torch.tensor(cotangent)).sum().backward()

    def loss(x, w, b):
        out = jaxnn.functional.conv2d(x, w, b, **kwargs)
        return jnp.sum(out * cotangent), out

    grads, out_j = jax.jit(jax.grad(loss, argnums=(0, 1, 2), has_aux=True))(x, w, b)
    mode.assert_close(out_j, out_t, name="output")
    for name, g, tensor in zip(["input", "weight", "bias"], grads, ts, strict=True):
        mode.assert_close(g, tensor.grad, name=f"{name} grad")


def test_conv2d_module_equals_functional_with_torch_weight(rng):
    # The module's HWIO kernel is the OIHW weight that F.conv2d takes, transposed.
    t, j = _twins(*CONFIGS["stride2_padding1"][:4], Mode("float32"))
    x = rng.normal(size=(2, 3, 7, 8)).astype(np.float32)
    sd = jaxnn.interop.state_dict(j)
    functional = jaxnn.functional.conv2d(x, sd["weight"], sd["bias"], stride=2, padding=1)
    harness.assert_close(j(x), functional, harness.tolerance("float32"))


# --- the notebook's CNN template (S3 290-323) ---------------------------------------------------


class TorchCNN(torch.nn.Module):
    """S3 297-323 verbatim, with num_classes an argument."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
        )
        self.classifier = torch.nn.Linear(64 * 5 * 5, num_classes)

    def forward(self, x):
        x = self.features(x)
        x = x.view(x.size(0), -1)
        return self.classifier(x)


class JaxCNN(nnx.Module):
    """The twin: NCHW in, so ``x.view(x.size(0), -1)`` is a plain reshape."""

    def __init__(self, num_classes=10, *, dtype=None, rngs):
        self.features = jaxnn.nn.Sequential(
            jaxnn.nn.Conv2d(1, 32, 3, dtype=dtype, rngs=rngs),
            jaxnn.nn.ReLU(),
            jaxnn.nn.MaxPool2d(2),
            jaxnn.nn.Conv2d(32, 64, 3, dtype=dtype, rngs=rngs),
            jaxnn.nn.ReLU(),
            jaxnn.nn.MaxPool2d(2),
        )
        self.classifier = jaxnn.nn.Linear(64 * 5 * 5, num_classes, dtype=dtype, rngs=rngs)

    def __call__(self, x):
        x = self.features(x)  # (B, 64, 5, 5)
        x = x.reshape(x.shape[0], -1)  # (B, 1600) in C, H, W order
        return self.classifier(x)


def _cnn_twins(mode):
    torch.manual_seed(0)
    t = TorchCNN().to(mode.torch)
    j = JaxCNN(dtype=mode.jnp, rngs=nnx.Rngs(0))
    jaxnn.interop.load_state_dict(j, t.state_dict())
    return t, j


def test_cnn_template_forward_and_gradients(mode, rng):
    t, j = _cnn_twins(mode)
    # (B, 1, 28, 28), the only size 64*5*5 fits; pixel-like values in [0, 1) as ToTensor gives.
    x = mode.array(rng.uniform(size=(2, 1, 28, 28)))
    y = rng.integers(0, 10, size=2)
    logits_t = t(torch.tensor(x))
    F.cross_entropy(logits_t, torch.tensor(y)).backward()

    @nnx.jit
    def step(model, x, y):
        def loss(model):
            logits = model(x)
            return jaxnn.functional.cross_entropy(logits, y), logits

        return nnx.value_and_grad(loss, has_aux=True)(model)

    (loss_j, logits_j), grads = step(j, jnp.asarray(x), jnp.asarray(y))
    mode.assert_close(logits_j, logits_t, name="logits")
    mode.assert_close(loss_j, F.cross_entropy(logits_t, torch.tensor(y)), name="loss")
    graphdef, _ = nnx.split(j)
    mode.assert_state_dict_close(
        jaxnn.interop.state_dict(nnx.merge(graphdef, grads)),
        {k: p.grad for k, p in t.named_parameters()},
        name="gradients",
    )


def test_cnn_template_nhwc_flatten_needs_permuted_classifier(rng):
    # Why the layers keep NCHW at the boundary: flattening NHWC features gives H, W, C order,
    # so torch's classifier weights only fit after permuting their columns.
    t, j = _cnn_twins(Mode("float32"))
    x = rng.normal(size=(2, 1, 28, 28)).astype(np.float32)
    tol = harness.tolerance("float32")
    expected = t(torch.tensor(x))
    features = j.features(x)  # (B, 64, 5, 5)
    nhwc_flat = jnp.transpose(features, (0, 2, 3, 1)).reshape(2, -1)  # (B, 5*5*64)
    with pytest.raises(AssertionError):
        harness.assert_close(j.classifier(nhwc_flat), expected, tol)
    w = t.classifier.weight.detach().numpy()  # (10, 1600), columns in C, H, W order
    w_hwc = w.reshape(10, 64, 5, 5).transpose(0, 2, 3, 1).reshape(10, -1)
    permuted = nhwc_flat @ w_hwc.T + t.classifier.bias.detach().numpy()
    harness.assert_close(permuted, expected, tol)


def test_cnn_template_feature_map_sizes():
    # Inventory §1.12 "feature-map size" (derived, §3.2): 28 -> 26 -> 13 -> 11 -> 5, so
    # the classifier takes 64*5*5 = 1600 inputs.
    expected = [(32, 26, 26), (32, 26, 26), (32, 13, 13), (64, 11, 11), (64, 11, 11), (64, 5, 5)]
    t, j = _cnn_twins(Mode("float32"))
    xt, xj = torch.zeros(1, 1, 28, 28), jnp.zeros((1, 1, 28, 28))
    sizes_t, sizes_j = [], []
    for layer_t, layer_j in zip(t.features, j.features, strict=True):
        xt, xj = layer_t(xt), layer_j(xj)
        sizes_t.append(tuple(xt.shape[1:]))
        sizes_j.append(tuple(xj.shape[1:]))
    assert sizes_j == sizes_t == expected
    assert j.classifier.in_features == t.classifier.in_features == 1600


def test_cnn_template_parameter_count():
    # Inventory §3.2: the S3 CNN with 10 classes has 34,826 parameters.
    t, j = _cnn_twins(Mode("float32"))
    n_torch = sum(p.numel() for p in t.parameters())
    assert jaxnn.nn.count_parameters(j) == n_torch == 34_826
    n_state = sum(p.size for p in jax.tree.leaves(nnx.state(j, nnx.Param)))
    assert n_state == 34_826


def test_cnn_template_rejects_other_image_sizes():
    # Inventory §5 item 7: 64*5*5 is right only for 28x28 input; 32x32 gives 64*6*6.
    t, j = _cnn_twins(Mode("float32"))
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
        t(torch.zeros(1, 1, 32, 32))
    with pytest.raises(
        ValueError,
        match=r"Linear\(in_features=1600, out_features=10\): expected input of "
        r"shape \(\*, 1600\), got \(1, 2304\)",
    ):
        j(jnp.zeros((1, 1, 32, 32)))


# --- initialisation ---------------------------------------------------------------------------


@pytest.mark.parametrize("groups", [1, 2])
def test_conv2d_init_matches_torch_distribution(groups):
    # fan_in = in_channels / groups * kh * kw = 2*9 or 1*9; bound 1/sqrt(fan_in).
    in_channels, out_channels, kernel = 2 * groups, 256, 3
    bound = 1 / np.sqrt(in_channels // groups * kernel * kernel)
    torch.manual_seed(0)
    rngs = nnx.Rngs(0)
    tw, tb, jw, jb = [], [], [], []
    for _ in range(8):
        t = torch.nn.Conv2d(in_channels, out_channels, kernel, groups=groups)
        j = jaxnn.nn.Conv2d(in_channels, out_channels, kernel, groups=groups, rngs=rngs)
        assert tuple(t.weight.shape) == jaxnn.interop.state_dict(j)["weight"].shape
        tw.append(t.weight.detach().numpy().ravel())
        tb.append(t.bias.detach().numpy().ravel())
        jw.append(np.asarray(j.kernel[...]).ravel())
        jb.append(np.asarray(j.bias[...]).ravel())
    for name, jv, tv in [("weight", jw, tw), ("bias", jb, tb)]:
        jv, tv = np.concatenate(jv), np.concatenate(tv)
        assert np.all(np.abs(jv) <= bound) and np.all(np.abs(tv) <= bound), name
        result = stats.ks_2samp(jv, tv)
        assert result.pvalue > harness.STATISTICAL_ALPHA, f"{name}: KS p={result.pvalue:.2e}"


def test_conv2d_init_is_not_flax_default():
    # Flax's Conv: lecun-normal kernel (unbounded) and zero bias.
    torch.manual_seed(0)
    tw = np.concatenate(
        [torch.nn.Conv2d(2, 256, 3).weight.detach().numpy().ravel() for _ in range(4)]
    )
    flax_conv = nnx.Conv(2, 256, (3, 3), rngs=nnx.Rngs(0))
    kernel = np.asarray(flax_conv.kernel[...]).ravel()
    assert stats.ks_2samp(kernel, tw).pvalue < harness.STATISTICAL_ALPHA
    assert np.all(np.asarray(flax_conv.bias[...]) == 0)


# --- conversion ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_conv2d_state_dict_round_trips_are_bit_exact(dtype):
    torch.manual_seed(0)
    torch_dtype = getattr(torch, dtype)
    with jax.enable_x64(dtype == "float64"):
        for make_t, make_j in [
            (
                lambda: TorchCNN().to(torch_dtype),
                lambda seed: JaxCNN(dtype=dtype, rngs=nnx.Rngs(seed)),
            ),
            (
                lambda: torch.nn.Conv2d(4, 6, (2, 3), groups=2, bias=False).to(torch_dtype),
                lambda seed: jaxnn.nn.Conv2d(
                    4, 6, (2, 3), groups=2, bias=False, dtype=dtype, rngs=nnx.Rngs(seed)
                ),
            ),
        ]:
            t, j = make_t(), make_j(0)
            assert list(jaxnn.interop.state_dict(j)) == list(t.state_dict())
            # torch -> jax -> torch
            jaxnn.interop.load_state_dict(j, t.state_dict())
            t2 = make_t()
            t2.load_state_dict(
                {k: torch.from_numpy(v) for k, v in jaxnn.interop.state_dict(j).items()}
            )
            for key, value in t.state_dict().items():
                assert torch.equal(t2.state_dict()[key], value), key
            # jax -> torch -> jax, starting from jaxnn's own initialisation
            j_own = make_j(1)
            before = jaxnn.interop.state_dict(j_own)
            t.load_state_dict({k: torch.from_numpy(v) for k, v in before.items()})
            j2 = make_j(2)
            jaxnn.interop.load_state_dict(j2, t.state_dict())
            for key, value in jaxnn.interop.state_dict(j2).items():
                assert value.dtype == np.dtype(dtype), key
                np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_conv2d_kernel_layout_is_hwio_of_torch_oihw():
    t, j = _twins(3, 4, (2, 3), {}, Mode("float32"))
    np.testing.assert_array_equal(
        np.asarray(j.kernel[...]), t.weight.detach().numpy().transpose(2, 3, 1, 0)
    )
    assert j.kernel.shape == (2, 3, 3, 4)


# --- bad input ---------------------------------------------------------------------------------


def test_conv2d_wrong_channel_count_names_layer_and_shapes():
    t, j = _twins(3, 4, 3, {}, Mode("float32"))
    x = np.zeros((2, 5, 7, 7), np.float32)
    with pytest.raises(RuntimeError, match="to have 3 channels, but got 5"):
        t(torch.tensor(x))
    for fn in (j, jax.jit(lambda x: j(x))):
        with pytest.raises(
            ValueError, match=r"Conv2d: expected input with 3 channels.*\(2, 5, 7, 7\)"
        ):
            fn(x)


@pytest.mark.parametrize("shape", [(7, 7), (1, 2, 3, 7, 7)], ids=["2d", "5d"])
def test_conv2d_wrong_rank_names_layer_and_shape(shape):
    t, j = _twins(3, 4, 3, {}, Mode("float32"))
    with pytest.raises(RuntimeError, match="Expected 3D"):
        t(torch.zeros(shape))
    with pytest.raises(ValueError, match=re.escape(f"got input of shape {shape}")) as info:
        j(jnp.zeros(shape))
    assert str(info.value).startswith("Conv2d: expected 3D (unbatched) or 4D (batched) input")
    with pytest.raises(ValueError, match="conv2d: expected 3D"):
        jaxnn.functional.conv2d(jnp.zeros(shape), jnp.zeros((4, 3, 3, 3)))


@pytest.mark.parametrize(
    "kwargs, shape",
    [({}, (1, 3, 2, 2)), ({"padding": 1}, (1, 3, 1, 0)), ({"dilation": 3}, (1, 3, 6, 9))],
    ids=["small", "padded_still_small", "dilated_kernel"],
)
def test_conv2d_kernel_larger_than_padded_input(kwargs, shape):
    t, j = _twins(3, 4, 3, kwargs, Mode("float32"))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        t(torch.zeros(shape))
    with pytest.raises(ValueError, match="Conv2d: padded input size per channel"):
        j(jnp.zeros(shape))


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((3, -1, 3), {}, "out_channels must be a positive int"),
        ((3, 4, 0), {}, "kernel_size must be positive"),
        ((3, 4, (1, 2, 3)), {}, "kernel_size must be an int or a pair"),
        ((3, 4, 2.5), {}, "kernel_size must be an int or a pair"),
        ((3, 4, 3), {"stride": 0}, "stride must be positive"),
        ((3, 4, 3), {"padding": -1}, "padding must be non-negative"),
        ((3, 4, 3), {"dilation": 0}, "dilation must be positive"),
        ((4, 4, 3), {"groups": 0}, "groups must be a positive int"),
        ((3, 4, 3), {"groups": 2}, r"in_channels \(3\) must be divisible by groups \(2\)"),
        ((4, 3, 3), {"groups": 2}, r"out_channels \(3\) must be divisible by groups \(2\)"),
        ((3, 4, 3), {"padding": "full"}, "invalid padding string 'full'"),
        (
            (3, 4, 3),
            {"padding": "same", "stride": 2},
            "padding='same' is not supported for strided",
        ),
        ((3, 4, 3), {"padding_mode": "mirror"}, "padding_mode must be one of"),
    ],
)
@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors:UserWarning")
def test_conv2d_rejects_invalid_arguments(args, kwargs, match):
    # torch rejects each of these too: some in the constructor, the rest only in the forward
    # pass; jaxnn checks them all in the constructor.
    with pytest.raises((ValueError, RuntimeError, TypeError)):
        torch.nn.Conv2d(*args, **kwargs)(torch.zeros(1, args[0], 8, 8))
    with pytest.raises(ValueError, match=f"Conv2d: {match}"):
        jaxnn.nn.Conv2d(*args, **kwargs, rngs=nnx.Rngs(0))


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors:UserWarning")
def test_conv2d_zero_in_channels_is_rejected():
    # torch accepts Conv2d(0, 4, 3) and returns 0 output channels instead of 4; jaxnn refuses.
    out = torch.nn.Conv2d(0, 4, 3)(torch.zeros(1, 0, 5, 5))
    assert out.shape == (1, 0, 3, 3)
    with pytest.raises(ValueError, match="Conv2d: in_channels must be a positive int; got 0"):
        jaxnn.nn.Conv2d(0, 4, 3, rngs=nnx.Rngs(0))


@pytest.mark.parametrize("padding_mode", ["reflect", "replicate", "circular"])
def test_conv2d_other_padding_modes_are_not_implemented(padding_mode):
    # A documented gap: torch supports these; jaxnn raises rather than silently zero-padding.
    out = torch.nn.Conv2d(3, 4, 3, padding=1, padding_mode=padding_mode)(torch.zeros(1, 3, 5, 5))
    assert out.shape == (1, 4, 5, 5)
    with pytest.raises(ValueError, match=f"padding_mode='{padding_mode}' is not implemented"):
        jaxnn.nn.Conv2d(3, 4, 3, padding=1, padding_mode=padding_mode, rngs=nnx.Rngs(0))


def test_conv2d_functional_rejects_bad_weight_bias_and_groups():
    x = jnp.zeros((1, 4, 5, 5))
    with pytest.raises(ValueError, match=r"conv2d: weight must be 4D .* got shape \(4, 4, 3\)"):
        jaxnn.functional.conv2d(x, jnp.zeros((4, 4, 3)))
    with pytest.raises(ValueError, match="conv2d: expected input with 6 channels"):
        jaxnn.functional.conv2d(x, jnp.zeros((6, 3, 3, 3)), groups=2)
    with pytest.raises(RuntimeError, match="expected input.*to have 6 channels"):
        F.conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(6, 3, 3, 3), groups=2)
    with pytest.raises(ValueError, match=r"conv2d: bias must have shape \(6,\)"):
        jaxnn.functional.conv2d(x, jnp.zeros((6, 4, 3, 3)), jnp.zeros(5))
    with pytest.raises(ValueError, match="conv2d: weight's out channels"):
        jaxnn.functional.conv2d(x, jnp.zeros((5, 2, 3, 3)), groups=2)
