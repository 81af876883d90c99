"""``jaxnn bench``: training throughput, torch eager against jaxnn and a hand-written JAX floor."""
