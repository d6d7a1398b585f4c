"""How long a pathway's study takes: shared by the plan and the programme rules.

A leaf of the engine (`plan` and `programs` both import it, neither imports the other at
module level).
"""

from __future__ import annotations

from himcalc.errors import InputError
from himcalc.models.enums import StudyMode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from himcalc.models.education import Pathway


def study_years(pathway: Pathway, mode: StudyMode) -> float:
    """Years a pathway takes in a study mode: full-time, accelerated, or part-time stretched."""
    if mode is StudyMode.accelerated:
        if pathway.accelerated_duration_months is None:
            raise InputError(
                f"pathway '{pathway.id}' has no accelerated variant in the data; "
                "use --study-mode full_time or part_time"
            )
        return pathway.accelerated_duration_months / 12
    if mode is StudyMode.part_time:
        return pathway.duration_months * pathway.part_time_factor / 12
    return pathway.duration_months / 12
