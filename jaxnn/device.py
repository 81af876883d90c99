"""Device management and timing: the JAX twin of the notebooks' ``torch.device`` patterns.

JAX has no ``device`` attribute to set on a tensor and no MPS backend: arrays live on the
devices of their sharding, :func:`jax.device_put` places them, and dispatch is
asynchronous, so timing needs ``block_until_ready()`` where torch needs
``torch.cuda.synchronize()``.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from jaxnn.config import require_dtype
from twincore.matmul_timing import check_timing_args, matmul_inputs, timing_record

# torch spells the NVIDIA platform "cuda"; JAX accepts "cuda", "rocm" and the
# generic "gpu". MPS has no JAX backend at all.
_PLATFORM_ALIASES = {"cuda": "cuda", "gpu": "gpu", "rocm": "rocm", "cpu": "cpu", "tpu": "tpu"}


class DeviceInfo(NamedTuple):
    """One available device.

    Attributes:
      name: ``"<type>:<index>"`` (``"cpu:0"``, ``"gpu:0"``), accepted by :func:`to_device`.
      type: the platform (``"cpu"``, ``"gpu"``, ``"tpu"``), torch's ``device.type``.
      index: the position in ``jax.devices(type)``, torch's ``device.index``.
      kind: a description of the hardware (``device.device_kind``, e.g.
        ``"NVIDIA H100 80GB HBM3"`` or ``"cpu"``).
    """

    name: str
    type: str
    index: int | None
    kind: str


def default_device() -> jax.Device:
    """The device JAX places new arrays on: ``jax.devices()[0]``.

    Returns:
      The first device of the default backend (GPU or TPU when one is
      installed and visible, else the CPU).

    PyTorch twin: ``torch.device("cuda" if torch.cuda.is_available() else "cpu")``
    (with an MPS fallback). torch always creates tensors on the CPU unless told
    otherwise; JAX creates them on the default device directly, so
    ``x.to(device)`` after creation is usually unnecessary in JAX.
    """
    return jax.devices()[0]


def list_devices() -> list[DeviceInfo]:
    """Every device JAX can use: the default backend's first, then the CPU's.

    Returns:
      A list of :class:`DeviceInfo`; ``list_devices()[0]`` describes
      :func:`default_device`. The host CPU is always listed.

    PyTorch twin: ``torch.cuda.device_count()``, ``torch.cuda.get_device_name(i)``
    and ``torch.backends.mps.is_available()`` together. JAX lists CPU devices
    per process (one by default; ``jax_num_cpu_devices`` makes more).
    """
    platforms = [jax.default_backend()] + (["cpu"] if jax.default_backend() != "cpu" else [])
    return [
        DeviceInfo(f"{d.platform}:{i}", d.platform, i, d.device_kind)
        for platform in platforms
        for i, d in enumerate(jax.devices(platform))
    ]


def _available() -> str:
    return ", ".join(info.name for info in list_devices())


def _as_string(device: Any) -> str:
    """A torch-style device object (``DeviceInfo``, ``torch.device``: ``.type`` and
    ``.index``) as the string naming it."""
    kind, index = getattr(device, "type", None), getattr(device, "index", None)
    if not isinstance(kind, str) or not (index is None or isinstance(index, int)):
        raise TypeError(
            "device must be a jax.Device, a string such as 'cpu' or 'cuda:0', an object with "
            f"torch's .type and .index (jaxnn.device.DeviceInfo, torch.device) or None; got "
            f"{type(device).__name__}"
        )
    return kind if index is None else f"{kind}:{index}"


def resolve(device: Any = None) -> jax.Device:
    """The ``jax.Device`` that a torch-style ``device`` argument names.

    Args:
      device: None (the :func:`default_device`), a ``jax.Device``, a string (``"cpu"``,
        ``"cuda"``, ``"cuda:0"``, ``"gpu"``, ``"tpu"``; ``"cuda"`` and ``"gpu"`` both name
        JAX's GPU platform) or an object with torch's ``.type`` and ``.index``
        (:class:`DeviceInfo`, a ``torch.device``).

    Raises:
      ValueError: ``"mps"``, or a string that names no device type.
      RuntimeError: a platform JAX has no device of, or an index past the last one; the
        message lists the devices there are.
      TypeError: any other kind of object.

    PyTorch twin: what ``torch.device(device)`` accepts; torch raises RuntimeError for a
    CUDA device on a machine without one, as here.
    """
    if device is None:
        return default_device()
    if isinstance(device, jax.Device):
        return device
    if not isinstance(device, str):
        device = _as_string(device)
    platform, _, index = device.partition(":")
    if platform == "mps":
        raise ValueError("JAX has no MPS backend; use 'cpu' (or jax-metal, unsupported here)")
    if platform not in _PLATFORM_ALIASES or (index and not index.isdigit()):
        raise ValueError(f"expected a device string like 'cpu', 'cuda:0' or 'tpu'; got {device!r}")
    try:
        candidates = jax.devices(_PLATFORM_ALIASES[platform])
    except RuntimeError as e:
        raise RuntimeError(
            f"no {platform!r} device is available to JAX; the devices are: {_available()}"
        ) from e
    i = int(index) if index else 0
    if i >= len(candidates):
        raise RuntimeError(
            f"{device!r}: JAX sees only {len(candidates)} {platform} device(s); the devices "
            f"are: {_available()}"
        )
    return candidates[i]


def to_device(x: Any, device: Any = None) -> Any:
    """Places ``x`` on ``device`` and commits it there.

    Args:
      x: an array, NumPy array, Python scalar or any pytree of them.
      device: a ``jax.Device``, a torch-style string (``"cpu"``, ``"cuda:1"``;
        ``"gpu"`` and ``"tpu"`` also work), a :class:`DeviceInfo` or ``torch.device``,
        or None for :func:`default_device` (see :func:`resolve`).

    Returns:
      ``jax.device_put(x, device)``: committed arrays, which later operations
      never move implicitly.

    PyTorch twin: ``x.to(device)``. torch returns the same tensor object when it
    is already there; JAX returns a new ``jax.Array`` object (sharing the
    buffer; arrays are immutable, so identity never matters). An array made
    without an explicit device is *uncommitted* and follows its operands.
    """
    return jax.device_put(x, resolve(device))


to = to_device
"""``jaxnn.device.to(x, device)``: the twin of ``x.to(device)``; see :func:`to_device`."""


def safe_add(tensor1: Any, tensor2: Any) -> jax.Array:
    """``tensor1 + tensor2``, first moving ``tensor2`` to ``tensor1``'s device.

    Args:
      tensor1: the array whose device wins (a ``jax.Array`` on one device).
      tensor2: the other operand; anything ``jnp.asarray`` accepts.

    Returns:
      The sum, on ``tensor1``'s device.

    Raises:
      ValueError: if ``tensor1`` is sharded over several devices (reshard
        ``tensor2`` with ``jax.device_put(tensor2, tensor1.sharding)`` instead).

    PyTorch twin: the notebook's ``safe_add`` helper, which calls
    ``tensor2.to(tensor1.device)``. JAX already moves *uncommitted* operands on
    its own; the helper matters for committed arrays on different devices,
    which raise "incompatible devices" instead of being moved.
    """
    a, b = jnp.asarray(tensor1), jnp.asarray(tensor2)
    if len(a.devices()) != 1:
        raise ValueError(
            f"safe_add: tensor1 spans {len(a.devices())} devices; reshard tensor2 with "
            "jax.device_put(tensor2, tensor1.sharding)"
        )
    if b.devices() != a.devices():
        b = jax.device_put(b, next(iter(a.devices())))
    return a + b


same_device_add = safe_add


def time_matmul(
    n: int,
    device: jax.Device | str | None = None,
    repeats: int = 3,
    warmup: int = 1,
    *,
    dtype: str = "float32",
    seed: int = 0,
) -> dict[str, Any]:
    """Times an ``n x n`` matmul on one device: warm-up, then the median of ``repeats``.

    ``2 n^3`` floating-point operations (``n^2`` dot products of length ``n``,
    a multiply and an add each); GFLOP/s = ``2 n^3 / seconds / 1e9``.

    Args:
      n: matrix size (the notebook uses 5000).
      device: where to run (see :func:`to_device`); None for the default device.
      repeats: timed runs; the median is reported (robust to one slow run).
      warmup: untimed runs first. The first call of a jitted function compiles
        it, so ``warmup=0`` times compilation too, the notebook's CPU-side mistake.
      dtype: ``"float32"`` or ``"float64"`` (float64 needs 64-bit JAX types,
        else RuntimeError).
      seed: the inputs are ``a, b = np.random.default_rng(seed).standard_normal((2, n, n))``
        cast to ``dtype``, made on the host and placed before timing starts,
        so the torch twin multiplies the same matrices.

    Returns:
      ``{"framework": "jax", "device", "n", "dtype", "seconds" (median),
      "times" (every timed run), "flops", "gflops", "result"}``; ``result`` is
      the last product, a ``jax.Array`` on ``device``.

    PyTorch twin: ``torch_ref.device.time_matmul``, which synchronizes with
    ``torch.cuda.synchronize()``. JAX returns from dispatch before the work is
    done, so each timed run ends with ``block_until_ready()``; without it one
    times only the launch.
    """
    check_timing_args(n, repeats, warmup)
    require_dtype(dtype)  # float64 without 64-bit types would silently run in float32
    dev = resolve(device)
    a_np, b_np = matmul_inputs(n, dtype, seed)
    a, b = jax.device_put((a_np, b_np), dev)
    matmul = jax.jit(jnp.matmul)
    result = None
    for _ in range(warmup):
        result = matmul(a, b).block_until_ready()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = matmul(a, b).block_until_ready()
        times.append(time.perf_counter() - start)
    return timing_record("jax", str(dev), n, dtype, times, result)
