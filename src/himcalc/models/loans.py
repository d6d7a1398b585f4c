"""Federal Direct Loan records: interest rates, fees, borrowing limits and repayment plans.

These models describe the rules of the federal student loan programme as they stand in 2026,
after the One Big Beautiful Bill Act (Pub. L. 119-21) and the Department of Education's final
rule implementing it (91 Fed. Reg. 23768, May 1, 2026). They hold *data* only; the arithmetic
lives in `himcalc.engine.loans`, which reads these records (or plain numbers) and returns
schedules.

Every record inherits `id`, `source`, `assumption` and `note` from `Record`, so every figure in
`data/federal_loans.yaml` can be traced to where it was read.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from himcalc.models.common import Frozen, Money, Rate, Record
from himcalc.models.plain import LoanRateBehaviour, RapPlanBehaviour

__all__ = [
    "LoanLimit",
    "LoanRate",
    "LoanType",
    "RapBand",
    "RapPlan",
    "RepaymentPlan",
    "StandardPlan",
    "TieredStandardPlan",
    "TieredStandardTier",
]

LoanType = Literal["undergraduate", "graduate", "parent_plus", "grad_plus"]
"""Which Direct Loan a rate applies to.

`undergraduate` covers both Direct Subsidized and Direct Unsubsidized loans to undergraduates
(they share one rate); `graduate` is the Direct Unsubsidized loan to graduate/professional
students; `parent_plus` and `grad_plus` are the two kinds of Direct PLUS loan (same rate, kept
apart because Grad PLUS closes to new borrowers on July 1, 2026).
"""


class LoanRate(LoanRateBehaviour, Record):
    """The fixed interest rate and origination fee of one loan type for one disbursement window.

    Why: a Direct Loan's rate is fixed for life by the date of its *first disbursement*
    (July 1 to June 30 cohorts), so each cohort is one record; the fee is carried on the same
    record because the engine needs both at disbursement time.
    """

    loan_type: LoanType
    first_disbursed_from: date = Field(description="First day of the window (inclusive).")
    first_disbursed_to: date = Field(description="Last day of the window (inclusive).")
    annual_rate: Rate = Field(description="Fixed annual interest rate, e.g. 0.0639.")
    origination_fee: Rate = Field(
        description="Fraction of each disbursement withheld as the loan fee, e.g. 0.01057."
    )

    @model_validator(mode="after")
    def _window_ordered(self) -> LoanRate:
        if self.first_disbursed_to <= self.first_disbursed_from:
            raise ValueError("first_disbursed_to must be after first_disbursed_from")
        return self


class LoanLimit(Record):
    """Annual and aggregate Direct Subsidized/Unsubsidized limits for one kind of student.

    Why: whether a student can finance a programme with federal loans, and how much spills
    over to private loans, depends on these caps; they differ by level, dependency status and
    (for undergraduates) year in school, and they change on dated law (e.g. July 1, 2026).
    """

    level: Literal["undergraduate", "graduate"]
    dependency: Literal["dependent", "independent", "any"]
    year_in_school: Literal[1, 2, 3] | None = Field(
        default=None,
        description="Undergraduate year: 1, 2, or 3 meaning third year and beyond; "
        "None for graduate limits, which do not vary by year.",
    )
    annual_total: Money = Field(description="Subsidized + unsubsidized, per academic year.")
    annual_subsidized_max: Money = Field(description="Part of annual_total that may be subsidized.")
    aggregate_total: Money = Field(description="Outstanding principal cap at this level.")
    aggregate_subsidized_max: Money
    effective_from: date = Field(description="First day these limits apply (award-year start).")

    @model_validator(mode="after")
    def _caps_consistent(self) -> LoanLimit:
        if self.annual_subsidized_max > self.annual_total:
            raise ValueError("annual_subsidized_max exceeds annual_total")
        if self.aggregate_subsidized_max > self.aggregate_total:
            raise ValueError("aggregate_subsidized_max exceeds aggregate_total")
        if self.annual_total > self.aggregate_total:
            raise ValueError("annual_total exceeds aggregate_total")
        if self.level == "undergraduate" and self.year_in_school is None:
            raise ValueError("undergraduate limits need year_in_school (1, 2 or 3)")
        if self.level == "graduate" and self.year_in_school is not None:
            raise ValueError("graduate limits do not vary by year_in_school")
        return self


class TieredStandardTier(Frozen):
    """One row of the Tiered Standard plan: balances below `balance_below` repay in `term_years`.

    Why a separate model: the boundary semantics ("less than $25,000"; a balance exactly on the
    boundary takes the next, longer tier) must be stated once, here.
    """

    balance_below: Money | None = Field(
        description="Exclusive upper bound of the tier; None for the open-ended top tier."
    )
    term_years: int = Field(gt=0, le=50)


class TieredStandardPlan(Record):
    """Fixed-payment plan for loans made on/after July 1, 2026, term set by total balance.

    Why: Pub. L. 119-21 replaces the 10-year standard plan for new loans with a plan whose
    term (10 to 25 years) grows with the balance when repayment begins, so payments differ a
    lot from the legacy plan for larger balances.
    """

    kind: Literal["tiered_standard"] = "tiered_standard"
    tiers: list[TieredStandardTier] = Field(min_length=1)
    minimum_monthly_payment: Money = 0.0

    @model_validator(mode="after")
    def _tiers_ordered(self) -> TieredStandardPlan:
        bounds = [t.balance_below for t in self.tiers]
        if bounds[-1] is not None:
            raise ValueError("the last tier must be open-ended (balance_below: null)")
        if any(b is None for b in bounds[:-1]):
            raise ValueError("only the last tier may have balance_below: null")
        finite = [b for b in bounds[:-1] if b is not None]
        if any(b2 <= b1 for b1, b2 in zip(finite, finite[1:], strict=False)):
            raise ValueError("tiers must be ordered by strictly increasing balance_below")
        terms = [t.term_years for t in self.tiers]
        if any(t2 < t1 for t1, t2 in zip(terms, terms[1:], strict=False)):
            raise ValueError("term_years must not decrease as balances grow")
        return self


class StandardPlan(Record):
    """The legacy fixed-payment standard plan: repay within 10 years, at least $50 a month.

    Why: borrowers whose loans were all made before July 1, 2026 keep it, and it is the usual
    benchmark for "what the loan costs" in earlier studies, so the calculator offers it.
    """

    kind: Literal["standard"] = "standard"
    term_years: int = Field(default=10, gt=0, le=50)
    minimum_monthly_payment: Money = 50.0


class RapBand(Frozen):
    """One AGI band of the Repayment Assistance Plan: AGI *more than* `agi_above` pays `percent`.

    Why a separate model: the percentage applies to the *whole* AGI (not the slice inside the
    band, unlike tax brackets), and an AGI exactly on a boundary belongs to the lower band.
    """

    agi_above: Money = Field(description="Band applies when AGI is strictly greater than this.")
    percent: Rate = Field(description="Fraction of the whole AGI paid per year, e.g. 0.05.")


class RapPlan(RapPlanBehaviour, Record):
    """Income-driven Repayment Assistance Plan (RAP), open from July 1, 2026.

    Why: RAP replaces the older income-driven plans for new loans; its payment depends on
    income and dependents rather than on the balance, with an interest waiver, a principal
    match and forgiveness after 30 years, so a graduate's cost can be far from the
    amortising plans.
    """

    kind: Literal["rap"] = "rap"
    bands: list[RapBand] = Field(min_length=1)
    flat_annual_payment: Money = Field(
        description="Annual base payment when AGI is at or below the first band's agi_above."
    )
    minimum_monthly_payment: Money
    per_dependent_monthly_reduction: Money
    principal_match_max_monthly: Money = Field(
        description="The Secretary reduces principal so that each on-time payment lowers it "
        "by at least the lesser of this amount and the payment."
    )
    forgiveness_years: int = Field(gt=0, le=50)
    interest_waived: bool = Field(
        description="Interest not covered by an on-time payment is not charged."
    )

    @model_validator(mode="after")
    def _bands_ordered(self) -> RapPlan:
        lows = [b.agi_above for b in self.bands]
        if any(b2 <= b1 for b1, b2 in zip(lows, lows[1:], strict=False)):
            raise ValueError("bands must be ordered by strictly increasing agi_above")
        pcts = [b.percent for b in self.bands]
        if any(p2 < p1 for p1, p2 in zip(pcts, pcts[1:], strict=False)):
            raise ValueError("band percentages must not decrease as AGI grows")
        return self


RepaymentPlan = Annotated[
    TieredStandardPlan | StandardPlan | RapPlan,
    Field(discriminator="kind"),
]
"""Any repayment plan record; the `kind` field selects the model."""
