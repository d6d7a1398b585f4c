"""Tables extracted from publishers' files by the scripts under `scripts/`.

`extracts` describe plain CSV files shipped beside the YAML datasets (their columns, row
count and digest, and where the figures come from); `scorecard_levels` are the College
Scorecard field-of-study figures summarised per credential level.

The CSV files themselves are read only when a command needs them (`Extract.table`: the
loader, which alone opens data files, gives each record the function that reads its file),
into the plain rows below: `Program` (programs.csv) and `StateWages` (oews_states.csv).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import Field, PrivateAttr

from himcalc.errors import DatasetError
from himcalc.models.common import SHA256, Money, Record
from himcalc.models.enums import CredentialLevel


class Extract(Record):
    """A CSV file in the data directory: what it holds and the SHA-256 of its bytes."""

    file: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.csv$",
                      description="File name, in the same directory as this record's file.")
    rows: int = Field(ge=0, description="Data rows (the header row not counted).")
    columns: list[str] = Field(min_length=1)
    sha256: SHA256 = Field(description="SHA-256 of the CSV file as written by its script.")

    _reader: Callable[[], tuple[Any, ...]] | None = PrivateAttr(default=None)
    _table: tuple[Any, ...] | None = PrivateAttr(default=None)

    def table(self) -> tuple[Any, ...]:
        """The file's rows (`TABLES` says of which type), read on first use and kept."""
        if self._table is None:
            if self._reader is None:
                raise DatasetError(f"extracts record '{self.id}': {self.file} cannot be located "
                                   "(the record was not loaded from a data file)")
            self._table = self._reader()
        return self._table


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


class ScorecardLevel(Record):
    """College Scorecard programmes of one CIP family at one credential level, summarised.

    Each programme (institution × CIP × credential level) has a median; these are medians of
    those medians over the programmes that report one (suppressed programmes are left out).
    """

    cip: str = Field(pattern=r"^\d{2}\.\d{2}$", description="4-digit CIP family, e.g. 51.07.")
    scorecard_credential_level: int = Field(ge=1, le=99,
                                            description="Scorecard's CREDLEV code.")
    credential: str = Field(min_length=3, description="Scorecard's name of the level.")
    level: CredentialLevel | None = Field(
        default=None, description="The himcalc credential level it corresponds to, if any.")
    programs: int = Field(ge=0, description="Programmes listed at this level.")
    earnings_4yr_median: Money | None = Field(
        default=None, description="Median of the programmes' median earnings 4 years after "
        "completion.")
    earnings_4yr_programs: int = Field(ge=0)
    debt_median: Money | None = Field(
        default=None, description="Median of the programmes' median debt at completion.")
    debt_programs: int = Field(ge=0)
    hs_benchmark_national: Money = Field(
        description="Scorecard's national high-school-graduate earnings benchmark.")
