"""Resolve a scenario against the datasets into a `Plan`: plain numbers the year loop needs.

Keeping this step apart means the hot loop (`cashflows.project`) touches no pydantic model
and no dataset lookup, and every default is applied in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from operator import attrgetter

from himcalc.engine.earnings import CareerModel, career_model, profile_table
from himcalc.engine.financing import START, LoanRules, rates_at_start
from himcalc.engine.ops import SCALAR
from himcalc.engine.study import study_years
from himcalc.errors import DatasetError, InputError
from himcalc.models.enums import (
    CredentialLevel,
    Education,
    Institution,
    LoanPlan,
    StudyMode,
    TuitionBasis,
    TuitionTier,
)
from himcalc.models.store import Datasets

TYPE_CHECKING = False
if TYPE_CHECKING:  # the engine reads both by attribute: models, or plain records and scenarios
    from himcalc.engine.ops import Ops
    from himcalc.engine.programs import Local
    from himcalc.engine.scenario import Scenario
    from himcalc.models.education import Pathway


@dataclass(slots=True)
class Plan:
    """Everything one evaluation needs, as plain numbers (real dollars per year).

    Not frozen only because a frozen dataclass takes twice as long to build (`batch` builds
    one per row); nothing mutates a plan: variants are made with `dataclasses.replace`.

    The career tables (`career_occupational`, `career_outside`) are indexed by whole years
    after completion (`engine.earnings.CareerModel.tables`); `counterfactual` is the earnings
    without the credential at the starting age, before the age profile and employment
    weighting the year loop applies.
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
    career_occupational: tuple[float, ...]
    career_outside: tuple[float, ...]
    graduate_scale: float
    holder_profile: tuple[float, ...]
    current_profile: tuple[float, ...]
    employment_with: float
    employment_without: float
    wage_growth: float
    tuition_growth: float
    discount_rate: float
    tax_rate: float
    grants_per_year: float
    assistance_per_year: float
    tax_credits: bool
    aotc_years: int
    aotc_max: float
    aotc_refundable_share: float
    standard_deduction: float
    tax_brackets: tuple[tuple[float, float], ...]
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

    @property
    def span(self) -> int:
        """Years the cash-flow loop runs: the horizon (a stacked plan's longest horizon)."""
        return self.horizon

    @property
    def shortest_horizon(self) -> int:
        """The shortest horizon of the plan's evaluations: the horizon (a stacked plan's
        shortest row)."""
        return self.horizon



def open_pathways(data: Datasets, education: Education) -> list[str]:
    """Ids of the pathways a person with `education` may start, in dataset order."""
    return [pid for pid, p in data.get("pathways").items() if education in p.requires_education]


PLAN_PARAMETERS = (
    "start_age", "retire_age", "section_127_limit", "wage_growth", "tuition_growth",
    "discount_rate", "tax_rate", "aotc_max", "aotc_refundable_share", "llc_rate",
    "llc_expense_limit",
    "credit_phaseout_start", "credit_phaseout_end",
)
"""The `parameters` records every plan reads."""
@dataclass(frozen=True, slots=True)
class _Terms:
    """What a plan takes from the datasets for one pathway and one set of choices.

    Everything here depends only on the pathway and the scenario's categories (education,
    institution, study mode, tuition basis, completion risk, earnings basis), so `make_plan`
    looks it up once
    per combination (`_terms`) and then only applies the person's own numbers: `batch` builds
    hundreds of thousands of plans from a handful of combinations.
    """

    credential_level: str
    undergraduate: bool
    years: float
    noncompleter_years: float
    full_time_years: float
    tuition: float | None
    tuition_error: str
    books: float
    exam_fee: float
    kept_share: float
    career: CareerModel
    completion_probability: float
    aotc_years: int
    first_year_in_school: int
    standard_deduction: float
    tax_brackets: tuple[tuple[float, float], ...]
    defaults: dict  # parameter values: the defaults and the tax-credit and §127 constants
    local: Local | None = None  # what a programme or a state changed (`engine.programs`)

    def earnings(self, percentile: float) -> dict:
        """The plan's earnings-model numbers for a person at `percentile` (see `Plan`)."""
        occupational, outside = self.career.tables(percentile)
        return {"career_occupational": occupational, "career_outside": outside,
                "graduate_scale": self.career.graduate_scale,
                "holder_profile": profile_table(self.career.holder.bands),
                "current_profile": profile_table(self.career.current.bands),
                "employment_with": self.career.holder.employment,
                "employment_without": self.career.current.employment}


CATEGORIES = attrgetter("education", "institution", "study_mode", "tuition_basis",
                        "completion_risk", "earnings_basis", "program", "state")
"""The scenario's categories, on which (with the pathway) `_Terms` depend (a programme and a
state change the earnings model: `engine.programs`)."""


def terms_key(scenario: Scenario, pathway_id: str) -> tuple:
    """What `_Terms` depend on: the pathway and the scenario's categories."""
    return pathway_id, CATEGORIES(scenario)


def plan_terms(data: Datasets, scenario: Scenario, pathway_id: str) -> _Terms:
    """The cached terms of a pathway for a scenario (e.g. for its `local` notes)."""
    return _terms(data, scenario, pathway_id)


def _terms(data: Datasets, scenario: Scenario, pathway_id: str) -> _Terms:
    """The cached `_Terms` of this pathway and the scenario's categories."""
    key = terms_key(scenario, pathway_id)
    cache = data.memo("plan_terms")
    found = cache.get(key)
    if found is None:
        found = cache[key] = _look_up_terms(data, scenario, pathway_id)
    return found


def _look_up_terms(data: Datasets, scenario: Scenario, pathway_id: str) -> _Terms:
    pathway = data.get("pathways")[pathway_id]
    if scenario.education not in pathway.requires_education:
        allowed = ", ".join(e.value for e in pathway.requires_education)
        raise InputError(
            f"pathway '{pathway_id}' requires education {allowed} "
            f"(scenario has {scenario.education.value})"
        )
    param = data.parameter
    local = None
    if scenario.program is not None or scenario.state is not None:
        from himcalc.engine.programs import local as local_of

        local = local_of(data, scenario.program, scenario.state, pathway_id)
    years = study_years(pathway, scenario.study_mode)
    tier = pathway.tuition_tier
    try:
        tuition, tuition_error = _tuition_of_data(data, scenario, tier), ""
    except InputError as exc:
        tuition, tuition_error = None, exc.message
    exam = data.get("exams")[pathway.exam].fee_nonmember if pathway.exam else 0.0
    part_time = scenario.study_mode is StudyMode.part_time
    if scenario.completion_risk:
        probability = completion_rate(param, pathway, scenario.institution, scenario.study_mode)
    else:
        probability = param("completion_probability")
    undergraduate = pathway.credential_level is not CredentialLevel.master
    # Years of college the AOTC's four-year allowance has (typically) already covered.
    prior_years = {Education.some_college: 1, Education.associate: 2,
                   Education.bachelor: 4, Education.master: 4}.get(scenario.education, 0)
    return _Terms(
        credential_level=pathway.credential_level.value,
        undergraduate=undergraduate,
        years=years,
        noncompleter_years=years * param("noncompleter_time_share"),
        full_time_years=pathway.duration_months / 12,
        tuition=tuition,
        tuition_error=tuition_error,
        books=data.get("books_supplies")[tier.value].books_and_supplies_per_year,
        exam_fee=exam,
        kept_share=param("part_time_salary_kept") if part_time else 0.0,
        career=career_model(data, pathway, scenario.education, scenario.earnings_basis, local),
        completion_probability=probability,
        aotc_years=max(0, int(param("aotc_years")) - prior_years) if undergraduate else 0,
        first_year_in_school=1 + prior_years,
        **_income_tax(data),
        defaults={key: param(key) for key in PLAN_PARAMETERS},
        local=local,
    )


SCENARIO_NUMBERS = (
    "age", "retire_age", "horizon", "tuition", "current_salary", "salary_kept_share",
    "completion_probability", "employer_assistance", "cap_employer_assistance", "wage_growth",
    "tuition_growth", "discount_rate", "tax_rate", "grants", "tax_credits",
)
"""The scenario's own numbers (and flags) `resolve` reads; None means "the default"."""


def resolve(terms: _Terms, s, o: Ops = SCALAR) -> dict:
    """The plan's numbers from the pathway's `terms` and the scenario's numbers `s`.

    Written on the ops backends (`engine.ops`): `s` holds a scenario's numbers (None for a
    default) or, for many scenarios sharing `terms`, vectors of them (NaN for a default), and
    `o.fill` picks the default. `make_plan` checks the result before using it.
    """
    d = terms.defaults
    age = o.fill(s.age, int(d["start_age"]))
    horizon = o.fill(s.horizon, o.fill(s.retire_age, int(d["retire_age"])) - age)
    tuition = o.fill(s.tuition, o.nan if terms.tuition is None else terms.tuition)
    assistance = s.employer_assistance
    return {
        "age": age,
        "horizon": horizon,
        "tuition": tuition,
        "years_to_complete": terms.years,
        "noncompleter_years": terms.noncompleter_years,
        "completion_probability": o.fill(s.completion_probability, terms.completion_probability),
        "direct_cost_per_year": (tuition + terms.books) * terms.full_time_years / terms.years,
        "exam_fee": terms.exam_fee,
        "counterfactual": o.fill(s.current_salary, o.nan),  # NaN: the model's (`make_plan`)
        "kept_share": o.fill(s.salary_kept_share, terms.kept_share),
        "wage_growth": o.fill(s.wage_growth, d["wage_growth"]),
        "tuition_growth": o.fill(s.tuition_growth, d["tuition_growth"]),
        "discount_rate": o.fill(s.discount_rate, d["discount_rate"]),
        "tax_rate": o.fill(s.tax_rate, d["tax_rate"]),
        "grants_per_year": s.grants,
        "assistance_per_year": o.where(s.cap_employer_assistance,
                                       o.minimum(assistance, d["section_127_limit"]), assistance),
        "tax_credits": s.tax_credits,
        "aotc_years": terms.aotc_years,
        "aotc_max": d["aotc_max"],
        "aotc_refundable_share": d["aotc_refundable_share"],
        "standard_deduction": terms.standard_deduction,
        "tax_brackets": terms.tax_brackets,
        "llc_rate": d["llc_rate"],
        "llc_limit": d["llc_expense_limit"],
        "phaseout_start": d["credit_phaseout_start"],
        "phaseout_end": d["credit_phaseout_end"],
    }


def make_plan(data: Datasets, scenario: Scenario, pathway_id: str) -> Plan:
    """The `Plan` of `pathway_id` under `scenario`: every default applied and every figure the
    year loop needs looked up in `data` (the first engine step; `metrics.evaluate` the next).

    Units: money in real dollars a year (`direct_cost_per_year`, `counterfactual` …), rates
    as fractions a year (`discount_rate` 0.03 is 3 %), `age` and `horizon` in whole years
    (the horizon runs from the start of study, at `age`, to the year before `retire_age`),
    `years_to_complete` in years (fractional for part-time study).

    Raises `InputError` when the scenario cannot be priced on this pathway (the education
    does not admit to it, no accelerated variant, no tuition for the institution, a horizon
    under one year) and `DatasetError` when the data lacks a record the plan needs.

    >>> from himcalc.engine.scenario import Scenario
    >>> from himcalc.shipped import load
    >>> plan = make_plan(load(), Scenario(), "coding-certificate")
    >>> plan.age, plan.horizon  # default age 25, retire_age 65 (data/parameters.yaml): 40 years
    (25, 40)
    >>> plan.years_to_complete, plan.discount_rate  # 12 months full-time; 3 % real a year
    (1.0, 0.03)
    """
    terms = _terms(data, scenario, pathway_id)
    values = resolve(terms, scenario)
    horizon, age = values["horizon"], values["age"]
    if horizon < 1:
        raise InputError(f"horizon is {horizon} years: retire_age must be above age ({age})")
    tuition = values.pop("tuition")
    if tuition != tuition:  # NaN: neither the scenario nor the data gives one
        raise InputError(terms.tuition_error)
    if values["counterfactual"] != values["counterfactual"]:
        values["counterfactual"] = terms.career.counterfactual(scenario.percentile, age)
    return Plan(
        pathway=pathway_id,
        institution=scenario.institution.value,
        study_mode=scenario.study_mode.value,
        credential_level=terms.credential_level,
        **terms.earnings(scenario.percentile),
        borrow_per_year=scenario.borrow,
        loan_rate=scenario.loan_rate,
        private_loan_rate=scenario.private_loan_rate,
        loan_plan=scenario.loan_plan,
        dependents=scenario.dependents,
        independent=age >= 24,
        first_year_in_school=terms.first_year_in_school,
        loan_rules=_loan_rules(data, terms.undergraduate) if scenario.borrow > 0 else None,
        **values,
    )


def completion_rate(param, pathway: Pathway, institution: Institution,
                    mode: StudyMode) -> float:
    """Six-year completion probability by sector and enrolment intensity (NSC; `--completion-risk`).

    Sector: graduate for a master's; private nonprofit four-year at a private school; public
    two-year for a two-year pathway at a public or online school; public four-year otherwise.
    Times the intensity factor (full-time and accelerated, or part-time), capped at 0.99.
    """
    if pathway.credential_level is CredentialLevel.master:
        rate = param("completion_rate_graduate")
    elif institution is Institution.private_nonprofit:
        rate = param("completion_rate_private_four_year")
    elif pathway.tuition_tier is TuitionTier.two_year:
        rate = param("completion_rate_two_year")
    else:
        rate = param("completion_rate_four_year")
    factor = param("completion_factor_part_time" if mode is StudyMode.part_time
                   else "completion_factor_full_time")
    return min(0.99, rate * factor)


def _income_tax(data: Datasets) -> dict:
    """The single filer's standard deduction and brackets of the newest tax year in the data."""
    schedules = [t for t in data.get("income_tax").values() if t.filing_status == "single"]
    if not schedules:
        raise DatasetError("the data has no single filer's schedule (dataset income_tax)")
    newest = max(schedules, key=attrgetter("tax_year"))
    return {"standard_deduction": newest.standard_deduction,
            "tax_brackets": tuple((b.over, b.rate) for b in newest.brackets)}


def _loan_rules(data: Datasets, undergraduate: bool) -> LoanRules:
    """The federal rate, fee, limits and plans in force when study starts (`START`)."""
    loan_type = "undergraduate" if undergraduate else "graduate"
    rates = rates_at_start(data, loan_type)
    if not rates:
        raise InputError(f"no {loan_type} loan rate in the data for loans first disbursed {START}")
    plans = {p.kind: p for p in data.get("repayment_plans").values()}
    for kind in (LoanPlan.tiered.record_kind, LoanPlan.rap.record_kind):
        if kind not in plans:
            raise DatasetError(f"the data has no '{kind}' repayment plan (dataset repayment_plans)")
    return LoanRules(
        federal_rate=rates[0].annual_rate,
        origination_fee=rates[0].origination_fee,
        limits=tuple(data.get("loan_limits").values()),
        repayment_plans=plans,
    )


def pathway_tuition(data: Datasets, scenario: Scenario, pathway_id: str) -> float:
    """Tuition and fees per full-time year that `make_plan` prices the pathway with."""
    return _tuition(data, scenario, data.get("pathways")[pathway_id].tuition_tier)

def plan_taking(data: Datasets, scenario: Scenario, pathway_id: str, years: float) -> Plan:
    """The plan of `pathway_id` when study takes `years`, built by `make_plan` itself.

    The same credits (so the same total direct cost) are spread over `years`, as the part-time
    mode does (`models.education.Pathway`): the pathway record gets the part-time factor that
    makes `make_plan`'s study time equal `years`, and the scenario keeps the base plan's share
    of salary kept while studying, so only the length of study (and everything the engine
    derives from it: cost per year, aid, credits, loans, career start) changes.
    """
    base = make_plan(data, scenario, pathway_id)
    pathways = data.get("pathways")
    pathway = pathways[pathway_id]
    factor = years * 12 / pathway.duration_months
    stretched = pathway.model_copy(update={"part_time_factor": factor})
    records = {**data.records, "pathways": {**pathways, pathway_id: stretched}}
    variant = Datasets(records=records, origin=data.origin, files=data.files,
                       readers=data.readers)
    mode = scenario.model_copy(update={"study_mode": StudyMode.part_time,
                                       "salary_kept_share": base.kept_share})
    return replace(make_plan(variant, mode, pathway_id), study_mode=base.study_mode)


def _tuition(data: Datasets, scenario: Scenario, tier: TuitionTier) -> float:
    """Tuition and fees per full-time year: the scenario's own, else the data's."""
    if scenario.tuition is not None:
        return scenario.tuition
    return _tuition_of_data(data, scenario, tier)


def _tuition_of_data(data: Datasets, scenario: Scenario, tier: TuitionTier) -> float:
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
