"""Training in torch: the notebooks' steps, the ``fit`` loop, its log and metrics.

The twin of ``jaxnn.train``.
"""

from torch_ref.train.fit import FitResult as FitResult
from torch_ref.train.fit import fit as fit
from torch_ref.train.metrics import compute_accuracy as compute_accuracy
from torch_ref.train.metrics import confusion_matrix as confusion_matrix
from torch_ref.train.metrics import precision_recall_f1 as precision_recall_f1
from torch_ref.train.metrics import PrecisionRecallF1 as PrecisionRecallF1
from torch_ref.train import precision as precision
from torch_ref.train.step import eval_step as eval_step
from torch_ref.train.step import train_step as train_step

# The neutral core's log record and errors, the same classes in both twins.
from twincore.nonfinite import NonFiniteGradientError as NonFiniteGradientError
from twincore.nonfinite import NonFiniteLossError as NonFiniteLossError
from twincore.steplog import StepLog as StepLog
from twincore.steplog import notebook_log_line as notebook_log_line
