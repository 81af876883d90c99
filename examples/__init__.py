"""The seeds' worked examples, runnable in JAX, in torch, or both side by side.

Each example module defines ``EXAMPLE``, an :class:`examples.runner.Example`.
``jaxnn list`` shows them; ``jaxnn run NAME`` runs one.
"""

from examples import toy_classifier
from examples.runner import Example as Example

EXAMPLES: dict[str, Example] = {ex.name: ex for ex in (toy_classifier.EXAMPLE,)}
