"""Builds the bundled data sets from scikit-learn, once; the .npz files are committed.

    python scripts/build_bundled_data.py   # needs the dev extra (scikit-learn)

Writes into ``twincore/data/bundled/`` (each file atomically):

- ``digits8.npz``: ``sklearn.datasets.load_digits()``: ``images`` uint8
  (1797, 8, 8) with the raw values 0..16, ``labels`` uint8 (1797,) in 0..9.
- ``digits28.npz``: the same digits, MNIST-shaped: ``images`` uint8
  (1797, 28, 28) in 0..255, ``labels`` as above. Each 8x8 image is resized to
  28x28 bilinearly and scaled by 255/16 (16 -> 255), in exact integer
  arithmetic, and rounded half to even (:func:`bilinear_resize`).
- ``diabetes.npz``: ``sklearn.datasets.load_diabetes()`` (its default, scaled
  features): ``X`` float64 (442, 10), ``y`` float64 (442,).

scikit-learn is needed only here; ``twincore.data.bundled.load_digits`` and
``load_diabetes`` read the committed files.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import sklearn.datasets

from twincore.atomic import atomic_write

OUT = Path(__file__).resolve().parent.parent / "twincore" / "data" / "bundled"


def _axis_weights(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Neighbours and integer weights along one axis: half-pixel centres, edges clamped.

    Output pixel ``i`` samples the input at ``src = (i + 0.5) * n_in / n_out - 0.5``,
    which is ``num / den`` with ``den = 2 * n_out``; its value is
    ``((den - w) * x[lo] + w * x[hi]) / den``.
    """
    den = 2 * n_out
    num = np.maximum((2 * np.arange(n_out) + 1) * n_in - n_out, 0)  # src * den, clamped at 0
    lo = num // den
    w = num - lo * den
    past_end = lo >= n_in - 1
    lo = np.minimum(lo, n_in - 1)
    hi = np.minimum(lo + 1, n_in - 1)
    w = np.where(past_end, 0, w)
    return lo, hi, w, den


def bilinear_resize(images: np.ndarray, size: int, scale: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of integer ``(N, H, W)`` to ``(N, size, size)``, times ``p / q``, rounded.

    Bilinear with pixel centres aligned (torch's ``F.interpolate(mode="bilinear",
    align_corners=False)`` without antialiasing: sample coordinates below 0 are
    clamped to 0, the upper neighbour to the last pixel), computed in exact
    integer arithmetic and rounded half to even, so the result does not depend
    on floating-point summation order. ``parity_tests/data/test_bundled.py`` checks
    it against torch.

    Args:
      images: non-negative integers ``(N, H, W)``.
      size: the output height and width.
      scale: ``(p, q)``: the values are multiplied by ``p / q`` before rounding.

    Returns:
      int64 ``(N, size, size)``.
    """
    p, q = scale
    _, h, w = images.shape
    r_lo, r_hi, r_w, r_den = _axis_weights(h, size)
    c_lo, c_hi, c_w, c_den = _axis_weights(w, size)
    x = images.astype(np.int64)
    rows = x[:, r_lo, :] * (r_den - r_w)[:, None] + x[:, r_hi, :] * r_w[:, None]
    both = rows[:, :, c_lo] * (c_den - c_w) + rows[:, :, c_hi] * c_w
    num, den = both * p, r_den * c_den * q
    quotient, remainder = np.divmod(num, den)
    up = (2 * remainder > den) | ((2 * remainder == den) & (quotient % 2 == 1))
    return quotient + up


def _save(name: str, **arrays: np.ndarray) -> None:
    """An .npz as ``np.savez_compressed`` writes it, at deflate level 9 (about 20% smaller)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for key, value in arrays.items():
            npy = io.BytesIO()
            np.lib.format.write_array(npy, np.ascontiguousarray(value), allow_pickle=False)
            # A fixed timestamp: rebuilding gives byte-identical files.
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            zf.writestr(info, npy.getvalue(), zipfile.ZIP_DEFLATED, compresslevel=9)
    path = atomic_write(OUT / name, buf.getvalue())
    path.chmod(0o644)
    shapes = ", ".join(f"{k} {v.dtype} {v.shape}" for k, v in arrays.items())
    print(f"wrote {path} ({path.stat().st_size:,} bytes): {shapes}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    digits = sklearn.datasets.load_digits()
    raw = digits.images
    assert raw.shape == (1797, 8, 8) and raw.min() == 0 and raw.max() == 16
    assert np.array_equal(raw, np.round(raw)), "digits pixels are integers"
    images8 = raw.astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    _save("digits8.npz", images=images8, labels=labels)

    images28 = bilinear_resize(images8, 28, scale=(255, 16)).astype(np.uint8)
    _save("digits28.npz", images=images28, labels=labels)

    X, y = sklearn.datasets.load_diabetes(return_X_y=True)
    _save("diabetes.npz", X=X.astype(np.float64), y=y.astype(np.float64))


if __name__ == "__main__":
    main()
