"""The errors both twins' ``fit`` raise when a step's loss or gradient is NaN or infinite."""

from __future__ import annotations


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN or infinite loss; names the step and the last finite loss."""

    def __init__(self, step: int, epoch: int, batch: int, loss: float, last_finite: float | None):
        self.step, self.epoch, self.batch = step, epoch, batch
        self.loss, self.last_finite = loss, last_finite
        last = "none" if last_finite is None else f"{last_finite:.6g}"
        super().__init__(
            f"non-finite loss {loss} at step {step} (epoch {epoch + 1}, batch {batch}); "
            f"last finite loss: {last}. Lower the learning rate, check the data for NaN/inf, "
            "or pass on_nonfinite='skip' (drop such updates) or 'continue' to keep going. "
            f"The model holds the parameters from before this step's update (after {step} "
            "good updates)"
        )


class NonFiniteGradientError(NonFiniteLossError):
    """A finite loss with a NaN or infinite gradient (e.g. ``sqrt`` at 0); names the step."""

    def __init__(self, step: int, epoch: int, batch: int, loss: float, last_finite: float | None):
        FloatingPointError.__init__(
            self,
            f"non-finite gradient at step {step} (epoch {epoch + 1}, batch {batch}) with a "
            f"finite loss {loss:.6g}. Check the model for operations whose derivative is "
            "infinite at the current values (sqrt or log at 0), or pass on_nonfinite='skip' "
            "(drop such updates) or 'continue' to keep going. The model holds the parameters "
            f"from before this step's update (after {step} good updates)",
        )
        self.step, self.epoch, self.batch = step, epoch, batch
        self.loss, self.last_finite = loss, last_finite
