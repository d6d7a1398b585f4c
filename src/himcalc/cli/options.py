"""Options shared by several commands: `--format`, rates, and the scenario flags.

Nothing here imports pydantic or the datasets, so `himcalc --version` and `--help` stay fast;
the scenario model is built inside the command, after parsing.
"""

import functools
import inspect
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, get_args

import typer

from himcalc.models.enums import (
    EarningsBasis,
    Education,
    Institution,
    LoanPlan,
    StudyMode,
    TuitionBasis,
)
from himcalc.render.report import Format, View

FormatOption = Annotated[
    Format,
    typer.Option("--format", "-f", case_sensitive=False,
                 help="Output format: table, json, csv, tsv or markdown. Example: -f json"),
]

WideOption = Annotated[bool, typer.Option(
    "--wide", help="Table format: show every column. By default a table fits the terminal's "
    "width (COLUMNS), leaving secondary columns out and saying which. Example: --wide")]
ColumnsOption = Annotated[str | None, typer.Option(
    "--columns", metavar="KEYS", show_default=False,
    help="Table and markdown formats: show these columns, by key (the JSON field names), in "
    "this order. Example: --columns pathway,npv,irr")]


def view_of(wide: bool, columns: str | None) -> View:
    """The table view asked for by `--wide` and `--columns` (machine formats ignore it)."""
    if columns is None:
        return View(wide=wide)
    keys = tuple(k.strip() for k in columns.split(","))
    if not all(keys):
        raise typer.BadParameter(f"'{columns}' is not a list of column keys, e.g. pathway,npv",
                                 param_hint="'--columns'")
    return View(wide=wide, columns=keys)


PathwaysArg = Annotated[
    list[str] | None,
    typer.Argument(help="Pathway ids (default: every pathway open to your education). "
                   "Example: associate-hit bachelor-him", show_default=False),
]
ProgramsOption = Annotated[list[str] | None, typer.Option(
    "--program", metavar="UNITID[:LEVEL]", show_default=False,
    help="A real programme from College Scorecard ('himcalc programs' lists them), priced as "
    "the pathway of its level with its completers' earnings, debt and control; repeat for "
    "several, mix with pathway ids. UNITID alone prices each level it offers. "
    "Example: --program 240392:associate")]
ProgramOption = Annotated[str | None, typer.Option(
    "--program", metavar="UNITID[:LEVEL]", show_default=False,
    help="A real programme from College Scorecard ('himcalc programs' lists them) instead of "
    "a pathway id. Example: --program 240392:associate")]


def choice(enum: type[StrEnum]) -> dict[str, Any]:
    """`typer.Option` arguments reading one of `enum`'s values, `-` and `_` alike
    (`part-time` is `part_time`, `standard_10` is `standard-10`), case-insensitively."""
    values = {_choice_key(e.value): e for e in enum}

    def parse(text: Any) -> Any:
        if isinstance(text, enum):
            return text
        found = values.get(_choice_key(str(text)))
        if found is None:
            valid = ", ".join(f"'{e.value}'" for e in enum)
            raise typer.BadParameter(f"'{text}' is not one of {valid}")
        return found

    return {"parser": parse, "metavar": "[" + "|".join(e.value for e in enum) + "]"}


def _choice_key(text: str) -> str:
    return text.strip().lower().replace("-", "_")


InstitutionsOption = Annotated[list[Institution] | None, typer.Option(
    "--institution", **choice(Institution),
    help="Kind of school; repeat to compare several (default public_in_state). "
    "Example: --institution public_in_state --institution online")]
InstitutionOption = Annotated[Institution | None, typer.Option(
    "--institution", **choice(Institution), help="Kind of school (default public_in_state). "
    "Example: --institution online")]


def parse_rate(text: str) -> float:
    """A rate given as a fraction (`0.0639`) or a percentage (`6.39%`), as a fraction.

    The rule of every reader (`himcalc.numbers.read_rate`): a bare number of 1 or more is
    refused, since `6.39` almost always means 6.39 %:

    >>> parse_rate("6.39%"), parse_rate("0.0639"), parse_rate("-0.5%"), parse_rate("1e-05")
    (0.0639, 0.0639, -0.005, 1e-05)
    >>> try:
    ...     parse_rate("6.39")
    ... except typer.BadParameter as exc:
    ...     print(exc.message)
    6.39 looks like a percentage: did you mean 6.39%?
    """
    return _read_rate(text, share=False)


def parse_share(text: str) -> float:
    """A share (of a salary, a probability) as a fraction: `0.75`, `75%` or `1`."""
    return _read_rate(text, share=True)


def _read_rate(text: str, share: bool) -> float:
    from himcalc.numbers import read_rate

    if isinstance(text, float):
        return text
    try:
        return read_rate(str(text), share=share)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def parse_number(text: Any) -> float:
    """A plain number flag under the one rule of every reader (`himcalc.numbers`): decimal
    digits only (no leading zero, `_`, `0x`, `1:30`)."""
    from himcalc.numbers import read_number

    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    try:
        return float(read_number(str(text)))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def parse_whole(text: Any) -> int:
    """A whole-number flag (an age, a number of years) under the same rule."""
    value = parse_number(text)
    if not value.is_integer():
        raise typer.BadParameter(f"'{text}' is not a whole number")
    return int(value)


def _rate_option(help_text: str) -> Any:
    return typer.Option(parser=parse_rate, help=help_text, metavar="RATE",
                        rich_help_panel="Scenario")


P = "Scenario"
SCENARIO_OPTIONS: dict[str, tuple[Any, Any]] = {
    "scenario_file": (Annotated[Path | None, typer.Option(
        "--scenario", help="YAML file of scenario values ('-' reads stdin); flags override it. "
        "Example: --scenario me.yaml", rich_help_panel=P, allow_dash=True)], None),
    "age": (Annotated[int | None, typer.Option(
        help="Age when study starts (default 25). Example: --age 32", rich_help_panel=P)], None),
    "education": (Annotated[Education | None, typer.Option(
        **choice(Education), help="Highest education you hold now (default high_school). "
        "Example: --education associate", rich_help_panel=P)], None),
    "current_salary": (Annotated[float | None, typer.Option(
        help="Your yearly salary without the credential (default: BLS median for your "
        "education). Example: --current-salary 38000", rich_help_panel=P)], None),
    "study_mode": (Annotated[list[StudyMode] | None, typer.Option(
        **choice(StudyMode), help="full_time, part_time or accelerated (default full_time); "
        "repeat to compare several side by side (compare only). "
        "Example: --study-mode part_time",
        rich_help_panel=P)], None),
    "salary_kept_share": (Annotated[float | None, typer.Option(
        "--salary-kept", parser=parse_share, metavar="SHARE",
        help="Share of your salary kept while studying, 0-1 or 0%-100% (default 0 "
        "full-time, 0.75 part-time). Example: --salary-kept 75%", rich_help_panel=P)], None),
    "tuition": (Annotated[float | None, typer.Option(
        help="Your school's tuition and fees per full-time year, overriding the data. "
        "Example: --tuition 9800", rich_help_panel=P)], None),
    "tuition_basis": (Annotated[TuitionBasis | None, typer.Option(
        **choice(TuitionBasis),
        help="national_average (default, College Board 2025-26) or him_median (HIM "
        "programme medians, about 2020). Example: --tuition-basis him_median",
        rich_help_panel=P)], None),
    "grants": (Annotated[float | None, typer.Option(
        help="Grants and scholarships per year of study (default 0). Example: --grants 3000",
        rich_help_panel=P)], None),
    "employer_assistance": (Annotated[float | None, typer.Option(
        help="Employer tuition assistance per year, capped at the IRC §127 limit ($5,250) "
        "unless --no-assistance-cap. Example: --employer-assistance 5250",
        rich_help_panel=P)], None),
    "cap_employer_assistance": (Annotated[bool | None, typer.Option(
        "--assistance-cap/--no-assistance-cap",
        help="Cap employer assistance at §127 (default on). Example: --no-assistance-cap",
        rich_help_panel=P, show_default=False)], None),
    "tax_credits": (Annotated[bool | None, typer.Option(
        "--tax-credits/--no-tax-credits",
        help="Claim the AOTC or LLC (default on). Example: --no-tax-credits",
        rich_help_panel=P, show_default=False)], None),
    "tax_rate": (Annotated[float | None, _rate_option(
        "Effective tax rate on the earnings gain (default 0: pre-tax). Example: --tax-rate 18%")],
        None),
    "wage_growth": (Annotated[float | None, _rate_option(
        "Real wage growth per year (default 0%). Example: --wage-growth 1%")], None),
    "tuition_growth": (Annotated[float | None, _rate_option(
        "Real tuition growth per year (default 0%). Example: --tuition-growth 1%")], None),
    "discount_rate": (Annotated[float | None, _rate_option(
        "Real discount rate (default 3%, as FREOPP). Example: --discount-rate 4.5%")], None),
    "retire_age": (Annotated[int | None, typer.Option(
        help="Age at retirement; the horizon ends the year before (default 65). "
        "Example: --retire-age 67",
        rich_help_panel=P)], None),
    "horizon": (Annotated[int | None, typer.Option(
        help="Years from the start of study to evaluate, instead of --retire-age. "
        "Example: --horizon 20", rich_help_panel=P)], None),
    "percentile": (Annotated[float | None, typer.Option(
        help="Your rank in earnings, 10-90 (default 50), on both paths: among holders of your "
        "education without the credential and among its holders with it. Example: "
        "--percentile 25",
        rich_help_panel=P)], None),
    "earnings_basis": (Annotated[EarningsBasis | None, typer.Option(
        help="What earnings are anchored to: observed (default: what completers of the "
        "credential's level earn four years out, College Scorecard) or occupation (BLS "
        "occupation wages for full-time workers). Example: --earnings-basis occupation",
        rich_help_panel=P)], None),
    "completion_probability": (Annotated[float | None, typer.Option(
        parser=parse_share, metavar="SHARE",
        help="Probability of finishing, 0-1 or 0%-100% (default 1: no risk adjustment). "
        "Example: --completion-probability 60%",
        rich_help_panel=P)], None),
    "completion_risk": (Annotated[bool | None, typer.Option(
        "--completion-risk/--no-completion-risk",
        help="Use the sector's six-year completion rate (NSC) as the probability. "
        "Example: --completion-risk",
        rich_help_panel=P, show_default=False)], None),
    "borrow": (Annotated[float | None, typer.Option(
        help="Amount borrowed per year of study (default 0). Example: --borrow 6000",
        rich_help_panel=P)], None),
    "loan_rate": (Annotated[float | None, _rate_option(
        "Federal loan rate instead of the 2026-27 rate in the data. Example: --loan-rate 6.39%")],
        None),
    "private_loan_rate": (Annotated[float | None, _rate_option(
        "Rate of private loans above the federal limits (default 10%, an assumption). "
        "Example: --private-loan-rate 12%")], None),
    "loan_plan": (Annotated[LoanPlan | None, typer.Option(
        **choice(LoanPlan),
        help="Federal repayment plan: tiered (default for loans from July 2026), standard-10 "
        "or rap. Example: --loan-plan rap", rich_help_panel=P)], None),
    "dependents": (Annotated[int | None, typer.Option(
        help="Dependents, for RAP's payment (default 0). Example: --dependents 2",
        rich_help_panel=P)], None),
    "state": (Annotated[str | None, typer.Option(
        metavar="XX", help="Your state (two letters): its BLS OEWS May 2025 wages and its "
        "high-school earnings benchmark (College Scorecard); tuition stays national. Default: "
        "national figures. Example: --state WI", rich_help_panel=P)], None),
}
"""Every scenario flag: name → (annotation, default). None means "not given"."""


def _strict_numbers(options: dict[str, tuple[Any, Any]]) -> None:
    """Give every plain number flag the one number reader (`parse_number`, `parse_whole`):
    typer's own int/float conversion would read `045000` or `45_000` without a word."""
    for annotation, _ in options.values():
        base, *extras = get_args(annotation)
        kinds = [a for a in get_args(base) if a in (int, float)]
        for info in extras:
            if kinds and getattr(info, "parser", None) is None:
                info.parser = parse_whole if kinds[0] is int else parse_number
                info.metavar = info.metavar or ("INTEGER" if kinds[0] is int else "NUMBER")


_strict_numbers(SCENARIO_OPTIONS)


def with_scenario(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add every scenario flag to a command; the command receives them as `flags` (a dict).

    Typer builds options from the function signature, so the wrapper's signature is the
    command's own parameters plus the scenario flags; the values given on the command line
    (not None) are collected into `flags`, which `scenario_from` merges over `--scenario`.
    """
    sig = inspect.signature(func, eval_str=True)
    own = [p for p in sig.parameters.values() if p.name != "flags"]
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=ann, default=default)
        for name, (ann, default) in SCENARIO_OPTIONS.items()
    ]

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        flags = {k: kwargs.pop(k) for k in SCENARIO_OPTIONS}
        return func(**kwargs, flags=flags)

    wrapper.__signature__ = sig.replace(parameters=own + extra)  # type: ignore[attr-defined]
    return wrapper
