"""The report of `himcalc programs`: a suppressed Scorecard cell reads `suppressed` in a
table and is null (an empty CSV cell) in machine formats, never 0."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from himcalc.render.columns import Column, money, text
from himcalc.render.report import Report

if TYPE_CHECKING:
    from himcalc.app.programs import ProgramsResult

SUPPRESSED = "suppressed"


def _money_or_suppressed(value: Any) -> str:
    return SUPPRESSED if value is None else money(value)


def _count_or_suppressed(value: Any) -> str:
    return SUPPRESSED if value is None else f"{value:,}"


COLUMNS = [
    Column("program", "Program", text, "left", wrap=False),
    Column("institution", "Institution", text, "left"),
    Column("state", "State", text, "left", wrap=False),
    Column("control", "Control", text, "left", priority=2, wrap=False),
    Column("level", "Level", text, "left"),
    Column("completers", "Completers", _count_or_suppressed, priority=3),
    Column("earnings_4yr", "Earn. 4 yr", _money_or_suppressed),
    Column("debt_median", "Debt", _money_or_suppressed, priority=1),
    Column("earnings_1yr", "Earn. 1 yr", money, priority=5),
    Column("hs_benchmark_state", "HS bench.", _money_or_suppressed, priority=4),
]
"""The table's columns; `program` is the selector `--program` takes (UNITID:level), or the
UNITID alone for a level himcalc does not price."""


def programs_report(result: ProgramsResult) -> Report:
    """The programmes, with a note on what the figures are and where they come from."""
    from himcalc.app.programs import KEYS

    rows, record = result.rows, result.record
    notes = [
        f"{len(rows):,} of {record.rows:,} programmes. Source: {record.source.title} "
        f"({record.source.publisher}); CIP 51.07 pools HIM with coding, medical office and "
        "health administration programmes. Earnings: median of completers with federal aid, "
        "4 years after completion, all earners (Earn. 1 yr: 1 year after, given only where the "
        "extract carries that figure instead); Debt: their median federal debt at completion; "
        f"HS bench.: the state's high-school graduates' earnings. '{SUPPRESSED}': not "
        "published by the Scorecard (small cohorts). Price one: himcalc compare --program "
        "UNITID:LEVEL (the Program column).",
    ]
    return Report(rows=rows, columns=COLUMNS, keys=KEYS, notes=notes)
