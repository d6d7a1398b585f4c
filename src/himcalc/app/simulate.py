"""`himcalc simulate`: the Monte Carlo risk of every pathway (and programme) asked for.

`simulate` runs `himcalc.engine.simulate` once per option and scenario (one per institution
given) and returns a `SimulateResult`; `himcalc.render.risk` prints it. numpy is imported
only here, through the engine, when a simulation runs.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from himcalc.app.tasks import tasks_of
from himcalc.errors import InputError

if TYPE_CHECKING:
    from himcalc.engine.plan import Plan
    from himcalc.engine.scenario import Scenario
    from himcalc.engine.simulate import Settings
    from himcalc.models.store import Datasets

Progress = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]
"""`progress(total, description)`: a context manager giving a `tick(n)` callback (the
renderer's progress bar; the application layer never draws)."""


@dataclass(frozen=True, slots=True)
class Local:
    """What the notes of a programme or a state need: the option as priced, and its plan."""

    base: Scenario
    scenario: Scenario
    pathway: str
    choice: Any
    plan: Plan


@dataclass(frozen=True, slots=True)
class SimulateResult:
    rows: list[dict]
    """`Risk.as_dict()` per option (with `program` after `pathway` when programmes are
    priced)."""
    local: list[Local]
    """The options priced with a programme or a state, for their notes."""
    skipped: list[str]
    settings: Settings
    base: Scenario
    """The last scenario simulated (its non-default choices make the rerun line)."""
    programs: tuple[str, ...]


def simulate(data: Datasets, bases: list[Scenario], pathways: list[str] | None,
             programs: list[str] | None, settings: Settings,
             progress: Progress) -> SimulateResult:
    """Simulate each option for each scenario of `bases`. A programme that cannot be priced is
    skipped with its reason; a pathway named that cannot be is an InputError, as is nothing
    to simulate at all."""
    from himcalc.engine.plan import make_plan
    from himcalc.engine.simulate import simulate as run_simulation

    rows: list[dict] = []
    local: list[Local] = []
    skipped: list[str] = []
    keys: tuple[str, ...] = ()
    base = bases[-1]
    for base in bases:
        tasks = tasks_of(data, base, pathways, programs)
        keys = tuple(programs or ([base.program] if base.program else []))
        for scenario, pid, choice in tasks:
            name = choice.key if choice is not None else pid
            try:
                with progress(settings.runs, f"simulating {name}") as tick:
                    row = run_simulation(data, scenario, pid, settings, tick).as_dict()
            except InputError as exc:
                if choice is None:  # a pathway named: an error, as before
                    raise
                skipped.append(f"{name} ({scenario.institution.value}): {exc.message}")
                continue
            if programs or base.program:
                row = {"pathway": row["pathway"],
                       "program": choice.key if choice is not None else None, **row}
            rows.append(row)
            if choice is not None or scenario.state is not None:
                local.append(Local(base, scenario, pid, choice,
                                   make_plan(data, scenario, pid)))
    if not rows:
        raise InputError(f"nothing to simulate: {skipped[0]}", details=skipped[1:])
    return SimulateResult(rows, local, skipped, settings, base, keys)
