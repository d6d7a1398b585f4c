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


MAX_LINE_BYTES = 1_048_576
"""The longest input line read (1 MiB): a longer one stops the run (README, "Exit codes")."""

BOM = b"\xef\xbb\xbf"


def _lines(stream: Any, name: str) -> Iterator[tuple[int, str | InputError]]:
    """(line number, text) of every input line, read at most `MAX_LINE_BYTES` + 1 at a time.

    A leading UTF-8 byte-order mark (Excel's "CSV UTF-8") is dropped; a line that is not
    UTF-8 is that line's error (the others are read on); a line longer than the limit stops
    the input (raising `InputError`: an endless line, /dev/zero, is not JSON Lines or CSV).
    """
    readline = getattr(stream, "buffer", stream).readline
    number = 0
    while True:
        raw = readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if isinstance(raw, str):  # a text-only stream (a test runner's stdin)
            raw = raw.encode("utf-8", "surrogateescape")
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise InputError(f"{name}:{number}: line longer than {MAX_LINE_BYTES:,} bytes; "
                             "stopped reading (is this JSON Lines or CSV?)")
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM):]
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, InputError(f"{name}:{number}: not UTF-8 text (byte "
                                     f"0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                                     "save the file as UTF-8")


def _records(stream: Any, fmt: InputFormat, name: str) -> Iterator[tuple[int, Any]]:
    """(line number, record) for every non-blank input line: the line's text for JSON Lines
    (parsed where it is worked on), a dict for a CSV row, or the error found reading it."""
    lines = _lines(stream, name)
    if fmt is InputFormat.jsonl:
        for number, line in lines:
            if not isinstance(line, str) or line.strip():
                yield number, line
        return
    yield from _csv_rows(lines, name)


def _csv_rows(lines: Iterator[tuple[int, str | InputError]], name: str
              ) -> Iterator[tuple[int, Any]]:
    """The rows of CSV `lines` as dicts of the non-empty cells; a row that cannot be read
    (a line not UTF-8, a cell over the csv module's 128 KiB, a ragged row) is its error."""
    bad: list[tuple[int, InputError]] = []

    def texts() -> Iterator[str]:
        for number, line in lines:
            if isinstance(line, InputError):
                bad.append((number, line))
                yield "\n"  # an empty row in its place, so line numbers stay right
            else:
                yield line

    reader = csv.reader(texts())
    header: list[str] | None = None
    error: InputError | None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row, error = None, InputError(f"{name}:{reader.line_num}: cannot read this CSV "
                                          f"row: {exc}")
        else:
            error = None
        number = reader.line_num
        if bad:  # the row holds a line that is not UTF-8: that line's error stands for it
            if header is None:
                raise bad[0][1]
            yield from bad
            bad.clear()
            continue
        if header is None:
            if error is not None:
                raise error
            header = row or []
            _check_header(header, name)
            continue
        if error is not None:
            yield number, error
        elif not row:
            continue
        elif len(row) != len(header):
            yield number, InputError(f"{name}:{number}: expected {len(header)} fields as in "
                                     f"the header, found {len(row)}")
        else:
            yield number, {k: v for k, v in zip(header, row, strict=True) if v != ""}


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
    """`records` in lists of `BLOCK`; when the input stops, the lines read before it first."""
    block: list[tuple[int, Any]] = []
    try:
        for item in records:
            block.append(item)
            if len(block) >= BLOCK:
                yield block
                block = []
    except InputError:  # the input stops (a line over the limit): its rows before, first
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


def _worker_init(parent: int) -> None:
    """Set up a worker process: it leaves Ctrl-C and SIGTERM to the batch process, which
    stops it, and it exits when that process is gone, however it ended (even SIGKILL)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGKILL when the parent dies (prctl PR_SET_PDEATHSIG); elsewhere a
    thread polls the parent's pid. Either way, a parent already gone means exit now."""
    import threading

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig, sigkill = 1, 9
        if libc.prctl(pr_set_pdeathsig, sigkill, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):  # not Linux: watch the parent instead
        def watch() -> None:
            import time

            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


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
        if stream is None or getattr(stream, "closed", False):
            raise InputError("<stdin>: standard input is closed; give the scenarios on stdin "
                             "or with --input FILE")
    else:
        if not input_.exists():
            raise UsageError(f"{input_}: no such file")
        if input_.is_dir():
            raise UsageError(f"{input_}: is a directory, not a file of scenarios")
        try:
            stream = input_.open("rb")
        except OSError as exc:
            raise InputError(f"{input_}: cannot read: {exc.strerror or exc}") from None
    job = Job(name=name, csv_out=output_format is OutputFormat.csv, keep_going=keep_going)
    out = sys.stdout
    header = csv_header().encode() if job.csv_out else b""  # written with the first rows
    failed = 0
    done = 0

    def emit(result: Any) -> None:
        nonlocal failed, header, done
        if result.output and header:
            write_bytes(out, header)
            header = b""
        write_bytes(out, result.output)
        done += result.lines
        tick(done)
        if result.stopped:
            out.flush()
            raise InputError(result.errors[0])
        for message in result.errors:
            sys.stderr.write(error_lines(message))
        failed += len(result.errors)

    from himcalc.render.chart import progress

    bar = progress(None, "batch: lines")  # on stderr, and only when it is a terminal
    tick = bar.__enter__()
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
    finally:
        bar.__exit__(None, None, None)
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
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init,
                               initargs=(os.getpid(),))
    pending: deque = deque()
    finished = False
    try:
        try:
            for block in blocks:
                pending.append(pool.submit(_work, block, job))
                if len(pending) >= 2 * workers:
                    emit(pending.popleft().result())
        except InputError:  # the input stopped: write the rows of the lines read before it
            while pending:
                emit(pending.popleft().result())
            raise
        while pending:
            emit(pending.popleft().result())
        finished = True
    finally:
        if not finished:  # an error, Ctrl-C or SIGTERM: stop the workers now, mid-block
            for pid in list(getattr(pool, "_processes", None) or {}):
                _terminate(pool, pid)
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _terminate(pool: Any, pid: int) -> None:
    """SIGTERM one of the pool's worker processes (`_processes`: CPython's, 3.8 to 3.13)."""
    process = (pool._processes or {}).get(pid)
    if process is not None and process.is_alive():
        process.terminate()
