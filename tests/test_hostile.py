"""Hostile input, round 2 (issue 15): each kind of attack, through every entry point it reaches.

The corpus cases of `tests/bad_inputs/` cover data and scenario files; this module covers what
a file of the corpus cannot: batch lines and CSV, flags, stdin, devices, signals.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from himcalc.errors import ExitCode, printable
from test_bad_inputs import Run, check_error_line, run

USAGE, DATA = ExitCode.USAGE, ExitCode.DATA_ERROR


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every case in an empty directory with no $HIMCALC_DATA."""
    monkeypatch.delenv("HIMCALC_DATA", raising=False)
    monkeypatch.chdir(tmp_path)


def batch(content: str | bytes, capsys: pytest.CaptureFixture[str], *args: str,
          name: str = "in.jsonl") -> Run:
    """`himcalc batch -i NAME ARGS` on `content` (CSV input when NAME ends in .csv)."""
    path = Path(name)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    fmt = ["--input-format", "csv"] if name.endswith(".csv") else []
    return run(["batch", "-i", name, *fmt, *args], capsys)


def ids_of(out: str) -> list:
    return [json.loads(line)["id"] for line in out.splitlines()]


# --- 5. text from inputs is shown escaped --------------------------------------------------


def test_printable_escapes_what_a_terminal_obeys() -> None:
    """ESC, newline, tab, DEL, a bidi override and a lone surrogate become visible escapes."""
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("x\ny\tz\x7f") == "x\\ny\\tz\\x7f"
    assert printable("\u202egnp.exe") == "\\u202egnp.exe"
    assert printable("\udc80") == "\\udc80"
    assert printable("plain café id-1") == "plain café id-1"


@pytest.mark.parametrize("argv", [
    ["compare", "assoc\x1b[2J\nerror: forged", "-f", "json"],
    ["compare", "--education", "x\x1b[2J\nerror: forged", "-f", "json"],
    ["data", "show", "x\x1b[2J\nerror: forged", "-f", "json"],
], ids=["pathway", "flag_value", "dataset_name"])
def test_flag_text_is_escaped(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """A pathway, flag value or dataset name with ESC and a newline is echoed escaped, one line."""
    result = run(argv, capsys)
    assert result.code == USAGE
    assert "\x1b" not in result.err and "\\x1b[2J\\nerror: forged" in result.err
    check_error_line(result.err)


def test_batch_field_name_is_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    """A batch line whose unknown field name holds ESC and a newline reports it escaped."""
    result = batch('{"\\u001b[2J\\nerror: forged": 1}\n', capsys, "--keep-going")
    assert result.code == DATA and "\x1b" not in result.err
    assert "\\x1b[2J\\nerror: forged" in result.err
    assert result.err.count("\nerror: ") == 1  # the line's error and the count, no forgery
