"""`himcalc compare` and `himcalc show`: parse → `himcalc.app` → `himcalc.render.pricing`."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from himcalc.app.compare import SortKey
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
    view_of,
    with_scenario,
)
from himcalc.errors import UsageError, printable
from himcalc.render.report import Format, emit

MACHINE = (Format.json, Format.csv, Format.tsv)


ChartOption = Annotated[bool, typer.Option(
    "--chart", help="Also draw the cumulative net position by year (break-even chart) in the "
    "terminal. Example: himcalc compare --chart")]
ChartFileOption = Annotated[Path | None, typer.Option(
    "--chart-file", help="Write the break-even chart to a .svg or .png file (needs "
    "matplotlib: pip install himcalc\\[chart], or .\\[chart] from a clone). "
    "Example: --chart-file payback.svg")]


def draw_charts(curves: dict[str, list[float]], paybacks: dict[str, float | None],
                chart: bool, chart_file: Path | None, fmt: Format, title: str) -> None:
    """Draw the break-even chart on stdout (after a table) and/or into a file."""
    from himcalc.render import chart as charts

    if chart_file is not None:
        charts.write_chart_file(chart_file, curves, paybacks, title)
        sys.stderr.write(f"chart written to {printable(chart_file)}\n")
    if chart:
        sys.stdout.write(charts.draw_terminal(curves, paybacks) + "\n")


def _check_chart(chart: bool, chart_file: Path | None, fmt: Format) -> None:
    """Every chart option checked before anything is loaded, computed or printed."""
    if chart_file is not None and str(chart_file) == "-":
        raise UsageError("--chart-file -: the chart would be mixed with the report on stdout; "
                         "name a .svg or .png file")
    if chart and fmt not in (Format.table, Format.markdown):
        raise UsageError("--chart draws in table format only; use --chart-file with -f "
                         f"{fmt.value}")
    if chart_file is not None:
        from himcalc.render.chart import check_chart_file

        check_chart_file(chart_file)


def register(app: typer.Typer) -> None:
    app.command()(compare)
    app.command()(show)


@with_scenario
def compare(
    pathways: PathwaysArg = None,
    program: ProgramsOption = None,
    institution: InstitutionsOption = None,
    sort: Annotated[SortKey, typer.Option(
        help="Sort rows by payback, npv, irr or cost. Example: --sort npv")] = (
        SortKey.payback),
    fmt: FormatOption = Format.table,
    chart: ChartOption = False,
    chart_file: ChartFileOption = None,
    wide: WideOption = False,
    columns: ColumnsOption = None,
    flags: dict | None = None,
) -> None:
    """Payback, NPV and IRR of every HIM pathway open to you, side by side.

    Example: himcalc compare --education associate --age 30 -f json
    """
    from himcalc.app.compare import compare as price_all
    from himcalc.render import pricing

    _check_chart(chart, chart_file, fmt)
    data = load_data()
    bases, several = _scenarios(data, flags or {}, institution)
    result = price_all(data, bases, pathways, program, several, sort)
    report, local = pricing.compare_report(data, result, fmt in MACHINE, STATE.data_path)
    emit(report, fmt, view_of(wide, columns))
    if fmt in MACHINE:
        _notes_to_stderr(local, result.skipped)
    if chart or chart_file:
        draw_charts(*pricing.compare_curves(result), chart, chart_file, fmt,
                    "Break-even by pathway")


def _scenarios(data: Any, flags: dict, institution: list | None) -> tuple[list, tuple]:
    """One scenario per study mode × institution given, and which of the two vary."""
    flags = dict(flags)
    modes = flags.pop("study_mode", None) or [None]
    several = tuple(key for key, values in (("institution", institution or []),
                                            ("study_mode", modes)) if len(values) > 1)
    bases = [scenario_from({**flags, "study_mode": mode}, data=data, institution=inst)
             for mode, inst in itertools.product(modes, list(institution or [None]))]
    return bases, several


def _notes_to_stderr(local: list[str], skipped: Sequence[str] = ()) -> None:
    """Machine formats: the programme and state notes, and what was skipped, on stderr."""
    for note in local:
        sys.stderr.write(printable(f"note: {note}") + "\n")
    for s in skipped:
        sys.stderr.write(f"note: skipped (cannot be priced): {s}\n")


@with_scenario
def show(
    pathway: Annotated[str | None, typer.Argument(
        help="Pathway id (or --program). Example: himcalc show mha", show_default=False)
    ] = None,
    program: ProgramOption = None,
    institution: InstitutionOption = None,
    fmt: FormatOption = Format.table,
    chart: ChartOption = False,
    chart_file: ChartFileOption = None,
    wide: WideOption = False,
    columns: ColumnsOption = None,
    flags: dict | None = None,
) -> None:
    """Year-by-year cash flows of one pathway, its metrics, and the break-even year.

    Example: himcalc show associate-hit --study-mode part_time --borrow 4000
    """
    from himcalc.app.show import show as evaluate_one
    from himcalc.render import pricing

    _check_chart(chart, chart_file, fmt)
    data = load_data()
    base = scenario_from(flags or {}, data=data, institution=institution)
    result = evaluate_one(data, base, pathway, program)
    report, local = pricing.show_report(data, result, program, STATE.data_path)
    if fmt in MACHINE:
        _notes_to_stderr(local)
    emit(report, fmt, view_of(wide, columns))
    if chart or chart_file:
        curve = {result.pathway: [r["cumulative"] for r in result.rows]}
        draw_charts(curve, {result.pathway: result.metrics["payback_years"]}, chart,
                    chart_file, fmt, result.name)
