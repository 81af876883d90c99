"""Losses on hard inputs, functional and module, property-based.

cross_entropy (class indices and probabilities, label smoothing, class weights,
``ignore_index``), nll_loss, binary_cross_entropy (with logits too), kl_div and the regression
losses (mse, l1, smooth_l1, huber) on large logits (``+-1e4``: ``log(softmax(x))`` is
``-inf`` there where ``log_softmax`` is finite), ``-inf`` masks with whole rows masked,
magnitudes across the dtype's range, ``nan`` and ``+-inf``, exact ties: the value and the
gradient against real torch.

Each family runs every configuration in one jitted program over fixed shapes, so a test
compiles once per dtype however many examples hypothesis draws.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import jaxnn
import jaxnn.functional as JF
from twincore import harness, tolerance

from ..hard_inputs import hard_arrays
from .components import LOSSES

pytestmark = LOSSES

N, C = 4, 5
LOGITS_SHAPE = (N, C)
IGNORED = -100
IGNORED_CLASS = 3  # an ignore_index that names a real class
CLASS_WEIGHT = [0.5, 2.0, 1.0, 0.0, 3.0]  # a zero weight included
# Probabilities and targets at the edges of [0, 1]: exact 0 and 1, tiny, one ulp from 1.
EDGE_PROBABILITIES = (0.0, 1.0, 1e-30, 1e-7, 0.5, 1.0 - 1e-7, 1.0 - 1e-16)


def cotangent(shape, dtype):
    """An output gradient that is not constant, so each element's own factor shows."""
    return (np.arange(int(np.prod(shape))) % 3 + 1).reshape(shape).astype(dtype)


def probabilities(dtype, shape):
    """Values in ``[0, 1]``, the edges among them (rounded once to ``dtype``)."""
    elements = st.one_of(st.sampled_from(EDGE_PROBABILITIES), st.floats(0.0, 1.0))
    return hnp.arrays(np.float64, shape, elements=elements).map(
        lambda a: np.clip(a.astype(dtype), 0, 1)
    )


def draw_hard(data, mode, kind, label):
    """A hard array of LOGITS_SHAPE with subnormals set to 0: XLA on CPU reads them as 0
    (pinned in ``test_activation_hard_inputs.py``), the platform's arithmetic, not a twin's."""
    x = data.draw(hard_arrays(mode.np, kind, shape=LOGITS_SHAPE), label=label)
    x[(x != 0) & (np.abs(x) < np.finfo(x.dtype).tiny)] = 0
    return x


def class_labels():
    return hnp.arrays(np.int64, (N,), elements=st.sampled_from((*range(C), IGNORED)))


# --------------------------------------------------------------------------- the families
# Each configuration: (label, jaxnn function, torch function); both take the same arrays (the
# first is differentiated) and the class weight of the mode's dtype.


def class_index_configs(w):
    wt = torch.tensor(w)

    # With ignore_index=IGNORED_CLASS, the -100 draws become that class.
    def relabel(y):
        return torch.where(y != IGNORED, y, IGNORED_CLASS)

    def relabel_jax(y):
        return jnp.where(y != IGNORED, y, IGNORED_CLASS)

    return [
        ("ce mean", lambda x, y: JF.cross_entropy(x, y), lambda x, y: TF.cross_entropy(x, y)),
        (
            "ce none smoothing",
            lambda x, y: JF.cross_entropy(x, y, reduction="none", label_smoothing=0.2),
            lambda x, y: TF.cross_entropy(x, y, reduction="none", label_smoothing=0.2),
        ),
        (
            "ce weighted sum",
            lambda x, y: JF.cross_entropy(x, y, w, reduction="sum"),
            lambda x, y: TF.cross_entropy(x, y, wt, reduction="sum"),
        ),
        (
            "ce weighted mean smoothing ignore_index",
            lambda x, y: JF.cross_entropy(
                x, relabel_jax(y), w, ignore_index=IGNORED_CLASS, label_smoothing=0.1
            ),
            lambda x, y: TF.cross_entropy(
                x, relabel(y), wt, ignore_index=IGNORED_CLASS, label_smoothing=0.1
            ),
        ),
        (
            "CrossEntropyLoss(weight, label_smoothing)",
            lambda x, y: jaxnn.nn.CrossEntropyLoss(w, label_smoothing=0.1)(x, y),
            lambda x, y: torch.nn.CrossEntropyLoss(wt, label_smoothing=0.1)(x, y),
        ),
        (
            "nll of log_softmax, weighted",
            lambda x, y: JF.nll_loss(JF.log_softmax(x, dim=1), y, w),
            lambda x, y: TF.nll_loss(TF.log_softmax(x, dim=1), y, wt),
        ),
        (
            "nll none",
            lambda x, y: JF.nll_loss(x, y, reduction="none"),
            lambda x, y: TF.nll_loss(x, y, reduction="none"),
        ),
        (
            "NLLLoss(weight, sum)",
            lambda x, y: jaxnn.nn.NLLLoss(w, reduction="sum")(x, y),
            lambda x, y: torch.nn.NLLLoss(wt, reduction="sum")(x, y),
        ),
    ]


def probability_configs(w):
    wt = torch.tensor(w)
    return [
        ("ce probs mean", lambda x, p: JF.cross_entropy(x, p), lambda x, p: TF.cross_entropy(x, p)),
        (
            "ce probs weighted none smoothing",
            lambda x, p: JF.cross_entropy(x, p, w, reduction="none", label_smoothing=0.3),
            lambda x, p: TF.cross_entropy(x, p, wt, reduction="none", label_smoothing=0.3),
        ),
        (
            "CrossEntropyLoss probs sum",
            lambda x, p: jaxnn.nn.CrossEntropyLoss(reduction="sum")(x, p),
            lambda x, p: torch.nn.CrossEntropyLoss(reduction="sum")(x, p),
        ),
    ]


def binary_configs(w):
    wt = torch.tensor(w)
    return [
        (
            "bce none",
            lambda p, y: JF.binary_cross_entropy(p, y, reduction="none"),
            lambda p, y: TF.binary_cross_entropy(p, y, reduction="none"),
        ),
        (
            "BCELoss(weight)",
            lambda p, y: jaxnn.nn.BCELoss(w)(p, y),
            lambda p, y: torch.nn.BCELoss(wt)(p, y),
        ),
    ]


def logit_binary_configs(w):
    wt = torch.tensor(w)
    return [
        (
            "bce_with_logits none",
            lambda x, y: JF.binary_cross_entropy_with_logits(x, y, reduction="none"),
            lambda x, y: TF.binary_cross_entropy_with_logits(x, y, reduction="none"),
        ),
        (
            "bce_with_logits weight pos_weight",
            lambda x, y: JF.binary_cross_entropy_with_logits(x, y, w, pos_weight=w[::-1]),
            lambda x, y: TF.binary_cross_entropy_with_logits(x, y, wt, pos_weight=wt.flip(0)),
        ),
        (
            "BCEWithLogitsLoss sum",
            lambda x, y: jaxnn.nn.BCEWithLogitsLoss(reduction="sum")(x, y),
            lambda x, y: torch.nn.BCEWithLogitsLoss(reduction="sum")(x, y),
        ),
    ]


def kl_configs(w):
    configs = []
    for reduction in ("none", "batchmean", "sum", "mean"):
        configs.append(
            (
                f"kl_div {reduction}",
                lambda x, y, r=reduction: JF.kl_div(x, y, reduction=r),
                lambda x, y, r=reduction: TF.kl_div(x, y, reduction=r),
            )
        )
    configs.append(
        (
            "KLDivLoss(log_target) batchmean",
            lambda x, y: jaxnn.nn.KLDivLoss(reduction="batchmean", log_target=True)(x, y),
            lambda x, y: torch.nn.KLDivLoss(reduction="batchmean", log_target=True)(x, y),
        )
    )
    return configs


def regression_configs(w):
    return [
        (
            "mse none",
            lambda x, y: JF.mse_loss(x, y, "none"),
            lambda x, y: TF.mse_loss(x, y, reduction="none"),
        ),
        ("MSELoss", lambda x, y: jaxnn.nn.MSELoss()(x, y), lambda x, y: torch.nn.MSELoss()(x, y)),
        (
            "l1 none",
            lambda x, y: JF.l1_loss(x, y, "none"),
            lambda x, y: TF.l1_loss(x, y, reduction="none"),
        ),
        (
            "L1Loss sum",
            lambda x, y: jaxnn.nn.L1Loss(reduction="sum")(x, y),
            lambda x, y: torch.nn.L1Loss(reduction="sum")(x, y),
        ),
        (
            "smooth_l1 none beta 0.5",
            lambda x, y: JF.smooth_l1_loss(x, y, "none", beta=0.5),
            lambda x, y: TF.smooth_l1_loss(x, y, reduction="none", beta=0.5),
        ),
        (
            "SmoothL1Loss",
            lambda x, y: jaxnn.nn.SmoothL1Loss()(x, y),
            lambda x, y: torch.nn.SmoothL1Loss()(x, y),
        ),
        (
            "huber none delta 2",
            lambda x, y: JF.huber_loss(x, y, "none", delta=2.0),
            lambda x, y: TF.huber_loss(x, y, reduction="none", delta=2.0),
        ),
        (
            "HuberLoss",
            lambda x, y: jaxnn.nn.HuberLoss()(x, y),
            lambda x, y: torch.nn.HuberLoss()(x, y),
        ),
    ]


FAMILIES = {
    "class_index": class_index_configs,
    "probability": probability_configs,
    "binary": binary_configs,
    "logit_binary": logit_binary_configs,
    "kl": kl_configs,
    "regression": regression_configs,
}


@functools.lru_cache
def jax_family(family, dtype):
    """The family's configurations as one jitted program: each one's value and gradient."""
    configs = FAMILIES[family](np.asarray(CLASS_WEIGHT, dtype))

    @jax.jit
    def run(x, other):
        out = {}
        for label, jax_fn, _ in configs:
            value, vjp = jax.vjp(lambda a, f=jax_fn: f(a, other), x)
            out[label] = (value, vjp(cotangent(value.shape, value.dtype))[0])
        return out

    return configs, run


def assert_close_at_input_scale(mode, value, expected, x, name):
    """For a loss that cancels ``(1 - y) x`` against ``log_sigmoid(x)``: torch's own rounding
    error is the unit roundoff times ``|x|``, not times the loss, and XLA's fused
    multiply-adds round that cancellation otherwise (see ``binary_cross_entropy_with_logits``'s
    docstring), so each element is compared at its input's scale, a sum at the largest."""
    value, expected = np.asarray(value), expected.numpy()
    if value.shape != x.shape:
        harness.assert_close(value, expected, tolerance.scaled(mode.tol(), x), name=name)
        return
    for index in np.ndindex(x.shape):
        tol = tolerance.scaled(mode.tol(), x[index])
        harness.assert_close(value[index], expected[index], tol, name=f"{name} at {index}")


def check_family(mode, family, x, other, what, at_input_scale=False):
    configs, run = jax_family(family, mode.name)
    got = run(x, other)
    for label, _, torch_fn in configs:
        t = torch.tensor(x, requires_grad=True)
        expected = torch_fn(t, torch.tensor(other))
        expected.backward(torch.tensor(cotangent(tuple(expected.shape), x.dtype)))
        value, grad = got[label]
        if at_input_scale:
            assert_close_at_input_scale(mode, value, expected.detach(), x, f"{label} ({what})")
        else:
            mode.assert_close(value, expected.detach(), name=f"{label} ({what})")
        mode.assert_close(grad, t.grad, name=f"gradient of {label} ({what})")


LOGIT_KINDS = ["logits", "masked", "wide", "nonfinite", "ties"]


@pytest.mark.parametrize("kind", LOGIT_KINDS)
@given(data=st.data())
def test_class_index_losses_on_hard_logits(mode, kind, data):
    x = draw_hard(data, mode, kind, "logits")
    y = data.draw(class_labels(), label="target")
    check_family(mode, "class_index", x, y, kind)


@pytest.mark.parametrize("kind", LOGIT_KINDS)
@given(data=st.data())
def test_probability_target_cross_entropy_on_hard_logits(mode, kind, data):
    x = draw_hard(data, mode, kind, "logits")
    p = data.draw(probabilities(mode.np, LOGITS_SHAPE), label="target")
    check_family(mode, "probability", x, p, kind)


@given(data=st.data())
def test_binary_cross_entropy_at_the_edges_of_the_unit_interval(mode, data):
    p = data.draw(probabilities(mode.np, LOGITS_SHAPE), label="input")
    y = data.draw(probabilities(mode.np, LOGITS_SHAPE), label="target")
    check_family(mode, "binary", p, y, "edge probabilities")


@pytest.mark.parametrize("kind", ["logits", "wide", "nonfinite"])
@given(data=st.data())
def test_binary_cross_entropy_with_logits_on_hard_logits(mode, kind, data):
    x = draw_hard(data, mode, kind, "logits")
    y = data.draw(probabilities(mode.np, LOGITS_SHAPE), label="target")
    check_family(mode, "logit_binary", x, y, kind, at_input_scale=True)


@pytest.mark.parametrize("kind", ["logits", "masked", "wide"])
@given(data=st.data())
def test_kl_div_on_hard_log_probabilities(mode, kind, data):
    # Log-probabilities as drawn (the twins take any real input), against targets with
    # exact zeros; with log_target the target is itself drawn from the kind.
    x = draw_hard(data, mode, kind, "input")
    if data.draw(st.booleans(), label="log-probability target"):
        y = draw_hard(data, mode, kind, "target")
    else:
        y = data.draw(probabilities(mode.np, LOGITS_SHAPE), label="target")
    check_family(mode, "kl", x, y, kind)


@pytest.mark.parametrize("kind", ["wide", "nonfinite", "ties", "offset"])
@given(data=st.data())
def test_regression_losses_on_hard_inputs(mode, kind, data):
    x = draw_hard(data, mode, kind, "input")
    y = draw_hard(data, mode, kind, "target")
    if data.draw(st.booleans(), label="exact ties"):
        y[::2] = x[::2]  # x == y: l1's and smooth_l1's gradient is 0 there, as torch's
    check_family(mode, "regression", x, y, kind)


def test_cross_entropy_of_large_logits_is_finite_like_torch(mode):
    # The case: log(softmax(x)) gives -inf and a NaN gradient on [0, 120, 3]
    # where torch's cross_entropy gives 120. Fixed here, whatever hypothesis draws.
    x = mode.array([[0.0, 120.0, 3.0, -1e4, 1e4], [0.0, 120.0, 3.0, 1.0, 2.0]] * 2)
    y = np.array([0, 0, 3, IGNORED])
    check_family(mode, "class_index", x, y, "[0, 120, 3] and +-1e4")
    assert np.isfinite(float(JF.cross_entropy(x[1:2], y[1:2])))
