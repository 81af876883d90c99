"""The ``jaxnn`` command's errors: each is reported as one line on stderr, never a traceback.

Exit codes: 2 for a user error (:class:`CLIError`: a bad flag, file or setting), 3 for a run
that diverged (:class:`Diverged`), 1 for a file the run could not write.
"""

from __future__ import annotations

from twincore.nonfinite import NonFiniteGradientError, NonFiniteLossError

EXIT_USAGE = 2
EXIT_DIVERGED = 3
EXIT_WRITE = 1


class CLIError(Exception):
    """A user error: reported as one line on stderr with exit code 2, never a traceback."""


class Diverged(Exception):
    """A side's training met a NaN or infinite loss or gradient and stopped there (exit 3)."""

    def __init__(self, side: str, error: NonFiniteLossError):
        self.side, self.error = side, error
        last = "none" if error.last_finite is None else f"{error.last_finite:.6g}"
        if isinstance(error, NonFiniteGradientError):
            what = f"a non-finite gradient with a finite loss {error.loss:.6g}"
        else:
            what = f"a non-finite loss ({error.loss})"
        super().__init__(
            f"the {side} side diverged at step {error.step} (epoch {error.epoch + 1}, "
            f"batch {error.batch}): {what}; last finite loss {last}. Lower --lr, or pass "
            "--on-nonfinite skip to drop such steps' updates and keep training"
        )
