"""Issue 16, item 5: Markdown that renders (notes outside tables, escaped cells, marked row)."""

from __future__ import annotations

import json
import math

from typer.testing import CliRunner

from himcalc.cli.main import app
from himcalc.render.columns import Column
from himcalc.render.plain import markdown_table

runner = CliRunner()


def test_notes_are_separated_from_the_table_by_a_blank_line():
    """GitHub ends a table at a blank line: the assumptions note must follow one."""
    lines = runner.invoke(app, ["compare", "-f", "markdown"]).stdout.splitlines()
    last_row = max(i for i, line in enumerate(lines) if line.startswith("| "))
    assert lines[last_row + 1] == ""
    assert lines[last_row + 2].startswith("Worth most:")
    assert any(line.startswith("Assumptions:") for line in lines[last_row + 2:])


def test_cells_escape_pipes_and_newlines():
    """A pipe is escaped `\\|` and a newline becomes `<br>`, so a cell stays one table cell."""
    table = markdown_table([{"a": "x|y\nz"}], [Column("a", "A", align="left")])
    assert table.splitlines()[2] == "| x\\|y<br>z |"


def test_show_marks_the_break_even_row_in_bold():
    """The associate's break-even year (the year its payback falls in, from the JSON metrics)
    is the one bold row."""
    out = runner.invoke(app, ["show", "associate-hit", "-f", "markdown"]).stdout
    doc = json.loads(runner.invoke(app, ["show", "associate-hit", "-f", "json"]).stdout)
    year = math.ceil(doc["metrics"]["payback_years"]) - 1
    bold = [line for line in out.splitlines() if line.startswith("| **")]
    assert len(bold) == 1
    assert bold[0].startswith(f"| **{year}** | **{25 + year}** | **career** |")
