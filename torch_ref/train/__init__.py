"""Training (torch): the seeds' steps, ``fit`` loop and metrics; twins of ``jaxnn.train``."""

from torch_ref.train.fit import FitResult as FitResult
from torch_ref.train.fit import NonFiniteGradientError as NonFiniteGradientError
from torch_ref.train.fit import NonFiniteLossError as NonFiniteLossError
from torch_ref.train.fit import StepLog as StepLog
from torch_ref.train.fit import fit as fit
from torch_ref.train.fit import seed_log_line as seed_log_line
from torch_ref.train.metrics import compute_accuracy as compute_accuracy
from torch_ref.train.step import eval_step as eval_step
from torch_ref.train.step import train_step as train_step
