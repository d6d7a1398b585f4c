"""Hostile and broken input: every bad input gets one clear `error:` line and a documented exit.

The corpus lives in `tests/bad_inputs/`: one small file per case. A case file says what it pins
in its header comments, which this module reads:

* `# Pins: …`    the behaviour the case pins (one sentence);
* `# expect: …`  a fragment the error must contain (case-insensitive; any number of them);
* `# xfail: …`   a known bug outside the loader/CLI, with where it is (strict xfail);
* `# within: s`  the run must finish in under `s` seconds (alias bombs, deep nesting);
* `# <-`         at the end of a line: the error must name `FILE:LINE` of that line.

Data files run as `himcalc data validate FILE` and as `himcalc --data FILE compare -f json`;
scenario files as `himcalc compare --scenario FILE -f json` and through stdin (`--scenario -`).
Command-line cases are the table `CLI_CASES` below.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from himcalc.cli.main import main_entry
from himcalc.errors import ExitCode

CORPUS = Path(__file__).parent / "bad_inputs"
PWNED = "himcalc-pwned-marker"
"""A file the `!!python/object/apply:os.system` cases would create if the tag were honoured."""

NO_HEADER = {
    "empty.yaml": ("empty file",),
    "directory.yaml": ("no .yaml files",),
}
"""Expected fragments of the cases that cannot carry a comment header."""


class ErrorLineContract(AssertionError):
    """stderr is not exactly one `error: …` line followed by indented detail lines."""


@dataclass
class Case:
    path: Path
    fragments: tuple[str, ...] = ()
    line: int | None = None
    xfail: str | None = None
    within: float | None = None
    pins: str = ""


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    files: list[str] = field(default_factory=list)


def read_case(path: Path) -> Case:
    """Parse a case file's header comments and its `# <-` line marker."""
    if path.is_dir() or path.stat().st_size == 0:
        return Case(path, NO_HEADER[path.name])
    lines = path.read_bytes().split(b"\n")
    header = [ln.decode("ascii", "replace") for ln in lines if ln.startswith(b"# ")]

    def values(key: str) -> list[str]:
        return [h[len(key):].strip() for h in header if h.startswith(key)]

    marked = [i + 1 for i, ln in enumerate(lines) if re.search(rb"#[^\n]*<-\s*$", ln)]
    within = values("# within:")
    return Case(
        path,
        fragments=tuple(values("# expect:")),
        line=marked[0] if marked else None,
        xfail=(values("# xfail:") or [None])[0],
        within=float(within[0]) if within else None,
        pins=(values("# Pins:") or [""])[0],
    )


def corpus(kind: str) -> list[Case]:
    return [read_case(p) for p in sorted((CORPUS / kind).iterdir())]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI in-process, as the console script does, and capture everything."""
    capsys.readouterr()
    start = time.perf_counter()
    code = main_entry(argv)
    seconds = time.perf_counter() - start
    out, err = capsys.readouterr()
    return Run(int(code), out, err, seconds, sorted(os.listdir(".")))


def check_error_line(err: str) -> None:
    """Exactly one line starting with `error: `, first; every other line indented."""
    lines = err.rstrip("\n").split("\n")
    if not lines[0].startswith("error: ") or any(
            not ln.startswith((" ", "\t")) for ln in lines[1:]):
        raise ErrorLineContract(f"stderr is not one 'error: ' line + indented details:\n{err}")


def assert_refused(result: Run, code: int, names: str, case: Case | None = None,
                   fragments: tuple[str, ...] = ()) -> None:
    """The common contract of every bad input (the error-line check comes last, see xfails)."""
    assert "Traceback" not in result.err, result.err
    assert result.code == code, f"exit {result.code}, expected {code}; stderr:\n{result.err}"
    assert result.out == "", f"stdout must stay empty on error, got:\n{result.out[:300]}"
    assert PWNED not in result.files, "a !!python tag ran a shell command"
    assert names in result.err, f"the error does not name {names!r}:\n{result.err}"
    if case is not None:
        if case.line is not None:
            assert f"{names}:{case.line}" in result.err, (
                f"the error does not give line {case.line}:\n{result.err}")
        if case.within is not None:
            assert result.seconds < case.within, f"took {result.seconds:.2f}s"
        fragments = case.fragments
    for fragment in fragments:
        assert fragment.lower() in result.err.lower(), (
            f"missing {fragment!r} in:\n{result.err}")
    check_error_line(result.err)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every case in an empty directory with no $HIMCALC_DATA."""
    monkeypatch.delenv("HIMCALC_DATA", raising=False)
    monkeypatch.chdir(tmp_path)


def _data_params() -> list:
    params = []
    for case in corpus("data"):
        for mode in ("validate", "compare"):
            marks = []
            if case.xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=case.xfail))
            params.append(pytest.param(case, mode, marks=marks,
                                       id=f"{case.path.stem}-{mode}"))
    return params


def _data_argv(path: str, mode: str) -> list[str]:
    if mode == "validate":
        return ["data", "validate", path]
    return ["--data", path, "compare", "-f", "json"]


@pytest.mark.parametrize(("case", "mode"), _data_params())
def test_bad_data_file(case: Case, mode: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad data file exits 1 with one error naming the file (and line), never a traceback."""
    path = str(case.path)
    assert_refused(run(_data_argv(path, mode), capsys), ExitCode.DATA_ERROR, path, case)


def test_corpus_is_complete() -> None:
    """Every case file says what it pins and what the error must contain (40+ cases in all)."""
    cases = corpus("data") + corpus("scenario")
    for case in cases:
        if case.path.name not in NO_HEADER:
            assert case.pins, f"{case.path}: no '# Pins:' line"
            assert case.fragments, f"{case.path}: no '# expect:' line"
    assert len(cases) + len(CLI_CASES) + len(GENERATED) >= 40


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "huge.yaml"
    path.write_text("# padding\n" * 250_000)
    return path


GENERATED = ["missing", "unreadable", "chmod_000", "too_large"]
"""Data-file cases made at test time (they cannot live in git as files)."""


@pytest.mark.parametrize("mode", ["validate", "compare"])
def test_missing_data_file(mode: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A data path that does not exist is a data error naming the path."""
    assert_refused(run(_data_argv("no-such-file.yaml", mode), capsys), ExitCode.DATA_ERROR,
                   "no-such-file.yaml", fragments=("no such file",))


@pytest.mark.parametrize("mode", ["validate", "compare"])
def test_unreadable_data_file(mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    """A file that cannot be read (PermissionError, simulated so it works as root) is exit 1."""
    target = tmp_path / "locked.yaml"
    target.write_text("occupations: []\n")
    real = Path.open

    def open_(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == target.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", open_)
    assert_refused(run(_data_argv(str(target), mode), capsys), ExitCode.DATA_ERROR,
                   str(target), fragments=("cannot read", "permission denied"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads a chmod 000 file anyway; test_unreadable_data_file "
                    "simulates the PermissionError instead")
def test_chmod_000_data_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A real chmod 000 file is exit 1 naming the file, for non-root users."""
    target = tmp_path / "locked.yaml"
    target.write_text("occupations: []\n")
    target.chmod(0)
    try:
        assert_refused(run(_data_argv(str(target), "compare"), capsys), ExitCode.DATA_ERROR,
                       str(target), fragments=("cannot read",))
    finally:
        target.chmod(0o644)


@pytest.mark.parametrize("mode", ["validate", "compare"])
def test_too_large_data_file(mode: str, big_file: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """A data file over the 2 MB limit is refused before it is parsed."""
    assert_refused(run(_data_argv(str(big_file), mode), capsys), ExitCode.DATA_ERROR,
                   str(big_file), fragments=("larger than",))


# --- scenario files ------------------------------------------------------------------------


def _scenario_params() -> list:
    return [pytest.param(case, id=case.path.stem) for case in corpus("scenario")]


@pytest.mark.parametrize("case", _scenario_params())
def test_bad_scenario_file(case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad `--scenario FILE` exits 1 with one error naming the file, line and field."""
    path = str(case.path)
    result = run(["compare", "--scenario", path, "-f", "json"], capsys)
    assert_refused(result, ExitCode.DATA_ERROR, path, case)


@pytest.mark.parametrize("case", _scenario_params())
def test_bad_scenario_on_stdin(case: Case, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """The same bad scenario piped to `--scenario -` is refused the same way, as `<stdin>`."""
    stdin = io.TextIOWrapper(io.BytesIO(case.path.read_bytes()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    result = run(["compare", "--scenario", "-", "-f", "json"], capsys)
    assert_refused(result, ExitCode.DATA_ERROR, "<stdin>", case)


# --- the command line ----------------------------------------------------------------------

USAGE, DATA = ExitCode.USAGE, ExitCode.DATA_ERROR
CLI_CASES = [
    # (id, argv, exit code, what the error must name, other fragments)
    ("unknown_option", ["compare", "--bogus", "-f", "json"], USAGE, "--bogus", ()),
    ("unknown_command", ["frobnicate"], USAGE, "frobnicate", ()),
    ("option_without_value", ["compare", "--age"], USAGE, "--age", ("requires an argument",)),
    ("age_200", ["compare", "--age", "200", "-f", "json"], USAGE, "--age",
     ("less than or equal to 90",)),
    ("age_not_a_number", ["compare", "--age", "abc", "-f", "json"], USAGE, "--age", ()),
    ("horizon_0", ["compare", "--horizon", "0", "-f", "json"], USAGE, "--horizon",
     ("greater than or equal to 1",)),
    ("discount_rate_minus_1", ["compare", "--discount-rate", "-1", "-f", "json"], USAGE,
     "--discount-rate", ()),
    ("discount_rate_equals_minus_1", ["compare", "--discount-rate=-1", "-f", "json"], USAGE,
     "--discount-rate", ()),
    ("discount_rate_minus_1_percent", ["compare", "--discount-rate=-1%", "-f", "json"], USAGE,
     "--discount-rate", ("greater than or equal to 0",)),
    ("percentile_101", ["compare", "--percentile", "101", "-f", "json"], USAGE, "--percentile",
     ("less than or equal to 90",)),
    ("loan_rate_without_percent", ["compare", "--loan-rate", "6.39", "-f", "json"], USAGE,
     "--loan-rate", ("did you mean 6.39%",)),
    ("loan_rate_not_a_rate", ["compare", "--loan-rate", "six", "-f", "json"], USAGE,
     "--loan-rate", ("not a rate",)),
    ("salary_nan", ["compare", "--current-salary", "nan", "-f", "json"], USAGE,
     "--current-salary", ("finite",)),
    ("retire_before_age", ["compare", "--age", "40", "--retire-age", "30", "-f", "json"], USAGE,
     "retire_age (30)", ("must be above age (40)",)),
    ("unknown_format", ["compare", "-f", "xml"], USAGE, "--format", ("xml",)),
    ("unknown_education", ["compare", "--education", "phd", "-f", "json"], USAGE,
     "--education", ("phd", "high_school")),
    ("unknown_institution", ["compare", "--institution", "moon", "-f", "json"], USAGE,
     "--institution", ("moon",)),
    ("unknown_pathway", ["compare", "assoc-hit", "-f", "json"], USAGE, "assoc-hit",
     ("did you mean 'associate-hit'", "valid: coding-certificate", "mha")),
    ("unknown_pathway_show", ["show", "bachelors", "-f", "json"], USAGE, "bachelors",
     ("did you mean 'bachelor-him'",)),
    ("show_without_pathway", ["show", "-f", "json"], USAGE, "'pathway'", ("missing",)),
    ("accelerated_without_variant",
     ["compare", "coding-certificate", "--study-mode", "accelerated", "-f", "json"], DATA,
     "coding-certificate", ("no accelerated variant",)),
    ("show_pathway_not_open", ["show", "mha", "-f", "json"], DATA, "mha",
     ("requires education bachelor", "high_school")),
    ("data_show_unknown_dataset", ["data", "show", "nope", "-f", "json"], USAGE, "nope",
     ("known: ", "occupations")),
    ("data_path_missing", ["--data", "nowhere/", "compare", "-f", "json"], DATA, "nowhere",
     ("no such file",)),
    ("scenario_file_missing", ["compare", "--scenario", "me.yaml", "-f", "json"], DATA,
     "me.yaml", ("cannot read",)),
    ("batch_input_missing", ["batch", "-i", "cohort.jsonl"], DATA, "cohort.jsonl",
     ("no such file",)),
]


@pytest.mark.parametrize(("argv", "code", "names", "fragments"),
                         [pytest.param(*c[1:], id=c[0]) for c in CLI_CASES])
def test_bad_command_line(argv: list[str], code: int, names: str, fragments: tuple[str, ...],
                          capsys: pytest.CaptureFixture[str]) -> None:
    """A bad command line exits 2 (1 when the data cannot price it) with one `error:` line."""
    assert_refused(run(argv, capsys), code, names, fragments=fragments)


# --- batch ---------------------------------------------------------------------------------

BATCH_CASES = [
    # (name, file name, content, line the error must give). Rows of good lines before a bad
    # one are streamed out, so "no partial row" is asserted rather than "stdout empty".
    ("jsonl_not_json", "scenarios.jsonl", '{"age": 30}\n{age: 31}\n', 2),
    ("jsonl_not_an_object", "scenarios.jsonl", '{"age": 30}\n[30, 31]\n', 2),
    ("jsonl_unknown_field", "scenarios.jsonl", '{"age": 30}\n{"salary": 40000}\n', 2),
    ("jsonl_wrong_type", "scenarios.jsonl", '{"age": "thirty"}\n', 1),
    ("jsonl_nan", "scenarios.jsonl", '{"current_salary": NaN}\n', 1),
    ("jsonl_unknown_pathway", "scenarios.jsonl", '{"pathways": ["assoc"]}\n', 1),
    ("csv_wrong_type", "scenarios.csv", "age,horizon\nthirty,20\n", 2),
    ("csv_ragged_row", "scenarios.csv", "age,horizon\n30,20\n31\n", 3),
    ("csv_unknown_column", "scenarios.csv", "age,salary\n30,40000\n", 1),
    ("csv_negative_salary", "scenarios.csv", "current_salary\n-40000\n", 2),
]


@pytest.mark.parametrize(("name", "content", "line"),
                         [pytest.param(*c[1:], id=c[0]) for c in BATCH_CASES])
def test_bad_batch_line(name: str, content: str, line: int,
                        capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed batch line exits 1 naming the file and line, and no row is half-written."""
    Path(name).write_text(content)
    fmt = "csv" if name.endswith(".csv") else "jsonl"
    result = run(["batch", "-i", name, "--input-format", fmt], capsys)
    assert "Traceback" not in result.err, result.err
    assert result.code == 1, result.err
    assert f"{name}:{line}" in result.err, result.err
    check_error_line(result.err)
    assert result.out == "" or result.out.endswith("\n")  # whole rows only
    for row in result.out.splitlines():
        json.loads(row)


def test_batch_keep_going_reports_every_bad_line(capsys: pytest.CaptureFixture[str]) -> None:
    """--keep-going skips bad lines (each reported with its line), evaluates the rest, exits 1."""
    Path("s.jsonl").write_text('{"id": 1}\n{"age": 300}\nnot json\n{"id": 4}\n')
    result = run(["batch", "-i", "s.jsonl", "--keep-going"], capsys)
    assert result.code == 1
    assert "s.jsonl:2" in result.err and "s.jsonl:3" in result.err
    ids = {json.loads(r)["id"] for r in result.out.splitlines()}
    assert ids == {1, 4}


def test_batch_non_utf8_input(capsys: pytest.CaptureFixture[str]) -> None:
    """Bytes that are not UTF-8 are refused with the input's name, not a traceback."""
    Path("s.jsonl").write_bytes(b'{"age": 30}\n\xff\xfe\n')
    result = run(["batch", "-i", "s.jsonl"], capsys)
    assert result.code == 1 and "s.jsonl" in result.err and "UTF-8" in result.err
    check_error_line(result.err)
