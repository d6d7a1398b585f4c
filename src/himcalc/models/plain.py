"""What dataset records *do*, without pydantic: their behaviour, and the plain record type.

The pydantic models (the other modules of this package) are the one definition of the shape
of every record and of its checks. What a record offers the engine beyond its fields (a
method such as `Wages.known`, a property such as `Earnings.annual`) is written here, in a
behaviour class the model inherits, so that a *plain record* has it too: the shipped
datasets are validated by the models when the snapshot is generated (scripts/
build_snapshot.py) and loaded at run time as plain records (`himcalc.shipped`), built from
`plain_class`, which imports neither pydantic nor the models.

A plain record offers what the commands use of a model: its fields as attributes (in the
model's order), the behaviour classes' methods, equality, `model_dump` (python or json mode)
and `model_copy(update=...)`. A model method or property written on the model itself would
be missing on the plain record: the snapshot generator refuses such a model, naming the
attribute to move here.
"""

from __future__ import annotations

import enum
from datetime import date
from importlib import import_module
from typing import Any

PERCENTILES = (10, 25, 50, 75, 90)
"""The percentiles BLS OEWS publishes; a record gives any subset that includes the median."""


class WagesBehaviour:
    """`models.labor.Wages`."""

    __slots__ = ()

    def known(self) -> list[tuple[int, float]]:
        """The (percentile, wage) points the source gives, in order."""
        return [(p, v) for p in PERCENTILES if (v := getattr(self, f"p{p}")) is not None]


class TrackStageBehaviour:
    """`models.labor.TrackStage`."""

    __slots__ = ()

    def shares(self) -> dict[str, float]:
        """Role → share of holders (one role with share 1 for the `occupation` shorthand)."""
        roles = self.roles  # type: ignore[attr-defined]
        return dict(roles) if roles is not None else {self.occupation: 1.0}  # type: ignore


class AgeBandsBehaviour:
    """`models.labor.AgeBands`."""

    __slots__ = ()

    def values(self) -> tuple[float, float, float, float]:
        return (self.b25_34, self.b35_44, self.b45_54, self.b55_64)  # type: ignore[attr-defined]


class PercentileRatiosBehaviour:
    """`models.labor.PercentileRatios`."""

    __slots__ = ()

    def points(self, median: float) -> list[tuple[int, float]]:
        """(percentile, earnings) points around `median`, for `salary.wage_at_percentile`."""
        s: Any = self
        return [(10, s.p10 * median), (25, s.p25 * median), (50, median),
                (75, s.p75 * median), (90, s.p90 * median)]


class EarningsBehaviour:
    """`models.labor.Earnings`."""

    __slots__ = ()

    @property
    def annual(self) -> float:
        """Weekly median × 52, the annualisation BLS itself does not publish (an assumption)."""
        return self.weekly_median * 52  # type: ignore[attr-defined]


class LoanRateBehaviour:
    """`models.loans.LoanRate`."""

    __slots__ = ()

    def covers(self, day: date) -> bool:
        """True when a loan first disbursed on `day` gets this rate."""
        s: Any = self
        return s.first_disbursed_from <= day <= s.first_disbursed_to


class RapPlanBehaviour:
    """`models.loans.RapPlan`."""

    __slots__ = ()

    @property
    def forgiveness_months(self) -> int:
        """Number of qualifying monthly payments after which the balance is forgiven."""
        return self.forgiveness_years * 12  # type: ignore[attr-defined]


BEHAVIOUR_MODULE = __name__
"""Behaviour classes live in this module (the snapshot generator looks for them here)."""


class PlainRecord:
    """A record with the fields of its model as read-only attributes (see the module doc)."""

    __slots__ = ()
    _model: str = ""  # the model's name
    _fields: tuple[str, ...] = ()
    _behaviour: tuple[str, ...] = ()  # "module:qualname" of each behaviour class

    def __init__(self, *values: Any) -> None:
        if len(values) != len(self._fields):
            raise TypeError(f"{self._model} takes {len(self._fields)} values, "
                            f"got {len(values)}")
        for name, value in zip(self._fields, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._model} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._model} is frozen")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self._model, self._values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields)
        return f"{self._model}({inner})"

    def __reduce__(self) -> tuple:
        return _rebuild, (self._model, self._fields, self._behaviour, self._values())

    def model_dump(self, *, mode: str = "python", exclude: set[str] | None = None) -> dict:
        """The fields as a dict, nested records as dicts, like a model's `model_dump`; in
        "json" mode enums become their values and dates ISO text."""
        return {name: _dump(getattr(self, name), mode) for name in self._fields
                if not exclude or name not in exclude}

    def model_copy(self, *, update: dict[str, Any] | None = None) -> PlainRecord:
        """A copy with some fields replaced (unvalidated, as a model's `model_copy`)."""
        changes = update or {}
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise AttributeError(f"{self._model} has no field {sorted(unknown)[0]!r}")
        return type(self)(*(changes.get(n, getattr(self, n)) for n in self._fields))


def _dump(value: Any, mode: str) -> Any:
    if isinstance(value, PlainRecord):
        return value.model_dump(mode=mode)
    if isinstance(value, list | tuple):
        out = [_dump(v, mode) for v in value]
        return out if mode == "json" or isinstance(value, list) else tuple(out)
    if isinstance(value, dict):
        return {_dump(k, mode): _dump(v, mode) for k, v in value.items()}
    if mode == "json":
        if isinstance(value, enum.Enum):
            return value.value
        if isinstance(value, date):
            return value.isoformat()
    return value


_CLASSES: dict[tuple, type[PlainRecord]] = {}


def plain_class(name: str, fields: tuple[str, ...] | list[str],
                behaviour: tuple[str, ...] | list[str] = ()) -> type[PlainRecord]:
    """The plain record class of the model `name` (made once per name, fields and behaviour).

    `behaviour` names behaviour classes ("module:qualname", from this module).
    """
    key = (name, tuple(fields), tuple(behaviour))
    found = _CLASSES.get(key)
    if found is None:
        bases = tuple(resolve(path) for path in behaviour)
        found = _CLASSES[key] = type(name, (*bases, PlainRecord), {
            "__slots__": tuple(fields), "_model": name, "_fields": tuple(fields),
            "_behaviour": tuple(behaviour), "__module__": __name__})
    return found


def resolve(path: str) -> Any:
    module, _, qualname = path.partition(":")
    found: Any = import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def _rebuild(name: str, fields: tuple[str, ...], behaviour: tuple[str, ...],
             values: tuple) -> PlainRecord:
    return plain_class(name, fields, behaviour)(*values)
