"""The framework-neutral core under both twins: NumPy only, never jax or torch.

What ``jaxnn`` (JAX) and ``torch_ref`` (PyTorch) would otherwise each write
again lives here once: the data files and the data both frameworks receive
(``twincore.data``), the samplers' index orders, atomic file writes, safetensors
files of NumPy arrays and the ``CheckpointError`` both twins raise, the step log
and the non-finite errors of ``fit``, and the comparison harness that measures
how far two results are apart (``to_numpy``, ``diff``, ``tolerance``, ``harness``).
"""
