"""`himcalc programs`: parse → `himcalc.app.programs` → `himcalc.render.programs`."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from himcalc.app.programs import Control
from himcalc.cli.common import load_data
from himcalc.cli.options import ColumnsOption, FormatOption, WideOption, choice, view_of
from himcalc.errors import InputError, UsageError
from himcalc.models.enums import CredentialLevel
from himcalc.render.report import Format, emit


def register(app: typer.Typer) -> None:
    app.command("programs")(programs)


def programs(
    state: Annotated[str | None, typer.Option(
        metavar="XX", help="Only programmes in this state (two letters). Example: --state WI")
    ] = None,
    level: Annotated[CredentialLevel | None, typer.Option(
        **choice(CredentialLevel), help="Only this credential level. Example: --level associate")
    ] = None,
    control: Annotated[Control | None, typer.Option(
        **choice(Control), help="Only this kind of institution: public, private_nonprofit or "
        "for_profit. Example: --control public")] = None,
    search: Annotated[str | None, typer.Option(
        help="Only institutions whose name holds every word given, ignoring case and accents. "
        "Example: --search 'herzing madison'")] = None,
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """HIM programmes (CIP 51.07) in College Scorecard: completers' earnings and debt.

    Price one with: himcalc compare --program UNITID:LEVEL.
    Example: himcalc programs --search herzing --state WI
    """
    from himcalc.app.programs import programs as select
    from himcalc.render.programs import programs_report

    view = view_of(wide, columns)
    data = load_data()
    state = _checked_state(data, state)
    if search is not None and not _words(search):
        raise UsageError(f"--search '{search}': give a word of the institution's name")
    result = select(data, state, level, control, search)
    if not result.rows:
        sys.stderr.write("note: no programme matches these filters\n")
    emit(programs_report(result), fmt, view)


def _checked_state(data: Any, state: str | None) -> str | None:
    """`--state` as two capitals, refused (exit 2, with a suggestion) if unknown."""
    from himcalc.engine.programs import check_state

    if state is None:
        return None
    state = state.strip().upper() if len(state.strip()) == 2 else state
    try:
        check_state(data, state)
    except InputError as exc:
        raise UsageError(f"--state: {exc.message}") from None
    return state


def _words(search: str) -> str:
    from himcalc.engine.programs import fold

    return fold(search)
