"""Embedding losses on hard inputs: cosine_embedding_loss, pairwise_distance and
triplet_margin_loss (functional and module), property-based, against real torch.

Magnitudes across the dtype's range (torch's vector norm does not rescale: ``sum(x^2)``
overflows to ``inf`` and underflows to 0 in float32 as it does in the twin), offset inputs
(mean ``1e4``: the differences cancel), exact ties (a triplet exactly at the margin, where
``clamp_min`` passes the whole gradient; tied maxima of the ``inf``-norm, which share it),
``nan`` and ``+-inf``, zero vectors (cosine's ``1e-12`` on each squared magnitude), ``p``
of 1, 2 and ``inf``, ``swap``: the value and the gradient w.r.t. every input. Size-1 and
empty batches, and a zero-length embedding, are checked on fixed inputs.

Where torch and the twin met a NaN differently, the twin now follows torch (each pinned
below): ``clamp_min`` keeps a NaN (the hinge gave 0), and the norm's gradient uses torch's
``sgn``, 0 at NaN (``jnp.sign`` gave NaN: ``p=1`` and ``p=inf`` gradients of a row holding a
NaN).

torch is run with subnormals flushed to zero (``torch.set_flush_denormal``), as XLA on CPU
computes: an intermediate of the cosine's gradient can be subnormal where the gradient
itself is not (``g dot / denom^3``, ~7.5e-43 in the pinned example), and torch keeps it
where XLA flushes it, so that gradient element is ~1.9e-18 in torch and ~4e-31 in the
twin: a platform difference (see ``test_activation_hard_inputs.py``), pinned below. Subnormal
squares do the same to a zero-``eps`` 2-norm of a ~1e-20 difference.

Each family runs every configuration in one jitted program over fixed shapes, so it
compiles once per dtype.
"""

import contextlib
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
from twincore import harness

from ..hard_inputs import assert_close_to_terms, hard_arrays, ordinary
from .components import LOSSES

pytestmark = LOSSES

N, D = 3, 4
SHAPE = (N, D)
INF = float("inf")
KINDS = ["wide", "offset", "ties", "nonfinite"]


def distance64(x1, x2, p, eps):
    """pairwise_distance in float64 from the inputs: the size of a distance's terms."""
    with np.errstate(all="ignore"):
        d = np.abs(np.asarray(x1, np.float64) - np.asarray(x2, np.float64) + eps)
        if p == INF:
            return np.max(d, -1, initial=0.0)
        return np.sum(d**p, -1) ** (1 / p)


def reduce64(per_pair, reduction):
    if reduction == "none":
        return per_pair
    total = np.sum(per_pair)
    return total / max(per_pair.size, 1) if reduction == "mean" else total


def triplet_terms(margin, p, eps, swap, reduction):
    """``margin + d(a, p) - d(a, n)`` cancels: its terms are the margin and the distances."""

    def terms(a, pos, neg):
        d_neg = distance64(a, neg, p, eps)
        if swap:
            d_neg = d_neg + distance64(pos, neg, p, eps)
        return reduce64(margin + distance64(a, pos, p, eps) + d_neg, reduction)

    return terms


def triplet_configs():
    """(label, jaxnn function, torch function, the value's terms): each takes
    ``(anchor, positive, negative)``."""
    configs = []
    # One compile holds every configuration: each norm once with and once without swap
    # (p=2 with swap is the module's).
    for p, swap in ((1.0, False), (1.0, True), (2.0, False), (INF, False), (INF, True)):
        options = dict(p=p, swap=swap, reduction="none")
        configs.append(
            (
                f"triplet p={p} swap={swap}",
                functools.partial(JF.triplet_margin_loss, **options),
                functools.partial(TF.triplet_margin_loss, **options),
                triplet_terms(1.0, p, 1e-6, swap, "none"),
            )
        )
    # eps=0 and integer-valued ties put a triplet exactly at the margin.
    for p in (1.0, INF):
        options = dict(p=p, eps=0.0, margin=1.0, reduction="sum")
        configs.append(
            (
                f"triplet p={p} eps=0 sum",
                functools.partial(JF.triplet_margin_loss, **options),
                functools.partial(TF.triplet_margin_loss, **options),
                triplet_terms(1.0, p, 0.0, False, "sum"),
            )
        )
    configs.append(
        (
            "TripletMarginLoss(margin=0.5, p=2, swap) mean",
            jaxnn.nn.TripletMarginLoss(margin=0.5, swap=True),
            torch.nn.TripletMarginLoss(margin=0.5, swap=True),
            triplet_terms(0.5, 2.0, 1e-6, True, "mean"),
        )
    )
    # A distance adds no signed terms: its own size.
    for p, keepdim in ((2.0, True),):
        configs.append(
            (
                f"pairwise p={p} keepdim={keepdim}",
                lambda a, b, c, p=p, k=keepdim: JF.pairwise_distance(a, b, p, keepdim=k),
                lambda a, b, c, p=p, k=keepdim: TF.pairwise_distance(a, b, p, keepdim=k),
                lambda a, b, c, p=p, k=keepdim: (
                    distance64(a, b, p, 1e-6)[..., None] if k else distance64(a, b, p, 1e-6)
                ),
            )
        )
    configs.append(
        (
            "pairwise p=2 eps=0",
            lambda a, b, c: JF.pairwise_distance(a, c, 2.0, 0.0),
            lambda a, b, c: TF.pairwise_distance(a, c, 2.0, 0.0),
            lambda a, b, c: distance64(a, c, 2.0, 0.0),
        )
    )
    return configs


def cosine_configs():
    """(label, jaxnn function, torch function, margin): each takes ``(x1, x2, target)``."""
    return [
        (
            "cosine margin=0 none",
            lambda a, b, y: JF.cosine_embedding_loss(a, b, y, reduction="none"),
            lambda a, b, y: TF.cosine_embedding_loss(a, b, y, reduction="none"),
            0.0,
        ),
        (
            "cosine margin=-0.5 none",
            lambda a, b, y: JF.cosine_embedding_loss(a, b, y, -0.5, reduction="none"),
            lambda a, b, y: TF.cosine_embedding_loss(a, b, y, -0.5, reduction="none"),
            0.5,
        ),
        (
            "CosineEmbeddingLoss(0.3) mean",
            jaxnn.nn.CosineEmbeddingLoss(0.3),
            torch.nn.CosineEmbeddingLoss(0.3),
            0.3,
        ),
    ]


FAMILIES = {"triplet": triplet_configs, "cosine": cosine_configs}


@functools.cache
def jax_family(family):
    """The family's configurations as one jitted program: each value and its gradient w.r.t.
    the two (cosine) or three (triplet) floating inputs, for given cotangents."""
    configs = FAMILIES[family]()
    n_diff = 2 if family == "cosine" else 3

    @jax.jit
    def run(arrays, cotangents):
        out = {}
        for label, jax_fn, _, _ in configs:
            diff, fixed = arrays[:n_diff], arrays[n_diff:]
            value, vjp = jax.vjp(lambda *xs, f=jax_fn, fixed=fixed: f(*xs, *fixed), *diff)
            out[label] = (value, vjp(cotangents[label].astype(value.dtype)))
        return out

    return configs, run


def torch_side(torch_fn, arrays, n_diff, cotangent_of):
    ts = [torch.tensor(a, requires_grad=i < n_diff) for i, a in enumerate(arrays)]
    value = torch_fn(*ts)
    cot = cotangent_of(tuple(value.shape))
    value.backward(torch.tensor(cot))
    # An input a configuration does not read gets no gradient in torch, zeros in JAX.
    grads = [
        np.zeros_like(a) if t.grad is None else t.grad.numpy()
        for a, t in zip(arrays, ts, strict=True)
    ]
    return value.detach().numpy(), grads[:n_diff], cot


@contextlib.contextmanager
def torch_flushing_subnormals():
    """torch computing as XLA on CPU does: subnormal results and inputs read as 0 (see the
    module docstring); restored afterwards."""
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)


def draw_input(data, mode, kind, label, shape=SHAPE):
    return data.draw(hard_arrays(mode.np, kind, shape=shape), label=label)


def cosine_terms(x1, x2, margin):
    """Per pair: the magnitudes the loss adds up (``1 + |cos| + |margin|``, ``|cos| <= 1``),
    and per element of each input the magnitudes of its gradient's two terms
    (``|x2| / denom + |cos| |x1| / |x1|^2``), in float64."""
    a, b = (np.asarray(x, np.float64) for x in (x1, x2))
    with np.errstate(all="ignore"):
        m1, m2 = (np.sum(x * x, -1, keepdims=True) + 1e-12 for x in (a, b))
        denom = np.sqrt(m1 * m2)
        cos = np.abs(np.sum(np.abs(a * b), -1, keepdims=True)) / denom
        g1 = np.abs(b) / denom + cos * np.abs(a) / m1
        g2 = np.abs(a) / denom + cos * np.abs(b) / m2
    return 2.0 + margin, (g1, g2)


def check(mode, family, arrays, what, cotangent_of):
    """Every configuration of the family on ``arrays``, value and gradients, against torch."""
    configs, run = jax_family(family)
    n_diff = 2 if family == "cosine" else 3
    expected, cots = {}, {}
    with torch_flushing_subnormals():
        for label, _, torch_fn, _ in configs:
            value, grads, cots[label] = torch_side(torch_fn, arrays, n_diff, cotangent_of)
            expected[label] = (value, grads)
    got = run(tuple(jnp.asarray(a) for a in arrays), {k: jnp.asarray(c) for k, c in cots.items()})
    tol = mode.tol()
    for label, _, _, extra in configs:
        value, grads = got[label]
        value_t, grads_t = expected[label]
        name = f"{label} ({what})"
        cot_scale = float(np.max(np.abs(cots[label]), initial=0.0))
        if family == "cosine":
            value_terms, grad_terms = cosine_terms(arrays[0], arrays[1], extra)
            grad_terms = [t * cot_scale for t in grad_terms]
        else:
            value_terms = extra(*arrays)
            # Each element of a p >= 1 norm's gradient is at most 1 in size, and an input
            # enters two norms (swap's third replaces the negative one's where it is less).
            grad_terms = [np.full(g.shape, 2.0 * cot_scale) for g in grads_t]
        assert_close_to_terms(value, value_t, value_terms, tol, name)
        for i, (g, g_t, terms) in enumerate(zip(grads, grads_t, grad_terms, strict=True)):
            assert_close_to_terms(g, g_t, terms, tol, f"gradient {i} of {name}")


def cotangents(data, mode):
    seed = data.draw(st.integers(0, 2**32 - 1), label="cotangent seed")
    return lambda shape: ordinary(lambda _: seed, shape, mode.np)


def targets():
    return hnp.arrays(np.int64, (N,), elements=st.sampled_from((1, -1)))


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_triplet_margin_loss_and_pairwise_distance_on_hard_inputs(mode, kind, data):
    a = draw_input(data, mode, kind, "anchor")
    pos = draw_input(data, mode, kind, "positive")
    neg = draw_input(data, mode, kind, "negative")
    if data.draw(st.booleans(), label="shared rows"):
        # Zero differences, pairs nearby at an offset, and a negative equal to the positive.
        pos[0], neg[1], neg[2] = a[0], a[1], pos[2]
    check(mode, "triplet", (a, pos, neg), kind, cotangents(data, mode))


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_cosine_embedding_loss_on_hard_inputs(mode, kind, data):
    x1 = draw_input(data, mode, kind, "input1")
    x2 = draw_input(data, mode, kind, "input2")
    if data.draw(st.booleans(), label="zero vectors and parallel pairs"):
        x1[0], x2[1] = 0, x1[1]
    y = data.draw(targets(), label="target")
    check(mode, "cosine", (x1, x2, y), kind, cotangents(data, mode))


def unit_cotangent(shape):
    return np.ones(shape)


EDGE_SHAPES = ((1, 4), (0, 4), (3, 1))
# Each takes (anchor, positive, negative, target); cosine compares anchor with negative.
EDGE_CONFIGS = (
    (
        "triplet p=2 swap",
        lambda a, b, c, y: JF.triplet_margin_loss(a, b, c, swap=True),
        lambda a, b, c, y: TF.triplet_margin_loss(a, b, c, swap=True),
    ),
    (
        "cosine mean",
        lambda a, b, c, y: JF.cosine_embedding_loss(a, c, y, 0.2),
        lambda a, b, c, y: TF.cosine_embedding_loss(a, c, y, 0.2),
    ),
)


@jax.jit
def edge_program(cases):
    """Every edge configuration on every edge shape, in one program: value and the gradient
    of its sum w.r.t. the three floating inputs."""
    out = []
    for a, b, c, y in cases:
        for _, jax_fn, _ in EDGE_CONFIGS:
            f = lambda a, b, c, f=jax_fn, y=y: f(a, b, c, y)  # noqa: E731
            out.append((f(a, b, c), jax.grad(lambda *xs, f=f: jnp.sum(f(*xs)), (0, 1, 2))(a, b, c)))
    return out


def test_size_one_and_empty_batches(mode):
    # An empty batch's mean is NaN and its gradients empty, in both; a size-1 embedding.
    rng = np.random.default_rng(0)
    cases = []
    for shape in EDGE_SHAPES:
        a, b, c = (mode.array(rng.normal(size=shape)) for _ in range(3))
        cases.append((a, b, c, np.where(rng.normal(size=shape[0]) > 0, 1, -1)))
    got = iter(edge_program(tuple(tuple(map(jnp.asarray, case)) for case in cases)))
    for case in cases:
        for label, _, torch_fn in EDGE_CONFIGS:
            value, grads = next(got)
            ts = [torch.tensor(x, requires_grad=i < 3) for i, x in enumerate(case)]
            expected = torch_fn(*ts)
            expected.sum().backward()
            name = f"{label} on {case[0].shape}"
            mode.assert_close(value, expected.detach(), name=name)
            for i, (g, t) in enumerate(zip(grads, ts[:3], strict=True)):
                g_t = np.zeros_like(case[i]) if t.grad is None else t.grad
                mode.assert_close(g, g_t, name=f"gradient {i} of {name}")


def test_zero_length_embeddings(mode):
    # D = 0: every distance is 0 (p = 1, 2) and every cosine 0, as in torch; the inf-norm of
    # nothing is refused by both.
    x = mode.array(np.zeros((2, 0)))
    for p in (1.0, 2.0):
        mode.assert_close(
            JF.triplet_margin_loss(x, x, x, p=p),
            TF.triplet_margin_loss(*(torch.tensor(x),) * 3, p=p),
            name=f"p={p}",
        )
    y = np.array([1, -1])
    mode.assert_close(
        JF.cosine_embedding_loss(x, x, y),
        TF.cosine_embedding_loss(torch.tensor(x), torch.tensor(x), torch.tensor(y)),
    )
    with pytest.raises(RuntimeError, match="cannot compute the inf norm"):
        TF.triplet_margin_loss(*(torch.tensor(x),) * 3, p=INF)
    with pytest.raises(ValueError):
        JF.triplet_margin_loss(x, x, x, p=INF)


def test_nan_keeps_torch_value_and_gradient(mode):
    # A NaN in the negative: torch's clamp_min keeps the NaN loss and passes no gradient to
    # it, and its sgn is 0 at NaN, so the p=1 and p=inf gradients of a row with a NaN are 0
    # but for the NaN's own norm (0 / NaN in p=2). The twin gave 0 for the loss, and NaN for
    # the whole row's p=1 / p=inf gradient.
    nan = float("nan")
    a = mode.array([[0.0, 0.0, 1.0, 0.0], [1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    pos = mode.array([[1.0, 0.0, 1.0, 0.0], [1.0, 2.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    neg = mode.array([[nan, 3.0, 0.0, 0.0], [2.0, 2.0, 0.0, 0.0], [2.0, 0.0, 0.0, nan]])
    check(mode, "triplet", (a, pos, neg), "nan in the negative", unit_cotangent)
    # What the comparison above holds the twin to, in torch's own terms.
    t = torch.tensor(neg, requires_grad=True)
    value = TF.triplet_margin_loss(torch.tensor(a), torch.tensor(pos), t, p=1.0, reduction="none")
    value.sum().backward()
    assert torch.isnan(value[[0, 2]]).all() and not torch.isnan(value[1])
    assert float(torch.sign(torch.tensor(nan))) == 0.0 and t.grad[0, 0] == 0


def test_subnormal_intermediate_of_the_cosine_gradient_is_flushed_on_xla_cpu():
    # The platform difference of the module docstring, on the example hypothesis found: the
    # gradient w.r.t. x1[2] passes through g * dot / denom^3 ~ 7.5e-43, subnormal in float32.
    x1 = np.array([[0.0, -1.1589937e-09, 2.4588299e04, 1.9163724e-09]], np.float32)
    x2 = np.array([[-8.9417324e-10, 7.1469824e09, 6.3598073e-17, 9.9489989e-07]], np.float32)
    y = np.array([1])
    g = jax.grad(lambda a: JF.cosine_embedding_loss(a, x2, y, reduction="sum"))(x1)

    def torch_grad():
        t = torch.tensor(x1, requires_grad=True)
        TF.cosine_embedding_loss(t, torch.tensor(x2), torch.tensor(y), reduction="sum").backward()
        return t.grad.numpy()

    kept = torch_grad()
    with torch_flushing_subnormals():
        flushed = torch_grad()
    terms = cosine_terms(x1, x2, 0.0)[1][0]
    assert abs(kept[0, 2]) > 0.99 * terms[0, 2] > 1e-18  # torch keeps the term: ~1.9e-18
    assert abs(float(g[0, 2])) < 1e-6 * terms[0, 2]  # XLA flushed it
    tol = harness.tolerance("float32", "op")
    assert_close_to_terms(g, flushed, terms, tol, "flushed torch against the twin")
