"""Rich tables for a terminal: the only module that imports rich for stdout."""

from __future__ import annotations

from typing import TextIO

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from himcalc.render.report import Report


def print_report(report: Report, stream: TextIO, no_color: bool = False) -> None:
    """Print the report and its sections as rich tables, marked rows in bold green."""
    console = Console(file=stream, no_color=no_color, highlight=False)
    for part in [report, *report.sections]:
        table = Table(title=part.title, box=box.SIMPLE_HEAD, title_justify="left",
                      title_style="bold", pad_edge=False)
        cells = [[c.cell(row) for c in part.columns] for row in part.rows]
        for j, col in enumerate(part.columns):
            # Never truncate a number: a column is at least as wide as its widest cell, so
            # when space is short rich wraps the headers instead.
            widest = max([len(r[j]) for r in cells] + [len(w) for w in col.header.split()])
            table.add_column(col.header, justify="left" if col.align == "left" else "right",
                             min_width=widest)
        for i, row_cells in enumerate(cells):
            style = "bold green" if i in part.marked else None
            table.add_row(*row_cells, style=style)
        # Wider than the terminal: print at the table's own minimum width (the terminal wraps)
        # rather than let rich crop or truncate figures.
        need = Measurement.get(console, console.options, table).minimum
        console.print(table, width=max(console.width, need), crop=False)
        for note in part.notes:
            console.print(note, style="dim", markup=False)
