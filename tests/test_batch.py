"""`himcalc batch`: streams JSON Lines and CSV, and agrees with `compare` row for row."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from himcalc.cli.main import app

runner = CliRunner()

SCENARIOS = [
    {"id": "ana", "age": 31, "current_salary": 36000, "pathways": ["associate-hit"]},
    {"id": "ben", "education": "bachelor", "percentile": 25, "discount_rate": 0.05},
    {"id": "cy", "study_mode": "part_time", "borrow": 4000, "pathways": "coding-certificate"},
    {"id": 7, "education": "associate", "completion_risk": True, "institution": "online"},
]


def compare_rows(scenario: dict) -> list[dict]:
    """What `compare -f json` prints for the same scenario given as flags."""
    args = ["compare", "-f", "json"]
    pathways = scenario.get("pathways", [])
    args += [pathways] if isinstance(pathways, str) else list(pathways)
    for key, value in scenario.items():
        if key in ("id", "pathways"):
            continue
        flag = "--" + key.replace("_", "-")
        args += [flag] if value is True else [flag, str(value)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_batch_equals_compare():
    """Each batch row is the compare row for the same scenario, plus the echoed id."""
    lines = "".join(json.dumps(s) + "\n" for s in SCENARIOS)
    result = runner.invoke(app, ["batch"], input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    for scenario in SCENARIOS:
        got = sorted((r for r in rows if r["id"] == scenario["id"]), key=lambda r: r["pathway"])
        expected = sorted(compare_rows(scenario), key=lambda r: r["pathway"])
        assert [r["pathway"] for r in got] == [r["pathway"] for r in expected]
        for g, e in zip(got, expected, strict=True):
            assert g.pop("skipped") is None
            assert {k: v for k, v in g.items() if k != "id"} == e


def test_batch_csv_in_and_out():
    """CSV input with a header gives CSV output with `id` first and raw numbers."""
    text = "id,age,pathways\nx,30,associate-hit bachelor-him\ny,45,coding-certificate\n"
    result = runner.invoke(app, ["batch", "--input-format", "csv", "-f", "csv"], input=text)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["pathway"]) for r in rows] == [
        ("x", "associate-hit"), ("x", "bachelor-him"), ("y", "coding-certificate")]
    assert result.stdout.splitlines()[0].startswith("id,pathway,institution")
    float(rows[0]["npv"])


def test_batch_empty_input():
    """Empty input gives empty output (a header only in CSV) and exit 0."""
    result = runner.invoke(app, ["batch"], input="")
    assert result.exit_code == 0 and result.stdout == ""
    result = runner.invoke(app, ["batch", "-f", "csv"], input="\n\n")
    assert result.exit_code == 0 and result.stdout.count("\n") == 1


def test_batch_stops_at_first_bad_line_without_keep_going():
    """Without --keep-going the run stops at the bad line: rows before it are kept, none after."""
    text = '{"id": 1}\n{"age": -3}\n{"id": 3}\n'
    result = runner.invoke(app, ["batch"], input=text)
    assert result.exit_code != 0
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == [1, 1, 1]  # the three pathways open to a high-school graduate


@pytest.mark.parametrize("n", [1, 50])
def test_batch_one_row_per_scenario_and_pathway(n):
    """n scenarios naming two pathways give 2n rows, in input order."""
    text = "".join(json.dumps({"id": i, "pathways": ["mha", "ms-hiim"],
                               "education": "bachelor"}) + "\n" for i in range(n))
    result = runner.invoke(app, ["batch"], input=text)
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == [i for i in range(n) for _ in range(2)]


def _cohort(n: int) -> str:
    pathways = ["coding-certificate", "associate-hit", "bachelor-him"]
    return "".join(json.dumps({"id": i, "age": 18 + i % 40, "current_salary": 20_000 + 37 * i,
                               "percentile": (25, 50, 75)[i % 3],
                               "pathways": [pathways[i % 3]]}) + "\n" for i in range(n))


def test_batch_workers_write_what_one_process_writes(monkeypatch):
    """Blocks worked on by two worker processes come back complete and in input order."""
    monkeypatch.setattr("himcalc.app.batch.BLOCK", 7)
    text = _cohort(60)
    one = runner.invoke(app, ["batch", "--jobs", "1"], input=text)
    two = runner.invoke(app, ["batch", "--jobs", "2"], input=text)
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert two.stdout == one.stdout
    assert [json.loads(line)["id"] for line in two.stdout.splitlines()] == list(range(60))


def test_batch_workers_stop_at_the_first_bad_line(monkeypatch):
    """Without --keep-going a bad line in a worker's block stops the run there."""
    monkeypatch.setattr("himcalc.app.batch.BLOCK", 5)
    lines = _cohort(30).splitlines(keepends=True)
    lines[17] = '{"id": 17, "age": 300}\n'
    result = runner.invoke(app, ["batch", "--jobs", "2"], input="".join(lines))
    assert result.exit_code == 1
    assert "<stdin>:18 (field 'age')" in str(result.exception)
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == list(range(17))


def test_batch_block_with_a_bad_line_gives_the_same_rows(monkeypatch):
    """A block with a bad line is read line by line instead of at once: same rows for the rest."""
    monkeypatch.setattr("himcalc.app.batch.BLOCK", 10)
    good = _cohort(10)
    lines = good.splitlines(keepends=True)
    bad = "".join(lines[:4]) + "not json\n" + "".join(lines[4:])
    clean = runner.invoke(app, ["batch"], input=good)
    skipped = runner.invoke(app, ["batch", "--keep-going"], input=bad)
    assert skipped.exit_code == 1 and "<stdin>:5: invalid JSON" in skipped.stderr
    assert skipped.stdout == clean.stdout


def test_batch_plan_error_names_its_line_and_keeps_the_others():
    """A record whose plan fails (a pathway its education does not open) is reported with its
    line; with --keep-going the other records' rows are exactly those of a clean run."""
    good = _cohort(6)
    lines = good.splitlines(keepends=True)
    bad = "".join(lines[:3]) + '{"id": "x", "pathways": ["mha"]}\n' + "".join(lines[3:])
    clean = runner.invoke(app, ["batch"], input=good)
    skipped = runner.invoke(app, ["batch", "--keep-going"], input=bad)
    assert skipped.exit_code == 1
    assert "<stdin>:4: pathway 'mha' requires education" in skipped.stderr
    assert skipped.stdout == clean.stdout
    stopped = runner.invoke(app, ["batch"], input=bad)
    assert "<stdin>:4: pathway 'mha'" in str(stopped.exception)
    assert stopped.stdout == "".join(clean.stdout.splitlines(keepends=True)[:3])


def test_batch_undecodable_input_keeps_the_rows_read_before_it(monkeypatch, tmp_path):
    """Bytes that are not UTF-8 deep in a long input: an error naming the file, and the rows
    written are those of lines read before it, complete and in order."""
    monkeypatch.setattr("himcalc.app.batch.BLOCK", 50)
    text = _cohort(400)
    path = tmp_path / "cohort.jsonl"
    path.write_bytes(text.encode() + b'{"id": "\xff"}\n')
    result = runner.invoke(app, ["batch", "--jobs", "2", "--input", str(path)])
    assert result.exit_code == 1
    assert "not UTF-8" in str(result.exception)
    clean = runner.invoke(app, ["batch", "--jobs", "1"], input=text).stdout
    assert result.stdout and clean.startswith(result.stdout)


COMPARE_JSON_MODULES = [
    "himcalc", "himcalc.app", "himcalc.app.compare", "himcalc.app.tasks", "himcalc.cli",
    "himcalc.cli.common", "himcalc.cli.main", "himcalc.cli.options", "himcalc.cli.reading",
    "himcalc.cli.reports", "himcalc.engine", "himcalc.engine.cashflows", "himcalc.engine.earnings",
    "himcalc.engine.finance", "himcalc.engine.financing", "himcalc.engine.metrics",
    "himcalc.engine.ops", "himcalc.engine.plan", "himcalc.engine.salary",
    "himcalc.engine.scenario_rules", "himcalc.engine.study", "himcalc.errors", "himcalc.models",
    "himcalc.models.enums", "himcalc.models.plain", "himcalc.models.store", "himcalc.numbers",
    "himcalc.render", "himcalc.render.columns", "himcalc.render.machine", "himcalc.render.pricing",
    "himcalc.render.report", "himcalc.shipped",
]
"""Every himcalc module `compare -f json` imports: no loader or dataset model (the shipped
data is a validated snapshot), no scenario model (flags are validated on its generated
schema), no loan, chart, table-layout or terminal module."""


def test_compare_json_imports_only_what_it_needs():
    """`compare -f json` imports exactly `COMPARE_JSON_MODULES` of himcalc, and none of numpy,
    orjson, rich, yaml or plotille (start-up is a feature; issue 18). The standard `csv` is
    not checked: `importlib.metadata`, which pydantic imports under typer, imports it."""
    import os
    import subprocess
    import sys

    code = ("import sys; from himcalc.cli.main import main_entry; "
            "main_entry(['compare', '-f', 'json']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'himcalc'), '|', "
            "sorted(m for m in ('numpy', 'orjson', 'rich', 'yaml', 'plotille') "
            "if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if k != "HIMCALC_DATA"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    modules, third_party = out.stdout.splitlines()[-1].split(" | ")
    assert modules == str(COMPARE_JSON_MODULES)
    assert third_party == "[]"


def test_line_with_no_open_pathway_is_its_error():
    """A line whose education opens no pathway is that line's error (exit 1), never silently
    dropped; with --keep-going the other lines' rows are written."""
    from himcalc.cli.main import main_entry

    line = '{"id": "x", "education": "less_than_high_school"}\n'
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO(line))
        assert main_entry(["batch"]) == 1
    result = runner.invoke(app, ["batch", "--keep-going"], input=line + '{"id": "y"}\n')
    rows = [json.loads(r) for r in result.stdout.splitlines()]
    assert {r["id"] for r in rows} == {"y"} and len(rows) == 3


def test_csv_numbers_read_back_exactly():
    """CSV cells hold each number in its shortest exact form: every float of `compare -f csv`
    reads back equal to `compare -f json`'s (small ratios such as 1.46e-05 are not rounded)."""
    table = list(csv.DictReader(io.StringIO(runner.invoke(
        app, ["compare", "--education", "master", "-f", "csv"]).stdout)))
    rows = json.loads(runner.invoke(app, ["compare", "--education", "master", "-f",
                                          "json"]).stdout)
    for cells, row in zip(table, rows, strict=True):
        for key, value in row.items():
            if isinstance(value, float):
                assert float(cells[key]) == value, key
