"""The one safe writer: every file himcalc writes (`data schema -o`, `--chart-file`) goes here.

* `-` means stdout;
* only a regular file (or a new path) is written: a device node, FIFO or socket is refused, so
  `-o /dev/null` never replaces the device with a file (as it would for root);
* a file the user could not write with `>` — write-protected (no write permission bit, even
  for root) or not writable by this user — is refused, since replacing it by a rename needs
  only the directory's permission;
* a symlink to a regular file is written through (the link stays, its target is replaced), as
  `>` does;
* the content goes to a temporary file beside the target, then renamed into place: a failed or
  interrupted run never leaves a truncated file, and an existing file is replaced only when
  the new content is complete.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from himcalc.errors import InputError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (import-time budget)
if TYPE_CHECKING:
    from typing import Any


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write `content` to `path` atomically (same directory, fsync, rename); `-` is stdout."""
    if str(path) == "-":
        _to_stdout(content)
        return
    target = _writable_target(path)
    directory = target.parent if str(target.parent) else Path(".")
    mode = "wb" if isinstance(content, bytes) else "w"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, mode, encoding=None if mode == "wb" else "utf-8") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write: {exc.strerror or exc} "
                             "(nothing was changed)") from None
        raise


def check_writable(path: Path) -> None:
    """Refuse now, before any output, a path `write_atomic` would refuse (`-` is stdout)."""
    if str(path) != "-":
        _writable_target(path)


def _writable_target(path: Path) -> Path:
    """The path to replace for `path`: itself, or a symlink's regular target; refuses the rest."""
    try:
        info = path.stat()  # follows a symlink
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError(f"{path}: a dangling symlink; not written") from None
        return path  # a new file
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO" if stat.S_ISFIFO(info.st_mode) else "a socket"
                if stat.S_ISSOCK(info.st_mode) else "a device")
        raise InputError(f"{path}: {kind}, not a regular file; himcalc writes only regular "
                         "files (use '-' for stdout)")
    if info.st_mode & 0o222 == 0 or not os.access(path, os.W_OK):
        raise InputError(f"{path}: write-protected; not replaced (make it writable or "
                         "remove it first)")
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _to_stdout(content: str | bytes) -> None:
    if isinstance(content, str):
        sys.stdout.write(content)
    else:
        sys.stdout.flush()
        out: Any = getattr(sys.stdout, "buffer", sys.stdout)
        out.write(content)
    sys.stdout.flush()


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or what a plain `open(path, "w")` would give."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
