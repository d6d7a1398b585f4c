"""One-at-a-time sensitivity (a tornado) and two-way payback grids of one pathway.

Every figure here comes from the engine itself: each input setting is a modified `Scenario`
(tuition, percentile, rates, completion) or a plan built by `make_plan` from a modified
pathway record (time to complete), evaluated by `metrics.evaluate`. No cash-flow formula is
copied, so a change to the engine changes these numbers too.

Conventions: NPV in real dollars at the scenario's (or the swung) discount rate; payback in
years from the start of study, `None` for "never within the horizon" (`finance.payback_years`).
The *swing* of an input is ``|NPV(high) - NPV(low)|``; rows are sorted by it, largest first.

>>> [spec.name for spec in INPUTS][:3]
['tuition', 'percentile', 'discount_rate']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from himcalc.engine.metrics import evaluate
from himcalc.engine.plan import Plan, make_plan, pathway_tuition, plan_taking
from himcalc.engine.scenario import Scenario
from himcalc.errors import UsageError
from himcalc.models.store import Datasets

LOAN_RATE_SWING = 0.02
"""±2 percentage points around the federal (or `--loan-rate`) rate."""



@dataclass(frozen=True, slots=True)
class InputSpec:
    """One input the sensitivity commands can move.

    `kind` says how to read a level: "multiplier" (× the base value), "percentile", "rate" (a
    fraction per year), "years" (added to the time to complete), "points" (added to a rate) or
    "probability". `swing` is the (low, high) pair of the tornado, `grid` the five levels of a
    two-way table.
    """

    name: str
    label: str
    kind: str
    swing: tuple[float, float]
    grid: tuple[float, ...]


INPUTS: tuple[InputSpec, ...] = (
    InputSpec("tuition", "Tuition and fees", "multiplier", (0.8, 1.2), (0.6, 0.8, 1.0, 1.2, 1.4)),
    InputSpec("percentile", "Salary percentile", "percentile", (25.0, 75.0),
              (10.0, 25.0, 50.0, 75.0, 90.0)),
    InputSpec("discount_rate", "Discount rate", "rate", (0.02, 0.07),
              (0.02, 0.03, 0.04, 0.055, 0.07)),
    InputSpec("wage_growth", "Real wage growth", "rate", (0.0, 0.02),
              (0.0, 0.005, 0.01, 0.015, 0.02)),
    InputSpec("time", "Time to complete", "years", (0.0, 1.0), (0.0, 0.5, 1.0, 1.5, 2.0)),
    InputSpec("loan_rate", "Federal loan rate", "points", (-LOAN_RATE_SWING, LOAN_RATE_SWING),
              (-0.02, -0.01, 0.0, 0.01, 0.02)),
    InputSpec("completion", "Completion probability", "probability", (-1.0, 1.0),
              (-1.0, 0.7, 0.8, 0.9, 1.0)),
)
"""The inputs, in the order of `--help`. Completion's level -1 means "the sector's rate"."""

SPECS = {spec.name: spec for spec in INPUTS}


def spec(name: str) -> InputSpec:
    """The input called `name`, or a UsageError listing the valid names."""
    try:
        return SPECS[name]
    except KeyError:
        raise UsageError(
            f"unknown sensitivity input '{name}' (valid: {', '.join(SPECS)})") from None


def base_tuition(data: Datasets, scenario: Scenario, pathway_id: str) -> float:
    """Tuition and fees per full-time year that `make_plan` prices the pathway with."""
    return pathway_tuition(data, scenario, pathway_id)


def moved_scenario(data: Datasets, scenario: Scenario, pathway_id: str, name: str,
                   level: float) -> Scenario:
    """The scenario with input `name` (any but "time") set to `level` (see `InputSpec.kind`)."""
    s = scenario
    if name == "tuition":
        return s.model_copy(update={"tuition": base_tuition(data, s, pathway_id) * level})
    if name in ("percentile", "discount_rate", "wage_growth"):
        return s.model_copy(update={name: level})
    if name == "loan_rate":
        rate = _loan_rate(data, s, pathway_id)
        if rate is None:  # no borrowing: nothing to move
            return s
        return s.model_copy(update={"loan_rate": max(0.0, rate + level)})
    if name == "completion":
        update = ({"completion_risk": True, "completion_probability": None} if level < 0
                  else {"completion_probability": level})
        return s.model_copy(update=update)
    spec(name)  # raises for an unknown name
    raise UsageError(f"'{name}' is not a scenario input")


def variant_plan(data: Datasets, scenario: Scenario, pathway_id: str, name: str,
                 level: float) -> Plan:
    """The plan with input `name` set to `level` (see `InputSpec.kind`), all else unchanged."""
    if name == "time":
        base = make_plan(data, scenario, pathway_id)
        if level == 0:
            return base
        return plan_taking(data, scenario, pathway_id, base.years_to_complete + level)
    return make_plan(data, moved_scenario(data, scenario, pathway_id, name, level), pathway_id)


def _loan_rate(data: Datasets, scenario: Scenario, pathway_id: str) -> float | None:
    """The federal rate the base plan borrows at, or None when it does not borrow."""
    plan = make_plan(data, scenario, pathway_id)
    if plan.loan_rules is None:
        return None
    return plan.loan_rate if plan.loan_rate is not None else plan.loan_rules.federal_rate


def level_value(data: Datasets, scenario: Scenario, pathway_id: str, name: str,
                level: float) -> float | None:
    """The absolute value a level stands for (for labels): e.g. tuition in dollars.

    None where there is no such value (a loan rate when nothing is borrowed).
    """
    if name == "tuition":
        return base_tuition(data, scenario, pathway_id) * level
    if name == "loan_rate":
        rate = _loan_rate(data, scenario, pathway_id)
        return None if rate is None else max(0.0, rate + level)
    if name == "completion":
        return variant_plan(data, scenario, pathway_id, name, level).completion_probability
    return level


@dataclass(frozen=True, slots=True)
class Swing:
    """One tornado row: NPV and payback at an input's low and high setting."""

    input: str
    label: str
    kind: str
    low: float
    high: float
    low_value: float | None
    high_value: float | None
    npv_low: float
    npv_high: float
    npv_swing: float
    payback_low: float | None
    payback_high: float | None
    base_npv: float
    base_payback: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def _metrics(plan: Plan) -> tuple[float, float | None]:
    m, _ = evaluate(plan)
    return m.npv, m.payback_years


def tornado(data: Datasets, scenario: Scenario, pathway_id: str) -> list[Swing]:
    """One row per input of `INPUTS`, sorted by NPV swing (largest first; ties keep order)."""
    base_npv, base_payback = _metrics(make_plan(data, scenario, pathway_id))
    rows = []
    for sp in INPUTS:
        lo, hi = sp.swing
        npv_lo, pb_lo = _metrics(variant_plan(data, scenario, pathway_id, sp.name, lo))
        npv_hi, pb_hi = _metrics(variant_plan(data, scenario, pathway_id, sp.name, hi))
        rows.append(Swing(
            input=sp.name, label=sp.label, kind=sp.kind, low=lo, high=hi,
            low_value=level_value(data, scenario, pathway_id, sp.name, lo),
            high_value=level_value(data, scenario, pathway_id, sp.name, hi),
            npv_low=npv_lo, npv_high=npv_hi, npv_swing=abs(npv_hi - npv_lo),
            payback_low=pb_lo, payback_high=pb_hi, base_npv=base_npv, base_payback=base_payback,
        ))
    rows.sort(key=lambda r: -r.npv_swing)
    return rows


@dataclass(frozen=True, slots=True)
class GridCell:
    """Payback, discounted payback and NPV at one pair of levels of two inputs."""

    input_a: str
    level_a: float
    value_a: float | None
    input_b: str
    level_b: float
    value_b: float | None
    payback_years: float | None
    discounted_payback_years: float | None
    npv: float

    def as_dict(self) -> dict:
        return asdict(self)


def _combined(data: Datasets, scenario: Scenario, pathway_id: str,
              moves: list[tuple[str, float]]) -> Plan:
    """Apply several moves: scenario moves first, then the time-to-complete stretch."""
    s = scenario
    extra_years = 0.0
    for name, level in moves:
        if name == "time":
            extra_years += level
        else:
            s = moved_scenario(data, s, pathway_id, name, level)
    return variant_plan(data, s, pathway_id, "time", extra_years)


def grid(data: Datasets, scenario: Scenario, pathway_id: str, a: str, b: str,
         levels: Callable[[InputSpec], tuple[float, ...]] | None = None) -> list[GridCell]:
    """Payback over every pair of levels of inputs `a` and `b` (row-major: a outer, b inner)."""
    if a == b:
        raise UsageError(f"--grid needs two different inputs (got '{a}' twice)")
    spec_a, spec_b = spec(a), spec(b)
    pick = levels or (lambda sp: sp.grid)
    cells = []
    for la in pick(spec_a):
        for lb in pick(spec_b):
            m, _ = evaluate(_combined(data, scenario, pathway_id, [(a, la), (b, lb)]))
            cells.append(GridCell(
                input_a=a, level_a=la, value_a=level_value(data, scenario, pathway_id, a, la),
                input_b=b, level_b=lb, value_b=level_value(data, scenario, pathway_id, b, lb),
                payback_years=m.payback_years,
                discounted_payback_years=m.discounted_payback_years, npv=m.npv,
            ))
    return cells
