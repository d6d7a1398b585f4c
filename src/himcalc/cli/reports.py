"""`himcalc compare` and `himcalc show`: parse → load → engine → render."""

from __future__ import annotations

import itertools
import math
import sys
from enum import StrEnum
from pathlib import Path
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
    view_of,
    with_scenario,
)
from himcalc.errors import InputError, UsageError, printable
from himcalc.render.columns import Column, money, number, percent, ratio, text, years
from himcalc.render.report import Format, Report, emit

MACHINE = (Format.json, Format.csv, Format.tsv)


class SortKey(StrEnum):
    payback = "payback"
    npv = "npv"
    irr = "irr"
    cost = "cost"


DEBT = "debt_at_repayment"
"""The metrics key of the debt when repayment starts (one place to follow an engine rename)."""

COMPARE_COLUMNS = [
    Column("pathway", "Pathway", text, "left"),
    Column("institution", "Institution", text, "left", priority=1, wrap=False),
    Column("years_to_complete", "Years", number, priority=3),
    Column("total_cost", "Total cost", money),
    Column(DEBT, "Debt", money, priority=4),
    Column("starting_salary", "Start salary", money, priority=2),
    Column("annual_premium", "Premium per yr", money, priority=5),
    Column("payback_years", "Payback", years),
    Column("payback_after_completion", "After grad", years, priority=5),
    Column("discounted_payback_years", "Disc. payback", years, priority=6),
    Column("npv", "NPV", money),
    Column("irr", "IRR", percent, priority=2),
]
"""Columns of `compare`'s table; `priority` says which go first at a narrow width (0 never)."""

_SORTS = {
    SortKey.payback: lambda r: (r["payback_years"] is None, r["payback_years"] or 0.0),
    SortKey.npv: lambda r: -r["npv"],
    SortKey.irr: lambda r: (r["irr"] is None, -(r["irr"] or 0.0)),
    SortKey.cost: lambda r: r["total_cost"],
}

CAREER_YEARS = 10
"""The answer's "where the career goes": earnings this many years after completing."""


def career_point(flows: Any, years_to_complete: float, horizon: int) -> dict | None:
    """Earnings with and without the credential in the year that starts `CAREER_YEARS` after
    the year of completion (the engine's own flows; None past the horizon)."""
    t = math.ceil(years_to_complete - 1e-9) + CAREER_YEARS
    if t >= horizon:
        return None
    return {"year": t, "with": flows.earnings_with[t], "without": flows.earnings_without[t]}


def answers(rows: list[dict], careers: list[dict | None], several: bool) -> list[str]:
    """One plain sentence per question a person asks of `compare`, with its figures: which
    pathway is worth most (NPV), pays back soonest, costs least, and where each career goes.

    `careers[i]` is `career_point` of `rows[i]`.
    """
    def name(r: dict) -> str:
        return row_label(r, several)

    if len(rows) < 2:
        out = []
    else:
        best = max(rows, key=lambda r: r["npv"])
        worth = (f"Worth most: {name(best)}, NPV {money(best['npv'])} (today's dollars, "
                 "everything it costs and earns over the horizon)." if best["npv"] > 0 else
                 f"None is worth its cost over the horizon; the least negative NPV is "
                 f"{name(best)}'s, {money(best['npv'])}.")
        paying = [r for r in rows if r["payback_years"] is not None]
        if paying:
            soon = min(paying, key=lambda r: r["payback_years"])
            after = soon["payback_after_completion"]
            pays = (f"Pays back soonest: {name(soon)}, {years(soon['payback_years'])} years "
                    f"from the start of study ({years(after)} after completing).")
        else:
            pays = "None pays back within the horizon."
        cheap = min(rows, key=lambda r: r["total_cost"])
        out = [worth, pays,
               f"Costs least: {name(cheap)}, {money(cheap['total_cost'])} in all (tuition, "
               "fees, books and the earnings given up while studying)."]
    parts = [f"{name(r)} {money(c['with'])} a year ({money(c['with'] - c['without'])} more "
             f"than without it; {money(r['starting_salary'])} at the start)"
             for r, c in zip(rows, careers, strict=True) if c is not None]
    if parts:
        out.append(f"Where the career goes, {CAREER_YEARS} years after completing: "
                   + "; ".join(parts) + ".")
    return out


def row_label(row: dict, several: bool | tuple[str, ...] = False) -> str:
    """How a row is named in sentences and charts: its programme (`UNITID:level`) or pathway,
    with what tells the rows apart when several are compared (`several`: the row keys, e.g.
    institution and study mode; True means the institution)."""
    name = row.get("program") or row["pathway"]
    keys = ("institution",) if several is True else (several or ())
    return f"{name} ({', '.join(str(row[k]) for k in keys)})" if keys else name


def financed_note(row: dict) -> str:
    """The financed view of a borrower's row: the headline metrics leave loans out."""
    back = row["financed_back_to_even_years"]
    back_text = "never back to even" if back is None else f"back to even after {back:.1f} y"
    return (f"Financed ({row_label(row)}, {row['institution']}): own cash NPV "
            f"{money(row['npv_financed'])}; lowest {money(row['financed_low_point'])} after "
            f"{row['financed_low_point_years']:.0f} y, {back_text}; debt-free after "
            f"{row['debt_free_years']:.1f} y. Payback, NPV and IRR leave loans out.")


RATE_FIELDS = ("wage_growth", "tuition_growth", "discount_rate", "tax_rate", "loan_rate",
               "private_loan_rate")
FLAG_NAMES = {"salary_kept_share": "salary-kept", "scenario_file": "scenario"}
BOOL_FLAGS = {"cap_employer_assistance": ("--assistance-cap", "--no-assistance-cap"),
              "tax_credits": ("--tax-credits", "--no-tax-credits"),
              "completion_risk": ("--completion-risk", "--no-completion-risk")}


def choices_text(scenario: Any, skip: tuple[str, ...] = (),
                 programs: tuple[str, ...] = ()) -> str | None:
    """Every scenario value that differs from its default, written as the flags that give
    it (a `--scenario` file's values included), plus `--data` and the `--program`s priced:
    enough to rerun the table."""
    from himcalc.cli.common import STATE

    flags = []
    if STATE.data_path is not None:
        flags.append(f"--data {STATE.data_path}")
    flags += [f"--program {key}" for key in programs]
    for name, info in type(scenario).model_fields.items():
        value = getattr(scenario, name)
        if name in skip or name == "program" or value == info.default:
            continue
        if name in BOOL_FLAGS:
            flags.append(BOOL_FLAGS[name][0 if value else 1])
            continue
        flag = "--" + FLAG_NAMES.get(name, name.replace("_", "-"))
        if name in RATE_FIELDS:
            shown = f"{value * 100:.6g}%"
        elif isinstance(value, float):
            shown = f"{value:.10g}"
        else:
            shown = str(getattr(value, "value", value))
        flags.append(f"{flag} {shown}")
    return "Non-default choices: " + " ".join(flags) + "." if flags else None


def _tuition_source(plan: Any, scenario: Any) -> str:
    """Which tuition the figures use: the user's own, HIM programme medians or College Board."""
    if scenario.tuition is not None:
        return f"your tuition ({money(scenario.tuition)} a full-time year)"
    if scenario.tuition_basis.value == "him_median":
        return "HIM programme median tuition (about 2020)"
    return "College Board 2025-26 tuition"


def _basis_text(scenario: Any) -> str:
    """Which earnings basis the figures use (docs/methodology.md section 6)."""
    if scenario.earnings_basis.value == "occupation":
        return "earnings basis: BLS occupation wages (full-time)"
    return "earnings basis: observed (College Scorecard 2026-06-10, all earners)"


def assumptions_line(plan: Any, scenario: Any, several: bool | tuple[str, ...] = False,
                     programs: tuple[str, ...] = ()) -> str:
    """The assumptions behind a table (the plan's resolved defaults) and every non-default
    choice, so that a shared table can be recomputed; `several`: the choices the rows vary
    (True: the institution), which the rows themselves name."""
    end = plan.age + plan.horizon - 1
    tax = "pre-tax" if plan.tax_rate == 0 else f"tax {percent(plan.tax_rate)}"
    varied = ("institution",) if several is True else (several or ())
    choices = choices_text(scenario, varied, programs)
    wages = "BLS OEWS wages May 2025" + (f" ({scenario.state})" if scenario.state else "")
    return (
        f"Assumptions: {percent(plan.discount_rate)} real discount rate; horizon "
        f"{plan.horizon} years (age {plan.age}-{end}); earnings p{scenario.percentile:g} on "
        f"both paths, {_basis_text(scenario)}; counterfactual {money(plan.counterfactual)}/yr "
        f"at {plan.age} ({scenario.education.value}); "
        f"{'study mode by row' if 'study_mode' in varied else plan.study_mode}; {tax}; "
        "real dollars. "
        f"Data: {wages}, BLS Education pays 2024, "
        f"{_tuition_source(plan, scenario)}. Payback in years from the start of study. "
        "Sources: 'himcalc data sources'; formulas: docs/methodology.md."
        + (f" {choices}" if choices else "")
    )


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
    from himcalc.engine.finance import cumulative
    from himcalc.engine.metrics import METRIC_KEYS, evaluate
    from himcalc.engine.plan import make_plan

    _check_chart(chart, chart_file, fmt)
    data = load_data()
    rows: list[dict] = []
    curves: dict[str, list[float]] = {}
    paybacks: dict[str, float | None] = {}
    notes: list[str] = []
    local: list[str] = []
    skipped: list[str] = []
    careers: list[dict | None] = []
    flags = dict(flags or {})
    modes = flags.pop("study_mode", None) or [None]
    several = tuple(key for key, values in (("institution", institution or []),
                                            ("study_mode", modes)) if len(values) > 1)
    keys: tuple[str, ...] = ()
    insts: list[Any] = list(institution or [None])
    for mode, inst in itertools.product(modes, insts):
        base = scenario_from({**flags, "study_mode": mode}, data=data, institution=inst)
        tasks = tasks_of(data, base, pathways, program)
        keys = tuple(program or ([base.program] if base.program else []))
        if not tasks:
            skipped.append(f"no pathway in the data is open to education "
                           f"'{base.education.value}'")
        for scenario, pid, choice in tasks:
            name = choice.key if choice is not None else pid
            try:
                plan = make_plan(data, scenario, pid)
            except InputError as exc:  # this option cannot be priced: say so, price the rest
                skipped.append(f"{name} ({scenario.institution.value}): {exc.message}")
                continue
            metrics, flows = evaluate(plan)
            row = metrics.as_dict()
            if program or base.program:
                row["program"] = choice.key if choice is not None else None
            rows.append(row)
            careers.append(career_point(flows, plan.years_to_complete, plan.horizon))
            label = row_label(row, several)
            curves[label] = cumulative(flows.net)
            paybacks[label] = metrics.payback_years
            notes[:1] = [assumptions_line(plan, base, several, keys)]
            local += local_notes(data, base, scenario, pid, choice, plan)
    if not rows:
        raise InputError(f"nothing to compare: {skipped[0]}", details=skipped[1:])
    order = sorted(range(len(rows)), key=lambda i: _SORTS[sort](rows[i]))
    rows, careers = [rows[i] for i in order], [careers[i] for i in order]
    if fmt not in MACHINE:
        notes[:0] = answers(rows, careers, several)
    local = list(dict.fromkeys(local))
    notes += local
    notes += [f"Debt of {row_label(r)} ({r['institution']}) includes "
              f"{money(r['private_debt'])} of private loans above the federal limits "
              "(--private-loan-rate)." for r in rows if r["private_debt"] > 0]
    notes += [financed_note(r) for r in rows if r["debt_at_repayment"] > 0]
    notes += [f"Skipped (cannot be priced): {s}." for s in skipped]
    row_keys = list(METRIC_KEYS)
    if rows and "program" in rows[0]:
        row_keys = [METRIC_KEYS[0], "program", *METRIC_KEYS[1:]]
    emit(Report(rows=rows, columns=_compare_columns(rows, several), keys=row_keys, notes=notes),
         fmt,
         view_of(wide, columns))
    if fmt in MACHINE:
        for note in local:
            sys.stderr.write(printable(f"note: {note}") + "\n")
        for s in skipped:
            sys.stderr.write(f"note: skipped (cannot be priced): {s}\n")
    if chart or chart_file:
        draw_charts(curves, paybacks, chart, chart_file, fmt, "Break-even by pathway")


def _compare_columns(rows: list[dict], several: tuple[str, ...] = ()) -> list[Column]:
    """`COMPARE_COLUMNS`, with the programme after the pathway when one is priced, and the
    study mode after the institution when the rows differ by it."""
    columns = list(COMPARE_COLUMNS)
    if "study_mode" in several:
        columns.insert(2, Column("study_mode", "Mode", text, "left", wrap=False))
    if any(r.get("program") for r in rows):
        columns.insert(1, Column("program", "Programme", text, "left", wrap=False))
    return columns


def local_notes(data: Any, base: Any, scenario: Any, pid: str, choice: Any,
                 plan: Any) -> list[str]:
    """The notes of a programme and of a state (`cli.places`), when either is priced."""
    if choice is None and scenario.state is None:
        return []
    from himcalc.cli import places
    from himcalc.engine.plan import plan_terms

    notes = []
    if choice is not None:
        notes.append(places.program_note(data, base, scenario, choice, plan))
    if scenario.state is not None:
        notes.append(places.state_note(data, scenario, plan_terms(data, scenario, pid).local))
    return notes


SHOW_COLUMNS = [
    Column("year", "Year", number),
    Column("age", "Age", number, priority=2),
    Column("phase", "Phase", text, "left"),
    Column("direct_cost", "Direct cost", money, priority=3),
    Column("foregone_earnings", "Forgone", money, priority=3),
    Column("earnings_with", "Earn. with", money),
    Column("earnings_without", "Earn. without", money),
    Column("aid", "Aid", money, priority=4),
    Column("loan_payment", "Loan pmt", money, priority=5),
    Column("net", "Net", money),
    Column("cumulative", "Cumulative", money),
    Column("discounted_cumulative", "Disc. cumul.", money, priority=1),
    Column("cash_position", "Own cash", money, priority=4),
]

METRIC_LABELS = [
    ("years_to_complete", "Years to complete", number),
    ("direct_cost", "Direct cost (tuition, fees, books, exam)", money),
    ("opportunity_cost", "Forgone earnings", money),
    ("total_cost", "Total cost", money),
    ("aid", "Grants, assistance and tax credits", money),
    ("debt_at_repayment", "Debt when repayment starts", money),
    ("private_debt", "  of which private (above the federal limits)", money),
    ("monthly_payment", "Monthly loan payment", money),
    ("starting_salary", "Starting salary", money),
    ("annual_premium", "Annual earnings premium", money),
    ("payback_years", "Payback (years from start)", years),
    ("payback_after_completion", "Payback (years after completion)", years),
    ("discounted_payback_years", "Discounted payback", years),
    ("npv", "NPV", money),
    ("irr", "IRR", percent),
    ("npv_per_dollar_invested", "NPV per $ invested", ratio),
    ("lifetime_earnings_gain", "Lifetime earnings gain", money),
    ("npv_10", "NPV at 10 years", money),
    ("npv_20", "NPV at 20 years", money),
    ("npv_40", "NPV at 40 years", money),
    ("price_to_earnings_premium", "Price-to-earnings premium (years)", ratio),
    ("completion_probability", "Completion probability", percent),
]

FINANCED_LABELS = [
    ("npv_financed", "NPV of own cash (with loans)", money),
    ("financed_low_point", "Lowest own-cash position", money),
    ("financed_low_point_years", "  reached after (years from start)", number),
    ("financed_back_to_even_years", "  back to even after (years from start)", years),
    ("debt_free_years", "Debt-free after (years from start)", years),
]
"""The financed view, shown under the metrics when the person borrows."""


def cash_flow_rows(plan: Any, flows: Any) -> list[dict]:
    """The engine's columns as one dict per year, with cumulative and discounted cumulative."""
    from himcalc.engine.finance import cumulative, discount

    cum = cumulative(flows.net)
    disc = cumulative(discount(plan.discount_rate, flows.net))
    cash = cumulative(flows.net_financed)
    return [
        {
            "year": t,
            "age": plan.age + t,
            "phase": "study" if flows.study_share[t] > 0 else "career",
            "direct_cost": flows.direct_cost[t],
            "foregone_earnings": flows.forgone_earnings[t],  # key spelling: a JSON contract
            "earnings_with": flows.earnings_with[t],
            "earnings_without": flows.earnings_without[t],
            "taxes": flows.taxes[t],
            "aid": flows.aid[t],
            "loan_disbursed": flows.loan_disbursed[t],
            "loan_payment": flows.loan_payment[t],
            "net": flows.net[t],
            "cumulative": cum[t],
            "discounted_cumulative": disc[t],
            "net_financed": flows.net_financed[t],
            "cash_position": cash[t],
        }
        for t in range(plan.horizon)
    ]


def assumptions(plan: Any, scenario: Any) -> dict:
    """Every scenario value used, resolved (defaults filled in)."""
    from dataclasses import asdict

    tables = ("loan_rules", "career_occupational", "career_outside", "tax_brackets")
    used = {k: v for k, v in asdict(plan).items() if k not in tables}
    used.update({k: getattr(scenario, k) for k in ("education", "percentile", "tuition_basis",
                                                     "earnings_basis")})
    used.update({k: getattr(scenario, k) for k in ("program", "state")
                 if getattr(scenario, k) is not None})
    return used


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
    from himcalc.engine.metrics import METRIC_KEYS, evaluate
    from himcalc.engine.plan import make_plan

    _check_chart(chart, chart_file, fmt)
    data = load_data()
    base = scenario_from(flags or {}, data=data, institution=institution)
    scenario, pid, choice = one_task(data, base, pathway, program)
    plan = make_plan(data, scenario, pid)
    metrics, flows = evaluate(plan)
    rows = cash_flow_rows(plan, flows)
    m = metrics.as_dict()
    payback = m["payback_years"]
    marked = {math.ceil(payback) - 1} if payback else set()
    name = data.get("pathways")[pid].name
    labels = METRIC_LABELS + (FINANCED_LABELS if m["debt_at_repayment"] > 0 else [])
    metric_rows = [{"metric": label, "value": fmt_(m[key])} for key, label, fmt_ in labels]
    keys = (program,) if program else ()
    local = local_notes(data, base, scenario, pid, choice, plan)
    summary = Report(rows=metric_rows, title="Metrics",
                     columns=[Column("metric", "Metric", text, "left"),
                              Column("value", "Value", text)],
                     notes=[assumptions_line(plan, base, programs=keys), *local])
    if fmt in MACHINE:
        for note in local:
            sys.stderr.write(printable(f"note: {note}") + "\n")
    breakeven = "No break-even within the horizon: the position ends under water."
    if payback == 0.0:
        breakeven = "Never under water: the position is never negative (payback 0.0)."
    elif marked:
        breakeven = (f"Break-even in year {min(marked)} (payback {payback:.1f} years from the "
                     "start of study, for good): the marked row.")
    title = f"{name} ({pid}, {plan.institution})"
    data_ = {"pathway": pid, "name": name}
    if choice is not None:
        title = f"{choice.name} ({choice.key}, as {pid}, {plan.institution})"
        data_["program"] = choice.key
    report = Report(
        rows=rows, columns=SHOW_COLUMNS, title=title,
        notes=[breakeven], marked=marked, sections=[summary],
        data={**data_, "assumptions": assumptions(plan, scenario),
              "metrics": {k: m[k] for k in METRIC_KEYS},
              "cash_flows": rows},
    )
    emit(report, fmt, view_of(wide, columns))
    if chart or chart_file:
        curve = [r["cumulative"] for r in rows]
        draw_charts({pid: curve}, {pid: payback}, chart, chart_file, fmt, name)
