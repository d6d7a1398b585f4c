"""`himcalc batch`: many scenarios in, one result row per scenario × pathway out, streaming.

Input is JSON Lines (one object per line) or CSV with a header; each record holds any subset
of the scenario fields (the same names as `compare`'s flags, with underscores), plus
`pathways` (a list, or a space/comma separated string; default: every pathway open to the
education), an optional `institution`, and an optional `id` echoed back. Output rows are
written as soon as each input line is evaluated, so memory does not grow with the input.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from himcalc.cli.common import load_data
from himcalc.errors import HimcalcError, InputError, UsageError


class InputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def register(app: typer.Typer) -> None:
    app.command()(batch)


EXTRA_FIELDS = ("id", "pathways", "institution")
"""Fields a batch record may carry besides the scenario's own."""


def _records(stream: TextIO, fmt: InputFormat, name: str) -> Iterator[tuple[int, Any]]:
    """(line number, parsed record or the exception) for every non-blank input line."""
    if fmt is InputFormat.jsonl:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, InputError(f"{name}:{number}: invalid JSON: {exc.msg} "
                                         f"(column {exc.colno})")
        return
    reader = csv.DictReader(stream)
    _check_header(reader.fieldnames or [], name)
    for row in reader:
        number = reader.line_num
        if None in row or any(v is None for v in row.values()):
            yield number, InputError(f"{name}:{number}: expected "
                                     f"{len(reader.fieldnames or [])} fields as in the header")
            continue
        yield number, {k: v for k, v in row.items() if v not in ("", None)}


def _check_header(fields: list[str], name: str) -> None:
    """Refuse unknown CSV columns at the header (line 1), before any row is evaluated."""
    from himcalc.engine.scenario import Scenario

    known = set(Scenario.model_fields) | set(EXTRA_FIELDS)
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise InputError(f"{name}:1: unknown column '{unknown[0]}' (the columns are scenario "
                         "fields, as in 'himcalc compare --help' with _ for -, plus "
                         f"{', '.join(EXTRA_FIELDS)})")


def _split(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [p for p in value.replace(",", " ").split() if p]
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return value
    raise InputError("field 'pathways': must be a list of pathway ids or a string of them")


def evaluate_record(data: Any, record: Any, number: int, name: str = "<stdin>") -> list[dict]:
    """Result rows of one input record; errors name the input, line and field."""
    from pydantic import ValidationError

    from himcalc.cli.common import resolve_pathways
    from himcalc.cli.reports import evaluate_rows
    from himcalc.engine.scenario import Scenario
    from himcalc.loader import plain_message

    if isinstance(record, Exception):
        raise record
    if not isinstance(record, dict):
        raise InputError(f"{name}:{number}: expected an object of scenario fields, "
                         f"found {type(record).__name__}")
    fields = dict(record)
    rec_id = fields.pop("id", None)
    try:
        names = _split(fields.pop("pathways", None))
        scenario = Scenario.model_validate(fields)
        ids = resolve_pathways(data, names, scenario)
        rows = evaluate_rows(data, scenario, ids)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or "record"
        msg = plain_message(err)
        if err["type"] == "extra_forbidden":
            msg = "unknown scenario field (see 'himcalc compare --help'; use _ for -)"
        raise InputError(f"{name}:{number} (field '{field}'): {msg}") from None
    except HimcalcError as exc:
        raise InputError(f"{name}:{number}: {exc.message}") from None
    return [{"id": rec_id, **row} for row in rows]


def batch(
    input_: Annotated[Path | None, typer.Option(
        "--input", "-i", help="Read scenarios from this file instead of stdin. "
        "Example: --input cohort.jsonl", allow_dash=True)] = None,
    input_format: Annotated[InputFormat, typer.Option(
        help="jsonl (one JSON object per line) or csv (with a header row). "
        "Example: --input-format csv")] = InputFormat.jsonl,
    output_format: Annotated[OutputFormat, typer.Option(
        "--output-format", "-f", help="jsonl or csv. Example: -f csv")] = OutputFormat.jsonl,
    keep_going: Annotated[bool, typer.Option(
        help="Skip bad lines (reported on stderr) and exit 1 at the end. "
        "Example: --keep-going")] = False,
) -> None:
    """Evaluate many scenarios: one result row per scenario × pathway, streamed to stdout.

    Example: echo '{"id": "ana", "age": 31, "pathways": ["associate-hit"]}' | himcalc batch
    """
    from himcalc.cli.reports import METRIC_KEYS
    from himcalc.render.machine import json_line, to_delimited

    data = load_data()
    name = "<stdin>" if input_ is None or str(input_) == "-" else str(input_)
    if input_ is None or str(input_) == "-":
        stream = sys.stdin
    else:
        if not input_.is_file():
            raise UsageError(f"{input_}: no such file")
        stream = input_.open(encoding="utf-8", newline="")
    keys = ["id", *METRIC_KEYS]
    out = sys.stdout
    failed = 0
    if output_format is OutputFormat.csv:
        out.write(to_delimited([], keys))
    try:
        for number, record in _records(stream, input_format, name):
            try:
                rows = evaluate_record(data, record, number, name)
            except InputError as exc:
                if not keep_going:
                    raise
                failed += 1
                sys.stderr.write(f"error: {exc.message}\n")
                continue
            if output_format is OutputFormat.csv:
                out.write(to_delimited(rows, keys).split("\n", 1)[1])
            else:
                out.write("".join(json_line({k: r[k] for k in keys}) for r in rows))
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x})") from None
    finally:
        out.flush()
        if stream is not sys.stdin:
            stream.close()
    if failed:
        sys.stderr.write(f"error: {failed} line(s) skipped\n")
        raise typer.Exit(1)
