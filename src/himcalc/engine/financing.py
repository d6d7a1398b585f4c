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
    """Loan flows for studying `years` under `plan`; `agi` is the first repayment year's
    income (dollars a year, RAP's starting AGI).

    Amounts are nominal dollars by year index (t = 0 the first year of study):
    `disbursed[t]` is what the student receives (federal loans net of the origination fee,
    plus any private loan), `payments[t]` what they repay, both positive; `debt_at_repayment`
    is owed when repayment starts (with the uncapitalized interest). No borrowing, no
    study time or no loan rules gives `no_loan`. Raises nothing for a plan `make_plan` built.

    >>> from himcalc.engine.plan import make_plan
    >>> from himcalc.engine.scenario import Scenario
    >>> from himcalc.shipped import load
    >>> plan = make_plan(load(), Scenario(borrow=5000), "coding-certificate")
    >>> out = finance(plan, plan.years_to_complete, 40_000)
    >>> round(out.disbursed[0], 2)  # $5,000 less the 1.057 % origination fee
    4947.15
    >>> out.debt_at_repayment > 5000, out.plan, out.term_months  # 10 years under $25,000
    (True, 'tiered', 120)
    """
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
    chosen = LoanPlan(plan.loan_plan)
    record: Any = rules.repayment_plans.get(chosen.record_kind)  # standard-10's may be absent
    return repayment_schedule(chosen, record, federal.balance, rate,
                              unpaid_interest=federal.interest, agi=agi,
                              dependents=plan.dependents, agi_growth=plan.wage_growth)


def repayment_schedule(plan: LoanPlan, record: Any, principal: float, annual_rate: float, *,
                       unpaid_interest: float = 0.0, agi: float = 0.0, dependents: int = 0,
                       agi_growth: float = 0.0) -> L.Schedule:
    """The monthly schedule of a federal `principal` (dollars) repaid on `plan`, whose
    repayment-plan record (`data/federal_loans.yaml`, kind `plan.record_kind`) is `record`.

    `annual_rate` is a fraction a year; `unpaid_interest` is owed, uncapitalized, and paid
    first; `agi` (dollars a year, growing `agi_growth` a year), and `dependents` set RAP's
    payment and are ignored by the other plans. Payments are positive amounts. A negative
    principal or rate raises ValueError; `record` must be of the plan's kind (it is not
    checked: `LoanPlan.record_kind` names it).

    >>> from himcalc.shipped import load
    >>> plans = {p.kind: p for p in load().get("repayment_plans").values()}
    >>> tiered = plans[LoanPlan.tiered.record_kind]
    >>> s = repayment_schedule(LoanPlan.tiered, tiered, 12_000.0, 0.0)
    >>> s.summary.n_payments, s.summary.monthly_payment  # 10 years at 0 %: 12,000 / 120
    (120, 100.0)
    """
    from himcalc.engine import loans as L

    if plan is LoanPlan.standard_10:
        return L.standard_10(principal, annual_rate, record, unpaid_interest=unpaid_interest)
    if plan is LoanPlan.rap:
        return L.rap_schedule(principal, annual_rate, agi, dependents, record,
                              agi_growth=agi_growth, unpaid_interest=unpaid_interest)
    return L.tiered_standard(principal, annual_rate, record, unpaid_interest=unpaid_interest)


def plan_term_months(plan: LoanPlan, record: Any, principal: float) -> int:
    """The term of `plan` in months: the Tiered Standard's is set by the principal, the
    legacy standard plan's by its record, RAP's is its forgiveness after so many payments.

    >>> from himcalc.shipped import load
    >>> plans = {p.kind: p for p in load().get("repayment_plans").values()}
    >>> plan_term_months(LoanPlan.tiered, plans["tiered_standard"], 30_000.0)  # $25k-$50k: 15 y
    180
    >>> plan_term_months(LoanPlan.rap, plans["rap"], 30_000.0)  # forgiven after 30 years
    360
    """
    from himcalc.engine import loans as L

    if plan is LoanPlan.standard_10:
        return record.term_years * 12
    if plan is LoanPlan.rap:
        return record.forgiveness_months
    return L.tiered_standard_term_months(principal, record)


def rates_at_start(data: Any, loan_type: str) -> list:
    """The `loan_rates` records of `loan_type` ("undergraduate", "graduate") that a loan first
    disbursed on `START` gets, in dataset order."""
    return [r for r in data.get("loan_rates").values()
            if r.loan_type == loan_type and r.first_disbursed_from <= START
            <= r.first_disbursed_to]


def interest_before_repayment(principal: float, annual_rate: float, in_school_months: int,
                              grace_months: int) -> float:
    """Interest accrued before repayment on one unsubsidized disbursement of `principal`
    dollars (0.0 when `in_school_months` or the principal is not positive).

    The disbursement is dated on the engine's first day of study (`START`), school ends
    `in_school_months` later, and repayment starts `grace_months` after that; simple daily
    interest (actual/365) at `annual_rate` (a fraction a year) over those days, not
    capitalized (`loans.accrue`).

    >>> # $10,000 at 3.65 % accrues $1 a day; 2026-08-24 to 2028-02-24 is 549 days
    >>> round(interest_before_repayment(10_000.0, 0.0365, 12, 6), 2)
    549.0
    >>> interest_before_repayment(10_000.0, 0.0365, 0, 6)  # the principal is the balance
    0.0
    """
    if in_school_months <= 0 or principal <= 0:
        return 0.0
    from himcalc.engine import loans as L

    last_day = L.add_months(START, in_school_months) - timedelta(days=1)
    repay_day = L.repayment_start(last_day, grace_months)
    return L.accrue([L.Disbursement(START, principal)], annual_rate, repay_day).interest
