"""Plans worked by hand: career wages given as stages, earnings flat with age."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from himcalc.engine.earnings import CAREER_YEARS
from himcalc.engine.plan import Plan

FLAT_PROFILE = (1.0,) * 171


def staged(plan: Plan, stages: tuple[tuple[float, float], ...] | None = None,
           **changes: Any) -> Plan:
    """`plan` with `changes`; `stages` ((years after completion, wage), …) become the career
    table (the wage of the last stage started by each whole year), with nobody outside HIM, no
    basis scale, full employment and earnings flat with age, so every flow can be worked by
    hand."""
    if stages is not None:
        table = []
        for c in range(CAREER_YEARS):
            table.append([w for start, w in stages if c + 1e-9 >= start][-1])
        changes.update(career_occupational=tuple(table), career_outside=(0.0,) * CAREER_YEARS,
                       graduate_scale=1.0, employment_with=1.0, employment_without=1.0,
                       holder_profile=FLAT_PROFILE, current_profile=FLAT_PROFILE)
    return replace(plan, **changes)
