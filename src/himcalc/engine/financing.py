"""Borrowing while studying and repaying afterwards, as yearly cash flows.

This adapts the federal loan model (`engine.loans`) to the engine's year grid:

* study starts on `START` (the first academic year under the July 1, 2026 rules); each
  year's borrowing is split by the federal annual and aggregate limits into subsidized,
  unsubsidized and private (the excess), disbursed in two halves (`semester_disbursements`);
* the student receives the federal amounts net of the origination fee (that net is the
  `loan_disbursed` inflow); they owe the gross;
* unsubsidized and private principal accrues simple daily interest until repayment starts
  six months after study ends; on the federal loans that interest is *not* capitalized then
  (87 FR 65904, from 2023-07-01): it stays owed, earns no interest and is paid first
  (`loans.amortize`); the private loan capitalizes it, as private lenders do;
* the federal principal picks the Tiered Standard term and is repaid on the chosen plan
  (Tiered Standard by default; RAP is priced on the graduate's starting salary as AGI,
  growing with real wage growth); the private balance over ten years at the private rate;
* each monthly payment falls in year index (months since START) // 12, and the borrower is
  debt-free after the last one (`LoanOutcome.debt_free_years`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

from himcalc.models.enums import LoanPlan

if TYPE_CHECKING:  # `loans` is imported only when someone borrows
    from himcalc.engine import loans as L

START = date(2026, 8, 24)
"""First day of study assumed for every scenario (a late-August start of the 2026-27 year)."""

PRIVATE_TERM_MONTHS = 120


@dataclass(frozen=True, slots=True)
class LoanRules:
    """The federal records one plan needs (picked by `plan.make_plan`)."""

    federal_rate: float
    origination_fee: float
    limits: tuple
    repayment_plans: dict


class Borrower(Protocol):
    """What `finance` reads of a plan (`plan.Plan` has it all): the parameters of borrowing,
    owned here so that this module need not know the plan (which imports it)."""

    horizon: int
    borrow_per_year: float
    loan_rules: LoanRules | None
    credential_level: str
    independent: bool
    first_year_in_school: int
    loan_rate: float | None
    private_loan_rate: float
    loan_plan: str
    dependents: int
    wage_growth: float


@dataclass(frozen=True, slots=True)
class LoanOutcome:
    """Yearly loan cash flows and the figures reports show."""

    disbursed: list[float]
    payments: list[float]
    debt_at_repayment: float
    federal_debt: float
    private_debt: float
    monthly_payment: float
    term_months: int
    plan: str
    debt_free_years: float = 0.0
    """Years from the start of study to the month of the last payment (0 without a loan)."""


def no_loan(horizon: int) -> LoanOutcome:
    """No borrowing: all zeros."""
    zeros = [0.0] * horizon
    return LoanOutcome(zeros, zeros, 0.0, 0.0, 0.0, 0.0, 0, "none")


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def finance(plan: Borrower, years: float, agi: float) -> LoanOutcome:
    """Loan flows for studying `years` under `plan`; `agi` is the first repayment year's income."""
    horizon = plan.horizon
    if plan.borrow_per_year <= 0 or years <= 0 or plan.loan_rules is None:
        return no_loan(horizon)
    from himcalc.engine import loans as L  # imported here: most runs borrow nothing

    rules: LoanRules = plan.loan_rules
    n_years = math.ceil(years - 1e-9)
    requested = [plan.borrow_per_year * min(1.0, years - k) for k in range(n_years)]
    level: Literal["graduate", "undergraduate"] = (
        "graduate" if plan.credential_level == "master" else "undergraduate")
    split = L.borrowing_plan(
        requested, rules.limits, level=level,
        dependency="independent" if plan.independent else "dependent",
        origination_fee=rules.origination_fee,
        first_year_in_school=plan.first_year_in_school,
    )
    sub = L.semester_disbursements(START, [y.subsidized for y in split.years], subsidized=True)
    unsub = L.semester_disbursements(START, [y.unsubsidized for y in split.years])
    private = L.semester_disbursements(START, [y.private for y in split.years])
    last_day = START + timedelta(days=round(years * 365.25) - 1)
    repay_day = L.repayment_start(last_day)
    federal_rate = plan.loan_rate if plan.loan_rate is not None else rules.federal_rate
    federal = L.accrue(sub + unsub, federal_rate, repay_day, capitalize=False)
    private_balance = L.accrue(private, plan.private_loan_rate, repay_day).balance

    disbursed = [0.0] * horizon
    for k, y in enumerate(split.years):
        if k < horizon:
            disbursed[k] += y.net_federal + y.private

    schedule = _federal_schedule(plan, rules, federal, federal_rate, agi)
    private_schedule = L.amortize(private_balance, plan.private_loan_rate, PRIVATE_TERM_MONTHS)
    payments = [0.0] * horizon
    first = _months_between(START, repay_day)
    for sched in (schedule, private_schedule):
        for row in sched.rows:
            idx = (first + row.month - 1) // 12
            if idx < horizon:
                payments[idx] += row.payment
    months = max(schedule.summary.n_payments, private_schedule.summary.n_payments)
    return LoanOutcome(
        disbursed=disbursed,
        payments=payments,
        debt_at_repayment=federal.balance + federal.interest + private_balance,
        federal_debt=federal.balance + federal.interest,
        private_debt=private_balance,
        monthly_payment=schedule.summary.monthly_payment
        + private_schedule.summary.monthly_payment,
        term_months=months,
        plan=plan.loan_plan,
        debt_free_years=(first + months) / 12 if months else 0.0,
    )


def _federal_schedule(plan: Borrower, rules: LoanRules, federal: L.AccrualResult, rate: float,
                      agi: float) -> L.Schedule:
    """The federal principal and its unpaid (uncapitalized) interest on the chosen plan."""
    from himcalc.engine import loans as L

    plans = rules.repayment_plans
    principal, unpaid = federal.balance, federal.interest
    chosen = LoanPlan(plan.loan_plan)
    record: Any = plans.get(chosen.record_kind)  # standard-10's may be absent
    if chosen is LoanPlan.standard_10:
        return L.standard_10(principal, rate, record, unpaid_interest=unpaid)
    if chosen is LoanPlan.rap:
        return L.rap_schedule(principal, rate, agi, plan.dependents, record,
                              agi_growth=plan.wage_growth, unpaid_interest=unpaid)
    return L.tiered_standard(principal, rate, record, unpaid_interest=unpaid)
