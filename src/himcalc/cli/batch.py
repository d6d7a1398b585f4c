"""`himcalc batch`: parse → `himcalc.app.batch` (reading and workers) → stdout.

A block's work (read, plan, evaluate, format) is `himcalc.cli.batch_work.run_block`; this
module opens the input, writes each block's output as it comes, and reports bad lines.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from himcalc.app.batch import InputFormat
from himcalc.cli.common import load_data
from himcalc.errors import InputError, error_lines


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def register(app: typer.Typer) -> None:
    app.command()(batch)


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
    from himcalc.app.batch import run
    from himcalc.cli.batch_work import Job, csv_header, run_block
    from himcalc.render.chart import progress

    data = load_data()
    name, stream = _open_input(input_)
    job = Job(name=name, csv_out=output_format is OutputFormat.csv, keep_going=keep_going)
    out = _Output(sys.stdout, csv_header().encode() if job.csv_out else b"")
    bar = progress(None, "batch: lines")  # on stderr, and only when it is a terminal
    out.tick = bar.__enter__()
    try:
        run(data, stream, input_format, name, job, jobs, out, run_block)
    finally:
        _close(bar, out.stream, stream)
    out.finish()


def _close(bar: Any, out: TextIO, stream: Any) -> None:
    """After the run, whatever ended it: the progress bar gone, stdout flushed, the input
    file closed."""
    bar.__exit__(None, None, None)
    out.flush()
    if stream is not sys.stdin:
        stream.close()


def _open_input(input_: Path | None) -> tuple[str, Any]:
    """The input's name in messages, and the stream to read (stdin for none or '-')."""
    if input_ is None or str(input_) == "-":
        stream = sys.stdin
        if stream is None or getattr(stream, "closed", False):
            raise InputError("<stdin>: standard input is closed; give the scenarios on stdin "
                             "or with --input FILE")
        return "<stdin>", stream
    if not input_.exists():
        raise InputError(f"{input_}: no such file")
    if input_.is_dir():
        raise InputError(f"{input_}: is a directory, not a file of scenarios")
    try:
        return str(input_), input_.open("rb")
    except OSError as exc:
        raise InputError(f"{input_}: cannot read: {exc.strerror or exc}") from None


class _Output:
    """Writes each block's rows (the CSV header with the first ones), its errors to stderr,
    counts the lines done and the lines skipped."""

    def __init__(self, stream: TextIO, header: bytes) -> None:
        self.stream, self.header = stream, header
        self.failed = self.done = 0
        self.tick: Any = None

    def __call__(self, result: Any) -> None:
        if result.output and self.header:
            write_bytes(self.stream, self.header)
            self.header = b""
        write_bytes(self.stream, result.output)
        self.done += result.lines
        self.tick(self.done)
        if result.stopped:
            self.stream.flush()
            raise InputError(result.errors[0])
        for message in result.errors:
            sys.stderr.write(error_lines(message))
        self.failed += len(result.errors)

    def finish(self) -> None:
        """Exit 1 if lines were skipped; the CSV header alone if no row was written."""
        if self.failed:
            sys.stderr.write(f"error: {self.failed} line(s) skipped\n")
            raise typer.Exit(1)
        if self.header:  # no row at all (an empty input): the header alone, once read
            write_bytes(self.stream, self.header)
            self.stream.flush()


def write_bytes(out: TextIO, data: bytes) -> None:
    """Write UTF-8 `data` to the text stream `out` through its byte buffer when it has one."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(data.decode())
        return
    out.flush()  # what was written as text first (a CSV header)
    buffer.write(data)
