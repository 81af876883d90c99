"""Device management and timing: the notebooks' ``torch.device`` patterns.

Twin of ``jaxnn.device``. Every accelerator query is guarded, so the module imports and
runs on CPU-only builds of torch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NamedTuple

import torch

from torch_ref.config import check_dtype
from twincore.matmul_timing import check_timing_args, matmul_inputs, timing_record


class DeviceInfo(NamedTuple):
    """One available device.

    Attributes:
      name: ``str(torch.device)`` (``"cuda:0"``, ``"mps"``, ``"cpu"``).
      type: ``device.type`` (``"cuda"``, ``"mps"``, ``"cpu"``).
      index: ``device.index`` (None for the CPU and MPS).
      kind: a description of the hardware (``torch.cuda.get_device_name(i)``,
        or ``"mps"`` / ``"cpu"``).
    """

    name: str
    type: str
    index: int | None
    kind: str


def _cuda_available() -> bool:
    try:
        return torch.cuda.is_available()
    except Exception:  # a broken driver install must not break CPU users
        return False


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    try:
        return bool(mps is not None and mps.is_available())
    except Exception:
        return False


def default_device() -> torch.device:
    """The notebooks' pick: ``cuda`` if available, else ``mps`` if available, else ``cpu``.

    Returns:
      A ``torch.device``. Tensors are still created on the CPU unless moved
      (``.to(device)``) or created with ``device=``.

    JAX twin: ``jaxnn.device.default_device()`` (``jax.devices()[0]``), where
    new arrays land on the default device directly and there is no MPS.
    """
    if _cuda_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def list_devices() -> list[DeviceInfo]:
    """Every device torch can use: accelerators first, the CPU last.

    Returns:
      A list of :class:`DeviceInfo`; ``list_devices()[0]`` describes
      :func:`default_device` (``cuda:0`` when CUDA is available).

    JAX twin: ``jaxnn.device.list_devices()`` (``jax.devices()``).
    """
    infos = []
    if _cuda_available():
        for i in range(torch.cuda.device_count()):
            infos.append(DeviceInfo(f"cuda:{i}", "cuda", i, torch.cuda.get_device_name(i)))
    if _mps_available():
        infos.append(DeviceInfo("mps", "mps", None, "mps"))
    infos.append(DeviceInfo("cpu", "cpu", None, "cpu"))
    return infos


def resolve(device: Any = None) -> torch.device:
    """The ``torch.device`` that ``device`` names: None is :func:`default_device`, an object
    with ``.type`` and ``.index`` (a :class:`DeviceInfo`, either twin's) that device, anything
    else ``torch.device(device)``.

    JAX twin: ``jaxnn.device.resolve``, which returns a ``jax.Device`` and also accepts
    ``"gpu"`` and ``"tpu"``.
    """
    if device is None:
        return default_device()
    if isinstance(device, (str, torch.device)):
        return torch.device(device)
    kind, index = getattr(device, "type", None), getattr(device, "index", None)
    if isinstance(kind, str):
        return torch.device(kind) if index is None else torch.device(kind, index)
    return torch.device(device)


def to_device(x: Any, device: torch.device | str | None = None) -> Any:
    """``x.to(device)``: moves a tensor (or module) to ``device``.

    Args:
      x: a tensor or an ``nn.Module``.
      device: a ``torch.device`` or string (``"cpu"``, ``"cuda:0"``, ``"mps"``);
        None for :func:`default_device`.

    Returns:
      The same tensor when it is already on ``device``, otherwise a copy there
      (a module is moved in place and returned).

    JAX twin: ``jaxnn.device.to_device`` (``jax.device_put``), which always
    returns a new, *committed* array object.
    """
    return x.to(default_device() if device is None else device)


to = to_device
"""``torch_ref.device.to(x, device)``: ``x.to(device)``; see :func:`to_device`."""


def safe_add(tensor1: torch.Tensor, tensor2: torch.Tensor) -> torch.Tensor:
    """``tensor1 + tensor2``, first moving ``tensor2`` to ``tensor1``'s device.

    Args:
      tensor1: the tensor whose device wins.
      tensor2: the other operand.

    Returns:
      The sum, on ``tensor1.device``. Without the move, mixing devices raises
      ``RuntimeError: Expected all tensors to be on the same device``.

    JAX twin: ``jaxnn.device.safe_add``; JAX moves uncommitted arrays by itself
    and raises only for committed arrays on different devices.
    """
    if tensor1.device != tensor2.device:
        tensor2 = tensor2.to(tensor1.device)
    return tensor1 + tensor2


same_device_add = safe_add


def _synchronizer(device: torch.device) -> Callable[[], None]:
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    if device.type == "mps":
        return torch.mps.synchronize
    return lambda: None  # CPU kernels return when done


def time_matmul(
    n: int,
    device: torch.device | str | None = None,
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
      device: where to run; None for :func:`default_device`.
      repeats: timed runs; the median is reported (robust to one slow run).
      warmup: untimed runs first (CUDA context and cuBLAS handle creation,
        kernel selection). The notebook warms up the GPU but not the CPU.
      dtype: ``"float32"`` or ``"float64"``.
      seed: the inputs are ``a, b = np.random.default_rng(seed).standard_normal((2, n, n))``
        cast to ``dtype``, made on the host and moved before timing starts,
        so the JAX twin multiplies the same matrices.

    Returns:
      ``{"framework": "torch", "device", "n", "dtype", "seconds" (median),
      "times" (every timed run), "flops", "gflops", "result"}``; ``result`` is
      the last product, a tensor on ``device``.

    JAX twin: ``jaxnn.device.time_matmul``, which ends each run with
    ``block_until_ready()``. CUDA kernels launch asynchronously, so each timed
    run here ends with ``torch.cuda.synchronize()``.
    """
    check_timing_args(n, repeats, warmup)
    check_dtype(dtype)
    dev = torch.device(default_device() if device is None else device)
    a, b = (torch.from_numpy(m).to(dev) for m in matmul_inputs(n, dtype, seed))
    sync = _synchronizer(dev)
    result = None
    with torch.no_grad():
        for _ in range(warmup):
            result = torch.matmul(a, b)
            sync()
        times = []
        for _ in range(repeats):
            sync()
            start = time.perf_counter()
            result = torch.matmul(a, b)
            sync()
            times.append(time.perf_counter() - start)
    return timing_record("torch", str(dev), n, dtype, times, result)
