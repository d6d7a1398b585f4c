"""Year-by-year cash flows of one plan: the engine's hot loop.

Written on the ops backends (`engine.ops`): on floats for one plan, on numpy vectors for a
stack of plans (`engine.vector`, used by `batch`), with the same results.

Conventions (docs/methodology.md, "Cash flows"):

* year 0 is the first year of study; one row per year of the horizon; real dollars;
* the study share of year t is s_t = min(1, max(0, D − t)) for a programme of D years, so a
  20-month programme studies all of year 0 and two thirds of year 1;
* earnings without the credential: cf_t = cf_0 × profile(age + t) / profile(age) × (1 − u) ×
  (1 + g)^t, the counterfactual at the starting age moving along its education's age profile,
  weighted by employment (`engine.earnings`);
* earnings with the credential: s_t × kept × cf_t + (1 − s_t) × wage_t, where wage_t is the
  holders' expected wage (`graduate_wage`) in whole year ⌊t − D⌋ after completion, grown by
  the real wage growth from year 0;
* the *economic* net flow, on which every headline metric is computed, is
  net_t = (earnings with − earnings without) − tax on that difference − direct cost + aid
  (grants, employer assistance, tax credits): study costs are paid when incurred and
  financing is left out (FREOPP's and Georgetown CEW's convention);
* the *financed* net flow, the student's own cash, adds the loans:
  net_financed_t = net_t + loan disbursed − loan payments;
* growth factors (1 + g)^t are built by repeated multiplication, the same on both backends,
  so no result depends on how a CPU's vector `pow` rounds.

With a completion probability p < 1 every column is the probability-weighted mix of the
completer's row and the non-completer's row (who studies `noncompleter_years`, pays for
them, borrows for them, repays, and then earns the counterfactual again).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from himcalc.engine.earnings import CAREER_YEARS
from himcalc.engine.financing import LoanOutcome, finance, no_loan
from himcalc.engine.ops import SCALAR
from himcalc.engine.plan import Plan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from himcalc.engine.ops import Ops


@dataclass(frozen=True, slots=True)
class Flows:
    """Cash-flow columns, each a list with one value per year of the horizon.

    On the array backend (`ops.array_ops`) each value is a vector with one element per
    evaluation, and years past an evaluation's own horizon hold 0.
    """

    direct_cost: list
    forgone_earnings: list
    earnings_with: list
    earnings_without: list
    taxes: list
    aid: list
    loan_disbursed: list
    loan_payment: list
    net: list
    net_financed: list
    study_share: list
    loan: LoanOutcome


def graduate_wage(plan: Plan, t, years, o: Ops = SCALAR):
    """A holder's expected wage in year t after finishing `years` of study, before growth.

    ``scale × (occupational[c] + outside[c] × profile(age + t)) × employment`` with c the whole
    years since completion (`engine.earnings`: the career tables hold the share-weighted wages
    of the track's roles at the person's rank; the outside-HIM role follows the holder
    education's age profile).
    """
    c = o.minimum(o.floor(o.maximum(t - years, 0.0) + 1e-9), CAREER_YEARS - 1)
    occupational = o.pick(plan.career_occupational, c)
    outside = o.pick(plan.career_outside, c)
    wage = occupational + outside * o.pick(plan.holder_profile, plan.age + t)
    return plan.graduate_scale * wage * plan.employment_with


def counterfactual_at(plan: Plan, t, base, o: Ops = SCALAR):
    """Earnings without the credential in year t, before growth: the starting counterfactual
    moved along the current education's age profile (`base` = the profile at the starting
    age) and weighted by employment."""
    ratio = o.div(o.pick(plan.current_profile, plan.age + t), base)
    return plan.counterfactual * ratio * plan.employment_without


def income_tax(plan: Plan, earnings, o: Ops = SCALAR):
    """Federal income tax (dollars) a single filer owes on a year's `earnings`.

    ``taxable = max(0, earnings − standard deduction)``, taxed by `plan.tax_brackets`
    ((over, rate) pairs, data/income_tax.yaml: the 2026 schedule, which inflation indexing
    keeps constant in real dollars). Only used to cap the non-refundable education credits.

    >>> from types import SimpleNamespace as P
    >>> plan = P(standard_deduction=16_100.0, tax_brackets=((0.0, 0.10), (12_400.0, 0.12)))
    >>> round(income_tax(plan, 36_100.0), 2)  # 20,000 taxable: 1,240 + 12 % of 7,600
    2152.0
    """
    taxable = o.maximum(earnings - plan.standard_deduction, 0.0)
    tax = 0.0
    brackets = plan.tax_brackets
    for k, (over, rate) in enumerate(brackets):
        above = o.maximum(taxable - over, 0.0)
        if k + 1 < len(brackets):
            above = o.minimum(above, brackets[k + 1][0] - over)
        tax = tax + rate * above
    return tax


def _credit(plan: Plan, t: int, qualified, earnings, o: Ops):
    """The education tax credit of study year t the student can use, phased out by MAGI.

    The AOTC while the person still has AOTC years (undergraduate pathways only: the first
    four years of college, fewer after some college or an associate, none after a bachelor's),
    the Lifetime Learning Credit otherwise (graduate study, or undergraduate years beyond the
    AOTC's four). A student cannot claim both for the same year. MAGI is the year's earnings.
    Only the AOTC's refundable share (40 %) is paid whatever the tax; the rest of it, and the
    whole LLC, only offsets the year's federal income tax (`income_tax` of the earnings).
    Zero without credits or without qualified expenses.
    """
    aotc = o.minimum(
        o.minimum(qualified, 2000.0) + 0.25 * o.minimum(o.maximum(qualified - 2000.0, 0.0), 2000.0),
        plan.aotc_max,
    )
    llc = plan.llc_rate * o.minimum(qualified, plan.llc_limit)
    is_aotc = t < plan.aotc_years
    span = plan.phaseout_end - plan.phaseout_start
    phase = o.minimum(1.0, o.maximum(0.0, o.div(plan.phaseout_end - earnings, span)))
    amount = o.where(is_aotc, aotc, llc) * o.where(span > 0, phase, 1.0)
    refundable = o.where(is_aotc, plan.aotc_refundable_share * amount, 0.0)
    usable = refundable + o.minimum(amount - refundable, income_tax(plan, earnings, o))
    return o.where(plan.tax_credits & (qualified > 0), usable, 0.0)


def _path(plan: Plan, years, completes: bool, o: Ops = SCALAR) -> Flows:
    """One path: a completer (studies `years`, then the career track) or a non-completer.

    One pass over the years; a year's study share s_t is 0 once study is over, which makes
    the study terms (cost, aid, forgone earnings, the salary kept) vanish exactly, so once no
    path is studying any more they are skipped (a shortcut for speed, with identical results).
    """
    horizon, g, tax_rate = plan.horizon, plan.wage_growth, plan.tax_rate
    span = plan.span
    base = o.pick(plan.current_profile, plan.age)
    if plan.loan_rules is None:  # no borrowing (a `StackedPlan` never has loan rules)
        loan = no_loan(span)
    else:
        first = math.ceil(years)
        agi = (graduate_wage(plan, first, years) if completes
               else counterfactual_at(plan, first, base)) * (1.0 + g) ** first
        loan = finance(plan, years, agi)
    study = o.where(years > 0, o.ceil(years - 1e-12), 0)
    last_study_year = o.ceil(years - 1e-12) - 1
    kept, growth, tuition_growth = plan.kept_share, 1.0 + g, 1.0 + plan.tuition_growth
    taxed = tax_rate != 0
    shortest = plan.shortest_horizon  # rows of a `StackedPlan` may have shorter horizons
    cols: dict[str, list] = {name: [] for name in Flows.__slots__[:-1]}
    grow = tuition_grow = 1.0  # (1 + g)^t, (1 + tuition growth)^t by repeated multiplication
    for t in range(span):
        if t:
            grow = grow * growth
            tuition_grow = tuition_grow * tuition_growth
        cf = counterfactual_at(plan, t, base, o) * grow
        studying = o.any(t < study)
        if studying:
            share = o.where(t < study, o.minimum(1.0, years - t), 0.0)
            if completes:
                with_ = (1.0 - share) * graduate_wage(plan, t, years, o) * grow
            else:
                with_ = (1.0 - share) * cf
            with_ = with_ + share * kept * cf
            forgone = share * (1.0 - kept) * cf
            cost = plan.direct_cost_per_year * share * tuition_grow
            grants = o.minimum(plan.grants_per_year * share, cost)
            assistance = o.minimum(plan.assistance_per_year * share, cost - grants)
            aid = grants + assistance + _credit(plan, t, cost - grants - assistance, with_, o)
            if completes:
                cost = cost + o.where(t == last_study_year, plan.exam_fee, 0.0)
        else:  # every path has finished studying: the terms above are exactly these
            share = forgone = cost = aid = 0.0
            with_ = graduate_wage(plan, t, years, o) * grow if completes else cf
        taxes = o.where(taxed, tax_rate * (with_ - cf), 0.0) if o.any(taxed) else 0.0
        disbursed = loan.disbursed[t]
        payment = loan.payments[t]
        # Years past a row's own horizon are worth nothing (on vectors the mask also makes
        # `net` one element per row; on floats t < horizon always holds).
        alive = t < horizon
        net = o.where(alive, (with_ - cf) - taxes - cost + aid, 0.0)
        financed = net + disbursed - payment
        if t >= shortest:  # only rows of a `StackedPlan`; the loan flows are 0.0 there
            with_, cf, taxes = (o.where(alive, x, 0.0) for x in (with_, cf, taxes))
            if studying:
                cost, forgone, aid, share = (o.where(alive, x, 0.0)
                                              for x in (cost, forgone, aid, share))
        row = (cost, forgone, with_, cf, taxes, aid, disbursed, payment, net, financed, share)
        for column, value in zip(cols.values(), row, strict=True):
            column.append(value)
    return Flows(**cols, loan=loan)


def _mix(p, a: Flows, b: Flows) -> Flows:
    """Probability-weighted mix of two paths, column by column."""
    q = 1.0 - p
    cols = {
        k: [p * x + q * y for x, y in zip(getattr(a, k), getattr(b, k), strict=True)]
        for k in Flows.__slots__[:-1]
    }
    return Flows(**cols, loan=a.loan)


def project(plan: Plan, o: Ops = SCALAR) -> tuple[Flows, Flows]:
    """(expected flows, completer's flows) of `plan`: one value per year t = 0 … horizon − 1,
    t = 0 the first year of study, in real dollars; costs and forgone earnings are positive
    amounts in their own columns, `net` is the year's gain (negative while studying). They
    are the same object when the completion probability p is 1; otherwise the expected flows
    mix the completer's and a non-completer's, weighted p and 1 − p.

    Metrics are taken from the expected flows; the starting salary and the debt of a
    graduate come from the completer's. With the array backend, `plan` holds one element per
    evaluation (`engine.vector`) and so does every flow. Pure: raises nothing for a plan
    `make_plan` built.

    >>> from himcalc.engine.plan import make_plan
    >>> from himcalc.engine.scenario import Scenario
    >>> from himcalc.shipped import load
    >>> flows, completer = project(make_plan(load(), Scenario(), "coding-certificate"))
    >>> flows is completer  # completion risk is off by default: p = 1
    True
    >>> flows.study_share[:2]  # a 12-month certificate: all of year 0, none of year 1
    [1.0, 0.0]
    """
    completer = _path(plan, plan.years_to_complete, True, o)
    p = plan.completion_probability
    if not o.any(p < 1.0):
        return completer, completer
    leaver = _path(plan, plan.noncompleter_years, False, o)
    return _mix(p, completer, leaver), completer
