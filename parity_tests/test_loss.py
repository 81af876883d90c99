"""Losses in the vertical slice: cross-entropy with class indices and MSE (inventory §1.15)."""

import jax
import jax.numpy as jnp
import pytest
import torch
import torch.nn.functional as F

import jaxnn.functional as JF
from parity_tests import harness


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
    # torch warns and broadcasts (N,1) against (N,): the seeds' "shape mismatch" pitfall, S3 178.
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
