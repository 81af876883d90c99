"""Training in JAX: the pure jitted steps, the ``fit`` loop, its log and metrics.

The twin of ``torch_ref.train``. The JAX-only ways to run many steps, seeds or
devices at once are in ``jaxnn.parallel``.
"""

from jaxnn.train.fit import FitResult as FitResult
from jaxnn.train.fit import Checkpoint as Checkpoint
from jaxnn.train.fit import fit as fit
from jaxnn.train.metrics import compute_accuracy as compute_accuracy
from jaxnn.train.metrics import confusion_matrix as confusion_matrix
from jaxnn.train.metrics import precision_recall_f1 as precision_recall_f1
from jaxnn.train.metrics import PrecisionRecallF1 as PrecisionRecallF1
from jaxnn.train import precision as precision
from jaxnn.train.state import TrainState as TrainState
from jaxnn.train.step import make_eval_step as make_eval_step
from jaxnn.train.step import make_train_step as make_train_step

# The neutral core's log record and errors, the same classes in both twins.
from twincore.nonfinite import NonFiniteGradientError as NonFiniteGradientError
from twincore.nonfinite import NonFiniteLossError as NonFiniteLossError
from twincore.steplog import StepLog as StepLog
from twincore.steplog import notebook_log_line as notebook_log_line
