"""Many evaluations at once: plans stacked into vectors and run through the one engine.

`cashflows.project` and `metrics.measure_columns` are written on the ops backends
(`engine.ops`); here a list of plans becomes one `StackedPlan` whose every number is a numpy
vector with one element per plan, and the same formulas run on those vectors. Each row that
comes back equals `metrics.evaluate(plan)` for its plan, bit for bit (tested).

Two kinds of plan take the scalar path one by one instead: plans that borrow (the federal loan
model works month by month on a schedule of its own, `engine.loans`) and, inside
`finance.irr_of`, series whose IRR needs more than the one-sign-change test.

numpy is imported here and only here (and in `simulate`); `batch` imports this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from himcalc.engine.cashflows import project
from himcalc.engine.metrics import Metrics, evaluate, measure_columns
from himcalc.engine.ops import array_ops
from himcalc.engine.plan import Plan

NUMBERS = (
    "horizon", "years_to_complete", "noncompleter_years", "completion_probability",
    "direct_cost_per_year", "exam_fee", "counterfactual", "kept_share", "wage_growth",
    "tuition_growth", "discount_rate", "tax_rate", "grants_per_year", "assistance_per_year",
    "tax_credits", "aotc_years", "aotc_max", "llc_rate", "llc_limit", "phaseout_start",
    "phaseout_end",
)
"""The plan numbers the formulas read (a field missing here fails loudly: AttributeError)."""
LABELS = ("pathway", "institution", "study_mode")
"""Plan labels that metrics echo, kept as lists."""
METRIC_LABELS = ("pathway", "institution", "study_mode", "irr_status")
"""Metrics that are labels, returned as lists."""


@dataclass(frozen=True, slots=True)
class StackedPlan:
    """A `Plan` whose numbers are vectors; `stages` are padded with stages that never start."""

    columns: dict
    stages: tuple
    span: int

    def __getattr__(self, name: str):  # noqa: ANN204
        try:
            return self.columns[name]
        except KeyError:
            raise AttributeError(name) from None


def stack(plans: list[Plan]) -> StackedPlan:
    """One `StackedPlan` from plans that do not borrow.

    A number that is the same in every plan stays a single number (numpy broadcasts it), which
    spares the formulas work on the inputs a batch leaves at their defaults.
    """
    numbers = np.array(list(map(attrgetter(*NUMBERS), plans)), dtype=float).T.copy()
    columns: dict = {name: _column(row) for name, row in zip(NUMBERS, numbers, strict=True)}
    columns["tax_credits"] = columns["tax_credits"] != 0.0
    # Always a vector: masking each year by it gives every flow one element per plan.
    columns["horizon"] = numbers[NUMBERS.index("horizon")]
    for name in LABELS:
        columns[name] = [getattr(p, name) for p in plans]
    stage_lists = [p.stages for p in plans]
    stages = []
    for k in range(max(map(len, stage_lists))):
        starts = [s[k][0] if k < len(s) else math.inf for s in stage_lists]
        wages = [s[min(k, len(s) - 1)][1] for s in stage_lists]
        stages.append((_column(np.array(starts)), _column(np.array(wages))))
    span = int(np.max(columns["horizon"]))
    return StackedPlan(columns, tuple(stages), span)


def _column(values: np.ndarray) -> np.ndarray | float:
    """`values`, or their one value when they are all equal."""
    first = values[0]
    if values[-1] == first and (values == first).all():
        return first.item()
    return values


def evaluate_columns(plans: list[Plan]) -> dict:
    """The metrics of every plan, in order, as columns: `Metrics` field -> a numpy vector
    (NaN where the metric is None) or, for labels, a list.

    Element i equals `metrics.evaluate(plans[i])` (tested, bit for bit).
    """
    if not plans:
        return {key: [] if key in METRIC_LABELS else np.empty(0) for key in Metrics.__slots__}
    borrowers = [i for i, p in enumerate(plans)
                 if p.loan_rules is not None and p.borrow_per_year > 0]
    if not borrowers:
        return _evaluate_stacked(plans)
    alone = set(borrowers)
    together = [i for i in range(len(plans)) if i not in alone]
    rows = {i: evaluate(plans[i])[0].as_dict() for i in borrowers}
    parts = _evaluate_stacked([plans[i] for i in together]) if together else {}
    order = {i: k for k, i in enumerate(together)}
    columns = {}
    for key in Metrics.__slots__:
        values = [_nan(rows[i][key]) if i in alone else parts[key][order[i]]
                  for i in range(len(plans))]
        columns[key] = values if key in METRIC_LABELS else np.array(values, dtype=float)
    return columns


def evaluate_many(plans: list[Plan]) -> list[dict]:
    """`metrics.evaluate(plan)[0].as_dict()` of every plan, in order, computed together."""
    return rows_of(evaluate_columns(plans))


def rows_of(columns: dict) -> list[dict]:
    """`evaluate_columns`' columns as one `Metrics.as_dict()`-like dict per evaluation."""
    values = []
    for key in Metrics.__slots__:
        column = columns[key]
        if key in METRIC_LABELS:
            values.append(column)
        else:
            values.append([None if v != v else v for v in column.tolist()])
    return [dict(zip(Metrics.__slots__, row, strict=True)) for row in zip(*values, strict=True)]


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _evaluate_stacked(plans: list[Plan]) -> dict:
    o = array_ops()
    stacked = stack(plans)
    with np.errstate(all="ignore"):  # `where` computes both branches; the unused one may be inf
        flows, completer = project(stacked, o)
        columns = measure_columns(stacked, flows, completer, o)
    n = len(plans)
    for key in Metrics.__slots__:
        value = columns[key]
        if key in METRIC_LABELS:
            columns[key] = list(value)
        else:
            columns[key] = np.broadcast_to(np.asarray(value, dtype=float), (n,))
    return columns
