"""`himcalc programs`: the HIM programmes of the College Scorecard extract, filtered.

Reads `programs.csv` (only this command, `--program` and `--state` do). A cell the Scorecard
suppresses is None here (never 0); `himcalc.render.programs` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from himcalc.models.enums import CredentialLevel
    from himcalc.models.store import Datasets


class Control(StrEnum):
    public = "public"
    private_nonprofit = "private_nonprofit"
    for_profit = "for_profit"


OTHER_LEVELS = {4: "post-bacc certificate", 6: "doctoral", 7: "first professional",
                8: "graduate certificate", 99: "non-credential"}
"""Short names of the Scorecard levels himcalc does not price (CREDLEV codes; the row's
`credential` keeps Scorecard's own name)."""

KEYS = ["program", "unitid", "institution", "state", "control", "level", "credential",
        "completers", "earnings_4yr", "earnings_1yr", "debt_median", "hs_benchmark_state"]
"""Keys of a row in JSON and CSV order (a documented contract)."""


@dataclass(frozen=True, slots=True)
class ProgramsResult:
    rows: list[dict]
    """One dict per programme (keys `KEYS`), by state, institution, UNITID and level."""
    record: Any
    """The extract's `extracts` record (its row count and source)."""


def programs(data: Datasets, state: str | None, level: CredentialLevel | None,
             control: Control | None, search: str | None) -> ProgramsResult:
    """The programmes that pass every filter given (`state` already checked)."""
    from himcalc.engine import programs as found

    levels = found.credential_levels(data)
    rows = []
    for row in found.programs(data):
        mine = levels.get(row.credential_level)
        if ((state is not None and row.state != state)
                or (level is not None and mine is not level)
                or (control is not None and row.control != control.value)
                or (search is not None and not found.matches(row.institution, search))):
            continue
        rows.append({
            "program": f"{row.unitid}:{mine.value}" if mine else str(row.unitid),
            "unitid": row.unitid, "institution": row.institution, "state": row.state,
            "control": row.control,
            "level": mine.value if mine else OTHER_LEVELS.get(row.credential_level,
                                                              row.credential),
            "credential": row.credential, "completers": row.completers,
            "earnings_4yr": row.earnings_4yr, "earnings_1yr": row.earnings_1yr,
            "debt_median": row.debt_median, "hs_benchmark_state": row.hs_benchmark_state,
            "_order": row.credential_level})
    rows.sort(key=lambda r: (r["state"] or "~", found.fold(str(r["institution"])),
                             r["unitid"], r.pop("_order")))
    return ProgramsResult(rows, found.extract(data, found.PROGRAMS_FILE))
