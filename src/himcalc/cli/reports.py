"""`himcalc compare` and `himcalc show`: parse → load → engine → render."""

from __future__ import annotations

import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from himcalc.cli.common import load_data, resolve_pathways, scenario_from
from himcalc.cli.options import (
    FormatOption,
    InstitutionOption,
    InstitutionsOption,
    PathwaysArg,
    with_scenario,
)
from himcalc.errors import UsageError, printable
from himcalc.render.columns import Column, money, number, percent, ratio, text, years
from himcalc.render.report import Format, Report, emit


class SortKey(StrEnum):
    payback = "payback"
    npv = "npv"
    irr = "irr"
    cost = "cost"


COMPARE_COLUMNS = [
    Column("pathway", "Pathway", text, "left"),
    Column("institution", "Institution", text, "left"),
    Column("years_to_complete", "Years", number),
    Column("total_cost", "Total cost", money),
    Column("debt_at_completion", "Debt", money),
    Column("starting_salary", "Start salary", money),
    Column("annual_premium", "Premium per yr", money),
    Column("payback_years", "Payback", years),
    Column("payback_after_completion", "After grad", years),
    Column("discounted_payback_years", "Disc. payback", years),
    Column("npv", "NPV", money),
    Column("irr", "IRR", percent),
]

METRIC_KEYS = [
    "pathway", "institution", "study_mode", "years_to_complete", "direct_cost",
    "opportunity_cost", "total_cost", "aid", "debt_at_completion", "private_debt",
    "monthly_payment",
    "starting_salary", "annual_premium", "payback_years", "payback_after_completion",
    "discounted_payback_years", "npv", "irr", "irr_status", "roi", "lifetime_earnings_gain",
    "npv_10", "npv_15", "npv_20", "npv_30", "npv_40", "price_to_earnings_premium",
    "completion_probability",
]
"""Keys of a metrics row, in the order of JSON objects and CSV columns (a documented contract)."""

_SORTS = {
    SortKey.payback: lambda r: (r["payback_years"] is None, r["payback_years"] or 0.0),
    SortKey.npv: lambda r: -r["npv"],
    SortKey.irr: lambda r: (r["irr"] is None, -(r["irr"] or 0.0)),
    SortKey.cost: lambda r: r["total_cost"],
}

def evaluate_rows(data: Any, scenario: Any, pathways: list[str]) -> list[dict]:
    """One metrics row per pathway (shared by `compare` and `batch`)."""
    from himcalc.engine.metrics import evaluate
    from himcalc.engine.plan import make_plan

    return [evaluate(make_plan(data, scenario, pid))[0].as_dict() for pid in pathways]


def assumptions_line(plan: Any, scenario: Any) -> str:
    """One line with the key assumptions behind a table (the plan's resolved defaults)."""
    end = plan.age + plan.horizon - 1
    tax = "pre-tax" if plan.tax_rate == 0 else f"tax {percent(plan.tax_rate)}"
    return (
        f"Assumptions: {percent(plan.discount_rate)} real discount rate; horizon "
        f"{plan.horizon} years (age {plan.age}-{end}); salary p{scenario.percentile:g}; "
        f"counterfactual {money(plan.counterfactual)}/yr ({scenario.education.value}); "
        f"{plan.study_mode}; {tax}; real dollars. Data: BLS wages May 2024, BLS "
        "Education pays 2024, College Board 2025-26 tuition. Payback in years from the start "
        "of study. Sources: 'himcalc data sources'; formulas: docs/methodology.md."
    )


ChartOption = Annotated[bool, typer.Option(
    "--chart", help="Also draw the cumulative net position by year (break-even chart) in the "
    "terminal. Example: himcalc compare --chart")]
ChartFileOption = Annotated[Path | None, typer.Option(
    "--chart-file", help="Write the break-even chart to a .svg or .png file (needs "
    "himcalc[chart]). Example: --chart-file payback.svg")]


def draw_charts(curves: dict[str, list[float]], paybacks: dict[str, float | None],
                chart: bool, chart_file: Path | None, fmt: Format, title: str) -> None:
    """Draw the break-even chart on stdout (after a table) and/or into a file."""
    from himcalc.render import chart as charts

    if chart_file is not None:
        charts.write_chart_file(chart_file, curves, paybacks, title)
        sys.stderr.write(f"chart written to {printable(chart_file)}\n")
    if chart:
        sys.stdout.write(charts.draw_terminal(curves, paybacks) + "\n")


def _check_chart(chart: bool, fmt: Format, chart_file: Path | None = None) -> None:
    if chart_file is not None and str(chart_file) == "-":
        raise UsageError("--chart-file -: the chart would be mixed with the report on stdout; "
                         "name a .svg or .png file")
    if chart and fmt not in (Format.table, Format.markdown):
        raise UsageError("--chart draws in table format only; use --chart-file with -f "
                         f"{fmt.value}")


def register(app: typer.Typer) -> None:
    app.command()(compare)
    app.command()(show)


@with_scenario
def compare(
    pathways: PathwaysArg = None,
    institution: InstitutionsOption = None,
    sort: Annotated[SortKey, typer.Option(
        help="Sort rows by payback, npv, irr or cost. Example: --sort npv")] = (
        SortKey.payback),
    fmt: FormatOption = Format.table,
    chart: ChartOption = False,
    chart_file: ChartFileOption = None,
    flags: dict | None = None,
) -> None:
    """Payback, NPV and IRR of every HIM pathway open to you, side by side.

    Example: himcalc compare --education associate --age 30 -f json
    """
    from himcalc.engine.finance import cumulative
    from himcalc.engine.metrics import evaluate
    from himcalc.engine.plan import make_plan

    _check_chart(chart, fmt, chart_file)
    data = load_data()
    rows: list[dict] = []
    curves: dict[str, list[float]] = {}
    paybacks: dict[str, float | None] = {}
    notes: list[str] = []
    several = len(institution or []) > 1
    for inst in institution or [None]:
        scenario = scenario_from(flags or {}, data=data, institution=inst)
        for pid in resolve_pathways(data, pathways, scenario):
            plan = make_plan(data, scenario, pid)
            metrics, flows = evaluate(plan)
            rows.append(metrics.as_dict())
            name = f"{pid} ({metrics.institution})" if several else pid
            curves[name] = cumulative(flows.net)
            paybacks[name] = metrics.payback_years
            notes[:1] = [assumptions_line(plan, scenario)]
    rows.sort(key=_SORTS[sort])
    notes += [f"Debt of {r['pathway']} ({r['institution']}) includes {money(r['private_debt'])} "
              "of private loans above the federal limits (--private-loan-rate)."
              for r in rows if r["private_debt"] > 0]
    emit(Report(rows=rows, columns=COMPARE_COLUMNS, keys=METRIC_KEYS, notes=notes), fmt)
    if chart or chart_file:
        draw_charts(curves, paybacks, chart, chart_file, fmt, "Break-even by pathway")


SHOW_COLUMNS = [
    Column("year", "Year", number),
    Column("age", "Age", number),
    Column("phase", "Phase", text, "left"),
    Column("direct_cost", "Direct cost", money),
    Column("foregone_earnings", "Foregone", money),
    Column("earnings_with", "Earn. with", money),
    Column("earnings_without", "Earn. without", money),
    Column("aid", "Aid", money),
    Column("loan_payment", "Loan pmt", money),
    Column("net", "Net", money),
    Column("cumulative", "Cumulative", money),
    Column("discounted_cumulative", "Disc. cumul.", money),
]

METRIC_LABELS = [
    ("years_to_complete", "Years to complete", number),
    ("direct_cost", "Direct cost (tuition, fees, books, exam)", money),
    ("opportunity_cost", "Foregone earnings", money),
    ("total_cost", "Total cost", money),
    ("aid", "Grants, assistance and tax credits", money),
    ("debt_at_completion", "Debt when repayment starts", money),
    ("private_debt", "  of which private (above the federal limits)", money),
    ("monthly_payment", "Monthly loan payment", money),
    ("starting_salary", "Starting salary", money),
    ("annual_premium", "Annual earnings premium", money),
    ("payback_years", "Payback (years from start)", years),
    ("payback_after_completion", "Payback (years after completion)", years),
    ("discounted_payback_years", "Discounted payback", years),
    ("npv", "NPV", money),
    ("irr", "IRR", percent),
    ("roi", "ROI (NPV per $ invested)", ratio),
    ("lifetime_earnings_gain", "Lifetime earnings gain", money),
    ("npv_10", "NPV at 10 years", money),
    ("npv_20", "NPV at 20 years", money),
    ("npv_40", "NPV at 40 years", money),
    ("price_to_earnings_premium", "Price-to-earnings premium (years)", ratio),
    ("completion_probability", "Completion probability", percent),
]


def cash_flow_rows(plan: Any, flows: Any) -> list[dict]:
    """The engine's columns as one dict per year, with cumulative and discounted cumulative."""
    from himcalc.engine.finance import cumulative, discount

    cum = cumulative(flows.net)
    disc = cumulative(discount(plan.discount_rate, flows.net))
    return [
        {
            "year": t,
            "age": plan.age + t,
            "phase": "study" if flows.study_share[t] > 0 else "career",
            "direct_cost": flows.direct_cost[t],
            "foregone_earnings": flows.foregone_earnings[t],
            "earnings_with": flows.earnings_with[t],
            "earnings_without": flows.earnings_without[t],
            "taxes": flows.taxes[t],
            "aid": flows.aid[t],
            "loan_disbursed": flows.loan_disbursed[t],
            "loan_payment": flows.loan_payment[t],
            "net": flows.net[t],
            "cumulative": cum[t],
            "discounted_cumulative": disc[t],
        }
        for t in range(plan.horizon)
    ]


def assumptions(plan: Any, scenario: Any) -> dict:
    """Every scenario value used, resolved (defaults filled in)."""
    from dataclasses import asdict

    used = {k: v for k, v in asdict(plan).items() if k != "loan_rules"}
    used["stages"] = [{"from_year": a, "annual_wage": w} for a, w in plan.stages]
    used.update({k: getattr(scenario, k) for k in ("education", "percentile", "tuition_basis")})
    return used


@with_scenario
def show(
    pathway: Annotated[str, typer.Argument(help="Pathway id. Example: himcalc show mha")],
    institution: InstitutionOption = None,
    fmt: FormatOption = Format.table,
    chart: ChartOption = False,
    chart_file: ChartFileOption = None,
    flags: dict | None = None,
) -> None:
    """Year-by-year cash flows of one pathway, its metrics, and the break-even year.

    Example: himcalc show associate-hit --study-mode part_time --borrow 4000
    """
    from himcalc.engine.metrics import evaluate
    from himcalc.engine.plan import make_plan

    _check_chart(chart, fmt, chart_file)
    data = load_data()
    scenario = scenario_from(flags or {}, data=data, institution=institution)
    [pid] = resolve_pathways(data, [pathway], scenario)
    plan = make_plan(data, scenario, pid)
    metrics, flows = evaluate(plan)
    rows = cash_flow_rows(plan, flows)
    m = metrics.as_dict()
    payback = m["payback_years"]
    marked = {math.ceil(payback) - 1} if payback else set()
    name = data.get("pathways")[pid].name
    metric_rows = [{"metric": label, "value": fmt_(m[key])} for key, label, fmt_ in METRIC_LABELS]
    summary = Report(rows=metric_rows, title="Metrics",
                     columns=[Column("metric", "Metric", text, "left"),
                              Column("value", "Value", text)],
                     notes=[assumptions_line(plan, scenario)])
    breakeven = "No break-even within the horizon."
    if marked:
        breakeven = (f"Break-even in year {min(marked)} (payback {payback:.1f} years from the "
                     "start of study): the marked row.")
    report = Report(
        rows=rows, columns=SHOW_COLUMNS, title=f"{name} ({pid}, {plan.institution})",
        notes=[breakeven], marked=marked, sections=[summary],
        data={"pathway": pid, "name": name,
              "assumptions": assumptions(plan, scenario),
              "metrics": {k: m[k] for k in METRIC_KEYS},
              "cash_flows": rows},
    )
    emit(report, fmt)
    if chart or chart_file:
        curve = [r["cumulative"] for r in rows]
        draw_charts({pid: curve}, {pid: payback}, chart, chart_file, fmt, name)
