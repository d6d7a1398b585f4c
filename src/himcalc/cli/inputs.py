"""One input language for a scenario, whoever writes it: flags, `--scenario` YAML, batch lines.

`ScenarioInput` is the engine's `Scenario` read through the rules every reader shares
(README, "Numbers"), before pydantic's own checks:

* numbers by `himcalc.numbers` (no boolean, no leading zero, no `1:30`, decimal text only);
* rates and shares as `0.18` or `18%` (a bare rate of 1 or more is refused: `18` → "did you
  mean 18%?"; a share may be 1);
* choices with `-` or `_` alike (`part-time` is `part_time`; `standard_10` is `standard-10`);
* a state in either case (`wi` is `WI`), a programme's UNITID as text or a number;
* `horizon` and `retire_age` both set the horizon: one source gives one of them.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

from pydantic import ValidationInfo, field_validator, model_validator

from himcalc.engine.scenario import Scenario
from himcalc.numbers import boolean_problem, read_number, read_rate

RATES = frozenset({"tax_rate", "wage_growth", "tuition_growth", "discount_rate", "loan_rate",
                   "private_loan_rate"})
"""Fields read as a rate: `0.18` or `18%`."""
SHARES = frozenset({"salary_kept_share", "completion_probability"})
"""Fields read as a share: `0.75`, `75%` or `1`."""


def _kinds() -> tuple[frozenset[str], frozenset[str]]:
    """(number fields, choice fields) of `Scenario`, from its annotations."""
    numbers, choices = set(), set()
    for name, info in Scenario.model_fields.items():
        ann = info.annotation
        args = typing.get_args(ann) if isinstance(ann, types.UnionType) else (ann,)
        if any(a in (int, float) for a in args):
            numbers.add(name)
        elif any(isinstance(a, type) and issubclass(a, enum.Enum) for a in args):
            choices.add(name)
    return frozenset(numbers - RATES - SHARES), frozenset(choices)


NUMBERS, CHOICES = _kinds()


def read_field(name: str, value: Any) -> Any:
    """`value` of the scenario field `name` under the shared rules; ValueError says why not."""
    if name in RATES or name in SHARES:
        return value if value is None else read_rate(value, share=name in SHARES)
    if name in NUMBERS:
        if isinstance(value, bool):
            raise ValueError(boolean_problem(value))
        if isinstance(value, str) and any(c.isdigit() for c in value):
            return read_number(value)  # words ('thirty') are left to pydantic's type message
        return value
    if name in CHOICES and isinstance(value, str):
        return value.strip().replace("-", "_")
    if name == "loan_plan" and isinstance(value, str):
        return value.strip().replace("_", "-")
    if name == "program" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a bare UNITID written as a JSON or YAML number
    if name in ("program", "state") and isinstance(value, str):
        value = value.strip()
        return value.upper() if name == "state" and len(value) == 2 else value
    return value


class ScenarioInput(Scenario):
    """A `Scenario` as a person writes it (see the module docstring)."""

    @field_validator("*", mode="before")
    @classmethod
    def _read(cls, value: Any, info: ValidationInfo) -> Any:
        return read_field(info.field_name, value) if info.field_name else value

    @model_validator(mode="before")
    @classmethod
    def _one_horizon(cls, values: Any) -> Any:
        if (isinstance(values, dict) and values.get("horizon") is not None
                and values.get("retire_age") is not None):
            raise ValueError("horizon and retire_age both set the horizon: give one of them")
        return values
