"""The federal income tax schedule, used to cap the non-refundable education credits."""

from __future__ import annotations

from pydantic import Field, model_validator

from himcalc.models.common import Frozen, Money, Rate, Record, Year


class TaxBracket(Frozen):
    """A marginal rate that applies to taxable income above `over` (dollars)."""

    over: Money
    rate: Rate


class IncomeTax(Record):
    """One filing status's federal income tax schedule for one tax year (nominal dollars)."""

    tax_year: Year
    filing_status: str = Field(min_length=3)
    standard_deduction: Money
    brackets: list[TaxBracket] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> IncomeTax:
        if self.brackets[0].over != 0:
            raise ValueError("the first bracket must start at 0 (field 'brackets[0].over')")
        for lo, hi in zip(self.brackets, self.brackets[1:], strict=False):
            if hi.over <= lo.over:
                raise ValueError(f"brackets must start at increasing incomes ({hi.over:g} after "
                                 f"{lo.over:g})")
        return self
