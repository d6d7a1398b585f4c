"""`himcalc loan`: the repayment schedule of one federal loan, parse → `himcalc.app.loan` →
`himcalc.render.loan`.

The arithmetic is the engine's (`himcalc.engine.financing` and `loans`, the functions
`compare` and `show` use); this module checks the options, which contradict each other in
a few ways (`--years` with `--plan`, RAP's options without `--plan rap`).
"""

from __future__ import annotations

import math
from typing import Annotated

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
from himcalc.errors import UsageError
from himcalc.models.enums import LoanPlan
from himcalc.render.report import Format, emit

MAX_PRINCIPAL = 10_000_000.0
"""Same cap as the datasets' `Money` (models.common.MAX_MONEY), not imported: pydantic stays
unloaded until a command runs."""


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
    from himcalc.app.loan import LoanRequest
    from himcalc.app.loan import loan as price_loan
    from himcalc.render.loan import loan_report

    chosen = _check_options(plan, years, income, dependents, income_growth)
    view = view_of(wide, columns)
    _check_numbers(principal, rate)
    request = LoanRequest(principal, rate, years, chosen, income, dependents or 0,
                          income_growth or 0.0, grace_months, in_school_months, monthly)
    result = price_loan(load_data() if request.needs_data else None, request)
    emit(loan_report(result, schedule_only=fmt in (Format.csv, Format.tsv)), fmt, view)


# --------------------------------------------------------------------------- options


def _check_numbers(principal: float, rate: float | None) -> None:
    """Refuse a principal or rate that is not a finite amount (or a negative rate)."""
    from himcalc.render.loan import rate_text

    if not math.isfinite(principal):
        raise UsageError(f"--principal must be a finite number of dollars, not {principal}")
    if rate is not None and not math.isfinite(rate):
        raise UsageError("--rate must be a finite rate, e.g. 6.52%")
    if rate is not None and rate < 0:
        raise UsageError(f"--rate must be 0% or more, not {rate_text(rate)}")


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
