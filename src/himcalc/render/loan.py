"""The report of `himcalc loan`: the summary table, then the schedule by year or by month.

JSON is one object (the summary keys, then `schedule_by` and `schedule`); CSV/TSV are the
schedule rows only (`loan_report(..., schedule_only=True)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from himcalc.models.enums import LoanPlan
from himcalc.render.columns import Column, number, text
from himcalc.render.report import Report

if TYPE_CHECKING:
    from himcalc.app.loan import LoanResult

PLAN_NAMES = {
    LoanPlan.tiered: "Tiered Standard",
    LoanPlan.standard_10: "legacy standard plan",
    LoanPlan.rap: "Repayment Assistance Plan",
}


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


def loan_report(result: LoanResult, schedule_only: bool) -> Report:
    """The summary with the schedule as its section, or (CSV/TSV) the schedule alone."""
    request, summary, rows = result.request, result.summary, result.rows
    rap, monthly = request.rap, request.monthly
    columns = _schedule_columns(monthly, rap)
    schedule = Report(rows=rows, columns=columns, keys=[c.key for c in columns],
                      title="Schedule by month" if monthly else "Schedule by year",
                      notes=_notes(summary, request.years, request.plan))
    if schedule_only:
        return schedule
    data = {**summary, "schedule_by": "month" if monthly else "year", "schedule": rows}
    return Report(rows=_summary_rows(summary, rap),
                  title=_title(summary, request.years, request.plan),
                  columns=[Column("item", "Item", text, "left"), Column("value", "Value", text)],
                  sections=[schedule], data=data)


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
