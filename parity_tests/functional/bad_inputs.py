"""Bad inputs to the functional twins: reductions, losses, dropout, softmax, gather, topk,
index_select.

The rows of the bad-input sweep (``parity_tests/bad_input.py``) for ``jaxnn.functional``;
``test_bad_inputs.py`` runs them; ``docs/bad-inputs.md`` lists them.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.experimental import checkify

import jaxnn.functional as F

from ..bad_input import BadInput

BAD_INPUTS: tuple[BadInput, ...] = (
    BadInput(
        "fn-mean-int",
        "functional",
        "took the mean of an integer tensor",
        lambda tmp: F.mean(jnp.arange(3)),
        TypeError,
        "mean(): could not infer output dtype. Input dtype must be either a floating point or "
        "complex dtype. Got: int32",
    ),
    BadInput(
        "fn-cross-entropy-batch",
        "functional",
        "gave cross_entropy 4 rows of logits and 5 labels",
        lambda tmp: F.cross_entropy(jnp.ones((4, 3)), jnp.zeros(5, int)),
        ValueError,
        "got input (4, 3) and target (5,)",
    ),
    BadInput(
        "fn-cross-entropy-scalar",
        "functional",
        "gave cross_entropy a 0-d logit",
        lambda tmp: F.cross_entropy(jnp.array(1.0), jnp.array(0)),
        ValueError,
        "cross_entropy(): input must be (C,), (N, C) or (N, C, d1, ...); got ()",
    ),
    BadInput(
        "fn-cross-entropy-label-range",
        "functional",
        "gave cross_entropy label 3 for 3 classes (outside jit)",
        lambda tmp: F.cross_entropy(jnp.zeros((2, 3)), jnp.array([0, 3])),
        IndexError,
        "cross_entropy(): target 3 is out of bounds for 3 classes",
    ),
    BadInput(
        "fn-cross-entropy-label-range-jit",
        "functional",
        "gave cross_entropy label 3 for 3 classes under jit, in checked mode (checkify)",
        lambda tmp: jax.jit(checkify.checkify(F.cross_entropy))(
            jnp.zeros((2, 3)), jnp.array([0, 3])
        )[0].throw(),
        checkify.JaxRuntimeError,
        "cross_entropy(): target 3 is out of bounds for 3 classes",
    ),
    BadInput(
        "fn-cross-entropy-float-labels",
        "functional",
        "gave cross_entropy float class labels of shape (N,)",
        lambda tmp: F.cross_entropy(jnp.zeros((2, 3)), jnp.array([0.0, 1.0])),
        TypeError,
        "cross_entropy(): target must hold integer class indices; got dtype float32",
    ),
    BadInput(
        "fn-cross-entropy-int-logits",
        "functional",
        "gave cross_entropy integer logits",
        lambda tmp: F.cross_entropy(jnp.zeros((2, 3), int), jnp.array([0, 1])),
        TypeError,
        "cross_entropy(): input must be a floating array of scores; got dtype int32",
    ),
    BadInput(
        "fn-mse-shapes",
        "functional",
        "compared predictions (4, 1) with targets (4,) in mse_loss",
        lambda tmp: F.mse_loss(jnp.zeros((4, 1)), jnp.zeros(4)),
        ValueError,
        "mse_loss(): input shape (4, 1) and target shape (4,) differ",
    ),
    BadInput(
        "fn-dropout-p-negative",
        "functional",
        "called dropout with p=-0.1",
        lambda tmp: F.dropout(jnp.ones(3), p=-0.1),
        ValueError,
        "dropout(): dropout probability has to be between 0 and 1, but got -0.1",
    ),
    BadInput(
        "fn-softmax-dim",
        "functional",
        "took softmax over dim 2 of a 2-D tensor",
        lambda tmp: F.softmax(jnp.zeros((2, 3)), dim=2),
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    BadInput(
        "fn-gather-float-index",
        "functional",
        "gathered with a float index tensor",
        lambda tmp: F.gather(jnp.zeros((2, 3)), 1, jnp.zeros((2, 1))),
        TypeError,
        "gather(): index must be an integer array; got dtype float32",
    ),
    BadInput(
        "fn-topk-k-too-big",
        "functional",
        "asked topk for 5 of 3 values",
        lambda tmp: F.topk(jnp.zeros(3), 5),
        ValueError,
        "topk(): k=5 is out of range for dimension -1 of size 3",
    ),
    BadInput(
        "fn-index-select-2d-index",
        "functional",
        "gave index_select a 2-D index",
        lambda tmp: F.index_select(jnp.zeros((3, 4)), 0, jnp.array([[0, 1]])),
        ValueError,
        "index_select(): index must be 1-D (a vector of positions); got shape (1, 2)",
    ),
    BadInput(
        "fn-index-select-float-index",
        "functional",
        "gave index_select a float index",
        lambda tmp: F.index_select(jnp.zeros((3, 4)), 0, jnp.array([0.0, 1.0])),
        TypeError,
        "index_select(): index must be an integer array; got dtype float32",
    ),
    BadInput(
        "fn-index-select-range",
        "functional",
        "selected row 3 of 3 with index_select (outside jit)",
        lambda tmp: F.index_select(jnp.zeros((3, 4)), 0, jnp.array([0, 3])),
        IndexError,
        "index_select(): index 3 is out of range for dimension 0 with size 3; "
        "expected 0 <= index < 3",
    ),
    BadInput(
        "fn-prod-tuple-dim",
        "functional",
        "took prod over a tuple of dims",
        lambda tmp: F.prod(jnp.ones((2, 3)), dim=(0, 1)),
        TypeError,
        "prod(): dim must be a single int (torch.prod reduces one dimension); got (0, 1)",
    ),
    BadInput(
        "fn-kl-div-reduction",
        "functional",
        "asked kl_div for reduction='avg'",
        lambda tmp: F.kl_div(jnp.zeros((2, 3)), jnp.zeros((2, 3)), reduction="avg"),
        ValueError,
        "kl_div(): reduction must be one of ('none', 'batchmean', 'sum', 'mean'); got 'avg'",
    ),
    BadInput(
        "fn-cosine-embedding-target",
        "functional",
        "labelled a pair 0 for cosine_embedding_loss (targets are 1 or -1)",
        lambda tmp: F.cosine_embedding_loss(jnp.ones((2, 3)), jnp.ones((2, 3)), jnp.array([1, 0])),
        ValueError,
        "cosine_embedding_loss(): target values must be 1 or -1; got 0",
    ),
    BadInput(
        "fn-cosine-embedding-shapes",
        "functional",
        "gave cosine_embedding_loss 3-wide and 2-wide embeddings",
        lambda tmp: F.cosine_embedding_loss(jnp.ones((4, 3)), jnp.ones((4, 2)), jnp.ones(4)),
        ValueError,
        "cosine_embedding_loss(): expected input1 and input2 of one shape (N, D) with target "
        "(N,), or (D,) with (); got input1 (4, 3), input2 (4, 2) and target (4,)",
    ),
    BadInput(
        "fn-triplet-margin-shapes",
        "functional",
        "gave triplet_margin_loss a negative of another shape",
        lambda tmp: F.triplet_margin_loss(jnp.ones((4, 3)), jnp.ones((4, 3)), jnp.ones(3)),
        ValueError,
        "triplet_margin_loss(): anchor, positive and negative must have one shape; got anchor "
        "(4, 3), positive (4, 3), negative (3,)",
    ),
)
