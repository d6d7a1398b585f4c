"""One render dispatch behind every `--format`: commands hand over a `Report`, this picks how.

* `table`: a rich table when stdout is a terminal, plain aligned text otherwise, either fitted
  to the terminal's width (`layout`): secondary columns left out, text wrapped, numbers whole;
  `View.wide` shows every column, `View.columns` picks them by key;
* `markdown`: a Markdown table of every column (or of `View.columns`);
* `json`: `Report.data` (an array of row objects unless a command gives its own object);
* `csv` / `tsv`: a header row and one line per row, raw numbers, empty cell for null.

Machine formats get only data on stdout, every column whatever the view; `Report.notes`
(assumptions, hints) are printed under tables and dropped from machine output.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TextIO

from himcalc.errors import UsageError
from himcalc.render import machine

if TYPE_CHECKING:  # tables only: the machine formats need none of them
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


@dataclass(frozen=True)
class View:
    """How people want a table: every column (`wide`), these columns by key, or fitted."""

    wide: bool = False
    columns: tuple[str, ...] | None = None
    width: int | None = None  # default: `layout.terminal_width()`

    def check(self, report: Report) -> None:
        """Refuse `--columns` keys that no table of the report has (before anything is printed)."""
        if not self.columns:
            return
        known = list(dict.fromkeys(c.key for part in [report, *report.sections]
                                   for c in part.columns))
        unknown = [k for k in self.columns if k not in known]
        if unknown:
            raise UsageError(f"--columns: unknown column '{unknown[0]}' (known: "
                             f"{', '.join(known)})")

    def chosen(self, part: Report) -> tuple[str, ...] | None:
        """The picked columns of one table: None when the pick names none of its columns."""
        if not self.columns:
            return None
        keys = {c.key for c in part.columns}
        return self.columns if any(k in keys for k in self.columns) else None


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def render(report: Report, fmt: Format, stream: TextIO | None = None,
           view: View | None = None) -> str | None:
    """Text for `fmt`, or None after printing directly (rich on a terminal)."""
    stream = stream or sys.stdout
    view = view or View()
    view.check(report)
    if fmt is Format.json:
        return machine.to_json(report.data if report.data is not None else list(report.rows))
    if fmt in (Format.csv, Format.tsv):
        delimiter = "," if fmt is Format.csv else "\t"
        return machine.to_delimited(report.rows, report.machine_keys(), delimiter)
    if fmt is Format.table and is_terminal(stream) and not os.environ.get("NO_COLOR"):
        # rich only for a terminal, and never with NO_COLOR (no-color.org; an empty value is
        # unset): then the plain table, no colour, no bold, no boxes (README)
        from himcalc.render.terminal import print_report

        print_report(report, stream, view)
        return None
    if fmt is Format.markdown:
        return _markdown(report, view)
    return _text(report, view)


def _text(report: Report, view: View) -> str:
    import textwrap

    from himcalc.render import layout

    width = view.width or layout.terminal_width()
    parts = []
    for i, part in enumerate([report, *report.sections]):
        fit = layout.fitted(part, view, width)
        if part.title:
            parts += textwrap.wrap(part.title, width) or [""]
        parts += layout.plain_lines(fit, part.rows, part.marked or None)
        for note in layout.notes_of(part, fit, width):
            parts += textwrap.wrap(note, width, break_on_hyphens=False) or [""]
        if i < len(report.sections):
            parts.append("")
    return "\n".join(parts) + "\n"


def _markdown(report: Report, view: View) -> str:
    """Every table under a `##` title, its notes after a blank line (outside the table)."""
    from himcalc.render import plain

    parts = []
    for i, part in enumerate([report, *report.sections]):
        if part.title:
            parts += [f"## {part.title}", ""]
        chosen = view.chosen(part)
        columns = part.columns
        if chosen is not None:
            by_key = {c.key: c for c in part.columns}
            columns = [by_key[k] for k in chosen if k in by_key]
        parts.append(plain.markdown_table(part.rows, columns, part.marked))
        if part.notes:
            parts += ["", "\n\n".join(part.notes)]
        if i < len(report.sections):
            parts.append("")
    return "\n".join(parts) + "\n"


def emit(report: Report, fmt: Format, view: View | None = None) -> None:
    """Render and write to stdout in one piece (nothing half-written on an error)."""
    text = render(report, fmt, view=view)
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
