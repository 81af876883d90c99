"""``torch.set_printoptions``: how tensors print (the notebooks call it directly)."""

from __future__ import annotations

import torch


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """``torch.set_printoptions``, unchanged (S4 2146: ``sci_mode=False``).

    JAX twin: ``jaxnn.set_printoptions``, which sets NumPy's print options (JAX arrays
    print through NumPy).
    """
    torch.set_printoptions(
        precision=precision,
        threshold=threshold,
        edgeitems=edgeitems,
        linewidth=linewidth,
        profile=profile,
        sci_mode=sci_mode,
    )


__all__ = ["set_printoptions"]
