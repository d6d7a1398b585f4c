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

from pydantic import field_validator, model_validator

from himcalc.cli.reading import CHOICES, NUMBERS, RATES, SHARES, one_horizon, read_field, read_value
from himcalc.engine.scenario import Scenario

__all__ = ["CHOICES", "NUMBERS", "RATES", "SHARES", "ScenarioInput", "read_field"]


class ScenarioInput(Scenario):
    """A `Scenario` as a person writes it (see the module docstring).

    Its validators are the pydantic-free functions of `cli.reading`, which command-line flags
    are validated with too (`reading.validate_flags`, on this model's core schema).
    """

    _read = field_validator("*", mode="before")(read_value)
    _one_horizon = model_validator(mode="before")(one_horizon)
