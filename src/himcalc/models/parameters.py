"""Sourced default values of the scenario (discount rate, horizon, tax rate …)."""

from __future__ import annotations

import math

from pydantic import Field, field_validator

from himcalc.models.common import Record


class Parameter(Record):
    """One default of the scenario, with the source or assumption behind it."""

    value: float
    unit: str = Field(description="fraction, years, dollars, …")

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value
