"""KL divergence, cosine embedding and triplet margin losses, module and functional.

Inventory §1.15 (``nn.KLDivLoss``, ``nn.CosineEmbeddingLoss``, ``nn.TripletMarginLoss``,
listed in S1 8930-8932 and never called). Each case is compared with torch for every
reduction: the value, and the gradient for a random cotangent w.r.t. every floating input
(targets included), in float64 and float32. One ``jax.jit`` per test computes all its cases.
"""

import warnings
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import jaxnn
import jaxnn.functional as JF

from .components import LOSSES

pytestmark = LOSSES

REDUCTIONS = ("mean", "sum", "none")


class Case(NamedTuple):
    """``fn(*arrays, reduction=r)`` on each side; gradients w.r.t. ``arrays[i]`` for ``i`` in
    ``diff``."""

    name: str
    torch_fn: Callable
    jax_fn: Callable
    arrays: tuple
    diff: tuple[int, ...]
    reductions: tuple[str, ...] = REDUCTIONS


def _torch_side(case, reduction, cotangent_of):
    ts = [torch.tensor(a, requires_grad=i in case.diff) for i, a in enumerate(case.arrays)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div's 'mean' warning; asserted separately
        out = case.torch_fn(*ts, reduction=reduction)
    cot = cotangent_of(tuple(out.shape))
    (out * torch.tensor(cot)).sum().backward()
    return out, cot, [ts[i].grad for i in case.diff]


def _assert_twin_losses(mode, rng, cases):
    expected, cots = {}, {}
    for case in cases:
        for r in case.reductions:
            key = f"{case.name} reduction={r}"
            out, cots[key], grads = _torch_side(
                case, r, lambda shape: mode.array(rng.standard_normal(shape))
            )
            expected[key] = (out, grads)

    def run(arrays, cotangents):
        results = {}
        for case in cases:
            for r in case.reductions:
                key = f"{case.name} reduction={r}"
                fixed = list(arrays[case.name])

                def fn(*diffs, case=case, fixed=fixed, r=r):
                    args = list(fixed)
                    for i, d in zip(case.diff, diffs, strict=True):
                        args[i] = d
                    return case.jax_fn(*args, reduction=r)

                out, vjp = jax.vjp(fn, *[fixed[i] for i in case.diff])
                results[key] = (out, vjp(cotangents[key]))
        return results

    arrays = {c.name: tuple(jnp.asarray(a) for a in c.arrays) for c in cases}
    results = jax.jit(run)(arrays, {k: jnp.asarray(c) for k, c in cots.items()})
    for key, (out_t, grads_t) in expected.items():
        out_j, grads_j = results[key]
        mode.assert_close(out_j, out_t, name=key)
        for n, (g_j, g_t) in enumerate(zip(grads_j, grads_t, strict=True)):
            mode.assert_close(g_j, g_t, name=f"{key} grad {n}")


# --- KL divergence ---------------------------------------------------------------------------


def _log_softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def test_kl_div_every_reduction_and_log_target(mode, rng):
    # Targets with zeros: torch's xlogy makes each contribute 0, with a 0 gradient for the
    # input and a NaN one for the target (log 0 + 1), on both sides.
    log_p = mode.array(_log_softmax(rng.normal(size=(4, 5))))
    q = rng.dirichlet(np.ones(5), size=4)
    q[0, 1] = q[2, 4] = q[3, 0] = 0.0
    q = mode.array(q / q.sum(axis=1, keepdims=True))
    log_q = mode.array(_log_softmax(rng.normal(size=(4, 5))))
    spatial = mode.array(_log_softmax(rng.normal(size=(2, 3, 4))))
    spatial_q = mode.array(np.exp(_log_softmax(rng.normal(size=(2, 3, 4)))))
    all_reductions = ("mean", "batchmean", "sum", "none")
    cases = [
        Case("probs", F.kl_div, JF.kl_div, (log_p, q), (0, 1), all_reductions),
        Case(
            "log_target",
            partial(F.kl_div, log_target=True),
            partial(JF.kl_div, log_target=True),
            (log_p, log_q),
            (0, 1),
            all_reductions,
        ),
        Case("3-d batchmean", F.kl_div, JF.kl_div, (spatial, spatial_q), (0, 1), all_reductions),
        Case("0-d", F.kl_div, JF.kl_div, (log_p[0, 0], q[0, 0]), (0, 1), all_reductions),
    ]
    _assert_twin_losses(mode, rng, cases)


def test_kl_div_zero_target_contributes_zero_and_its_gradient():
    x, y = np.array([-1.0, -2.0, -0.5]), np.array([0.0, 0.3, 0.7])
    xt, yt = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    F.kl_div(xt, yt, reduction="none").sum().backward()
    out = JF.kl_div(x, y, reduction="none")
    gx, gy = jax.grad(lambda a, b: jnp.sum(JF.kl_div(a, b, reduction="none")), (0, 1))(x, y)
    assert float(out[0]) == 0.0 and float(xt.grad[0]) == float(gx[0]) == 0.0
    assert np.isnan(float(gy[0])) and torch.isnan(yt.grad[0])
    # batchmean is the KL divergence per sample; 'mean' also divides by the support size.
    p, q = np.log([[0.2, 0.8]]), np.array([[0.5, 0.5]])
    kl = 0.5 * np.log(0.5 / 0.2) + 0.5 * np.log(0.5 / 0.8)
    np.testing.assert_allclose(JF.kl_div(p, q, reduction="batchmean"), kl, rtol=1e-6)
    np.testing.assert_allclose(JF.kl_div(p, q, reduction="mean"), kl / 2, rtol=1e-6)
    with pytest.warns(UserWarning, match="'mean' divides the total loss by both"):
        F.kl_div(torch.tensor(p), torch.tensor(q), reduction="mean")


def test_kl_div_module_and_bad_arguments(mode, rng):
    log_p = mode.array(_log_softmax(rng.normal(size=(3, 4))))
    q = mode.array(np.exp(_log_softmax(rng.normal(size=(3, 4)))))
    for options in (dict(reduction="batchmean"), dict(reduction="sum", log_target=True)):
        target = np.log(q) if options.get("log_target") else q
        mode.assert_close(
            jaxnn.nn.KLDivLoss(**options)(log_p, target),
            torch.nn.KLDivLoss(**options)(torch.tensor(log_p), torch.tensor(target)),
            name=f"KLDivLoss({options})",
        )
    with pytest.raises(ValueError, match="reduction must be one of .*'batchmean'.* got 'avg'"):
        jaxnn.nn.KLDivLoss(reduction="avg")
    with pytest.raises(ValueError, match=r"input shape \(3, 4\) and target shape \(4,\) differ"):
        JF.kl_div(log_p, q[0])
    with pytest.raises(TypeError, match="target must be floating; got dtype int"):
        JF.kl_div(log_p, np.ones((3, 4), int))


# --- cosine embedding ------------------------------------------------------------------------


def test_cosine_embedding_loss_margins_targets_reductions(mode, rng):
    x1, x2 = mode.array(rng.normal(size=(6, 4))), mode.array(rng.normal(size=(6, 4)))
    x2[1] = x1[1] * 2.0  # a similar pair: cosine 1
    x2[2] = x1[2] * -0.5  # an opposite pair: cosine -1
    y = np.array([1, 1, -1, -1, 1, -1])
    y_float = mode.array(y)
    cases = []
    for margin in (0.0, 0.3, -0.5):
        fns = (
            partial(F.cosine_embedding_loss, margin=margin),
            partial(JF.cosine_embedding_loss, margin=margin),
        )
        cases.append(Case(f"margin={margin}", *fns, (x1, x2, y), (0, 1)))
    cases.append(
        Case(
            "float target",
            F.cosine_embedding_loss,
            JF.cosine_embedding_loss,
            (x1, x2, y_float),
            (0, 1),
        )
    )
    cases.append(
        Case(
            "one pair",
            F.cosine_embedding_loss,
            JF.cosine_embedding_loss,
            (x1[3], x2[3], y[3]),
            (0, 1),
        )
    )
    _assert_twin_losses(mode, rng, cases)


def test_cosine_embedding_loss_zero_vector_uses_torch_epsilon(mode, rng):
    # A zero vector's cosine is 0, not NaN: 1e-12 is added to each squared magnitude; the
    # gradient there is ~1 / sqrt(1e-12 * |x2|^2), large and finite, in both.
    z, ones = mode.array(np.zeros((2, 3))), mode.array(np.ones((2, 3)))
    fns = (
        partial(F.cosine_embedding_loss, margin=-0.5),
        partial(JF.cosine_embedding_loss, margin=-0.5),
    )
    _assert_twin_losses(mode, rng, [Case("zero", *fns, (z, ones, np.array([1, -1])), (0, 1))])


def test_cosine_embedding_loss_module_and_bad_arguments(mode, rng):
    x1, x2 = mode.array(rng.normal(size=(3, 4))), mode.array(rng.normal(size=(3, 4)))
    y = np.array([1, -1, -1])
    loss = torch.nn.CosineEmbeddingLoss(0.2, reduction="sum")
    mode.assert_close(
        jaxnn.nn.CosineEmbeddingLoss(0.2, reduction="sum")(x1, x2, y),
        loss(torch.tensor(x1), torch.tensor(x2), torch.tensor(y)),
    )
    bad = [
        ((x1, x2, np.ones((3, 1))), "target must be 0-d .* or 1-D .* got shape \\(3, 1\\)"),
        ((x1[0], x2[0], np.ones(3)), "a 1-d target expects 2-d inputs; got input1 \\(4,\\)"),
        ((x1, x2[:, :2], np.ones(3)), "expected input1 and input2 of one shape"),
        ((x1, x2, np.ones(2)), "target \\(2,\\)"),
        ((x1, x2, np.array([1, 0, -1])), "target values must be 1 or -1; got 0"),
    ]
    for args, match in bad:
        with pytest.raises(ValueError, match=match):
            JF.cosine_embedding_loss(*args)
    with pytest.raises(TypeError, match="input1 must be a floating array"):
        JF.cosine_embedding_loss(np.ones((3, 4), int), x2, y)


# --- triplet margin --------------------------------------------------------------------------


def test_triplet_margin_loss_norms_swap_margin_eps(mode, rng):
    a, pos, neg = (mode.array(rng.normal(size=(5, 4))) for _ in range(3))
    neg[1] = a[1] + 0.05  # a hard negative, close to the anchor: loss active
    pos[2] = a[2]  # a zero difference but for eps
    cases = []
    for p in (1.0, 2.0, 3.0, 1.5, 0.5, float("inf")):
        for swap in (False, True):
            options = dict(p=p, swap=swap, margin=1.5)
            cases.append(
                Case(
                    f"p={p} swap={swap}",
                    partial(F.triplet_margin_loss, **options),
                    partial(JF.triplet_margin_loss, **options),
                    (a, pos, neg),
                    (0, 1, 2),
                )
            )
    options = dict(margin=0.5, eps=0.1)
    cases.append(
        Case(
            "margin=0.5 eps=0.1",
            partial(F.triplet_margin_loss, **options),
            partial(JF.triplet_margin_loss, **options),
            (a, pos, neg),
            (0, 1, 2),
        )
    )
    cases.append(
        Case(
            "1-d", F.triplet_margin_loss, JF.triplet_margin_loss, (a[1], pos[1], neg[1]), (0, 1, 2)
        )
    )
    a3, p3, n3 = (mode.array(rng.normal(size=(2, 3, 4))) for _ in range(3))
    cases.append(
        Case("3-d", F.triplet_margin_loss, JF.triplet_margin_loss, (a3, p3, n3), (0, 1, 2))
    )
    _assert_twin_losses(mode, rng, cases)


def test_triplet_margin_loss_clamp_passes_the_whole_gradient_at_zero(mode, rng):
    # margin + d(a, p) - d(a, n) == 0 exactly: torch's clamp_min passes all of the gradient
    # (jnp.maximum would pass half). eps=0 and p=1 make the distances exact.
    a, pos, neg = mode.array([[0.0, 0.0]]), mode.array([[1.0, 0.0]]), mode.array([[2.0, 0.0]])
    options = dict(margin=1.0, p=1.0, eps=0.0)
    fns = partial(F.triplet_margin_loss, **options), partial(JF.triplet_margin_loss, **options)
    _assert_twin_losses(mode, rng, [Case("tie", *fns, (a, pos, neg), (0, 1, 2))])


def test_pairwise_distance_adds_eps_to_the_difference(mode, rng):
    x1, x2 = mode.array(rng.normal(size=(3, 4))), mode.array(rng.normal(size=(3, 4)))
    for p, keepdim in ((2.0, False), (1.0, True), (3.0, False)):
        mode.assert_close(
            JF.pairwise_distance(x1, x2, p, keepdim=keepdim),
            F.pairwise_distance(torch.tensor(x1), torch.tensor(x2), p, keepdim=keepdim),
        )
    # A vector's distance to itself is eps * sqrt(D), not 0.
    mode.assert_close(JF.pairwise_distance(x1, x1), np.full(3, 1e-6 * 2.0))


def test_triplet_margin_loss_module_and_bad_arguments(mode, rng):
    a, pos, neg = (mode.array(rng.normal(size=(3, 4))) for _ in range(3))
    loss_t = torch.nn.TripletMarginLoss(0.5, 1.0, 1e-3, True, reduction="none")
    mode.assert_close(
        jaxnn.nn.TripletMarginLoss(0.5, 1.0, 1e-3, True, reduction="none")(a, pos, neg),
        loss_t(*map(torch.tensor, (a, pos, neg))),
    )
    with pytest.raises(ValueError, match="margin must be greater than 0; got 0"):
        jaxnn.nn.TripletMarginLoss(margin=0)
    with pytest.raises(ValueError, match="expected margin to be greater than 0"):
        torch.nn.TripletMarginLoss(margin=0)
    with pytest.raises(ValueError, match="margin must be greater than 0; got -1"):
        JF.triplet_margin_loss(a, pos, neg, margin=-1)
    with pytest.raises(
        ValueError, match=r"p must be > 0 \(the order of a norm; inf allowed\); got 0"
    ):
        JF.triplet_margin_loss(a, pos, neg, p=0)
    with pytest.raises(
        ValueError, match=r"one shape; got anchor \(3, 4\), positive \(3, 4\), negative \(4,\)"
    ):
        JF.triplet_margin_loss(a, pos, neg[0])
    with pytest.raises(ValueError, match="got 0-d arrays"):
        JF.triplet_margin_loss(a[0, 0], pos[0, 0], neg[0, 0])
    with pytest.raises(ValueError, match="reduction must be one of"):
        JF.triplet_margin_loss(a, pos, neg, reduction="batchmean")
