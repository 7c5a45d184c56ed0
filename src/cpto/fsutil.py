"""Writing files so that a crash or a full disk never leaves a torn one behind."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cpto.errors import CptoError


def atomic_write_text(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``;
    anything the system refuses is a one-line error naming ``path``.

    A symbolic link is written through (its target is replaced, the link stays); a path that is not a
    regular file (a folder, a pipe, a device) is refused rather than replaced. The file keeps the mode it
    had, or gets the umask's default when new; the mode is set on the temporary file before the rename,
    so the file never shows other permissions.
    """
    try:
        _replace(Path(os.path.realpath(path)), text)
    except OSError as exc:
        raise CptoError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _replace(path: Path, text: str | Iterable[str]) -> None:
    try:
        existing = path.stat()
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise CptoError(f"{path}: not a regular file; cpto writes only files")
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)  # pieces as they are made (a large JSON report)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    current = os.umask(0o022)
    os.umask(current)
    return current
