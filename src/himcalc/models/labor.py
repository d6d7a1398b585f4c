"""What people earn: occupations with wage percentiles, HIM roles, career tracks, and the
counterfactual earnings of someone who does not study."""

from __future__ import annotations

from pydantic import ConfigDict, Field, model_validator

from himcalc.models.common import Frozen, Money, Record, Source, Wage, Year
from himcalc.models.enums import Education
from himcalc.models.plain import (
    PERCENTILES,
    AgeBandsBehaviour,
    EarningsBehaviour,
    PercentileRatiosBehaviour,
    TrackStageBehaviour,
    WagesBehaviour,
)

__all__ = ["PERCENTILES", "AgeBands", "CareerTrack", "Earnings", "EarningsProfile", "Occupation",
           "PercentileRatios", "Role", "TrackStage", "Wages"]


class Wages(WagesBehaviour, Frozen):
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


OUTSIDE_HIM = "outside_him"
"""The role of a holder working outside HIM: priced at the earnings of the credential's
education level (BLS Education pays with its age profile), not at an occupation's wages."""


class TrackStage(TrackStageBehaviour, Frozen):
    """From `from_year` years after completion, the shares of holders in each role.

    `roles` maps occupation ids (and `outside_him`) to shares that add up to 1; `occupation`
    is a shorthand for a single role held by everyone.
    """

    from_year: float = Field(ge=0, le=50)
    occupation: str | None = None
    roles: dict[str, float] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> TrackStage:
        if (self.occupation is None) == (self.roles is None):
            raise ValueError("give either 'occupation' or 'roles' (shares by role)")
        if self.roles is not None:
            if not self.roles:
                raise ValueError("'roles' is empty")
            for role, share in self.roles.items():
                if isinstance(share, bool) or not 0 < share <= 1:
                    raise ValueError(f"the share of '{role}' must be in (0, 1] (got {share})")
            total = sum(self.roles.values())
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"role shares must add up to 1 (they add up to {total:g})")
        return self


class CareerTrack(Record):
    """Where holders of a credential work, by years after completion (shares by role)."""

    stages: list[TrackStage] = Field(min_length=1)

    @model_validator(mode="after")
    def _stages_in_order(self) -> CareerTrack:
        starts = [s.from_year for s in self.stages]
        if starts[0] != 0:
            raise ValueError("the first stage must start at from_year 0")
        if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
            raise ValueError("stages must be in increasing from_year order")
        return self


AGE_BANDS = ("25-34", "35-44", "45-54", "55-64")
"""The CPS age bands of an earnings profile; each band's value applies at its mid-point."""


class AgeBands(AgeBandsBehaviour, Frozen):
    """A value per CPS age band (dimensionless multipliers)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    b25_34: float = Field(alias="25-34", gt=0, le=5)
    b35_44: float = Field(alias="35-44", gt=0, le=5)
    b45_54: float = Field(alias="45-54", gt=0, le=5)
    b55_64: float = Field(alias="55-64", gt=0, le=5)


class PercentileRatios(PercentileRatiosBehaviour, Frozen):
    """Earnings percentiles as ratios to the median (the median itself is 1)."""

    p10: float = Field(gt=0, le=1)
    p25: float = Field(gt=0, le=1)
    p75: float = Field(ge=1, le=10)
    p90: float = Field(ge=1, le=10)


class EarningsProfile(Record):
    """How earnings of one education level vary with age and across people.

    `age_bands`: median earnings of each age band as a share of the all-ages (25-64) median;
    `percentile_ratios`: the spread of earnings within the education level.
    """

    education: Education
    age_bands: AgeBands
    percentile_ratios: PercentileRatios
    sources: list[Source] = Field(default_factory=list,
                                  description="Further sources the derivation uses.")


class Earnings(EarningsBehaviour, Record):
    """Median earnings of full-time workers aged 25+ by education (BLS "Education pays")."""

    education: Education
    weekly_median: Wage
    figure_year: Year
    unemployment_rate: float | None = Field(default=None, ge=0, le=1)
