"""Tests of `himcalc loan` (himcalc.cli.loan) through the command line.

Expected numbers come from `numpy_financial.pmt` (an independent annuity implementation; it
returns the payment as a negative cash flow, hence the minus signs), the Department of
Education's published $15,000-at-9 % chart (docs/loans.md), the regulation's fixed amounts
($50 standard minimum, $10 RAP minimum and $50 principal match), and plain arithmetic.
Success paths use `CliRunner`; error paths call `main_entry`, the one place exceptions become
exit codes, and read its single `error: …` line from stderr.
"""

from __future__ import annotations

import csv
import io
import json

import numpy_financial as npf
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from himcalc.cli.main import app, main_entry

runner = CliRunner()


def _no_nan(token: str) -> float:
    raise AssertionError(f"non-finite number in JSON: {token}")


def run(*args: str) -> str:
    """stdout of a successful `himcalc loan …` (asserting exit code 0)."""
    result = runner.invoke(app, ["loan", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def run_json(*args: str) -> dict:
    """`himcalc loan … -f json` parsed, refusing NaN/Infinity tokens."""
    return json.loads(run(*args, "-f", "json"), parse_constant=_no_nan)


def pmt(rate: float, months: int, principal: float) -> float:
    """The level monthly payment per numpy-financial (positive dollars)."""
    return float(-npf.pmt(rate / 12, months, principal))


# ----------------------------------------------------------------------------- payments


def test_tiered_payment_and_totals_match_numpy_financial() -> None:
    """$27,000 is in the $25,000-$50,000 tier, so Tiered Standard is a 180-month annuity: the
    payment equals npf.pmt, total paid is 180 payments, and interest is paid minus principal."""
    out = run_json("--principal", "27000", "--rate", "6.52%", "--plan", "tiered")
    expected = pmt(0.0652, 180, 27_000)
    assert out["plan"] == "tiered"
    assert out["term_months"] == 180
    assert out["n_payments"] == 180
    assert out["monthly_payment"] == pytest.approx(expected, rel=1e-12)
    assert out["total_paid"] == pytest.approx(180 * expected, rel=1e-12)
    assert out["total_interest"] == pytest.approx(180 * expected - 27_000, rel=1e-10)


def test_years_loan_matches_numpy_financial() -> None:
    """`--years 7` is a plain 84-month annuity with no minimum, so npf.pmt gives its payment."""
    out = run_json("--principal", "20000", "--rate", "0.0639", "--years", "7")
    expected = pmt(0.0639, 84, 20_000)
    assert out["plan"] == "level"
    assert (out["term_months"], out["n_payments"]) == (84, 84)
    assert out["monthly_payment"] == pytest.approx(expected, rel=1e-12)
    assert out["total_paid"] == pytest.approx(84 * expected, rel=1e-12)
    assert out["total_interest"] == pytest.approx(84 * expected - 20_000, rel=1e-10)


@pytest.mark.parametrize(("principal", "payment"), [("15000", "$190.01"), ("16350", "$207.11")])
def test_published_standard_plan_example(principal: str, payment: str) -> None:
    """The Department's deferment-form chart gives $15,000 at 9 % over 10 years as $190.01 a
    month and $16,350 as $207.11 (docs/loans.md); the table must print exactly those cents."""
    table = run("--principal", principal, "--rate", "9%", "--plan", "standard-10")
    line = next(ln for ln in table.splitlines() if ln.startswith("Monthly payment"))
    assert line.split()[-1] == payment
    out = run_json("--principal", principal, "--rate", "9%", "--plan", "standard-10")
    assert f"${out['monthly_payment']:,.2f}" == payment
    assert out["n_payments"] == 120


def test_default_rate_is_2026_27_undergraduate_rate() -> None:
    """Without --rate the loan uses the dataset's 2026-27 undergraduate Direct Loan rate."""
    from himcalc import loader

    record = loader.load(None).get("loan_rates")["undergraduate-2026-27"]
    out = run_json("--principal", "10000")
    assert out["annual_rate"] == record.annual_rate == 0.0652
    assert out["monthly_payment"] == pytest.approx(pmt(0.0652, 120, 10_000), rel=1e-12)


def test_zero_rate_divides_principal_evenly() -> None:
    """At 0 % a $6,000 loan over 5 years is 60 payments of exactly $100 with no interest."""
    out = run_json("--principal", "6000", "--rate", "0", "--years", "5")
    assert out["monthly_payment"] == pytest.approx(100.0)
    assert out["n_payments"] == 60
    assert out["total_paid"] == pytest.approx(6000.0)
    assert out["total_interest"] == 0.0
    assert all(row["interest"] == 0.0 for row in out["schedule"])


def test_zero_rate_tiered() -> None:
    """At 0 % a $12,000 Tiered Standard loan (10-year tier) is 120 payments of $100."""
    out = run_json("--principal", "12000", "--rate", "0%")
    assert (out["monthly_payment"], out["n_payments"], out["total_interest"]) == (
        pytest.approx(100.0), 120, 0.0)


@pytest.mark.parametrize(
    "plan_args",
    [["--plan", "tiered"], ["--plan", "standard-10"], ["--plan", "rap", "--income", "50000"],
     ["--years", "10"]],
)
def test_zero_principal_gives_zeros(plan_args: list[str]) -> None:
    """A $0 loan is not an error: every total is 0, there are no payments and no rows."""
    out = run_json("--principal", "0", *plan_args)
    assert (out["monthly_payment"], out["n_payments"], out["total_paid"],
            out["total_interest"]) == (0.0, 0, 0.0, 0.0)
    assert out["schedule"] == []
    table = run("--principal", "0", *plan_args)
    assert "Total paid               $0.00" in table
    csv_out = run("--principal", "0", *plan_args, "-f", "csv")
    assert len(csv_out.splitlines()) == 1  # header only


@pytest.mark.parametrize(("principal", "rate", "payments", "first"), [
    (30.0, 0.06, 1, 30.0 * 1.005),
    (1_000.0, 0.0, 20, 50.0),
])
def test_standard_10_minimum_payment(principal: float, rate: float, payments: int,
                                     first: float) -> None:
    """Standard-10 pays at least $50 a month: $30 at 6 % is cleared by one payment of the
    balance plus a month's interest (30 x 1.005), and $1,000 at 0 % takes 20 payments of $50."""
    out = run_json("--principal", str(principal), "--rate", str(rate), "--plan", "standard-10")
    assert out["n_payments"] == payments
    assert out["monthly_payment"] == pytest.approx(first)
    assert out["total_paid"] == pytest.approx(principal * (1.005 if rate else 1.0))


# ----------------------------------------------------------------------------- RAP


def test_rap_zero_income_pays_ten_dollar_floor() -> None:
    """AGI $0 pays RAP's $10 minimum; at 6.52 % on $20,000 that never covers interest, so the
    $10 is all interest, the match cuts principal by exactly $10 a month, and after 360
    payments $20,000 - 360 x $10 = $16,400 is forgiven, with no NaN anywhere."""
    out = run_json("--principal", "20000", "--rate", "6.52%", "--plan", "rap", "--income", "0")
    assert out["monthly_payment"] == 10.0
    assert out["n_payments"] == 360 == out["term_months"]
    assert out["total_paid"] == pytest.approx(3_600.0)
    assert out["principal_matched"] == pytest.approx(3_600.0)
    assert out["forgiven"] == pytest.approx(16_400.0)
    assert out["interest_waived"] > 0
    assert out["income"] == 0.0
    table = run("--principal", "20000", "--plan", "rap", "--income", "0")
    assert "$10.00" in table
    assert "nan" not in table.lower()


def test_rap_schedule_columns_and_consistency() -> None:
    """RAP yearly rows add waived and matched columns; principal paid + matched + forgiven
    accounts for the whole balance, because those are the only ways principal falls."""
    out = run_json("--principal", "27000", "--plan", "rap", "--income", "40000",
                   "--dependents", "1", "--income-growth", "3%")
    rows = out["schedule"]
    assert {"interest_waived", "principal_match"} <= set(rows[0])
    paid = sum(r["principal"] for r in rows)
    assert paid + out["principal_matched"] + out["forgiven"] == pytest.approx(27_000.0)
    assert out["dependents"] == 1
    assert out["income_growth"] == 0.03


# ----------------------------------------------------------------------------- in school


def test_in_school_interest_is_owed_not_capitalized() -> None:
    """$10,000 disbursed 6 months before leaving school with 6 months' grace accrues 365 days
    (Aug 24, 2026 to Aug 24, 2027) of simple interest at 6 %, exactly $600. It is owed, not
    capitalized: the first payments clear it without interest, so the level payment is below
    the capitalized one (the annuity of $10,600) and above the annuity of $10,000; the schedule
    repays exactly the $10,000 of principal, and total paid = principal + total interest."""
    out = run_json("--principal", "10000", "--rate", "6%", "--years", "10",
                   "--in-school-months", "6", "--grace-months", "6")
    assert out["unpaid_interest"] == pytest.approx(600.0)
    assert out["balance_at_repayment"] == pytest.approx(10_600.0)
    assert pmt(0.06, 120, 10_000) < out["monthly_payment"] < pmt(0.06, 120, 10_600)
    assert sum(r["principal"] for r in out["schedule"]) == pytest.approx(10_000.0)
    assert out["total_paid"] == pytest.approx(10_000.0 + out["total_interest"])
    assert out["total_paid"] < 120 * pmt(0.06, 120, 10_600)


def test_no_in_school_months_means_no_accrual() -> None:
    """By default the principal is the balance entering repayment, so grace accrues nothing."""
    out = run_json("--principal", "10000", "--grace-months", "9")
    assert out["unpaid_interest"] == 0.0
    assert out["balance_at_repayment"] == 10_000.0


# ----------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    "plan_args", [["--plan", "tiered"], ["--plan", "rap", "--income", "30000"],
                  ["--years", "3"]]
)
def test_every_format_parses(plan_args: list[str]) -> None:
    """JSON is one object with the documented keys, CSV/TSV are the schedule with a header,
    and table/markdown print the summary then the schedule: each parses as its format."""
    base = ["--principal", "9000", "--rate", "5%", *plan_args]
    data = json.loads(run(*base, "-f", "json"), parse_constant=_no_nan)
    required = {"principal", "annual_rate", "term_months", "monthly_payment", "total_paid",
                "total_interest", "schedule", "plan", "unpaid_interest", "n_payments"}
    assert required <= set(data)
    assert isinstance(data["schedule"], list) and data["schedule"]
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        rows = list(csv.DictReader(io.StringIO(run(*base, "-f", fmt)), delimiter=delimiter))
        assert len(rows) == len(data["schedule"])
        assert list(rows[0]) == list(data["schedule"][0])
        assert float(rows[-1]["balance"]) == pytest.approx(0.0, abs=1e-6)
        assert float(rows[0]["payments"]) == pytest.approx(data["schedule"][0]["payments"],
                                                           abs=1e-5)
    markdown = run(*base, "-f", "markdown").splitlines()
    rules = [ln for ln in markdown if set(ln) <= set("|:-") and ln.startswith("|")]
    assert len(rules) == 2  # the summary table and the schedule table
    after = markdown[markdown.index(rules[1]) + 1:]
    assert sum(ln.startswith("| ") for ln in after) == len(data["schedule"])
    table = run(*base, "-f", "table")
    assert "Monthly payment (first)" in table
    assert f"${data['monthly_payment']:,.2f}" in table


@pytest.mark.parametrize(
    "plan_args", [["--plan", "tiered"], ["--plan", "standard-10"],
                  ["--plan", "rap", "--income", "60000"], ["--years", "4"]]
)
def test_monthly_rows_equal_payments(plan_args: list[str]) -> None:
    """`--monthly` prints one row per payment, so the row count is n_payments in every format,
    and the monthly principal column sums to the balance entering repayment (or, for RAP, to
    it minus the match and the forgiven balance)."""
    base = ["--principal", "30000", *plan_args, "--monthly"]
    data = run_json(*base)
    assert data["schedule_by"] == "month"
    assert len(data["schedule"]) == data["n_payments"] > 0
    assert [r["month"] for r in data["schedule"]] == list(range(1, data["n_payments"] + 1))
    assert data["schedule"][0]["payment"] == pytest.approx(data["monthly_payment"])
    rows = list(csv.DictReader(io.StringIO(run(*base, "-f", "csv"))))
    assert len(rows) == data["n_payments"]
    reduced = sum(r["principal"] for r in data["schedule"])
    reduced += data.get("principal_matched", 0.0) + data.get("forgiven", 0.0)
    assert reduced == pytest.approx(30_000.0)


def test_yearly_rows_sum_to_totals() -> None:
    """Yearly rows regroup the monthly ones, so they sum to the totals and count n_payments."""
    data = run_json("--principal", "45000", "--rate", "6.52%")
    rows = data["schedule"]
    assert len(rows) == data["term_months"] // 12 == 15
    assert sum(r["months"] for r in rows) == data["n_payments"]
    assert sum(r["payments"] for r in rows) == pytest.approx(data["total_paid"])
    assert sum(r["interest"] for r in rows) == pytest.approx(data["total_interest"])
    assert rows[-1]["balance"] == 0.0


# ----------------------------------------------------------------------------- errors


def test_bare_rate_is_refused_with_hint_via_clirunner() -> None:
    """`--rate 6.39` is a usage error (exit 2) whose stderr suggests 6.39%, and stdout is empty."""
    result = runner.invoke(app, ["loan", "--principal", "1000", "--rate", "6.39"])
    assert result.exit_code == 2
    assert result.stdout == ""
    flat = " ".join(result.stderr.replace("│", " ").split())  # rich wraps the message in a box
    assert "did you mean 6.39%?" in flat


def test_bare_rate_is_refused_with_hint(capsys: pytest.CaptureFixture[str]) -> None:
    """Through the real entry point the same mistake is exit 2 and one `error:` line."""
    code = main_entry(["loan", "--principal", "1000", "--rate", "6.39"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "did you mean 6.39%?" in lines[0]


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["--years", "10", "--plan", "tiered"], 2, "--years and --plan cannot be combined"),
        (["--plan", "rap"], 2, "--plan rap needs --income"),
        (["--income", "40000"], 2, "--income only applies to --plan rap"),
        (["--years", "5", "--dependents", "1"], 2, "--dependents only applies to --plan rap"),
        (["--principal", "-1"], 2, "--principal"),
        (["--principal", "nan"], 2, "--principal"),
        (["--years", "0"], 2, "--years"),
        (["--plan", "monthly"], 2, "--plan"),
        (["--rate", "-1%"], 2, "--rate must be 0% or more"),
        (["--plan", "rap", "--income", "inf"], 2, "--income must be a finite number"),
        (["--plan", "rap", "--income", "1", "--income-growth", "-100%"], 2, "--income-growth"),
    ],
)
def test_bad_options_are_one_line_errors(
    args: list[str], code: int, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Conflicting, missing, malformed or out-of-range options exit 2 (usage), each with a
    single `error:` line naming the option, as the README's exit codes say (issue 16 §9)."""
    argv = ["loan", *([] if "--principal" in args else ["--principal", "1000"]), *args]
    assert main_entry(argv) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert fragment in lines[0]


def test_rap_zero_income_is_not_missing_income() -> None:
    """`--income 0` is a valid AGI, not a missing option (0 is falsy, None is missing)."""
    assert run_json("--principal", "100", "--plan", "rap", "--income", "0")["income"] == 0.0


def test_every_option_has_help_with_example() -> None:
    """Each `loan` option's help text carries an `Example:` so --help is self-explanatory."""
    command = get_command(app).commands["loan"]  # type: ignore[attr-defined]
    for param in command.params:
        if param.name in ("help", "fmt"):
            continue
        assert "Example:" in (param.help or ""), param.name
    assert "Example:" in (command.help or "")


def test_rendered_help_keeps_defaults() -> None:
    """Typer renders help as rich markup, which silently drops `[...]` text, so the defaults
    are written in plain words and must survive into the printed --help."""
    result = runner.invoke(app, ["loan", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    flat = " ".join(result.stdout.replace("│", " ").split())
    assert "default: the 2026-27 undergraduate Direct Loan rate in the data" in flat
    assert "default 0%" in flat and "default 0." in flat
