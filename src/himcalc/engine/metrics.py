"""Metrics of a projection: payback, NPV, IRR, costs, premium, ROI.

Conventions (docs/methodology.md, "Metrics"):

* `npv = Σ net_t / (1 + d)^t`, t = 0 undiscounted (numpy-financial's convention);
* `irr` is the rate where NPV = 0; `None` with `irr_status` "no_sign_change" or "multiple";
* `payback_years` counts years from the start of study (`finance.payback_years`);
  `payback_after_completion` subtracts the years of study (never below 0);
* `roi = npv / PV(direct cost + foregone earnings)`: dollars of net present value gained per
  dollar of (discounted) investment;
* `npv_10 … npv_40`: NPV of the first 10, 15, 20, 30, 40 years of net flows (Georgetown CEW's
  horizons), `None` when the horizon is shorter;
* `price_to_earnings_premium` (Third Way): net price (direct cost − aid) ÷ first full-year
  earnings premium, `None` when the premium is ≤ 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from himcalc.engine import finance
from himcalc.engine.cashflows import Flows, project, wage_after
from himcalc.engine.plan import Plan

CEW_HORIZONS = (10, 15, 20, 30, 40)


@dataclass(frozen=True, slots=True)
class Metrics:
    """Every figure a report shows for one pathway (real dollars; years from start of study)."""

    pathway: str
    institution: str
    study_mode: str
    years_to_complete: float
    direct_cost: float
    opportunity_cost: float
    total_cost: float
    aid: float
    debt_at_completion: float
    private_debt: float
    monthly_payment: float
    starting_salary: float
    annual_premium: float
    payback_years: float | None
    payback_after_completion: float | None
    discounted_payback_years: float | None
    npv: float
    irr: float | None
    irr_status: str
    roi: float | None
    lifetime_earnings_gain: float
    npv_10: float | None
    npv_15: float | None
    npv_20: float | None
    npv_30: float | None
    npv_40: float | None
    price_to_earnings_premium: float | None
    completion_probability: float

    def as_dict(self) -> dict:
        """Field name → value, in declaration order (flat: no copying)."""
        return {name: getattr(self, name) for name in self.__slots__}


def _first_full_career_year(plan: Plan) -> int:
    return math.ceil(plan.years_to_complete - 1e-9)


def measure(plan: Plan, flows: Flows, completer: Flows) -> Metrics:
    """Metrics of the expected `flows` (graduate-only figures from `completer`)."""
    net = flows.net
    d = plan.discount_rate
    years = plan.years_to_complete
    first = _first_full_career_year(plan)
    growth = (1.0 + plan.wage_growth) ** first
    starting = wage_after(plan, 0.0) * growth
    if first < plan.horizon:
        premium = completer.earnings_with[first] - completer.earnings_without[first]
    else:
        premium = starting - plan.counterfactual * growth
    direct = sum(flows.direct_cost)
    foregone = sum(flows.foregone_earnings)
    aid = sum(flows.aid)
    discounted = finance.discount(d, net)
    running = finance.cumulative(discounted)  # running[n - 1] is the NPV of the first n years
    invested = sum(finance.discount(d, [c + f for c, f in zip(
        flows.direct_cost, flows.foregone_earnings, strict=True)]))
    # The same Σ net_t / (1 + d)^t as finance.npv, summed forward so that NPV, the CEW
    # horizon NPVs and the discounted payback agree to the last digit (finance.npv sums by
    # Horner's rule and may differ in the 15th significant digit).
    value = running[-1]
    rate, status = finance.irr(net)
    payback = finance.payback_years(net)
    horizon_npv = {n: (running[n - 1] if n <= plan.horizon else None) for n in CEW_HORIZONS}
    net_price = direct - aid
    return Metrics(
        pathway=plan.pathway,
        institution=plan.institution,
        study_mode=plan.study_mode,
        years_to_complete=years,
        direct_cost=direct,
        opportunity_cost=foregone,
        total_cost=direct + foregone,
        aid=aid,
        debt_at_completion=completer.loan.debt_at_repayment,
        private_debt=completer.loan.private_debt,
        monthly_payment=completer.loan.monthly_payment,
        starting_salary=starting,
        annual_premium=premium,
        payback_years=payback,
        payback_after_completion=None if payback is None else max(0.0, payback - years),
        discounted_payback_years=finance.payback_years(discounted),
        npv=value,
        irr=rate,
        irr_status=status,
        roi=value / invested if invested > 0 else None,
        lifetime_earnings_gain=sum(flows.earnings_with) - sum(flows.earnings_without),
        npv_10=horizon_npv[10],
        npv_15=horizon_npv[15],
        npv_20=horizon_npv[20],
        npv_30=horizon_npv[30],
        npv_40=horizon_npv[40],
        price_to_earnings_premium=net_price / premium if premium > 0 else None,
        completion_probability=plan.completion_probability,
    )


def evaluate(plan: Plan) -> tuple[Metrics, Flows]:
    """Project and measure one plan: the single entry point every command uses."""
    flows, completer = project(plan)
    return measure(plan, flows, completer), flows
