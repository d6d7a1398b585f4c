"""Issue 16, item 3: one closed option does not abort a comparison; nothing priced is an error."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from himcalc.cli.batch_work import KEYS
from himcalc.cli.main import app, main_entry

runner = CliRunner()


def test_compare_prices_what_it_can(capsys):
    """--study-mode accelerated skips the coding certificate (no accelerated variant), prices
    the associate and the bachelor's, and says why on stderr in JSON."""
    assert main_entry(["compare", "--study-mode", "accelerated", "-f", "json"]) == 0
    out, err = capsys.readouterr()
    assert sorted(r["pathway"] for r in json.loads(out)) == ["associate-hit", "bachelor-him"]
    assert err.startswith("note: skipped (cannot be priced): coding-certificate")
    assert "no accelerated variant" in err


def test_compare_table_lists_the_skipped(capsys):
    """In a table, a named pathway the education does not open is listed under the table."""
    assert main_entry(["compare", "associate-hit", "mha"]) == 0
    out, _ = capsys.readouterr()
    flat = " ".join(out.split())
    assert "Skipped (cannot be priced): mha (public_in_state): pathway 'mha' requires" in flat


def test_nothing_priced_is_an_error(capsys):
    """Two pathways closed to a high-school graduate: exit 1, both reasons, empty stdout."""
    assert main_entry(["compare", "mha", "ms-hiim", "-f", "csv"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("error: nothing to compare: mha (public_in_state)")
    assert lines[1].startswith("  ms-hiim (public_in_state)")


def test_no_open_pathway_is_said(capsys):
    """Without a high-school diploma no pathway in the data is open: said, exit 1."""
    assert main_entry(["compare", "--education", "less_than_high_school"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("error: nothing to compare: no pathway in the data is open to education "
                   "'less_than_high_school'\n")


def test_batch_line_keeps_what_can_be_priced():
    """A batch line naming an open and a closed pathway gives a priced row and a `skipped` row
    (figures null); a line naming only closed pathways is still an error."""
    text = ('{"id": 1, "pathways": ["associate-hit", "mha"]}\n'
            '{"id": 2, "pathways": ["mha"]}\n')
    result = runner.invoke(app, ["batch", "--keep-going"], input=text)
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["pathway"]) for r in rows] == [(1, "associate-hit"), (1, "mha")]
    assert rows[0]["skipped"] is None and rows[0]["npv"] is not None
    assert rows[1]["skipped"].startswith("pathway 'mha' requires education")
    assert all(rows[1][k] is None for k in KEYS if k not in
               ("id", "pathway", "institution", "study_mode", "skipped"))
    assert "<stdin>:2: pathway 'mha' requires" in result.stderr


def test_batch_csv_has_the_skipped_column():
    """CSV output ends with the `skipped` column; a skipped row carries its reason there."""
    result = runner.invoke(app, ["batch", "-f", "csv"],
                           input='{"id": 1, "pathways": "associate-hit mha"}\n')
    header, priced, skipped = result.stdout.splitlines()
    assert header.split(",")[-1] == "skipped"
    assert priced.endswith(",")
    assert skipped.startswith("1,mha,public_in_state,full_time,,")
    assert "requires education" in skipped
