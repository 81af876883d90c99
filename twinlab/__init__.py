"""twinlab: the application that runs both twins side by side and reports what they measured.

It stands on top of everything else: ``jaxnn`` (JAX), ``torch_ref`` (PyTorch),
the NumPy-only ``twincore`` under both, and the worked examples
(``jaxnn_examples``). The ``jaxnn`` console command is :func:`twinlab.cli.main`.

- ``twinlab.engine``: runs an example's recipe or demo in torch, in JAX, or both;
  many seeds at once; checkpoints and resume;
- ``twinlab.records``: what a run produced (``metrics.json``);
- ``twinlab.reports``: the side-by-side text, the curves, the HTML report and the
  generated docs tables;
- ``twinlab.parity``: ``jaxnn parity``, the parity suite run with its measurements;
- ``twinlab.bench``: ``jaxnn bench``;
- ``twinlab.cli``: the command itself.
"""
