"""One error hierarchy; the CLI turns each into one `error: …` line and an exit code."""

from __future__ import annotations

import math
from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """Documented exit statuses (README, "Exit codes")."""

    OK = 0
    DATA_ERROR = 1
    USAGE = 2
    INTERNAL = 70
    INTERRUPTED = 130
    TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process killed by it


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C (workers stopped, temp files removed), exit 143."""


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object) -> str:
    r"""`text` with every character a terminal would act on shown as an escape, not obeyed.

    Every message himcalc writes to stderr goes through here (once, where it is written), so
    text from an input — a record id, a field name, a flag value — can neither drive the
    terminal (``ESC[2J`` clears the screen) nor forge a second ``error:`` line (a newline).

    >>> print(printable("a\x1b[2Jb\nerror: forged\u202e"))
    a\x1b[2Jb\nerror: forged\u202e
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def error_lines(message: str, details: list[str] | None = None) -> str:
    """The text of one reported error: `error: message`, then each detail indented, escaped."""
    lines = [f"error: {printable(message)}\n"]
    lines += [f"  {printable(line)}\n" for line in details or []]
    return "".join(lines)


class HimcalcError(Exception):
    """Base of every error himcalc reports to the user without a traceback."""

    exit_code = ExitCode.DATA_ERROR

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class DatasetError(HimcalcError):
    """A data file cannot be read or does not validate; names file, record, field and line."""


class InputError(HimcalcError):
    """A scenario, a batch line or another user input is invalid."""


class UsageError(HimcalcError):
    """The command line itself is wrong (unknown pathway, conflicting options …)."""

    exit_code = ExitCode.USAGE


def plain_message(err: Any) -> str:
    """One pydantic error (an `ErrorDetails` dict) in the words of a data file's author."""
    value = err.get("input")
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "extra_forbidden":
        return "unknown field (a typo? see 'himcalc data schema' for the allowed fields)"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, not {value}"
    msg = (err["msg"].replace("Value error, ", "").replace("Input should be", "must be")
           .replace("String should", "must"))
    if "boolean" in msg or "leading zero" in msg:
        return msg
    if isinstance(value, str | int | float | bool) and len(repr(value)) <= 60:
        msg += f" (got {value!r})"
    return msg
