"""What a command prices: pathways by id, or programmes by `--program`, each with the
scenario that prices it."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from himcalc.errors import InputError, UsageError

if TYPE_CHECKING:
    from himcalc.engine.scenario import Scenario
    from himcalc.models.store import Datasets


Task = tuple["Scenario", str, Any]
"""What a command prices: (scenario, pathway id, the programme's `Choice` or None)."""


def tasks_of(data: Datasets, scenario: Scenario, names: list[str] | None,
             selectors: list[str] | None) -> list[Task]:
    """The pathways named (or, with neither names nor programmes, every pathway open to the
    scenario's education) and then the programmes selected (`--program`, else the scenario
    file's `program` field), each with the scenario that prices it.

    An unknown pathway or programme is a usage error (exit 2) with a suggestion.
    """
    selectors = list(selectors or [])
    if scenario.program is not None:
        if not selectors:
            selectors.append(scenario.program)
        scenario = scenario.model_copy(update={"program": None})
    tasks: list[Task] = []
    if names or not selectors:
        tasks += [(scenario, pid, None) for pid in resolve_pathways(data, names, scenario)]
    if not selectors:
        return tasks
    from himcalc.engine import programs  # only a run with programmes imports it

    seen: set[str] = set()
    for selector in selectors:
        try:
            choices = programs.select(data, selector)
        except InputError as exc:
            raise UsageError(f"--program: {exc.message}") from None
        for choice in choices:
            if choice.key not in seen:
                seen.add(choice.key)
                tasks.append((programs.program_scenario(data, scenario, choice), choice.pathway,
                              choice))
    return tasks


def one_task(data: Datasets, scenario: Scenario, pathway: str | None,
             selector: str | None) -> Task:
    """The one pathway or programme of `show` and `sensitivity` (a usage error otherwise); a
    pathway or `--program` given on the command line replaces the scenario file's `program`."""
    if pathway is not None and selector is not None:
        raise UsageError("give a pathway id or --program UNITID:LEVEL, not both")
    if pathway is not None and scenario.program is not None:
        scenario = scenario.model_copy(update={"program": None})
    if pathway is None and selector is None and scenario.program is None:
        raise UsageError("missing argument 'pathway': give a pathway id or --program "
                         "UNITID:LEVEL")
    tasks = tasks_of(data, scenario, [pathway] if pathway else None,
                     [selector] if selector else None)
    if len(tasks) > 1:
        keys = ", ".join(t[2].key for t in tasks)
        raise UsageError(f"--program: this names {len(tasks)} programmes ({keys}); name one")
    return tasks[0]


def resolve_pathways(data: Datasets, names: list[str] | None, scenario: Scenario) -> list[str]:
    """Named pathways (validated), or every pathway open to the scenario's education."""
    known = data.get("pathways")
    if not names:
        from himcalc.engine.plan import open_pathways

        return open_pathways(data, scenario.education)
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.4)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise UsageError(
                f"unknown pathway '{name}'{hint} (valid: {', '.join(known)})"
            )
    return list(dict.fromkeys(names))
