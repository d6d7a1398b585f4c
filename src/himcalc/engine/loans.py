"""Federal Direct Loan arithmetic: in-school interest, amortisation, Tiered Standard, RAP, limits.

Pure functions on plain floats: no I/O, no printing, no numpy. Results are frozen, slotted
dataclasses (cheap to build in Monte Carlo loops). The rule *values* come from the records in
`himcalc.models.loans` (loaded from `data/federal_loans.yaml` by someone else); this module
only knows how the rules work.

Conventions used throughout
---------------------------
* Money is in nominal US dollars, as unrounded floats. Nothing is rounded to cents; a
  servicer's schedule (payments rounded to the cent, daily interest between actual payment
  dates) can differ from ours by cents per payment.
* Rates are annual fractions (0.0639 for 6.39 %).
* Repayment runs in monthly steps; the monthly rate is ``annual_rate / 12``.
* Before repayment (in school and during the grace period) interest is simple daily
  interest: ``principal x annual_rate x days / days_in_year`` with actual calendar days and
  ``days_in_year = 365`` by default (see `accrued_interest`).
* Interest that accrued before repayment is **not capitalized** on a Direct Loan when
  repayment starts (34 CFR 685.202(b), as amended by the final rule of 2022-11-01, 87 FR
  65904, in force from 2023-07-01): it stays owed as *unpaid interest*, earns no interest,
  and payments go to it before principal (`unpaid_interest` of the schedule functions).
  Private loans are capitalized (`accrue(capitalize=True)`), as private lenders do.
* Disbursement timing (`semester_disbursements`): each academic year's borrowing is
  disbursed in two equal halves, the first on the first day of the academic year and the
  second five calendar months later (e.g. Aug 25 and Jan 25).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the engine reads these records by attribute (models or plain records)
    from himcalc.models.loans import LoanLimit, RapPlan, StandardPlan, TieredStandardPlan

__all__ = [
    "AccrualResult",
    "BorrowingPlan",
    "BorrowingYear",
    "Disbursement",
    "PaymentRow",
    "Schedule",
    "ScheduleSummary",
    "accrue",
    "accrued_interest",
    "add_months",
    "amortize",
    "amortizing_payment",
    "level_payment",
    "borrowing_plan",
    "rap_monthly_payment",
    "rap_schedule",
    "repayment_start",
    "semester_disbursements",
    "standard_10",
    "tiered_standard",
    "tiered_standard_term_months",
]

_EPS = 1e-9
"""Balances below a billionth of a dollar are treated as paid off (float noise)."""

DEFAULT_DAYS_IN_YEAR = 365.0
GRACE_MONTHS = 6


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Disbursement:
    """One disbursement of a Direct Loan: its date, gross amount owed, and subsidy status.

    `amount` is the gross principal the borrower owes (before the origination fee is
    withheld). Interest on a subsidized loan is paid by the government in school and grace.
    """

    day: date
    amount: float
    subsidized: bool = False


@dataclass(frozen=True, slots=True)
class AccrualResult:
    """Balance when repayment starts: principal, interest accrued, and their sum."""

    principal: float
    interest: float
    balance: float


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """One month of a repayment schedule (all amounts in dollars).

    `payment` is what the borrower pays; `interest` and `principal` split it. For RAP,
    `interest_waived` is accrued interest not charged and `principal_match` the extra
    principal reduction made by the Secretary; both are zero for the fixed plans.
    `balance` is the principal left after the month.
    """

    month: int
    payment: float
    interest: float
    principal: float
    balance: float
    interest_waived: float = 0.0
    principal_match: float = 0.0


@dataclass(frozen=True, slots=True)
class ScheduleSummary:
    """Totals of a schedule (dollars).

    `monthly_payment` is the first scheduled payment (the level payment for fixed plans);
    `total_paid` and `total_interest` are what the *borrower* pays. `forgiven` is the
    principal cancelled at the end of RAP; `interest_waived` / `principal_matched` are the
    RAP subsidies.
    """

    monthly_payment: float
    n_payments: int
    total_paid: float
    total_interest: float
    interest_waived: float = 0.0
    principal_matched: float = 0.0
    forgiven: float = 0.0


@dataclass(frozen=True, slots=True)
class Schedule:
    """A repayment schedule: the monthly rows and their summary."""

    rows: tuple[PaymentRow, ...]
    summary: ScheduleSummary


_EMPTY = Schedule(rows=(), summary=ScheduleSummary(0.0, 0, 0.0, 0.0))


@dataclass(frozen=True, slots=True)
class BorrowingYear:
    """How one year's requested borrowing is split, in gross dollars owed.

    `origination_fee` is withheld from the federal disbursements, so the student receives
    `net_federal = subsidized + unsubsidized - origination_fee` from the federal loans
    (plus `private` from a private lender, modelled without fees).
    """

    year_index: int
    year_in_school: int | None
    requested: float
    subsidized: float
    unsubsidized: float
    private: float
    origination_fee: float
    net_federal: float


@dataclass(frozen=True, slots=True)
class BorrowingPlan:
    """The per-year split and its totals (gross dollars owed unless named `net`)."""

    years: tuple[BorrowingYear, ...]
    total_subsidized: float
    total_unsubsidized: float
    total_private: float
    total_fees: float
    total_net_federal: float


# --------------------------------------------------------------------------- dates


def add_months(day: date, months: int) -> date:
    """Return `day` moved by a whole number of calendar months, clamping the day of month.

    >>> add_months(date(2026, 8, 31), 6)
    datetime.date(2027, 2, 28)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = 31 if month == 12 else (date(year, month + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(day.day, last))


def repayment_start(last_day_enrolled: date, grace_months: int = GRACE_MONTHS) -> date:
    """First day of repayment: the day after enrolment ends plus the 6-month grace period.

    Direct Subsidized and Unsubsidized loans have a six-month grace period after the
    student leaves school or drops below half-time.

    >>> repayment_start(date(2030, 5, 15))
    datetime.date(2030, 11, 16)
    """
    return add_months(last_day_enrolled + timedelta(days=1), grace_months)


def semester_disbursements(
    first_year_start: date,
    yearly_amounts: Sequence[float],
    *,
    subsidized: bool = False,
    second_half_after_months: int = 5,
) -> list[Disbursement]:
    """Disburse each academic year's gross borrowing in two equal halves.

    Year *i* (0-based) starts on `first_year_start` plus *i* years; its first half is
    disbursed that day and its second half `second_half_after_months` later (default 5:
    Aug 25 -> Jan 25). This is a documented modelling assumption; actual dates depend on
    the school's term calendar. Zero amounts produce no disbursement.

    >>> [d.day.isoformat() for d in semester_disbursements(date(2026, 8, 25), [5500])]
    ['2026-08-25', '2027-01-25']
    """
    out: list[Disbursement] = []
    for i, amount in enumerate(yearly_amounts):
        if amount < 0:
            raise ValueError("yearly amounts must be >= 0")
        if amount == 0:
            continue
        start = add_months(first_year_start, 12 * i)
        half = amount / 2.0
        out.append(Disbursement(start, half, subsidized))
        out.append(Disbursement(add_months(start, second_half_after_months), half, subsidized))
    return out


# --------------------------------------------------------------------------- accrual


def accrued_interest(
    disbursements: Iterable[Disbursement],
    annual_rate: float,
    repayment_start_day: date,
    *,
    days_in_year: float = DEFAULT_DAYS_IN_YEAR,
) -> float:
    """Simple interest accrued on unsubsidized disbursements until repayment starts (dollars).

    For each unsubsidized disbursement: ``amount x annual_rate x days / days_in_year`` where
    `days` is the number of calendar days from the disbursement date up to (not including)
    `repayment_start_day`. Interest does not compound before repayment (simple daily
    interest on principal only). Subsidized disbursements accrue nothing for the borrower
    in school and grace (the government pays it). Disbursements on or after the start of
    repayment contribute nothing.

    Day count: actual days / 365 by default ("interest rate factor = rate / number of days
    in the year", Federal Student Aid); some servicers divide by 365.25, which lowers the
    result by 0.07 %. Pass `days_in_year=365.25` to reproduce them.

    $10,000 unsubsidized at 6 % for exactly one (non-leap) year accrues $600:

    >>> accrued_interest([Disbursement(date(2026, 9, 1), 10_000)], 0.06, date(2027, 9, 1))
    600.0
    """
    if annual_rate < 0:
        raise ValueError("annual_rate must be >= 0")
    if days_in_year <= 0:
        raise ValueError("days_in_year must be > 0")
    daily = annual_rate / days_in_year
    total = 0.0
    for d in disbursements:
        if d.amount < 0:
            raise ValueError("disbursement amounts must be >= 0")
        if d.subsidized:
            continue
        days = (repayment_start_day - d.day).days
        if days > 0:
            total += d.amount * daily * days
    return total


def accrue(
    disbursements: Iterable[Disbursement],
    annual_rate: float,
    repayment_start_day: date,
    *,
    capitalize: bool = True,
    days_in_year: float = DEFAULT_DAYS_IN_YEAR,
) -> AccrualResult:
    """Principal and in-school/grace interest at the start of repayment (dollars).

    With `capitalize=True` (default) the accrued interest is added to the principal once,
    when repayment starts, so `balance` is what the repayment plan amortises; with
    `capitalize=False`, `balance` is the principal alone and the caller must account for
    the interest separately (see docs/loans.md on whether capitalisation at entry to
    repayment still applies).

    >>> r = accrue([Disbursement(date(2026, 9, 1), 10_000)], 0.06, date(2027, 9, 1))
    >>> (r.principal, r.interest, r.balance)
    (10000.0, 600.0, 10600.0)
    """
    ds = list(disbursements)
    principal = float(sum(d.amount for d in ds))
    interest = accrued_interest(ds, annual_rate, repayment_start_day, days_in_year=days_in_year)
    balance = principal + interest if capitalize else principal
    return AccrualResult(principal=principal, interest=interest, balance=balance)


# --------------------------------------------------------------------------- amortisation


def amortizing_payment(principal: float, annual_rate: float, term_months: int) -> float:
    """Level monthly payment that repays `principal` in `term_months` (dollars per month).

    Standard annuity formula with monthly rate ``i = annual_rate / 12``:
    ``P x i / (1 - (1 + i) ** -n)``, computed with ``log1p``/``expm1`` so tiny rates keep
    full precision; at a 0 % rate it is ``P / n``, and a principal of 0 or less pays 0.0.
    Positive for a positive principal: equals ``-numpy_financial.pmt(i, n, P)``. The one
    amortizing payment of the engine. ``term_months < 1`` raises ValueError.

    >>> round(amortizing_payment(15_000, 0.09, 120), 2)
    190.01
    >>> round(amortizing_payment(10_000, 0.06, 120), 2)  # $10,000 at 6 %/12 a month, 10 years
    111.02
    >>> amortizing_payment(1_200, 0.0, 12)
    100.0
    """
    if term_months < 1:
        raise ValueError("term_months must be >= 1")
    if principal <= 0:
        return 0.0
    i = annual_rate / 12.0
    if i == 0:
        return principal / term_months
    x = term_months * math.log1p(i)  # log of (1 + i) ** n
    if x > 0.0:
        return principal * i / -math.expm1(-x)  # exp(-x) cannot overflow
    # a negative rate: the same quantity as i (1+i)^n / ((1+i)^n - 1); exp(x) cannot overflow
    return principal * i * math.exp(x) / math.expm1(x)


def _annuity_factor(i: float, months: int) -> float:
    """Present value of 1 a month for `months` months at monthly rate `i`: ``(1 - (1+i)^-n)/i``."""
    if months <= 0:
        return 0.0
    if i == 0:
        return float(months)
    return -math.expm1(-months * math.log1p(i)) / i


def level_payment(principal: float, annual_rate: float, term_months: int,
                  unpaid_interest: float = 0.0) -> float:
    """Level monthly payment that repays `principal` and `unpaid_interest` in `term_months`.

    Without unpaid interest this is `amortizing_payment`. Unpaid interest (interest accrued
    before repayment and not capitalized) earns no interest and is paid first, after each
    month's own interest ``P x i``: with ``x = M - P x i`` going to it, it is cleared during
    month q + 1, where ``q x <= U < (q + 1) x``; the principal is then
    ``P' = P + U - (q + 1) x`` and the remaining ``n - q - 1`` months amortize it:
    ``P' = M x a(n - q - 1)`` with ``a(k) = (1 - (1 + i)^-k) / i``. Solving for M::

        M = (P + U + (q + 1) P i) / (a(n - q - 1) + q + 1)

    for the one q consistent with the result (tried from 0 up: U is a few months' payments).

    >>> level_payment(10_000, 0.06, 120) == amortizing_payment(10_000, 0.06, 120)
    True
    >>> level_payment(1_200, 0.0, 12, unpaid_interest=120)  # no interest: (1,200 + 120) / 12
    110.0
    """
    if term_months < 1:
        raise ValueError("term_months must be >= 1")
    if unpaid_interest <= _EPS:
        return amortizing_payment(principal, annual_rate, term_months)
    i = annual_rate / 12.0
    p, u = max(principal, 0.0), unpaid_interest
    payment = (p + u + term_months * p * i) / term_months  # q + 1 = n: cleared in the last month
    for q in range(term_months):
        candidate = (p + u + (q + 1) * p * i) / (_annuity_factor(i, term_months - q - 1) + q + 1)
        x = candidate - p * i
        if q * x <= u * (1 + 1e-12) and u <= (q + 1) * x * (1 + 1e-12):
            payment = candidate
            break
    return payment


def amortize(
    principal: float,
    annual_rate: float,
    term_months: int,
    minimum_payment: float = 0.0,
    *,
    unpaid_interest: float = 0.0,
    keep_rows: bool = True,
) -> Schedule:
    """Fixed-payment amortisation schedule with an optional minimum monthly payment.

    Units: dollars, annual rate as a fraction, term in months. Each month interest is
    ``balance x annual_rate / 12``; a payment goes to that interest first, then to any
    `unpaid_interest` (interest accrued before repayment and not capitalized: it earns no
    interest), then to principal. The level payment is `level_payment` (the annuity
    `amortizing_payment` when there is no unpaid interest), raised to `minimum_payment` if
    lower (which shortens the schedule). The final payment is whatever clears the balance
    exactly (balance + unpaid interest + that month's interest), so the last row always ends at
    0 and the principal column sums to `principal`; when that is below the minimum, a single
    payment clears it. `balance` in the rows is the principal left; `interest` the interest
    paid that month (the month's own and unpaid interest).

    Edge cases: `principal == 0` and no unpaid interest gives an empty schedule with zero
    totals; a 0 % rate gives ``(principal + unpaid) / term_months`` per month. Negative inputs
    raise `ValueError`. `keep_rows=False` skips building rows (summary only, faster).

    >>> s = amortize(15_000, 0.09, 120)
    >>> round(s.summary.monthly_payment, 2), s.summary.n_payments, round(s.summary.total_paid, 2)
    (190.01, 120, 22801.64)
    >>> amortize(30, 0.06, 120, minimum_payment=50).summary.n_payments
    1
    """
    if principal < 0:
        raise ValueError("principal must be >= 0")
    if annual_rate < 0:
        raise ValueError("annual_rate must be >= 0")
    if minimum_payment < 0:
        raise ValueError("minimum_payment must be >= 0")
    if term_months < 1:
        raise ValueError("term_months must be >= 1")
    if unpaid_interest < 0:
        raise ValueError("unpaid_interest must be >= 0")
    if principal + unpaid_interest <= _EPS:
        return _EMPTY
    i = annual_rate / 12.0
    level = max(level_payment(principal, annual_rate, term_months, unpaid_interest),
                minimum_payment)
    balance = principal
    unpaid = unpaid_interest
    rows: list[PaymentRow] = []
    total_paid = 0.0
    total_interest = 0.0
    first_payment = 0.0
    month = 0
    while balance > _EPS or unpaid > _EPS:
        month += 1
        owed = balance * i + unpaid
        if month >= term_months or balance + owed <= level + _EPS:
            payment = balance + owed
            interest_paid = owed
            to_principal = balance
            balance = unpaid = 0.0
        else:
            payment = level
            interest_paid = min(payment, owed)
            unpaid = owed - interest_paid
            to_principal = payment - interest_paid
            balance -= to_principal
        if month == 1:
            first_payment = payment
        total_paid += payment
        total_interest += interest_paid
        if keep_rows:
            rows.append(PaymentRow(month, payment, interest_paid, to_principal, balance))
    return Schedule(
        rows=tuple(rows),
        summary=ScheduleSummary(
            monthly_payment=first_payment,
            n_payments=month,
            total_paid=total_paid,
            total_interest=total_interest,
        ),
    )


def tiered_standard_term_months(balance: float, plan: TieredStandardPlan) -> int:
    """Repayment term (months) of the Tiered Standard plan for a total balance (dollars).

    The first tier whose `balance_below` is strictly greater than the balance applies, so a
    balance exactly on a boundary takes the *longer* term ("equal to or greater than
    $25,000 but less than $50,000" -> 15 years).

    >>> from himcalc.models.loans import TieredStandardPlan, TieredStandardTier as T
    >>> from himcalc.models.common import Source
    >>> p = TieredStandardPlan(id="t", source=Source(title="x x", url="https://e.org", year=2026),
    ...     tiers=[T(balance_below=25_000, term_years=10), T(balance_below=None, term_years=15)])
    >>> tiered_standard_term_months(24_999.99, p), tiered_standard_term_months(25_000, p)
    (120, 180)
    """
    if balance < 0:
        raise ValueError("balance must be >= 0")
    for tier in plan.tiers:
        if tier.balance_below is None or balance < tier.balance_below:
            return tier.term_years * 12
    raise AssertionError("unreachable: the last tier is open-ended")  # pragma: no cover


def tiered_standard(
    balance: float, annual_rate: float, plan: TieredStandardPlan, *,
    unpaid_interest: float = 0.0, keep_rows: bool = True,
) -> Schedule:
    """Tiered Standard schedule: `amortize` over the tier's term with the plan's minimum.

    `balance` is the Direct Loan principal entering repayment (dollars), which picks the tier
    (the statute measures the outstanding principal); `unpaid_interest` the interest accrued
    before repayment (not capitalized, paid first); `annual_rate` the (weighted) fixed rate.
    Several loans with different rates are approximated by one loan at the balance-weighted
    rate.
    """
    months = tiered_standard_term_months(balance, plan)
    return amortize(balance, annual_rate, months, plan.minimum_monthly_payment,
                    unpaid_interest=unpaid_interest, keep_rows=keep_rows)


def standard_10(
    balance: float,
    annual_rate: float,
    plan: StandardPlan | None = None,
    *,
    unpaid_interest: float = 0.0,
    keep_rows: bool = True,
) -> Schedule:
    """Legacy standard plan: level payments over 10 years, at least $50 a month.

    Without a `plan` record the regulatory defaults (120 months, $50 minimum,
    34 CFR 685.208(b)) are used. The final payment may be below the minimum.
    `unpaid_interest` as in `amortize`.

    >>> round(standard_10(10_000, 0.0).summary.monthly_payment, 2)
    83.33
    >>> standard_10(1_000, 0.0).summary.n_payments
    20
    """
    term_months = 120 if plan is None else plan.term_years * 12
    minimum = 50.0 if plan is None else plan.minimum_monthly_payment
    return amortize(balance, annual_rate, term_months, minimum,
                    unpaid_interest=unpaid_interest, keep_rows=keep_rows)


# --------------------------------------------------------------------------- RAP


def rap_monthly_payment(agi: float, dependents: int, plan: RapPlan) -> float:
    """Required monthly RAP payment (dollars) for an AGI (dollars/year) and dependents.

    1. Annual base payment: AGI at or below the first band's `agi_above` pays the flat
       `flat_annual_payment` ($120); otherwise the percentage of the highest band whose
       `agi_above` is strictly below the AGI, applied to the *whole* AGI.
    2. Divide by 12, subtract `per_dependent_monthly_reduction` ($50) per dependent.
    3. Never below `minimum_monthly_payment` ($10).

    AGI $0 (or negative, e.g. business losses) gives the minimum, never an error.

    >>> from himcalc.models.loans import RapBand, RapPlan
    >>> from himcalc.models.common import Source
    >>> p = RapPlan(id="r", source=Source(title="x x", url="https://e.org", year=2026),
    ...     bands=[RapBand(agi_above=10_000 * k, percent=k / 100) for k in range(1, 11)],
    ...     flat_annual_payment=120, minimum_monthly_payment=10,
    ...     per_dependent_monthly_reduction=50, principal_match_max_monthly=50,
    ...     forgiveness_years=30, interest_waived=True)
    >>> round(rap_monthly_payment(55_000, 0, p), 2), round(rap_monthly_payment(50_000, 0, p), 2)
    (229.17, 166.67)
    >>> rap_monthly_payment(0, 2, p)
    10.0
    """
    if dependents < 0:
        raise ValueError("dependents must be >= 0")
    bands = plan.bands
    if agi <= bands[0].agi_above:
        annual = plan.flat_annual_payment
    else:
        pct = bands[0].percent
        for band in bands:
            if agi > band.agi_above:
                pct = band.percent
            else:
                break
        annual = pct * agi
    monthly = annual / 12.0 - plan.per_dependent_monthly_reduction * dependents
    return max(plan.minimum_monthly_payment, monthly)


def rap_schedule(
    balance: float,
    annual_rate: float,
    agi: float,
    dependents: int,
    plan: RapPlan,
    agi_growth: float = 0.0,
    *,
    unpaid_interest: float = 0.0,
    keep_rows: bool = True,
) -> Schedule:
    """Month-by-month RAP projection until payoff or forgiveness.

    Units: `balance` dollars of principal entering repayment; `unpaid_interest` dollars of
    interest accrued before repayment and not capitalized (it earns no interest and is paid
    after each month's own interest, before principal); `annual_rate` fraction;
    `agi` dollars per year in the first year of repayment, growing by `agi_growth` per year
    (the payment is recomputed every 12 months, as at annual recertification); dependents
    held constant.

    Each month, assuming on-time payments and no deferment/forbearance:

    * interest = balance x annual_rate / 12; the payment covers that interest first, then
      unpaid interest, then principal;
    * if the payment is below the month's interest, the rest is waived when
      `plan.interest_waived` (otherwise it is added to the balance);
    * principal match: if the payment reduced principal by less than
      ``min(principal_match_max_monthly, payment)``, the Secretary reduces principal by the
      difference, so principal falls by at least the lesser of $50 and the payment;
    * if the required payment is at least balance + unpaid + interest, that amount is paid and
      the loan is paid off (the final payment may be below the $10 minimum);
    * after `plan.forgiveness_months` (360) payments, what is left (principal and unpaid
      interest) is forgiven.

    `summary.total_paid` / `total_interest` are the borrower's own payments; the
    subsidies are reported separately. Payments and balances are positive amounts. Raises
    ValueError for a negative balance or rate.

    >>> from himcalc.shipped import load
    >>> rap = next(p for p in load().get("repayment_plans").values() if p.kind == "rap")
    >>> first = rap_schedule(20_000.0, 0.06, 45_000.0, 0, rap).rows[0]
    >>> first.payment, first.interest, first.principal  # 4 % of $45,000 / 12; 20,000 x 0.005
    (150.0, 100.0, 50.0)
    >>> rap_schedule(20_000.0, 0.06, 45_000.0, 2, rap).rows[0].payment  # $50 per dependent
    50.0
    """
    if balance < 0:
        raise ValueError("balance must be >= 0")
    if annual_rate < 0:
        raise ValueError("annual_rate must be >= 0")
    if agi_growth <= -1:
        raise ValueError("agi_growth must be > -1")
    if unpaid_interest < 0:
        raise ValueError("unpaid_interest must be >= 0")
    if balance + unpaid_interest <= _EPS:
        return _EMPTY
    i = annual_rate / 12.0
    match_cap = plan.principal_match_max_monthly
    last_month = plan.forgiveness_months
    unpaid = unpaid_interest
    rows: list[PaymentRow] = []
    total_paid = total_interest = total_waived = total_match = forgiven = 0.0
    first_payment = 0.0
    due = rap_monthly_payment(agi, dependents, plan)
    month = 0
    while (balance > _EPS or unpaid > _EPS) and month < last_month:
        month += 1
        if month > 1 and (month - 1) % 12 == 0 and agi_growth != 0.0:
            year = (month - 1) // 12
            due = rap_monthly_payment(agi * (1.0 + agi_growth) ** year, dependents, plan)
        interest = balance * i
        waived = match = 0.0
        if due >= balance + unpaid + interest - _EPS:
            payment = balance + unpaid + interest
            interest_paid = interest + unpaid
            to_principal = balance
            balance = unpaid = 0.0
        else:
            payment = due
            current = min(payment, interest)
            old = min(payment - current, unpaid)
            unpaid -= old
            interest_paid = current + old
            if plan.interest_waived:
                waived = interest - current
            else:
                balance += interest - current
            to_principal = payment - interest_paid
            match = max(0.0, min(match_cap, payment) - to_principal)
            match = min(match, balance - to_principal)
            balance -= to_principal + match
            if balance <= _EPS:
                balance = 0.0
        if month == 1:
            first_payment = payment
        total_paid += payment
        total_interest += interest_paid
        total_waived += waived
        total_match += match
        if month == last_month and balance + unpaid > 0.0:
            forgiven = balance + unpaid
            balance = unpaid = 0.0
        if keep_rows:
            rows.append(
                PaymentRow(month, payment, interest_paid, to_principal, balance, waived, match)
            )
    return Schedule(
        rows=tuple(rows),
        summary=ScheduleSummary(
            monthly_payment=first_payment,
            n_payments=month,
            total_paid=total_paid,
            total_interest=total_interest,
            interest_waived=total_waived,
            principal_matched=total_match,
            forgiven=forgiven,
        ),
    )


# --------------------------------------------------------------------------- borrowing


def _pick_limit(
    limits: Sequence[LoanLimit],
    level: str,
    dependency: str,
    year_in_school: int | None,
    as_of: date | None,
) -> LoanLimit:
    candidates = [
        lim
        for lim in limits
        if lim.level == level
        and lim.dependency in (dependency, "any")
        and lim.year_in_school == year_in_school
        and (as_of is None or lim.effective_from <= as_of)
    ]
    if not candidates:
        raise ValueError(
            f"no loan limit for level={level} dependency={dependency} "
            f"year_in_school={year_in_school} as_of={as_of}"
        )
    return max(candidates, key=lambda lim: lim.effective_from)


def borrowing_plan(
    requested: Sequence[float],
    limits: Sequence[LoanLimit],
    *,
    level: Literal["undergraduate", "graduate"],
    dependency: Literal["dependent", "independent"],
    origination_fee: float,
    first_year_in_school: int = 1,
    subsidized_eligible: Sequence[float] | None = None,
    prior_total: float = 0.0,
    prior_subsidized: float = 0.0,
    as_of: date | None = None,
) -> BorrowingPlan:
    """Split requested borrowing per year of study into subsidized, unsubsidized and private.

    Parameters (dollars unless stated):

    * `requested[k]`: gross amount the student wants to borrow in year *k* of the programme
      (what they will owe, before the fee is withheld).
    * `limits`: `LoanLimit` records; for each year the record matching `level`,
      `dependency` (or "any") and year in school (undergraduates: 1, 2, then 3 for every
      later year; graduates: None) with the latest `effective_from` on/before `as_of`
      (None: latest) is used.
    * `origination_fee`: fraction withheld from each federal disbursement (e.g. 0.01057).
    * `first_year_in_school`: the student's undergraduate year in the first year modelled.
    * `subsidized_eligible[k]`: subsidized amount the student's financial need allows in
      year *k*; None means need covers the whole subsidized maximum (an optimistic
      assumption; pass zeros for a student with no need).
    * `prior_total` / `prior_subsidized`: outstanding federal principal already counted
      against this level's aggregate limits.

    Each year: subsidized = min(request, annual sub cap, remaining aggregate sub cap,
    need); unsubsidized = min(rest of request, annual total cap - subsidized, remaining
    aggregate total - subsidized); private = the remainder. Fee = fee rate x federal gross;
    net federal = gross - fee. Not modelled: enrolment-based proration (from July 1, 2026),
    cost-of-attendance caps, the $257,500 lifetime limit, the higher independent limits
    for dependent students whose parents cannot get PLUS loans.

    >>> from himcalc.models.common import Source
    >>> from himcalc.models.loans import LoanLimit
    >>> s = Source(title="x x", url="https://e.org", year=2025)
    >>> lim = [LoanLimit(id="u1", source=s, level="undergraduate", dependency="dependent",
    ...     year_in_school=1, annual_total=5500, annual_subsidized_max=3500,
    ...     aggregate_total=31000, aggregate_subsidized_max=23000,
    ...     effective_from=date(2025, 7, 1))]
    >>> y = borrowing_plan([8000], lim, level="undergraduate", dependency="dependent",
    ...     origination_fee=0.01057).years[0]
    >>> y.subsidized, y.unsubsidized, y.private, round(y.net_federal, 2)
    (3500.0, 2000.0, 2500.0, 5441.86)
    """
    if not 0 <= origination_fee < 1:
        raise ValueError("origination_fee must be in [0, 1)")
    if subsidized_eligible is not None and len(subsidized_eligible) != len(requested):
        raise ValueError("subsidized_eligible must have one entry per year")
    if prior_total < 0 or prior_subsidized < 0 or prior_subsidized > prior_total:
        raise ValueError("need 0 <= prior_subsidized <= prior_total")
    cum_total = float(prior_total)
    cum_sub = float(prior_subsidized)
    years: list[BorrowingYear] = []
    for k, request in enumerate(requested):
        if request < 0:
            raise ValueError("requested amounts must be >= 0")
        year_in_school = None if level == "graduate" else min(3, first_year_in_school + k)
        lim = _pick_limit(limits, level, dependency, year_in_school, as_of)
        need = math.inf if subsidized_eligible is None else max(0.0, subsidized_eligible[k])
        sub_room = max(0.0, lim.aggregate_subsidized_max - cum_sub)
        total_room = max(0.0, lim.aggregate_total - cum_total)
        sub = min(float(request), lim.annual_subsidized_max, sub_room, total_room, need)
        unsub = max(0.0, min(request - sub, lim.annual_total - sub, total_room - sub))
        private = request - sub - unsub
        fee = (sub + unsub) * origination_fee
        cum_total += sub + unsub
        cum_sub += sub
        years.append(
            BorrowingYear(
                year_index=k,
                year_in_school=year_in_school,
                requested=float(request),
                subsidized=sub,
                unsubsidized=unsub,
                private=private,
                origination_fee=fee,
                net_federal=sub + unsub - fee,
            )
        )
    return BorrowingPlan(
        years=tuple(years),
        total_subsidized=sum(y.subsidized for y in years),
        total_unsubsidized=sum(y.unsubsidized for y in years),
        total_private=sum(y.private for y in years),
        total_fees=sum(y.origination_fee for y in years),
        total_net_federal=sum(y.net_federal for y in years),
    )
