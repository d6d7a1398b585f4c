"""Metrics of a projection: payback, NPV, IRR, costs, premium, the financed view.

Conventions (docs/methodology.md, "Metrics"):

* every headline metric (NPV, IRR, payback, discounted payback, NPV per dollar invested, the
  CEW horizon NPVs) is computed on the *economic* net flows (`Flows.net`: study costs paid
  when incurred, loans left out); borrowing changes none of them;
* `npv = Σ net_t / (1 + d)^t`, t = 0 undiscounted (numpy-financial's convention);
* `irr` is the rate where NPV = 0; `None` with `irr_status` "no_sign_change", "multiple",
  "not_found" or "borrowing" (the one root is a cost, not a return: `finance.irr`);
* `payback_years` counts years from the start of study until the position is non-negative
  for good (`finance.payback_years`); `payback_after_completion` subtracts the years of study
  (never below 0);
* `npv_per_dollar_invested = npv / PV(direct cost + forgone earnings)`;
* `npv_10 … npv_40`: NPV of the first 10, 15, 20, 30, 40 years of net flows (Georgetown CEW's
  horizons), `None` when the horizon is shorter;
* `price_to_earnings_premium` (Third Way): net price (direct cost − aid) ÷ the earnings
  premium in year `PEP_YEAR` after enrolment, both over all enrollees (completion-weighted),
  `None` when that premium is ≤ 0 or past the horizon;
* the *financed* view (`Flows.net_financed`, the student's own cash with loan disbursements
  and repayments) beside them: its NPV at the same discount rate, the lowest cumulative
  cash position and when it is reached, when the position is back to even after it, and
  when the last loan payment is made.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from himcalc.engine import finance
from himcalc.engine.cashflows import Flows, counterfactual_at, graduate_wage, project
from himcalc.engine.ops import SCALAR
from himcalc.engine.plan import Plan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from himcalc.engine.ops import Ops

CEW_HORIZONS = (10, 15, 20, 30, 40)
PEP_YEAR = 10
"""Year index after enrolment at which the price-to-earnings premium takes the earnings
premium: Third Way's Price-to-Earnings Premium uses College Scorecard earnings of all
students (completers or not) 10 years after they entered."""


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
    debt_at_repayment: float
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
    npv_per_dollar_invested: float | None
    lifetime_earnings_gain: float
    npv_10: float | None
    npv_15: float | None
    npv_20: float | None
    npv_30: float | None
    npv_40: float | None
    price_to_earnings_premium: float | None
    completion_probability: float
    npv_financed: float
    financed_low_point: float
    financed_low_point_years: float
    financed_back_to_even_years: float | None
    debt_free_years: float

    def as_dict(self) -> dict:
        """Field name → value, in declaration order (flat: no copying)."""
        return {name: getattr(self, name) for name in self.__slots__}


METRIC_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Metrics))
"""Keys of a metrics row, in the order of JSON objects and CSV columns (a documented contract:
README, "Output formats"): the `Metrics` fields, in declaration order."""


OPTIONAL = ("payback_years", "payback_after_completion", "discounted_payback_years", "irr",
            "npv_per_dollar_invested", *(f"npv_{n}" for n in CEW_HORIZONS),
            "price_to_earnings_premium", "financed_back_to_even_years")
"""Metrics that may be undefined: None in `Metrics`, NaN in `measure_columns`."""


def measure(plan: Plan, flows: Flows, completer: Flows,
            discounted: list | None = None) -> Metrics:
    """Metrics of the expected `flows` (graduate-only figures from `completer`); `discounted`,
    if given, receives each year's net flow discounted to t = 0 (the terms of the NPV)."""
    fields = measure_columns(plan, flows, completer, SCALAR, discounted)
    for key in OPTIONAL:
        if fields[key] != fields[key]:
            fields[key] = None
    return Metrics(**fields)


def growth_factor(rate, years, o: Ops = SCALAR):
    """``(1 + rate) ** years`` for whole `years` (a vector on the array backend), by repeated
    multiplication: the same factors the cash-flow loop builds, identical on every CPU."""
    factor = 1.0
    step = 1.0 + rate
    for k in range(o.most(years)):
        factor = o.where(k < years, factor * step, factor)
    return factor


def measure_columns(plan: Plan, flows: Flows, completer: Flows, o: Ops,
                    discounted: list | None = None) -> dict:
    """`Metrics` fields as a dict, every value a float or (array backend) a vector.

    "None" is NaN here (`measure` turns it into None). One pass over the years gathers the
    sums, the discounted running totals (NPV, the CEW horizon NPVs, the discounted payback,
    the financed NPV), the financed cash position, and the graduate's first full-year premium.
    """
    net = flows.net
    d = plan.discount_rate
    years = plan.years_to_complete
    horizon = plan.horizon
    first = o.ceil(years - 1e-9)
    growth = growth_factor(plan.wage_growth, first, o)
    starting = graduate_wage(plan, first, years, o) * growth
    base = o.pick(plan.current_profile, plan.age)
    # used when `first` is past the horizon:
    premium = starting - counterfactual_at(plan, first, base, o) * growth
    direct = forgone = aid = earned_with = earned_without = 0.0
    # NPV = Σ net_t / (1 + d)^t as the running sum of `finance.discount`'s terms, so that the
    # NPV, the CEW horizon NPVs and the discounted payback agree to the last digit.
    running = invested = running_financed = 0.0
    factor, step = 1.0, 1.0 + d
    horizon_npv = dict.fromkeys(CEW_HORIZONS, o.nan)
    pep_premium = o.nan
    discounted = [] if discounted is None else discounted  # the terms of the NPV, by year
    # The financed cash position: its low point (0 at the start), when, and back to even.
    cash = low = low_years = 0.0
    even = o.full(net[0] if net else 0.0, 0.0)
    recovered = True
    for t in range(plan.span):
        direct = direct + flows.direct_cost[t]
        forgone = forgone + flows.forgone_earnings[t]
        aid = aid + flows.aid[t]
        earned_with = earned_with + flows.earnings_with[t]
        earned_without = earned_without + flows.earnings_without[t]
        term = net[t] / factor
        discounted.append(term)
        running = running + term
        financed = flows.net_financed[t]
        running_financed = running_financed + financed / factor
        invested = invested + (flows.direct_cost[t] + flows.forgone_earnings[t]) / factor
        factor = factor * step
        before, cash = cash, cash + financed
        lower = cash < low
        low = o.where(lower, cash, low)
        low_years = o.where(lower, t + 1.0, low_years)
        recovered = o.where(lower, False, recovered)
        crossed = o.not_(recovered) & (before < 0.0) & (cash >= 0.0)
        even = o.where(lower, o.nan, o.where(crossed, t + o.div(-before, financed), even))
        recovered = recovered | crossed
        first_full_year = (t == first) & (t < horizon)
        if o.any(first_full_year):
            premium = o.where(first_full_year,
                              completer.earnings_with[t] - completer.earnings_without[t],
                              premium)
        if t == PEP_YEAR:
            pep_premium = o.where(t < horizon, flows.earnings_with[t] - flows.earnings_without[t],
                                  o.nan)
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
        "opportunity_cost": forgone,
        "total_cost": direct + forgone,
        "aid": aid,
        "debt_at_repayment": completer.loan.debt_at_repayment,
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
        "npv_per_dollar_invested": o.where(invested > 0, o.div(running, invested), o.nan),
        "lifetime_earnings_gain": earned_with - earned_without,
        **{f"npv_{n}": value for n, value in horizon_npv.items()},
        "price_to_earnings_premium": o.where(pep_premium > 0, o.div(net_price, pep_premium),
                                             o.nan),
        "completion_probability": plan.completion_probability,
        "npv_financed": running_financed,
        "financed_low_point": low,
        "financed_low_point_years": low_years,
        "financed_back_to_even_years": even,
        "debt_free_years": completer.loan.debt_free_years,
    }


def evaluate(plan: Plan) -> tuple[Metrics, Flows]:
    """Project and measure one plan: (its `Metrics`, its expected `Flows`), the single entry
    point every command uses (`make_plan` builds the plan).

    Conventions (module docstring, docs/methodology.md): real dollars; `flows.net[t]` is
    year t's net flow, t = 0 the first year of study, costs (outflows) negative; NPV
    discounts year t by (1 + discount_rate) ** t (t = 0 undiscounted); payback and the
    other durations are years from the start of study, None for "never within the horizon".
    Pure: raises nothing for a plan `make_plan` built.

    >>> from himcalc.engine.plan import make_plan
    >>> from himcalc.engine.scenario import Scenario
    >>> from himcalc.shipped import load
    >>> metrics, flows = evaluate(make_plan(load(), Scenario(), "coding-certificate"))
    >>> len(flows.net), flows.net[0] < 0  # 40 years of flows; the year of study costs money
    (40, True)
    >>> metrics.npv < 0, metrics.irr_status  # at p50 it does not repay a 3 % discount rate
    (True, 'ok')
    """
    flows, completer = project(plan)
    return measure(plan, flows, completer), flows


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One plan evaluated: its metrics, its expected flows, and each year's net flow
    discounted to t = 0 at the plan's discount rate (`discounted_net[t]` = net_t / (1 + d)^t,
    the terms whose sum is the NPV)."""

    metrics: Metrics
    flows: Flows
    discounted_net: list[float]


def evaluate_in_full(plan: Plan) -> Evaluation:
    """`evaluate`, with the discounted net flows the metrics were computed from (what `show`
    lists year by year, so that no caller discounts the flows a second time).

    >>> from himcalc.engine.plan import make_plan
    >>> from himcalc.engine.scenario import Scenario
    >>> from himcalc.shipped import load
    >>> e = evaluate_in_full(make_plan(load(), Scenario(), "bachelor-him"))
    >>> sum(e.discounted_net) == e.metrics.npv  # the NPV is their sum, term by term
    True
    >>> e.discounted_net[0] == e.flows.net[0]  # t = 0 is not discounted
    True
    """
    flows, completer = project(plan)
    discounted: list[float] = []
    metrics = measure(plan, flows, completer, discounted)
    return Evaluation(metrics, flows, discounted)
