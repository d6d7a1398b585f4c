"""`himcalc simulate` and `himcalc sensitivity`: parse → load → engine → render.

numpy is imported only inside `simulate` (through `himcalc.engine.simulate`), never when the
CLI starts.
"""

from __future__ import annotations

import secrets
import sys
from typing import Annotated, Any

import typer

from himcalc.cli.common import load_data, one_task, scenario_from, tasks_of
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
from himcalc.errors import InputError, UsageError
from himcalc.render.columns import Column, money, number, percent, text, years
from himcalc.render.report import Format, Report, emit


def register(app: typer.Typer) -> None:
    app.command()(simulate)
    app.command()(sensitivity)


SIMULATE_COLUMNS = [
    Column("pathway", "Pathway", text, "left"),
    Column("institution", "Institution", text, "left", priority=2, wrap=False),
    Column("runs", "Runs", number, priority=4),
    Column("p_payback_within", "P(payback ≤ N)", percent),
    Column("payback_p10", "Payback P10", years, priority=3),
    Column("payback_p50", "Payback P50", years),
    Column("payback_p90", "Payback P90", years, priority=3),
    Column("npv_p10", "NPV P10", money, priority=1),
    Column("npv_p50", "NPV P50", money),
    Column("npv_p90", "NPV P90", money, priority=1),
    Column("npv_mean", "Mean NPV", money, priority=4),
    Column("p_npv_positive", "P(NPV > 0)", percent),
]

SIMULATE_KEYS = [
    "pathway", "institution", "study_mode", "runs", "seed", "within_years", "p_payback_within",
    "p_never", "payback_p10", "payback_p50", "payback_p90", "npv_p10", "npv_p50", "npv_p90",
    "npv_mean", "npv_se", "p_npv_positive", "completion_probability", "salary_spread",
    "wage_growth_sd", "time_spread",
]
"""Keys of a `simulate` row, in JSON and CSV order (a documented contract: docs/risk.md)."""

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
    from himcalc.engine.simulate import Settings
    from himcalc.engine.simulate import simulate as run_simulation
    from himcalc.render.chart import progress

    view = view_of(wide, columns)
    data = load_data()
    settings = Settings(runs=runs, seed=secrets.randbelow(2**31) if seed is None else seed,
                        within=within, salary_spread=salary_spread,
                        wage_growth_sd=wage_growth_sd, time_spread=time_spread)
    try:
        settings.check()
    except InputError as exc:  # every setting is a flag: a bad one is a usage error (exit 2)
        raise UsageError(exc.message) from None
    rows: list[dict] = []
    local: list[str] = []
    skipped: list[str] = []
    keys: tuple[str, ...] = ()
    insts: list[Any] = list(institution or [None])
    for inst in insts:
        base = scenario_from(flags or {}, data=data, institution=inst)
        tasks = tasks_of(data, base, pathways, program)
        keys = tuple(program or ([base.program] if base.program else []))
        for scenario, pid, choice in tasks:
            name = choice.key if choice is not None else pid
            try:
                with progress(runs, f"simulating {name}") as tick:
                    row = run_simulation(data, scenario, pid, settings, tick).as_dict()
            except InputError as exc:
                if choice is None:  # a pathway named: an error, as before
                    raise
                skipped.append(f"{name} ({scenario.institution.value}): {exc.message}")
                continue
            if program or base.program:
                row = {"pathway": row["pathway"],
                       "program": choice.key if choice is not None else None, **row}
            rows.append(row)
            local += local_notes(data, base, scenario, pid, choice)
    notes = [
        f"{runs:,} simulated people per pathway, seed {settings.seed} (--seed {settings.seed} "
        f"repeats this run). P(payback ≤ N): payback within {within:g} years from the start "
        "of study; 'never' = not within the horizon.",
        f"Draws: salary position on the occupation's published percentiles (two-piece "
        f"lognormal) × {salary_spread:g}; real wage growth ± {percent(wage_growth_sd)} (sd); "
        f"completion Bernoulli; part-time time to complete ± {time_spread:.0%}. "
        "Method: docs/risk.md.",
    ]
    from himcalc.cli.reports import choices_text

    choices = choices_text(base, ("institution",) if len(institution or []) > 1 else (), keys)
    notes += [choices] if choices else []
    if not rows:
        raise InputError(f"nothing to simulate: {skipped[0]}", details=skipped[1:])
    local = list(dict.fromkeys(local)) + [f"Skipped (cannot be priced): {s}." for s in skipped]
    notes += local
    row_keys = SIMULATE_KEYS
    columns_ = SIMULATE_COLUMNS
    if rows and "program" in rows[0]:
        row_keys = [SIMULATE_KEYS[0], "program", *SIMULATE_KEYS[1:]]
        columns_ = [SIMULATE_COLUMNS[0], Column("program", "Programme", text, "left",
                                                wrap=False), *SIMULATE_COLUMNS[1:]]
    data_rows = [{k: r[k] for k in row_keys} for r in rows]
    _notes_to_stderr(local, fmt)
    emit(Report(rows=rows, columns=columns_, keys=row_keys, notes=notes,
                data=data_rows), fmt, view)


def local_notes(data: Any, base: Any, scenario: Any, pid: str, choice: Any) -> list[str]:
    """The programme and state notes (`cli.places`) of one priced option."""
    if choice is None and scenario.state is None:
        return []
    from himcalc.cli.reports import local_notes as notes_of
    from himcalc.engine.plan import make_plan

    return notes_of(data, base, scenario, pid, choice, make_plan(data, scenario, pid))


def _notes_to_stderr(notes: list[str], fmt: Format) -> None:
    """Machine formats drop notes from stdout: the programme and state ones go to stderr."""
    if fmt in (Format.json, Format.csv, Format.tsv):
        from himcalc.errors import printable

        for note in notes:
            sys.stderr.write(printable(f"note: {note}") + "\n")


# ------------------------------------------------------------------------------ sensitivity

SENSITIVITY_COLUMNS = [
    Column("label", "Input", text, "left"),
    Column("low_text", "Low", text, wrap=True),
    Column("high_text", "High", text, wrap=True),
    Column("npv_low", "NPV low", money, priority=1),
    Column("npv_high", "NPV high", money, priority=1),
    Column("npv_swing", "Swing", money),
    Column("payback_low", "Payback low", years, priority=2),
    Column("payback_high", "Payback high", years, priority=2),
    Column("bar", "NPV: ░ low  █ high", text, "left", wrap=False),
]

SENSITIVITY_KEYS = [
    "input", "label", "kind", "low", "high", "low_value", "high_value", "npv_low", "npv_high",
    "npv_swing", "payback_low", "payback_high", "base_npv", "base_payback",
]
"""Keys of a `sensitivity` row in JSON and CSV order."""

GRID_KEYS = [
    "input_a", "level_a", "value_a", "input_b", "level_b", "value_b", "payback_years",
    "discounted_payback_years", "npv",
]


def level_text(kind: str, level: float, value: float | None) -> str:
    """How people read one level of an input (e.g. `-20% ($3,368)`, `p25`, `+1 y`)."""
    if kind == "multiplier":
        change = f"{level - 1:+.0%}" if level != 1 else "base"
        return f"{change} ({money(value)})" if value is not None else change
    if kind == "percentile":
        return f"p{level:g}"
    if kind == "rate":
        return percent(level)
    if kind == "years":
        return "base" if level == 0 else f"{level:+g} y"
    if kind == "points":
        shift = "base" if level == 0 else f"{level * 100:+g} pts"
        return f"{shift} ({percent(value)})" if value is not None else f"{shift} (no loan)"
    if kind == "probability":
        return ("sector " if level < 0 else "") + percent(value)
    return number(level)


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
    from himcalc.engine import sensitivity as sens

    view = view_of(wide, columns)
    axes = _parse_grid(grid) if grid is not None else None
    data = load_data()
    given = scenario_from(flags or {}, data=data, institution=institution)
    scenario, pid, choice = one_task(data, given, pathway, program)
    local = local_notes(data, given, scenario, pid, choice)
    _notes_to_stderr(local, fmt)
    if axes is not None:
        report = _grid_report(sens.grid(data, scenario, pid, *axes), fmt, axes)
        report.notes += local
        emit(report, fmt, view)
        return
    rows = [r.as_dict() for r in sens.tornado(data, scenario, pid)]
    _decorate(rows)
    base = rows[0] if rows else {}
    notes = [
        f"Base: NPV {money(base.get('base_npv'))}, payback {years(base.get('base_payback'))} "
        "years from the start of study. Rows sorted by NPV swing; each row moves one input "
        "and keeps the rest at the scenario's values. Loan rate moves nothing without --borrow."
    ]
    from himcalc.cli.reports import choices_text

    choices = choices_text(given, programs=(program,) if program else ())
    notes += [choices] if choices else []
    notes += local
    title = f"Sensitivity of {pid}" if choice is None else (
        f"Sensitivity of {choice.key} ({choice.name}, as {pid})")
    emit(Report(rows=rows, columns=SENSITIVITY_COLUMNS, keys=SENSITIVITY_KEYS,
                title=title, notes=notes,
                data=[{k: r[k] for k in SENSITIVITY_KEYS} for r in rows]), fmt, view)


def _decorate(rows: list[dict]) -> None:
    """Add the people-facing level labels and the tornado bar (table formats only)."""
    from himcalc.render.chart import tornado_bar

    scale = max((max(abs(r["npv_low"] - r["base_npv"]), abs(r["npv_high"] - r["base_npv"]))
                 for r in rows), default=0.0)
    for r in rows:
        r["low_text"] = level_text(r["kind"], r["low"], r["low_value"])
        r["high_text"] = level_text(r["kind"], r["high"], r["high_value"])
        r["bar"] = tornado_bar(r["npv_low"] - r["base_npv"], r["npv_high"] - r["base_npv"], scale)


def _grid_report(cells: list[Any], fmt: Format, axes: tuple[str, str]) -> Report:
    """Long rows (one per cell) for machine formats; a wide table (a × b) for people."""
    from himcalc.engine.sensitivity import spec

    rows = [c.as_dict() for c in cells]
    if fmt in (Format.json, Format.csv, Format.tsv):
        return Report(rows=rows, columns=[], keys=GRID_KEYS)
    spec_a, spec_b = spec(axes[0]), spec(axes[1])
    b_levels = list(dict.fromkeys((r["level_b"], r["value_b"]) for r in rows))
    columns = [Column("a", f"{spec_a.label} \\ {spec_b.label}", text, "left")]
    columns += [Column(f"b{i}", level_text(spec_b.kind, lb, vb), years)
                for i, (lb, vb) in enumerate(b_levels)]
    wide: dict[tuple, dict] = {}
    for r in rows:
        key = (r["level_a"], r["value_a"])
        row = wide.setdefault(key, {"a": level_text(spec_a.kind, *key)})
        row[f"b{b_levels.index((r['level_b'], r['value_b']))}"] = r["payback_years"]
    return Report(rows=list(wide.values()), columns=columns,
                  title=f"Payback (years from the start of study) over {axes[0]} × {axes[1]}",
                  notes=["'never' = not paid back within the horizon. JSON/CSV give one row per "
                         "cell with NPV and discounted payback too."])
