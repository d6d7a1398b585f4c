"""Pathways (HIM credentials one can study for) and the certification exams they lead to."""

from __future__ import annotations

from pydantic import Field, model_validator

from himcalc.models.common import Money, Record
from himcalc.models.enums import CredentialLevel, Education, TuitionTier


class Exam(Record):
    """A certification exam (AHIMA's CCA, CCS, RHIT, RHIA …) and its fee."""

    name: str = Field(min_length=2)
    fee_member: Money | None = None
    fee_nonmember: Money = Field(description="Fee paid by a non-member; himcalc charges this one.")
    eligibility: str | None = None


class Pathway(Record):
    """A credential one can study for, how long it takes and where it leads.

    `duration_months` is the full-time length. Total tuition is `duration_months / 12`
    academic years of the tier's annual tuition, whatever the study mode: part-time and
    accelerated study spread the same credits over more or fewer months.
    """

    name: str = Field(min_length=3)
    credential_level: CredentialLevel
    awards_education: Education = Field(
        description="The education level a graduate holds afterwards (for follow-on pathways)."
    )
    tuition_tier: TuitionTier
    duration_months: int = Field(gt=0, le=120)
    accelerated_duration_months: int | None = Field(default=None, gt=0, le=120)
    part_time_factor: float = Field(default=2.0, ge=1.0, le=4.0)
    requires_education: list[Education] = Field(min_length=1)
    exam: str | None = Field(default=None, description="Id of an `exams` record.")
    career_track: str = Field(description="Id of a `career_tracks` record.")

    @model_validator(mode="after")
    def _accelerated_is_shorter(self) -> Pathway:
        accel = self.accelerated_duration_months
        if accel is not None and accel >= self.duration_months:
            raise ValueError("accelerated_duration_months must be shorter than duration_months")
        return self

