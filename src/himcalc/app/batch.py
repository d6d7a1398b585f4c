"""`himcalc batch`: many scenarios in, one result row per scenario × pathway out, streaming.

Input is JSON Lines (one object per line) or CSV with a header; each record holds any subset
of the scenario fields (the same names as `compare`'s flags, with underscores), plus
`pathways` (a list, or a space/comma separated string; default: every pathway open to the
education), an optional `institution`, and an optional `id` echoed back.

`run` reads the lines in blocks of `BLOCK`; each block is worked on whole by the `work`
function it is given (the command's: read, plan, evaluate on numpy vectors, format) and its
result is handed to `emit` in input order, so memory does not grow with the input. A single
block is worked on here; when more input follows, the blocks go to `jobs` worker processes
(forked, so they share the loaded data), at most two blocks per worker in flight.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Any

from himcalc.errors import ExitCode, InputError

BLOCK = 4096
"""Input lines worked on together (a block is the unit a worker process receives)."""


class InputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


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


def _work(work: Work, block: list[tuple[int, Any]], job: Any) -> Any:
    return work(_DATA, block, job)


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


Work = Callable[[Any, list[tuple[int, Any]], Any], Any]
"""`work(data, block, job)`: a block's result (module-level, so a worker process can be sent
it)."""


def run(data: Any, stream: Any, input_format: InputFormat, name: str, job: Any,
        jobs: int | None, emit: Callable[[Any], None], work: Work) -> None:
    """Read the records of `stream` (named `name` in messages) in blocks, `work` each block,
    here or in `jobs` worker processes (default: the CPUs available), and `emit` each
    block's result in input order. An InputError stops the input (after the rows of the
    lines read before it are emitted)."""
    global _DATA
    try:
        blocks = _blocks(_records(stream, input_format, name))
        started = list(itertools.islice(blocks, 2))  # is there more than one block?
        workers = jobs if jobs is not None else default_jobs()
        if not _can_fork():
            workers = 1
        if len(started) < 2 or workers <= 1:
            for block in itertools.chain(started, blocks):
                emit(work(data, block, job))
        else:
            _DATA = data
            _in_workers(itertools.chain(started, blocks), job, workers, emit, work)
    finally:
        _DATA = None


def _in_workers(blocks: Iterator[list[tuple[int, Any]]], job: Any, workers: int,
                emit: Any, work: Work) -> None:
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
    previous = _exit_on_sigterm(pool)
    pending: deque = deque()
    finished = False
    try:
        try:
            for block in blocks:
                pending.append(pool.submit(_work, work, block, job))
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
        _restore_sigterm(previous)


def _exit_on_sigterm(pool: Any) -> Any:
    """While workers run, SIGTERM stops them and exits 143 at once (the handler it replaces).

    Why not raise, as `main` does elsewhere: an exception raised at an arbitrary point of the
    executor's own code (while it starts a worker, or holds one of its locks) can leave
    `shutdown` waiting for ever; a signal handler runs between two bytecodes of the main
    thread, so the rows already written are whole lines, flushed before exiting.
    """
    import signal

    def stop(signum: int, frame: Any) -> None:
        for pid in list(getattr(pool, "_processes", None) or {}):
            _terminate(pool, pid)
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        os._exit(ExitCode.TERMINATED)  # README, "Exit codes"

    try:
        return signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):  # not the main thread
        return None


def _restore_sigterm(previous: Any) -> None:
    if previous is not None:
        import signal

        signal.signal(signal.SIGTERM, previous)


def _terminate(pool: Any, pid: int) -> None:
    """SIGTERM one of the pool's worker processes (`_processes`: CPython's, 3.8 to 3.13)."""
    process = (pool._processes or {}).get(pid)
    if process is not None and process.is_alive():
        process.terminate()
