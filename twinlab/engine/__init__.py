"""The engine: runs an example's recipe or demo in torch, in JAX, or both.

``run_example`` runs one example; ``run_seeds`` trains K initialisations of a
one-model recipe. The JAX side of a run of both starts from torch's initial
parameters, and both sides read the same NumPy data in the same batch order.
"""

from twinlab.engine.example import run_example as run_example
from twinlab.engine.seeds import run_seeds as run_seeds
