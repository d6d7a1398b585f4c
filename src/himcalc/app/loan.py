"""`himcalc loan`: the repayment schedule of one federal loan.

`loan` resolves the defaults (the rate in force when study starts, the plan's record in the
data), asks the engine for the interest accrued before repayment and the schedule
(`himcalc.engine.financing`), and returns a `LoanResult`: the summary (the JSON object's
keys, in order) and the schedule rows by month or by repayment year. `himcalc.render.loan`
prints it.

* the balance entering repayment is the principal, plus, with `in_school_months`, the simple
  daily interest of one unsubsidized disbursement made that many months before leaving
  school, accrued through school and `grace_months` of grace; it is not capitalized (87 FR
  65904, from July 2023): it is owed as unpaid interest, earns no interest and payments go
  to it first;
* `years` amortises it in level monthly payments over that many years (no minimum payment);
  otherwise `plan` picks the Tiered Standard, legacy standard-10 or RAP record in the data;
* the schedule is by repayment year (months 1-12 are year 1) or, `monthly`, by month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from himcalc.errors import DatasetError, InputError
from himcalc.models.enums import LoanPlan

if TYPE_CHECKING:
    from himcalc.models.store import Datasets

LEVEL = "level"
"""The `plan` reported for `years`: a plain level-payment loan."""


@dataclass(frozen=True, slots=True)
class LoanRequest:
    """One loan as the command line gives it (checked there: no contradictory options)."""

    principal: float
    rate: float | None
    """A fraction a year; None: the undergraduate Direct Loan rate in the data."""
    years: int | None
    """Level payments over this many years instead of a federal plan."""
    plan: LoanPlan
    income: float | None
    dependents: int
    income_growth: float
    grace_months: int
    in_school_months: int
    monthly: bool

    @property
    def needs_data(self) -> bool:
        """Whether the datasets are read (the default rate, or a plan's record)."""
        return self.rate is None or self.years is None

    @property
    def rap(self) -> bool:
        return self.plan is LoanPlan.rap


@dataclass(frozen=True, slots=True)
class LoanResult:
    request: LoanRequest
    summary: dict[str, Any]
    """The JSON object's keys before `schedule_by` and `schedule`, in order."""
    rows: list[dict]
    """The schedule by month or by repayment year (CSV/TSV rows, JSON `schedule`)."""


def loan(data: Datasets | None, request: LoanRequest) -> LoanResult:
    """Price `request`; `data` may be None when `request.needs_data` is False. A DatasetError
    when the data lacks the default rate or the plan's record; an InputError when the figures
    overflow."""
    from himcalc.engine import financing

    r = request
    annual_rate = r.rate if r.rate is not None else default_rate(data)
    unpaid = financing.interest_before_repayment(r.principal, annual_rate, r.in_school_months,
                                                 r.grace_months)
    if r.years is not None:
        from himcalc.engine import loans as L

        schedule = L.amortize(r.principal, annual_rate, r.years * 12, unpaid_interest=unpaid)
        term_months = r.years * 12
    else:
        record = plan_record(data, r.plan)
        schedule = financing.repayment_schedule(
            r.plan, record, r.principal, annual_rate, unpaid_interest=unpaid,
            agi=r.income or 0.0, dependents=r.dependents, agi_growth=r.income_growth)
        term_months = financing.plan_term_months(r.plan, record, r.principal)
    s = schedule.summary
    summary: dict[str, Any] = {
        "plan": LEVEL if r.years is not None else r.plan.value,
        "principal": r.principal,
        "annual_rate": annual_rate,
        "in_school_months": r.in_school_months,
        "grace_months": r.grace_months,
        "unpaid_interest": unpaid,
        "balance_at_repayment": r.principal + unpaid,
        "term_months": term_months,
        "monthly_payment": s.monthly_payment,
        "n_payments": s.n_payments,
        "total_paid": s.total_paid,
        "total_interest": s.total_interest,
    }
    if r.rap:
        summary.update(income=r.income, dependents=r.dependents,
                       income_growth=r.income_growth, interest_waived=s.interest_waived,
                       principal_matched=s.principal_matched, forgiven=s.forgiven)
    if not all(math.isfinite(v) for v in summary.values() if isinstance(v, float)):
        raise InputError("the inputs are too large to compute a schedule")
    rows = (monthly_rows(schedule.rows, r.rap) if r.monthly
            else yearly_rows(schedule.rows, r.rap))
    return LoanResult(request, summary, rows)


def default_rate(data: Any) -> float:
    """The undergraduate rate of loans first disbursed when study starts in the engine."""
    from himcalc.engine.financing import START, rates_at_start

    rates = rates_at_start(data, "undergraduate")
    if not rates:
        raise DatasetError(f"no undergraduate loan rate in the data for loans first disbursed "
                           f"{START}: give --rate")
    return rates[0].annual_rate


def plan_record(data: Any, plan: LoanPlan) -> Any:
    """The plan's repayment-plan record in the data (the first of its kind)."""
    kind = plan.record_kind
    found = [p for p in data.get("repayment_plans").values() if p.kind == kind]
    if not found:
        raise DatasetError(f"no repayment plan of kind '{kind}' in the data "
                           f"(needed by --plan {plan.value})")
    return found[0]


def monthly_rows(rows: Any, rap: bool) -> list[dict]:
    """One dict per payment, keys in the schedule's column order (balance last)."""
    out = []
    for r in rows:
        row = {"month": r.month, "payment": r.payment, "interest": r.interest,
               "principal": r.principal}
        if rap:
            row.update(interest_waived=r.interest_waived, principal_match=r.principal_match)
        row["balance"] = r.balance
        out.append(row)
    return out


def yearly_rows(rows: Any, rap: bool) -> list[dict]:
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
