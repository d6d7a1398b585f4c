"""Hostile input, round 2 (issue 15): each kind of attack, through every entry point it reaches.

The corpus cases of `tests/bad_inputs/` cover data and scenario files; this module covers what
a file of the corpus cannot: batch lines and CSV, flags, stdin, devices, signals.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
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


# --- 1. typos never become numbers; one input language (issue 16 §8) ----------------------


@pytest.mark.parametrize(("content", "fragment"), [
    ('{"current_salary": true}\n', "not a boolean"),
    ('{"completion_probability": false}\n', "not a boolean"),
    ('{"current_salary": "045000"}\n', "leading zero"),
    ('{"age": "1:30"}\n', "base 60"),
    ('{"grants": "1_000"}\n', "plain decimal"),
    ('{"tax_rate": 18}\n', "did you mean 18%"),
], ids=["bool_salary", "bool_probability", "leading_zero_text", "sexagesimal_text",
        "underscore_text", "bare_rate"])
def test_batch_jsonl_strict_numbers(content: str, fragment: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A batch JSON line whose number is a boolean or a typo-shaped text is that line's error."""
    result = batch(content, capsys)
    assert result.code == DATA and result.out == ""
    assert "in.jsonl:1" in result.err and fragment in result.err
    check_error_line(result.err)


@pytest.mark.parametrize(("content", "fragment"), [
    ("id,current_salary\na,045000\n", "leading zero"),
    ("id,age\na,1:30\n", "base 60"),
    ("id,employer_assistance\na,true\n", "must be a valid number"),
    ("id,tax_rate\na,18\n", "did you mean 18%"),
], ids=["leading_zero", "sexagesimal", "bool", "bare_rate"])
def test_batch_csv_strict_numbers(content: str, fragment: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A CSV cell that is not a number under the rule is the row's error (line 2), exit 1."""
    result = batch(content, capsys, name="in.csv")
    assert result.code == DATA and result.out == ""
    assert "in.csv:2" in result.err and fragment in result.err
    check_error_line(result.err)


def _npv(out: str) -> list[float]:
    return [json.loads(line)["npv"] for line in out.splitlines()]


def test_rates_and_choices_read_alike_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    """18% and 0.18, part-time and part_time, give the same rows from flags, YAML, JSONL, CSV."""
    flags = run(["compare", "associate-hit", "--tax-rate", "18%", "--study-mode", "part-time",
                 "--salary-kept", "50%", "-f", "json"], capsys)
    assert flags.code == 0, flags.err
    expected = [row["npv"] for row in json.loads(flags.out)]
    same_flags = run(["compare", "associate-hit", "--tax-rate", "0.18", "--study-mode",
                      "part_time", "--salary-kept", "0.5", "-f", "json"], capsys)
    assert [row["npv"] for row in json.loads(same_flags.out)] == expected
    Path("me.yaml").write_text("tax_rate: 18%\nstudy_mode: part-time\nsalary_kept_share: 50%\n")
    yaml_run = run(["compare", "associate-hit", "--scenario", "me.yaml", "-f", "json"], capsys)
    assert [row["npv"] for row in json.loads(yaml_run.out)] == expected, yaml_run.err
    jsonl = batch('{"tax_rate": "18%", "study_mode": "part-time", "salary_kept_share": "50%",'
                  ' "pathways": "associate-hit"}\n', capsys)
    assert _npv(jsonl.out) == expected, jsonl.err
    csv_run = batch("tax_rate,study_mode,salary_kept_share,pathways\n18%,part-time,50%,"
                    "associate-hit\n", capsys, "-f", "jsonl", name="in.csv")
    assert _npv(csv_run.out) == expected, csv_run.err
    assert expected != [row["npv"] for row in json.loads(
        run(["compare", "associate-hit", "-f", "json"], capsys).out)]  # the inputs matter


def test_loan_plan_underscore_or_dash(capsys: pytest.CaptureFixture[str]) -> None:
    """--plan standard_10 is --plan standard-10 (the choice's own spelling)."""
    dash = run(["loan", "--principal", "10000", "--plan", "standard-10", "-f", "json"], capsys)
    under = run(["loan", "--principal", "10000", "--plan", "standard_10", "-f", "json"], capsys)
    assert dash.code == under.code == 0 and dash.out == under.out


def test_share_flag_takes_a_percentage(capsys: pytest.CaptureFixture[str]) -> None:
    """--salary-kept 75% is 0.75; --salary-kept 1.5 is refused naming the flag as typed."""
    result = run(["compare", "--salary-kept", "1.5", "-f", "json"], capsys)
    assert result.code == USAGE and "'--salary-kept'" in result.err
    assert "--salary-kept-share" not in result.err and "did you mean 1.5%" in result.err


# --- 2. duplicates are refused everywhere, naming both places -------------------------------


@pytest.mark.parametrize("content", [
    '{"id": 1, "age": 31, "age": 60}\n{"id": 2}\n',  # the block's fast path
    '{"id": 1, "age": 31, "age": 60}\n{"id": 2, "bogus": 1}\n',  # every line read alone
], ids=["fast_path", "line_by_line"])
def test_batch_json_repeated_key(content: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A key given twice in a batch JSON line is the line's error, naming both columns."""
    result = batch(content, capsys)
    assert result.code == DATA and result.out == ""
    assert "in.jsonl:1 (field 'age'): key given twice" in result.err
    assert "columns 11 and 22" in result.err  # 1-based columns of the two "age" keys
    check_error_line(result.err)


def test_batch_json_list_values_still_read(capsys: pytest.CaptureFixture[str]) -> None:
    """A line whose commas come from a list (not a repeated key) is read, not refused."""
    result = batch('{"id": 1, "pathways": ["coding-certificate", "associate-hit"]}\n', capsys)
    assert result.code == 0, result.err
    assert [json.loads(r)["pathway"] for r in result.out.splitlines()] == [
        "coding-certificate", "associate-hit"]


def test_batch_csv_repeated_column(capsys: pytest.CaptureFixture[str]) -> None:
    """A CSV header naming a column twice is refused at line 1 with both column numbers."""
    result = batch("id,age,horizon,age\na,31,20,60\n", capsys, "-f", "csv", name="in.csv")
    assert result.code == DATA and result.out == ""
    assert "in.csv:1: column 'age' appears twice (columns 2 and 4)" in result.err
    check_error_line(result.err)


OCCUPATION = """occupations:
  - id: medical-records-specialists
    soc: "29-2072"
    name: Medical Records Specialists
    wage_year: 2024
    annual_wages: {{p10: 35000, p50: {p50}, p90: 80950}}
    source: {{title: Local survey, url: https://example.org/s, year: 2025}}
"""


@pytest.mark.parametrize("mode", ["validate", "compare"])
def test_same_id_in_two_data_files(mode: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The same record id in two --data files is refused, naming both files and lines."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.yaml").write_text(OCCUPATION.format(p50=50000))
    (folder / "b.yaml").write_text("# second\n" + OCCUPATION.format(p50=90000))
    argv = (["data", "validate", str(folder)] if mode == "validate"
            else ["--data", str(folder), "compare", "-f", "json"])
    result = run(argv, capsys)
    assert result.code == DATA and result.out == ""
    assert f"{folder / 'b.yaml'}:3 (occupations, record 'medical-records-specialists'" in result.err
    assert f"duplicate id in two data files (first defined at {folder / 'a.yaml'}:2)" in result.err
    check_error_line(result.err)


def test_yaml_merge_key_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    """`<<: *base` then a field is valid YAML: the field overrides the merged value."""
    from himcalc import loader

    doc = loader.parse_yaml("a: &b {age: 30, tax: 1}\nc:\n  <<: *b\n  age: 31\n", "m.yaml")
    assert doc["c"] == {"age": 31, "tax": 1}
    Path("scenario.yaml").write_text(
        "<<: &common {age: 30, tax_rate: 10%}\nage: 40\n")
    merged = run(["compare", "associate-hit", "--scenario", "scenario.yaml", "-f", "json"],
                 capsys)
    plain = run(["compare", "associate-hit", "--age", "40", "--tax-rate", "10%", "-f", "json"],
                capsys)
    assert merged.code == 0, merged.err
    assert merged.out == plain.out


# --- 10. error before output ------------------------------------------------------------------


@pytest.mark.parametrize("content", ["id,salary\na,40000\n", "id,age,age\na,1,2\n"],
                         ids=["unknown_column", "repeated_column"])
def test_batch_csv_header_checked_before_output(content: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`batch -f csv` with a bad input header writes nothing to stdout (no lone CSV header)."""
    result = batch(content, capsys, "-f", "csv", name="in.csv")
    assert result.code == DATA and result.out == ""
    assert "in.csv:1" in result.err
    check_error_line(result.err)


def test_batch_csv_header_alone_for_empty_input(capsys: pytest.CaptureFixture[str]) -> None:
    """An input with a header and no row gives the output header alone, exit 0."""
    result = batch("id,age\n", capsys, "-f", "csv", name="in.csv")
    assert result.code == 0 and result.out.startswith("id,pathway,")
    assert result.out.count("\n") == 1


def test_batch_csv_first_line_bad_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --keep-going a bad first row stops the run before the header is written."""
    result = batch('{"age": 300}\n', capsys, "-f", "csv")
    assert result.code == DATA and result.out == ""


# --- 3. bounded reads: no input can hang or exhaust memory --------------------------------

HIMCALC = str(Path(sys.executable).with_name("himcalc"))


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "HIMCALC_DATA"}


def _data_dir_with(tmp_path: Path, kind: str) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.yaml").write_text(OCCUPATION.format(p50=50000))
    if kind == "dev_zero":
        (folder / "z.yaml").symlink_to("/dev/zero")
    else:
        os.mkfifo(folder / "z.yaml")
    return folder


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
                    reason="needs POSIX FIFOs and /dev/zero")
@pytest.mark.parametrize("kind", ["dev_zero", "fifo"])
@pytest.mark.parametrize("mode", ["validate", "compare"])
def test_data_directory_refuses_non_regular_files(kind: str, mode: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A symlink to /dev/zero or a FIFO in a --data directory is refused at once, not read."""
    folder = _data_dir_with(tmp_path, kind)
    argv = (["data", "validate", str(folder)] if mode == "validate"
            else ["--data", str(folder), "compare", "-f", "json"])
    result = run(argv, capsys)
    assert result.code == DATA and result.out == "" and result.seconds < 5
    what = "a device" if kind == "dev_zero" else "a FIFO"
    assert f"{folder / 'z.yaml'}: {what}, not a data file" in result.err
    check_error_line(result.err)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("argv", [["compare", "--scenario", "-", "-f", "json"],
                                  ["compare", "--scenario", "/dev/zero", "-f", "json"],
                                  ["batch"], ["batch", "-i", "/dev/zero"]],
                         ids=["scenario_stdin", "scenario_file", "batch_stdin", "batch_file"])
def test_endless_input_is_bounded(argv: list[str]) -> None:
    """An endless input (/dev/zero, as a file or on stdin) is refused after the size limit."""
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run([HIMCALC, *argv], stdin=zero, capture_output=True, timeout=60,
                              env=_env())
    assert done.returncode == DATA and done.stdout == b""
    assert b"larger than 2,000,000 bytes" in done.stderr or (
        b"longer than 1,048,576 bytes" in done.stderr), done.stderr
    check_error_line(done.stderr.decode())


@pytest.mark.skipif(os.name != "posix", reason="closing fd 0 is POSIX")
@pytest.mark.parametrize("argv", [["compare", "--scenario", "-", "-f", "json"], ["batch"]],
                         ids=["scenario", "batch"])
def test_closed_stdin_is_an_input_error(argv: list[str]) -> None:
    """With stdin closed (`<&-`), reading it is a clear input error (exit 1), not exit 70."""
    done = subprocess.run([HIMCALC, *argv], capture_output=True, timeout=60, env=_env(),
                          stdin=None, preexec_fn=lambda: os.close(0))
    assert done.returncode == DATA and done.stdout == b""
    assert done.stderr.startswith(b"error: <stdin>: standard input is closed")
    check_error_line(done.stderr.decode())


# --- 4. every failure to read an input is that input's error ------------------------------

GOOD = '{"id": "good", "pathways": "associate-hit"}\n'


@pytest.mark.parametrize(("bad", "fragment"), [
    ('{"id": "big", "age": ' + "9" * 5000 + "}\n", "more than 40 digits"),
    ('{"id": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "nested too deep"),
    ('{"id": "\\udc80"}\n', "lone surrogate"),
    ('{"id": NaN}\n', "NaN is not a JSON number"),
    ('{"id": Infinity}\n', "Infinity is not a JSON number"),
    ('{"id": 1e999}\n', "must be a finite number"),
    ('{"id": [1, 2]}\n', "must be a string, a number or null"),
    (b'{"id": "caf\xe9"}\n', "not UTF-8 text (byte 0xe9 at column 12)"),
], ids=["5000_digits", "deep_nesting", "lone_surrogate", "nan_id", "infinity_id",
        "overflowing_id", "list_id", "latin1_id"])
@pytest.mark.parametrize("lines", ["alone", "in_a_block"])
def test_batch_unreadable_line_is_its_error(bad: str | bytes, fragment: str, lines: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A line that cannot be read is its own error (exit 1, never 70); --keep-going keeps the
    rows of every other line of the block, before and after it."""
    bad_bytes = bad if isinstance(bad, bytes) else bad.encode()
    content = bad_bytes if lines == "alone" else (GOOD.encode() + bad_bytes + GOOD.encode())
    result = batch(content, capsys, "--keep-going")
    assert result.code == DATA, result.err
    assert "internal error" not in result.err and fragment in result.err, result.err
    assert f"in.jsonl:{1 if lines == 'alone' else 2}" in result.err
    assert ids_of(result.out) == ([] if lines == "alone" else ["good", "good"])


def test_batch_csv_huge_field_is_its_rows_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A CSV cell over 128 KiB is that row's error; --keep-going keeps the rows around it."""
    content = ("id,pathways\na,associate-hit\nb," + "x" * 200_000 + "\nc,associate-hit\n")
    result = batch(content, capsys, "--keep-going", name="in.csv")
    assert result.code == DATA and "internal error" not in result.err
    assert "in.csv:3: cannot read this CSV row: field larger than field limit" in result.err
    assert ids_of(result.out) == ["a", "c"]


def test_batch_csv_undecodable_row(capsys: pytest.CaptureFixture[str]) -> None:
    """A CSV row with a byte that is not UTF-8 is its own error; the other rows are kept."""
    content = b"id,pathways\na,associate-hit\nb\xff,associate-hit\nc,associate-hit\n"
    result = batch(content, capsys, "--keep-going", name="in.csv")
    assert result.code == DATA
    assert "in.csv:3: not UTF-8 text (byte 0xff at column 2)" in result.err
    assert ids_of(result.out) == ["a", "c"]


def test_batch_5000_digit_csv_cell(capsys: pytest.CaptureFixture[str]) -> None:
    """A 5,000-digit CSV number is the row's error, not an internal error."""
    result = batch("id,age\na," + "9" * 5000 + "\n", capsys, name="in.csv")
    assert result.code == DATA and "in.csv:2 (field 'age')" in result.err
    assert "more than 40 digits" in result.err


# --- 9. a leading byte-order mark is accepted in every text input ---------------------------


@pytest.mark.parametrize(("name", "content"), [
    ("in.jsonl", '\ufeff{"id": "a", "pathways": "associate-hit"}\n'),
    ("in.csv", "\ufeffid,pathways\na,associate-hit\n"),
], ids=["jsonl", "csv"])
def test_batch_accepts_bom(name: str, content: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Excel's "CSV UTF-8" (and a JSONL file) starting with a BOM is read; `id` is `id`."""
    result = batch(content, capsys, name=name)
    assert result.code == 0, result.err
    assert ids_of(result.out) == ["a"]


def test_scenario_and_data_accept_bom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A scenario file, a scenario on stdin and a data file may start with a BOM."""
    Path("me.yaml").write_text("\ufeffage: 40\n", encoding="utf-8")
    plain = run(["compare", "--age", "40", "-f", "json"], capsys)
    assert run(["compare", "--scenario", "me.yaml", "-f", "json"], capsys).out == plain.out
    data = tmp_path / "occ.yaml"
    data.write_text("\ufeff" + OCCUPATION.format(p50=50250), encoding="utf-8")
    assert run(["data", "validate", str(data)], capsys).code == 0


# --- 8. CSV that cannot attack the spreadsheet it is opened in -----------------------------


def test_batch_csv_neutralises_formulas(capsys: pytest.CaptureFixture[str]) -> None:
    """Text ids starting with = + - @ tab or CR get a leading '; numeric ids stay numbers."""
    ids = ['=HYPERLINK("http://x")', "@SUM(A1)", "+1", "-x", "\tt", "plain"]
    content = "".join(json.dumps({"id": i, "pathways": "associate-hit"}) + "\n" for i in ids)
    content += '{"id": -5, "pathways": "associate-hit"}\n{"id": "\\rr"}\n'
    result = batch(content, capsys, "-f", "csv")
    assert result.code == 0, result.err
    import csv as csv_module

    rows = list(csv_module.DictReader(io.StringIO(result.out, newline="")))
    assert [r["id"] for r in rows[:7]] == ["'" + i for i in ids[:-1]] + ["plain", "-5"]
    assert all(not r["npv"].startswith("'") for r in rows[:7])
    assert "\n'\rr,coding-certificate," in result.out  # a carriage return first, too


def test_compare_csv_negative_numbers_untouched(capsys: pytest.CaptureFixture[str]) -> None:
    """A negative NPV in CSV/TSV stays a number (-8721.0), never '-8721.0."""
    for fmt, sep in (("csv", ","), ("tsv", "\t")):
        result = run(["compare", "coding-certificate", "--horizon", "5", "-f", fmt], capsys)
        header, row = result.out.splitlines()[:2]
        npv = row.split(sep)[header.split(sep).index("npv")]
        assert npv.startswith("-") and float(npv) < 0


# --- 11. data validate runs the checks the commands run ------------------------------------

RETIRE_AT_22 = """parameters:
  - id: retire_age
    value: 22
    unit: years
    source: {title: Local survey, url: https://example.org/s, year: 2025}
"""


def test_validate_refuses_data_no_command_can_use(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A retirement age in range (22) but below the start age (25) makes every horizon
    negative: `data validate` says so (exit 1), as `compare` refuses it."""
    path = tmp_path / "params.yaml"
    path.write_text(RETIRE_AT_22)
    compare = run(["--data", str(path), "compare", "-f", "json"], capsys)
    assert compare.code == DATA and "retire_age must be above age (25)" in compare.err
    result = run(["data", "validate", str(path)], capsys)
    assert result.code == DATA and result.out == ""
    assert result.err == (f"error: {path}: no command can price any pathway with the default "
                          "scenario: horizon is -3 years: retire_age must be above age (25)\n")
    as_json = run(["data", "validate", str(path), "-f", "json"], capsys)
    assert as_json.code == DATA and "horizon is -3 years" in json.loads(as_json.out)[0]["message"]


# --- issue 16 §9-10: flags exit 2 naming the flag; conflicts; -h, -V; NO_COLOR ------------


@pytest.mark.parametrize(("argv", "names"), [
    (["simulate", "--within", "nan"], "--within"),
    (["simulate", "--within", "-3"], "--within"),
    (["simulate", "--salary-spread", "7"], "--salary-spread"),
    (["loan", "--plan", "rap", "--income", "nan", "--principal", "1000"], "--income"),
    (["loan", "--principal", "1000", "--rate", "-1%"], "--rate"),
    (["compare", "--age", "70"], "--age 70"),
    (["compare", "--salary-kept", "1.5"], "'--salary-kept'"),
    (["compare", "--completion-probability", "120%"], "--completion-probability"),
    (["compare", "--horizon", "50", "--retire-age", "60"], "--horizon and --retire-age"),
    (["compare", "--study-mode", "half-time"], "'--study-mode'"),
], ids=["within_nan", "within_negative", "salary_spread_7", "income_nan", "rate_negative",
        "age_70", "salary_kept_1.5", "probability_120%", "horizon_and_retire_age",
        "unknown_study_mode"])
def test_bad_flag_value_is_a_usage_error(argv: list[str], names: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed, out-of-range or conflicting flag value exits 2, naming the flag as typed."""
    result = run([*argv, "-f", "json"], capsys)
    assert result.code == USAGE, result.err
    assert result.out == "" and names in result.err, result.err
    check_error_line(result.err)


def test_age_past_retirement_in_a_scenario_file(capsys: pytest.CaptureFixture[str]) -> None:
    """age: 70 in a scenario file is that file's error (exit 1) naming its line, not exit 2."""
    Path("me.yaml").write_text("# me\nage: 70\n")
    result = run(["compare", "--scenario", "me.yaml", "-f", "json"], capsys)
    assert result.code == DATA and result.err.startswith("error: me.yaml:2 (field 'age'): 70")


def test_flag_replaces_the_files_other_horizon(capsys: pytest.CaptureFixture[str]) -> None:
    """`--retire-age` over a file's `horizon` is used, with a note: the same as the flag alone."""
    Path("me.yaml").write_text("horizon: 30\n")
    both = run(["compare", "--scenario", "me.yaml", "--retire-age", "60", "-f", "json"], capsys)
    alone = run(["compare", "--retire-age", "60", "-f", "json"], capsys)
    assert both.code == 0 and both.out == alone.out
    assert "note: --retire-age replaces the horizon of me.yaml" in both.err


def test_horizon_and_retire_age_in_one_batch_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A batch line giving both horizon and retire_age is the line's error."""
    result = batch('{"horizon": 30, "retire_age": 60}\n', capsys)
    assert result.code == DATA and "in.jsonl:1" in result.err
    assert "horizon and retire_age both set the horizon" in result.err


@pytest.mark.parametrize("argv", [["-h"], ["compare", "-h"], ["data", "validate", "-h"]])
def test_short_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """`-h` is `--help`, for the program and its commands."""
    result = run(argv, capsys)
    assert result.code == 0 and "Usage: himcalc" in result.out


def test_short_version() -> None:
    """`himcalc -V` prints the version, as `--version` does."""
    done = subprocess.run([HIMCALC, "-V"], capture_output=True, text=True, timeout=60)
    same = subprocess.run([HIMCALC, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == same.stdout and done.stdout.startswith(
        "himcalc ")


def test_empty_no_color_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR="" leaves the terminal table (rich) on; a non-empty NO_COLOR gives the plain
    table, with no colour, bold or boxes (no-color.org; README)."""
    from himcalc.render import chart, report

    seen: list[bool] = []
    monkeypatch.setattr("himcalc.render.terminal.print_report",
                        lambda rep, stream, view=None, no_color=False: seen.append(True))
    monkeypatch.setattr(report, "is_terminal", lambda stream: True)
    monkeypatch.setattr(chart.sys.stdout, "isatty", lambda: True, raising=False)
    rep = report.Report(rows=[], columns=[])
    for value, rich in (("", True), ("1", False)):
        seen.clear()
        monkeypatch.setenv("NO_COLOR", value)
        text = report.render(rep, report.Format.table)
        assert bool(seen) is rich and (text is None) is rich
        assert chart._color_wanted() is rich


@pytest.mark.parametrize("argv", [
    ["--current-salary", "045000"], ["--current-salary", "45_000"], ["--age", "030"],
    ["--tuition", "09800"], ["--age", "30.5"], ["--borrow", "0x10"],
])
def test_number_flags_follow_the_one_number_rule(argv: list[str]) -> None:
    """Plain number flags are read by the one number rule too (typer's own conversion reads
    `045000` as 45,000 and `45_000` as 45,000): refused, exit 2."""
    from himcalc.cli.main import main_entry

    assert main_entry(["compare", *argv, "-f", "json"]) == 2
