"""The model of each dataset's records (`Datasets` and `Problem` live in `models.store`)."""

from __future__ import annotations

from typing import Any

from himcalc.models.costs import BooksSupplies, Tuition
from himcalc.models.education import Exam, Pathway
from himcalc.models.extracts import Extract, ScorecardLevel
from himcalc.models.labor import (
    CareerTrack,
    Earnings,
    EarningsProfile,
    Occupation,
    Role,
)
from himcalc.models.loans import LoanLimit, LoanRate, RepaymentPlan
from himcalc.models.parameters import Parameter
from himcalc.models.store import Datasets, Problem
from himcalc.models.taxes import IncomeTax

__all__ = ["RECORD_TYPES", "Datasets", "Problem"]

RECORD_TYPES: dict[str, Any] = {
    "pathways": Pathway,
    "exams": Exam,
    "tuition": Tuition,
    "books_supplies": BooksSupplies,
    "occupations": Occupation,
    "roles": Role,
    "career_tracks": CareerTrack,
    "earnings": Earnings,
    "earnings_profiles": EarningsProfile,
    "parameters": Parameter,
    "income_tax": IncomeTax,
    "loan_rates": LoanRate,
    "loan_limits": LoanLimit,
    "repayment_plans": RepaymentPlan,
    "scorecard_levels": ScorecardLevel,
    "extracts": Extract,
}
"""Every dataset name a data file may hold, and the model of its records."""
