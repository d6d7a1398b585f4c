"""`himcalc batch`: many scenarios in, one result row per scenario × pathway out, streaming.

Input is JSON Lines (one object per line) or CSV with a header; each record holds any subset
of the scenario fields (the same names as `compare`'s flags, with underscores), plus
`pathways` (a list, or a space/comma separated string; default: every pathway open to the
education), an optional `institution`, and an optional `id` echoed back.

Lines are read in blocks of `BLOCK`; each block is planned, evaluated together on numpy
vectors (`engine.vector`) and written in input order, so memory does not grow with the input.
A single block is worked on here; when more input follows, the blocks go to `--jobs` worker
processes (forked, so they share the loaded data), at most two blocks per worker in flight.
"""

from __future__ import annotations

import csv
import itertools
import os
import sys
from collections import deque
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from himcalc.cli.common import load_data
from himcalc.errors import InputError, UsageError, error_lines

BLOCK = 4096
"""Input lines worked on together (a block is the unit a worker process receives)."""


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
    """(line number, record) for every non-blank input line: the line's text for JSON Lines
    (parsed where it is worked on), a dict or the error found for a CSV row."""
    if fmt is InputFormat.jsonl:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield number, line
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
    first: dict[str, int] = {}
    for column, field_name in enumerate(fields, start=1):
        if field_name in first:
            raise InputError(f"{name}:1: column '{field_name}' appears twice (columns "
                             f"{first[field_name]} and {column}): give each field once")
        first[field_name] = column
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise InputError(f"{name}:1: unknown column '{unknown[0]}' (the columns are scenario "
                         "fields, as in 'himcalc compare --help' with _ for -, plus "
                         f"{', '.join(EXTRA_FIELDS)})")


def _blocks(records: Iterator[tuple[int, Any]]) -> Iterator[list[tuple[int, Any]]]:
    """`records` in lists of `BLOCK`; on undecodable input, the lines read before it first."""
    block: list[tuple[int, Any]] = []
    try:
        for item in records:
            block.append(item)
            if len(block) >= BLOCK:
                yield block
                block = []
    except UnicodeDecodeError:
        if block:
            yield block
        raise
    if block:
        yield block


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """Whether worker processes can inherit the loaded data (not on Windows)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


_DATA: Any = None
"""The loaded datasets, set before worker processes fork so that they inherit them."""


def _work(block: list[tuple[int, Any]], job: Any) -> Any:
    from himcalc.cli.batch_work import run_block

    return run_block(_DATA, block, job)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the batch process, which stops them (exit 130)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, max=64, help="Worker processes for inputs longer than one "
        "block of 4,096 lines (default: the CPUs available). Example: --jobs 1")] = None,
) -> None:
    """Evaluate many scenarios: one result row per scenario × pathway, streamed to stdout.

    Example: echo '{"id": "ana", "age": 31, "pathways": ["associate-hit"]}' | himcalc batch
    """
    global _DATA
    from himcalc.cli.batch_work import Job, csv_header, run_block

    data = load_data()
    name = "<stdin>" if input_ is None or str(input_) == "-" else str(input_)
    if input_ is None or str(input_) == "-":
        stream = sys.stdin
    else:
        if not input_.is_file():
            raise UsageError(f"{input_}: no such file")
        stream = input_.open(encoding="utf-8", newline="")
    job = Job(name=name, csv_out=output_format is OutputFormat.csv, keep_going=keep_going)
    out = sys.stdout
    header = csv_header().encode() if job.csv_out else b""  # written with the first rows
    failed = 0

    def emit(result: Any) -> None:
        nonlocal failed, header
        if result.output and header:
            write_bytes(out, header)
            header = b""
        write_bytes(out, result.output)
        if result.stopped:
            out.flush()
            raise InputError(result.errors[0])
        for message in result.errors:
            sys.stderr.write(error_lines(message))
        failed += len(result.errors)

    try:
        blocks = _blocks(_records(stream, input_format, name))
        started = list(itertools.islice(blocks, 2))  # is there more than one block?
        workers = jobs if jobs is not None else default_jobs()
        if not _can_fork():
            workers = 1
        if len(started) < 2 or workers <= 1:
            for block in itertools.chain(started, blocks):
                emit(run_block(data, block, job))
        else:
            _DATA = data
            _in_workers(itertools.chain(started, blocks), job, workers, emit)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x})") from None
    finally:
        _DATA = None
        out.flush()
        if stream is not sys.stdin:
            stream.close()
    if failed:
        sys.stderr.write(f"error: {failed} line(s) skipped\n")
        raise typer.Exit(1)
    if header:  # no row at all (an empty input): the header alone, once the input is read
        write_bytes(out, header)
        out.flush()


def write_bytes(out: TextIO, data: bytes) -> None:
    """Write UTF-8 `data` to the text stream `out` through its byte buffer when it has one."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(data.decode())
        return
    out.flush()  # what was written as text first (a CSV header)
    buffer.write(data)


def _in_workers(blocks: Iterator[list[tuple[int, Any]]], job: Any, workers: int,
                emit: Any) -> None:
    """Work the blocks in `workers` processes; emit the results in input order."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")  # workers inherit the loaded data
    # Objects made so far (modules, the data) are never collected in the workers, so their
    # garbage collector need not write to them: their pages stay shared with this process
    # instead of being copied into each worker (the use `gc.freeze` is documented for).
    gc.freeze()
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupts)
    pending: deque = deque()
    try:
        try:
            for block in blocks:
                pending.append(pool.submit(_work, block, job))
                if len(pending) >= 2 * workers:
                    emit(pending.popleft().result())
        except UnicodeDecodeError:  # write the rows of the lines read before it
            while pending:
                emit(pending.popleft().result())
            raise
        while pending:
            emit(pending.popleft().result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()
