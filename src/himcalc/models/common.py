"""Building blocks shared by every dataset model: sources, money, the record base.

Every figure that himcalc ships must be traceable, so every record carries a
mandatory `source`; a value that no source gives is marked `assumption: true`
and its `note` says why it was chosen.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, HttpUrl

from himcalc.models.frozen import Frozen

__all__ = ["SHA256", "Carrier", "Frozen", "Money", "Rate", "Record", "Source", "Wage", "Year"]


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _not_bool(value: object) -> object:
    # YAML reads `yes`/`true` as booleans, and pydantic would take them as 1.0.
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not a boolean ({str(value).lower()})")
    return value


MAX_MONEY = 10_000_000.0
"""No HIM tuition, fee, salary or loan comes near ten million dollars; a larger value is a typo."""

Money = Annotated[
    float, BeforeValidator(_not_bool), Field(ge=0, le=MAX_MONEY), AfterValidator(_finite)
]
"""A non-negative, finite dollar amount (nominal dollars of the record's `source.year`)."""

Wage = Annotated[
    float, BeforeValidator(_not_bool), Field(gt=0, le=MAX_MONEY), AfterValidator(_finite)
]
"""A positive, finite annual wage (wages are interpolated on a log scale, so 0 is refused)."""

Rate = Annotated[float, BeforeValidator(_not_bool), Field(ge=0, le=1), AfterValidator(_finite)]
"""A fraction between 0 and 1, e.g. 0.0639 for 6.39 %."""

Year = Annotated[int, Field(ge=1990, le=2100)]
"""A calendar year that a figure plausibly refers to."""


SHA256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
"""A SHA-256 digest as 64 lower-case hex digits."""


class Carrier(Frozen):
    """The package a publisher's file was read from (the figure is still cited to the publisher).

    Recorded by the extraction scripts under `scripts/`, so that anyone can fetch the same
    package version, check the file's digest and rerun the extraction.
    """

    package: str = Field(min_length=1, description="Name of the package on its registry (PyPI).")
    version: str = Field(min_length=1)
    file: str = Field(min_length=1, description="Path of the file inside the package.")
    sha256: SHA256 = Field(description="SHA-256 of that file, as verified by the script.")
    license: str | None = Field(default=None, description="Licence of the data as carried.")
    note: str | None = None


class Source(Frozen):
    """Where a figure comes from: enough for a reader to find it again."""

    title: str = Field(min_length=3)
    url: HttpUrl
    year: Year = Field(description="The year the figure refers to (not the year it was read).")
    publisher: str | None = None
    note: str | None = None
    carrier: Carrier | None = Field(
        default=None, description="The package the publisher's file was read from, if any.")


class Record(Frozen):
    """One row of a dataset: a stable `id` (used for overrides), a mandatory source."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)
    source: Source
    assumption: bool = Field(
        default=False,
        description="True when no source gives this value and it is a documented assumption.",
    )
    note: str | None = None
