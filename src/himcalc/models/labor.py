"""What people earn: occupations with wage percentiles, HIM roles, career tracks, and the
counterfactual earnings of someone who does not study."""

from __future__ import annotations

from pydantic import Field, model_validator

from himcalc.models.common import Frozen, Money, Record, Wage, Year
from himcalc.models.enums import Education

PERCENTILES = (10, 25, 50, 75, 90)
"""The percentiles BLS OEWS publishes; a record gives any subset that includes the median."""


class Wages(Frozen):
    """Annual wage percentiles; missing ones are interpolated by the engine."""

    p10: Wage | None = None
    p25: Wage | None = None
    p50: Wage
    p75: Wage | None = None
    p90: Wage | None = None

    @model_validator(mode="after")
    def _non_decreasing(self) -> Wages:
        given = [(p, getattr(self, f"p{p}")) for p in PERCENTILES]
        values = [(p, v) for p, v in given if v is not None]
        for (p_lo, lo), (p_hi, hi) in zip(values, values[1:], strict=False):
            if hi < lo:
                raise ValueError(
                    f"percentiles must not decrease: p{p_hi} ({hi:g}) < p{p_lo} ({lo:g})"
                )
        return self

    def known(self) -> list[tuple[int, float]]:
        """The (percentile, wage) points the source gives, in order."""
        return [(p, v) for p in PERCENTILES if (v := getattr(self, f"p{p}")) is not None]


class Occupation(Record):
    """A BLS occupation (SOC code) with its wage distribution."""

    soc: str = Field(pattern=r"^\d{2}-\d{4}$")
    name: str = Field(min_length=3)
    wage_year: Year
    annual_wages: Wages
    mean_annual: Wage | None = Field(default=None, description="Annual mean wage (OEWS).")
    employment: int | None = Field(default=None, ge=0, description="Employment (OEWS estimate).")
    typical_entry_education: str | None = None


class Role(Record):
    """An HIM job title named by the field, with whatever figures a source supports.

    Roles are descriptive: the engine prices careers from `occupations`, whose
    percentiles come from BLS; roles map a title onto the occupation that covers it.
    """

    title: str = Field(min_length=3)
    occupation: str = Field(description="Id of the `occupations` record that covers this role.")
    figure_year: Year
    median_annual: Money | None = None
    average_annual: Money | None = None
    up_to_annual: Money | None = None
    top_earners_above_annual: Money | None = None


class TrackStage(Frozen):
    """From `from_year` years after completion, the person works as `occupation`."""

    from_year: float = Field(ge=0, le=50)
    occupation: str


class CareerTrack(Record):
    """The occupations a credential leads into, and when a typical progression happens."""

    stages: list[TrackStage] = Field(min_length=1)

    @model_validator(mode="after")
    def _stages_in_order(self) -> CareerTrack:
        starts = [s.from_year for s in self.stages]
        if starts[0] != 0:
            raise ValueError("the first stage must start at from_year 0")
        if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
            raise ValueError("stages must be in increasing from_year order")
        return self


class Earnings(Record):
    """Median earnings of full-time workers aged 25+ by education (BLS "Education pays")."""

    education: Education
    weekly_median: Wage
    figure_year: Year
    unemployment_rate: float | None = Field(default=None, ge=0, le=1)

    @property
    def annual(self) -> float:
        """Weekly median × 52, the annualisation BLS itself does not publish (an assumption)."""
        return self.weekly_median * 52
