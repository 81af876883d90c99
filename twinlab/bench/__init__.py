"""``jaxnn bench``: training throughput of the notebooks' models, torch eager against JAX.

For each model (toy classifier, MNIST MLP, CNN, LSTM) and batch size, five ways of training
the same model on the same batches with plain SGD:

``torch``
    torch eager, the notebooks' ``zero_grad -> forward -> loss -> backward -> step`` loop.
``jaxnn-step``
    ``jaxnn.train.make_train_step`` called once per batch (one dispatch per step).
``jaxnn-converted``
    the same step on ``jaxnn.interop.from_torch`` of the torch model (holding the
    hand-written twin's initial parameters): what converting a model instead of writing its
    twin costs per step (the ``converted_vs_step`` target: within 10%).
``jaxnn-fused``
    ``jaxnn.parallel.make_epoch_step``: the steps of a repeat as one ``lax.scan`` program
    over data already on the device.
``jax-floor``
    a minimal hand-written JAX/optax step (``value_and_grad`` + ``optax.sgd``, jitted,
    donated), called once per batch: what any JAX loop pays, the floor ``jaxnn-step`` is
    measured against.

Every variant trains on device-resident batches; data loading is measured on its own
(``jaxnn.data.DataLoader`` batches per second, host-gathered and ``on_device``, against the
steps per second ``jaxnn-step`` consumes). torch runs first, in a process of its own that
never imports JAX (:mod:`twinlab.bench.torch_worker`), and sizes each cell: a repeat is S
steps, S chosen so a torch repeat takes about ``--seconds``; the JAX variants then run the
same S steps on the same batches, their repeats taken round robin so a noisy neighbour
slows each alike. Steps/s is S over the median of ``--repeats`` timed repeats after one
warm-up. The JAX variants must end with the same parameters (``param_diff_rel``: the same
work). Every model's ``jaxnn-fused`` row runs, the CNN's on CPU too (its convolutions run
there as patches and a matmul, as fast in a loop body as outside one; docs/performance.md).

The real-size section (:mod:`twinlab.bench.real_size`; ``--no-real-size`` leaves it out) runs
whole ``jaxnn run`` jobs, E14 for 5 epochs and the seeds' CNN for one, on MNIST-sized IDX files
(``--data-dir``, or 60,000 + 10,000 generated images), torch and JAX each in a process of its
own, and compares their wall times from outside: start-up and data loading included.

Compile time is ``lower().compile()`` of the jitted program; FLOPs per step come from XLA's
cost analysis of the jaxnn step (torch's step does the same math); the matmul peak is the
best of ``jnp.dot`` and ``torch.mm`` on square matrices of the benchmark's dtype. Memory:
the allocator's high-water mark where the device reports one (GPUs), else XLA's memory
analysis of the compiled program (arguments + outputs + temporaries); CPU torch keeps no
allocator statistics.

Usage::

    jaxnn bench                       # the full table (minutes on a 2-core CPU)
    jaxnn bench --json build/bench.json
    jaxnn bench --data-dir data/MNIST/raw   # the real-size section on MNIST's own files
    python -m twinlab.bench --models toy --batch-sizes 2 --repeats 5

The modules: ``models`` (the specs and their batches), ``timing`` (repeats, sizing),
``torch_worker`` (the torch process), ``jax_runners`` and ``costs`` (the JAX variants and
what XLA says they cost), ``matmul_peak``, ``loader``, ``seeds`` and ``real_size`` (the
three extra sections), ``rows``, ``targets``, ``table``, ``device``, ``run`` (:func:`run_bench`) and
``command`` (the flags); ``profile_step`` splits one jaxnn step's time against the floor.
"""
