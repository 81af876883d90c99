"""Training: the train state, pure jitted steps, the ``fit`` loop and metrics."""

from jaxnn.train.epoch import fit_fused as fit_fused
from jaxnn.train.epoch import make_epoch_step as make_epoch_step
from jaxnn.train.fit import Checkpoint as Checkpoint
from jaxnn.train.fit import FitResult as FitResult
from jaxnn.train.fit import NonFiniteGradientError as NonFiniteGradientError
from jaxnn.train.fit import NonFiniteLossError as NonFiniteLossError
from jaxnn.train.fit import StepLog as StepLog
from jaxnn.train.fit import fit as fit
from jaxnn.train.fit import seed_log_line as seed_log_line
from jaxnn.train.metrics import compute_accuracy as compute_accuracy
from jaxnn.train.state import TrainState as TrainState
from jaxnn.train.step import make_eval_step as make_eval_step
from jaxnn.train.step import make_train_step as make_train_step
from jaxnn.train.multiseed import MultiFitResult as MultiFitResult
from jaxnn.train.multiseed import fit_seeds as fit_seeds
from jaxnn.train.multiseed import make_multi_train_step as make_multi_train_step
from jaxnn.train.multiseed import stack_states as stack_states
from jaxnn.train.multiseed import unstack_state as unstack_state
from jaxnn.train.sharding import ShardedLoader as ShardedLoader
from jaxnn.train.sharding import data_mesh as data_mesh
from jaxnn.train.sharding import make_sharded_train_step as make_sharded_train_step
from jaxnn.train.sharding import replicate as replicate
from jaxnn.train.sharding import shard_batch as shard_batch
