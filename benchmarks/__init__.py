"""Benchmarks: ``python -m benchmarks.bench`` is ``jaxnn bench``."""
