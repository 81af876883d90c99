"""The patches-and-matmul convolution ``Conv2d`` runs on CPU, against torch's ``conv2d``.

``jaxnn.functional.conv_patches.conv_general_dilated`` stands in for
``lax.conv_general_dilated`` inside ``nn.Conv2d``; these tests drive it directly, in
NHWC/HWIO as ``nnx.Conv`` calls it, on the shapes it covers (the seeds' CNN layers
included), forward and both gradients, and pin which calls it takes and hands on.
"""

import jax
import jax.extend
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from flax import nnx
from jax import lax

import jaxnn
from jaxnn.functional.conv_patches import conv_general_dilated

from .components import CONV2D

pytestmark = CONV2D

NHWC = ("NHWC", "HWIO", "NHWC")

# (input NCHW shape, out channels, kernel, stride, padding pairs, dilation)
CASES = {
    "cnn_first_layer": ((3, 1, 28, 28), 32, (3, 3), (1, 1), ((0, 0), (0, 0)), (1, 1)),
    "cnn_second_layer": ((3, 32, 13, 13), 64, (3, 3), (1, 1), ((0, 0), (0, 0)), (1, 1)),
    "stride2_padding1": ((2, 3, 7, 8), 4, (3, 3), (2, 2), ((1, 1), (1, 1)), (1, 1)),
    "kernel2x3_uneven_padding": ((2, 3, 7, 8), 4, (2, 3), (1, 1), ((0, 1), (1, 2)), (1, 1)),
    "dilation2_stride2x1": ((2, 3, 9, 8), 4, (3, 3), (2, 1), ((0, 0), (0, 0)), (2, 2)),
    "one_by_one": ((2, 5, 4, 4), 3, (1, 1), (1, 1), ((0, 0), (0, 0)), (1, 1)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_patches_conv_forward_and_gradients_match_torch(mode, rng, case):
    shape, out_channels, kernel, stride, pads, dilation = CASES[case]
    x = mode.array(rng.uniform(size=shape))
    w = mode.array(rng.uniform(size=(out_channels, shape[1], *kernel)))  # torch's OIHW
    # torch pads symmetrically: uneven padding goes on the input itself.
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    padded = F.pad(xt, (pads[1][0], pads[1][1], pads[0][0], pads[0][1]))
    out_t = F.conv2d(padded, wt, stride=stride, dilation=dilation)
    # Positive input, weight and cotangent: every output and gradient entry is a sum of
    # positive terms, so float32 summation order stays within tolerance (see test_conv);
    # the float64 test below has the cancelling signs.
    cotangent = mode.array(rng.uniform(0.5, 1.5, size=tuple(out_t.shape)))
    (out_t * torch.tensor(cotangent)).sum().backward()

    def loss(x_nchw, w_oihw):
        y = conv_general_dilated(
            jnp.transpose(x_nchw, (0, 2, 3, 1)),
            jnp.transpose(w_oihw, (2, 3, 1, 0)),
            stride,
            pads,
            rhs_dilation=dilation,
            dimension_numbers=NHWC,
        )
        out = jnp.transpose(y, (0, 3, 1, 2))
        return jnp.sum(out * cotangent), out

    (x_grad, w_grad), out_j = jax.jit(jax.grad(loss, argnums=(0, 1), has_aux=True))(x, w)
    mode.assert_close(out_j, out_t, name="output")
    mode.assert_close(x_grad, xt.grad, name="input grad")
    mode.assert_close(w_grad, wt.grad, name="weight grad")
    assert out_j.dtype == mode.jnp


def test_patches_conv_float64_gradients_with_cancellation(rng):
    # Mixed-sign input and loss sum(out ** 2): the sums cancel; float64 still agrees to 1e-10.
    from ..modes import Mode

    mode = Mode("float64")
    with jax.enable_x64(True):
        x = mode.array(rng.normal(size=(4, 32, 13, 13)))
        w = mode.array(rng.normal(size=(64, 32, 3, 3)))
        xt, wt = (torch.tensor(a, requires_grad=True) for a in (x, w))
        F.conv2d(xt, wt).pow(2).sum().backward()

        def loss(x, w):
            y = conv_general_dilated(
                jnp.transpose(x, (0, 2, 3, 1)),
                jnp.transpose(w, (2, 3, 1, 0)),
                (1, 1),
                ((0, 0), (0, 0)),
                dimension_numbers=NHWC,
            )
            return jnp.sum(y**2)

        x_grad, w_grad = jax.jit(jax.grad(loss, argnums=(0, 1)))(x, w)
        mode.assert_close(x_grad, xt.grad, name="input grad")
        mode.assert_close(w_grad, wt.grad, name="weight grad")


def _primitives(fn, *args) -> set[str]:
    def walk(jaxpr, seen):
        seen.update(eqn.primitive.name for eqn in jaxpr.eqns)
        for sub in jax.extend.core.subjaxprs(jaxpr):
            walk(sub, seen)
        return seen

    return walk(jax.make_jaxpr(fn)(*args).jaxpr, set())


@pytest.mark.skipif(jax.default_backend() != "cpu", reason="the patches form is chosen on CPU")
def test_conv2d_on_cpu_runs_as_patches_and_matmul_grouped_too():
    # Grouped as a matmul batched over the groups: XLA:CPU's own float64 grouped convolution
    # spreads an inf in one group to the others as NaN (test_conv_hard_inputs.py).
    x = jnp.ones((2, 4, 8, 8))
    for groups, expect_conv in ((1, False), (2, False)):
        conv = jaxnn.nn.Conv2d(4, 6, 3, groups=groups, rngs=nnx.Rngs(0))
        graphdef, params = nnx.split(conv)

        def loss(params, x, graphdef=graphdef):
            return jnp.sum(nnx.merge(graphdef, params)(x))

        names = _primitives(jax.grad(loss), params, x)
        assert ("conv_general_dilated" in names) == expect_conv, (groups, sorted(names))
        assert ("dot_general" in names) != expect_conv, (groups, sorted(names))


def test_calls_the_patches_do_not_cover_go_to_lax_unchanged(rng):
    # NCHW dimension numbers, input dilation and feature groups: lax's own convolution, bit
    # for bit.
    x = jnp.asarray(rng.normal(size=(2, 4, 7, 7)), jnp.float32)
    w = jnp.asarray(rng.normal(size=(6, 2, 3, 3)), jnp.float32)
    calls = [
        dict(dimension_numbers=("NCHW", "OIHW", "NCHW"), feature_group_count=2),
        dict(
            dimension_numbers=("NCHW", "OIHW", "NCHW"), lhs_dilation=(2, 2), feature_group_count=2
        ),
    ]
    for kwargs in calls:
        expected = lax.conv_general_dilated(x, w, (1, 1), ((1, 1), (1, 1)), **kwargs)
        actual = conv_general_dilated(x, w, (1, 1), ((1, 1), (1, 1)), **kwargs)
        np.testing.assert_array_equal(np.asarray(actual), np.asarray(expected))
