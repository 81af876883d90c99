"""Losses, module and functional: MSE, L1, SmoothL1, Huber, NLL, cross-entropy, BCE(-with-logits).

Inventory §1.14-1.15 and Appendix B (weight / ignore_index / label_smoothing, probability
targets); S1 8711-8988 (loss tour), S1 9133-9159 (cross-entropy on logits), S4 709-786
(single-neuron BCE); §3.1/§3.2 loss values, confirmed with torch 2.13; §5 item 48
(SmoothL1 is not Huber).
"""

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch
import torch.nn.functional as F
from flax import nnx
from jax.experimental import checkify

import jaxnn
import jaxnn.functional as JF
from twincore import harness

from .components import LOSSES

pytestmark = LOSSES

REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_value_and_gradient(mode, rng, reduction):
    logits = mode.array(rng.normal(size=(6, 4)) * 2)
    target = rng.integers(0, 4, size=6)
    lt = torch.tensor(logits, requires_grad=True)
    out_t = F.cross_entropy(lt, torch.tensor(target), reduction=reduction)
    out_t.sum().backward()

    def loss(x):
        return jnp.sum(JF.cross_entropy(x, jnp.asarray(target), reduction=reduction))

    out_j = JF.cross_entropy(jnp.asarray(logits), jnp.asarray(target), reduction=reduction)
    mode.assert_close(out_j, out_t)
    mode.assert_close(jax.grad(loss)(jnp.asarray(logits)), lt.grad)


def test_cross_entropy_unbatched(mode):
    logits = mode.array([0.5, 2.5, 1.0])
    mode.assert_close(
        JF.cross_entropy(jnp.asarray(logits), jnp.asarray(1)),
        F.cross_entropy(torch.tensor(logits), torch.tensor(1)),
    )


def test_cross_entropy_seed_value():
    # S1 9133-9159 (derived, checked against torch here): CE = 0.3959.
    logits = [[2.0, 1.0, 0.1], [0.5, 2.5, 1.0], [1.0, 0.5, 2.0]]
    target = [0, 1, 2]
    expected = 0.3959
    harness.assert_close(
        F.cross_entropy(torch.tensor(logits), torch.tensor(target)), expected, harness.printed(4)
    )
    harness.assert_close(
        JF.cross_entropy(jnp.asarray(logits), jnp.asarray(target)), expected, harness.printed(4)
    )


def test_cross_entropy_rejects_bad_targets():
    logits = jnp.zeros((2, 3))
    with pytest.raises(IndexError, match="target 3 is out of bounds for 3 classes"):
        JF.cross_entropy(logits, jnp.array([0, 3]))
    with pytest.raises(IndexError):
        F.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 3]))
    with pytest.raises(TypeError, match="integer class indices"):
        JF.cross_entropy(logits, jnp.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"got input \(2, 3\) and target \(3,\)"):
        JF.cross_entropy(logits, jnp.array([0, 1, 2]))
    with pytest.raises(ValueError, match="reduction must be one of"):
        JF.cross_entropy(logits, jnp.array([0, 1]), reduction="avg")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_value_and_gradient(mode, rng, reduction):
    pred = mode.array(rng.normal(size=(8, 3)))
    target = mode.array(rng.normal(size=(8, 3)))
    pt = torch.tensor(pred, requires_grad=True)
    out_t = F.mse_loss(pt, torch.tensor(target), reduction=reduction)
    out_t.sum().backward()
    grad = jax.grad(lambda p: jnp.sum(JF.mse_loss(p, jnp.asarray(target), reduction=reduction)))(
        jnp.asarray(pred)
    )
    mode.assert_close(JF.mse_loss(jnp.asarray(pred), jnp.asarray(target), reduction), out_t)
    mode.assert_close(grad, pt.grad)


def test_mse_loss_seed_reductions():
    # S1 8823-8852 (derived, checked against torch here): 'mean' 0.25, 'sum' 1.5, 'none' 0.25s.
    pred = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    target = [[1.5, 2.5], [3.5, 4.5], [5.5, 6.5]]
    for reduction, expected in [("mean", 0.25), ("sum", 1.5), ("none", [[0.25] * 2] * 3)]:
        harness.assert_equal(
            F.mse_loss(torch.tensor(pred), torch.tensor(target), reduction=reduction), expected
        )
        harness.assert_equal(
            JF.mse_loss(jnp.asarray(pred), jnp.asarray(target), reduction=reduction), expected
        )


def test_mse_loss_refuses_to_broadcast():
    # torch warns and broadcasts (N,1) against (N,): the "shape mismatch" pitfall of S3 178.
    with pytest.raises(ValueError, match=r"input shape \(4, 1\) and target shape \(4,\) differ"):
        JF.mse_loss(jnp.zeros((4, 1)), jnp.zeros(4))
    with pytest.warns(UserWarning, match="target size"):
        assert F.mse_loss(torch.zeros(4, 1), torch.ones(4)).shape == ()


def test_cross_entropy_checks_closed_over_targets_inside_jit():
    logits = jnp.zeros((2, 3))
    good, bad = jnp.array([0, 2]), jnp.array([0, 3])
    assert jax.jit(lambda x: JF.cross_entropy(x, good))(logits).shape == ()
    with pytest.raises(IndexError, match="target 3 is out of bounds"):
        jax.jit(lambda x: JF.cross_entropy(x, bad))(logits)


# --- helpers ---------------------------------------------------------------------------------


def _torch(value):
    return None if value is None else torch.tensor(value)


def _jax(value):
    return None if value is None else jnp.asarray(value)


class Case(NamedTuple):
    """One loss configuration: ``fn(x, *others, reduction=r)`` on each side."""

    name: str
    torch_fn: Callable
    jax_fn: Callable
    x: np.ndarray
    others: tuple = ()


def _assert_twin_losses(mode, rng, cases, eager=False):
    """Each case vs torch for every reduction: value, and gradient w.r.t. ``x``.

    ``others`` (targets, weights) are NumPy arrays or None, given to both sides. One
    ``jax.jit`` computes every case and reduction with its gradient (a random cotangent
    each, so 'none' checks every element's gradient): one compile per test, as XLA's
    per-program overhead dominates these small losses. With ``eager``, the un-jitted
    'mean' of each case is compared too (the concrete-input path).
    """
    expected, cots = {}, {}
    for case in cases:
        for r in REDUCTIONS:
            xt = torch.tensor(case.x, requires_grad=True)
            out = case.torch_fn(xt, *map(_torch, case.others), reduction=r)
            key = f"{case.name} reduction={r}"
            cots[key] = mode.array(rng.standard_normal(tuple(out.shape)))
            (out * torch.tensor(cots[key])).sum().backward()
            expected[key] = (out, xt.grad)

    def run(xs, cotangents):
        results = {}
        for case in cases:
            others = tuple(map(_jax, case.others))
            for r in REDUCTIONS:
                key = f"{case.name} reduction={r}"
                fn = partial(lambda a, f, o, r: f(a, *o, reduction=r), f=case.jax_fn, o=others, r=r)
                out, vjp = jax.vjp(fn, xs[case.name])
                results[key] = (out, vjp(cotangents[key])[0])
        return results

    xs = {case.name: jnp.asarray(case.x) for case in cases}
    results = jax.jit(run)(xs, {k: jnp.asarray(c) for k, c in cots.items()})
    for key, (out_t, grad_t) in expected.items():
        mode.assert_close(results[key][0], out_t, name=f"{key} (jit)")
        mode.assert_close(results[key][1], grad_t, name=f"{key} grad (jit)")
    if eager:
        for case in cases:
            out_j = case.jax_fn(xs[case.name], *map(_jax, case.others), reduction="mean")
            key = f"{case.name} reduction=mean"
            mode.assert_close(out_j, expected[key][0], name=f"{key} (eager)")


CLASS_WEIGHT = [0.5, 2.0, 1.0, 3.0]


# --- cross-entropy and NLL with class indices --------------------------------------------------


def test_cross_entropy_class_targets_grid(mode, rng):
    # Every combination of weight x ignore_index x label_smoothing, each with all three
    # reductions. torch's weighted mean divides by sum w[y] over the non-ignored targets,
    # and label smoothing adds (e / C) * sum_c -w[c] logp[c], reduced the same way.
    logits = mode.array(rng.normal(size=(6, 4)) * 2)
    cases = []
    for weighted in (False, True):
        for ignore_index in (-100, 1):
            for label_smoothing in (0.0, 0.2):
                target = np.array([0, 3, 1, 2, 1, 3])
                target[[2, 4]] = ignore_index  # with ignore_index=1 these were already class 1
                weight = mode.array(CLASS_WEIGHT) if weighted else None
                options = dict(ignore_index=ignore_index, label_smoothing=label_smoothing)
                cases.append(
                    Case(
                        f"weighted={weighted} ignore_index={ignore_index} e={label_smoothing}",
                        partial(F.cross_entropy, **options),
                        partial(JF.cross_entropy, **options),
                        logits,
                        (target, weight),
                    )
                )
    _assert_twin_losses(mode, rng, cases)


def test_cross_entropy_spatial_and_unbatched_class_targets(mode, rng):
    # Input (N, C, d1, d2) with target (N, d1, d2), and unbatched (C,) with (), as in torch.
    options = dict(ignore_index=2, label_smoothing=0.1)
    weight = mode.array(CLASS_WEIGHT)
    logits = mode.array(rng.normal(size=(2, 4, 3, 2)))
    target = rng.integers(0, 4, size=(2, 3, 2))
    target[0, 0, 0] = 2  # at least one ignored element
    torch_fn, jax_fn = partial(F.cross_entropy, **options), partial(JF.cross_entropy, **options)
    cases = [
        Case("spatial", torch_fn, jax_fn, logits, (target, weight)),
        Case("unbatched", torch_fn, jax_fn, logits[0, :, 0, 0], (np.array(1), weight)),
    ]
    _assert_twin_losses(mode, rng, cases, eager=True)


def test_nll_loss_grid(mode, rng):
    log_probs = np.log(mode.array(rng.dirichlet(np.ones(4), size=6)))
    cases = []
    for weighted in (False, True):
        for ignore_index in (-100, 0):
            target = np.array([0, 3, 1, 2, 1, 3])
            target[[1, 4]] = ignore_index
            weight = mode.array(CLASS_WEIGHT) if weighted else None
            cases.append(
                Case(
                    f"weighted={weighted} ignore_index={ignore_index}",
                    partial(F.nll_loss, ignore_index=ignore_index),
                    partial(JF.nll_loss, ignore_index=ignore_index),
                    log_probs,
                    (target, weight),
                )
            )
    _assert_twin_losses(mode, rng, cases)


def test_nll_loss_spatial_and_unbatched(mode, rng):
    weight = mode.array(CLASS_WEIGHT)
    log_probs = mode.array(rng.normal(size=(2, 4, 3)))  # any values: NLL just gathers
    target = rng.integers(0, 4, size=(2, 3))
    cases = [
        Case("spatial", F.nll_loss, JF.nll_loss, log_probs, (target, weight)),
        Case("unbatched", F.nll_loss, JF.nll_loss, log_probs[0, :, 0], (np.array(3), weight)),
    ]
    _assert_twin_losses(mode, rng, cases, eager=True)


def test_cross_entropy_is_log_softmax_then_nll_loss(mode, rng):
    # S1 8927, S4 1257: "CrossEntropyLoss = LogSoftmax + NLLLoss", with weights and ignore.
    logits = mode.array(rng.normal(size=(5, 4)) * 2)
    target = np.array([0, 3, -100, 2, 1])
    weight = mode.array(CLASS_WEIGHT)
    ce_t = torch.nn.CrossEntropyLoss(torch.tensor(weight))(torch.tensor(logits), _torch(target))
    nll_t = torch.nn.NLLLoss(torch.tensor(weight))(
        torch.nn.LogSoftmax(dim=1)(torch.tensor(logits)), _torch(target)
    )
    ce_j = jaxnn.nn.CrossEntropyLoss(weight)(jnp.asarray(logits), jnp.asarray(target))
    nll_j = jaxnn.nn.NLLLoss(weight)(jaxnn.nn.LogSoftmax(dim=1)(jnp.asarray(logits)), target)
    mode.assert_close(ce_j, ce_t)
    mode.assert_close(nll_j, nll_t)
    mode.assert_close(ce_j, nll_j)


# --- cross-entropy with class probabilities ----------------------------------------------------


def test_cross_entropy_probability_targets_grid(mode, rng):
    # S3 179 calls one-hot targets wrong; torch >= 1.10 accepts float (N, C) probabilities
    # (§5 item 8). The weighted mean divides by N, not by the weights.
    logits = mode.array(rng.normal(size=(5, 4)) * 2)
    probs = mode.array(rng.dirichlet(np.ones(4), size=5))
    probs[0] = np.eye(4)[2]  # a one-hot row
    cases = []
    for weighted in (False, True):
        for label_smoothing in (0.0, 0.3):
            weight = mode.array(CLASS_WEIGHT) if weighted else None
            cases.append(
                Case(
                    f"weighted={weighted} e={label_smoothing}",
                    partial(F.cross_entropy, label_smoothing=label_smoothing),
                    partial(JF.cross_entropy, label_smoothing=label_smoothing),
                    logits,
                    (probs, weight),
                )
            )
    _assert_twin_losses(mode, rng, cases)


def test_cross_entropy_probability_targets_spatial_and_unbatched(mode, rng):
    weight = mode.array(CLASS_WEIGHT)
    spatial = mode.array(rng.normal(size=(2, 4, 3)))
    spatial_probs = mode.array(np.moveaxis(rng.dirichlet(np.ones(4), size=(2, 3)), -1, 1))
    single, single_probs = mode.array(rng.normal(size=4)), mode.array(rng.dirichlet(np.ones(4)))
    torch_fn = partial(F.cross_entropy, label_smoothing=0.1)
    jax_fn = partial(JF.cross_entropy, label_smoothing=0.1)
    cases = [
        Case("spatial", torch_fn, jax_fn, spatial, (spatial_probs, weight)),
        Case("unbatched", torch_fn, jax_fn, single, (single_probs, weight)),
    ]
    _assert_twin_losses(mode, rng, cases, eager=True)


def test_cross_entropy_one_hot_probabilities_equal_class_indices(mode, rng):
    # Without weights or smoothing the two target forms give the same loss.
    logits = mode.array(rng.normal(size=(5, 3)))
    target = np.array([0, 2, 1, 1, 0])
    one_hot = mode.array(np.eye(3)[target])
    from_index_t = F.cross_entropy(torch.tensor(logits), _torch(target))
    from_probs_t = F.cross_entropy(torch.tensor(logits), torch.tensor(one_hot))
    from_index_j = JF.cross_entropy(jnp.asarray(logits), jnp.asarray(target))
    from_probs_j = JF.cross_entropy(jnp.asarray(logits), jnp.asarray(one_hot))
    mode.assert_close(from_index_j, from_index_t)
    mode.assert_close(from_probs_j, from_probs_t)
    mode.assert_close(from_probs_j, from_index_j)


# --- edge cases: all ignored, empty, out of range under jit ----------------------------------


def test_cross_entropy_all_ignored_and_empty_batches(mode):
    logits = mode.array(np.zeros((3, 4)))
    ignored = np.full(3, -100)
    weight = mode.array(CLASS_WEIGHT)
    for w, smoothing in ((None, 0.0), (weight, 0.1)):
        # 'mean' divides 0 by 0 (torch's NaN); 'sum' is 0; 'none' is all zeros.
        for reduction in REDUCTIONS:
            options = dict(reduction=reduction, label_smoothing=smoothing)
            out_t = F.cross_entropy(torch.tensor(logits), _torch(ignored), _torch(w), **options)
            out_j = JF.cross_entropy(jnp.asarray(logits), jnp.asarray(ignored), _jax(w), **options)
            mode.assert_close(out_j, out_t)
            if reduction == "mean":
                assert np.isnan(float(out_j))
    empty_logits, empty_target = mode.array(np.zeros((0, 4))), np.zeros(0, np.int64)
    for torch_fn, jax_fn, y in (
        (F.cross_entropy, JF.cross_entropy, empty_target),
        (F.nll_loss, JF.nll_loss, empty_target),
        (F.cross_entropy, JF.cross_entropy, empty_logits),  # probability targets
        (F.mse_loss, JF.mse_loss, empty_logits),
        (F.l1_loss, JF.l1_loss, empty_logits),
    ):
        for reduction in REDUCTIONS:
            out_t = torch_fn(torch.tensor(empty_logits), torch.tensor(y), reduction=reduction)
            out_j = jax_fn(jnp.asarray(empty_logits), jnp.asarray(y), reduction=reduction)
            mode.assert_close(out_j, out_t)  # 'mean' of nothing is NaN in both


def test_class_targets_out_of_range_raise_or_give_nan_under_jit(mode):
    logits = mode.array(np.zeros((3, 4)))
    bad = np.array([0, 4, 1])
    for torch_fn, jax_fn in ((F.cross_entropy, JF.cross_entropy), (F.nll_loss, JF.nll_loss)):
        with pytest.raises(IndexError, match="Target 4 is out of bounds"):
            torch_fn(torch.tensor(logits), _torch(bad))
        with pytest.raises(IndexError, match=r"target 4 is out of bounds for 4 classes"):
            jax_fn(jnp.asarray(logits), jnp.asarray(bad))
        with pytest.raises(IndexError, match="Target -1 is out of bounds"):
            torch_fn(torch.tensor(logits), torch.tensor([0, -1, 1]))
        with pytest.raises(IndexError, match=r"target -1 is out of bounds for 4 classes"):
            jax_fn(jnp.asarray(logits), jnp.array([0, -1, 1]))
        # A traced target cannot be checked: the bad element (and any reduction over it)
        # is NaN rather than a silently clamped class. The valid elements are unchanged.
        per = jax.jit(lambda x, y, f=jax_fn: f(x, y, reduction="none"))(
            jnp.asarray(logits), jnp.asarray(bad)
        )
        good = torch_fn(torch.tensor(logits[[0, 2]]), torch.tensor([0, 1]), reduction="none")
        mode.assert_close(per[jnp.array([0, 2])], good)
        assert np.isnan(float(per[1]))
        assert np.isnan(float(jax.jit(jax_fn)(jnp.asarray(logits), jnp.asarray(bad))))
        # ... and the bad row's gradient holds NaN (it used to be a silent 0; nll_loss's row
        # gradient is one element, cross_entropy's the whole row); the other rows are torch's.
        grad = jax.jit(jax.grad(lambda x, y, f=jax_fn: f(x, y, reduction="sum")))(
            jnp.asarray(logits), jnp.asarray(bad)
        )
        assert np.isnan(np.asarray(grad[1])).any()
        x = torch.tensor(logits[[0, 2]], requires_grad=True)
        torch_fn(x, torch.tensor([0, 1]), reduction="sum").backward()
        mode.assert_close(grad[jnp.array([0, 2])], x.grad)
        # The checked mode: under checkify the same jitted call reports the first bad target.
        for y, first in ((bad, 4), (np.array([0, -1, 9]), -1)):
            err, _ = jax.jit(checkify.checkify(jax_fn))(jnp.asarray(logits), jnp.asarray(y))
            name = jax_fn.__name__
            with pytest.raises(ValueError, match=rf"{name}\(\): target {first} is out of bounds"):
                err.throw()
        err, _ = jax.jit(checkify.checkify(jax_fn))(jnp.asarray(logits), jnp.array([0, 3, 1]))
        err.throw()  # all in range: nothing to report
    # ignore_index may lie outside [0, C): it is skipped, not checked, in both.
    y = np.array([0, -7, 1])
    mode.assert_close(
        JF.cross_entropy(jnp.asarray(logits), jnp.asarray(y), ignore_index=-7),
        F.cross_entropy(torch.tensor(logits), _torch(y), ignore_index=-7),
    )


# --- binary cross-entropy ----------------------------------------------------------------------


def test_binary_cross_entropy_grid(mode, rng):
    # Weights: none, one per element, and (C,) broadcast over the rows.
    probs = mode.array(rng.uniform(0.02, 0.98, size=(4, 3)))
    target = mode.array(rng.uniform(0, 1, size=(4, 3)))
    target[0] = [0.0, 1.0, 1.0]  # hard labels too
    cases = [
        Case(f"weight shape {shape}", F.binary_cross_entropy, JF.binary_cross_entropy, probs,
             (target, None if shape is None else mode.array(rng.uniform(0.5, 2, shape))))
        for shape in (None, (4, 3), (3,))
    ]  # fmt: skip
    _assert_twin_losses(mode, rng, cases, eager=True)


def test_binary_cross_entropy_gradient_wrt_target(mode, rng):
    # torch differentiates BCE w.r.t. the target too: -w logit(p) (its own formula).
    probs = mode.array(rng.uniform(0.05, 0.95, size=6))
    target = mode.array(rng.uniform(0, 1, size=6))
    weight = mode.array(rng.uniform(0.5, 2, size=6))
    yt = torch.tensor(target, requires_grad=True)
    F.binary_cross_entropy(torch.tensor(probs), yt, torch.tensor(weight)).backward()
    grad_j = jax.grad(lambda y: JF.binary_cross_entropy(jnp.asarray(probs), y, weight))(
        jnp.asarray(target)
    )
    mode.assert_close(grad_j, yt.grad)


def test_binary_cross_entropy_clamps_log_at_minus_100(mode):
    # torch clamps log(p) and log(1 - p) at -100, so p = 0 or 1 against the opposite label
    # costs a finite 100 (S4 718's F.binary_cross_entropy), and its hand-written backward
    # divides by max(p (1 - p), 1e-12): -1e12 at (p=0, y=1). Plain autodiff of the clamped
    # logs would give 0 * inf = NaN there; jaxnn installs torch's backward instead.
    probs = mode.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.5])
    target = mode.array([1.0, 0.0, 0.0, 1.0, 0.3, 0.3, 0.5])
    clamp = 100.0  # torch's documented clamp of each log term at -100
    expected = [clamp, clamp, 0.0, 0.0, 0.3 * clamp, 0.7 * clamp, np.log(2.0)]
    for reduction in ("none", "mean"):
        pt = torch.tensor(probs, requires_grad=True)
        out_t = F.binary_cross_entropy(pt, torch.tensor(target), reduction=reduction)
        out_t.sum().backward()

        def loss(p, r=reduction):
            return jnp.sum(JF.binary_cross_entropy(p, jnp.asarray(target), reduction=r))

        out_j = JF.binary_cross_entropy(
            jnp.asarray(probs), jnp.asarray(target), reduction=reduction
        )
        grad_j = jax.grad(loss)(jnp.asarray(probs))
        golden = expected if reduction == "none" else np.mean(expected)
        mode.assert_twins_close(out_j, out_t, golden)
        mode.assert_close(grad_j, pt.grad, name="grad")
        assert np.all(np.isfinite(np.asarray(grad_j)))
    raw = jax.grad(lambda p: jnp.sum(-jnp.maximum(jnp.log(p), -clamp)))(jnp.asarray(probs))
    assert np.isnan(float(raw[0]))  # why the custom backward is needed


def test_binary_cross_entropy_seed_single_neuron():
    # S4 709-786: z = 1.1 w + b, a = sigmoid(z), F.binary_cross_entropy(a, [1.0]), grads by
    # torch.autograd.grad. w = 1.2: printed (§3.1) loss 0.2368, grads -0.2319 / -0.2108.
    # w = 2.2 (the block with no printed output): §3.2 0.0852, -0.0898 / -0.0817, torch-checked.
    tol = harness.tolerance("float32")
    for w1, loss_value, grad_w, grad_b in ((1.2, 0.2368, -0.2319, -0.2108),
                                           (2.2, 0.0852, -0.0898, -0.0817)):  # fmt: skip
        x, y = torch.tensor([1.1]), torch.tensor([1.0])
        w_t = torch.tensor([w1], requires_grad=True)
        b_t = torch.tensor([0.0], requires_grad=True)
        loss_t = F.binary_cross_entropy(torch.sigmoid(x * w_t + b_t), y)
        (gw_t,) = torch.autograd.grad(loss_t, w_t, retain_graph=True)
        (gb_t,) = torch.autograd.grad(loss_t, b_t, retain_graph=True)

        def loss(w, b):
            return JF.binary_cross_entropy(JF.sigmoid(jnp.array([1.1]) * w + b), jnp.array([1.0]))

        w_j, b_j = jnp.array([w1], jnp.float32), jnp.array([0.0], jnp.float32)
        loss_j = loss(w_j, b_j)
        gw_j, gb_j = jax.grad(loss, argnums=(0, 1))(w_j, b_j)
        harness.assert_twins_close(loss_j, loss_t, tol, loss_value, harness.printed(4))
        harness.assert_twins_close(gw_j, gw_t, tol, [grad_w], harness.printed(4))
        harness.assert_twins_close(gb_j, gb_t, tol, [grad_b], harness.printed(4))


def _bce_with_logits_pair(torch_pos_weight, jax_pos_weight):
    return (
        partial(F.binary_cross_entropy_with_logits, pos_weight=_torch(torch_pos_weight)),
        partial(JF.binary_cross_entropy_with_logits, pos_weight=_jax(jax_pos_weight)),
    )


def test_binary_cross_entropy_with_logits_grid(mode, rng):
    logits = mode.array(rng.normal(size=(5, 3)) * 3)
    target = mode.array(rng.uniform(0, 1, size=(5, 3)))
    target[0] = [0.0, 1.0, 1.0]
    cases = []
    for weighted in (False, True):
        for pos_weighted in (False, True):
            weight = mode.array(rng.uniform(0.5, 2, size=(5, 3))) if weighted else None
            pos_weight = mode.array([0.5, 1.0, 4.0]) if pos_weighted else None  # one per class
            torch_fn, jax_fn = _bce_with_logits_pair(pos_weight, pos_weight)
            name = f"weighted={weighted} pos_weight={pos_weighted}"
            cases.append(Case(name, torch_fn, jax_fn, logits, (target, weight)))
    _assert_twin_losses(mode, rng, cases)


def test_binary_cross_entropy_with_logits_is_stable_for_huge_logits(mode, rng):
    # The log-sigmoid form stays finite where sigmoid then log would give inf or NaN.
    logits = mode.array([-1000.0, -200.0, -40.0, -5.0, 0.0, 5.0, 40.0, 200.0, 1000.0])
    target = mode.array([1.0, 0.0, 1.0, 0.3, 0.5, 0.7, 0.0, 1.0, 0.0])
    cases = [
        Case(f"pos_weight={q}", *_bce_with_logits_pair(q, q), logits, (target,))
        for q in (None, mode.array([3.0]))
    ]
    _assert_twin_losses(mode, rng, cases)
    out = JF.binary_cross_entropy_with_logits(jnp.asarray(logits), jnp.asarray(target))
    assert np.isfinite(float(out))


def test_bce_with_logits_equals_bce_of_sigmoid_in_the_unclamped_range(mode, rng):
    # S3 82 / S1 8926: BCEWithLogitsLoss = Sigmoid + BCELoss, as long as no log hits -100.
    logits = mode.array(rng.normal(size=(6, 2)) * 2)
    target = mode.array(rng.integers(0, 2, size=(6, 2)))
    with_logits_t = torch.nn.BCEWithLogitsLoss()(torch.tensor(logits), torch.tensor(target))
    composed_t = torch.nn.BCELoss()(torch.sigmoid(torch.tensor(logits)), torch.tensor(target))
    with_logits_j = jaxnn.nn.BCEWithLogitsLoss()(jnp.asarray(logits), jnp.asarray(target))
    composed_j = jaxnn.nn.BCELoss()(jaxnn.nn.Sigmoid()(jnp.asarray(logits)), jnp.asarray(target))
    mode.assert_close(with_logits_j, with_logits_t)
    mode.assert_close(composed_j, composed_t)
    mode.assert_close(with_logits_j, composed_j)


# --- regression losses ------------------------------------------------------------------------


REGRESSION = {
    "mse": ({}, F.mse_loss, JF.mse_loss),
    "l1": ({}, F.l1_loss, JF.l1_loss),
    "smooth_l1 beta=0": ({"beta": 0.0}, F.smooth_l1_loss, JF.smooth_l1_loss),
    "smooth_l1 beta=0.5": ({"beta": 0.5}, F.smooth_l1_loss, JF.smooth_l1_loss),
    "smooth_l1 beta=1": ({}, F.smooth_l1_loss, JF.smooth_l1_loss),
    "smooth_l1 beta=2": ({"beta": 2.0}, F.smooth_l1_loss, JF.smooth_l1_loss),
    "huber delta=0.5": ({"delta": 0.5}, F.huber_loss, JF.huber_loss),
    "huber delta=1": ({}, F.huber_loss, JF.huber_loss),
    "huber delta=2": ({"delta": 2.0}, F.huber_loss, JF.huber_loss),
}


def _regression_pair(mode, rng):
    """Targets on a 1/4 grid and errors hitting 0 and the switch points 0.5, 1, 2 exactly."""
    target = rng.integers(-8, 8, size=(4, 5)) / 4
    error = rng.normal(size=(4, 5)) * 2
    error.flat[:9] = [0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 0.25, -3.5]
    return mode.array(target + error), mode.array(target)


def test_regression_losses_value_and_gradient(mode, rng):
    # S1 8918-8921: MSELoss, L1Loss, SmoothL1Loss; HuberLoss for the relation below.
    pred, target = _regression_pair(mode, rng)
    cases = [
        Case(name, partial(torch_fn, **options), partial(jax_fn, **options), pred, (target,))
        for name, (options, torch_fn, jax_fn) in REGRESSION.items()
    ]
    _assert_twin_losses(mode, rng, cases, eager=True)


def test_smooth_l1_is_huber_only_at_one(mode, rng):
    # §5 item 48 (S1 8921 calls SmoothL1Loss "Huber loss"): SmoothL1(beta) =
    # Huber(delta=beta) / beta, so the two are equal only for beta = delta = 1.
    pred, target = _regression_pair(mode, rng)
    pt, yt, pj, yj = (
        torch.tensor(pred),
        torch.tensor(target),
        jnp.asarray(pred),
        jnp.asarray(target),
    )
    for beta in (0.5, 1.0, 2.0):
        smooth_t = F.smooth_l1_loss(pt, yt, reduction="none", beta=beta)
        huber_t = F.huber_loss(pt, yt, reduction="none", delta=beta)
        smooth_j = JF.smooth_l1_loss(pj, yj, reduction="none", beta=beta)
        huber_j = JF.huber_loss(pj, yj, reduction="none", delta=beta)
        mode.assert_close(smooth_j, smooth_t)
        mode.assert_close(huber_j, huber_t)
        mode.assert_close(smooth_t, huber_t / beta)
        mode.assert_close(smooth_j, huber_j / beta)
        if beta == 1.0:
            mode.assert_close(smooth_j, huber_j)
        else:
            with pytest.raises(AssertionError, match="outside tolerance"):
                mode.assert_close(smooth_j, huber_j)
            with pytest.raises(AssertionError, match="outside tolerance"):
                mode.assert_close(smooth_t, huber_t)


def test_mse_loss_seed_values():
    # S1 8759-8790: squared errors [0.25, 0, 0.25, 0] and MSE 0.1250 (§3.2, torch-checked);
    # S1 8889-8912: perfect 0.0000, small errors 0.0050, large errors 3.0000.
    tol = harness.tolerance("float32")
    pred, target = np.float32([2.5, 3.0, 4.5, 5.0]), np.float32([3.0, 3.0, 4.0, 5.0])
    sq_t = (torch.tensor(pred) - torch.tensor(target)) ** 2
    sq_j = (jnp.asarray(pred) - jnp.asarray(target)) ** 2
    harness.assert_twins_close(sq_j, sq_t, tol, [0.25, 0.0, 0.25, 0.0], harness.printed(4))
    cases = [
        (pred, target, 0.1250),
        ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], 0.0),
        ([1.1, 2.05, 2.95], [1.0, 2.0, 3.0], 0.0050),
        ([2.0, 4.0, 1.0], [1.0, 2.0, 3.0], 3.0),
    ]
    for p, y, expected in cases:
        p, y = np.float32(p), np.float32(y)
        loss_t = torch.nn.MSELoss()(torch.tensor(p), torch.tensor(y))
        loss_j = jaxnn.nn.MSELoss()(jnp.asarray(p), jnp.asarray(y))
        harness.assert_twins_close(loss_j, loss_t, tol, expected, harness.printed(4))


def test_mse_loss_mean_is_over_all_elements(mode, rng):
    # S1 8812: for (8, 3) the mean is over all 24 values.
    pred, target = mode.array(rng.normal(size=(8, 3))), mode.array(rng.normal(size=(8, 3)))
    pt, yt, pj, yj = (
        torch.tensor(pred),
        torch.tensor(target),
        jnp.asarray(pred),
        jnp.asarray(target),
    )
    mean_t = torch.nn.MSELoss()(pt, yt)
    mean_j = jaxnn.nn.MSELoss()(pj, yj)
    mode.assert_close(mean_j, mean_t)
    mode.assert_close(mean_t, torch.nn.MSELoss(reduction="sum")(pt, yt) / 24)
    mode.assert_close(mean_j, jaxnn.nn.MSELoss(reduction="sum")(pj, yj) / 24)


def test_cross_entropy_module_seed_values():
    # S1 9133-9159: CE 0.3959, per sample 0.4170, 0.3064, 0.4644 (§3.2, torch-checked).
    logits = np.float32([[2.0, 1.0, 0.1], [0.5, 2.5, 1.0], [1.0, 0.5, 2.0]])
    target = np.array([0, 1, 2])
    tol = harness.tolerance("float32")
    for reduction, expected in (("mean", 0.3959), ("none", [0.4170, 0.3064, 0.4644])):
        out_t = torch.nn.CrossEntropyLoss(reduction=reduction)(
            torch.tensor(logits), torch.tensor(target)
        )
        out_j = jaxnn.nn.CrossEntropyLoss(reduction=reduction)(
            jnp.asarray(logits), jnp.asarray(target)
        )
        harness.assert_twins_close(out_j, out_t, tol, expected, harness.printed(4))


# --- loss modules -----------------------------------------------------------------------------


def _module_cases(mode, rng):
    """(torch module, jaxnn module, input, target) with torch's constructor arguments."""
    weight = mode.array(CLASS_WEIGHT)
    logits = mode.array(rng.normal(size=(5, 4)))
    classes = np.array([0, 3, 2, 2, 1])
    probs = mode.array(rng.dirichlet(np.ones(4), size=5))
    pred, target = _regression_pair(mode, rng)
    p = mode.array(rng.uniform(0.05, 0.95, size=(5, 4)))
    y = mode.array(rng.integers(0, 2, size=(5, 4)))
    elementwise = mode.array(rng.uniform(0.5, 2, size=(5, 4)))
    tw, te = torch.tensor(weight), torch.tensor(elementwise)
    tq, jq = torch.tensor(weight), weight  # pos_weight, one per column
    nn, jn = torch.nn, jaxnn.nn
    return {
        "MSELoss": (nn.MSELoss(), jn.MSELoss(), pred, target),
        "MSELoss-sum": (nn.MSELoss(reduction="sum"), jn.MSELoss(reduction="sum"), pred, target),
        "L1Loss-none": (nn.L1Loss(reduction="none"), jn.L1Loss(reduction="none"), pred, target),
        "SmoothL1Loss": (nn.SmoothL1Loss(beta=0.5), jn.SmoothL1Loss(beta=0.5), pred, target),
        "HuberLoss": (nn.HuberLoss("sum", 2.0), jn.HuberLoss("sum", 2.0), pred, target),
        "NLLLoss": (
            nn.NLLLoss(tw, ignore_index=2),
            jn.NLLLoss(weight, ignore_index=2),
            np.log(probs),
            classes,
        ),
        "CrossEntropyLoss": (
            nn.CrossEntropyLoss(tw, ignore_index=2, label_smoothing=0.1),
            jn.CrossEntropyLoss(weight, ignore_index=2, label_smoothing=0.1),
            logits,
            classes,
        ),
        "CrossEntropyLoss-probs": (
            nn.CrossEntropyLoss(reduction="none"),
            jn.CrossEntropyLoss(reduction="none"),
            logits,
            probs,
        ),
        "BCELoss": (nn.BCELoss(te), jn.BCELoss(elementwise), p, y),
        "BCEWithLogitsLoss": (
            nn.BCEWithLogitsLoss(reduction="sum", pos_weight=tq),
            jn.BCEWithLogitsLoss(reduction="sum", pos_weight=jq),
            logits,
            y,
        ),
    }


MODULE_CASES = [
    "MSELoss", "MSELoss-sum", "L1Loss-none", "SmoothL1Loss", "HuberLoss", "NLLLoss",
    "CrossEntropyLoss", "CrossEntropyLoss-probs", "BCELoss", "BCEWithLogitsLoss",
]  # fmt: skip


@pytest.mark.parametrize("case", MODULE_CASES)
def test_loss_modules_match_torch_modules(mode, rng, case):
    module_t, module_j, x, y = _module_cases(mode, rng)[case]
    xt = torch.tensor(x, requires_grad=True)
    out_t = module_t(xt, torch.tensor(y))
    cot = mode.array(rng.standard_normal(tuple(out_t.shape)))
    (out_t * torch.tensor(cot)).sum().backward()

    # The module is an argument of nnx.jit / nnx.grad, like a model. It has no
    # parameters, so its gradient state is empty. (The eager path is the functional
    # one, tested above.)
    @nnx.jit
    def forward_and_grads(module, a, target, c):
        def loss(m, v):
            return jnp.sum(m(v, target) * c)

        return module(a, target), nnx.grad(loss, argnums=(0, 1))(module, a)

    out_j, (module_grads, x_grad) = forward_and_grads(
        module_j, jnp.asarray(x), jnp.asarray(y), jnp.asarray(cot)
    )
    mode.assert_close(out_j, out_t, name="nnx.jit")
    mode.assert_close(x_grad, xt.grad, name="input grad")
    assert jax.tree.leaves(module_grads) == []


def test_loss_modules_hold_constants_not_parameters(mode):
    # torch registers weight / pos_weight as buffers: in state_dict(), not in parameters().
    # jaxnn keeps them as constant arrays: no parameters, and not in jaxnn's state_dict.
    weight = mode.array(CLASS_WEIGHT)
    module_t = torch.nn.BCEWithLogitsLoss(torch.tensor(weight), pos_weight=torch.tensor(weight))
    module_j = jaxnn.nn.BCEWithLogitsLoss(weight, pos_weight=weight)
    assert list(module_t.parameters()) == []
    assert list(module_t.state_dict()) == ["weight", "pos_weight"]
    assert jaxnn.nn.count_parameters(module_j) == 0
    assert jax.tree.leaves(nnx.state(module_j, nnx.Param)) == []
    assert jaxnn.interop.state_dict(module_j) == {}
    harness.assert_equal(module_j.weight, module_t.weight)
    harness.assert_equal(module_j.pos_weight, module_t.pos_weight)


# --- bad input --------------------------------------------------------------------------------


def test_losses_reject_an_unknown_reduction():
    x, y, classes = jnp.zeros((2, 3)), jnp.zeros((2, 3)), jnp.array([0, 1])
    calls = [
        (JF.mse_loss, "mse_loss", y), (JF.l1_loss, "l1_loss", y),
        (JF.smooth_l1_loss, "smooth_l1_loss", y), (JF.huber_loss, "huber_loss", y),
        (JF.nll_loss, "nll_loss", classes), (JF.cross_entropy, "cross_entropy", classes),
        (JF.binary_cross_entropy, "binary_cross_entropy", y),
        (JF.binary_cross_entropy_with_logits, "binary_cross_entropy_with_logits", y),
    ]  # fmt: skip
    for fn, name, target in calls:
        with pytest.raises(ValueError, match=rf"^{name}\(\): reduction must be one of .*'avg'"):
            fn(x, target, reduction="avg")
    for module in ("MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "NLLLoss",
                   "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss"):  # fmt: skip
        with pytest.raises(ValueError, match=rf"^{module}: reduction must be one of"):
            getattr(jaxnn.nn, module)(reduction="avg")
        # torch builds the module and raises only when it is called.
        torch_module = getattr(torch.nn, module)(reduction="avg")
        with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
            torch_module(torch.zeros(2, 3), torch.zeros(2, 3) if "NLL" not in module
                         and "Cross" not in module else torch.tensor([0, 1]))  # fmt: skip


def test_elementwise_losses_refuse_to_broadcast():
    # torch warns and broadcasts (4, 1) against (4,) for the regression losses (S3 178's
    # "shape mismatch" pitfall: a silent (4, 4) average); jaxnn raises. Both raise for BCE.
    pred, target = jnp.full((4, 1), 0.5), jnp.full((4,), 0.5)
    for name in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"):
        with pytest.raises(ValueError, match=rf"{name}\(\): input shape \(4, 1\) and target"):
            getattr(JF, name)(pred, target)
        with pytest.warns(UserWarning, match="Using a target size"):
            getattr(F, name)(torch.full((4, 1), 0.5), torch.full((4,), 0.5))
    for name in ("binary_cross_entropy", "binary_cross_entropy_with_logits"):
        with pytest.raises(ValueError, match=r"target shape \(4,\) differs from input shape"):
            getattr(JF, name)(pred, target)
        with pytest.raises(ValueError, match="(?i)target size"):
            getattr(F, name)(torch.full((4, 1), 0.5), torch.full((4,), 0.5))


def test_cross_entropy_rejects_bad_arguments():
    # torch raises RuntimeError for each of these; jaxnn raises ValueError/TypeError naming
    # the argument (the IndexError cases are in the out-of-range test).
    logits, probs = torch.zeros(2, 3), torch.full((2, 3), 1 / 3)
    jlogits, jprobs = jnp.zeros((2, 3)), jnp.full((2, 3), 1 / 3)
    classes = torch.tensor([0, 1])
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0"):
        F.cross_entropy(logits, classes, label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\]; got 1.5"):
        JF.cross_entropy(jlogits, jnp.array([0, 1]), label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: label_smoothing must be in"):
        jaxnn.nn.CrossEntropyLoss(label_smoothing=-0.1)
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 3"):
        F.cross_entropy(logits, classes, torch.ones(4))
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\).*got \(4,\)"):
        JF.cross_entropy(jlogits, jnp.array([0, 1]), jnp.ones(4))
    with pytest.raises(ValueError, match=r"nll_loss\(\): weight must have shape \(3,\)"):
        JF.nll_loss(jlogits, jnp.array([0, 1]), jnp.ones((3, 1)))
    with pytest.raises(ValueError, match="NLLLoss: weight must be 1-d"):
        jaxnn.nn.NLLLoss(jnp.ones((3, 1)))
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point"):
        F.cross_entropy(logits, probs, ignore_index=1)
    with pytest.raises(ValueError, match="ignore_index is not supported for probability"):
        JF.cross_entropy(jlogits, jprobs, ignore_index=1)
    with pytest.raises(RuntimeError, match="Expected floating point type for target"):
        F.cross_entropy(logits, torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(TypeError, match="class probabilities and must be floating"):
        JF.cross_entropy(jlogits, jnp.zeros((2, 3), jnp.int32))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 4\], got \[2, 5\]"):
        F.cross_entropy(torch.zeros(2, 3, 4), torch.zeros(2, 5, dtype=torch.long))
    with pytest.raises(ValueError, match=r"got input \(2, 3, 4\) and target \(2, 5\)"):
        JF.cross_entropy(jnp.zeros((2, 3, 4)), jnp.zeros((2, 5), jnp.int32))
    with pytest.raises(ValueError, match=r"input must be \(C,\), \(N, C\) or"):
        JF.cross_entropy(jnp.zeros(()), jnp.zeros((), jnp.int32))
    with pytest.raises(TypeError, match="nll_loss.*integer class indices"):
        JF.nll_loss(jlogits, jnp.array([0.0, 1.0]))


def test_binary_cross_entropy_rejects_values_outside_the_unit_interval():
    # torch checks on the CPU kernel (RuntimeError); jaxnn checks concrete values (ValueError).
    p, y = [0.5, 1.5], [1.0, 0.0]
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(torch.tensor(p), torch.tensor(y))
    with pytest.raises(ValueError, match="all elements of input should be between 0 and 1"):
        JF.binary_cross_entropy(jnp.array(p), jnp.array(y))
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
        F.binary_cross_entropy(torch.tensor(y), torch.tensor(p))
    with pytest.raises(ValueError, match="all elements of target should be between 0 and 1"):
        JF.binary_cross_entropy(jnp.array(y), jnp.array(p))
    # Under a trace the values are unknown: an input above 1 gives NaN (log of a negative).
    traced = jax.jit(JF.binary_cross_entropy)(jnp.array(p), jnp.array(y))
    assert np.isnan(float(traced))
    with pytest.raises(RuntimeError, match="Attempting to broadcast a dimension of length 3"):
        F.binary_cross_entropy(torch.tensor(y), torch.tensor(y), torch.ones(3))
    with pytest.raises(ValueError, match=r"weight of shape \(3,\) does not broadcast"):
        JF.binary_cross_entropy(jnp.array(y), jnp.array(y), jnp.ones(3))
    with pytest.raises(ValueError, match=r"pos_weight of shape \(2, 2\) does not broadcast"):
        JF.binary_cross_entropy_with_logits(jnp.zeros(2), jnp.zeros(2), pos_weight=jnp.ones((2, 2)))
    with pytest.raises(TypeError, match="target must be floating"):
        JF.binary_cross_entropy(jnp.array(y), jnp.array([1, 0]))


def test_smooth_l1_and_huber_reject_bad_switch_points():
    x, y = torch.zeros(3), torch.ones(3)
    with pytest.raises(RuntimeError, match="smooth_l1_loss does not support negative values"):
        F.smooth_l1_loss(x, y, beta=-1.0)
    with pytest.raises(ValueError, match=r"smooth_l1_loss\(\): beta must be >= 0; got -1.0"):
        JF.smooth_l1_loss(jnp.zeros(3), jnp.ones(3), beta=-1.0)
    with pytest.raises(RuntimeError, match="huber_loss does not support non-positive values"):
        F.huber_loss(x, y, delta=0.0)
    with pytest.raises(ValueError, match=r"huber_loss\(\): delta must be > 0; got 0.0"):
        JF.huber_loss(jnp.zeros(3), jnp.ones(3), delta=0.0)
    # torch builds these modules and fails when called; jaxnn refuses to build them.
    torch.nn.SmoothL1Loss(beta=-1.0)
    with pytest.raises(ValueError, match="SmoothL1Loss: beta must be >= 0"):
        jaxnn.nn.SmoothL1Loss(beta=-1.0)
    with pytest.raises(ValueError, match="HuberLoss: delta must be > 0"):
        jaxnn.nn.HuberLoss(delta=-2.0)


def test_optax_losses_paired_with_torch(mode, rng):
    # For code written directly against optax: which optax loss, reduced how, is which
    # torch loss (inventory §1.15, Appendix A). optax returns per-example values.
    x, y = mode.array(rng.normal(size=(5, 3))), mode.array(rng.normal(size=(5, 3)))
    classes = np.array([0, 2, 1, 1, 0])
    labels01 = mode.array(rng.integers(0, 2, size=(5, 3)))
    xt, yt, xj, yj = torch.tensor(x), torch.tensor(y), jnp.asarray(x), jnp.asarray(y)
    mode.assert_close(optax.squared_error(xj, yj).mean(), F.mse_loss(xt, yt))
    mode.assert_close(optax.l2_loss(xj, yj).mean(), F.mse_loss(xt, yt) / 2)  # half, not MSE
    mode.assert_close(
        optax.softmax_cross_entropy_with_integer_labels(xj, jnp.asarray(classes)).mean(),
        F.cross_entropy(xt, torch.tensor(classes)),
    )
    mode.assert_close(
        optax.sigmoid_binary_cross_entropy(xj, jnp.asarray(labels01)).mean(),
        F.binary_cross_entropy_with_logits(xt, torch.tensor(labels01)),
    )
    mode.assert_close(optax.huber_loss(xj, yj, delta=0.5).mean(), F.huber_loss(xt, yt, delta=0.5))


def test_custom_loss_mae_plus_l2_penalty_value_and_gradient(mode, rng):
    # S1 3813-3830: `loss = mae + 0.01 * (model_reg.weight ** 2).sum()`; the penalty adds
    # 0.02·W to the weight's gradient. In JAX the custom loss is a plain function of the
    # parameters, differentiated by jax.value_and_grad.
    x, y = mode.array(rng.normal(size=(8, 3))), mode.array(rng.normal(size=(8, 1)))
    w0, b = mode.array(rng.normal(size=(1, 3))), mode.array(rng.normal(size=(1,)))
    w_t = torch.tensor(w0, requires_grad=True)
    pred_t = F.linear(torch.from_numpy(x), w_t, torch.from_numpy(b))
    mae_t = (pred_t - torch.from_numpy(y)).abs().mean()
    loss_t = mae_t + 0.01 * (w_t**2).sum()
    loss_t.backward()

    def loss(w):
        mae = JF.l1_loss(jnp.asarray(x) @ w.T + jnp.asarray(b), jnp.asarray(y))
        return mae + 0.01 * jnp.sum(w**2)

    value, grad = jax.value_and_grad(loss)(jnp.asarray(w0))
    mode.assert_twins_close(value, loss_t.item(), name="loss")
    mode.assert_twins_close(grad, w_t.grad.numpy(), name="weight gradient")
    mode.assert_close(value - 0.01 * jnp.sum(jnp.asarray(w0) ** 2), mae_t.item(), name="MAE part")
