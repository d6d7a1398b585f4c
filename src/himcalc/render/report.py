"""One render dispatch behind every `--format`: commands hand over a `Report`, this picks how.

* `table`: a rich table when stdout is a terminal, plain aligned text otherwise;
* `markdown`: a Markdown table;
* `json`: `Report.data` (an array of row objects unless a command gives its own object);
* `csv` / `tsv`: a header row and one line per row, raw numbers, empty cell for null.

Machine formats get only data on stdout; `Report.notes` (assumptions, hints) are printed under
tables and dropped from machine output.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TextIO

from himcalc.render import machine, plain
from himcalc.render.columns import Column


class Format(StrEnum):
    """Output formats shared by every report command."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"


@dataclass
class Report:
    """What a command produces: rows, how to show them, and optional extras.

    `keys` are the machine-format columns (default: every key of the first row); `data`
    replaces the JSON array when a command's JSON is an object; `marked` are row indexes to
    highlight (e.g. the break-even year); `sections` are further (title, Report) parts shown
    after the main table in table/markdown formats.
    """

    rows: Sequence[dict]
    columns: Sequence[Column]
    title: str | None = None
    keys: Sequence[str] | None = None
    notes: list[str] = field(default_factory=list)
    data: Any = None
    marked: set[int] = field(default_factory=set)
    sections: list[Report] = field(default_factory=list)

    def machine_keys(self) -> list[str]:
        if self.keys is not None:
            return list(self.keys)
        return list(self.rows[0]) if self.rows else [c.key for c in self.columns]


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def render(report: Report, fmt: Format, stream: TextIO | None = None) -> str | None:
    """Text for `fmt`, or None after printing directly (rich on a terminal)."""
    stream = stream or sys.stdout
    if fmt is Format.json:
        return machine.to_json(report.data if report.data is not None else list(report.rows))
    if fmt in (Format.csv, Format.tsv):
        delimiter = "," if fmt is Format.csv else "\t"
        return machine.to_delimited(report.rows, report.machine_keys(), delimiter)
    if fmt is Format.table and is_terminal(stream):
        from himcalc.render.terminal import print_report  # rich only for a terminal

        print_report(report, stream, no_color=bool(os.environ.get("NO_COLOR")))
        return None
    return _text(report, markdown=fmt is Format.markdown)


def _text(report: Report, markdown: bool) -> str:
    parts = []
    for i, part in enumerate([report, *report.sections]):
        if part.title:
            parts.append(("## " if markdown else "") + part.title)
        if markdown:
            parts.append(plain.markdown_table(part.rows, part.columns))
        else:
            parts.append(plain.plain_table(part.rows, part.columns, part.marked or None))
        if part.notes:
            parts.append("\n".join(part.notes))
        if i < len(report.sections):
            parts.append("")
    return "\n".join(parts) + "\n"


def emit(report: Report, fmt: Format) -> None:
    """Render and write to stdout in one piece (nothing half-written on an error)."""
    text = render(report, fmt)
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
