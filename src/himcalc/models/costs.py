"""Direct costs of study: tuition and required fees, books and supplies."""

from __future__ import annotations

from pydantic import Field

from himcalc.models.common import Money, Record, Year
from himcalc.models.enums import Institution, TuitionBasis, TuitionTier


class Tuition(Record):
    """Published annual tuition and required fees for one tier at one kind of school."""

    tier: TuitionTier
    institution: Institution
    basis: TuitionBasis = TuitionBasis.national_average
    academic_year: Year = Field(description="Calendar year in which the academic year starts.")
    tuition_and_fees_per_year: Money


class BooksSupplies(Record):
    """Average yearly budget for books and supplies at one tier."""

    tier: TuitionTier
    academic_year: Year
    books_and_supplies_per_year: Money
