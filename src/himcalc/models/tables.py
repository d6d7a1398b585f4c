"""Rows of the extract CSV files (`models.extracts.Extract`), imported only when one is read.

Plain frozen dataclasses, not pydantic models: the loader checks every cell against its
column's kind (`TABLES`) and builds thousands of rows at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Program:
    """One row of programs.csv: an institution's CIP 51.07 programmes at one credential level
    (College Scorecard field of study). None is a cell the Scorecard suppresses or lacks."""

    unitid: int
    institution: str
    state: str | None
    control: str  # public, private_nonprofit or for_profit
    credential_level: int  # Scorecard's CREDLEV code
    credential: str
    completers: int | None
    earnings_4yr: float | None
    earnings_1yr: float | None
    debt_median: float | None
    hs_benchmark_state: float | None


@dataclass(frozen=True, slots=True)
class StateWages:
    """One row of oews_states.csv: an occupation's OEWS wages in one state (None: not
    published)."""

    area_code: str
    state: str
    soc: str
    p10: float | None
    p25: float | None
    p50: float | None
    p75: float | None
    p90: float | None
    mean: float | None
    employment: int | None

    def known(self) -> list[tuple[int, float]]:
        """The (percentile, wage) points published, in order."""
        return [(p, v) for p in (10, 25, 50, 75, 90) if (v := getattr(self, f"p{p}")) is not None]


CONTROLS = ("public", "private_nonprofit", "for_profit")
"""The `control` values of programs.csv."""

TABLES: dict[str, tuple[type, dict[str, str]]] = {
    "programs.csv": (Program, {
        "unitid": "id", "institution": "text", "state": "state?", "control": "control",
        "credential_level": "id", "credential": "text", "completers": "count?",
        "earnings_4yr": "money?", "earnings_1yr": "money?", "debt_median": "money?",
        "hs_benchmark_state": "money?"}),
    "oews_states.csv": (StateWages, {
        "area_code": "code", "state": "state", "soc": "soc", "p10": "money?", "p25": "money?",
        "p50": "money?", "p75": "money?", "p90": "money?", "mean": "money?",
        "employment": "count?"}),
}
"""The extract files himcalc reads, by file name: the row type and each column's kind (a `?`
means an empty cell is allowed and read as None). Kinds: id (whole number > 0), text,
state (two capital letters), control (one of `CONTROLS`), count (whole number ≥ 0), money
(a number ≥ 0), code (digits), soc (NN-NNNN)."""
