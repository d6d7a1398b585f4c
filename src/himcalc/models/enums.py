"""The closed vocabularies that datasets, scenarios and the command line share."""

from enum import StrEnum


class Education(StrEnum):
    """Highest education a person already holds (BLS "Education pays" categories)."""

    less_than_high_school = "less_than_high_school"
    high_school = "high_school"
    some_college = "some_college"
    associate = "associate"
    bachelor = "bachelor"
    master = "master"


class CredentialLevel(StrEnum):
    """What a pathway awards."""

    certificate = "certificate"
    associate = "associate"
    bachelor = "bachelor"
    master = "master"


class TuitionTier(StrEnum):
    """Which tuition table a pathway is priced from (College Board / IPEDS sectors)."""

    two_year = "two_year"
    four_year = "four_year"
    graduate = "graduate"


class Institution(StrEnum):
    """Kind of school; `online` is a distance programme charging one rate to all."""

    public_in_state = "public_in_state"
    public_out_of_state = "public_out_of_state"
    private_nonprofit = "private_nonprofit"
    online = "online"


class StudyMode(StrEnum):
    """How fast the person studies."""

    full_time = "full_time"
    part_time = "part_time"
    accelerated = "accelerated"


class TuitionBasis(StrEnum):
    """Which tuition figures to price with: current national averages or HIM programme medians."""

    national_average = "national_average"
    him_median = "him_median"


class EarningsBasis(StrEnum):
    """What the earnings of both paths are anchored to (docs/methodology.md section 6)."""

    observed = "observed"
    """What completers are observed to earn (College Scorecard, all earners), the default."""
    occupation = "occupation"
    """BLS occupation wages and Education pays (full-time workers)."""


class LoanPlan(StrEnum):
    """The federal repayment plan a borrower is priced on (`--loan-plan`, `loan --plan`)."""

    tiered = "tiered"
    standard_10 = "standard-10"
    rap = "rap"

    @property
    def record_kind(self) -> str:
        """The `kind` of the plan's record in data/federal_loans.yaml (`repayment_plans`)."""
        return LOAN_PLAN_RECORD_KINDS[self]


LOAN_PLAN_RECORD_KINDS: dict[LoanPlan, str] = {
    LoanPlan.tiered: "tiered_standard", LoanPlan.standard_10: "standard", LoanPlan.rap: "rap"}
"""Each plan → the `kind` of its repayment-plan record (a test checks every plan has one)."""
