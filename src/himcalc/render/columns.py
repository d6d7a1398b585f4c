"""Column specifications and the only place that formats money, rates and years for people.

Machine formats (JSON, CSV, TSV) never use these formatters: they write raw numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NEVER = "never"


def money(value: Any) -> str:
    """`$12,345`; negative as `-$12,345`.

    >>> money(12345.4), money(-999.5), money(None)
    ('$12,345', '-$1,000', '—')
    """
    if value is None:
        return "—"
    sign = "-" if value < 0 and round(abs(value)) != 0 else ""
    return f"{sign}${abs(value):,.0f}"


def percent(value: Any) -> str:
    """`6.4%` (one decimal).

    >>> percent(0.0639), percent(None)
    ('6.4%', '—')
    """
    return "—" if value is None else f"{value * 100:.1f}%"


def years(value: Any) -> str:
    """`6.0` years, or `never` when the event does not happen within the horizon."""
    return NEVER if value is None else f"{value:.1f}"


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if not value.is_integer() else f"{value:,.0f}"
    return str(value)


def text(value: Any) -> str:
    return "—" if value is None else str(value)


def ratio(value: Any) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.2f}"


@dataclass(frozen=True)
class Column:
    """A column of a report: its data key, its header in tables, and how people read it.

    Fitting a table to the terminal (`render.layout`): `priority` 0 is always shown, higher
    numbers are dropped first when the table is too wide; a `wrap` column's text may wrap
    (default: left-aligned columns), other cells never break; a dropped column with `under`
    set is stacked as a further line of the cell of the column with that key.
    """

    key: str
    header: str
    fmt: Callable[[Any], str] = text
    align: str = "right"
    priority: int = 0
    wrap: bool | None = None
    under: str | None = None

    @property
    def wraps(self) -> bool:
        return self.align == "left" if self.wrap is None else self.wrap

    def cell(self, row: dict) -> str:
        return self.fmt(row.get(self.key))
