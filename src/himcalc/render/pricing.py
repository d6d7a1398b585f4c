"""The reports of `compare` and `show`: their tables, the answers and notes under them.

`compare_report` and `show_report` turn the application's results (`himcalc.app.compare`,
`himcalc.app.show`) into `Report`s; the sentences and the assumptions line that make a
shared table reproducible are written here (and `choices_text` is shared with the risk
commands).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from himcalc.engine.scenario_rules import RATES
from himcalc.render.columns import Column, money, number, percent, ratio, text, years
from himcalc.render.report import Report

if TYPE_CHECKING:
    from himcalc.app.compare import CompareResult
    from himcalc.app.show import ShowResult
    from himcalc.models.store import Datasets

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


def answers(rows: list[dict], careers: list[dict | None], several: bool | tuple[str, ...],
            career_years: int) -> list[str]:
    """One plain sentence per question a person asks of `compare`, with its figures: which
    pathway is worth most (NPV), pays back soonest, costs least, and where each career goes
    (`careers[i]`: the earnings of `rows[i]` `career_years` after completing, or None).
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
    def gap(difference: float) -> str:
        more = "more" if difference >= 0 else "less"
        return f"{money(abs(difference))} {more} than without it"

    parts = [f"{name(r)} {money(c['with'])} a year ({gap(c['with'] - c['without'])}; "
             f"{money(r['starting_salary'])} at the start)"
             for r, c in zip(rows, careers, strict=True) if c is not None]
    if parts:
        out.append(f"Where the career goes, {career_years} years after completing: "
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


FLAG_NAMES = {"salary_kept_share": "salary-kept", "scenario_file": "scenario"}
BOOL_FLAGS = {"cap_employer_assistance": ("--assistance-cap", "--no-assistance-cap"),
              "tax_credits": ("--tax-credits", "--no-tax-credits"),
              "completion_risk": ("--completion-risk", "--no-completion-risk")}


def choices_text(scenario: Any, skip: tuple[str, ...] = (), programs: tuple[str, ...] = (),
                 data_path: Path | None = None,
                 repeated: dict[str, list[str]] | None = None) -> str | None:
    """Every scenario value that differs from its default, written as the flags that give
    it (a `--scenario` file's values included), plus `--data` and the `--program`s priced:
    enough to rerun the table."""
    flags = []
    if data_path is not None:
        flags.append(f"--data {data_path}")
    flags += [f"--program {key}" for key in programs]
    for name, values in (repeated or {}).items():  # a flag the rows vary: every value
        flags += [f"--{name.replace('_', '-')} {value}" for value in values]
    for name, info in type(scenario).model_fields.items():
        value = getattr(scenario, name)
        if name in skip or name == "program" or value == info.default:
            continue
        if name in BOOL_FLAGS:
            flags.append(BOOL_FLAGS[name][0 if value else 1])
            continue
        flag = "--" + FLAG_NAMES.get(name, name.replace("_", "-"))
        if name in RATES:
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
                     programs: tuple[str, ...] = (), data_path: Path | None = None,
                     rows: list[dict] | None = None) -> str:
    """The assumptions behind a table (the plan's resolved defaults) and every non-default
    choice, so that a shared table can be recomputed; `several`: the choices the rows vary
    (True: the institution), each value of which (read from `rows`) is listed as its flag."""
    end = plan.age + plan.horizon - 1
    tax = "pre-tax" if plan.tax_rate == 0 else f"tax {percent(plan.tax_rate)}"
    varied = ("institution",) if several is True else (several or ())
    repeated = {key: list(dict.fromkeys(str(r[key]) for r in rows or [])) for key in varied}
    choices = choices_text(scenario, varied, programs, data_path, repeated)
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


def local_notes(data: Datasets, base: Any, scenario: Any, pid: str, choice: Any,
                plan: Any) -> list[str]:
    """The notes of a programme and of a state (`render.places`), when either is priced, and
    of a horizon that ends before study does."""
    short = []
    if plan.horizon < plan.years_to_complete:
        short = [f"The horizon ({plan.horizon} year{'s' if plan.horizon != 1 else ''}) ends "
                 f"before {pid}'s "
                 f"{plan.years_to_complete:g} years of study: only the costs and earnings of "
                 "those years are counted."]
    if choice is None and scenario.state is None:
        return short
    from himcalc.engine.plan import plan_terms
    from himcalc.render import places

    notes: list[str] = []
    if choice is not None:
        notes.append(places.program_note(data, base, scenario, choice, plan))
    if scenario.state is not None:
        notes.append(places.state_note(data, scenario, plan_terms(data, scenario, pid).local))
    return short + notes


def _compare_columns(rows: list[dict], several: tuple[str, ...] = ()) -> list[Column]:
    """`COMPARE_COLUMNS`, with the programme after the pathway when one is priced, and the
    study mode after the institution when the rows differ by it."""
    columns = list(COMPARE_COLUMNS)
    if "study_mode" in several:
        columns.insert(2, Column("study_mode", "Mode", text, "left", wrap=False))
    if any(r.get("program") for r in rows):
        columns.insert(1, Column("program", "Programme", text, "left", wrap=False))
    return columns


def compare_report(data: Datasets, result: CompareResult, machine: bool,
                   data_path: Path | None = None) -> tuple[Report, list[str]]:
    """`compare`'s report (the answers only for people, not `machine` formats), and the
    programme and state notes (which machine formats write to stderr)."""
    from himcalc.app.compare import CAREER_YEARS

    rows, several = result.rows, result.several
    last = result.priced[-1]
    notes = [assumptions_line(last.plan, last.base, several, result.programs, data_path, rows)]
    if not machine:
        notes[:0] = answers(rows, result.careers, several, CAREER_YEARS)
    local: list[str] = []
    for p in result.priced:
        local += local_notes(data, p.base, p.scenario, p.pathway, p.choice, p.plan)
    local = list(dict.fromkeys(local))
    notes += local
    notes += [f"Debt of {row_label(r)} ({r['institution']}) includes "
              f"{money(r['private_debt'])} of private loans above the federal limits "
              "(--private-loan-rate)." for r in rows if r["private_debt"] > 0]
    notes += [financed_note(r) for r in rows if r["debt_at_repayment"] > 0]
    notes += [f"Skipped (cannot be priced): {s}." for s in result.skipped]
    report = Report(rows=rows, columns=_compare_columns(rows, several), keys=result.keys,
                    notes=notes)
    return report, local


def compare_curves(result: CompareResult) -> tuple[dict[str, list[float]],
                                                   dict[str, float | None]]:
    """The break-even chart's series and paybacks, by row label (in the order priced)."""
    curves: dict[str, list[float]] = {}
    paybacks: dict[str, float | None] = {}
    for p in result.priced:
        label = row_label(p.row, result.several)
        curves[label] = p.cumulative
        paybacks[label] = p.row["payback_years"]
    return curves, paybacks


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


def show_report(data: Datasets, result: ShowResult, program: str | None,
                data_path: Path | None = None) -> tuple[Report, list[str]]:
    """`show`'s report (cash flows, then the metrics), and the programme and state notes."""
    from himcalc.engine.metrics import METRIC_KEYS

    m, plan, pid, choice = result.metrics, result.plan, result.pathway, result.choice
    payback = m["payback_years"]
    marked = {math.ceil(payback) - 1} if payback else set()
    labels = METRIC_LABELS + (FINANCED_LABELS if m["debt_at_repayment"] > 0 else [])
    metric_rows = [{"metric": label, "value": fmt_(m[key])} for key, label, fmt_ in labels]
    keys = (program,) if program else ()
    local = local_notes(data, result.base, result.scenario, pid, choice, plan)
    summary = Report(rows=metric_rows, title="Metrics",
                     columns=[Column("metric", "Metric", text, "left"),
                              Column("value", "Value", text)],
                     notes=[assumptions_line(plan, result.base, programs=keys,
                                             data_path=data_path), *local])
    breakeven = "No break-even within the horizon: the position ends under water."
    if payback == 0.0:
        breakeven = "Never under water: the position is never negative (payback 0.0)."
    elif marked:
        breakeven = (f"Break-even in year {min(marked)} (payback {payback:.1f} years from the "
                     "start of study, for good): the marked row.")
    title = f"{result.name} ({pid}, {plan.institution})"
    head = {"pathway": pid, "name": result.name}
    if choice is not None:
        title = f"{choice.name} ({choice.key}, as {pid}, {plan.institution})"
        head["program"] = choice.key
    report = Report(
        rows=result.rows, columns=SHOW_COLUMNS, title=title,
        notes=[breakeven], marked=marked, sections=[summary],
        data={**head, "assumptions": result.assumptions,
              "metrics": {k: m[k] for k in METRIC_KEYS},
              "cash_flows": result.rows},
    )
    return report, local
