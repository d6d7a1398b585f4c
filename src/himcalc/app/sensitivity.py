"""`himcalc sensitivity`: which inputs move one option's NPV and payback most.

`task` picks the one pathway or programme (and, when a programme or a state is priced, its
plan, for the notes the command writes first); `sensitivity` then returns the tornado rows
or the two-way grid's cells (`himcalc.engine.sensitivity`); `himcalc.render.risk` prints
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from himcalc.app.tasks import one_task

if TYPE_CHECKING:
    from himcalc.engine.plan import Plan
    from himcalc.engine.scenario import Scenario
    from himcalc.models.store import Datasets


@dataclass(frozen=True, slots=True)
class SensitivityTask:
    given: Scenario
    """The scenario as given (before a programme's own values)."""
    scenario: Scenario
    pathway: str
    choice: Any
    """The programme's `Choice`, or None for a pathway."""
    plan: Plan | None
    """The option's plan when a programme or a state is priced (for its notes), else None."""


@dataclass(frozen=True, slots=True)
class SensitivityResult:
    task: SensitivityTask
    rows: list[dict]
    """Tornado rows (`Swing.as_dict()`, sorted by NPV swing), or grid cells (`Cell.as_dict()`)
    when `axes` is set."""
    axes: tuple[str, str] | None


def task(data: Datasets, given: Scenario, pathway: str | None,
         program: str | None) -> SensitivityTask:
    """The one option to study (a UsageError unless exactly one)."""
    scenario, pid, choice = one_task(data, given, pathway, program)
    plan = None
    if choice is not None or scenario.state is not None:
        from himcalc.engine.plan import make_plan

        plan = make_plan(data, scenario, pid)
    return SensitivityTask(given, scenario, pid, choice, plan)


def sensitivity(data: Datasets, chosen: SensitivityTask,
                axes: tuple[str, str] | None) -> SensitivityResult:
    """The tornado of `chosen`, or its payback grid over the two inputs `axes`."""
    from himcalc.engine import sensitivity as sens

    if axes is not None:
        cells = sens.grid(data, chosen.scenario, chosen.pathway, *axes)
        return SensitivityResult(chosen, [c.as_dict() for c in cells], axes)
    swings = sens.tornado(data, chosen.scenario, chosen.pathway)
    return SensitivityResult(chosen, [s.as_dict() for s in swings], None)
