"""Many evaluations at once: scenarios planned and evaluated together on numpy vectors.

The engine's steps are written once on the ops backends (`engine.ops`): `plan.resolve` turns
a scenario's numbers into a plan's, `cashflows.project` and `metrics.measure_columns` turn a
plan into flows and metrics. Here those same functions run on vectors with one element per
(scenario, pathway) *task*: tasks that share a pathway and the scenario's categories share
their data look-ups (`plan.plan_terms`) and are resolved together, then every task is projected
and measured in one stack. Each result equals `metrics.evaluate(plan.make_plan(...))` for its
task, bit for bit (tests/test_vector.py).

Some tasks take the scalar path one by one instead: tasks that borrow (the federal loan model
works month by month on a schedule of its own, `engine.loans`), tasks whose plan fails a check
(the scalar `make_plan` then gives the error message), and, inside `finance.irr_of`, series
whose IRR needs more than the one-sign-change test.

numpy is imported here and only here (and in `simulate`); `batch` imports this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np

from himcalc.engine import plan as planning
from himcalc.engine.cashflows import project
from himcalc.engine.earnings import profile_table
from himcalc.engine.metrics import Metrics, evaluate, measure_columns
from himcalc.engine.ops import TaskTable, array_ops
from himcalc.engine.plan import make_plan
from himcalc.engine.scenario import Scenario
from himcalc.errors import HimcalcError

NUMBERS = (
    "horizon", "years_to_complete", "noncompleter_years", "completion_probability",
    "direct_cost_per_year", "exam_fee", "counterfactual", "kept_share", "wage_growth", "age",
    "graduate_scale", "employment_with", "employment_without",
    "tuition_growth", "discount_rate", "tax_rate", "grants_per_year", "assistance_per_year",
    "tax_credits", "aotc_years", "aotc_max", "aotc_refundable_share", "llc_rate", "llc_limit",
    "phaseout_start", "phaseout_end", "standard_deduction",
)
"""The plan numbers the formulas read (a field missing here fails loudly: AttributeError)."""
SHARED = ("tax_brackets",)
"""Plan values taken whole from the data, the same for every task (one data set a batch)."""
TABLES = ("career_occupational", "career_outside", "holder_profile", "current_profile")
"""Per-year career tables (`earnings.CareerModel.tables`): one per distinct percentile of a
group, stacked into an `ops.TaskTable` (the tables and each task's row), or kept as one row;
and the age profiles (`earnings.profile_table`), looked up by whole age."""
METRIC_LABELS = ("pathway", "institution", "study_mode", "irr_status")
"""Metrics that are labels, returned as lists."""

Task = tuple[Scenario, str]
"""One evaluation: a scenario and a pathway id."""


@dataclass(frozen=True, slots=True)
class StackedPlan:
    """A `Plan` whose numbers are vectors (or one number all share), and whose per-year
    tables are 2-D (one row per task) or one shared row."""

    columns: dict
    span: int

    loan_rules = None
    """Never borrows: `_plan_together` sends a task that borrows down the scalar path (the
    monthly loan schedules are not vectorised), so none can be priced here without its loan."""

    @property
    def shortest_horizon(self) -> int:
        """The shortest horizon of the stacked tasks (years past it are masked per row)."""
        return int(np.min(self.columns["horizon"]))

    def __getattr__(self, name: str):
        try:
            return self.columns[name]
        except KeyError:
            raise AttributeError(name) from None


class _Numbers:
    """The scenario numbers of many tasks: a vector with NaN for "the default" for a field
    some scenario sets, the field's own default (NaN for None) for a field none sets."""

    def __init__(self, scenarios: list[Scenario]) -> None:
        given = set().union(*(s.model_fields_set for s in scenarios))
        names = [name for name in planning.SCENARIO_NUMBERS if name in given]
        for name in planning.SCENARIO_NUMBERS:
            if name not in given:
                default = Scenario.model_fields[name].default
                setattr(self, name, math.nan if default is None else default)
        if not names:
            return
        rows = map(attrgetter(*names), scenarios) if len(names) > 1 else (
            (getattr(s, names[0]),) for s in scenarios)
        for name, values in zip(names, zip(*rows, strict=True), strict=True):
            missing = values.count(None)
            if not missing:
                column = np.array(values, dtype=float)
            else:
                column = np.array([math.nan if v is None else v for v in values], dtype=float)
            if name in ("cap_employer_assistance", "tax_credits"):
                column = column != 0.0
            setattr(self, name, column)


def evaluate_tasks(data: Any, tasks: list[Task]) -> tuple[dict, list[str | None]]:
    """The metrics of every task, in order, as columns, and each task's error (or None).

    A column is a numpy vector (NaN where the metric is None, and in the rows of tasks with an
    error) or, for labels, a list. Element i equals `evaluate(make_plan(data, *tasks[i]))`.
    """
    n = len(tasks)
    errors: list[str | None] = [None] * n
    together, stacked = _plan_together(data, tasks)
    rows: dict[int, dict] = {}
    for i in sorted(set(range(n)) - set(together)):
        try:
            rows[i] = evaluate(make_plan(data, *tasks[i]))[0].as_dict()
        except HimcalcError as exc:
            errors[i] = exc.message
    parts = _evaluate(stacked, len(together)) if together else {}
    if len(together) == n:
        return parts, errors
    position = {task: k for k, task in enumerate(together)}
    columns = {}
    for key in Metrics.__slots__:
        blank = "" if key in METRIC_LABELS else math.nan
        values = [parts[key][position[i]] if i in position
                  else _nan(rows[i][key]) if i in rows else blank for i in range(n)]
        columns[key] = values if key in METRIC_LABELS else np.array(values, dtype=float)
    return columns, errors


def rows_of(columns: dict) -> list[dict]:
    """Columns as one `Metrics.as_dict()`-like dict per evaluation (None for NaN)."""
    values = []
    for key in Metrics.__slots__:
        column = columns[key]
        if key in METRIC_LABELS:
            values.append(column)
        else:
            values.append([None if v != v else v for v in column.tolist()])
    return [dict(zip(Metrics.__slots__, row, strict=True)) for row in zip(*values, strict=True)]


@dataclass(frozen=True, slots=True)
class _Group:
    """Tasks that share a pathway and the scenario's categories, resolved together."""

    indices: np.ndarray  # the tasks' positions in the task list
    good: np.ndarray  # which of them pass `make_plan`'s checks
    values: dict  # `plan.resolve`'s and the earnings model's numbers: vectors, or one shared
    labels: dict  # pathway, institution and study mode (part of the group's key)


def _plan_together(data: Any, tasks: list[Task]) -> tuple[list[int], StackedPlan | None]:
    """(indices of the tasks planned on vectors, their `StackedPlan`).

    Tasks are grouped by `plan.terms_key`; each group's data look-ups are made once and its
    scenario numbers resolved together by `plan.resolve`. A task that borrows, a group whose
    look-up fails, and a task whose resolved plan fails `make_plan`'s checks are left out.
    """
    keys: dict[tuple, list[int]] = {}
    for i, (scenario, pid) in enumerate(tasks):
        if scenario.borrow <= 0:
            keys.setdefault(planning.terms_key(scenario, pid), []).append(i)
    groups = [g for g in (_resolve_group(data, tasks, idx) for idx in keys.values())
              if g is not None]
    chosen = sorted(i for g in groups for i in g.indices[g.good].tolist())
    if not chosen:
        return [], None
    return chosen, _assemble(groups, chosen, len(tasks))


def _resolve_group(data: Any, tasks: list[Task], indices: list[int]) -> _Group | None:
    """The group of tasks at `indices` (which share `plan.plan_terms`), or None if the look-up
    fails (each task then takes the scalar path, which reports the error)."""
    first, pid = tasks[indices[0]]
    try:
        terms = planning.plan_terms(data, first, pid)
    except HimcalcError:
        return None
    scenarios = [tasks[i][0] for i in indices]
    with np.errstate(all="ignore"):
        values = planning.resolve(terms, _Numbers(scenarios), array_ops())
    good = np.broadcast_to((values["horizon"] >= 1) & ~np.isnan(values["tuition"]),
                           (len(indices),))
    distinct: dict[float, int] = {}
    row = np.array([distinct.setdefault(s.percentile, len(distinct)) for s in scenarios])
    earnings = [terms.earnings(p) for p in distinct]
    model = np.broadcast_to(values["counterfactual"], (len(indices),))
    missing = np.isnan(model)
    if missing.any():  # no --current-salary: the model's, as `CareerModel.counterfactual`
        career = terms.career
        level = np.array([career.current.at(p) for p in distinct])[row]
        with np.errstate(all="ignore"):
            ages = np.broadcast_to(values["age"], model.shape).astype(np.intp)
            own = level * np.asarray(profile_table(career.current.bands))[ages] * (
                career.counterfactual_scale)
        model = np.where(missing, own, model)
    values = {**values, "counterfactual": model, "table_row": row,
              **{name: np.array([e[name] for e in earnings]) for name in TABLES},
              **{name: earnings[0][name] for name in earnings[0] if name not in TABLES}}
    labels = {"pathway": pid, "institution": first.institution.value,
              "study_mode": first.study_mode.value}
    return _Group(np.array(indices), good, values, labels)


def _assemble(groups: list[_Group], chosen: list[int], n_tasks: int) -> StackedPlan:
    """One `StackedPlan` of the `chosen` tasks, in task order, from their groups."""
    position = np.full(n_tasks, -1)
    position[chosen] = np.arange(len(chosen))
    m = len(chosen)
    columns: dict = {name: np.empty(m) for name in NUMBERS}
    labels = {name: np.empty(m, dtype=object) for name in ("pathway", "institution", "study_mode")}
    tables: dict[str, list] = {name: [] for name in TABLES}
    table_row = np.empty(m, dtype=np.intp)
    offset = 0
    for g in groups:
        at = position[g.indices[g.good]]
        for name in NUMBERS:
            columns[name][at] = np.broadcast_to(g.values[name], g.good.shape)[g.good]
        for name in TABLES:
            tables[name].append(g.values[name])
        table_row[at] = g.values["table_row"][g.good] + offset
        offset += len(g.values[TABLES[0]])
        for name, label in g.labels.items():
            labels[name][at] = label
    columns.update({name: label.tolist() for name, label in labels.items()})
    columns.update({name: groups[0].values[name] for name in SHARED})
    for name in TABLES:
        stacked = np.concatenate(tables[name])
        columns[name] = stacked[0] if len(stacked) == 1 else TaskTable(stacked, table_row)
    return _finish(columns)


def _finish(columns: dict) -> StackedPlan:
    """The `StackedPlan`: numbers every task shares become one number (numpy broadcasts it,
    which spares the formulas work on the inputs a batch leaves at their defaults); the
    horizon stays a vector, so that masking each year by it gives every flow one element per
    task."""
    columns["tax_credits"] = columns["tax_credits"] != 0.0
    for name in NUMBERS:
        if name != "horizon":
            columns[name] = _single(columns[name])
    return StackedPlan(columns, int(np.max(columns["horizon"])))


def _single(values: np.ndarray) -> np.ndarray | float | bool:
    """`values`, or their one value when they are all equal."""
    first = values[0]
    if values[-1] == first and (values == first).all():
        return first.item()
    return values


def _evaluate(stacked: StackedPlan | None, n: int) -> dict:
    o = array_ops()
    plan: Any = stacked  # a `StackedPlan` stands in for a `Plan`: its attributes, as vectors
    with np.errstate(all="ignore"):  # `where` computes both branches; the unused one may be inf
        flows, completer = project(plan, o)
        columns = measure_columns(plan, flows, completer, o)
    for key in Metrics.__slots__:
        value = columns[key]
        if key in METRIC_LABELS:
            columns[key] = list(value)
        else:
            columns[key] = np.broadcast_to(np.asarray(value, dtype=float), (n,))
    return columns


def _nan(value: float | None) -> float:
    return math.nan if value is None else value
