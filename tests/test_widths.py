"""Issue 16, item 1: every table fits 80, 100 and 120 columns; machine formats keep every column."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner

from himcalc.cli.main import app, main_entry
from himcalc.render import report as report_module
from himcalc.render.columns import Column, money
from himcalc.render.layout import fit, plain_lines

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")

DATASETS = ["career_tracks", "earnings", "exams", "loan_rates", "loan_limits", "repayment_plans",
            "occupations", "parameters", "pathways", "roles", "tuition", "books_supplies"]
COMMANDS = [
    ["compare"],
    ["compare", "--education", "bachelor", "--institution", "public_in_state",
     "--institution", "private_nonprofit", "--borrow", "15000"],
    ["show", "bachelor-him"],
    ["show", "associate-hit", "--borrow", "6000", "--study-mode", "part_time"],
    ["simulate", "--runs", "300", "--seed", "1"],
    ["sensitivity", "associate-hit", "--borrow", "6000"],
    ["sensitivity", "bachelor-him", "--grid", "tuition,percentile"],
    ["data", "sources"],
    ["data", "list"],
    *[["data", "show", name] for name in DATASETS],
    ["loan", "--principal", "27000"],
    ["loan", "--principal", "27000", "--plan", "rap", "--income", "40000", "--monthly"],
    ["loan", "--principal", "27000", "--plan", "rap", "--income", "40000", "--in-school-months",
     "24"],
]


def _run(args: list[str], width: int, terminal: bool, monkeypatch) -> str:
    monkeypatch.setattr(report_module, "is_terminal", lambda _stream: terminal)
    result = runner.invoke(app, args, env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0, (args, result.output, result.exception)
    return ANSI.sub("", result.stdout)


@pytest.mark.parametrize("terminal", [False, True], ids=["plain", "rich"])
@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_table_fits_the_width(args, width, terminal, monkeypatch):
    """No line of a table-format report (rows, wrapped notes, titles) is wider than COLUMNS."""
    out = _run(args, width, terminal, monkeypatch)
    assert out.strip()
    too_long = [line for line in out.splitlines() if len(line.rstrip()) > width]
    assert not too_long, f"{len(too_long[0].rstrip())} > {width}: {too_long[0]!r}"


@pytest.mark.parametrize("terminal", [False, True], ids=["plain", "rich"])
def test_numbers_are_never_split(terminal, monkeypatch):
    """At 80 columns every NPV and total cost of compare appears whole on one line."""
    rows = json.loads(runner.invoke(app, ["compare", "-f", "json"]).stdout)
    out = _run(["compare"], 80, terminal, monkeypatch)
    for row in rows:
        for key in ("npv", "total_cost", "starting_salary"):
            assert money(row[key]) in out, (key, money(row[key]))


def test_hidden_columns_are_named_and_wide_shows_them(monkeypatch):
    """At 80 columns compare leaves Debt out and says so; --wide shows it and every header."""
    narrow = " ".join(_run(["compare"], 80, False, monkeypatch).split())
    assert "Not shown at 80 columns:" in narrow and "Debt (debt_at_repayment)" in narrow
    wide = _run(["compare", "--wide"], 80, False, monkeypatch)
    header = wide.splitlines()[0].split()
    assert header[:3] == ["Pathway", "Institution", "Years"] and "Debt" in header
    assert "Not shown" not in wide


def test_columns_picks_and_orders(monkeypatch):
    """--columns shows exactly the named columns, in the order given."""
    out = _run(["compare", "--columns", "npv,pathway"], 80, False, monkeypatch)
    assert out.splitlines()[0].split() == ["NPV", "Pathway"]


def test_unknown_column_is_a_usage_error(capsys):
    """An unknown --columns key exits 2 with one error line and nothing on stdout."""
    assert main_entry(["compare", "--columns", "pathway,nvp"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: --columns: unknown column 'nvp'")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_machine_formats_keep_every_column_at_80(fmt):
    """csv/tsv of compare at 80 columns still have every documented key (not fitted)."""
    result = runner.invoke(app, ["compare", "-f", fmt], env={"COLUMNS": "80"})
    reader = csv.reader(io.StringIO(result.stdout), delimiter="," if fmt == "csv" else "\t")
    header = next(reader)
    assert header[:4] == ["pathway", "institution", "study_mode", "years_to_complete"]
    assert {"debt_at_repayment", "discounted_payback_years", "irr",
            "npv_per_dollar_invested"} <= set(header)


def test_layout_drops_by_priority_and_wraps_text():
    """A 32-column fit drops the priority-2 column first, wraps text, keeps `$1,234,567` whole."""
    cols = [Column("name", "Name", align="left"), Column("v", "Value", money),
            Column("x", "Extra", money, priority=2), Column("y", "Other", money, priority=1)]
    rows = [{"name": "a rather long name of words", "v": 1234567, "x": 1, "y": 2}]
    layout = fit(rows, cols, 32)  # 12+10+5 + 2×2 = 31 fits; + Extra 5+2 = 38 not
    assert [c.key for c in layout.columns] == ["name", "v", "y"]
    assert [c.key for c in layout.hidden] == ["x"]
    lines = plain_lines(layout, rows)
    assert all(len(line) <= 32 for line in lines)
    assert "$1,234,567" in lines[1]
