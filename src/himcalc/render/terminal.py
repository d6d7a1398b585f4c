"""Rich tables for a terminal: the only module that imports rich for stdout."""

from __future__ import annotations

from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table

from himcalc.render.report import Report


def print_report(report: Report, stream: TextIO, no_color: bool = False) -> None:
    """Print the report and its sections as rich tables, marked rows in bold green."""
    console = Console(file=stream, no_color=no_color, highlight=False)
    for part in [report, *report.sections]:
        table = Table(title=part.title, box=box.SIMPLE_HEAD, title_justify="left",
                      title_style="bold")
        for col in part.columns:
            table.add_column(col.header, justify="left" if col.align == "left" else "right")
        for i, row in enumerate(part.rows):
            style = "bold green" if i in part.marked else None
            table.add_row(*(c.cell(row) for c in part.columns), style=style)
        console.print(table)
        for note in part.notes:
            console.print(note, style="dim", markup=False)
