"""`himcalc loan`: the repayment schedule of one federal loan, parse → load → engine → render.

The arithmetic is `himcalc.engine.loans` (the same functions `compare` and `show` use); this
module only resolves options and defaults, and shapes the result into rows:

* the balance entering repayment is `--principal`, plus, with `--in-school-months`, the simple
  daily interest of one unsubsidized disbursement made that many months before leaving school,
  accrued through school and `--grace-months` of grace (`engine.loans.accrue`); it is not
  capitalized (87 FR 65904, from July 2023): it is owed as unpaid interest, earns no interest
  and payments go to it first;
* `--years N` amortises it in level monthly payments over N years (no minimum payment);
  otherwise `--plan` picks the Tiered Standard, legacy standard-10 or RAP record in the data;
* the schedule is shown by repayment year (months 1-12 are year 1) or, with `--monthly`, by
  month.

JSON is one object (the summary keys built in `loan`, then `schedule`); CSV/TSV are the
schedule rows only.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated, Any

import typer

from himcalc.cli.common import load_data
from himcalc.cli.options import (
    ColumnsOption,
    FormatOption,
    WideOption,
    choice,
    parse_rate,
    view_of,
)
from himcalc.errors import DatasetError, InputError, UsageError
from himcalc.models.enums import LoanPlan
from himcalc.render.columns import Column, number, text
from himcalc.render.report import Format, Report, emit

PLAN_NAMES = {
    LoanPlan.tiered: "Tiered Standard",
    LoanPlan.standard_10: "legacy standard plan",
    LoanPlan.rap: "Repayment Assistance Plan",
}

MAX_PRINCIPAL = 10_000_000.0
"""Same cap as the datasets' `Money` (models.common.MAX_MONEY), not imported: pydantic stays
unloaded until a command runs."""

LEVEL = "level"
"""The `plan` reported for `--years N`: a plain level-payment loan."""

def cents(value: Any) -> str:
    """Dollars and cents for people: `$12,345.67`, `-$0.50`, `—` for null.

    >>> cents(12345.674), cents(-0.5), cents(-0.001), cents(None)
    ('$12,345.67', '-$0.50', '$0.00', '—')
    """
    if value is None:
        return "—"
    sign = "-" if value < 0 and round(abs(value), 2) != 0 else ""
    return f"{sign}${abs(value):,.2f}"


def rate_text(value: float) -> str:
    """An annual rate to two decimals, as loan rates are quoted: `6.52%`."""
    return f"{value * 100:.2f}%"


def register(app: typer.Typer) -> None:
    app.command()(loan)


def loan(
    principal: Annotated[float, typer.Option(
        min=0, max=MAX_PRINCIPAL, show_default=False,
        help="Amount borrowed, in dollars (0 to 10,000,000). Example: --principal 27000")],
    rate: Annotated[float | None, typer.Option(
        parser=parse_rate, metavar="RATE", show_default=False,
        help="Fixed annual interest rate, as 0.0652 or 6.52% (a bare 6.52 is refused); "
        "default: the 2026-27 undergraduate Direct Loan rate in the data. "
        "Example: --rate 6.39%")] = None,
    years: Annotated[int | None, typer.Option(
        min=1, max=50, show_default=False,
        help="Repay in level monthly payments over this many years, instead of a federal "
        "plan (no minimum payment; not with --plan). Example: --years 10")] = None,
    plan: Annotated[LoanPlan | None, typer.Option(
        **choice(LoanPlan), show_default=False,
        help="Federal repayment plan: tiered (Tiered Standard, term 10-25 years by balance, "
        "the default), standard-10 (legacy, $50 minimum) or rap (income-driven; needs "
        "--income). Example: --plan rap")] = None,
    income: Annotated[float | None, typer.Option(
        show_default=False,
        help="Adjusted gross income in the first year of repayment, dollars per year; "
        "required with --plan rap (0 is valid and pays the $10 minimum). "
        "Example: --income 45000")] = None,
    dependents: Annotated[int | None, typer.Option(
        min=0, show_default=False,
        help="Dependents claimed on your tax return, for RAP (each lowers the payment by "
        "$50 a month); default 0. Example: --dependents 2")] = None,
    income_growth: Annotated[float | None, typer.Option(
        parser=parse_rate, metavar="RATE", show_default=False,
        help="Yearly growth of the income, for RAP; the payment is recomputed every 12 "
        "months; default 0%. Example: --income-growth 3%")] = None,
    grace_months: Annotated[int, typer.Option(
        min=0, max=60,
        help="Months from leaving school to the start of repayment. Interest accrues over "
        "them only with --in-school-months > 0. Example: --grace-months 6")] = 6,
    in_school_months: Annotated[int, typer.Option(
        min=0, max=120,
        help="Months before leaving school that the principal was disbursed. When > 0 it "
        "is treated as one unsubsidized disbursement: simple daily interest (actual/365) "
        "accrues through school and the grace period; it is not capitalized when repayment "
        "starts (the Direct Loan rule since July 2023) but owed as unpaid interest, paid "
        "first. 0 means the principal is the balance entering repayment. "
        "Example: --in-school-months 24")] = 0,
    monthly: Annotated[bool, typer.Option(
        "--monthly", help="Show every monthly payment instead of one row per repayment "
        "year. Example: --monthly -f csv")] = False,
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """Monthly payment, totals and repayment schedule of one federal student loan.

    Payments are not rounded to cents, so a servicer's figures can differ by a few cents.

    Example: himcalc loan --principal 27000 --in-school-months 24 --plan tiered
    """
    chosen = _check_options(plan, years, income, dependents, income_growth)
    view = view_of(wide, columns)
    if not math.isfinite(principal):
        raise UsageError(f"--principal must be a finite number of dollars, not {principal}")
    if rate is not None and not math.isfinite(rate):
        raise UsageError("--rate must be a finite rate, e.g. 6.52%")
    if rate is not None and rate < 0:
        raise UsageError(f"--rate must be 0% or more, not {rate_text(rate)}")

    need_data = rate is None or years is None
    data = load_data() if need_data else None
    annual_rate = rate if rate is not None else _default_rate(data)
    record = None if years is not None else _plan_record(data, chosen)

    unpaid = _accrued_interest(principal, annual_rate, in_school_months, grace_months)
    schedule, term_months = _schedule(chosen, years, record, principal, unpaid, annual_rate,
                                      income, dependents or 0, income_growth or 0.0)
    s = schedule.summary
    rap = chosen is LoanPlan.rap
    result: dict[str, Any] = {
        "plan": LEVEL if years is not None else chosen.value,
        "principal": principal,
        "annual_rate": annual_rate,
        "in_school_months": in_school_months,
        "grace_months": grace_months,
        "unpaid_interest": unpaid,
        "balance_at_repayment": principal + unpaid,
        "term_months": term_months,
        "monthly_payment": s.monthly_payment,
        "n_payments": s.n_payments,
        "total_paid": s.total_paid,
        "total_interest": s.total_interest,
    }
    if rap:
        result.update(income=income, dependents=dependents or 0,
                      income_growth=income_growth or 0.0, interest_waived=s.interest_waived,
                      principal_matched=s.principal_matched, forgiven=s.forgiven)
    if not all(math.isfinite(v) for v in result.values() if isinstance(v, float)):
        raise InputError("the inputs are too large to compute a schedule")

    rows = _monthly_rows(schedule.rows, rap) if monthly else _yearly_rows(schedule.rows, rap)
    schedule_columns = _schedule_columns(monthly, rap)
    keys = [c.key for c in schedule_columns]
    schedule_report = Report(rows=rows, columns=schedule_columns, keys=keys,
                             title="Schedule by month" if monthly else "Schedule by year",
                             notes=_notes(result, years, chosen))
    if fmt in (Format.csv, Format.tsv):
        emit(schedule_report, fmt, view)
        return
    result["schedule_by"] = "month" if monthly else "year"
    result["schedule"] = rows
    summary = Report(rows=_summary_rows(result, rap), title=_title(result, years, chosen),
                     columns=[Column("item", "Item", text, "left"),
                              Column("value", "Value", text)],
                     sections=[schedule_report], data=result)
    emit(summary, fmt, view)


# --------------------------------------------------------------------------- options


def _check_options(plan: LoanPlan | None, years: int | None, income: float | None,
                   dependents: int | None, income_growth: float | None) -> LoanPlan:
    """The plan to use, after refusing combinations of options that contradict each other."""
    if years is not None and plan is not None:
        raise UsageError("--years and --plan cannot be combined: --years N is a plain "
                         "level-payment loan, --plan a federal repayment plan")
    chosen = plan or LoanPlan.tiered
    rap_only = [name for name, value in (("--income", income), ("--dependents", dependents),
                                         ("--income-growth", income_growth))
                if value is not None]
    if chosen is not LoanPlan.rap or years is not None:
        if rap_only:
            verb = "applies" if len(rap_only) == 1 else "apply"
            raise UsageError(f"{', '.join(rap_only)} only {verb} to --plan rap")
        return chosen
    if income is None:
        raise UsageError("--plan rap needs --income (adjusted gross income, dollars a year; "
                         "0 is valid), e.g. --income 45000")
    if not math.isfinite(income):
        raise UsageError(f"--income must be a finite number of dollars, not {income}")
    if income_growth is not None and not -1 < income_growth <= 1:
        raise UsageError("--income-growth must be more than -100% and at most 100% a year")
    return chosen


def _default_rate(data: Any) -> float:
    """The undergraduate rate of loans first disbursed when study starts in the engine."""
    from himcalc.engine.financing import START

    rates = [r for r in data.get("loan_rates").values()
             if r.loan_type == "undergraduate" and r.covers(START)]
    if not rates:
        raise DatasetError(f"no undergraduate loan rate in the data for loans first disbursed "
                           f"{START}: give --rate")
    return rates[0].annual_rate


def _plan_record(data: Any, plan: LoanPlan) -> Any:
    kind = plan.record_kind
    found = [p for p in data.get("repayment_plans").values() if p.kind == kind]
    if not found:
        raise DatasetError(f"no repayment plan of kind '{kind}' in the data "
                           f"(needed by --plan {plan.value})")
    return found[0]


# --------------------------------------------------------------------------- engine


def _accrued_interest(principal: float, annual_rate: float, in_school_months: int,
                      grace_months: int) -> float:
    """Interest accrued before repayment on one unsubsidized disbursement (0 without school).

    The disbursement is dated on the engine's first day of study (`financing.START`), school
    ends `in_school_months` later, and repayment starts `grace_months` after that; only the
    day count between those dates matters.
    """
    if in_school_months <= 0 or principal <= 0:
        return 0.0
    from himcalc.engine import loans as L
    from himcalc.engine.financing import START

    last_day = L.add_months(START, in_school_months) - timedelta(days=1)
    repay_day = L.repayment_start(last_day, grace_months)
    return L.accrue([L.Disbursement(START, principal)], annual_rate, repay_day).interest


def _schedule(plan: LoanPlan, years: int | None, record: Any, principal: float, unpaid: float,
              rate: float, income: float | None, dependents: int,
              growth: float) -> tuple[Any, int]:
    """The engine's schedule for the chosen plan, and the plan's term in months (the Tiered
    Standard term is set by the principal)."""
    from himcalc.engine import loans as L

    if years is not None:
        return L.amortize(principal, rate, years * 12, unpaid_interest=unpaid), years * 12
    if plan is LoanPlan.standard_10:
        return (L.standard_10(principal, rate, record, unpaid_interest=unpaid),
                record.term_years * 12)
    if plan is LoanPlan.rap:
        return (L.rap_schedule(principal, rate, income or 0.0, dependents, record,
                               agi_growth=growth, unpaid_interest=unpaid),
                record.forgiveness_months)
    return (L.tiered_standard(principal, rate, record, unpaid_interest=unpaid),
            L.tiered_standard_term_months(principal, record))


# --------------------------------------------------------------------------- rows


def _monthly_rows(rows: Any, rap: bool) -> list[dict]:
    """One dict per payment, keys in the order of `_schedule_columns` (balance last)."""
    out = []
    for r in rows:
        row = {"month": r.month, "payment": r.payment, "interest": r.interest,
               "principal": r.principal}
        if rap:
            row.update(interest_waived=r.interest_waived, principal_match=r.principal_match)
        row["balance"] = r.balance
        out.append(row)
    return out


def _yearly_rows(rows: Any, rap: bool) -> list[dict]:
    """Sum months 1-12 into year 1, 13-24 into year 2 …; balance is the year-end balance."""
    years: dict[int, dict] = {}
    for r in rows:
        year = (r.month - 1) // 12 + 1
        row = years.setdefault(year, {"year": year, "months": 0, "payments": 0.0,
                                      "interest": 0.0, "principal": 0.0,
                                      **({"interest_waived": 0.0, "principal_match": 0.0}
                                         if rap else {}),
                                      "balance": 0.0})
        row["months"] += 1
        row["payments"] += r.payment
        row["interest"] += r.interest
        row["principal"] += r.principal
        row["balance"] = r.balance
        if rap:
            row["interest_waived"] += r.interest_waived
            row["principal_match"] += r.principal_match
    return list(years.values())


def _schedule_columns(monthly: bool, rap: bool) -> list[Column]:
    lead = ([Column("month", "Month", number), Column("payment", "Payment", cents)] if monthly
            else [Column("year", "Year", number), Column("months", "Months", number),
                  Column("payments", "Payments", cents)])
    cols = [*lead, Column("interest", "Interest", cents), Column("principal", "Principal", cents)]
    if rap:
        cols += [Column("interest_waived", "Waived", cents),
                 Column("principal_match", "Matched", cents)]
    return [*cols, Column("balance", "Balance", cents)]


def _title(result: dict, years: int | None, plan: LoanPlan) -> str:
    months = result["term_months"]
    if years is not None:
        how = f"level payments over {years} years"
    elif plan is LoanPlan.rap:
        how = f"{PLAN_NAMES[plan]} (forgiveness after {months} payments)"
    else:
        how = f"{PLAN_NAMES[plan]} ({months // 12}-year term)"
    return f"Loan of {cents(result['principal'])} at {rate_text(result['annual_rate'])}, {how}"


def _summary_rows(result: dict, rap: bool) -> list[dict]:
    items: list[tuple[str, str]] = []
    if result["unpaid_interest"] > 0:
        items += [("Interest accrued before repayment (paid first)",
                   cents(result["unpaid_interest"])),
                  ("Owed when repayment starts", cents(result["balance_at_repayment"]))]
    items += [("Monthly payment (first)", cents(result["monthly_payment"])),
              ("Number of payments", number(result["n_payments"])),
              ("Total paid", cents(result["total_paid"])),
              ("Total interest", cents(result["total_interest"]))]
    if rap:
        items += [("Interest waived", cents(result["interest_waived"])),
                  ("Principal matched", cents(result["principal_matched"])),
                  ("Forgiven", cents(result["forgiven"]))]
    return [{"item": k, "value": v} for k, v in items]


def _notes(result: dict, years: int | None, plan: LoanPlan) -> list[str]:
    notes = ["Amounts are not rounded to cents; the last payment clears the balance."]
    if result["unpaid_interest"] > 0:
        notes.append(
            f"One unsubsidized disbursement {result['in_school_months']} months before leaving "
            f"school; simple daily interest (actual/365) through school and "
            f"{result['grace_months']} months of grace is owed when repayment starts, not "
            "capitalized (Direct Loan rule since July 2023, 87 FR 65904): payments go to it "
            "first and it earns no interest. Total paid = principal + total interest (which "
            "includes it).")
    if years is None and plan is LoanPlan.standard_10:
        notes.append("The standard 10-year plan is open only to borrowers with no Direct Loan "
                     "made on or after July 1, 2026.")
    if plan is LoanPlan.rap and years is None:
        notes.append(
            f"RAP: AGI {cents(result['income'])} growing {result['income_growth'] * 100:g}% a "
            f"year, {result['dependents']} dependents, on-time payments; unpaid interest is "
            "waived, principal falls at least min($50, payment) a month, and any balance left "
            "after 360 payments is forgiven (shown under Forgiven, not taxed here).")
    return notes
