"""The work `himcalc batch` does on a block of input lines: read, plan, evaluate, format.

A block goes through here whole, in the batch process itself or in a worker process
(`--jobs`); either way the result is the block's output text and its errors, in input order.
This module imports pydantic, numpy and orjson at the top: only the batch command imports it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from himcalc.cli.common import resolve_pathways
from himcalc.cli.reports import METRIC_KEYS
from himcalc.engine.metrics import OPTIONAL
from himcalc.engine.plan import Plan, make_plan
from himcalc.engine.scenario import Scenario
from himcalc.engine.vector import evaluate_columns, rows_of
from himcalc.errors import HimcalcError, InputError
from himcalc.loader import plain_message
from himcalc.models.dataset import Datasets
from himcalc.render.columnar import json_lines
from himcalc.render.machine import to_delimited

KEYS = ("id", *METRIC_KEYS)
"""Columns of an output row."""
CHUNK = 4096
"""Scenario × pathway evaluations computed together (`engine.vector`): large enough that
numpy's cost per operation vanishes, small enough that memory stays flat (a few MB)."""


class BatchRecord(Scenario):
    """A JSON Lines record: the scenario's fields plus the `id` echoed back and `pathways`."""

    id: Any = None
    pathways: list[str] | str | None = None


_LINES = TypeAdapter(list[BatchRecord])
"""Validates a whole block of JSON Lines at once (parsing included), in pydantic's core."""


@dataclass(frozen=True)
class Job:
    """How to treat every block of one run."""

    name: str  # the input's name in error messages
    csv_out: bool
    keep_going: bool


@dataclass
class Result:
    """A block's output text, its error messages in line order, and whether it stopped."""

    text: str = ""
    errors: list[str] = field(default_factory=list)
    stopped: bool = False


def split_pathways(value: Any) -> list[str] | None:
    """`pathways` as a list of ids (a list, or a space/comma separated string)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [p for p in value.replace(",", " ").split() if p]
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return value
    raise InputError("field 'pathways': must be a list of pathway ids or a string of them")


def parse_line(line: str, number: int, name: str) -> Any:
    """The JSON value on one JSON Lines line."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{number}: invalid JSON: {exc.msg} (column {exc.colno})") from None


def plan_record(data: Datasets, record: Any, number: int,
                name: str = "<stdin>") -> tuple[Any, list[Plan]]:
    """(id, engine plans) of one input record, a plan per pathway; errors name line and field.

    `record` is a JSON Lines line (text), a CSV row (a dict) or the error found reading it.
    """
    if isinstance(record, Exception):
        raise record
    if isinstance(record, str):
        record = parse_line(record, number, name)
    if not isinstance(record, dict):
        raise InputError(f"{name}:{number}: expected an object of scenario fields, "
                         f"found {type(record).__name__}")
    fields = dict(record)
    rec_id = fields.pop("id", None)
    try:
        names = split_pathways(fields.pop("pathways", None))
        scenario = Scenario.model_validate(fields)
        return rec_id, [make_plan(data, scenario, pid)
                        for pid in resolve_pathways(data, names, scenario)]
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field_name = ".".join(str(p) for p in err["loc"]) or "record"
        msg = plain_message(err)
        if err["type"] == "extra_forbidden":
            msg = "unknown scenario field (see 'himcalc compare --help'; use _ for -)"
        raise InputError(f"{name}:{number} (field '{field_name}'): {msg}") from None
    except HimcalcError as exc:
        raise InputError(f"{name}:{number}: {exc.message}") from None


def _plan_valid(data: Datasets, record: BatchRecord, number: int,
                name: str) -> tuple[Any, list[Plan]]:
    """`plan_record` of a record the block's validation has already read and checked."""
    try:
        names = split_pathways(record.pathways)
        return record.id, [make_plan(data, record, pid)
                           for pid in resolve_pathways(data, names, record)]
    except HimcalcError as exc:
        raise InputError(f"{name}:{number}: {exc.message}") from None


def _validate_block(block: list[tuple[int, Any]]) -> list[BatchRecord] | None:
    """Every JSON Lines record of the block, parsed and validated in one call; None when the
    block is not all JSON Lines or any line is bad (then each line is read on its own, which
    names the line and field of every error)."""
    if not all(isinstance(record, str) for _, record in block):
        return None
    try:
        return _LINES.validate_json("[" + ",".join(record for _, record in block) + "]")
    except ValidationError:
        return None


def run_block(data: Datasets, block: list[tuple[int, Any]], job: Job) -> Result:
    """Plan, evaluate and format one block of (line number, record) pairs.

    Without `keep_going` the block stops at its first bad line; the rows of the lines before
    it are still in the text.
    """
    result = Result()
    ids: list[Any] = []
    plans: list[Plan] = []
    valid = _validate_block(block)
    for k, (number, record) in enumerate(block):
        try:
            if valid is not None:
                rec_id, got = _plan_valid(data, valid[k], number, job.name)
            else:
                rec_id, got = plan_record(data, record, number, job.name)
        except InputError as exc:
            result.errors.append(exc.message)
            if not job.keep_going:
                result.stopped = True
                break
            continue
        ids.extend([rec_id] * len(got))
        plans.extend(got)
    parts = []
    for start in range(0, len(plans), CHUNK):
        chunk_ids = ids[start:start + CHUNK]
        columns = evaluate_columns(plans[start:start + CHUNK])
        parts.append(_format(chunk_ids, columns, job.csv_out))
    result.text = "".join(parts)
    return result


def _format(ids: list[Any], columns: dict, csv_out: bool) -> str:
    if csv_out:
        rows = [{"id": i, **row} for i, row in zip(ids, rows_of(columns), strict=True)]
        return to_delimited(rows, KEYS).split("\n", 1)[1]
    return json_lines(ids, columns, KEYS, OPTIONAL)


def csv_header() -> str:
    return to_delimited([], KEYS)
