"""Atomic file writes: a file appears whole or not at all."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from twincore.crashpoints import crash_point

TEMPORARY = re.compile(r"\..+\.[A-Za-z0-9_]+\.tmp")
"""The names of the temporary files and directories the writes here leave when killed."""


def atomic_write(path: str | os.PathLike, data: bytes | str) -> Path:
    """Writes ``data`` to ``path`` through a temporary file in the same directory and a rename.

    A reader (or a crash, SIGKILL included) never sees a half-written file: the
    old content stays until ``os.replace`` swaps in the complete, fsynced new
    one. A process killed mid-write may leave its temporary file,
    ``.<name>.<random>.tmp`` beside ``path``; no loader reads such names.
    The new file gets the permissions a plain ``open(path, "wb")`` would give.

    Returns:
      The path written.

    Raises:
      OSError: the write failed (a full disk, a read-only directory); it names ``path``,
        and ``path`` is as it was.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        crash_point(f"{path.name}: created")
        # mkstemp makes the file 0600; give it the mode open() would have (0666 & ~umask).
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        crash_point(f"{path.name}: synced")
        os.replace(tmp, path)
        crash_point(f"{path.name}: replaced")
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        if error.filename is None:  # a write or fsync of the descriptor: name the file
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)  # the rename itself survives a power cut
    return path


def remove_leftovers(directory: str | os.PathLike) -> list[Path]:
    """Deletes the temporary files and directories (``.<name>.<random>.tmp``) that writes killed
    in ``directory`` left behind; returns them. Only for a directory no one else writes to."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if TEMPORARY.fullmatch(p.name)]
    for p in found:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    return found


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask would, for every thread, briefly)
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def fsync_directory(directory: Path) -> None:
    """fsyncs ``directory``, so that a rename in it survives a power cut (where supported)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. a platform without directory file descriptors
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
