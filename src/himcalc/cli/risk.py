"""`himcalc simulate` and `himcalc sensitivity`: parse → `himcalc.app` → `himcalc.render.risk`.

numpy is imported only inside `simulate` (through `himcalc.engine.simulate`), never when the
CLI starts.
"""

from __future__ import annotations

import secrets
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from himcalc.cli.common import STATE, load_data, scenario_from
from himcalc.cli.options import (
    ColumnsOption,
    FormatOption,
    InstitutionOption,
    InstitutionsOption,
    PathwaysArg,
    ProgramOption,
    ProgramsOption,
    WideOption,
    parse_rate,
    view_of,
    with_scenario,
)
from himcalc.errors import InputError, UsageError, printable
from himcalc.render.report import Format, emit

if TYPE_CHECKING:
    from himcalc.engine.simulate import Settings

MACHINE = (Format.json, Format.csv, Format.tsv)


def register(app: typer.Typer) -> None:
    app.command()(simulate)
    app.command()(sensitivity)


@with_scenario
def simulate(
    pathways: PathwaysArg = None,
    program: ProgramsOption = None,
    runs: Annotated[int, typer.Option(
        min=1, max=100_000_000, help="Simulated people per pathway. Example: --runs 100000")
    ] = 10_000,
    seed: Annotated[int | None, typer.Option(
        min=0, help="Random seed: the same seed gives identical output (default: a fresh "
        "seed, reported in the output). Example: --seed 42")] = None,
    within: Annotated[float, typer.Option(
        help="Report the probability of paying back within this many years from the start "
        "of study. Example: --within 8")] = 10.0,
    salary_spread: Annotated[float, typer.Option(
        help="Scale of the salary draw: 1 = the occupation's own spread (lognormal fitted to "
        "its percentiles), 0 = everyone at --percentile. Example: --salary-spread 0")] = 1.0,
    wage_growth_sd: Annotated[float, typer.Option(
        parser=parse_rate, metavar="RATE",
        help="Standard deviation of real wage growth around --wage-growth (an assumption). "
        "Example: --wage-growth-sd 0.5%")] = 0.005,
    time_spread: Annotated[float, typer.Option(
        help="Part-time study only: the part-time factor varies uniformly by ± this share "
        "(an assumption). Example: --time-spread 0.1")] = 0.25,
    institution: InstitutionsOption = None,
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
    columns: ColumnsOption = None,
    flags: dict | None = None,
) -> None:
    """Monte Carlo risk: how likely each pathway pays back, and the spread of payback and NPV.

    Each run draws a salary position, real wage growth, completion and (part-time) time to
    complete; see docs/risk.md. Example: himcalc simulate associate-hit --runs 100000 --seed 1
    """
    from himcalc.app.simulate import simulate as simulate_all
    from himcalc.engine.simulate import Settings
    from himcalc.render.chart import progress
    from himcalc.render.risk import simulate_report

    view = view_of(wide, columns)
    data = load_data()
    settings = _settings(Settings(runs, secrets.randbelow(2**31) if seed is None else seed,
                                  within, salary_spread, wage_growth_sd, time_spread))
    insts: list[Any] = list(institution) if institution else [None]
    bases = [scenario_from(flags or {}, data=data, institution=inst) for inst in insts]
    result = simulate_all(data, bases, pathways, program, settings, progress)
    report, local = simulate_report(data, result, len(institution or []) > 1, STATE.data_path)
    _notes_to_stderr(local, fmt)
    emit(report, fmt, view)


def _settings(settings: Settings) -> Settings:
    """The settings, checked: every one is a flag, so a bad one is a usage error (exit 2)."""
    try:
        settings.check()
    except InputError as exc:
        raise UsageError(exc.message) from None
    return settings


def _notes_to_stderr(notes: list[str], fmt: Format) -> None:
    """Machine formats drop notes from stdout: the programme and state ones go to stderr."""
    if fmt in MACHINE:
        for note in notes:
            sys.stderr.write(printable(f"note: {note}") + "\n")


# ------------------------------------------------------------------------------ sensitivity


def _parse_grid(value: str) -> tuple[str, str]:
    from himcalc.engine.sensitivity import spec

    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"--grid takes two inputs, e.g. --grid tuition,percentile (got '{value}')")
    spec(parts[0])
    spec(parts[1])
    return parts[0], parts[1]


@with_scenario
def sensitivity(
    pathway: Annotated[str | None, typer.Argument(
        help="Pathway id (or --program). Example: himcalc sensitivity associate-hit",
        show_default=False)] = None,
    program: ProgramOption = None,
    grid: Annotated[str | None, typer.Option(
        help="Two inputs for a two-way table of payback at five levels each, from: tuition, "
        "percentile, discount_rate, wage_growth, time, loan_rate, completion. "
        "Example: --grid tuition,percentile")] = None,
    institution: InstitutionOption = None,
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
    columns: ColumnsOption = None,
    flags: dict | None = None,
) -> None:
    """Which inputs move NPV and payback most: a tornado table, or a two-way payback grid.

    One input at a time: tuition ±20%, salary p25/p75, discount rate 2%/7%, wage growth 0%/2%,
    one more year to complete, loan rate ±2 points, completion at the sector's rate vs 100%.
    Example: himcalc sensitivity bachelor-him --grid tuition,percentile
    """
    from himcalc.app import sensitivity as app
    from himcalc.render import risk

    view = view_of(wide, columns)
    axes = _parse_grid(grid) if grid is not None else None
    data = load_data()
    given = scenario_from(flags or {}, data=data, institution=institution)
    chosen = app.task(data, given, pathway, program)
    local = risk.sensitivity_notes(data, chosen)
    _notes_to_stderr(local, fmt)
    result = app.sensitivity(data, chosen, axes)
    emit(risk.sensitivity_report(result, fmt in MACHINE, local, program, STATE.data_path),
         fmt, view)
