"""A person's scenario: what they choose and what they assume.

Every field may be left out; `resolve` fills it from the dataset's sourced defaults
(`data/parameters.yaml`) so that the defaults live in one place with their sources. The
same model reads command-line flags, `--scenario FILE.yaml` and `batch` lines.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from himcalc.engine.scenario_rules import LOAN_PLANS, retire_after_age
from himcalc.models.enums import EarningsBasis, Education, Institution, StudyMode, TuitionBasis
from himcalc.models.frozen import Frozen

__all__ = ["LOAN_PLANS", "Scenario"]


class Scenario(Frozen):
    """Inputs of one evaluation; `None` means "use the documented default"."""

    age: int | None = Field(None, ge=14, le=90, description="Age at the start of study.")
    education: Education = Field(
        Education.high_school, description="Highest education already held."
    )
    current_salary: float | None = Field(
        None, ge=0, le=1e7, allow_inf_nan=False,
        description="What you earn now without the credential (default: BLS median for "
        "your education).",
    )
    institution: Institution = Institution.public_in_state
    study_mode: StudyMode = StudyMode.full_time
    salary_kept_share: float | None = Field(
        None, ge=0, le=1, allow_inf_nan=False,
        description="Share of the current salary kept while studying (default 0 full-time, "
        "0.75 part-time).",
    )
    tuition: float | None = Field(
        None, ge=0, le=1e6, allow_inf_nan=False,
        description="Your school's own tuition and fees per full-time year (overrides the data).",
    )
    tuition_basis: TuitionBasis = TuitionBasis.national_average
    grants: float = Field(0.0, ge=0, le=1e6, allow_inf_nan=False,
                          description="Grants and scholarships per year of study.")
    employer_assistance: float = Field(0.0, ge=0, le=1e6, allow_inf_nan=False,
                                       description="Employer tuition assistance per year.")
    cap_employer_assistance: bool = Field(
        True, description="Cap employer assistance at the IRC §127 tax-free limit.")
    tax_credits: bool = Field(True, description="Claim the AOTC (undergraduate) or LLC.")
    tax_rate: float | None = Field(None, ge=0, le=0.7, allow_inf_nan=False)
    wage_growth: float | None = Field(None, ge=-0.1, le=0.2, allow_inf_nan=False)
    tuition_growth: float | None = Field(None, ge=-0.1, le=0.3, allow_inf_nan=False)
    discount_rate: float | None = Field(None, ge=0, le=0.5, allow_inf_nan=False)
    retire_age: int | None = Field(None, ge=20, le=100)
    horizon: int | None = Field(None, ge=1, le=80, description="Years from the start of study.")
    percentile: float = Field(
        50.0, ge=10, le=90, allow_inf_nan=False,
        description="Your rank in earnings, on both paths (with and without the credential).")
    earnings_basis: EarningsBasis = Field(
        EarningsBasis.observed,
        description="observed: what completers earn (College Scorecard); occupation: BLS wages.")
    completion_probability: float | None = Field(None, ge=0, le=1, allow_inf_nan=False)
    completion_risk: bool = Field(
        False, description="Use the sector's six-year completion rate as the probability.")
    borrow: float = Field(0.0, ge=0, le=1e6, allow_inf_nan=False,
                          description="Amount borrowed per year of study.")
    loan_rate: float | None = Field(None, ge=0, le=0.5, allow_inf_nan=False)
    private_loan_rate: float = Field(0.10, ge=0, le=0.5, allow_inf_nan=False)
    loan_plan: str = Field("tiered", pattern=f"^({'|'.join(LOAN_PLANS)})$")
    dependents: int = Field(0, ge=0, le=20)
    program: str | None = Field(
        None, min_length=1, max_length=40,
        description="A College Scorecard programme, UNITID or UNITID:LEVEL ('himcalc programs' "
        "lists them): its completers' earnings, debt and control.")
    state: str | None = Field(
        None, min_length=1, max_length=40,
        description="Two-letter state: its OEWS wages and high-school earnings benchmark "
        "(default: national figures).")

    _age_before_retirement = model_validator(mode="after")(retire_after_age)
