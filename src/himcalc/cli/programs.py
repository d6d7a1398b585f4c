"""`himcalc programs`: the HIM programmes of the College Scorecard extract, filtered.

Reads `programs.csv` (only this command, `--program` and `--state` do). A cell the Scorecard
suppresses is `suppressed` in a table and null (an empty CSV cell) in machine formats, never 0.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from himcalc.cli.common import load_data
from himcalc.cli.options import ColumnsOption, FormatOption, WideOption, choice, view_of
from himcalc.errors import InputError, UsageError
from himcalc.models.enums import CredentialLevel
from himcalc.render.columns import Column, money, text
from himcalc.render.report import Format, Report, emit

SUPPRESSED = "suppressed"


class Control(StrEnum):
    public = "public"
    private_nonprofit = "private_nonprofit"
    for_profit = "for_profit"


def register(app: typer.Typer) -> None:
    app.command("programs")(programs)


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

OTHER_LEVELS = {4: "post-bacc certificate", 6: "doctoral", 7: "first professional",
                8: "graduate certificate", 99: "non-credential"}
"""Short names of the Scorecard levels himcalc does not price (CREDLEV codes; the row's
`credential` keeps Scorecard's own name)."""

KEYS = ["program", "unitid", "institution", "state", "control", "level", "credential",
        "completers", "earnings_4yr", "earnings_1yr", "debt_median", "hs_benchmark_state"]
"""Keys of a row in JSON and CSV order (a documented contract)."""


def programs(
    state: Annotated[str | None, typer.Option(
        metavar="XX", help="Only programmes in this state (two letters). Example: --state WI")
    ] = None,
    level: Annotated[CredentialLevel | None, typer.Option(
        **choice(CredentialLevel), help="Only this credential level. Example: --level associate")
    ] = None,
    control: Annotated[Control | None, typer.Option(
        **choice(Control), help="Only this kind of institution: public, private_nonprofit or "
        "for_profit. Example: --control public")] = None,
    search: Annotated[str | None, typer.Option(
        help="Only institutions whose name holds every word given, ignoring case and accents. "
        "Example: --search 'herzing madison'")] = None,
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """HIM programmes (CIP 51.07) in College Scorecard: completers' earnings and debt.

    Price one with: himcalc compare --program UNITID:LEVEL.
    Example: himcalc programs --search herzing --state WI
    """
    from himcalc.engine import programs as found

    view = view_of(wide, columns)
    data = load_data()
    if state is not None:
        state = state.strip().upper() if len(state.strip()) == 2 else state
        try:
            found.check_state(data, state)
        except InputError as exc:
            raise UsageError(f"--state: {exc.message}") from None
    if search is not None and not found.fold(search):
        raise UsageError(f"--search '{search}': give a word of the institution's name")
    levels = found.credential_levels(data)
    rows = []
    for row in found.programs(data):
        mine = levels.get(row.credential_level)
        if ((state is not None and row.state != state)
                or (level is not None and mine is not level)
                or (control is not None and row.control != control.value)
                or (search is not None and not found.matches(row.institution, search))):
            continue
        rows.append({
            "program": f"{row.unitid}:{mine.value}" if mine else str(row.unitid),
            "unitid": row.unitid, "institution": row.institution, "state": row.state,
            "control": row.control,
            "level": mine.value if mine else OTHER_LEVELS.get(row.credential_level,
                                                              row.credential),
            "credential": row.credential, "completers": row.completers,
            "earnings_4yr": row.earnings_4yr, "earnings_1yr": row.earnings_1yr,
            "debt_median": row.debt_median, "hs_benchmark_state": row.hs_benchmark_state,
            "_order": row.credential_level})
    rows.sort(key=lambda r: (r["state"] or "~", found.fold(r["institution"]), r["unitid"],
                             r.pop("_order")))
    record = found.extract(data, found.PROGRAMS_FILE)
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
    if not rows:
        sys.stderr.write("note: no programme matches these filters\n")
    emit(Report(rows=rows, columns=COLUMNS, keys=KEYS, notes=notes), fmt, view)
