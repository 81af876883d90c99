"""Mutation check of the parity suite: ``python -m parity_tests.mutants``.

Plants realistic single-line bugs in the JAX side (:data:`.list.MUTANTS`), one at a time in a
temporary copy of the repository, and runs the tests that must catch each one.
"""
