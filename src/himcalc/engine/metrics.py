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

from dataclasses import dataclass

from himcalc.engine import finance
from himcalc.engine.cashflows import Flows, project, wage_after
from himcalc.engine.ops import SCALAR
from himcalc.engine.plan import Plan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from himcalc.engine.ops import ScalarOps as Ops

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


OPTIONAL = ("payback_years", "payback_after_completion", "discounted_payback_years", "irr",
            "roi", *(f"npv_{n}" for n in CEW_HORIZONS), "price_to_earnings_premium")
"""Metrics that may be undefined: None in `Metrics`, NaN in `measure_columns`."""


def measure(plan: Plan, flows: Flows, completer: Flows) -> Metrics:
    """Metrics of the expected `flows` (graduate-only figures from `completer`)."""
    fields = measure_columns(plan, flows, completer, SCALAR)
    for key in OPTIONAL:
        if fields[key] != fields[key]:
            fields[key] = None
    return Metrics(**fields)


def measure_columns(plan: Plan, flows: Flows, completer: Flows, o: Ops) -> dict:
    """`Metrics` fields as a dict, every value a float or (array backend) a vector.

    "None" is NaN here (`measure` turns it into None). One pass over the years gathers the
    sums, the discounted running total (NPV, the CEW horizon NPVs, the discounted payback) and
    the graduate's first full-year premium.
    """
    net = flows.net
    d = plan.discount_rate
    years = plan.years_to_complete
    horizon = plan.horizon
    first = o.ceil(years - 1e-9)
    growth = o.power(1.0 + plan.wage_growth, first)
    starting = wage_after(plan, 0.0, o) * growth
    premium = starting - plan.counterfactual * growth  # used when `first` is past the horizon
    direct = foregone = aid = earned_with = earned_without = 0.0
    # NPV = Σ net_t / (1 + d)^t as the running sum of `finance.discount`'s terms, so that the
    # NPV, the CEW horizon NPVs and the discounted payback agree to the last digit.
    running = invested = 0.0
    factor, step = 1.0, 1.0 + d
    horizon_npv = dict.fromkeys(CEW_HORIZONS, o.nan)
    discounted = []
    for t in range(plan.span):
        direct = direct + flows.direct_cost[t]
        foregone = foregone + flows.foregone_earnings[t]
        aid = aid + flows.aid[t]
        earned_with = earned_with + flows.earnings_with[t]
        earned_without = earned_without + flows.earnings_without[t]
        term = net[t] / factor
        discounted.append(term)
        running = running + term
        invested = invested + (flows.direct_cost[t] + flows.foregone_earnings[t]) / factor
        factor = factor * step
        first_full_year = (t == first) & (t < horizon)
        if o.any(first_full_year):
            premium = o.where(first_full_year,
                              completer.earnings_with[t] - completer.earnings_without[t],
                              premium)
        for n in CEW_HORIZONS:
            if n == t + 1:
                horizon_npv[n] = o.where(n <= horizon, running, o.nan)
    rate, status = finance.irr_of(net, o)
    payback = finance.payback_of(net, o)
    net_price = direct - aid
    return {
        "pathway": plan.pathway,
        "institution": plan.institution,
        "study_mode": plan.study_mode,
        "years_to_complete": years,
        "direct_cost": direct,
        "opportunity_cost": foregone,
        "total_cost": direct + foregone,
        "aid": aid,
        "debt_at_completion": completer.loan.debt_at_repayment,
        "private_debt": completer.loan.private_debt,
        "monthly_payment": completer.loan.monthly_payment,
        "starting_salary": starting,
        "annual_premium": premium,
        "payback_years": payback,
        "payback_after_completion": o.maximum(0.0, payback - years),
        "discounted_payback_years": finance.payback_of(discounted, o),
        "npv": running,
        "irr": rate,
        "irr_status": status,
        "roi": o.where(invested > 0, o.div(running, invested), o.nan),
        "lifetime_earnings_gain": earned_with - earned_without,
        **{f"npv_{n}": value for n, value in horizon_npv.items()},
        "price_to_earnings_premium": o.where(premium > 0, o.div(net_price, premium), o.nan),
        "completion_probability": plan.completion_probability,
    }


def evaluate(plan: Plan) -> tuple[Metrics, Flows]:
    """Project and measure one plan: the single entry point every command uses."""
    flows, completer = project(plan)
    return measure(plan, flows, completer), flows
