"""Background prefetching: the thread behind ``DataLoader(num_workers > 0)``."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any, TypeVar

T = TypeVar("T")

THREAD_NAME = "jaxnn-DataLoader-prefetch"
"""The name of every prefetch thread (a test counts them to catch leaks)."""

_DONE, _ITEM, _ERROR = range(3)
# How long a blocked producer waits before it looks again whether the consumer has gone.
_POLL_SECONDS = 0.05


def prefetch(items: Iterator[T], depth: int) -> Iterator[T]:
    """Yields ``items`` in order while one daemon thread prepares up to ``depth`` ahead.

    The thread runs ``items`` itself, so what is yielded and its order are exactly
    ``items``'s; an exception raised there is raised here, at the item it replaced. Closing
    this generator (a ``break`` out of the loop, or dropping it) stops and joins the thread,
    after the item it is preparing, if any; nothing outlives the loop.

    Args:
      items: an iterator, run only in the thread (closed there at the end, if it is a
        generator).
      depth: how many prepared items may wait (at least 1).

    PyTorch twin: the worker processes of ``DataLoader(num_workers > 0)``, which prepare
    ``num_workers * prefetch_factor`` batches ahead. A thread suffices here: the batches are
    gathered in NumPy and copied by JAX, both of which release the GIL, and no dataset has
    to be pickled into another process.
    """
    waiting: queue.Queue[tuple[int, Any]] = queue.Queue(maxsize=max(int(depth), 1))
    stop = threading.Event()

    def put(entry: tuple[int, Any]) -> bool:
        while not stop.is_set():
            try:
                waiting.put(entry, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((_ITEM, item)):
                    return
            put((_DONE, None))
        except BaseException as error:  # handed to the consumer, raised there
            put((_ERROR, error))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name=THREAD_NAME, daemon=True)
    thread.start()
    try:
        while True:
            kind, value = waiting.get()
            if kind == _DONE:
                return
            if kind == _ERROR:
                raise value
            yield value
    finally:
        stop.set()
        thread.join()
