"""How a person writes a scenario, whoever writes it: the rules every reader shares.

Pydantic-free (README, "Numbers"): numbers by `himcalc.numbers`; rates and shares as `0.18`
or `18%`; choices with `-` or `_` alike; `horizon` and `retire_age` never both. The scenario
model as a person writes it (`cli.inputs.ScenarioInput`: `--scenario` files, `batch` lines)
runs these functions as its validators; command-line flags are validated by `validate_flags`
with pydantic-core on that model's own core schema, generated into `scenario_schema.json`
by scripts/build_snapshot.py (a test fails when it is stale): the same checks and messages,
without building the model classes on every run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from himcalc.engine.scenario_rules import CHOICES, NUMBERS, RATES, SHARES
from himcalc.numbers import boolean_problem, read_number, read_rate

__all__ = ["CHOICES", "NUMBERS", "RATES", "SHARES"]  # and the readers below

SCHEMA = Path(__file__).with_name("scenario_schema.json")


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


def read_value(value: Any, info: Any) -> Any:
    """The validator run on every field before its own checks (`info`: pydantic's
    `ValidationInfo`, which names the field)."""
    return read_field(info.field_name, value) if info.field_name else value


def one_horizon(values: Any) -> Any:
    """The validator run on the whole input first: `horizon` and `retire_age` not both."""
    if (isinstance(values, dict) and values.get("horizon") is not None
            and values.get("retire_age") is not None):
        raise ValueError("horizon and retire_age both set the horizon: give one of them")
    return values


_VALIDATOR: list = []


def validate_flags(values: dict[str, Any]) -> Any:
    """`values` validated as `ScenarioInput.model_validate` would, into a `PlainScenario`;
    a bad value raises the same `ValidationError` (pydantic-core's, which pydantic's is)."""
    if not _VALIDATOR:
        _VALIDATOR.append(_load_validator())
    return _VALIDATOR[0].validate_python(values)


def _load_validator() -> Any:
    """pydantic-core's validator of the generated schema (format: scripts/build_snapshot.py):
    {"$f": path} a function, {"$c": path} a class, {"$e": path, "v": value} an enum member,
    where a path is "module:qualname" of a module that does not import pydantic."""
    from pydantic_core import SchemaValidator

    from himcalc.engine.scenario_rules import FieldDefault, PlainScenario
    from himcalc.models.plain import resolve

    def decode(obj: dict) -> Any:
        if "$f" in obj:
            return resolve(obj["$f"])
        if "$c" in obj:
            return resolve(obj["$c"])
        if "$e" in obj:
            return resolve(obj["$e"])(obj["v"])
        return obj

    doc = json.loads(SCHEMA.read_text(encoding="utf-8"), object_hook=decode)
    PlainScenario.model_fields = {name: FieldDefault(default)
                                  for name, default in doc["defaults"].items()}
    return SchemaValidator(doc["schema"])
