"""The work `himcalc batch` does on a block of input lines: read, plan, evaluate, format.

A block goes through here whole, in the batch process itself or in a worker process
(`--jobs`); either way the result is the block's output and its errors, in input order.
This module imports pydantic, numpy and orjson at the top: only the batch command imports it.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import ConfigDict, TypeAdapter, ValidationError, field_validator, model_validator

from himcalc.app.tasks import resolve_pathways
from himcalc.cli.inputs import ScenarioInput
from himcalc.engine.metrics import METRIC_KEYS, OPTIONAL
from himcalc.engine.scenario import Scenario
from himcalc.engine.vector import evaluate_tasks, rows_of
from himcalc.errors import HimcalcError, InputError, plain_message
from himcalc.models.store import Datasets
from himcalc.numbers import number_problem
from himcalc.render.columnar import json_lines
from himcalc.render.machine import to_delimited

KEYS = ("id", *METRIC_KEYS, "skipped")
"""Columns of an output row. `skipped` is null in a priced row; a pathway of a line that
cannot be priced (not open to the education, no such study mode …) while others of the line
can gets a row of its own with `id`, `pathway`, `institution`, `study_mode`, the reason in
`skipped` and every figure null (README, "Output formats")."""
CHUNK = 4096
"""Scenario × pathway evaluations computed together (`engine.vector`): large enough that
numpy's cost per operation vanishes, small enough that memory stays flat (about 10 MB of
cash-flow vectors)."""


class BatchRecord(ScenarioInput):
    """A JSON Lines record: the scenario's fields plus the `id` echoed back and `pathways`."""

    id: Any = None
    pathways: list[str] | str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        return check_id(value)


def check_id(value: Any) -> Any:
    """An `id` that can be echoed back: a string (UTF-8), a finite number, a boolean or null."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"not valid Unicode (a lone surrogate \\u{ord(value[exc.start]):04x}"
                             "): write the character itself or its pair of escapes") from None
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"must be a finite number, not {value}")
    if value is None or isinstance(value, bool | int | float):
        return value
    raise ValueError(f"must be a string, a number or null, not a {type(value).__name__}")


class StrictRecord(Scenario):
    """A JSON Lines record that needs none of the input language's readings: JSON numbers
    for numbers (no boolean, no text), the choices' own spelling. pydantic checks it entirely
    in its core (no Python call per field), which is most of batch's validation time; a block
    with any other record falls back to `BatchRecord` (same values, same messages)."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    id: Any = None  # checked by `_validate_block` (`check_id`), not by a call per record
    pathways: list[str] | str | None = None

    @model_validator(mode="after")
    def _one_horizon(self) -> StrictRecord:
        if self.horizon is not None and self.retire_age is not None:
            raise ValueError("horizon and retire_age both set the horizon: give one of them")
        return self


_STRICT_LINES = TypeAdapter(list[StrictRecord])
_LINES = TypeAdapter(list[BatchRecord])
"""Validate a whole block of JSON Lines at once (parsing included), in pydantic's core."""


@dataclass(frozen=True)
class Job:
    """How to treat every block of one run."""

    name: str  # the input's name in error messages
    csv_out: bool
    keep_going: bool


@dataclass
class Result:
    """A block's output (UTF-8 text), its error messages in line order, and whether it stopped.

    Bytes, not str: encoded once where the block is worked on, they cross from a worker
    process to the batch process and on to stdout without being decoded and encoded again.
    """

    output: bytes = b""
    errors: list[str] = field(default_factory=list)
    stopped: bool = False
    lines: int = 0  # input lines of the block (for the progress bar)


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
    """The JSON value on one JSON Lines line; every way it cannot be read is the line's error.

    Refused: invalid JSON, a key given twice in one object (naming both columns), NaN and
    Infinity (not JSON), numbers beyond the rule's digits, nesting deeper than Python's stack.
    """
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(items)
        if len(found) < len(items):
            key = next(k for i, (k, _) in enumerate(items) if k in dict(items[:i]))
            raise _Duplicate(key)
        return found

    try:
        return json.loads(line, object_pairs_hook=pairs, parse_constant=_no_constant,
                          parse_int=_int, parse_float=_float)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{number}: invalid JSON: {exc.msg} (column {exc.colno})") from None
    except _Duplicate as exc:
        raise InputError(f"{name}:{number} (field '{exc.key}'): key given twice in one object"
                         f"{_columns(line, exc.key)}: give each field once") from None
    except ValueError as exc:  # a number the rule refuses, NaN, Infinity
        raise InputError(f"{name}:{number}: {exc}") from None
    except RecursionError:
        raise InputError(f"{name}:{number}: JSON nested too deep") from None


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _columns(line: str, key: str) -> str:
    """' (columns A and B)': where `key` is written as a key on the line, when it can be found."""
    import re

    spots = [m.start() + 1 for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", line)]
    if len(spots) < 2:
        spots = [m.start() + 1 for m in re.finditer(re.escape(f'"{key}"') + r"\s*:", line)]
    return f" (columns {spots[0]} and {spots[1]})" if len(spots) >= 2 else ""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number: write a finite number or null")


def _int(text: str) -> int:
    problem = number_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return int(text)


def _float(text: str) -> float:
    problem = number_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return float(text)


def read_record(data: Datasets, record: Any, number: int,
                name: str = "<stdin>") -> tuple[Any, list[tuple[Scenario, str]]]:
    """(id, tasks) of one input record: each task a (scenario, pathway id) to price; errors
    name the line and field.

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
        rec_id = check_id(rec_id)
    except ValueError as exc:
        raise InputError(f"{name}:{number} (field 'id'): {exc}") from None
    try:
        names = split_pathways(fields.pop("pathways", None))
        scenario = ScenarioInput.model_validate(fields)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field_name = ".".join(str(p) for p in err["loc"]) or "record"
        msg = plain_message(err)
        if err["type"] == "extra_forbidden":
            msg = "unknown scenario field (see 'himcalc compare --help'; use _ for -)"
        raise InputError(f"{name}:{number} (field '{field_name}'): {msg}") from None
    except HimcalcError as exc:
        raise InputError(f"{name}:{number}: {exc.message}") from None
    if scenario.program is not None or scenario.state is not None:
        return rec_id, _local_tasks(data, scenario, names, number, name)
    return rec_id, [(scenario, pid) for pid in _pathways(data, scenario, names, number, name)]


def _local_tasks(data: Datasets, scenario: Scenario, names: list[str] | None, number: int,
                 name: str) -> list[tuple[Scenario, str]]:
    """The tasks of a line with a `state` (checked) or a `program` (its levels, each with the
    scenario `engine.programs.program_scenario` gives it). A line names pathways or a
    programme, not both: its rows are told apart by pathway."""
    from himcalc.engine import programs

    if scenario.state is not None:
        try:
            programs.check_state(data, scenario.state)
        except InputError as exc:
            raise InputError(f"{name}:{number} (field 'state'): {exc.message}") from None
    if scenario.program is None:
        return [(scenario, pid) for pid in _pathways(data, scenario, names, number, name)]
    if names:
        raise InputError(f"{name}:{number} (field 'program'): give 'pathways' or 'program', "
                         "not both (write one line for each)")
    try:
        choices = programs.select(data, scenario.program)
    except InputError as exc:
        raise InputError(f"{name}:{number} (field 'program'): {exc.message}") from None
    return [(programs.program_scenario(data, scenario, c), c.pathway) for c in choices]


def _pathways(data: Datasets, scenario: Scenario, names: list[str] | None, number: int,
              name: str) -> list[str]:
    try:
        found = resolve_pathways(data, names, scenario)
    except HimcalcError as exc:
        raise InputError(f"{name}:{number}: {exc.message}") from None
    if not found:  # nothing to price: the line's error, as compare's "nothing to compare"
        raise InputError(f"{name}:{number}: no pathway in the data is open to education "
                         f"'{scenario.education.value}'")
    return found


def _may_repeat_a_key(line: str, record: BatchRecord | StrictRecord) -> bool:
    """Whether the JSON object on `line`, read as `record`, may have given a key twice.

    pydantic's JSON parser keeps the last of a repeated key, silently. An object with n
    distinct keys that repeats one has at least n commas between its pairs, so a line with
    fewer commas in all (most lines: scalar values) repeats none; the others are parsed again
    by `parse_line`, which refuses a repeated key naming both columns.
    """
    return line.count(",") >= len(record.model_fields_set)


def _validate_block(block: list[tuple[int, Any]]) -> list[Any] | None:
    """Every JSON Lines record of the block, parsed and validated in one call; None when the
    block is not all JSON Lines or any line is bad (then each line is read on its own, which
    names the line and field of every error)."""
    if not all(isinstance(record, str) for _, record in block):
        return None
    text = "[" + ",".join(record for _, record in block) + "]"
    try:
        records = _STRICT_LINES.validate_json(text)
        for record in records:
            if type(record.id) is not int:
                check_id(record.id)
        return records
    except (ValidationError, ValueError):
        pass
    try:
        return _LINES.validate_json(text)
    except ValidationError:
        return None


def run_block(data: Datasets, block: list[tuple[int, Any]], job: Job) -> Result:
    """Read, plan, evaluate and format one block of (line number, record) pairs.

    A record's error (a bad field, an unknown pathway, a plan that fails a check) names its
    line. With `keep_going` the block's other records are written and every error reported;
    without it the block stops at its first bad line: the rows of the lines before it are
    written, none after.
    """
    valid = _validate_block(block)
    errors: list[tuple[int, str]] = []
    entries: list[tuple[int, int, int]] = []  # (line, first task, number of tasks)
    tasks: list[tuple[Scenario, str]] = []
    ids: list[Any] = []  # the id each task's row echoes
    known: dict[tuple, list[str]] = {}  # pathways as given, education -> pathway ids
    for k, (number, record) in enumerate(block):
        try:
            if valid is not None:
                scenario = valid[k]
                if _may_repeat_a_key(record, scenario):
                    parse_line(record, number, job.name)  # refuses a key given twice
                rec_id = scenario.id
                given = scenario.pathways
                if scenario.program is not None or scenario.state is not None:
                    line = _local_tasks(data, scenario, split_pathways(given), number, job.name)
                else:
                    key = (tuple(given) if isinstance(given, list) else given,
                           scenario.education)
                    pids = known.get(key)
                    if pids is None:
                        pids = known[key] = _pathways(data, scenario, split_pathways(given),
                                                      number, job.name)
                    line = [(scenario, pid) for pid in pids]
            else:
                rec_id, line = read_record(data, record, number, job.name)
        except InputError as exc:
            errors.append((number, exc.message))
            if not job.keep_going:
                break
            continue
        entries.append((number, len(tasks), len(line)))
        tasks.extend(line)
        ids.extend([rec_id] * len(line))
    columns, task_errors = _evaluate_in_chunks(data, tasks)
    skips: dict[int, dict] = {}  # task index -> its `skipped` row
    if task_errors.count(None) < len(task_errors):  # a plan failed a check
        for number, first, count in entries:
            failed = [i for i in range(first, first + count) if task_errors[i] is not None]
            if len(failed) == count:  # nothing of the line can be priced: name its line
                errors.append((number, f"{job.name}:{number}: {task_errors[failed[0]]}"))
                continue
            for i in failed:  # price the rest; say which were skipped and why
                scenario, pid = tasks[i]
                skips[i] = {"id": ids[i], "pathway": pid,
                            "institution": scenario.institution.value,
                            "study_mode": scenario.study_mode.value,
                            "skipped": task_errors[i]}
    del tasks, valid  # the records are no longer needed: free them before formatting
    result = Result(lines=len(block))
    keep = list(range(len(ids)))
    if errors:
        errors.sort()
        result.errors = [message for _, message in errors]
        if not job.keep_going:
            result.errors = result.errors[:1]
            result.stopped = True
        stop = errors[0][0] if result.stopped else math.inf
        bad = {number for number, _ in errors}
        keep = [i for number, first, count in entries if number < stop and number not in bad
                for i in range(first, first + count)]
    if not skips:
        if len(keep) < len(ids):
            ids = [ids[i] for i in keep]
            columns = _take(columns, keep)
        if ids:
            result.output = _format(ids, columns, job.csv_out).encode()
        return result
    parts = []
    for priced, run in itertools.groupby(keep, key=lambda i: i not in skips):
        indices = list(run)
        if priced:
            parts.append(_format([ids[i] for i in indices], _take(columns, indices),
                                 job.csv_out))
        else:
            parts += [_skipped_row(skips[i], job.csv_out) for i in indices]
    result.output = "".join(parts).encode()
    return result


def _take(columns: dict, keep: list[int]) -> dict:
    """The rows `keep` of every column."""
    return {key: ([column[i] for i in keep] if isinstance(column, list) else column[keep])
            for key, column in columns.items()}


def _skipped_row(row: dict, csv_out: bool) -> str:
    """The output row of a pathway that could not be priced: every figure null."""
    if csv_out:
        return to_delimited([row], KEYS).split("\n", 1)[1]
    return json.dumps({key: row.get(key) for key in KEYS}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


FORMAT_ROWS = 512
"""Rows whose cells are formatted together: bounds the memory of the text being built."""


def _evaluate_in_chunks(data: Datasets, tasks: list[tuple[Scenario, str]]
                        ) -> tuple[dict, list[str | None]]:
    """`evaluate_tasks` of at most `CHUNK` tasks at a time, joined."""
    if len(tasks) <= CHUNK:
        return evaluate_tasks(data, tasks)
    parts = [evaluate_tasks(data, tasks[i:i + CHUNK]) for i in range(0, len(tasks), CHUNK)]
    columns = {key: ([v for part, _ in parts for v in part[key]] if isinstance(column, list)
                     else np.concatenate([part[key] for part, _ in parts]))
               for key, column in parts[0][0].items()}
    return columns, [e for _, errors in parts for e in errors]


def _format(ids: list[Any], columns: dict, csv_out: bool) -> str:
    """The rows' text, formatted `FORMAT_ROWS` at a time (the cells of a few rows at once)."""
    if len(ids) > FORMAT_ROWS:
        return "".join(
            _format(ids[i:i + FORMAT_ROWS],
                    {key: column[i:i + FORMAT_ROWS] for key, column in columns.items()},
                    csv_out)
            for i in range(0, len(ids), FORMAT_ROWS))
    if csv_out:
        rows = [{"id": i, **row} for i, row in zip(ids, rows_of(columns), strict=True)]
        return to_delimited(rows, KEYS).split("\n", 1)[1]
    return json_lines(ids, {**columns, "skipped": [None] * len(ids)}, KEYS, OPTIONAL)


def csv_header() -> str:
    return to_delimited([], KEYS)
