"""Writing files safely: to a temporary file beside the target, then renamed into place.

An interrupted or failed run therefore never leaves a truncated file, and an existing file is
replaced only when the new content is complete.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from himcalc.errors import InputError


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write `content` to `path` atomically (same directory, fsync, rename)."""
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    mode = "wb" if isinstance(content, bytes) else "w"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write: {exc.strerror or exc} "
                             "(nothing was changed)") from None
        raise


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or what a plain `open(path, "w")` would give."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
