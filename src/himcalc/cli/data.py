"""`himcalc data …`: parse → `himcalc.app.data` → `himcalc.render.data`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from himcalc.app import data as app_data
from himcalc.cli.common import load_data
from himcalc.cli.options import ColumnsOption, FormatOption, WideOption, view_of
from himcalc.errors import DatasetError
from himcalc.render import data as render
from himcalc.render.report import Format, emit

app = typer.Typer(no_args_is_help=True, help="List, show, validate and document the datasets.")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="data")


@app.command("list")
def list_(fmt: FormatOption = Format.table, wide: WideOption = False,
          columns: ColumnsOption = None) -> None:
    """Datasets, their record counts, vintage (years of the figures) and files.

    Example: himcalc data list -f json
    """
    emit(render.datasets_report(app_data.datasets(load_data())), fmt, view_of(wide, columns))


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(
        help="Dataset name. Example: himcalc data show occupations")],
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """Every record of one dataset, with its source.

    Example: himcalc data show tuition -f csv
    """
    records = app_data.records(load_data(), name)
    emit(render.records_report(records, fmt is Format.json), fmt, view_of(wide, columns))


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="A YAML file or a directory of them. "
                                         "Example: himcalc data validate my-school/")],
    fmt: FormatOption = Format.table,
) -> None:
    """Check data files against the schema and the shipped data; list every problem (exit 0/1).

    Example: himcalc data validate ./my-school/
    """
    problems = app_data.validate(path)
    if fmt is not Format.table:
        emit(render.problems_report(problems), fmt)
    elif problems:
        raise _refusal(problems)
    else:
        typer.echo(f"{path}: ok")
    if problems:
        raise typer.Exit(1)


def _refusal(problems: list[Any]) -> DatasetError:
    """The first problem as the error, the others as its details."""
    count = len(problems)
    first, rest = problems[0], problems[1:]
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if rest else ""
    return DatasetError(f"{first}{more}", details=[str(p) for p in rest])


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of stdout. "
        "Example: -o schema.json")] = None,
) -> None:
    """JSON Schema of a data file (every dataset), for editors.

    Example: himcalc data schema -o himcalc-data.schema.json
    """
    from himcalc.render.machine import to_json
    from himcalc.writing import write_atomic

    text_ = to_json(app_data.schema())
    if output is None:
        typer.echo(text_, nl=False)
    else:
        write_atomic(output, text_)


@app.command()
def sources(fmt: FormatOption = Format.table, wide: WideOption = False,
            columns: ColumnsOption = None) -> None:
    """Every source cited by the data, with the years of its figures and what cites it.

    One row per source (title and URL): e.g. the College Scorecard programmes behind
    `--program` and the OEWS state wages behind `--state` (dataset `extracts`) each have one.
    Example: himcalc data sources -f markdown
    """
    emit(render.sources_report(app_data.sources(load_data())), fmt, view_of(wide, columns))
