"""The second start-up floor of bench/run.py: a minimal typer app with `compare`'s options.

    python bench/typer_floor.py compare -f json      # prints []

It declares the same command-line interface as `himcalc compare` (a top-level group with
`--version`, `--data` and `--debug`; the `compare` command with its own options and every
scenario flag, with the same types, parsers and defaults), parses the arguments with typer
and prints an empty JSON array. It imports nothing of himcalc's: what it costs is the cost
of the stack itself (Python, typer, click, and the pydantic adapters typer builds to convert
option values), which himcalc's `compare -f json` cannot go below.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"


class SortKey(StrEnum):
    payback = "payback"
    npv = "npv"
    irr = "irr"
    cost = "cost"


class Education(StrEnum):
    less_than_high_school = "less_than_high_school"
    high_school = "high_school"
    some_college = "some_college"
    associate = "associate"
    bachelor = "bachelor"
    master = "master"


class Institution(StrEnum):
    public_in_state = "public_in_state"
    public_out_of_state = "public_out_of_state"
    private_nonprofit = "private_nonprofit"
    online = "online"


class StudyMode(StrEnum):
    full_time = "full_time"
    part_time = "part_time"
    accelerated = "accelerated"


class TuitionBasis(StrEnum):
    national_average = "national_average"
    him_median = "him_median"


class EarningsBasis(StrEnum):
    observed = "observed"
    occupation = "occupation"


class LoanPlan(StrEnum):
    tiered = "tiered"
    standard_10 = "standard-10"
    rap = "rap"


def choice(enum: type[StrEnum]) -> dict[str, Any]:
    values = {e.value.replace("-", "_"): e for e in enum}

    def parse(text: Any) -> Any:
        if isinstance(text, enum):
            return text
        found = values.get(str(text).strip().lower().replace("-", "_"))
        if found is None:
            raise typer.BadParameter(f"'{text}' is not one of {list(values)}")
        return found

    return {"parser": parse, "metavar": "[" + "|".join(e.value for e in enum) + "]"}


def rate(text: Any) -> float:
    text = str(text).strip()
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


P = "Scenario"


def rate_option(help_text: str) -> Any:
    return typer.Option(parser=rate, help=help_text, metavar="RATE", rich_help_panel=P)


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", "-V", is_eager=True)] = False,
    data: Annotated[Path | None, typer.Option("--data", envvar="HIMCALC_DATA")] = None,
    debug: Annotated[bool, typer.Option("--debug")] = False,
) -> None:
    """The global options of himcalc."""


@app.command()
def compare(
    pathways: Annotated[list[str] | None, typer.Argument(show_default=False)] = None,
    institution: Annotated[list[Institution] | None, typer.Option(
        "--institution", **choice(Institution))] = None,
    sort: Annotated[SortKey, typer.Option()] = SortKey.payback,
    fmt: Annotated[Format, typer.Option("--format", "-f", case_sensitive=False)] = Format.table,
    chart: Annotated[bool, typer.Option("--chart")] = False,
    chart_file: Annotated[Path | None, typer.Option("--chart-file")] = None,
    wide: Annotated[bool, typer.Option("--wide")] = False,
    columns: Annotated[str | None, typer.Option("--columns", metavar="KEYS")] = None,
    scenario_file: Annotated[Path | None, typer.Option(
        "--scenario", rich_help_panel=P, allow_dash=True)] = None,
    age: Annotated[int | None, typer.Option(rich_help_panel=P)] = None,
    education: Annotated[Education | None, typer.Option(
        **choice(Education), rich_help_panel=P)] = None,
    current_salary: Annotated[float | None, typer.Option(rich_help_panel=P)] = None,
    study_mode: Annotated[StudyMode | None, typer.Option(
        **choice(StudyMode), rich_help_panel=P)] = None,
    salary_kept_share: Annotated[float | None, typer.Option(
        "--salary-kept", parser=rate, metavar="SHARE", rich_help_panel=P)] = None,
    tuition: Annotated[float | None, typer.Option(rich_help_panel=P)] = None,
    tuition_basis: Annotated[TuitionBasis | None, typer.Option(
        **choice(TuitionBasis), rich_help_panel=P)] = None,
    grants: Annotated[float | None, typer.Option(rich_help_panel=P)] = None,
    employer_assistance: Annotated[float | None, typer.Option(rich_help_panel=P)] = None,
    cap_employer_assistance: Annotated[bool | None, typer.Option(
        "--assistance-cap/--no-assistance-cap", rich_help_panel=P, show_default=False)] = None,
    tax_credits: Annotated[bool | None, typer.Option(
        "--tax-credits/--no-tax-credits", rich_help_panel=P, show_default=False)] = None,
    tax_rate: Annotated[float | None, rate_option("tax")] = None,
    wage_growth: Annotated[float | None, rate_option("wages")] = None,
    tuition_growth: Annotated[float | None, rate_option("tuition")] = None,
    discount_rate: Annotated[float | None, rate_option("discount")] = None,
    retire_age: Annotated[int | None, typer.Option(rich_help_panel=P)] = None,
    horizon: Annotated[int | None, typer.Option(rich_help_panel=P)] = None,
    percentile: Annotated[float | None, typer.Option(rich_help_panel=P)] = None,
    earnings_basis: Annotated[EarningsBasis | None, typer.Option(rich_help_panel=P)] = None,
    completion_probability: Annotated[float | None, typer.Option(
        parser=rate, metavar="SHARE", rich_help_panel=P)] = None,
    completion_risk: Annotated[bool | None, typer.Option(
        "--completion-risk/--no-completion-risk", rich_help_panel=P,
        show_default=False)] = None,
    borrow: Annotated[float | None, typer.Option(rich_help_panel=P)] = None,
    loan_rate: Annotated[float | None, rate_option("loan")] = None,
    private_loan_rate: Annotated[float | None, rate_option("private")] = None,
    loan_plan: Annotated[LoanPlan | None, typer.Option(
        **choice(LoanPlan), rich_help_panel=P)] = None,
    dependents: Annotated[int | None, typer.Option(rich_help_panel=P)] = None,
) -> None:
    """Print an empty JSON array, having parsed `compare`'s options."""
    print("[]")


if __name__ == "__main__":
    app()
