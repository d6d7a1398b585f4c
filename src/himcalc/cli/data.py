"""`himcalc data …`: list, show, validate, schema and sources of the datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from himcalc.cli.common import load_data
from himcalc.cli.options import ColumnsOption, FormatOption, WideOption, view_of
from himcalc.errors import DatasetError, UsageError
from himcalc.models.store import Problem
from himcalc.render.columns import Column, number, text
from himcalc.render.report import Format, Report, emit

app = typer.Typer(no_args_is_help=True, help="List, show, validate and document the datasets.")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="data")


def _vintage(records: dict[str, Any]) -> str:
    years = sorted({r.source.year for r in records.values()})
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


@app.command("list")
def list_(fmt: FormatOption = Format.table, wide: WideOption = False,
          columns: ColumnsOption = None) -> None:
    """Datasets, their record counts, vintage (years of the figures) and files.

    Example: himcalc data list -f json
    """
    data = load_data()
    rows = [
        {"dataset": name, "records": len(recs), "vintage": _vintage(recs),
         "assumptions": sum(r.assumption for r in recs.values()),
         "files": sorted({data.origin[(name, rid)][0] for rid in recs})}
        for name, recs in data.records.items()
    ]
    table = [Column("dataset", "Dataset", text, "left"), Column("records", "Records", number),
               Column("vintage", "Vintage", text), Column("assumptions", "Assumptions", number),
               Column("files", "Files", lambda v: ", ".join(v), "left")]
    emit(Report(rows=rows, columns=table), fmt, view_of(wide, columns))


def _flatten(record: Any) -> dict:
    row = record.model_dump(mode="json", exclude={"source", "note"})
    row["source"] = f"{record.source.title} ({record.source.year})"
    row["url"] = str(record.source.url)
    return row


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
    data = load_data()
    if name not in data.records:
        raise UsageError(f"unknown dataset '{name}' (known: {', '.join(data.records)})")
    records = list(data.get(name).values())
    rows = [_flatten(r) for r in records]
    if fmt is Format.json:
        report = Report(rows=rows, columns=[], data=[r.model_dump(mode="json") for r in records])
    else:
        keys = list(dict.fromkeys(k for r in rows for k in r))
        shown = [k for k in keys if k != "url"]
        # at a narrow width the id, the name and the source stay; other fields go from the right
        first = {"id": 0, "name": 0, "source": 1}
        report = Report(rows=rows, keys=keys, columns=[
            Column(k, k, _cell, "left", priority=first.get(k, 2 + i), wrap=k != "id")
            for i, k in enumerate(shown)])
    emit(report, fmt, view_of(wide, columns))


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    return text(value)


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="A YAML file or a directory of them. "
                                         "Example: himcalc data validate my-school/")],
    fmt: FormatOption = Format.table,
) -> None:
    """Check data files against the schema and the shipped data; list every problem (exit 0/1).

    Example: himcalc data validate ./my-school/
    """
    from himcalc import loader

    data, problems = loader.collect(loader.shipped_files())
    if problems:
        raise DatasetError(f"the shipped data is invalid: {problems[0]}")
    _, user_problems = loader.collect(loader.user_files(path), into=data)
    if not user_problems:
        user_problems = data.cross_reference_problems()
    if not user_problems:
        user_problems = plan_problems(data, str(path))
    rows = [{"file": p.file, "line": p.line, "dataset": p.dataset, "record": p.record,
             "field": p.field, "message": p.message} for p in user_problems]
    if fmt is Format.table:
        if user_problems:
            count = len(user_problems)
            first, rest = user_problems[0], user_problems[1:]
            more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if rest else ""
            raise DatasetError(f"{first}{more}", details=[str(p) for p in rest])
        typer.echo(f"{path}: ok")
    else:
        columns = [Column(k, k, text, "left") for k in
                   ("file", "line", "dataset", "record", "field", "message")]
        emit(Report(rows=rows, columns=columns, keys=[c.key for c in columns]), fmt)
    if user_problems:
        raise typer.Exit(1)


def plan_problems(data: Any, where: str) -> list[Problem]:
    """What the commands would refuse in data that validates record by record: each pathway
    is planned and evaluated for the default scenario (with the first education it accepts),
    as `compare` does; a failure shared by several pathways is one problem naming them all."""
    from himcalc.engine.metrics import evaluate
    from himcalc.engine.plan import make_plan
    from himcalc.engine.scenario import Scenario
    from himcalc.errors import HimcalcError

    failures: dict[str, list[str]] = {}
    for pid, pathway in data.get("pathways").items():
        try:
            scenario = Scenario(education=pathway.requires_education[0])
            evaluate(make_plan(data, scenario, pid))
        except (HimcalcError, ValueError, ArithmeticError) as exc:
            failures.setdefault(getattr(exc, "message", str(exc)), []).append(pid)
    return [Problem(f"no command can price {_pathways(pids, data)} with the default scenario: "
                    f"{message}", file=where) for message, pids in failures.items()]


def _pathways(pids: list[str], data: Any) -> str:
    if len(pids) == len(data.get("pathways")) > 1:
        return "any pathway"
    return "pathway " + ", ".join(f"'{p}'" for p in pids)


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of stdout. "
        "Example: -o schema.json")] = None,
) -> None:
    """JSON Schema of a data file (every dataset), for editors.

    Example: himcalc data schema -o himcalc-data.schema.json
    """
    from pydantic import TypeAdapter

    from himcalc.models.dataset import RECORD_TYPES
    from himcalc.render.machine import to_json
    from himcalc.writing import write_atomic

    props: dict[str, Any] = {"title": {"type": "string"}, "description": {"type": "string"},
                             "dataset": {"type": "string"}}
    defs: dict[str, Any] = {}
    for name, model in RECORD_TYPES.items():
        sub = TypeAdapter(list[model]).json_schema(ref_template="#/$defs/{model}")
        defs.update(sub.pop("$defs", {}))
        props[name] = sub
    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema",
           "title": "himcalc data file", "type": "object", "properties": props,
           "additionalProperties": False, "$defs": defs}
    text_ = to_json(doc)
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
    data = load_data()
    seen: dict[tuple[str, str], dict] = {}
    for name, recs in data.records.items():
        for r in recs.values():
            url = str(r.source.url)
            row = seen.setdefault((url, r.source.title), {
                "title": r.source.title, "url": url, "years": set(), "datasets": set(),
                "records": 0})
            row["years"].add(r.source.year)
            row["datasets"].add(name)
            row["records"] += 1
    rows = [{**r, "years": sorted(r["years"]), "datasets": sorted(r["datasets"])}
            for r in seen.values()]
    rows.sort(key=lambda r: (r["datasets"][0], r["title"]))
    join = lambda v: ", ".join(map(str, v))  # noqa: E731
    table = [Column("title", "Source", text, "left"),
               Column("years", "Years", join, "left", priority=2),
               Column("datasets", "Datasets", join, "left"),
               Column("records", "Records", number, priority=3),
               Column("url", "URL", text, "left", priority=9, under="title")]
    emit(Report(rows=rows, columns=table), fmt, view_of(wide, columns))
