"""Issue 16, item 2: compare answers the person's questions in plain sentences (tables only)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from himcalc.cli.main import app
from himcalc.render.columns import money

runner = CliRunner()


def _text(*args: str) -> str:
    result = runner.invoke(app, ["compare", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sentences_name_the_best_with_figures():
    """Worth most = the highest NPV, soonest = the lowest payback, least = the lowest total
    cost, each with its figure (read from the JSON rows, not from the sentences' code)."""
    rows = json.loads(_text("-f", "json"))
    best = max(rows, key=lambda r: r["npv"])
    soon = min(rows, key=lambda r: r["payback_years"])
    cheap = min(rows, key=lambda r: r["total_cost"])
    out = _text()
    assert f"Worth most: {best['pathway']}, NPV {money(best['npv'])} " in out
    assert (f"Pays back soonest: {soon['pathway']}, {soon['payback_years']:.1f} years from the "
            f"start of study ({soon['payback_after_completion']:.1f} after completing)." in out)
    assert f"Costs least: {cheap['pathway']}, {money(cheap['total_cost'])} in all" in out


def test_career_ten_years_on_by_hand():
    """The sentence reads the bachelor's career off `show`'s cash flows: year index 14 (4 years
    of study + 10) for the earnings ten years after completing and the premium over the
    earnings without it, year index 4 for the start."""
    flows = json.loads(runner.invoke(app, ["show", "bachelor-him", "-f", "json"]).stdout)[
        "cash_flows"]
    ten, start = flows[14], flows[4]
    out = " ".join(_text().split())
    gap = ten["earnings_with"] - ten["earnings_without"]
    assert gap > 0
    assert (f"bachelor-him {money(ten['earnings_with'])} a year "
            f"({money(gap)} more than without it; "
            f"{money(start['earnings_with'])} at the start)") in out
    less = " ".join(_text("coding-certificate", "--current-salary", "60000").split())
    assert "less than without it" in less and "-$" not in less.split("Where the career")[1]


def test_machine_formats_carry_no_sentences():
    """csv and json hold only data: no sentence, on stdout or stderr."""
    for fmt in ("csv", "json"):
        result = runner.invoke(app, ["compare", "-f", fmt])
        assert "Worth most" not in result.stdout and "Worth most" not in result.stderr


def test_none_worth_it_is_said():
    """With a master's already held, the coding certificate alone loses money: said plainly,
    with no "worth most" claim."""
    out = _text("--education", "master", "coding-certificate", "mha")
    assert "Worth most: mha" in out
    lone = _text("--education", "master", "coding-certificate", "--horizon", "10",
                 "--institution", "public_in_state", "--institution", "online")
    assert "None is worth its cost over the horizon" in lone
