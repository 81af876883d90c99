"""FLOPs are a count (inventory §1.24, S4 1976-1987): a (m, n) @ (n, p) matmul does m·p dot
products of n multiply-adds, 2·m·n·p FLOPs. torch's ``FlopCounterMode`` counts them as it runs;
``twinlab.bench.costs.flops`` reads XLA's cost analysis of the compiled program, which
``jaxnn bench`` reports per training step."""

import jax
import jax.numpy as jnp
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from twinlab.bench import costs


@pytest.mark.parametrize("m, n, p", [(16, 32, 8), (5, 7, 3)])
def test_flops_of_a_matmul_is_two_m_n_p(m, n, p):
    with FlopCounterMode(display=False) as counter:
        torch.ones(m, n) @ torch.ones(n, p)
    a, b = jnp.ones((m, n), jnp.float32), jnp.ones((n, p), jnp.float32)
    compiled = jax.jit(jnp.matmul).lower(a, b).compile()
    assert counter.get_total_flops() == 2 * m * n * p
    assert costs.flops(compiled) == 2 * m * n * p
