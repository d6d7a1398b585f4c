"""`himcalc compare` and `himcalc show`: every format parses and agrees with the engine."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from himcalc import loader
from himcalc.cli.main import app, main_entry
from himcalc.engine.metrics import evaluate
from himcalc.engine.plan import make_plan
from himcalc.engine.scenario import Scenario
from himcalc.models.enums import Education

runner = CliRunner()


@pytest.fixture(scope="module")
def data():
    return loader.load()


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_compare_json_matches_engine(data):
    """`compare -f json` rows carry the engine's numbers for the default scenario."""
    rows = json.loads(invoke("compare", "-f", "json").stdout)
    assert {r["pathway"] for r in rows} == {"coding-certificate", "associate-hit", "bachelor-him"}
    for row in rows:
        expected = evaluate(make_plan(data, Scenario(), row["pathway"]))[0]
        assert row["npv"] == pytest.approx(expected.npv)
        assert row["payback_years"] == pytest.approx(expected.payback_years)
    required = {"pathway", "institution", "study_mode", "years_to_complete", "direct_cost",
                "opportunity_cost", "total_cost", "debt_at_repayment", "monthly_payment",
                "starting_salary", "annual_premium", "payback_years",
                "discounted_payback_years", "npv", "irr", "npv_per_dollar_invested",
                "npv_financed", "financed_low_point", "financed_back_to_even_years",
                "debt_free_years"}
    assert required <= set(rows[0])


def test_compare_sorted_by_payback_with_never_last():
    """Default sort is by payback, ascending, with 'never' (null) after every number."""
    rows = json.loads(invoke("compare", "-f", "json", "--education", "bachelor").stdout)
    paybacks = [r["payback_years"] for r in rows]
    numbers = [p for p in paybacks if p is not None]
    assert numbers == sorted(numbers)
    assert paybacks[: len(numbers)] == numbers


@pytest.mark.parametrize("key,field,reverse", [("npv", "npv", True), ("cost", "total_cost", False)])
def test_compare_sort_options(key, field, reverse):
    """--sort npv puts the largest NPV first; --sort cost the cheapest first."""
    rows = json.loads(invoke("compare", "-f", "json", "--sort", key).stdout)
    values = [r[field] for r in rows]
    assert values == sorted(values, reverse=reverse)


def test_compare_several_institutions():
    """--institution may repeat: one row per pathway and kind of school."""
    rows = json.loads(invoke("compare", "associate-hit", "--institution", "public_in_state",
                             "--institution", "private_nonprofit", "-f", "json").stdout)
    assert [r["institution"] for r in rows] and {r["institution"] for r in rows} == {
        "public_in_state", "private_nonprofit"}
    cheap, dear = sorted(rows, key=lambda r: r["direct_cost"])
    assert cheap["institution"] == "public_in_state"


@pytest.mark.parametrize("fmt,delim", [("csv", ","), ("tsv", "\t")])
def test_compare_delimited(fmt, delim):
    """CSV/TSV: a header row, raw numbers, empty cell for null."""
    out = invoke("compare", "-f", fmt, "--education", "bachelor").stdout
    rows = list(csv.DictReader(io.StringIO(out), delimiter=delim))
    assert rows and "npv" in rows[0]
    for row in rows:
        float(row["npv"])  # raw number, no $ or commas
        assert row["payback_years"] == "" or float(row["payback_years"]) > 0


def test_compare_markdown():
    """Markdown is a pipe table with a header rule."""
    out = invoke("compare", "-f", "markdown").stdout
    lines = out.splitlines()
    assert lines[0].startswith("| Pathway")
    assert set(lines[1]) <= set("|-:")


def test_compare_plain_table_golden():
    """Without a terminal the table is plain text: aligned columns, money as $12,345, no ANSI;
    `--wide` keeps every column."""
    out = invoke("compare", "associate-hit", "--horizon", "10", "--current-salary", "40000",
                 "--tax-rate", "0%", "--wide").stdout
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0].split() == ["Pathway", "Institution", "Years", "Total", "cost", "Debt",
                                "Start", "salary", "Premium", "per", "yr", "Payback", "After",
                                "grad", "Disc.", "payback", "NPV", "IRR"]
    # Hand check of the row: 2 years at $4,150 tuition + $1,520 books (College Board),
    # forgone 2 x $40,000 x (1 - 4.2 % unemployment of high-school graduates, Education pays),
    # + $299 RHIT fee -> total cost 2 x 5,670 + 299 + 76,640 = $88,279.
    assert "$88,279" in lines[1]
    assert lines[2].startswith("Assumptions: 3.0% real discount rate; horizon 10 years")


def test_show_json_structure(data):
    """`show -f json` has pathway, assumptions, metrics and cash_flows with the documented keys."""
    doc = json.loads(invoke("show", "bachelor-him", "-f", "json").stdout)
    assert doc["pathway"] == "bachelor-him"
    assert doc["assumptions"]["discount_rate"] == 0.03
    assert len(doc["cash_flows"]) == doc["assumptions"]["horizon"]
    row = doc["cash_flows"][0]
    for key in ("year", "age", "phase", "direct_cost", "foregone_earnings", "earnings_with",
                "earnings_without", "loan_payment", "net", "cumulative",
                "discounted_cumulative"):
        assert key in row
    total = 0.0
    for r in doc["cash_flows"]:
        total += r["net"]
        assert r["cumulative"] == pytest.approx(total)
    expected = evaluate(make_plan(data, Scenario(), "bachelor-him"))[0]
    assert doc["metrics"]["npv"] == pytest.approx(expected.npv)


def test_show_marks_break_even_year():
    """The plain table marks the break-even year with '*' (the year payback falls in)."""
    out = invoke("show", "bachelor-him", "--horizon", "20").stdout
    marked = [line for line in out.splitlines() if line.startswith("* ")]
    doc = json.loads(invoke("show", "bachelor-him", "--horizon", "20", "-f", "json").stdout)
    payback = doc["metrics"]["payback_years"]
    assert len(marked) == 1
    assert int(marked[0].split()[1]) == int(payback - 1e-9)


def test_show_csv_is_cash_flows():
    """`show -f csv` is the cash-flow table, one row per year of the horizon."""
    out = invoke("show", "coding-certificate", "--horizon", "7", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [int(r["year"]) for r in rows] == list(range(7))


def test_flags_override_scenario_file(tmp_path):
    """A --scenario file is read, and flags override it."""
    path = tmp_path / "me.yaml"
    path.write_text("age: 40\neducation: associate\ndiscount_rate: 0.05\n")
    doc = json.loads(invoke("show", "bachelor-completion", "--scenario", str(path),
                            "--discount-rate", "4%", "-f", "json").stdout)
    assert doc["assumptions"]["age"] == 40
    assert doc["assumptions"]["discount_rate"] == pytest.approx(0.04)


def test_scenario_from_stdin():
    """`--scenario -` reads the scenario from stdin."""
    result = runner.invoke(app, ["compare", "--scenario", "-", "-f", "json"],
                           input="education: bachelor\n")
    assert result.exit_code == 0, result.output
    assert {r["pathway"] for r in json.loads(result.stdout)} >= {"mha", "ms-hiim"}


def test_unknown_pathway_suggests(capsys):
    """An unknown pathway is a usage error naming the closest valid one."""
    code = main_entry(["compare", "assoc-hit", "-f", "json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("error: unknown pathway 'assoc-hit'")
    assert "did you mean 'associate-hit'" in captured.err


def test_rate_without_percent_is_refused(capsys):
    """--discount-rate 6.39 is refused with a hint, exit 2."""
    code = main_entry(["compare", "--discount-rate", "6.39"])
    err = capsys.readouterr().err
    assert code == 2 and "did you mean 6.39%?" in err and err.count("\n") == 1


def test_education_filters_default_pathways(data):
    """The default pathways are those open to the education given."""
    rows = json.loads(invoke("compare", "-f", "json", "--education", "associate").stdout)
    assert {r["pathway"] for r in rows} == {"coding-certificate", "bachelor-completion"}
    requires = data.get("pathways")["bachelor-completion"].requires_education
    assert Education.associate.value in requires


@pytest.mark.skipif(shutil.which("himcalc") is None, reason="himcalc is not installed on PATH")
def test_installed_entry_point_pipes_json():
    """The installed `himcalc compare -f json` pipes into `python -m json.tool`."""
    producer = subprocess.run(["himcalc", "compare", "-f", "json"], capture_output=True,
                              check=True)
    checked = subprocess.run([sys.executable, "-m", "json.tool"], input=producer.stdout,
                             capture_output=True, check=True)
    assert json.loads(checked.stdout)
    assert producer.stderr == b""


def test_compare_chart_marks_break_even():
    """`compare --chart` draws every pathway with its break-even year in the legend."""
    out = invoke("compare", "--chart").stdout
    doc = json.loads(invoke("compare", "-f", "json").stdout)
    for row in doc:
        assert row["pathway"] in out
    assoc = next(r for r in doc if r["pathway"] == "associate-hit")
    assert f"associate-hit (break-even {assoc['payback_years']:.1f} y)" in out


def test_chart_refused_with_machine_formats(capsys):
    """--chart with -f json is a usage error, so stdout stays pure JSON."""
    assert main_entry(["compare", "-f", "json", "--chart"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: --chart")


def test_private_loans_are_reported():
    """Borrowing above the federal limits shows up as private debt, in JSON and in a table note.

    An independent undergraduate (25) may borrow at most $9,500 + $10,500 + $12,500 + $12,500
    = $45,000 over four years, so $15,000 a year leaves $15,000 of private principal (plus its
    in-school interest) on a bachelor's.
    """
    rows = json.loads(invoke("compare", "bachelor-him", "--borrow", "15000", "-f", "json").stdout)
    assert rows[0]["private_debt"] > 15_000
    assert rows[0]["debt_at_repayment"] > 60_000
    table = " ".join(invoke("compare", "bachelor-him", "--borrow", "15000").stdout.split())
    assert "of private loans above the federal limits" in table


def test_repeated_study_mode_compares_side_by_side():
    """`--study-mode` repeated prices each mode, as a repeated `--institution` does (issue 16
    §8): one row per mode, each equal to its own single-mode run, and a Mode column."""
    both = json.loads(invoke("compare", "associate-hit", "--study-mode", "full_time",
                             "--study-mode", "part-time", "-f", "json").stdout)
    assert sorted(r["study_mode"] for r in both) == ["full_time", "part_time"]
    for row in both:
        [single] = json.loads(invoke("compare", "associate-hit", "--study-mode",
                                     row["study_mode"], "-f", "json").stdout)
        assert row == single
    table = runner.invoke(app, ["compare", "associate-hit", "--study-mode", "full_time",
                                "--study-mode", "part_time"], env={"COLUMNS": "120"}).stdout
    assert "Mode" in table.splitlines()[1] or "Mode" in table.splitlines()[0]


def test_repeated_study_mode_is_refused_where_one_is_priced():
    """Commands that price one scenario refuse a second --study-mode (exit 2, one line)."""
    code = main_entry(["show", "associate-hit", "--study-mode", "full_time",
                       "--study-mode", "part_time"])
    assert code == 2


def test_footer_reproduces_repeated_flags():
    """With several institutions and study modes the footer lists every value as its flag,
    and re-running those flags gives the same rows."""
    argv = ["compare", "associate-hit", "--institution", "online", "--institution",
            "private_nonprofit", "--study-mode", "part_time", "--study-mode", "full_time"]
    table = runner.invoke(app, argv, env={"COLUMNS": "300"}).stdout
    flags = " ".join(table.split()).split("Non-default choices: ")[1].split(".")[0].split()
    again = json.loads(invoke("compare", "associate-hit", *flags, "-f", "json").stdout)
    assert again == json.loads(invoke(*argv, "-f", "json").stdout)


def test_horizon_shorter_than_study_is_said(capsys):
    """A horizon that ends before study does is not silently cut: a note says only its years
    are counted (stderr in machine formats)."""
    assert main_entry(["compare", "bachelor-him", "--horizon", "3", "-f", "json"]) == 0
    err = capsys.readouterr().err
    assert "The horizon (3 years) ends before bachelor-him's 4 years of study" in err
