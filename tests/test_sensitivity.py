"""Tests of the one-at-a-time sensitivity (tornado), the payback grid, and `himcalc sensitivity`.

Expected values are the deterministic engine's own results for the moved scenario, and the
economic direction of each input (costs lower NPV, earnings raise it, discounting lowers it).
"""

from __future__ import annotations

import csv
import doctest
import io
import json

import pytest
from typer.testing import CliRunner

from himcalc import loader
from himcalc.cli.main import app, main_entry
from himcalc.engine import sensitivity as sens
from himcalc.engine.metrics import evaluate
from himcalc.engine.plan import make_plan
from himcalc.engine.scenario import Scenario
from himcalc.errors import UsageError

runner = CliRunner()


@pytest.fixture(scope="module")
def data():
    return loader.load(None)


@pytest.fixture(scope="module")
def rows(data):
    swings = sens.tornado(data, Scenario(borrow=6000), "bachelor-him")
    return {r.input: r for r in swings}


def test_doctests():
    """The module's docstring example (the input order) holds."""
    assert doctest.testmod(sens)[0] == 0


@pytest.mark.parametrize(("name", "higher_is_better"), [
    ("tuition", False),  # a higher price lowers NPV
    ("percentile", True),  # a higher salary raises it
    ("discount_rate", False),  # a positive NPV is worth less at a higher rate
    ("wage_growth", True),  # growth scales up a positive premium
    ("time", False),  # a longer study delays the career and forgoes more earnings
    ("loan_rate", False),  # more interest to repay
    ("completion", True),  # high = certain completion, low = the sector's rate
])
def test_each_input_moves_npv_in_the_expected_direction(rows, name, higher_is_better):
    """Moving an input from its low to its high setting changes NPV in the economic direction."""
    r = rows[name]
    assert (r.npv_high > r.npv_low) == higher_is_better
    assert r.npv_swing == pytest.approx(abs(r.npv_high - r.npv_low))


def test_rows_are_sorted_by_npv_swing(rows):
    """A tornado lists the input with the largest NPV swing first."""
    swings = [r.npv_swing for r in sens.tornado(loader.load(None), Scenario(), "associate-hit")]
    assert swings == sorted(swings, reverse=True)
    assert len(rows) == len(sens.INPUTS)


def test_rows_are_the_engine_on_a_moved_scenario(data, rows):
    """Each row is `evaluate` on the moved scenario (no formula copy): p75 is the engine at
    --percentile 75, and tuition +20 % is the engine at --tuition 1.2 × the data's tuition."""
    s = Scenario(borrow=6000)
    p75 = evaluate(make_plan(data, s.model_copy(update={"percentile": 75.0}), "bachelor-him"))[0]
    assert rows["percentile"].npv_high == p75.npv
    assert rows["percentile"].payback_high == p75.payback_years
    tuition = sens.base_tuition(data, s, "bachelor-him")
    dear = evaluate(make_plan(data, s.model_copy(update={"tuition": tuition * 1.2}),
                              "bachelor-him"))[0]
    assert rows["tuition"].npv_high == dear.npv
    assert rows["tuition"].high_value == pytest.approx(tuition * 1.2)


def test_loan_rate_moves_nothing_without_borrowing(data):
    """Without --borrow there is no loan to reprice, so the loan-rate row has zero swing."""
    row = next(r for r in sens.tornado(data, Scenario(), "associate-hit") if r.input == "loan_rate")
    assert row.npv_swing == 0.0 and row.low_value is None


def test_one_more_year_keeps_the_credits_and_delays_the_career(data):
    """Time +1 year spreads the same total direct cost over one more year of study."""
    s = Scenario()
    base = make_plan(data, s, "associate-hit")
    longer = sens.variant_plan(data, s, "associate-hit", "time", 1.0)
    assert longer.years_to_complete == pytest.approx(base.years_to_complete + 1)
    assert longer.direct_cost_per_year * longer.years_to_complete == pytest.approx(
        base.direct_cost_per_year * base.years_to_complete)
    assert longer.study_mode == base.study_mode and longer.kept_share == base.kept_share


def test_grid_is_monotone_in_both_inputs(data):
    """Over tuition × percentile, payback never shortens with price or lengthens with salary
    (for a person whose salary without the credential is given: the percentile then moves only
    the earnings with it; otherwise it moves both paths)."""
    cells = sens.grid(data, Scenario(current_salary=36_000), "bachelor-him", "tuition",
                      "percentile")
    assert len(cells) == 25
    table = {(c.level_a, c.level_b): c.payback_years for c in cells}
    levels = sens.SPECS["tuition"].grid, sens.SPECS["percentile"].grid
    for i, a in enumerate(levels[0]):
        for j, b in enumerate(levels[1]):
            if i:
                assert table[(a, b)] >= table[(levels[0][i - 1], b)]
            if j:
                assert table[(a, b)] <= table[(a, levels[1][j - 1])]


@pytest.mark.parametrize(("a", "b"), [("tuition", "tuition"), ("tuition", "salary")])
def test_bad_grid_inputs_are_usage_errors(data, a, b):
    """The same input twice, or an unknown one, is refused with a UsageError."""
    with pytest.raises(UsageError):
        sens.grid(data, Scenario(), "associate-hit", a, b)


# --------------------------------------------------------------------------------- the CLI


def test_cli_json_rows():
    """JSON is one object per input with the documented keys and no table-only decorations."""
    result = runner.invoke(app, ["sensitivity", "associate-hit", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {r["input"] for r in data} == {s.name for s in sens.INPUTS}
    assert "bar" not in data[0] and data[0]["npv_swing"] >= data[-1]["npv_swing"]


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_cli_delimited(fmt, delimiter):
    """CSV/TSV: a header row and seven rows; an empty cell where payback is never (a p10
    coder against a given $48,000 salary)."""
    result = runner.invoke(app, ["sensitivity", "coding-certificate", "--current-salary",
                                 "48000", "-f", fmt])
    assert result.exit_code == 0, result.output
    parsed = list(csv.DictReader(io.StringIO(result.stdout), delimiter=delimiter))
    assert len(parsed) == 7
    assert next(r for r in parsed if r["input"] == "percentile")["payback_low"] == ""


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_cli_tornado_for_people(fmt):
    """The people's table labels the levels and draws the tornado bar."""
    result = runner.invoke(app, ["sensitivity", "associate-hit", "--borrow", "6000", "-f", fmt],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Salary percentile" in result.stdout and "p25" in result.stdout
    assert "█" in result.stdout and "+2 pts" in result.stdout


def test_cli_grid_formats():
    """--grid gives a 5 × 5 wide table for people and 25 long rows in JSON and CSV."""
    args = ["sensitivity", "bachelor-him", "--grid", "tuition,percentile"]
    table = runner.invoke(app, [*args, "-f", "table"])
    assert table.exit_code == 0, table.output
    assert "p90" in table.stdout and len(table.stdout.splitlines()) >= 7
    cells = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert len(cells) == 25 and cells[0]["input_a"] == "tuition"
    parsed = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout)))
    assert len(parsed) == 25


def test_cli_bad_grid_is_one_line_usage_error(capsys):
    """A malformed --grid exits 2 with one error line naming the valid inputs."""
    assert main_entry(["sensitivity", "associate-hit", "--grid", "tuition"]) == 2
    assert main_entry(["sensitivity", "associate-hit", "--grid", "tuition,salary"]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 2 and "valid:" in err
