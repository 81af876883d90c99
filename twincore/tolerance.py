"""Tolerances: how close two frameworks' results must be, each with the reason why.

The one place that owns them: every parity test, lesson and report reads its
tolerance from :func:`tolerance` (by dtype and kind) or :func:`printed`, and
never carries a magic number of its own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    """``|actual - expected| <= atol + rtol * |expected|``, element-wise, with the reason."""

    rtol: float
    atol: float
    why: str
    # What the tolerance is for, filled by tolerance() and printed(); read only by the
    # measurement records (twincore.recording), never by the comparison itself.
    kind: str = ""
    dtype: str = ""

    def __str__(self) -> str:
        return f"rtol={self.rtol:g}, atol={self.atol:g}"


# (dtype, kind) -> tolerance. Kinds:
#   "op":    one forward value or one gradient;
#   "curve": a training trajectory (losses and parameters over steps; in
#            float32 only its first 20 steps are compared this tightly);
#   "metric": the final metrics of a whole training run (loss, accuracy, parameters);
#   "offset": a normalisation of inputs far from zero, against the size of the terms it
#            cancels (see ``scaled``).
TOLERANCES: dict[tuple[str, str], Tolerance] = {
    ("float64", "op"): Tolerance(
        1e-10,
        1e-12,
        "float64 is the algorithm check: the same math in another library differs only "
        "by summation order, ~1e-16 relative; atol covers values that cancel to ~0",
    ),
    ("float64", "curve"): Tolerance(
        1e-10,
        1e-12,
        "float64 trajectories stay within ~1e-15 over hundreds of SGD steps; 1e-10 is "
        "the project's contract for whole curves",
    ),
    ("float32", "op"): Tolerance(
        1e-5,
        1e-6,
        "float32 eps is 1.2e-7; MKL/oneDNN and XLA:CPU/Eigen sum dot products in "
        "different orders, giving ~1e-6 relative on reductions of a few thousand terms; "
        "atol for outputs that cancel to ~0 from O(1) inputs",
    ),
    ("float32", "curve"): Tolerance(
        1e-4,
        1e-5,
        "per-step float32 differences (~1e-6) compound through the updates; measured "
        "drift is ~1e-5 after 20 steps and 1.8e-4 after 300 SGD-momentum steps",
    ),
    ("float32", "metric"): Tolerance(
        1e-3,
        1e-4,
        "a float32 run's final metric (loss, parameters) after hundreds of steps: the "
        "per-step differences compound (measured 1.8e-4 relative after 300 SGD-momentum "
        "steps); the margin leaves 5x headroom",
    ),
    ("float64", "member"): Tolerance(
        1e-12,
        1e-14,
        "the same computation run two ways in JAX (a vmapped multi-seed member against its "
        "own single run, fit's fused blocks against its per-step loop): the same kernels on "
        "the same batches, compiled into another program; the contract is 1e-12 (measured "
        "~1e-16)",
    ),
    ("float32", "member"): Tolerance(
        1e-4,
        1e-5,
        "a vmapped float32 member against its own run, or fused blocks against single "
        "steps: another program may sum in another order, compounding like a curve (the "
        "float32 curve tolerance)",
    ),
    # Offset inputs (a mean far from zero, unit spread): normalisation subtracts terms of size
    # |x| / std from each other, so any float32 implementation, torch against itself on
    # another CPU included, rounds at that size. Compared with ``scaled`` against those
    # terms (atol = rtol * their largest magnitude), not against the O(1) result.
    ("float64", "offset"): Tolerance(
        1e-14,
        1e-12,
        "the error of a two-pass normalisation relative to the terms it cancels: measured "
        "4.3e-16 (2 ulp) between jaxnn and torch on LayerNorm at means +-1e3..1e4, values, "
        "input and parameter gradients; a one-pass variance E[x^2]-E[x]^2 is 2e-11 off",
    ),
    ("float32", "offset"): Tolerance(
        1e-5,
        1e-6,
        "the same measure in float32: jaxnn and torch (float32 Welford on CPU) differ by up "
        "to 1.3e-7 (1 ulp) of the cancelled terms, as far as each is from float64; the "
        "float32 op tolerance, so element-wise it is never tighter than that. A one-pass "
        "variance is 0.2 off",
    ),
    ("float64", "metric"): Tolerance(
        1e-10, 1e-12, "float64 runs agree to ~1e-15 relative, whole runs included"
    ),
    # Mixed precision (twincore.precision): float32 parameters, linear/conv in a 16-bit
    # type, the loss in float32. Both frameworks round each layer's float32 sum once to the
    # 16-bit type, so they agree bit for bit except where the two float32 sums land on
    # opposite sides of a rounding boundary: one 16-bit ulp at that element, which the next
    # layers carry into the gradients. Compared with ``scaled`` (atol = rtol * the tensor's
    # largest magnitude): a flipped rounding moves an element by an ulp of its own size,
    # which is large relative to the small elements a gradient sums it into.
    ("bf16-mixed", "op"): Tolerance(
        8e-3,
        1e-6,
        "bfloat16 keeps 8 significant bits: unit roundoff 2^-8 = 3.9e-3 per op, an ulp "
        "2^-7 = 7.8e-3. Measured (MNIST 784-256-128-10, batches of 64 digits, 3 seeds): "
        "outputs and gradients differ by at most 1.6e-3 of the tensor's largest element, "
        "the loss by 2e-7 relative; 8e-3 (one ulp) leaves 5x headroom",
    ),
    ("bf16-mixed", "curve"): Tolerance(
        2e-3,
        1e-5,
        "a bfloat16 rounding flip in one step moves the next steps' parameters apart and "
        "the gap compounds: measured after 25 SGD-momentum steps of the MNIST MLP 2.1e-4 "
        "of each tensor's largest element (losses 1.8e-5 relative), 3.4e-3 after 50; for "
        "the first 25 steps, with 10x headroom",
    ),
    ("fp16-mixed", "op"): Tolerance(
        4e-3,
        1e-6,
        "float16 keeps 11 significant bits (ulp 2^-10 = 9.8e-4), but its gradients near "
        "the subnormal range keep fewer. Measured (MNIST 784-256-128-10, 3 seeds): outputs "
        "differ by at most 3.7e-4 and gradients by 8.2e-4 of the tensor's largest element; "
        "4e-3 leaves 5x headroom",
    ),
    ("fp16-mixed", "curve"): Tolerance(
        5e-3,
        1e-5,
        "float16 with loss scaling: measured after 25 SGD-momentum steps of the MNIST MLP "
        "5.1e-4 of each tensor's largest element (losses 9.4e-6 relative), 3.6e-3 after "
        "50; for the first 25 steps, with 10x headroom",
    ),
}
TOLERANCES = {
    (dtype, kind): dataclasses.replace(tol, kind=kind, dtype=dtype)
    for (dtype, kind), tol in TOLERANCES.items()
}


# Significance level for distribution checks (Kolmogorov-Smirnov) of random draws, which
# never match across frameworks. Seeds are fixed, so each test is deterministic; a correct
# distribution passes at any seed with probability 1 - 1e-6, while a wrong family, scale or
# bound is still rejected at the few thousand draws the tests use.
STATISTICAL_ALPHA = 1e-6


def scaled(tol: Tolerance, expected: Any) -> Tolerance:
    """``tol`` with its ``atol`` raised to ``rtol * max |expected|`` when that is larger.

    For an input gradient that mixes every element with every other (attention's
    softmax): each element is a sum of terms as large as the tensor's largest entry, so
    one that cancels to a small value carries float32 rounding of that size, not of its
    own. Measured on ``SelfAttention(64)`` at float32 (input gradient up to 18): torch's
    and JAX's errors against float64 are both ~5e-6 absolute at elements near 0.01,
    and their difference is the same size; an element-wise ``rtol`` would call that a
    mismatch. A no-op for tensors of scale ~1.
    """
    scale = (
        float(np.max(np.abs(np.asarray(expected, dtype=np.float64)))) if np.size(expected) else 0.0
    )
    return dataclasses.replace(tol, atol=max(tol.atol, tol.rtol * scale))


def tolerance(dtype: str, kind: str = "op") -> Tolerance:
    """The tolerance for comparing ``dtype`` results of the given kind."""
    try:
        return TOLERANCES[(dtype, kind)]
    except KeyError:
        known = ", ".join(f"{d}/{k}" for d, k in TOLERANCES)
        raise KeyError(f"no tolerance for {dtype}/{kind}; known: {known}") from None


def printed(decimals: int) -> Tolerance:
    """Tolerance for a value the notebook printed rounded to ``decimals`` places.

    The printed digits only pin the true value to within half a unit of the
    last place; float32 rounding of the computation is far below that.
    """
    return Tolerance(
        0.0,
        0.5 * 10.0**-decimals * (1 + 1e-6),
        f"the notebook printed {decimals} decimals, which pin the value to +-half a unit "
        "in the last place",
        kind="printed",
    )
