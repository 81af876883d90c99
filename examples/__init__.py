"""The seeds' worked examples, runnable in JAX, in torch, or both side by side.

Each example module defines one or more :class:`examples.runner.Example`
objects; ``EXAMPLES`` lists them in the inventory's order (E01-E61).
``jaxnn list`` shows them; ``jaxnn run NAME`` runs one.
"""

from examples import linear_regression, toy_classifier
from examples.runner import Example as Example

EXAMPLES: dict[str, Example] = {
    ex.name: ex
    for ex in (
        linear_regression.LINE_Y2X,  # E05
        toy_classifier.EXAMPLE,  # E18
        linear_regression.TRUE_WEIGHTS,  # E28
        linear_regression.REGRESSION_MODEL,  # E37
    )
}
