"""Year-by-year cash flows of one plan: the engine's hot loop, on plain floats.

Conventions (docs/methodology.md, "Cash flows"):

* year 0 is the first year of study; one row per year of the horizon; real dollars;
* the study share of year t is s_t = min(1, max(0, D − t)) for a programme of D years, so a
  20-month programme studies all of year 0 and two thirds of year 1;
* earnings with the credential: s_t × kept × cf_t + (1 − s_t) × wage_t, where wage_t is the
  career track's wage for the occupation held (t − D) years after completion, grown by the
  real wage growth from year 0; earnings without: cf_t = current salary × (1 + g)^t;
* net_t = (earnings with − earnings without) − tax on that difference − direct cost + aid
  (grants, employer assistance, tax credits) + loan disbursed − loan payments.

With a completion probability p < 1 every column is the probability-weighted mix of the
completer's row and the non-completer's row (who studies `noncompleter_years`, pays for
them, borrows for them, repays, and then earns the counterfactual again).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from himcalc.engine.financing import LoanOutcome, finance
from himcalc.engine.plan import Plan


@dataclass(frozen=True, slots=True)
class Flows:
    """Cash-flow columns, each a list with one value per year of the horizon."""

    direct_cost: list[float]
    foregone_earnings: list[float]
    earnings_with: list[float]
    earnings_without: list[float]
    taxes: list[float]
    aid: list[float]
    loan_disbursed: list[float]
    loan_payment: list[float]
    net: list[float]
    study_share: list[float]
    loan: LoanOutcome


def wage_after(plan: Plan, years_after_completion: float) -> float:
    """The track's wage for the stage held `years_after_completion` after finishing."""
    wage = plan.stages[0][1]
    for start, stage_wage in plan.stages:
        if years_after_completion + 1e-9 >= start:
            wage = stage_wage
    return wage


def _credit(plan: Plan, t: int, qualified: float, magi: float) -> float:
    """The education tax credit of study year t, phased out by MAGI.

    The AOTC while the person still has AOTC years (undergraduate pathways only: the first
    four years of college, fewer after some college or an associate, none after a bachelor's),
    the Lifetime Learning Credit otherwise (graduate study, or undergraduate years beyond the
    AOTC's four). A student cannot claim both for the same year.
    """
    if not plan.tax_credits or qualified <= 0:
        return 0.0
    if t < plan.aotc_years:
        amount = min(qualified, 2000.0) + 0.25 * min(max(qualified - 2000.0, 0.0), 2000.0)
        amount = min(amount, plan.aotc_max)
    else:
        amount = plan.llc_rate * min(qualified, plan.llc_limit)
    span = plan.phaseout_end - plan.phaseout_start
    factor = min(1.0, max(0.0, (plan.phaseout_end - magi) / span)) if span > 0 else 1.0
    return amount * factor


def _path(plan: Plan, years: float, completes: bool) -> Flows:
    """One path: a completer (studies `years`, then the career track) or a non-completer.

    Study years (s_t > 0) take the general formulas; career years (s_t = 0) have no cost, no
    aid and no foregone earnings, so they reduce to `with_t = wage_t` (a shortcut for speed).
    """
    horizon, cf0, g, tax_rate = plan.horizon, plan.counterfactual, plan.wage_growth, plan.tax_rate
    agi = (plan.stages[0][1] if completes else cf0) * (1.0 + g) ** math.ceil(years)
    loan = finance(plan, years, agi)
    grow = [(1.0 + g) ** t for t in range(horizon)] if g else [1.0] * horizon
    cf = [cf0 * x for x in grow]
    study = min(horizon, math.ceil(years - 1e-12)) if years > 0 else 0
    share = [min(1.0, years - t) for t in range(study)] + [0.0] * (horizon - study)
    if completes:
        with_ = [(1.0 - share[t]) * wage_after(plan, max(0.0, t - years)) * grow[t]
                 for t in range(horizon)]
    else:
        with_ = [(1.0 - share[t]) * cf[t] for t in range(horizon)]
    zeros = [0.0] * horizon
    cost, foregone, aid = zeros[:], zeros[:], zeros[:]
    kept = plan.kept_share
    for t in range(study):
        s_t = share[t]
        with_[t] += s_t * kept * cf[t]
        foregone[t] = s_t * (1.0 - kept) * cf[t]
        c = plan.direct_cost_per_year * s_t * (1.0 + plan.tuition_growth) ** t
        grants = min(plan.grants_per_year * s_t, c)
        assistance = min(plan.assistance_per_year * s_t, c - grants)
        aid[t] = grants + assistance + _credit(plan, t, c - grants - assistance, with_[t])
        cost[t] = c
    last_study_year = math.ceil(years - 1e-12) - 1
    if completes and 0 <= last_study_year < horizon:
        cost[last_study_year] += plan.exam_fee
    taxes = [tax_rate * (w - c_) for w, c_ in zip(with_, cf, strict=True)] if tax_rate else zeros
    disbursed, payments = loan.disbursed, loan.payments
    net = [
        (with_[t] - cf[t]) - taxes[t] - cost[t] + aid[t] + disbursed[t] - payments[t]
        for t in range(horizon)
    ]
    return Flows(
        direct_cost=cost, foregone_earnings=foregone, earnings_with=with_,
        earnings_without=cf, taxes=taxes, aid=aid, loan_disbursed=disbursed,
        loan_payment=payments, net=net, study_share=share, loan=loan,
    )


def _mix(p: float, a: Flows, b: Flows) -> Flows:
    """Probability-weighted mix of two paths, column by column."""
    q = 1.0 - p
    cols = {
        k: [p * x + q * y for x, y in zip(getattr(a, k), getattr(b, k), strict=True)]
        for k in Flows.__slots__[:-1]
    }
    return Flows(**cols, loan=a.loan)


def project(plan: Plan) -> tuple[Flows, Flows]:
    """(expected flows, completer's flows). They are the same object when p = 1.

    Metrics are taken from the expected flows; the starting salary and the debt of a
    graduate come from the completer's.
    """
    completer = _path(plan, plan.years_to_complete, completes=True)
    p = plan.completion_probability
    if p >= 1.0:
        return completer, completer
    leaver = _path(plan, plan.noncompleter_years, completes=False)
    return _mix(p, completer, leaver), completer
