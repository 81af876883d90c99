"""The parity suite: the same computation in torch and in JAX, compared by the harness."""
