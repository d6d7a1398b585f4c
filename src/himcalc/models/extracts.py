"""Tables extracted from publishers' files by the scripts under `scripts/`.

`extracts` describe plain CSV files shipped beside the YAML datasets (their columns, row
count and digest, and where the figures come from); `scorecard_levels` are the College
Scorecard field-of-study figures summarised per credential level.

The CSV files themselves are read only when a command needs them (`Extract.table`: the
loader, which alone opens data files, gives each record the function that reads its file),
into the plain rows of `models.tables`: `Program` (programs.csv) and `StateWages`
(oews_states.csv).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from himcalc.models.common import SHA256, Money, Record
from himcalc.models.enums import CredentialLevel

if TYPE_CHECKING:
    pass


class Extract(Record):
    """A CSV file in the data directory: what it holds and the SHA-256 of its bytes."""

    file: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.csv$",
                      description="File name, in the same directory as this record's file.")
    rows: int = Field(ge=0, description="Data rows (the header row not counted).")
    columns: list[str] = Field(min_length=1)
    sha256: SHA256 = Field(description="SHA-256 of the CSV file as written by its script.")


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
