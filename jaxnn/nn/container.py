"""``nn.Sequential`` twin."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from jaxnn.nn.module import Module


class Sequential(Module):
    """Applies its children in order: ``Sequential(a, b, c)(x) = c(b(a(x)))``.

    Args:
      *modules: the children, named ``"0"``, ``"1"``, ..., or a single
        ``OrderedDict`` mapping names to children.

    Children are stored as attributes under those names, so parameter paths
    are ``0.kernel``, ``2.bias`` (or ``input_layer.kernel``), one-to-one with
    torch's ``0.weight``, ``2.bias``. Supports ``len``, iteration, integer and
    slice indexing (a slice shares the children), and attribute access by name.

    PyTorch twin: ``torch.nn.Sequential``.

    Example:
      >>> rngs = nnx.Rngs(0)
      >>> model = Sequential(Linear(3, 4, rngs=rngs), ReLU(), Linear(4, 1, rngs=rngs))
      >>> model[0].kernel.shape
      (3, 4)
    """

    def __init__(self, *modules: Callable[..., Any] | OrderedDict):
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            items = list(modules[0].items())
        else:
            items = [(str(i), m) for i, m in enumerate(modules)]
        for name, module in items:
            if not callable(module):
                raise TypeError(f"Sequential: child {name!r} is not callable: {module!r}")
            if not isinstance(name, str) or not name or name.startswith("_"):
                raise ValueError(f"Sequential: invalid child name {name!r}")
            setattr(self, name, module)
        self._names = tuple(name for name, _ in items)

    def __call__(self, x, *args, **kwargs):
        for module in self:
            x = module(x, *args, **kwargs) if (args or kwargs) else module(x)
        return x

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[Any]:
        return (getattr(self, name) for name in self._names)

    def __getitem__(self, index: int | slice):
        if isinstance(index, slice):
            names = self._names[index]
            return Sequential(OrderedDict((n, getattr(self, n)) for n in names))
        n = len(self._names)
        if isinstance(index, bool) or not isinstance(index, int) or not -n <= index < n:
            raise IndexError(f"Sequential index {index!r} is out of range for {n} children")
        return getattr(self, self._names[index])

    def named_children(self) -> Iterator[tuple[str, Any]]:
        """``(name, child)`` pairs in order, like torch's ``named_children``."""
        return ((name, getattr(self, name)) for name in self._names)
