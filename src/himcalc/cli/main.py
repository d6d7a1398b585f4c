"""The `himcalc` command: global options, sub-commands, and the one place errors become exits.

Exit codes (README, "Exit codes"): 0 ok; 1 data or input error; 2 usage error; 70 internal
error (a bug: please report it); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM). Errors
are one `error: …` line on stderr; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import TyperException

from himcalc import __version__
from himcalc.cli.common import STATE
from himcalc.errors import ExitCode, HimcalcError, Terminated, error_lines

COMMAND_MODULES: dict[str, str] = {
    "compare": "himcalc.cli.reports",
    "show": "himcalc.cli.reports",
    "programs": "himcalc.cli.programs",
    "simulate": "himcalc.cli.risk",
    "sensitivity": "himcalc.cli.risk",
    "batch": "himcalc.cli.batch",
    "loan": "himcalc.cli.loan",
    "data": "himcalc.cli.data",
}
"""Every sub-command, in `--help` order, and the module whose `register(app)` defines it."""

COMMAND_SUMMARIES: dict[str, str] = {
    "compare": "Payback, NPV and IRR of every HIM pathway open to you, side by side.",
    "show": "Year-by-year cash flows of one pathway, its metrics, and the break-even year.",
    "programs": "HIM programmes (CIP 51.07) in College Scorecard: completers' earnings and "
    "debt.",
    "simulate": "Monte Carlo risk: how likely each pathway pays back, and the spread of "
    "payback and NPV.",
    "sensitivity": "Which inputs move NPV and payback most: a tornado table, or a two-way "
    "payback grid.",
    "batch": "Evaluate many scenarios: one result row per scenario × pathway, streamed to "
    "stdout.",
    "loan": "Monthly payment, totals and repayment schedule of one federal student loan.",
    "data": "List, show, validate and document the datasets.",
}
"""The first paragraph of each command's help: what `himcalc --help` lists (a test checks
that the listing is the one the commands themselves give)."""


class _CommandsOnDemand(MutableMapping[str, Any]):
    """The sub-commands by name; a command's module is imported when the command is looked up.

    Why: importing every command module and letting typer turn all ~130 of their options into
    click parameters costs ≈ 20 ms per run, and a run uses one command. Names are known without
    importing anything, so typo suggestions stay complete; `--help` looks every command up and
    so loads them all. (Click documents this as "lazily loading subcommands".)
    """

    def __init__(self) -> None:
        self._loaded: dict[str, Any] = {}
        self.listing = False  # while `himcalc --help` lists the commands


    def _load(self, name: str) -> None:
        """Build the command `name` alone (its module may define others)."""
        sub = typer.Typer()
        importlib.import_module(COMMAND_MODULES[name]).register(sub)
        sub.registered_commands = [
            c for c in sub.registered_commands
            if (c.name or typer.main.get_command_name(getattr(c.callback, "__name__", "")))
            == name]
        sub.registered_groups = [g for g in sub.registered_groups if g.name == name]
        self._loaded[name] = typer.main.get_group(sub).commands[name]

    def __getitem__(self, name: str) -> Any:
        if self.listing and name not in self._loaded and name in COMMAND_SUMMARIES:
            # The listing shows a command's name and summary only: building every command
            # (importing its module, turning its options into parameters) costs ≈ 40 ms.
            return TyperCommand(name=name, help=COMMAND_SUMMARIES[name])
        if name not in self._loaded and name in COMMAND_MODULES:
            self._load(name)
        return self._loaded[name]

    def __contains__(self, name: object) -> bool:
        return name in COMMAND_MODULES or name in self._loaded

    def __iter__(self) -> Iterator[str]:
        yield from COMMAND_MODULES
        yield from (name for name in self._loaded if name not in COMMAND_MODULES)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("himcalc's commands cannot be removed")


class _Himcalc(TyperGroup):
    """The top-level group, whose sub-commands are `_CommandsOnDemand`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands = _CommandsOnDemand()

    def format_help(self, ctx: Any, formatter: Any) -> None:
        commands = self.commands
        assert isinstance(commands, _CommandsOnDemand)
        commands.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            commands.listing = False


COMPLETION_OPTIONS = ("--install-completion", "--show-completion")
"""Shell completion (typer's): its options exist when asked for or when a shell completes
(`_HIMCALC_COMPLETE` set), so that no other run pays the ≈ 3 ms of importing it (README,
"Shell completion")."""
_COMPLETION = (any(a in sys.argv for a in COMPLETION_OPTIONS)
               or "_HIMCALC_COMPLETE" in os.environ)

app = typer.Typer(
    name="himcalc",
    cls=_Himcalc,
    no_args_is_help=True,
    add_completion=_COMPLETION,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
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
        "--version", "-V", callback=_version, is_eager=True,
        help="Print the version and exit.")
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


def _error(message: str, details: list[str] | None = None) -> None:
    sys.stderr.write(error_lines(message, details))


def main_entry(argv: list[str] | None = None) -> int:
    """Run the app and map every outcome to a documented exit code."""
    args = sys.argv[1:] if argv is None else argv
    STATE.debug = "--debug" in args
    previous = _on_sigterm()
    try:
        return _run(args)
    except Terminated:
        return ExitCode.TERMINATED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _on_sigterm() -> Any:
    """Make SIGTERM raise `Terminated` (handled like Ctrl-C); the handler it replaces."""
    def terminated(signum: int, frame: Any) -> None:
        raise Terminated()

    try:
        return signal.signal(signal.SIGTERM, terminated)
    except (ValueError, OSError, AttributeError):  # not the main thread, or no SIGTERM
        return None


def _run(args: list[str]) -> int:
    """Run the app; every outcome but SIGTERM becomes its exit code here."""
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
