"""Resolve a scenario against the datasets into a `Plan`: plain numbers the year loop needs.

Keeping this step apart means the hot loop (`cashflows.project`) touches no pydantic model
and no dataset lookup, and every default is applied in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from himcalc.engine.financing import START, LoanRules
from himcalc.engine.salary import wage_at_percentile
from himcalc.engine.scenario import Scenario
from himcalc.errors import DatasetError, InputError
from himcalc.models.dataset import Datasets
from himcalc.models.education import Pathway
from himcalc.models.enums import CredentialLevel, Education, StudyMode, TuitionBasis, TuitionTier


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything one evaluation needs, as plain numbers (real dollars per year).

    `stages` are (years after completion, annual wage at the chosen percentile).
    """

    pathway: str
    institution: str
    study_mode: str
    credential_level: str
    age: int
    horizon: int
    years_to_complete: float
    noncompleter_years: float
    completion_probability: float
    direct_cost_per_year: float
    exam_fee: float
    counterfactual: float
    kept_share: float
    stages: tuple[tuple[float, float], ...]
    wage_growth: float
    tuition_growth: float
    discount_rate: float
    tax_rate: float
    grants_per_year: float
    assistance_per_year: float
    tax_credits: bool
    aotc_years: int
    aotc_max: float
    llc_rate: float
    llc_limit: float
    phaseout_start: float
    phaseout_end: float
    borrow_per_year: float
    loan_rate: float | None
    private_loan_rate: float
    loan_plan: str
    dependents: int
    independent: bool
    first_year_in_school: int
    loan_rules: LoanRules | None


def study_years(pathway: Pathway, mode: StudyMode) -> float:
    """Years a pathway takes in a study mode: full-time, accelerated, or part-time stretched."""
    if mode is StudyMode.accelerated:
        if pathway.accelerated_duration_months is None:
            raise InputError(
                f"pathway '{pathway.id}' has no accelerated variant in the data; "
                "use --study-mode full_time or part_time"
            )
        return pathway.accelerated_duration_months / 12
    if mode is StudyMode.part_time:
        return pathway.duration_months * pathway.part_time_factor / 12
    return pathway.duration_months / 12


def open_pathways(data: Datasets, education: Education) -> list[str]:
    """Ids of the pathways a person with `education` may start, in dataset order."""
    return [pid for pid, p in data.get("pathways").items() if education in p.requires_education]


def make_plan(data: Datasets, scenario: Scenario, pathway_id: str) -> Plan:
    """Apply defaults and look up every figure the year loop needs."""
    pathways = data.get("pathways")
    pathway = pathways[pathway_id]
    if scenario.education not in pathway.requires_education:
        allowed = ", ".join(e.value for e in pathway.requires_education)
        raise InputError(
            f"pathway '{pathway_id}' requires education {allowed} "
            f"(scenario has {scenario.education.value})"
        )
    param = data.parameter
    age = scenario.age if scenario.age is not None else int(param("start_age"))
    retire = scenario.retire_age if scenario.retire_age is not None else int(param("retire_age"))
    horizon = scenario.horizon if scenario.horizon is not None else retire - age
    if horizon < 1:
        raise InputError(f"horizon is {horizon} years: retire_age must be above age ({age})")
    years = study_years(pathway, scenario.study_mode)
    tier = pathway.tuition_tier

    full_time_years = pathway.duration_months / 12
    tuition = _tuition(data, scenario, tier)
    books = data.get("books_supplies")[tier.value].books_and_supplies_per_year
    total_direct = (tuition + books) * full_time_years
    exam = data.get("exams")[pathway.exam].fee_nonmember if pathway.exam else 0.0

    counterfactual = scenario.current_salary
    if counterfactual is None:
        counterfactual = data.get("earnings")[scenario.education.value].annual
    kept = scenario.salary_kept_share
    if kept is None:
        kept = param("part_time_salary_kept") if scenario.study_mode is StudyMode.part_time else 0.0

    track = data.get("career_tracks")[pathway.career_track]
    occupations = data.get("occupations")
    stages = tuple(
        (s.from_year,
         wage_at_percentile(occupations[s.occupation].annual_wages.known(), scenario.percentile))
        for s in track.stages
    )

    probability = scenario.completion_probability
    if probability is None:
        if scenario.completion_risk:
            key = "two_year" if tier is TuitionTier.two_year else "four_year"
            probability = param(f"completion_rate_{key}")
        else:
            probability = param("completion_probability")

    assistance = scenario.employer_assistance
    if scenario.cap_employer_assistance:
        assistance = min(assistance, param("section_127_limit"))

    undergraduate = pathway.credential_level is not CredentialLevel.master
    # Years of college the AOTC's four-year allowance has (typically) already covered.
    prior_years = {Education.some_college: 1, Education.associate: 2,
                   Education.bachelor: 4, Education.master: 4}.get(scenario.education, 0)
    aotc_left = max(0, int(param("aotc_years")) - prior_years) if undergraduate else 0

    def pick(value: float | None, key: str) -> float:
        return param(key) if value is None else value

    return Plan(
        pathway=pathway_id,
        institution=scenario.institution.value,
        study_mode=scenario.study_mode.value,
        credential_level=pathway.credential_level.value,
        age=age,
        horizon=horizon,
        years_to_complete=years,
        noncompleter_years=years * param("noncompleter_time_share"),
        completion_probability=probability,
        direct_cost_per_year=total_direct / years,
        exam_fee=exam,
        counterfactual=counterfactual,
        kept_share=kept,
        stages=stages,
        wage_growth=pick(scenario.wage_growth, "wage_growth"),
        tuition_growth=pick(scenario.tuition_growth, "tuition_growth"),
        discount_rate=pick(scenario.discount_rate, "discount_rate"),
        tax_rate=pick(scenario.tax_rate, "tax_rate"),
        grants_per_year=scenario.grants,
        assistance_per_year=assistance,
        tax_credits=scenario.tax_credits,
        aotc_years=aotc_left,
        aotc_max=param("aotc_max"),
        llc_rate=param("llc_rate"),
        llc_limit=param("llc_expense_limit"),
        phaseout_start=param("credit_phaseout_start"),
        phaseout_end=param("credit_phaseout_end"),
        borrow_per_year=scenario.borrow,
        loan_rate=scenario.loan_rate,
        private_loan_rate=scenario.private_loan_rate,
        loan_plan=scenario.loan_plan,
        dependents=scenario.dependents,
        independent=age >= 24,
        first_year_in_school=1 + prior_years,
        loan_rules=_loan_rules(data, undergraduate) if scenario.borrow > 0 else None,
    )


def _loan_rules(data: Datasets, undergraduate: bool) -> LoanRules:
    """The federal rate, fee, limits and plans in force when study starts (`START`)."""
    loan_type = "undergraduate" if undergraduate else "graduate"
    rates = [
        r for r in data.get("loan_rates").values()
        if r.loan_type == loan_type and r.first_disbursed_from <= START <= r.first_disbursed_to
    ]
    if not rates:
        raise InputError(f"no {loan_type} loan rate in the data for loans first disbursed {START}")
    plans = {p.kind: p for p in data.get("repayment_plans").values()}
    for kind in ("tiered_standard", "rap"):
        if kind not in plans:
            raise DatasetError(f"the data has no '{kind}' repayment plan (dataset repayment_plans)")
    return LoanRules(
        federal_rate=rates[0].annual_rate,
        origination_fee=rates[0].origination_fee,
        limits=tuple(data.get("loan_limits").values()),
        repayment_plans=plans,
    )


def _tuition(data: Datasets, scenario: Scenario, tier: TuitionTier) -> float:
    if scenario.tuition is not None:
        return scenario.tuition
    for rec in data.get("tuition").values():
        if (rec.tier is tier and rec.institution is scenario.institution
                and rec.basis is scenario.tuition_basis):
            return rec.tuition_and_fees_per_year
    if scenario.tuition_basis is TuitionBasis.him_median:
        raise InputError(
            f"no HIM-median tuition for {tier.value} at {scenario.institution.value}; "
            "use --tuition-basis national_average or --tuition"
        )
    raise InputError(f"no tuition record for {tier.value} at {scenario.institution.value}")
