"""``docs/glossary.md``: the notebook's glossary (S1 10430-10512), term by term, in JAX."""

import re

from ..checkout import CHECKOUT, needs_checkout

pytestmark = needs_checkout

TERMS = (
    "Activation Functions", "Adam Optimizer", "Argmax", "Autograd", "Backward Pass",
    "Bias Parameters", "Computation Graph", "Device Management", "Dimension Arguments",
    "Dropout", "Embedding", "Epochs", "Feed-Forward Networks", "Forward Pass",
    "GeLU (Gaussian Error Linear Unit)", "Gradient Attributes", "Gradient Descent",
    "LayerNorm (Layer Normalization)", "Learning Rate", "Linear Regression", "Logits",
    "Loss Functions", "loss.backward()", "Matrix Multiplication", "nn.Module",
    "optimizer.step()", "optimizer.zero_grad()", "Parameters", "Reduction Operations",
    "ReLU (Rectified Linear Unit)", "requires_grad", "Shape", "Softmax", "torch.gather",
    "torch.tensor", "Training Loop", "Weights", "Y-hat (ŷ)",
)  # fmt: skip
"""The glossary's terms, in the notebook's order."""


def test_glossary_maps_each_of_the_notebooks_38_terms_to_a_test():
    text = (CHECKOUT / "docs" / "glossary.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ")][2:]  # no header
    assert len(TERMS) == 38
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == list(TERMS)
    for row in rows:
        twin, test = row.split(" | ")[1], row.split(" | ")[-1]
        assert twin.strip() not in ("", "—"), f"no JAX counterpart in {row[:40]!r}"
        assert re.fullmatch(r"`parity_tests/[\w/]+\.py::test_\w+` \|", test), row[:40]
