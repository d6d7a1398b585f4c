"""The arithmetic the engine's formulas are written in, for one evaluation or for many.

The cash-flow, metric and IRR formulas (`cashflows`, `metrics`, `finance`) are written once,
against an *ops* namespace, so that the same lines evaluate

* one scenario × pathway, on Python floats (`SCALAR`: what `compare`, `show`, `simulate` and
  `sensitivity` use, with no numpy import), or
* a chunk of them at once, on numpy vectors with one element per evaluation
  (`array_ops()`: what `batch` uses).

That is the issue's "one engine": there is no second copy of a formula that could drift.
Conditionals become `where` (both branches are computed, so divisions go through `div`, which
never raises); a missing input (None on floats, NaN in vectors) takes its default by `fill`;
booleans combine with `&`, `|` and `not_`; a loop that stops when every
evaluation is done asks `any`. Each operation gives bit-identical results on both backends:
only correctly rounded IEEE operations (+ − × ÷, sqrt, min/max, ceil) are offered, and no
`power`, `exp` or `log`, whose vectorised numpy kernels are not correctly rounded on every CPU
(e.g. with AVX-512): powers are built by repeated multiplication (`metrics.growth_factor`).

>>> SCALAR.where(3 > 2, 1.0, 0.0), SCALAR.div(1.0, 0.0), SCALAR.minimum(2.0, 5.0)
(1.0, inf, 2.0)
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Protocol, runtime_checkable


class TaskTable(NamedTuple):
    """Per-year tables of many evaluations: `tables` (k × years) and each evaluation's `rows`
    (k is small: evaluations share a table, e.g. every person at the same percentile)."""

    tables: object  # numpy array, k × years
    rows: object  # numpy int array, one entry per evaluation


@runtime_checkable
class Ops(Protocol):
    """The interface the formulas are written against; `ScalarOps` and `array_ops()` both
    satisfy it (a test checks it, mypy checks every call). A value is a float (or bool) on
    the scalar backend and a numpy vector with one element per evaluation on the array one.

    `vector` says which backend this is. Formulas do not branch on it: what only vectors
    need lives in `engine.vector`; the one exception is the IRR solver's step that drops
    finished elements from the vectors it iterates on (`finance._solve`), a speed-up with
    identical results.
    """

    vector: bool
    nan: float

    def where(self, cond: Any, a: Any, b: Any) -> Any: ...
    def minimum(self, a: Any, b: Any) -> Any: ...
    def maximum(self, a: Any, b: Any) -> Any: ...
    def div(self, a: Any, b: Any) -> Any: ...
    def ceil(self, x: Any) -> Any: ...
    def floor(self, x: Any) -> Any: ...
    def pick(self, table: Any, index: Any) -> Any: ...
    def sqrt(self, x: Any) -> Any: ...
    def abs(self, x: Any) -> Any: ...
    def not_(self, x: Any) -> Any: ...
    def any(self, x: Any) -> bool: ...
    def full(self, like: Any, value: float) -> Any: ...
    def fill(self, value: Any, default: Any) -> Any: ...
    def most(self, x: Any) -> int:
        """The largest of the whole numbers `x`, or 0 if that is larger (a loop bound)."""
        ...


class ScalarOps:
    """Ops on Python floats and bools (one evaluation)."""

    vector = False
    nan = math.nan

    @staticmethod
    def where(cond: bool, a: float, b: float) -> float:
        return a if cond else b

    @staticmethod
    def minimum(a: float, b: float) -> float:
        return a if a <= b else b

    @staticmethod
    def maximum(a: float, b: float) -> float:
        return a if a >= b else b

    @staticmethod
    def div(a: float, b: float) -> float:
        """a / b, or what IEEE division gives for b == 0 (±inf, or nan for 0/0)."""
        if b:
            return a / b
        if a != a or a == 0.0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)

    @staticmethod
    def ceil(x: float) -> int:
        return math.ceil(x)

    @staticmethod
    def floor(x: float) -> int:
        return math.floor(x)

    @staticmethod
    def pick(table, index):
        """`table[index]`: a value of a per-year table at a whole index."""
        return table[int(index)]

    @staticmethod
    def sqrt(x: float) -> float:
        return math.sqrt(x)

    @staticmethod
    def abs(x: float) -> float:
        return abs(x)

    @staticmethod
    def not_(x: bool) -> bool:
        return not x

    @staticmethod
    def any(x: bool) -> bool:
        return bool(x)

    @staticmethod
    def full(like: float, value: float) -> float:
        return value

    @staticmethod
    def fill(value: float | None, default: float) -> float:
        """`value`, or `default` where it is missing (None)."""
        return default if value is None else value

    @staticmethod
    def most(x: float) -> int:
        return int(x if x >= 0 else 0)


SCALAR: Ops = ScalarOps()


class _ArrayOps:
    """Ops on numpy vectors with one element per evaluation (built by `array_ops`)."""

    vector = True
    nan = math.nan

    def __init__(self, np) -> None:
        self.np = np
        self.where = np.where
        self.minimum = np.minimum
        self.maximum = np.maximum
        self.div = np.divide
        self.ceil = np.ceil
        self.floor = np.floor
        self.sqrt = np.sqrt
        self.abs = np.abs
        self.not_ = np.logical_not
        self.any = np.any

    def pick(self, table, index):
        """Each evaluation's entry of a per-year table: one row shared by all (a tuple), or
        a `TaskTable`; `index` one whole number or one per evaluation."""
        np = self.np
        whole = int(index) if np.ndim(index) == 0 else index.astype(np.intp)
        if isinstance(table, TaskTable):
            return table.tables[table.rows, whole]
        return np.asarray(table)[whole]

    def full(self, like, value: float):
        return self.np.full(self.np.shape(like), value, dtype=float)

    def fill(self, value, default):
        """`value`, or `default` where it is missing (NaN)."""
        return self.np.where(self.np.isnan(value), default, value)

    def most(self, x) -> int:
        return int(self.np.max(x, initial=0))


_ARRAY: _ArrayOps | None = None


def array_ops() -> _ArrayOps:
    """The numpy backend (imports numpy on first use, so only vectorising commands pay it)."""
    global _ARRAY
    if _ARRAY is None:
        import numpy

        _ARRAY = _ArrayOps(numpy)
    return _ARRAY
