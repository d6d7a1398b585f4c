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
    """A column of a report: its data key, its header in tables, and how people read it."""

    key: str
    header: str
    fmt: Callable[[Any], str] = text
    align: str = "right"

    def cell(self, row: dict) -> str:
        return self.fmt(row.get(self.key))
