"""Many steps, seeds or devices in one JAX program: the JAX-only ways to train faster.

An epoch fused into one ``lax.scan`` (:func:`fit_fused`), K initialisations vmapped
into one program (:func:`fit_seeds`), and a batch split over a device mesh
(:class:`ShardedLoader`, :func:`make_sharded_train_step`). Each gives the curve of
``jaxnn.train.fit``; torch has no twin of them (its loop is eager), so
``jaxnn/train`` and ``torch_ref/train`` stay file-for-file twins.
"""

from jaxnn.parallel.epoch import fit_fused as fit_fused
from jaxnn.parallel.epoch import make_epoch_step as make_epoch_step
from jaxnn.parallel.multiseed import MultiFitResult as MultiFitResult
from jaxnn.parallel.multiseed import fit_seeds as fit_seeds
from jaxnn.parallel.multiseed import make_multi_train_step as make_multi_train_step
from jaxnn.parallel.multiseed import stack_states as stack_states
from jaxnn.parallel.multiseed import unstack_state as unstack_state
from jaxnn.parallel.sharding import ShardedLoader as ShardedLoader
from jaxnn.parallel.sharding import data_mesh as data_mesh
from jaxnn.parallel.sharding import make_sharded_train_step as make_sharded_train_step
from jaxnn.parallel.sharding import replicate as replicate
from jaxnn.parallel.sharding import shard_batch as shard_batch
