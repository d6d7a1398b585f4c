"""The `himcalc` command: global options, sub-commands, and the one place errors become exits.

Exit codes (README, "Exit codes"): 0 ok; 1 data or input error; 2 usage error; 70 internal
error (a bug: please report it); 130 interrupted (Ctrl-C). Errors are one `error: …` line on
stderr; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.exceptions import TyperException

from himcalc import __version__
from himcalc.cli import batch as batch_cmd
from himcalc.cli import data as data_cmd
from himcalc.cli import loan as loan_cmd
from himcalc.cli import reports, risk
from himcalc.cli.common import STATE
from himcalc.errors import ExitCode, HimcalcError

app = typer.Typer(
    name="himcalc",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Payback, NPV and IRR of Health Information Management credentials.\n\n"
    "Start with: himcalc compare",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"himcalc {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    data: Annotated[Path | None, typer.Option(
        "--data", envvar="HIMCALC_DATA", show_envvar=True,
        help="Directory (or file) of YAML records that override or extend the shipped "
        "datasets by id. Example: --data ./my-school/")] = None,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show tracebacks instead of one-line errors.")] = False,
) -> None:
    """Payback, NPV and IRR of Health Information Management credentials."""
    STATE.data_path = data
    STATE.debug = debug


app.add_typer(data_cmd.app, name="data")
reports.register(app)
risk.register(app)
batch_cmd.register(app)
loan_cmd.register(app)


def _error(message: str, details: list[str] | None = None) -> None:
    sys.stderr.write(f"error: {message}\n")
    for line in details or []:
        sys.stderr.write(f"  {line}\n")


def main_entry(argv: list[str] | None = None) -> int:
    """Run the app and map every outcome to a documented exit code."""
    args = sys.argv[1:] if argv is None else argv
    STATE.debug = "--debug" in args
    try:
        result = app(args=args, prog_name="himcalc", standalone_mode=False)
        return result if isinstance(result, int) else ExitCode.OK
    except HimcalcError as exc:
        if STATE.debug:
            raise
        _error(exc.message, exc.details)
        return exc.exit_code
    except TyperException as exc:
        code = getattr(exc, "exit_code", ExitCode.USAGE)
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.stderr.write(exc.format_message() + "\n")
            return ExitCode.USAGE
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _error(exc.format_message().replace("Value error, ", "") + hint)
        return code
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("\n")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return ExitCode.OK
    except SystemExit:
        # typer turns a closed stdout pipe (`himcalc … | head`) into `sys.exit(1)` after
        # wrapping sys.stdout in click's PacifyFlushWrapper; that is not an error of ours.
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            _quiet_stdout()
            return ExitCode.OK
        raise
    except Exception as exc:  # a bug: say so in one line, keep the traceback for --debug
        if STATE.debug:
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)")
        return ExitCode.INTERNAL


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the final flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (OSError, AttributeError, ValueError):  # no real stdout (e.g. under a test runner)
        pass
