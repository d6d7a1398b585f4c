"""Sourced default values of the scenario (discount rate, horizon, tax rate …)."""

from __future__ import annotations

import math

from pydantic import Field, ValidationInfo, field_validator

from himcalc.models.common import Record

PARAMETER_RANGES: dict[str, tuple[float, float]] = {
    "discount_rate": (0.0, 0.5),
    "retire_age": (20, 100),
    "start_age": (14, 90),
    "tax_rate": (0.0, 0.7),
    "wage_growth": (-0.1, 0.2),
    "tuition_growth": (-0.1, 0.3),
    "part_time_salary_kept": (0.0, 1.0),
    "completion_probability": (0.0, 1.0),
    "noncompleter_time_share": (0.0, 1.0),
    "section_127_limit": (0.0, 1_000_000.0),
    "aotc_max": (0.0, 100_000.0),
    "aotc_years": (0, 10),
    "aotc_refundable_share": (0.0, 1.0),
    "llc_rate": (0.0, 1.0),
    "llc_expense_limit": (0.0, 1_000_000.0),
    "credit_phaseout_start": (0.0, 10_000_000.0),
    "credit_phaseout_end": (0.0, 10_000_000.0),
    "completion_rate_two_year": (0.0, 1.0),
    "completion_rate_four_year": (0.0, 1.0),
    "completion_rate_private_four_year": (0.0, 1.0),
    "completion_rate_graduate": (0.0, 1.0),
    "completion_factor_full_time": (0.0, 5.0),
    "completion_factor_part_time": (0.0, 5.0),
    "experience_percentile_start": (1.0, 99.0),
    "experience_percentile_year_10": (1.0, 99.0),
    "experience_percentile_year_25": (1.0, 99.0),
    "rank_correlation": (-1.0, 1.0),
}
"""Every parameter the engine reads, and the range of values that make sense for it.

The same bounds as the scenario's own fields, so a data file cannot set a default that the
command line would refuse (a discount rate of -1, a retirement age of 5,000).
"""


class Parameter(Record):
    """One default of the scenario, with the source or assumption behind it."""

    value: float
    unit: str = Field(description="fraction, years, dollars, …")

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("must be a number, not a boolean")
        return value

    @field_validator("value")
    @classmethod
    def _finite_in_range(cls, value: float, info: ValidationInfo) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        name = info.data.get("id")
        bounds = PARAMETER_RANGES.get(name) if isinstance(name, str) else None
        if bounds and not bounds[0] <= value <= bounds[1]:
            raise ValueError(f"{name} must be between {bounds[0]:g} and {bounds[1]:g}")
        return value
