"""`himcalc compare`: every pathway (and programme) priced for one or more scenarios.

`compare` takes the scenarios the command line gave (one per institution × study mode) and
returns a `CompareResult`: one metrics row per priced option, what could not be priced and
why, and what the notes and the break-even chart need. `himcalc.render.pricing` prints it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from himcalc.app.tasks import tasks_of
from himcalc.errors import InputError

if TYPE_CHECKING:
    from himcalc.engine.plan import Plan
    from himcalc.engine.scenario import Scenario
    from himcalc.models.store import Datasets


class SortKey(StrEnum):
    payback = "payback"
    npv = "npv"
    irr = "irr"
    cost = "cost"


SORTS = {
    SortKey.payback: lambda r: (r["payback_years"] is None, r["payback_years"] or 0.0),
    SortKey.npv: lambda r: -r["npv"],
    SortKey.irr: lambda r: (r["irr"] is None, -(r["irr"] or 0.0)),
    SortKey.cost: lambda r: r["total_cost"],
}

CAREER_YEARS = 10
"""The answer's "where the career goes": earnings this many years after completing."""


def career_point(flows: Any, years_to_complete: float, horizon: int) -> dict | None:
    """Earnings with and without the credential in the year that starts `CAREER_YEARS` after
    the year of completion (the engine's own flows; None past the horizon)."""
    t = math.ceil(years_to_complete - 1e-9) + CAREER_YEARS
    if t >= horizon:
        return None
    return {"year": t, "with": flows.earnings_with[t], "without": flows.earnings_without[t]}


@dataclass(frozen=True, slots=True)
class Priced:
    """One priced option: its metrics row and what its notes and chart need."""

    row: dict
    """`Metrics.as_dict()`, with a `program` key (after `pathway`'s place in `keys`) when
    programmes are priced."""
    career: dict | None
    cumulative: list[float]
    """The cumulative net position by year (the break-even curve)."""
    plan: Plan
    base: Scenario
    """The scenario as given (before a programme's own values)."""
    scenario: Scenario
    pathway: str
    choice: Any
    """The programme's `Choice`, or None for a pathway."""


@dataclass(frozen=True, slots=True)
class CompareResult:
    priced: list[Priced]
    """In the order priced (institution × study mode, then pathways, then programmes)."""
    order: list[int]
    """Indices of `priced` in the order asked for (`--sort`)."""
    skipped: list[str]
    """What could not be priced, and why."""
    several: tuple[str, ...]
    """The choices the rows vary by ("institution", "study_mode"), which name the rows."""
    programs: tuple[str, ...]
    """The `--program` selectors (or the scenario file's), for the rerun line."""
    keys: list[str]
    """The keys of a row, in order (the metrics keys; `program` after `pathway` when
    programmes are priced): the JSON and CSV contract."""

    @property
    def rows(self) -> list[dict]:
        """The metrics rows, sorted."""
        return [self.priced[i].row for i in self.order]

    @property
    def careers(self) -> list[dict | None]:
        """`career_point` of each sorted row."""
        return [self.priced[i].career for i in self.order]


def compare(data: Datasets, bases: list[Scenario], pathways: list[str] | None,
            programs: list[str] | None, several: tuple[str, ...],
            sort: SortKey) -> CompareResult:
    """Price every pathway named (or open to the education) and every programme selected, for
    each scenario of `bases`. An option that cannot be priced is skipped with its reason; an
    InputError when none can."""
    from himcalc.engine.finance import cumulative
    from himcalc.engine.metrics import METRIC_KEYS, evaluate
    from himcalc.engine.plan import make_plan

    priced: list[Priced] = []
    skipped: list[str] = []
    keys: tuple[str, ...] = ()
    for base in bases:
        tasks = tasks_of(data, base, pathways, programs)
        keys = tuple(programs or ([base.program] if base.program else []))
        if not tasks:
            skipped.append(f"no pathway in the data is open to education "
                           f"'{base.education.value}'")
        for scenario, pid, choice in tasks:
            name = choice.key if choice is not None else pid
            try:
                plan = make_plan(data, scenario, pid)
            except InputError as exc:  # this option cannot be priced: say so, price the rest
                skipped.append(f"{name} ({scenario.institution.value}): {exc.message}")
                continue
            metrics, flows = evaluate(plan)
            row = metrics.as_dict()
            if programs or base.program:
                row["program"] = choice.key if choice is not None else None
            priced.append(Priced(row, career_point(flows, plan.years_to_complete, plan.horizon),
                                 cumulative(flows.net), plan, base, scenario, pid, choice))
    if not priced:
        raise InputError(f"nothing to compare: {skipped[0]}", details=skipped[1:])
    order = sorted(range(len(priced)), key=lambda i: SORTS[sort](priced[i].row))
    row_keys = list(METRIC_KEYS)
    if "program" in priced[order[0]].row:
        row_keys = [METRIC_KEYS[0], "program", *METRIC_KEYS[1:]]
    return CompareResult(priced, order, skipped, several, keys, row_keys)
