"""Issue 16, item 6: the assumptions footer lists every non-default choice."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from himcalc.cli.main import app

runner = CliRunner()


def _footer(*args: str) -> str:
    result = runner.invoke(app, [*args, "-f", "markdown"])
    assert result.exit_code == 0, result.output
    return next(line for line in result.stdout.splitlines() if line.startswith("Assumptions:"))


def test_footer_names_every_choice_as_a_flag():
    """Wage growth, completion risk, salary kept, borrowing, grants, tax and tuition basis all
    appear, written as the flags that reproduce them."""
    footer = _footer("compare", "--tuition-basis", "him_median", "--wage-growth", "1%",
                     "--completion-risk", "--salary-kept", "0.5", "--borrow", "5000",
                     "--grants", "1000", "--no-tax-credits", "--tax-rate", "18%")
    choices = footer.split("Non-default choices: ")[1].rstrip(".").split(" --")
    assert sorted(choices) == sorted([
        "--salary-kept 0.5", "tuition-basis him_median", "grants 1000", "no-tax-credits",
        "tax-rate 18%", "wage-growth 1%", "completion-risk", "borrow 5000"])


def test_tuition_basis_is_named_right():
    """Under --tuition-basis him_median the footer no longer credits College Board tuition."""
    footer = _footer("compare", "--tuition-basis", "him_median")
    assert "College Board" not in footer and "HIM programme median tuition" in footer
    assert "College Board 2025-26 tuition" in _footer("compare")
    assert "your tuition ($9,000 a full-time year)" in _footer("compare", "--tuition", "9000")


def test_default_run_has_no_choices_and_data_files_are_named():
    """A default run lists no choices; --data names the override directory."""
    assert "Non-default choices" not in _footer("compare")
    override = Path(__file__).resolve().parents[1] / "examples" / "my-school"
    footer = _footer("--data", str(override), "compare")
    assert footer.endswith(f"Non-default choices: --data {override}.")


def test_a_rerun_from_the_footer_gives_the_same_table():
    """Running the flags the footer lists reproduces the same rows."""
    args = ["compare", "--age", "34", "--wage-growth", "0.5%", "--percentile", "25",
            "--borrow", "3000"]
    footer = _footer(*args)
    flags = footer.split("Non-default choices: ")[1].rstrip(".").split()
    first = runner.invoke(app, [*args, "-f", "csv"]).stdout
    assert runner.invoke(app, ["compare", *flags, "-f", "csv"]).stdout == first
