"""Rich tables for a terminal: the only module that imports rich for stdout."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from rich import box
from rich.console import Console
from rich.table import Table

from himcalc.render import layout

if TYPE_CHECKING:  # type-only: report imports this module to print on a terminal
    from himcalc.render.report import Report, View


def print_report(report: Report, stream: TextIO, view: View) -> None:
    """Print the report and its sections as rich tables fitted to the terminal (`layout`),
    marked rows in bold green (never called with NO_COLOR set: `report.render` prints the
    plain table then)."""
    width = view.width or layout.terminal_width()
    for part in [report, *report.sections]:
        fit = layout.fitted(part, view, width)
        need = sum(fit.widths) + layout.GAP * (len(fit.widths) - 1)
        # --wide: print at the table's own width (the terminal wraps) rather than crop figures
        console = Console(file=stream, highlight=False,
                          width=max(width, need))
        table = Table(title=part.title, box=box.SIMPLE_HEAD, title_justify="left",
                      title_style="bold", show_edge=False, pad_edge=False,
                      padding=(0, 1, 0, 0))
        # the layout has wrapped every header and cell already: rich only places the lines
        headers = fit.header_lines()
        height = max((len(h) for h in headers), default=1)
        for col, w, head in zip(fit.columns, fit.widths, headers, strict=True):
            table.add_column("\n".join([""] * (height - len(head)) + head),
                             justify="left" if col.align == "left" else "right",
                             width=w, no_wrap=True, overflow="fold")
        for i, row in enumerate(part.rows):
            style = "bold green" if i in part.marked else None
            table.add_row(*["\n".join(lines) for lines in fit.lines(row)], style=style)
        console.print(table, crop=False)
        note_console = Console(file=stream, highlight=False, width=width)
        for note in layout.notes_of(part, fit, width):
            note_console.print(note, style="dim", markup=False)
