"""One error hierarchy; the CLI turns each into one `error: …` line and an exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented exit statuses (README, "Exit codes")."""

    OK = 0
    DATA_ERROR = 1
    USAGE = 2
    INTERNAL = 70
    INTERRUPTED = 130


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
